/**
 * The in-memory cache (contract shared with Redis: cache.svc.test.ts), its LRU bound, and its real use: a
 * campaign's budget summary, cached per process and dropped when the campaign's spend or budget events arrive.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { memoryCache } from '../src/platform/cache/cache.js';
import { budgetCacheKey } from '../src/modules/campaigns/budget.js';
import { campaignWithSpend, created } from './support/campaigns.js';
import { cacheContract } from './support/cache-contract.js';
import { connect } from './support/db.js';
import { waitFor } from './support/events.js';
import { as, signUpActor, type Actor } from './support/http.js';

cacheContract('in-memory', () => memoryCache());

describe('the in-memory cache', () => {
  it('keeps at most maxEntries values, evicting the least recently used', async () => {
    const c = memoryCache({ maxEntries: 2 });
    for (const k of ['a', 'b']) await c.set(k, k, 60_000, 0);
    expect(await c.get('a')).toBe('a'); // a is now the most recent
    await c.set('c', 'c', 60_000, 0);
    expect(await c.get('b')).toBeUndefined();
    expect([await c.get('a'), await c.get('c')]).toEqual(['a', 'c']);
  });
});

describe('the campaign budget summary through the cache', () => {
  let app: TestApp;
  let admin: pg.Client;
  let owner: Actor;
  beforeAll(async () => {
    app = await startTestApp();
    admin = await connect(app.db.adminUrl);
    owner = await signUpActor(app.url, 'cache-owner');
  });
  afterAll(async () => {
    await admin?.end();
    await app?.close();
  });

  it('is served from the cache; the writer’s own change drops it at once, another process’s when its event arrives', async () => {
    const { campaignId, lineId } = await campaignWithSpend(owner);
    const spent = async () => (await as(owner, 'GET', `/api/v1/campaigns/${campaignId}`)).body.budget.spentCents;
    expect(await spent()).toBe(2_500);
    const { cache, bus } = app.platform.services;
    expect(await cache.get(budgetCacheKey(owner.orgId, campaignId))).toMatchObject({ spentCents: 2_500 });

    await created(owner, `/api/v1/campaigns/${campaignId}/spend`, {
      lineId,
      amountCents: 1_000,
      spentOn: '2028-03-09',
      vendor: 'Cache vendor',
    });
    expect(await spent()).toBe(3_500);

    // Spend recorded through another process: its transaction does not touch this process's cache (written here
    // straight into the database, as that process would), so the cached summary is still served...
    await admin.query(
      `INSERT INTO campaign_spend_entries (id, org_id, campaign_id, line_id, amount_cents, spent_on, vendor)
       VALUES (gen_random_uuid(), $1, $2, $3, 500, '2028-03-10', 'Elsewhere')`,
      [owner.orgId, campaignId, lineId],
    );
    expect(await spent()).toBe(3_500);
    // ...until that change's event arrives.
    await bus.publish({
      id: crypto.randomUUID(),
      orgId: owner.orgId,
      type: 'campaigns.spend.recorded',
      occurredAt: new Date().toISOString(),
      payload: { target: { type: 'spend_entry', id: null }, after: { campaignId } },
    });
    await waitFor(async () => (await spent()) === 4_000, 'the spend event to invalidate the budget summary');
  });
});

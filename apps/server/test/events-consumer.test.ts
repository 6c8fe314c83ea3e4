/**
 * Durable consumers (platform/events/consumer.ts) and the metering consumer, on the test app's in-process bus and
 * its real (embedded) PostgreSQL: one effect per event whatever the bus does — redelivered, republished, raced by
 * two subscribers, or failing half-way — and usage readable by admins only.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import type { Delivery } from '../src/platform/events/bus.js';
import {
  processDelivery,
  processGroupBatch,
  startConsumer,
  startConsumerGroup,
  type Consumer,
  type ConsumerContext,
} from '../src/platform/events/consumer.js';
import { meteringConsumer } from '../src/platform/metering/usage.js';
import { consumers } from '../src/consumers.js';
import { CAMPAIGN, created } from './support/campaigns.js';
import { addMember } from './support/cli.js';
import { connect } from './support/db.js';
import { acceptedBy, relayOutbox, waitFor } from './support/events.js';
import { createEndpoint } from './support/webhooks.js';
import { as, expectProblem, signInActor, signUpActor, type Actor } from './support/http.js';

let app: TestApp;
let admin: pg.Client;
let owner: Actor;

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
  owner = await signUpActor(app.url, 'consumer-owner');
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

const delivery = (orgId: string, type = 'campaigns.campaign.created', occurredAt = new Date().toISOString()) =>
  ({
    id: randomUUID(),
    orgId,
    type,
    occurredAt,
    payload: {},
    subject: `akashic.${orgId}.${type}`,
    attempt: 1,
  }) satisfies Delivery;

async function usageOf(orgId: string, type: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT coalesce(sum(events), 0)::int AS n FROM usage_daily WHERE org_id = $1 AND event_type = $2`,
    [orgId, type],
  );
  return rows[0]!.n;
}

/** A test consumer's effect: one more event of `type` in its org's usage today. */
async function countOne({ tx }: ConsumerContext, orgId: string, type: string): Promise<void> {
  await tx.client.query(
    `INSERT INTO usage_daily (org_id, day, event_type, events) VALUES ($1, current_date, $2, 1)
     ON CONFLICT (org_id, day, event_type) DO UPDATE SET events = usage_daily.events + 1`,
    [orgId, type],
  );
}

async function receipts(consumer: string, eventId: string): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM consumer_receipts WHERE consumer = $1 AND event_id = $2`,
    [consumer, eventId],
  );
  return rows[0]!.n;
}

describe('processDelivery', () => {
  it('has one effect for an event delivered twice, and writes its receipt with it', async () => {
    const { services } = app.platform;
    const d = delivery(owner.orgId, 'platform.twice.happened');
    expect(await processDelivery(services.db, services, meteringConsumer, d)).toBe(true);
    expect(await processDelivery(services.db, services, meteringConsumer, { ...d, attempt: 2 })).toBe(false);
    expect(await usageOf(owner.orgId, 'platform.twice.happened')).toBe(1);
    expect(await receipts('metering', d.id)).toBe(1);
  });

  it('has one effect when two deliveries of the same event race (the second waits, then finds the receipt)', async () => {
    const { services } = app.platform;
    const d = delivery(owner.orgId, 'platform.raced.happened');
    const results = await Promise.all(
      Array.from({ length: 4 }, () => processDelivery(services.db, services, meteringConsumer, d)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await usageOf(owner.orgId, 'platform.raced.happened')).toBe(1);
  });

  it('rolls the receipt back with a failed effect, so the redelivery has the effect once', async () => {
    const { services } = app.platform;
    let calls = 0;
    const flaky: Consumer = {
      name: 'flaky',
      filter: {},
      async handle(event, ctx) {
        await countOne(ctx, event.orgId, event.type);
        if (++calls === 1) throw new Error('injected failure after the effect');
      },
    };
    const d = delivery(owner.orgId, 'platform.flaky.happened');
    await expect(processDelivery(services.db, services, flaky, d)).rejects.toThrow('injected failure');
    expect(await receipts('flaky', d.id)).toBe(0);
    expect(await usageOf(owner.orgId, 'platform.flaky.happened')).toBe(0);
    expect(await processDelivery(services.db, services, flaky, { ...d, attempt: 2 })).toBe(true);
    expect(await processDelivery(services.db, services, flaky, { ...d, attempt: 3 })).toBe(false);
    expect(await usageOf(owner.orgId, 'platform.flaky.happened')).toBe(1);
  });

  it('runs in the event’s org: a handler cannot write another org’s rows', async () => {
    const { services } = app.platform;
    const other = await signUpActor(app.url, 'consumer-other');
    const trespass: Consumer = {
      name: 'trespass',
      filter: {},
      async handle(event, { tx }) {
        await tx.client.query(
          `INSERT INTO usage_daily (org_id, day, event_type, events) VALUES ($1, current_date, 'x.y.z', 1)`,
          [other.orgId],
        );
      },
    };
    await expect(processDelivery(services.db, services, trespass, delivery(owner.orgId))).rejects.toThrow(
      /row-level security/,
    );
    expect(await usageOf(other.orgId, 'x.y.z')).toBe(0);
  });
});

describe('startConsumer on the bus', () => {
  it('retries a failing handler and acknowledges a duplicate without a second effect', async () => {
    const { services } = app.platform;
    let failures = 1;
    const seen: number[] = [];
    const consumer: Consumer = {
      name: 'retrying',
      filter: { module: 'retry' },
      async handle(event, ctx) {
        seen.push(event.attempt);
        // Counted under its own name: the app's metering consumer counts the event too.
        await countOne(ctx, event.orgId, 'retrying.effect.counted');
        if (failures-- > 0) throw new Error('first attempt fails');
      },
    };
    const sub = await startConsumer(services.bus, services.db, services, consumer, { retryDelayMs: 10 });
    try {
      const d = delivery(owner.orgId, 'retry.thing.happened');
      const { subject: _s, attempt: _a, ...event } = d;
      await services.bus.publish(event);
      await waitFor(async () => (await receipts('retrying', d.id)) === 1, 'the retried event');
      expect(seen).toEqual([1, 2]);
      // The relay republishing after a crash, outside the duplicate window: handled, no second effect.
      await processDelivery(services.db, services, consumer, { ...d, attempt: 1 });
      expect(await usageOf(owner.orgId, 'retrying.effect.counted')).toBe(1);
    } finally {
      await sub.close();
    }
  });
});

describe('the worker role’s consumers', () => {
  it('start in one place with the platform: the webhook dispatcher too, without the other background jobs', async () => {
    // The test app is a platform of roles api and worker whose background jobs (src/workers.ts) were not started.
    expect(consumers.map((c) => c.name)).toEqual(['metering', 'notifications', 'webhooks']);
    const o = await signUpActor(app.url, 'dispatch-owner');
    const endpoint = await createEndpoint(o, 'https://hooks.example.com/akashic', ['campaigns.*']);
    await created(o, '/api/v1/campaigns', CAMPAIGN);
    for (const c of consumers) await relayOutbox(app, admin, o.orgId, c.name, acceptedBy(c));
    const { rows } = await admin.query(
      `SELECT d.endpoint_id FROM webhook_deliveries d JOIN outbox e ON e.id = d.event_id
        WHERE d.org_id = $1 AND e.type = 'campaigns.campaign.created'`,
      [o.orgId],
    );
    expect(rows).toEqual([{ endpoint_id: endpoint.id }]);
  });
});

describe('startConsumer batches', () => {
  it('writes queued events in batches, one transaction per org, never mixing orgs in one', async () => {
    const { services } = app.platform;
    const orgs = [(await signUpActor(app.url, 'batch-a')).orgId, (await signUpActor(app.url, 'batch-b')).orgId];
    const batches: Array<{ setting: string; orgs: string[] }> = [];
    const consumer: Consumer = {
      name: 'batching',
      filter: { module: 'batching' },
      async handle() {
        throw new Error('handleBatch is used');
      },
      async handleBatch(events, { tx }) {
        const { rows } = await tx.client.query<{ org: string }>(`SELECT current_setting('app.org_id') AS org`);
        batches.push({ setting: rows[0]!.org, orgs: events.map((e) => e.orgId) });
      },
    };
    const sub = await startConsumer(services.bus, services.db, services, consumer);
    try {
      const events = Array.from({ length: 60 }, (_, i) => {
        const { subject: _s, attempt: _a, ...e } = delivery(orgs[i % 2]!, 'batching.thing.happened');
        return e;
      });
      for (const e of events) await services.bus.publish(e);
      await waitFor(
        async () => (await Promise.all(events.map((e) => receipts('batching', e.id)))).every((n) => n === 1),
        'every event’s receipt',
      );
      expect(batches.flatMap((b) => b.orgs)).toHaveLength(60);
      for (const b of batches) expect(b.orgs.every((o) => o === b.setting)).toBe(true);
      // Events that queued while a batch was written went together into the next.
      expect(Math.max(...batches.map((b) => b.orgs.length))).toBeGreaterThan(1);
    } finally {
      await sub.close();
    }
  });

  it('retries a failed batch event by event: only the poisonous event fails, its org’s others are handled', async () => {
    const { services } = app.platform;
    const org = (await signUpActor(app.url, 'batch-poison')).orgId;
    const events = Array.from({ length: 8 }, () => {
      const { subject: _s, attempt: _a, ...e } = delivery(org, 'poison.thing.happened');
      return e;
    });
    const poison = events[3]!.id;
    const consumer: Consumer = {
      name: 'poisoned',
      filter: { module: 'poison' },
      async handle(event, ctx) {
        if (event.id === poison) throw new Error('poison');
        await countOne(ctx, event.orgId, 'poisoned.effect.counted');
      },
    };
    const sub = await startConsumer(services.bus, services.db, services, consumer, { retryDelayMs: 10, maxDeliver: 3 });
    try {
      for (const e of events) await services.bus.publish(e);
      await waitFor(
        async () => (await usageOf(org, 'poisoned.effect.counted')) === 7,
        'the seven healthy events’ effects',
      );
      expect(await receipts('poisoned', poison)).toBe(0);
      for (const e of events.filter((x) => x.id !== poison)) expect(await receipts('poisoned', e.id)).toBe(1);
    } finally {
      await sub.close();
    }
  });
});

describe('consumer groups (one subscription, one transaction per org batch)', () => {
  /** A batchSql consumer counting its fresh events under `type`; its final SELECT tells its transaction. */
  const counting = (name: string, type: string, log: { committed: string[]; abandoned: number }): Consumer => ({
    name,
    filter: { module: 'grouped' },
    batchSql: (_orgId, events) => ({
      ctes: [
        `${name}_counted AS (
           INSERT INTO usage_daily (org_id, day, event_type, events)
           SELECT $1, current_date, $5, count(*)
             FROM unnest($4::uuid[]) AS e(id) WHERE e.id IN (SELECT event_id FROM fresh)
           ON CONFLICT (org_id, day, event_type) DO UPDATE SET events = usage_daily.events + excluded.events)`,
        // Fails the statement (and so the transaction) for an event of type grouped.thing.failing.
        `${name}_checked AS (SELECT 1 / CASE WHEN $6::boolean THEN 0 ELSE 1 END AS ok)`,
      ],
      select: [`(SELECT ok FROM ${name}_checked) AS ok`, 'txid_current()::text AS txid'],
      values: [
        events.map((e) => e.id),
        type,
        name === 'group_b' && events.some((e) => e.type === 'grouped.thing.failing'),
      ],
      committed: (row) => void log.committed.push(String(row.txid)),
      abandoned: () => void log.abandoned++,
    }),
  });

  it('writes every consumer’s effects for an org’s batch in one transaction, each consumer only for what it takes', async () => {
    const { services } = app.platform;
    const org = (await signUpActor(app.url, 'group-one-tx')).orgId;
    const log = { committed: [] as string[], abandoned: 0 };
    const handled: Array<{ type: string; txid: string }> = [];
    const group: Consumer[] = [
      counting('group_a', 'group_a.effect.counted', log),
      counting('group_b', 'group_b.effect.counted', log),
      {
        name: 'group_c',
        filter: { module: 'grouped' },
        accepts: (e) => e.type === 'grouped.thing.noticed',
        async handle(event, { tx }) {
          const { rows } = await tx.client.query<{ txid: string }>('SELECT txid_current()::text AS txid');
          handled.push({ type: event.type, txid: rows[0]!.txid });
        },
      },
      { name: 'group_d', filter: { module: 'elsewhere' }, handle: () => Promise.reject(new Error('not taken')) },
    ];
    const events = [
      delivery(org, 'grouped.thing.happened'),
      delivery(org, 'grouped.thing.noticed'),
      delivery(org, 'grouped.thing.happened'),
    ];
    await processGroupBatch(services.db, services, group, org, events);
    // Both statements and the handler ran in one transaction.
    expect(log.committed).toHaveLength(2);
    expect(handled).toEqual([{ type: 'grouped.thing.noticed', txid: log.committed[0] }]);
    expect(log.committed[1]).toBe(log.committed[0]);
    expect(await usageOf(org, 'group_a.effect.counted')).toBe(3);
    expect(await usageOf(org, 'group_b.effect.counted')).toBe(3);
    for (const e of events) {
      expect(await receipts('group_a', e.id)).toBe(1);
      expect(await receipts('group_c', e.id)).toBe(e.type === 'grouped.thing.noticed' ? 1 : 0);
      expect(await receipts('group_d', e.id)).toBe(0);
    }
    // Only batchSql consumers: their statements go pipelined, the last with COMMIT; a second delivery is a no-op.
    log.committed = [];
    const more = [delivery(org, 'grouped.thing.happened'), ...events];
    await processGroupBatch(services.db, services, group.slice(0, 2), org, more);
    expect(log.committed).toHaveLength(2);
    expect(log.committed[1]).toBe(log.committed[0]);
    expect(await usageOf(org, 'group_a.effect.counted')).toBe(4);
    expect(await usageOf(org, 'group_b.effect.counted')).toBe(4);
    // A statement that fails rolls the other consumer's statement back with it (pipelined or not).
    const failing = delivery(org, 'grouped.thing.failing');
    for (const consumers of [group.slice(0, 2), group]) {
      await expect(processGroupBatch(services.db, services, consumers, org, [failing])).rejects.toThrow(
        /division by zero/,
      );
    }
    expect(log.abandoned).toBe(4);
    expect(await receipts('group_a', failing.id)).toBe(0);
    expect(await usageOf(org, 'group_a.effect.counted')).toBe(4);
  });

  it('on the bus: a consumer that keeps failing on an event holds back its own effect only', async () => {
    const { services } = app.platform;
    const org = (await signUpActor(app.url, 'group-isolated')).orgId;
    const log = { committed: [] as string[], abandoned: 0 };
    const group = [
      counting('group_a', 'group_a.isolated.counted', log),
      counting('group_b', 'group_b.isolated.counted', log),
    ];
    const sub = await startConsumerGroup(
      services.bus,
      services.db,
      services,
      { name: 'grouped', consumers: group },
      { retryDelayMs: 10, maxDeliver: 3 },
    );
    try {
      const events = Array.from({ length: 6 }, (_, i) =>
        delivery(org, i === 2 ? 'grouped.thing.failing' : 'grouped.thing.happened'),
      );
      for (const { subject: _s, attempt: _a, ...e } of events) await services.bus.publish(e);
      await waitFor(
        async () =>
          (await usageOf(org, 'group_a.isolated.counted')) === 6 &&
          (await usageOf(org, 'group_b.isolated.counted')) === 5,
        'every effect but group_b’s for the failing event',
      );
      expect(await receipts('group_b', events[2]!.id)).toBe(0);
      for (const e of events) expect(await receipts('group_a', e.id)).toBe(1);
    } finally {
      await sub.close();
    }
  });
});

describe('consumer shortcuts', () => {
  it('acknowledges events a consumer does not accept without a transaction or a receipt', async () => {
    const { services } = app.platform;
    const org = (await signUpActor(app.url, 'accepts-owner')).orgId;
    const handled: string[] = [];
    const consumer: Consumer = {
      name: 'choosy',
      filter: { module: 'choosy' },
      accepts: (e) => e.type === 'choosy.thing.wanted',
      async handle(event) {
        handled.push(event.type);
      },
    };
    const sub = await startConsumer(services.bus, services.db, services, consumer);
    try {
      const wanted = delivery(org, 'choosy.thing.wanted');
      const ignored = delivery(org, 'choosy.thing.ignored');
      for (const { subject: _s, attempt: _a, ...e } of [ignored, wanted]) await services.bus.publish(e);
      await waitFor(async () => (await receipts('choosy', wanted.id)) === 1, 'the wanted event’s receipt');
      expect(await receipts('choosy', ignored.id)).toBe(0);
      expect(handled).toEqual(['choosy.thing.wanted']);
    } finally {
      await sub.close();
    }
  });

  it('writes a batchSql effect with its receipts: once per event, and rolled back with them', async () => {
    const { services } = app.platform;
    const org = (await signUpActor(app.url, 'batchsql-owner')).orgId;
    let fail = false;
    const consumer: Consumer = {
      name: 'setwise',
      filter: {},
      batchSql: (_orgId, events) => ({
        ctes: [
          `counted AS (
             INSERT INTO usage_daily (org_id, day, event_type, events)
             SELECT $1, current_date, 'setwise.effect.counted', count(*)
               FROM unnest($4::uuid[]) AS e(id) WHERE e.id IN (SELECT event_id FROM fresh)
             ON CONFLICT (org_id, day, event_type) DO UPDATE SET events = usage_daily.events + excluded.events)`,
          // Fails the whole statement (receipts and effect) when asked to.
          `checked AS (SELECT 1 / CASE WHEN $5::boolean THEN 0 ELSE 1 END AS ok)`,
        ],
        select: ['(SELECT ok FROM checked) AS ok'],
        values: [events.map((e) => e.id), fail],
      }),
    };
    const events = Array.from({ length: 5 }, () => delivery(org, 'setwise.thing.happened'));
    const { db } = services;
    fail = true;
    await expect(processDelivery(db, services, consumer, events[0]!)).rejects.toThrow(/division by zero/);
    expect(await receipts('setwise', events[0]!.id)).toBe(0);
    expect(await usageOf(org, 'setwise.effect.counted')).toBe(0);
    fail = false;
    expect(await processDelivery(db, services, consumer, events[0]!)).toBe(true);
    expect(await processDelivery(db, services, consumer, events[0]!)).toBe(false);
    const { processOrgBatch } = await import('../src/platform/events/consumer.js');
    const fresh = await processOrgBatch(db, services, consumer, org, events);
    expect([...fresh].sort()).toEqual(
      events
        .slice(1)
        .map((e) => e.id)
        .sort(),
    );
    expect(await usageOf(org, 'setwise.effect.counted')).toBe(5);
    for (const e of events) expect(await receipts('setwise', e.id)).toBe(1);
  });
});

describe('usage metering', () => {
  it('counts the outbox events of an org by UTC day and type, once, as the worker’s consumer', async () => {
    const o = await signUpActor(app.url, 'usage-owner');
    await created(o, '/api/v1/campaigns', CAMPAIGN);
    const events = await relayOutbox(app, admin, o.orgId, 'metering');
    // Relayed again (a relay restart): the bus or the receipts drop every one of them.
    await relayOutbox(app, admin, o.orgId, 'metering');
    const day = new Date().toISOString().slice(0, 10);
    const r = await as(o, 'GET', `/api/v1/usage?from=${day}&to=${day}`);
    expect(r.status, r.text).toBe(200);
    const byType = new Map<string, number>();
    for (const e of events) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
    expect(r.body.total).toBe(events.length);
    expect(r.body.days).toHaveLength(1);
    expect(new Map(r.body.totals.map((t: { eventType: string; events: number }) => [t.eventType, t.events]))).toEqual(
      byType,
    );
    expect(byType.get('campaigns.campaign.created')).toBe(1);
  });

  it('reads whole days in range, both ends included, and answers an empty range with nothing', async () => {
    const { services } = app.platform;
    const o = await signUpActor(app.url, 'usage-days');
    for (const at of [
      '2026-01-01T23:59:59.999Z',
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T12:00:00Z',
      '2026-01-03T13:00:00Z',
    ]) {
      await processDelivery(services.db, services, meteringConsumer, delivery(o.orgId, 'platform.org.updated', at));
    }
    const r = await as(o, 'GET', '/api/v1/usage?from=2026-01-02&to=2026-01-03');
    expect(r.body).toEqual({
      from: '2026-01-02',
      to: '2026-01-03',
      days: [
        { day: '2026-01-02', total: 1, byType: [{ eventType: 'platform.org.updated', events: 1 }] },
        { day: '2026-01-03', total: 2, byType: [{ eventType: 'platform.org.updated', events: 2 }] },
      ],
      totals: [{ eventType: 'platform.org.updated', events: 3 }],
      total: 3,
    });
    const none = await as(o, 'GET', '/api/v1/usage?from=2025-01-01&to=2025-01-31');
    expect(none.body).toMatchObject({ days: [], totals: [], total: 0 });
  });

  it('is for admins only, and names the field of a bad range', async () => {
    const staff = await addMember(app.db.adminUrl, owner.orgId, 'manager');
    const m = await signInActor(app.url, staff.email, staff.password, owner.orgId);
    expectProblem(await as(m, 'GET', '/api/v1/usage?from=2026-01-01&to=2026-01-02'), 403, 'forbidden');
    const backwards = await as(owner, 'GET', '/api/v1/usage?from=2026-01-02&to=2026-01-01');
    expectProblem(backwards, 400, 'validation_failed');
    expect(backwards.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.to']);
    const tooLong = await as(owner, 'GET', '/api/v1/usage?from=2024-01-01&to=2026-01-01');
    expect(tooLong.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.to']);
    const missing = await as(owner, 'GET', '/api/v1/usage?from=2026-02-30');
    expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['query.from', 'query.to']);
  });
});

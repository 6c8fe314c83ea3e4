/**
 * `akashic events replay --from --to [--org]` against this machine's PostgreSQL and a NATS server of the test's own:
 * the outbox events of the range (of one org, or all) reach the stream again; usage errors exit 2.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_SECRET, type TestDatabase } from '../../../test/helpers.js';
import { main } from '../src/cli.js';
import { openDatabase, type Database } from '../src/db/index.js';
import { recordChange } from '../src/platform/audit/record.js';
import { natsEventBus } from '../src/platform/events/nats-bus.js';
import { cliEnv } from './support/cli.js';
import { collector } from './support/events-contract.js';
import { ownNatsServer, type OwnNatsServer } from './support/nats-server.js';

let testDb: TestDatabase;
let db: Database;
let nats: OwnNatsServer;

beforeAll(async () => {
  testDb = await createTestDatabase();
  nats = await ownNatsServer();
  ({ database: db } = await openDatabase({
    adminUrl: testDb.adminUrl,
    appUrl: undefined,
    poolMax: 2,
    home: '/nonexistent',
    secret: TEST_SECRET,
    log: () => {},
  }));
});
afterAll(async () => {
  await db?.close();
  await nats?.stop();
  await testDb?.drop();
});

async function replay(args: string[], natsUrl: string | null = nats.url) {
  const out: string[] = [];
  const err: string[] = [];
  const env = { ...cliEnv(testDb.adminUrl), ...(natsUrl ? { NATS_URL: natsUrl } : {}) };
  const code = await main(['events', 'replay', ...args], env, { log: (s) => out.push(s), error: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const change = (orgId: string) =>
  db.transaction(
    { orgId },
    async (tx) =>
      (
        await recordChange(tx, {
          orgId,
          actor: { type: 'system', id: null },
          module: 'campaigns',
          action: 'campaign.updated',
          target: { type: 'campaign', id: randomUUID() },
        })
      ).eventId,
  );

describe('akashic events replay', () => {
  it('publishes the range of the outbox (of one org when asked) to the stream', async () => {
    const a = randomUUID();
    const b = randomUUID();
    const before = await change(a);
    await new Promise((r) => setTimeout(r, 20));
    const from = new Date().toISOString();
    const inRange = [await change(a), await change(b)];
    const to = new Date(Date.now() + 1).toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await change(a);

    const r = await replay(['--from', from, '--to', to, '--org', b]);
    expect(r, r.err).toMatchObject({ code: 0 });
    expect(r.out).toContain('1 events published');
    const all = await replay(['--from', from, '--to', to]);
    expect(all.out).toContain('2 events published (1 already in the stream');

    const bus = await natsEventBus({ url: nats.url });
    const c = collector();
    const sub = await bus.subscribe({}, c.handler, { durableName: 'replay_check' });
    await c.until((s) => s.length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(c.ids().sort()).toEqual([...inRange].sort());
    expect(c.ids()).not.toContain(before);
    await sub.close();
    await bus.close();
  });

  it('refuses bad arguments, and a run without a broker, with exit code 2', async () => {
    expect((await replay(['--to', new Date().toISOString()])).code).toBe(2);
    expect((await replay(['--from', 'yesterday', '--to', new Date().toISOString()])).err).toContain('--from');
    const later = new Date().toISOString();
    expect((await replay(['--from', later, '--to', '2020-01-01T00:00:00Z'])).err).toContain('before --to');
    expect((await replay(['--from', '2020-01-01T00:00:00Z', '--to', later, '--org', 'acme'])).err).toContain('--org');
    const noBroker = await replay(['--from', '2020-01-01T00:00:00Z', '--to', later], null);
    expect(noBroker).toMatchObject({ code: 2 });
    expect(noBroker.err).toContain('NATS_URL');
  });
});

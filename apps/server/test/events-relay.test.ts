/**
 * The outbox relay and the consumer framework on the embedded PostgreSQL, with the in-process bus: rows reach the
 * bus and are marked published only once acknowledged; a row that commits late is not skipped; a relay that dies
 * mid-batch loses nothing; several relays claim disjoint batches; consumers handle each event once (receipts).
 * The relay's own role reads the outbox of every org and nothing else.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import type { Tx } from '../src/db/index.js';
import { RELAY_ROLE } from '../src/db/roles.js';
import { flushChanges, recordChange } from '../src/platform/audit/record.js';
import type { BusEvent, EventBus } from '../src/platform/events/bus.js';
import { startConsumer, type Consumer } from '../src/platform/events/consumer.js';
import { memoryEventBus } from '../src/platform/events/memory-bus.js';
import { relayPass, replayOutbox, startRelay } from '../src/platform/outbox/relay.js';
import { collector } from './support/events-contract.js';
import { connect, publicTables } from './support/db.js';
import { signUpActor, type Actor } from './support/http.js';

let app: TestApp;
let relayPool: pg.Pool;
let admin: pg.Client;
let a: Actor;
let b: Actor;
const log = { warn() {} };

beforeAll(async () => {
  app = await startTestApp();
  relayPool = new pg.Pool({ connectionString: app.platform.relayUrl!, max: 4 });
  admin = await connect(app.db.adminUrl);
  a = await signUpActor(app.url, 'relay-a');
  b = await signUpActor(app.url, 'relay-b');
  // Sign-ups wrote events; start every test from a fully published outbox.
  await admin.query('UPDATE outbox SET published_at = now() WHERE published_at IS NULL');
});
afterAll(async () => {
  await relayPool?.end();
  await admin?.end();
  await app?.close();
});

const db = () => app.platform.services.db;

/** Commit one change (audit entry + outbox event) in `orgId`, as the application does. */
async function change(orgId: string, tx?: Tx): Promise<string> {
  const write = async (t: Tx) =>
    (
      await recordChange(t, {
        orgId,
        actor: { type: 'system', id: null },
        action: 'campaign.updated',
        module: 'campaigns',
        target: { type: 'campaign', id: randomUUID() },
        after: { n: Math.random() },
      })
    ).eventId;
  return tx ? write(tx) : db().transaction({ orgId }, write);
}

async function unpublished(): Promise<string[]> {
  const { rows } = await admin.query<{ id: string }>(
    'SELECT id FROM outbox WHERE published_at IS NULL AND publish_error IS NULL ORDER BY position',
  );
  return rows.map((r) => r.id);
}

/** A bus that records what it accepted. */
function recordingBus(fail: (e: BusEvent) => boolean = () => false): EventBus & { accepted: BusEvent[] } {
  const inner = memoryEventBus();
  const accepted: BusEvent[] = [];
  return {
    ...inner,
    kind: 'memory',
    accepted,
    async publish(e) {
      if (fail(e)) throw new Error('broker unavailable');
      const r = await inner.publish(e);
      accepted.push(e);
      return r;
    },
  };
}

describe('relay pass', () => {
  it('publishes every unpublished row of every org and marks them published', async () => {
    const ids = [await change(a.orgId), await change(b.orgId), await change(a.orgId)];
    const bus = recordingBus();
    const pass = await relayPass(relayPool, bus, 100, log);
    expect(pass).toEqual({ claimed: 3, published: 3, failed: 0, rejected: 0 });
    expect(bus.accepted.map((e) => e.id)).toEqual(ids);
    expect(bus.accepted[1]).toMatchObject({ orgId: b.orgId, type: 'campaigns.campaign.updated' });
    expect(await unpublished()).toEqual([]);
  });

  it('leaves a row whose publication failed unpublished, and publishes it on a later pass', async () => {
    const ok = await change(a.orgId);
    const bad = await change(b.orgId);
    const pass = await relayPass(
      relayPool,
      recordingBus((e) => e.id === bad),
      100,
      log,
    );
    expect(pass).toEqual({ claimed: 2, published: 1, failed: 1, rejected: 0 });
    expect(await unpublished()).toEqual([bad]);
    const bus = recordingBus();
    await relayPass(relayPool, bus, 100, log);
    expect(bus.accepted.map((e) => e.id)).toEqual([bad]);
    expect(ok).not.toBe(bad);
  });

  it('sets aside an event that has no subject (type not module.entity.verb) instead of retrying it forever', async () => {
    // recordChange refuses such a type now; a row of that shape can still be in an outbox written before it did.
    const bad = randomUUID();
    await admin.query(
      `INSERT INTO outbox (id, org_id, type, aggregate_type, aggregate_id, payload, occurred_at)
       VALUES ($1, $2, 'campaigns.voters.contact.recorded', 'voter', $3, '{}', now())`,
      [bad, a.orgId, randomUUID()],
    );
    const good = await change(b.orgId);
    const bus = recordingBus();
    const errors: object[] = [];
    const pass = await relayPass(relayPool, bus, 100, { warn() {}, error: (d) => errors.push(d) });
    expect(pass).toEqual({ claimed: 2, published: 1, failed: 0, rejected: 1 });
    expect(bus.accepted.map((e) => e.id)).toEqual([good]);
    expect(errors).toEqual([expect.objectContaining({ eventId: bad, type: 'campaigns.voters.contact.recorded' })]);
    const { rows } = await admin.query('SELECT published_at, publish_error FROM outbox WHERE id = $1', [bad]);
    expect(rows[0].published_at).toBeNull();
    expect(rows[0].publish_error).toMatch(/not module\.entity\.verb/);
    expect(await relayPass(relayPool, bus, 100, log)).toMatchObject({ claimed: 0 });
  });

  it('does not skip a row that commits after a later position was published (late commit)', async () => {
    const bus = recordingBus();
    // The early transaction takes its position first and stays open while a later one commits and is relayed.
    let early = '';
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const taken = new Promise<void>((r) => (inserted = r));
    const earlyTx = db().transaction({ orgId: a.orgId }, async (tx) => {
      early = await change(a.orgId, tx);
      await flushChanges(tx); // its outbox row inserted now (it would be just before commit otherwise)
      inserted();
      await held;
    });
    await taken;
    const late = await change(b.orgId);
    const positions = await admin.query<{ id: string; position: string }>(
      'SELECT id, position FROM outbox WHERE id = ANY($1::uuid[])',
      [[late]],
    );
    expect(positions.rows).toHaveLength(1); // the early row is not visible yet
    expect(await relayPass(relayPool, bus, 100, log)).toMatchObject({ published: 1 });
    release();
    await earlyTx;
    const both = await admin.query<{ id: string; position: string }>(
      'SELECT id, position::text FROM outbox WHERE id = ANY($1::uuid[]) ORDER BY position',
      [[early, late]],
    );
    expect(both.rows.map((r) => r.id)).toEqual([early, late]); // the early row has the smaller position
    expect(await relayPass(relayPool, bus, 100, log)).toMatchObject({ published: 1 });
    expect(bus.accepted.map((e) => e.id)).toEqual([late, early]);
    expect(await unpublished()).toEqual([]);
  });

  it('resumes after a crash mid-batch: nothing is lost, a republished event is a broker duplicate', async () => {
    const ids = await Promise.all([1, 2, 3, 4].map(() => change(a.orgId)));
    const bus = recordingBus();
    // A relay that dies after publishing: its transaction never commits, so its rows stay unpublished.
    const dying = await relayPool.connect();
    await dying.query('BEGIN');
    const claimed = await dying.query<{ id: string }>(
      `SELECT id FROM outbox WHERE published_at IS NULL AND publish_error IS NULL ORDER BY position LIMIT 2 FOR UPDATE SKIP LOCKED`,
    );
    for (const r of claimed.rows) {
      await bus.publish({
        id: r.id,
        orgId: a.orgId,
        type: 'campaigns.campaign.updated',
        occurredAt: new Date().toISOString(),
        payload: {},
      });
    }
    // Another relay meanwhile takes only what the dying one has not claimed (SKIP LOCKED).
    expect(await relayPass(relayPool, bus, 100, log)).toMatchObject({ claimed: 2 });
    dying.release(true); // connection dropped: its locks go, nothing was marked
    expect(new Set(await unpublished())).toEqual(new Set(claimed.rows.map((r) => r.id)));
    const results: boolean[] = [];
    const watching: EventBus = {
      ...bus,
      async publish(e) {
        const r = await bus.publish(e);
        results.push(r.duplicate);
        return r;
      },
    };
    expect(await relayPass(relayPool, watching, 100, log)).toMatchObject({ claimed: 2, published: 2 });
    expect(results).toEqual([true, true]);
    expect(await unpublished()).toEqual([]);
    expect(new Set(bus.accepted.map((e) => e.id))).toEqual(new Set(ids));
  });

  it('lets several relays run at once: every event is published exactly once', async () => {
    const ids = await Promise.all(Array.from({ length: 60 }, (_, i) => change(i % 2 ? a.orgId : b.orgId)));
    const bus = recordingBus();
    const passes = async () => {
      for (let i = 0; i < 10; i++) await relayPass(relayPool, bus, 7, log);
    };
    await Promise.all([passes(), passes(), passes()]);
    expect(bus.accepted.map((e) => e.id).sort()).toEqual([...ids].sort());
    expect(await unpublished()).toEqual([]);
  });
});

describe('running relay', () => {
  it('wakes on commit (LISTEN/NOTIFY) rather than waiting for the poll', async () => {
    const bus = recordingBus();
    const relay = startRelay({ pool: relayPool, bus, listen: db().listen, log, pollMs: 60_000 });
    try {
      await new Promise((r) => setTimeout(r, 300)); // listening, first pass done
      const id = await change(b.orgId);
      const started = Date.now();
      while (!bus.accepted.some((e) => e.id === id)) {
        if (Date.now() - started > 5000) throw new Error('not relayed within 5 s');
        await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await relay.stop();
    }
  });

  it('replays a time range (optionally one org) whatever was published', async () => {
    const from = new Date();
    const ids = [await change(a.orgId), await change(b.orgId)];
    const to = new Date(Date.now() + 1);
    await relayPass(relayPool, recordingBus(), 100, log);
    const bus = recordingBus();
    expect(await replayOutbox(relayPool, bus, { from, to })).toEqual({ events: 2, duplicates: 0 });
    expect(bus.accepted.map((e) => e.id)).toEqual(ids);
    const one = recordingBus();
    expect(await replayOutbox(relayPool, one, { from, to, orgId: b.orgId })).toEqual({ events: 1, duplicates: 0 });
    expect(one.accepted.map((e) => e.id)).toEqual([ids[1]]);
  });
});

describe('the relay role', () => {
  it('reads every org’s outbox, may change only published_at/publish_error, and sees no other tenant data', async () => {
    const relay = await relayPool.connect();
    try {
      expect((await relay.query('SELECT current_user AS u')).rows[0].u).toBe(RELAY_ROLE);
      const orgs = await relay.query<{ org_id: string }>('SELECT DISTINCT org_id FROM outbox');
      expect(orgs.rows.map((r) => r.org_id)).toEqual(expect.arrayContaining([a.orgId, b.orgId]));
      const denied = async (sql: string) => {
        await expect(relay.query(sql), sql).rejects.toMatchObject({ code: '42501' });
      };
      await denied(`UPDATE outbox SET payload = '{}' WHERE false`);
      await denied(`DELETE FROM outbox WHERE false`);
      await denied(
        `INSERT INTO outbox (id, org_id, type, aggregate_type, payload, occurred_at) VALUES (gen_random_uuid(), gen_random_uuid(), 'a.b.c', 'x', '{}', now())`,
      );
      // Webhook deliveries: their ids, org and schedule (the sender's claims), never their content.
      await relay.query('SELECT id, org_id, status, next_attempt_at FROM webhook_deliveries LIMIT 1');
      await denied('SELECT payload FROM webhook_deliveries LIMIT 1');
      await denied('SELECT endpoint_id FROM webhook_deliveries LIMIT 1');
      await denied(`UPDATE webhook_deliveries SET status = 'failed' WHERE false`);
      for (const t of await publicTables(admin)) {
        if (t !== 'outbox' && t !== 'webhook_deliveries') await denied(`SELECT 1 FROM "${t}" LIMIT 1`);
      }
      const { rows } = await relay.query(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`);
      expect(rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
    } finally {
      relay.release();
    }
  });

  it('is not something the application role can read through: it still sees only its own org', async () => {
    const appClient = await connect(app.db.appUrl);
    try {
      await appClient.query('BEGIN');
      await appClient.query(`SELECT set_config('app.org_id', $1, true)`, [a.orgId]);
      const orgs = await appClient.query<{ org_id: string }>('SELECT DISTINCT org_id FROM outbox');
      expect(orgs.rows.map((r) => r.org_id)).toEqual([a.orgId]);
      await appClient.query('ROLLBACK');
    } finally {
      await appClient.end();
    }
  });
});

describe('consumers', () => {
  it('handle each event once per consumer, in a transaction of the event’s org, with a receipt', async () => {
    const bus = memoryEventBus();
    const seen: Array<{ id: string; org: string | null; attempt: number }> = [];
    let failOnce = true;
    const consumer: Consumer = {
      name: 'relay-test',
      filter: { module: 'campaigns' },
      async handle(event, { tx }) {
        const org = (await tx.client.query(`SELECT current_setting('app.org_id', true) AS o`)).rows[0].o;
        seen.push({ id: event.id, org, attempt: event.attempt });
        if (failOnce) {
          failOnce = false;
          throw new Error('first attempt fails: its receipt is rolled back');
        }
      },
    };
    const sub = await startConsumer(bus, db(), app.platform.services, consumer, { retryDelayMs: 10 });
    const event = {
      id: randomUUID(),
      orgId: b.orgId,
      type: 'campaigns.campaign.updated',
      occurredAt: new Date().toISOString(),
      payload: {},
    };
    await bus.publish(event);
    const c = collector();
    const done = await bus.subscribe({ module: 'campaigns' }, c.handler, { durableName: 'relay-test-watch' });
    await c.until((s) => s.length >= 1);
    const deadline = Date.now() + 5000;
    while (seen.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([
      { id: event.id, org: b.orgId, attempt: 1 },
      { id: event.id, org: b.orgId, attempt: 2 },
    ]);
    // Redelivered after it was processed (at least once): the receipt stops it.
    await sub.close();
    const again = memoryEventBus();
    const sub2 = await startConsumer(again, db(), app.platform.services, consumer);
    await again.publish(event);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toHaveLength(2);
    const receipts = await admin.query('SELECT org_id, consumer FROM consumer_receipts WHERE event_id = $1', [
      event.id,
    ]);
    expect(receipts.rows).toEqual([{ org_id: b.orgId, consumer: 'relay-test' }]);
    await sub2.close();
    await done.close();
    await bus.close();
    await again.close();
  });
});

/**
 * The dispatcher's hand-off to a sender of the same process (platform/webhooks/handoff.ts): deliveries up to the
 * reserved slots are created leased and handed over after commit with their endpoints; the rest are due at once
 * for the claim; a failed transaction hands nothing and frees the slots; a sender that dies with handed deliveries
 * leaves them to be claimed once the lease has run out; and a real sender delivers handed deliveries signed.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import type { Delivery } from '../src/platform/events/bus.js';
import { processOrgBatch } from '../src/platform/events/consumer.js';
import { WEBHOOKS_CHANNEL, webhookDispatcher } from '../src/platform/webhooks/dispatcher.js';
import { registerLocalSender, type HandedDelivery, type Reservation } from '../src/platform/webhooks/handoff.js';
import { verifyWebhook } from '../src/platform/webhooks/signature.js';
import { claimDueDeliveries, startWebhookSender } from '../src/platform/webhooks/sender.js';
import { senderSettingsOf, startWorkers, type Workers } from '../src/workers.js';
import { connect } from './support/db.js';
import { signUpActor, type Actor } from './support/http.js';
import { createEndpoint, startReceiver, type Receiver } from './support/webhooks.js';

let app: TestApp;
let admin: pg.Client;
let relayPool: pg.Pool;
let receiver: Receiver;
let owner: Actor;

beforeAll(async () => {
  app = await startTestApp({ WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32', WEBHOOK_TIMEOUT_MS: '1000' });
  admin = await connect(app.db.adminUrl);
  relayPool = new pg.Pool({ connectionString: app.platform.relayUrl!, max: 2 });
  receiver = await startReceiver();
  owner = await signUpActor(app.url, 'handoff-owner');
});
afterAll(async () => {
  await relayPool?.end();
  await receiver?.close();
  await admin?.end();
  await app?.close();
});

const event = (orgId: string): Delivery => {
  const type = 'campaigns.campaign.updated';
  return {
    id: randomUUID(),
    orgId,
    type,
    occurredAt: new Date().toISOString(),
    payload: { n: 1 },
    subject: `akashic.${orgId}.${type}`,
    attempt: 1,
  };
};

/** A sender of this process that records what it is handed and sends nothing (a process about to die). */
function fakeSender(slots: number, leaseMs: number) {
  const got = { reserved: 0, handed: [] as HandedDelivery[][], cancelled: 0 };
  const unregister = registerLocalSender({
    reserve(max): Reservation {
      got.reserved = Math.min(max, slots);
      return {
        slots: got.reserved,
        leaseMs,
        hand: (_orgId, deliveries) => void got.handed.push(deliveries),
        cancel: () => void got.cancelled++,
      };
    },
  });
  return { got, unregister };
}

async function deliveriesOf(eventIds: string[]) {
  const { rows } = await admin.query<{ id: string; event_id: string; endpoint_id: string; leased_ms: number }>(
    `SELECT id, event_id, endpoint_id, extract(epoch FROM next_attempt_at - created_at)::float8 * 1000 AS leased_ms
       FROM webhook_deliveries WHERE event_id = ANY($1::uuid[])`,
    [eventIds],
  );
  return rows;
}

/** A sender of this process with `concurrency` POST slots and the test app's settings, as a worker starts one. */
function localSender(concurrency: number, maxWaiting?: number) {
  const { services } = app.platform;
  return startWebhookSender({
    db: services.db,
    mailer: services.mailer,
    log: { warn: () => {}, info: () => {} },
    claimPool: relayPool,
    concurrency,
    ...(maxWaiting !== undefined ? { maxWaiting } : {}),
    settings: senderSettingsOf(services.config),
  });
}

/** A loopback receiver answering with `listener`, and an endpoint of `actor`'s org for it; `close` stops it. */
async function endpointServer(actor: Actor, listener: http.RequestListener) {
  const server = http.createServer(listener);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  await createEndpoint(actor, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, ['campaigns.*']);
  return {
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('dispatcher → sender hand-off', () => {
  it('leases the reserved number of deliveries to the local sender and leaves the rest due', async () => {
    const a = await createEndpoint(owner, 'http://127.0.0.1:9/a', ['campaigns.*']);
    const b = await createEndpoint(owner, 'http://127.0.0.1:9/b', ['campaigns.campaign.updated']);
    const { services } = app.platform;
    const events = [event(owner.orgId), event(owner.orgId)];
    const sender = fakeSender(3, 60_000);
    try {
      await processOrgBatch(services.db, services, webhookDispatcher, owner.orgId, events);
    } finally {
      sender.unregister();
    }
    const rows = await deliveriesOf(events.map((e) => e.id));
    expect(rows).toHaveLength(4); // two events × two endpoints
    expect(rows.filter((r) => r.leased_ms > 50_000)).toHaveLength(3);
    expect(sender.got.handed).toHaveLength(1);
    const handed = sender.got.handed[0]!;
    expect(handed).toHaveLength(3);
    for (const h of handed) {
      const e = events.find((x) => x.id === h.event_id)!;
      expect(h).toMatchObject({ event_type: e.type, payload: e.payload, attempts: 0, enabled: true });
      expect(h.occurred_at.toISOString()).toBe(e.occurredAt);
      expect(h.url).toBe(h.endpoint_id === a.id ? 'http://127.0.0.1:9/a' : 'http://127.0.0.1:9/b');
      expect(h.secret).toMatch(/^v1\./); // sealed, as stored
    }
    expect(new Set(handed.map((h) => h.endpoint_id))).toEqual(new Set([a.id, b.id]));
    // The one left due is claimable at once; the leased ones are not.
    const claimed = new Set((await claimDueDeliveries(relayPool, 1000, 60_000)).map((c) => c.id));
    expect(rows.filter((r) => claimed.has(r.id))).toEqual(rows.filter((r) => r.leased_ms <= 50_000));
    await admin.query(`DELETE FROM webhook_endpoints WHERE id = ANY($1::uuid[])`, [[a.id, b.id]]);
  });

  it('hands nothing and frees the slots when the transaction fails', async () => {
    const { services } = app.platform;
    const o = await signUpActor(app.url, 'handoff-fail');
    await createEndpoint(o, 'http://127.0.0.1:9/x', ['campaigns.*']);
    const org = o.orgId;
    const sender = fakeSender(5, 60_000);
    // Its time is not a time: the statement fails after the reservation was made.
    const bad = { ...event(org), occurredAt: 'not a time' };
    try {
      await expect(processOrgBatch(services.db, services, webhookDispatcher, org, [bad])).rejects.toThrow();
    } finally {
      sender.unregister();
    }
    expect(sender.got.handed).toHaveLength(0);
    expect(sender.got.cancelled).toBe(1);
    expect(await deliveriesOf([bad.id])).toHaveLength(0);
  });

  it('leaves deliveries handed to a sender that died to be claimed once the lease has run out', async () => {
    const o = await signUpActor(app.url, 'handoff-died');
    await createEndpoint(o, 'http://127.0.0.1:9/died', ['campaigns.*']);
    const { services } = app.platform;
    const e = event(o.orgId);
    const sender = fakeSender(10, 300);
    try {
      await processOrgBatch(services.db, services, webhookDispatcher, o.orgId, [e]);
    } finally {
      sender.unregister();
    }
    expect(sender.got.handed.flat()).toHaveLength(1);
    const [row] = await deliveriesOf([e.id]);
    const ofEvent = async () =>
      (await claimDueDeliveries(relayPool, 1000, 60_000)).filter((c) => c.org_id === o.orgId).length;
    expect(await ofEvent()).toBe(0); // still leased
    await new Promise((r) => setTimeout(r, 400));
    expect(row).toBeDefined();
    expect(await ofEvent()).toBe(1);
  });

  it('takes a batch larger than its POST slots: the rest wait in the sender, none is left to be claimed', async () => {
    const o = await signUpActor(app.url, 'handoff-queue');
    // A receiver that answers each POST after 20 ms and counts how many were in flight at once.
    let inFlight = 0;
    let peak = 0;
    const got: string[] = [];
    const server = await endpointServer(o, (req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          got.push(String(req.headers['webhook-id']));
          inFlight--;
          res.writeHead(204).end();
        }, 20),
      );
    });
    const { services } = app.platform;
    const sender = localSender(2, 30);
    try {
      const events = Array.from({ length: 20 }, () => event(o.orgId));
      await processOrgBatch(services.db, services, webhookDispatcher, o.orgId, events);
      // All 20 were created leased (handed over), none due for a claim.
      expect((await deliveriesOf(events.map((e) => e.id))).filter((r) => r.leased_ms < 1000)).toEqual([]);
      const deadline = Date.now() + 10_000;
      while (got.length < 20 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(new Set(got)).toEqual(new Set(events.map((e) => e.id)));
      expect(peak).toBe(2);
    } finally {
      await sender.stop();
      await server.close();
    }
  });

  it('leaves the handed deliveries still waiting to their leases when it stops, instead of sending them one by one', async () => {
    const o = await signUpActor(app.url, 'handoff-stop');
    const got: string[] = [];
    // Never answers: the one POST in flight ends at the delivery timeout (1 s in this app).
    const server = await endpointServer(o, (req) => void got.push(String(req.headers['webhook-id'])));
    const { services } = app.platform;
    const sender = localSender(1);
    try {
      const events = Array.from({ length: 6 }, () => event(o.orgId));
      await processOrgBatch(services.db, services, webhookDispatcher, o.orgId, events);
      const deadline = Date.now() + 5000;
      while (got.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await sender.stop();
      // Only the POST in flight was made: the stop did not send the waiting ones a slot at a time.
      expect(got).toHaveLength(1);
      // The other five are still leased (31 s here): claimable once their leases run out, by any sender.
      const waited = (await deliveriesOf(events.map((e) => e.id))).filter((r) => !got.includes(r.event_id));
      expect(waited).toHaveLength(5);
      for (const r of waited) expect(r.leased_ms).toBeGreaterThan(25_000);
    } finally {
      await server.close();
    }
  });

  it('delivers what the dispatcher hands to a running sender, signed, and logs the attempt', async () => {
    const o = await signUpActor(app.url, 'handoff-live');
    const path = `/handed-${randomUUID()}`;
    const ep = await createEndpoint(o, receiver.url(path), ['campaigns.*']);
    const workers: Workers = await startWorkers(app.platform);
    try {
      const { services } = app.platform;
      const e = event(o.orgId);
      // Leased to this process's sender at creation (for the lease, 31 s here, no claim can take it), so the
      // sender is not woken to claim it, and it arrives well within the lease: handed over, not claimed.
      const woken: string[] = [];
      const listener = (m: pg.Notification) => void woken.push(m.channel);
      admin.on('notification', listener);
      await admin.query(`LISTEN ${WEBHOOKS_CHANNEL}`);
      try {
        await processOrgBatch(services.db, services, webhookDispatcher, o.orgId, [e]);
        await receiver.until((r) => r.some((x) => x.path === path), 10_000);
      } finally {
        await admin.query(`UNLISTEN ${WEBHOOKS_CHANNEL}`);
        admin.off('notification', listener);
      }
      expect(woken).toEqual([]);
      const got = receiver.received.find((x) => x.path === path)!;
      expect(got.headers['webhook-id']).toBe(e.id);
      expect(() => verifyWebhook([ep.secret], got.headers as Record<string, string>, got.body)).not.toThrow();
      expect(JSON.parse(got.body)).toEqual({ type: e.type, timestamp: e.occurredAt, data: e.payload });
      const logged = async () =>
        (
          await admin.query(
            `SELECT d.status, count(a.*)::int AS attempts FROM webhook_deliveries d
               LEFT JOIN webhook_attempts a ON a.delivery_id = d.id WHERE d.event_id = $1 GROUP BY d.status`,
            [e.id],
          )
        ).rows;
      for (let i = 0; i < 200 && (await logged())[0]?.status !== 'delivered'; i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      expect(await logged()).toEqual([{ status: 'delivered', attempts: 1 }]);
    } finally {
      await workers.stop();
    }
  });
});

/**
 * Webhooks end to end on the embedded PostgreSQL and the in-process bus, with the worker running (relay →
 * dispatcher → sender) and a local receiver: signatures, retries with the same webhook-id, Retry-After, 410,
 * 5 days of failures (operational event + mail), secret rotation overlap, filters, redelivery, replay, ping,
 * the delivery log. And the dispatcher's org boundary as a property over random subscription graphs.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { createDeliveries } from '../src/platform/webhooks/dispatcher.js';
import { filtersMatching, typeMatches } from '../src/platform/webhooks/filters.js';
import { DEFAULT_RETRY_POLICY } from '../src/platform/webhooks/retry.js';
import { attemptDelivery } from '../src/platform/webhooks/sender.js';
import { verifyWebhook } from '../src/platform/webhooks/signature.js';
import { startWorkers, type Workers } from '../src/workers.js';
import { connect } from './support/db.js';
import { as, expectProblem, signUpActor, uniqueEmail, type Actor } from './support/http.js';
import { createEndpoint, startReceiver, type Receiver } from './support/webhooks.js';

let app: TestApp;
let workers: Workers;
let receiver: Receiver;
let admin: pg.Client;
let owner: Actor;

beforeAll(async () => {
  app = await startTestApp({
    WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
    WEBHOOK_RETRY_BASE_MS: '50',
    WEBHOOK_RETRY_CAP_MS: '200',
    WEBHOOK_TIMEOUT_MS: '1000',
  });
  workers = await startWorkers(app.platform);
  receiver = await startReceiver();
  admin = await connect(app.db.adminUrl);
  owner = await signUpActor(app.url, 'webhooks-owner');
});
afterAll(async () => {
  await workers?.stop();
  await receiver?.close();
  await admin?.end();
  await app?.close();
});

const rename = async (actor: Actor) => {
  const r = await as(actor, 'PATCH', '/api/v1/org', { json: { name: `Renamed ${randomUUID().slice(0, 8)}` } });
  expect(r.status, r.text).toBe(200);
  const { rows } = await admin.query(
    `SELECT id FROM outbox WHERE org_id = $1 AND type = 'platform.org.updated' ORDER BY position DESC LIMIT 1`,
    [actor.orgId],
  );
  return rows[0].id as string;
};

/** What `path` received of events of `type` (an endpoint on `*` also receives its own creation, rotation, …). */
const at = (path: string, type: string | null = 'platform.org.updated') =>
  receiver.received.filter((r) => r.path === path && (type === null || JSON.parse(r.body).type === type));

describe('delivery', () => {
  it('signs each delivery (Standard Webhooks) with webhook-id = the event id, and logs the attempt', async () => {
    const path = `/ok-${randomUUID()}`;
    const ep = await createEndpoint(owner, receiver.url(path));
    expect(ep.secret).toMatch(/^whsec_/);
    const eventId = await rename(owner);
    await receiver.until(() => at(path).length >= 1);
    const got = at(path)[0]!;
    expect(got.headers['webhook-id']).toBe(eventId);
    expect(() => verifyWebhook([ep.secret], got.headers as Record<string, string>, got.body)).not.toThrow();
    expect(JSON.parse(got.body)).toMatchObject({ type: 'platform.org.updated', data: { target: { type: 'org' } } });

    let log;
    for (let i = 0; i < 500; i++) {
      log = await as(owner, 'GET', `/api/v1/webhooks/deliveries?endpointId=${ep.id}&eventId=${eventId}`);
      if (log.body.items[0]?.status === 'delivered') break;
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(log!.body.items).toHaveLength(1);
    expect(log!.body.items[0]).toMatchObject({ eventId, status: 'delivered', attempts: 1, lastStatus: 200 });
    const detail = await as(owner, 'GET', `/api/v1/webhooks/deliveries/${log!.body.items[0].id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, responseStatus: 200, error: null, requestBody: got.body }),
    ]);
    expect(detail.body.attemptLog[0].requestHeaders['webhook-id']).toBe(eventId);
  });

  it('retries a failing receiver with the same webhook-id until it answers 2xx', async () => {
    const path = `/flaky-${randomUUID()}`;
    let calls = 0;
    const previous = receiver.answer;
    receiver.answer = (r) =>
      r.path === path && r.body.includes('org.updated')
        ? ++calls < 3
          ? { status: 500, body: 'x'.repeat(5000) }
          : { status: 204 }
        : previous(r);
    const ep = await createEndpoint(owner, receiver.url(path), ['platform.org.*']);
    const eventId = await rename(owner);
    await receiver.until(() => at(path).length >= 3);
    expect(at(path).map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId, eventId]);
    const { rows } = await admin.query(
      `SELECT a.response_status, length(a.response_body) AS len FROM webhook_attempts a
         JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.event_id = $1 AND d.endpoint_id = $2
        ORDER BY a.attempt`,
      [eventId, ep.id],
    );
    expect(rows.slice(0, 2)).toEqual([
      { response_status: 500, len: 2048 },
      { response_status: 500, len: 2048 },
    ]);
  });

  it('honours Retry-After on 429', async () => {
    const path = `/slow-${randomUUID()}`;
    let calls = 0;
    const previous = receiver.answer;
    receiver.answer = (r) =>
      r.path === path && r.body.includes('org.updated')
        ? ++calls === 1
          ? { status: 429, headers: { 'retry-after': '1' } }
          : { status: 200 }
        : previous(r);
    await createEndpoint(owner, receiver.url(path));
    await rename(owner);
    await receiver.until(() => at(path).length >= 2);
    const [first, second] = at(path);
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('disables the endpoint on 410 Gone', async () => {
    const path = `/gone-${randomUUID()}`;
    const previous = receiver.answer;
    receiver.answer = (r) => (r.path === path ? { status: 410 } : previous(r));
    const ep = await createEndpoint(owner, receiver.url(path), ['platform.org.*']);
    await rename(owner);
    await receiver.until(() => at(path).length >= 1);
    let e;
    for (let i = 0; i < 500; i++) {
      e = (await as(owner, 'GET', `/api/v1/webhooks/endpoints/${ep.id}`)).body;
      if (!e.enabled) break;
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(e).toMatchObject({ enabled: false, disabledReason: 'gone' });
  });

  it('disables an endpoint failing for 5 days: records platform.webhook_endpoint.disabled and mails the admins', async () => {
    const path = `/down-${randomUUID()}`;
    const previous = receiver.answer;
    receiver.answer = (r) => (r.path === path ? 'reset' : previous(r));
    const ep = await createEndpoint(owner, receiver.url(path), ['platform.org.*']);
    await admin.query(`UPDATE webhook_endpoints SET failing_since = now() - interval '5 days 1 minute' WHERE id = $1`, [
      ep.id,
    ]);
    await rename(owner);
    await receiver.until(() => at(path).length >= 1);
    let rows: any[] = [];
    for (let i = 0; i < 500 && rows.length === 0; i++) {
      rows = (
        await admin.query(
          `SELECT payload FROM outbox WHERE org_id = $1 AND type = 'platform.webhook_endpoint.disabled' AND payload->>'endpointId' = $2`,
          [owner.orgId, ep.id],
        )
      ).rows;
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(rows[0].payload).toMatchObject({ endpointId: ep.id, reason: 'failing' });
    const e = (await as(owner, 'GET', `/api/v1/webhooks/endpoints/${ep.id}`)).body;
    expect(e).toMatchObject({ enabled: false, disabledReason: 'failing' });
    const disabledMail = () =>
      app.mail.sent.filter((m) => m.to === owner.email && /webhook endpoint was disabled/.test(m.subject));
    for (let i = 0; i < 500 && disabledMail().length === 0; i++) await new Promise((r) => setTimeout(r, 30));
    expect(disabledMail()).toHaveLength(1);
  });

  it('signs with both secrets during a rotation overlap, then with the new one only', async () => {
    const path = `/rotate-${randomUUID()}`;
    const ep = await createEndpoint(owner, receiver.url(path));
    const rotated = await as(owner, 'POST', `/api/v1/webhooks/endpoints/${ep.id}/rotate-secret`, {
      json: { overlapHours: 1 },
    });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body.secret).not.toBe(ep.secret);
    expect(rotated.body.overlapEndsAt).not.toBeNull();
    await rename(owner);
    await receiver.until(() => at(path).length >= 1);
    const got = at(path)[0]!;
    expect(String(got.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [ep.secret, rotated.body.secret]) {
      expect(() => verifyWebhook([secret], got.headers as Record<string, string>, got.body)).not.toThrow();
    }
    const again = await as(owner, 'POST', `/api/v1/webhooks/endpoints/${ep.id}/rotate-secret`, {
      json: { overlapHours: 0 },
    });
    await rename(owner);
    await receiver.until(() => at(path).length >= 2);
    const last = at(path)[1]!;
    expect(String(last.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() => verifyWebhook([again.body.secret], last.headers as Record<string, string>, last.body)).not.toThrow();
    expect(() => verifyWebhook([rotated.body.secret], last.headers as Record<string, string>, last.body)).toThrow();
  });

  it('delivers only the event types an endpoint subscribes to', async () => {
    const path = `/filtered-${randomUUID()}`;
    const ep = await createEndpoint(owner, receiver.url(path), ['platform.member.*']);
    await rename(owner);
    const inv = await as(owner, 'POST', '/api/v1/invitations', { json: { email: uniqueEmail('wh'), role: 'staff' } });
    expect(inv.status).toBe(201);
    await receiver.until(() => at(path, null).length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(at(path, null).map((r) => JSON.parse(r.body).type)).toEqual(['platform.member.invited']);
    const stored = await as(owner, 'GET', `/api/v1/webhooks/deliveries?endpointId=${ep.id}`);
    expect(stored.body.items.map((d: any) => d.eventType)).toEqual(['platform.member.invited']);
  });

  it('redelivers by hand, replays a time range and sends a test ping, each with the event’s webhook-id', async () => {
    const path = `/manual-${randomUUID()}`;
    const ep = await createEndpoint(owner, receiver.url(path), ['platform.org.*']);
    const from = new Date().toISOString();
    const eventId = await rename(owner);
    await receiver.until(() => at(path).length >= 1);
    let list;
    for (let i = 0; i < 500; i++) {
      list = await as(owner, 'GET', `/api/v1/webhooks/deliveries?endpointId=${ep.id}&status=delivered`);
      if (list.body.items.length) break;
      await new Promise((r) => setTimeout(r, 30));
    }
    const r1 = await as(owner, 'POST', `/api/v1/webhooks/deliveries/${list!.body.items[0].id}/redeliver`);
    expect(r1.status, r1.text).toBe(202);
    await receiver.until(() => at(path).length >= 2);
    const replay = await as(owner, 'POST', `/api/v1/webhooks/endpoints/${ep.id}/replay`, {
      json: { from, to: new Date(Date.now() + 1000).toISOString() },
    });
    expect(replay.status, replay.text).toBe(202);
    expect(replay.body).toEqual({ deliveries: 1 });
    await receiver.until(() => at(path).length >= 3);
    expect(at(path).map((r) => r.headers['webhook-id'])).toEqual([eventId, eventId, eventId]);
    const ping = await as(owner, 'POST', `/api/v1/webhooks/endpoints/${ep.id}/test`);
    expect(ping.status, ping.text).toBe(202);
    await receiver.until(() => at(path, 'platform.webhook_endpoint.ping').length >= 1);
    expect(at(path, 'platform.webhook_endpoint.ping')[0]!.headers['webhook-id']).toBe(ping.body.eventId);
  });
});

describe('recording attempts', () => {
  /** A delivery of a new event to `endpointId`, pending but not due (so the running sender leaves it alone). */
  const pendingDelivery = async (endpointId: string, attempts = 0) => {
    const id = randomUUID();
    await admin.query(
      `INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, occurred_at, payload, attempts,
                                       schedule_attempts, next_attempt_at)
       VALUES ($1, $2, $3, $4, 'campaigns.campaign.updated', now(), '{"n":1}', $5, $5, now() + interval '1 hour')`,
      [id, owner.orgId, endpointId, randomUUID(), attempts],
    );
    return id;
  };
  const settings = () => ({
    serverSecret: app.platform.services.config.secret,
    timeoutMs: 2000,
    allow: ['127.0.0.1/32'],
    policy: DEFAULT_RETRY_POLICY,
  });
  const deps = () => {
    const { db, mailer, log } = app.platform.services;
    return { db, mailer, log };
  };

  it('records a delivered attempt without reading first: logged, delivered, the endpoint’s failure streak over', async () => {
    const ep = await createEndpoint(owner, receiver.url(`/recorded-${randomUUID()}`), ['campaigns.campaign.*']);
    await admin.query(`UPDATE webhook_endpoints SET failing_since = now() - interval '1 hour' WHERE id = $1`, [ep.id]);
    const id = await pendingDelivery(ep.id, 2);
    // The read before the attempt, then the record: one statement each, no transaction around a read-then-write.
    const { db } = deps();
    const calls: string[] = [];
    const counted: typeof db = {
      ...db,
      statement: (...args) => (calls.push('statement'), db.statement(...args)),
      transaction: (...args) => (calls.push('transaction'), db.transaction(...args)),
    };
    expect(await attemptDelivery({ ...deps(), db: counted }, settings(), owner.orgId, id)).toBe('delivered');
    expect(calls).toEqual(['statement', 'statement']);
    const d = await admin.query(
      'SELECT status, attempts, schedule_attempts, next_attempt_at, last_status FROM webhook_deliveries WHERE id = $1',
      [id],
    );
    expect(d.rows[0]).toEqual({
      status: 'delivered',
      attempts: 3,
      schedule_attempts: 3,
      next_attempt_at: null,
      last_status: 200,
    });
    const a = await admin.query('SELECT attempt, response_status FROM webhook_attempts WHERE delivery_id = $1', [id]);
    expect(a.rows).toEqual([{ attempt: 3, response_status: 200 }]);
    const e = await admin.query('SELECT failing_since FROM webhook_endpoints WHERE id = $1', [ep.id]);
    expect(e.rows[0].failing_since).toBeNull();
  });

  it('skips a delivered attempt whose delivery was recorded by someone else meanwhile (a lease that ran out)', async () => {
    let id = '';
    // This receiver records an attempt of the delivery itself (as another sender would) before answering 204.
    const racing = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        void admin
          .query(`UPDATE webhook_deliveries SET attempts = attempts + 1 WHERE id = $1`, [id])
          .then(() => res.writeHead(204).end());
      });
    });
    await new Promise<void>((r) => racing.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(racing.address() as AddressInfo).port}/racing`;
      const ep = await createEndpoint(owner, url, ['campaigns.campaign.*']);
      await admin.query(`UPDATE webhook_endpoints SET failing_since = now() WHERE id = $1`, [ep.id]);
      id = await pendingDelivery(ep.id);
      expect(await attemptDelivery(deps(), settings(), owner.orgId, id)).toBe('skipped');
      const d = await admin.query('SELECT status, attempts FROM webhook_deliveries WHERE id = $1', [id]);
      expect(d.rows[0]).toEqual({ status: 'pending', attempts: 1 });
      const a = await admin.query('SELECT count(*)::int AS n FROM webhook_attempts WHERE delivery_id = $1', [id]);
      expect(a.rows[0].n).toBe(0);
      // Nothing recorded, so the endpoint's streak is left as it was.
      const e = await admin.query('SELECT failing_since FROM webhook_endpoints WHERE id = $1', [ep.id]);
      expect(e.rows[0].failing_since).not.toBeNull();
    } finally {
      racing.closeAllConnections();
      await new Promise<void>((r) => racing.close(() => r()));
    }
  });
});

describe('endpoints API', () => {
  it('refuses URLs the SSRF guard would refuse, naming the field', async () => {
    for (const url of ['http://169.254.169.254/latest', 'http://10.0.0.1/', 'http://[::1]/', 'http://localhost/x']) {
      const r = await as(owner, 'POST', '/api/v1/webhooks/endpoints', { json: { url, eventTypes: ['*'] } });
      expectProblem(r, 400, 'validation_failed', url);
      expect(r.body.errors[0].field).toBe('body.url');
    }
  });

  it('never shows the secret again and keeps it sealed at rest', async () => {
    const ep = await createEndpoint(owner, 'https://hooks.example.com/akashic');
    const r = await as(owner, 'GET', `/api/v1/webhooks/endpoints/${ep.id}`);
    expect(r.body.secret).toBeUndefined();
    const { rows } = await admin.query('SELECT secret FROM webhook_endpoints WHERE id = $1', [ep.id]);
    expect(rows[0].secret).not.toContain(ep.secret.slice(6));
    expect(rows[0].secret).toMatch(/^v1\./);
  });

  it('lists event types with example bodies', async () => {
    const r = await as(owner, 'GET', '/api/v1/webhooks/event-types');
    expect(r.status).toBe(200);
    expect(r.body.items.map((t: any) => t.type)).toEqual(
      expect.arrayContaining(['platform.org.updated', 'platform.webhook_endpoint.disabled']),
    );
    for (const t of r.body.items) expect(t.example.type).toBe(t.type);
  });
});

describe('dispatcher', () => {
  it('matches filters by whole tokens', () => {
    expect(typeMatches('*', 'a.b.c')).toBe(true);
    expect(typeMatches('campaigns.*', 'campaigns.campaign.created')).toBe(true);
    expect(typeMatches('campaigns.*', 'campaignsx.campaign.created')).toBe(false);
    expect(typeMatches('campaigns.campaign.*', 'campaigns.campaign_x.created')).toBe(false);
    expect(typeMatches('campaigns.campaign.created', 'campaigns.campaign.created')).toBe(true);
    expect(typeMatches('campaigns.campaign.created', 'campaigns.campaign.deleted')).toBe(false);
  });

  it('lists the filters that match a type exactly as typeMatches decides (the dispatcher matches in SQL with it)', () => {
    const token = fc.constantFrom('campaigns', 'campaign', 'campaign_x', 'c', 'x');
    const type = fc.array(token, { minLength: 2, maxLength: 4 }).map((t) => t.join('.'));
    const filter = fc.oneof(
      fc.constant('*'),
      type,
      fc.array(token, { minLength: 1, maxLength: 3 }).map((t) => `${t.join('.')}.*`),
    );
    fc.assert(
      fc.property(filter, type, (f, t) => {
        expect(filtersMatching(t).includes(f)).toBe(typeMatches(f, t));
      }),
      { numRuns: 2000 },
    );
  });

  it('creates exactly one delivery per matching endpoint of the event’s own org, over random subscription graphs', async () => {
    const db = app.platform.services.db;
    const orgs = [
      (await signUpActor(app.url, 'wh-a')).orgId,
      (await signUpActor(app.url, 'wh-b')).orgId,
      (await signUpActor(app.url, 'wh-c')).orgId,
    ];
    const TYPES = [
      'campaigns.campaign.created',
      'campaigns.message.approved',
      'platform.member.invited',
      'voter_segment.deleted',
    ];
    const FILTERS = ['*', 'campaigns.*', 'campaigns.campaign.*', 'platform.*', 'platform.member.invited', 'voters.*'];
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ org: fc.nat(2), filters: fc.subarray(FILTERS, { minLength: 1 }), enabled: fc.boolean() }),
          {
            maxLength: 8,
          },
        ),
        fc.array(fc.record({ org: fc.nat(2), type: fc.constantFrom(...TYPES) }), { minLength: 1, maxLength: 6 }),
        async (endpoints, events) => {
          const created = [];
          for (const e of endpoints) {
            const id = randomUUID();
            await admin.query(
              `INSERT INTO webhook_endpoints (id, org_id, url, event_types, enabled, secret) VALUES ($1, $2, 'https://example.com/h', $3, $4, 'v1.x')`,
              [id, orgs[e.org], e.filters, e.enabled],
            );
            created.push({ id, ...e });
          }
          try {
            const made = events.map((ev) => ({
              ...ev,
              event: { id: randomUUID(), type: ev.type, occurredAt: new Date().toISOString(), payload: {} },
            }));
            // Each org's events in one batch (the dispatcher's set-based path)…
            for (const [o, orgId] of orgs.entries()) {
              const batch = made.filter((m) => m.org === o).map((m) => m.event);
              await db.transaction({ orgId }, (tx) => createDeliveries(tx, orgId, batch));
            }
            for (const { org, type, event } of made) {
              const orgId = orgs[org]!;
              // …then one by one: an event the bus delivers again adds nothing.
              expect(await db.transaction({ orgId }, (tx) => createDeliveries(tx, orgId, [event]))).toBe(0);
              const { rows } = await admin.query<{ endpoint_id: string; org_id: string }>(
                'SELECT endpoint_id, org_id FROM webhook_deliveries WHERE event_id = $1',
                [event.id],
              );
              const expected = created
                .filter((e) => e.org === org && e.enabled && e.filters.some((f) => typeMatches(f, type)))
                .map((e) => e.id)
                .sort();
              expect(rows.map((r) => r.endpoint_id).sort()).toEqual(expected);
              for (const r of rows) expect(r.org_id).toBe(orgId);
            }
          } finally {
            await admin.query('DELETE FROM webhook_endpoints WHERE id = ANY($1::uuid[])', [created.map((c) => c.id)]);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

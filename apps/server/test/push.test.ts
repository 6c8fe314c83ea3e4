/**
 * Web push: the RFC 8291 example vector; subscriptions and preferences over HTTP (validation, own rows only, the
 * device moving to its new user, audit); and `sendPush` against a real push service peer on local HTTPS that
 * verifies the VAPID signature and decrypts every message — delivery, preferences, 404/410 and 429 handling, and
 * the SSRF guard.
 */
import { createECDH } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApp, type TestApp } from '../../../test/helpers.js';
import { sendPush, retryAfterSeconds, type PushMessage, type SendOptions } from '../src/platform/push/send.js';
import {
  MAX_PLAINTEXT_BYTES,
  encryptPushMessage,
  vapidAuthorization,
  vapidKeysFrom,
} from '../src/platform/push/webpush.js';
import { processDelivery } from '../src/platform/events/consumer.js';
import { notificationsConsumer } from '../src/platform/notifications/consumer.js';
import { membershipNotificationRules } from '../src/platform/tenancy/notifications.js';
import { adminQuery, addMember } from './support/features.js';
import { browserSubscription, decryptPushMessage, startPushService, type PushService } from './support/push.js';

const b64 = (s: string) => Buffer.from(s, 'base64url');

describe('RFC 8291 message encryption', () => {
  // RFC 8291 §5 and Appendix A: the example's keys, salt and final message.
  const asPrivate = b64('yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw');
  const uaPrivate = b64('q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94');
  const authSecret = b64('BTBZMqHH6r4Tts7J_aSIgg');
  const salt = b64('DGv6ra1nlYgDCS1FRnbzlw');
  const plaintext = b64('V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24');
  const message =
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN';
  const ua = createECDH('prime256v1');
  ua.setPrivateKey(uaPrivate);

  it('produces the example message of RFC 8291 section 5 from its keys and salt', () => {
    expect(plaintext.toString()).toBe('When I grow up, I want to be a watermelon');
    const keys = { p256dh: ua.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url') };
    expect(encryptPushMessage(keys, plaintext, { salt, senderPrivateKey: asPrivate }).toString('base64url')).toBe(
      message,
    );
  });

  it('round-trips random messages, and a tampered one does not open', () => {
    const sub = browserSubscription('https://push.example/x');
    for (const text of ['', 'é', 'x'.repeat(MAX_PLAINTEXT_BYTES)]) {
      const body = encryptPushMessage(sub.json.keys, Buffer.from(text));
      expect(body.length).toBeLessThanOrEqual(4096);
      expect(decryptPushMessage(body, sub).toString()).toBe(text);
    }
    expect(() => encryptPushMessage(sub.json.keys, Buffer.alloc(MAX_PLAINTEXT_BYTES + 1))).toThrow(RangeError);
    const body = encryptPushMessage(sub.json.keys, Buffer.from('hello'));
    body[body.length - 20]! ^= 1;
    expect(() => decryptPushMessage(body, sub)).toThrow();
  });

  it('signs a VAPID JWT for the push service origin, valid at most 24 hours', () => {
    const vapid = { ...vapidKeysFrom(asPrivate), subject: 'mailto:ops@example.org' };
    const now = new Date('2026-01-01T00:00:00Z');
    const header = vapidAuthorization('https://push.example:8443/send/abc?x=1', vapid, now);
    const m = /^vapid t=([^.]+)\.([^.]+)\.([^,]+), k=(.+)$/.exec(header)!;
    expect(JSON.parse(b64(m[1]!).toString())).toEqual({ typ: 'JWT', alg: 'ES256' });
    const claims = JSON.parse(b64(m[2]!).toString());
    expect(claims).toEqual({
      aud: 'https://push.example:8443',
      exp: now.getTime() / 1000 + 12 * 3600,
      sub: 'mailto:ops@example.org',
    });
    expect(b64(m[3]!)).toHaveLength(64);
    expect(m[4]).toBe('BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8');
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('120')).toBe(120);
    expect(retryAfterSeconds('Thu, 01 Jan 2026 00:00:30 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(30);
    expect(retryAfterSeconds(undefined)).toBe(60);
  });
});

let app: TestApp;
let push: PushService;
beforeAll(async () => {
  app = await startTestApp();
  push = await startPushService();
});
afterAll(async () => {
  await push?.close();
  await app?.close();
});

describe('push subscriptions and preferences over HTTP', () => {
  it('publishes the VAPID public key of the configuration', async () => {
    const r = await new Client(app.url).get('/api/v1/push/vapid-public-key');
    expect(r.status).toBe(200);
    expect(r.body.publicKey).toBe(app.platform.services.config.push.vapid.publicKey.toString('base64url'));
  });

  it('subscribes a device, lists it for its member only, and deletes it (audited, never the keys)', async () => {
    const owner = await signUp(app, 'owner');
    const staff = await addMember(app, owner.client, 'staff');
    const sub = push.subscribe();
    const created = await owner.client.post('/api/v1/push/subscriptions', { ...sub.json, device: 'Laptop' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ endpoint: sub.json.endpoint, device: 'Laptop', lastSentAt: null });
    expect((await owner.client.get('/api/v1/push/subscriptions')).body.items.map((s: any) => s.id)).toEqual([
      created.body.id,
    ]);
    expect((await staff.client.get('/api/v1/push/subscriptions')).body.items).toEqual([]);
    // Another member cannot delete it: the same answer as for a missing one.
    expect((await staff.client.delete(`/api/v1/push/subscriptions/${created.body.id}`)).status).toBe(404);

    const audit = await adminQuery(app, `SELECT action, metadata FROM audit_log WHERE org_id = $1 AND target_id = $2`, [
      owner.orgId,
      created.body.id,
    ]);
    expect(audit.map((a) => a.action)).toEqual(['push_subscription.created']);
    const events = await adminQuery(app, `SELECT payload::text AS p FROM outbox WHERE aggregate_id = $1`, [
      created.body.id,
    ]);
    expect(events[0].p).toContain(push.origin);
    expect(events[0].p).not.toContain(sub.json.keys.auth);
    expect(events[0].p).not.toContain(sub.json.keys.p256dh);

    expect((await owner.client.delete(`/api/v1/push/subscriptions/${created.body.id}`)).status).toBe(204);
    expect((await owner.client.get('/api/v1/push/subscriptions')).body.items).toEqual([]);
    expect((await owner.client.delete(`/api/v1/push/subscriptions/${created.body.id}`)).status).toBe(404);
  });

  it('moves a device to the member who subscribes it next, with fresh keys', async () => {
    const owner = await signUp(app, 'owner');
    const staff = await addMember(app, owner.client, 'staff');
    const first = push.subscribe();
    const a = await owner.client.post('/api/v1/push/subscriptions', first.json);
    const again = browserSubscription(first.json.endpoint);
    const b = await staff.client.post('/api/v1/push/subscriptions', again.json);
    expect(b.status).toBe(201);
    expect(b.body.id).toBe(a.body.id);
    expect((await owner.client.get('/api/v1/push/subscriptions')).body.items).toEqual([]);
    expect((await staff.client.get('/api/v1/push/subscriptions')).body.items).toHaveLength(1);
    const [row] = await adminQuery(app, 'SELECT user_id, p256dh FROM push_subscriptions WHERE id = $1', [a.body.id]);
    expect(row).toEqual({ user_id: staff.userId, p256dh: again.json.keys.p256dh });
  });

  it('refuses endpoints that are not https or point at private addresses, and keys that are not P-256', async () => {
    const { client } = await signUp(app, 'owner');
    const keys = browserSubscription('https://x').json.keys;
    const field = async (body: unknown) => {
      const r = await client.post('/api/v1/push/subscriptions', body);
      expect(r.status, r.text).toBe(400);
      return r.body.errors.map((e: any) => e.field);
    };
    expect(await field({ endpoint: 'http://push.example/x', keys })).toEqual(['body.endpoint']);
    expect(await field({ endpoint: 'https://10.0.0.7/x', keys })).toEqual(['body.endpoint']);
    expect(await field({ endpoint: 'https://[::1]/x', keys })).toEqual(['body.endpoint']);
    expect(await field({ endpoint: 'https://user:pw@push.example/x', keys })).toEqual(['body.endpoint']);
    const offCurve = Buffer.alloc(65, 1);
    offCurve[0] = 4;
    expect(
      await field({ endpoint: 'https://push.example/x', keys: { ...keys, p256dh: offCurve.toString('base64url') } }),
    ).toEqual(['body.keys.p256dh']);
    expect(await field({ endpoint: 'https://push.example/x', keys: { ...keys, auth: 'short' } })).toEqual([
      'body.keys.auth',
    ]);
    expect(
      (await adminQuery(app, 'SELECT count(*)::int AS n FROM push_subscriptions WHERE org_id = $1', [client.orgId]))[0]
        .n,
    ).toBe(0);
  });

  it('answers every type × channel with defaults, stores choices, and names a bad one', async () => {
    const { client } = await signUp(app, 'owner');
    const initial = await client.get('/api/v1/notification-preferences');
    expect(initial.body.items).toHaveLength(15);
    expect(initial.body.items.find((p: any) => p.type === 'mention' && p.channel === 'push').enabled).toBe(true);
    expect(initial.body.items.find((p: any) => p.type === 'mention' && p.channel === 'email').enabled).toBe(false);
    const put = await client.put('/api/v1/notification-preferences', {
      items: [
        { type: 'mention', channel: 'push', enabled: false },
        { type: 'alert', channel: 'email', enabled: true },
      ],
    });
    expect(put.status).toBe(200);
    const read = (await client.get('/api/v1/notification-preferences')).body.items;
    expect(read.find((p: any) => p.type === 'mention' && p.channel === 'push').enabled).toBe(false);
    expect(read.find((p: any) => p.type === 'alert' && p.channel === 'email').enabled).toBe(true);
    expect(read.find((p: any) => p.type === 'alert' && p.channel === 'push').enabled).toBe(true);
    const bad = await client.put('/api/v1/notification-preferences', {
      items: [{ type: 'gossip', channel: 'push', enabled: true }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field)).toEqual(['body.items.0.type']);
  });
});

describe('sendPush against a local push service', () => {
  const delivery = (): SendOptions['delivery'] => ({
    allow: ['127.0.0.1/32'],
    resolve: async () => ['127.0.0.1'],
    ca: push.ca,
  });
  const services = () => app.platform.services;
  const message = (m: { orgId: string; userId: string }, extra: Partial<PushMessage> = {}): PushMessage => ({
    ...m,
    type: 'assignment',
    title: 'New assignment',
    body: 'Canvass precinct 12 on Saturday',
    url: '/campaigns/list',
    ...extra,
  });

  async function subscribed(label = 'owner') {
    const owner = await signUp(app, label);
    const sub = push.subscribe();
    const r = await owner.client.post('/api/v1/push/subscriptions', sub.json);
    expect(r.status).toBe(201);
    return { ...owner, sub, subscriptionId: r.body.id as string };
  }
  const receivedBy = (sub: { json: { endpoint: string } }) =>
    push.received.filter((m) => sub.json.endpoint.endsWith(`/push/${m.token}`));

  it('delivers an encrypted message the push service verifies (VAPID) and the device decrypts', async () => {
    const u = await subscribed();
    const out = await sendPush(services(), message(u, { topic: 'assignment' }), {
      delivery: delivery(),
      urgency: 'high',
      ttlSeconds: 600,
    });
    expect(out).toEqual({ skipped: null, delivered: 1, removed: 0, failed: 0, retryAfterSeconds: null });
    const [got] = receivedBy(u.sub);
    expect(got!.payload).toEqual({
      title: 'New assignment',
      body: 'Canvass precinct 12 on Saturday',
      url: '/campaigns/list',
      type: 'assignment',
    });
    expect(got!.vapidKey).toBe(services().config.push.vapid.publicKey.toString('base64url'));
    expect(got!.claims.aud).toBe(push.origin);
    expect(got!.claims.sub).toBe(services().config.push.vapid.subject);
    expect(got!.headers).toEqual({ ttl: '600', urgency: 'high', topic: 'assignment' });
    const [row] = await adminQuery(app, 'SELECT last_sent_at FROM push_subscriptions WHERE id = $1', [
      u.subscriptionId,
    ]);
    expect(row.last_sent_at).toBeInstanceOf(Date);
    expect(push.rejected).toEqual([]);
  });

  it('sends the notifications the notifications consumer creates to the recipient’s devices, as they chose', async () => {
    const u = await subscribed('notified');
    const consumer = notificationsConsumer(membershipNotificationRules, { delivery: delivery() });
    /** The newest membership event of u's org as the bus delivers it, handled by the consumer. */
    const handleNewest = async () => {
      const [row] = await adminQuery(
        app,
        `SELECT id, org_id, type, occurred_at, payload FROM outbox
          WHERE org_id = $1 AND type IN ('platform.member.joined', 'platform.member.added')
          ORDER BY position DESC LIMIT 1`,
        [u.orgId],
      );
      const event = {
        id: row.id,
        orgId: row.org_id,
        type: row.type,
        occurredAt: row.occurred_at.toISOString(),
        payload: row.payload,
        subject: `akashic.${row.org_id}.${row.type}`,
        attempt: 1,
      };
      expect(await processDelivery(services().db, services(), consumer, event)).toBe(true);
    };

    await addMember(app, u.client, 'staff');
    await handleNewest();
    const got = receivedBy(u.sub);
    expect(got).toHaveLength(1);
    expect(got[0]!.payload).toMatchObject({
      type: 'alert',
      title: expect.stringMatching(/./),
      url: expect.stringMatching(/^\//),
    });

    // Push turned off for alerts: the next one stays in the console only.
    const off = await u.client.put('/api/v1/notification-preferences', {
      items: [{ type: 'alert', channel: 'push', enabled: false }],
    });
    expect(off.status).toBe(200);
    await addMember(app, u.client, 'viewer');
    await handleNewest();
    expect(receivedBy(u.sub)).toHaveLength(1);
    const inbox = await u.client.get('/api/v1/notifications');
    expect(inbox.body.items).toHaveLength(2);
  });

  it('shortens a long body to fit one push message', async () => {
    const u = await subscribed();
    const out = await sendPush(services(), message(u, { body: 'ü'.repeat(5000) }), { delivery: delivery() });
    expect(out.delivered).toBe(1);
    const payload = receivedBy(u.sub)[0]!.payload as { body: string };
    expect(payload.body.endsWith('…')).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(MAX_PLAINTEXT_BYTES);
  });

  it('sends nothing when the member turned push off for the type, or is not a member', async () => {
    const u = await subscribed();
    await u.client.put('/api/v1/notification-preferences', {
      items: [{ type: 'assignment', channel: 'push', enabled: false }],
    });
    expect((await sendPush(services(), message(u), { delivery: delivery() })).skipped).toBe('preference');
    expect((await sendPush(services(), message(u, { type: 'alert' }), { delivery: delivery() })).delivered).toBe(1);
    const stranger = await signUp(app, 'stranger');
    expect(
      (await sendPush(services(), message({ orgId: u.orgId, userId: stranger.userId }), { delivery: delivery() }))
        .skipped,
    ).toBe('not_member');
    expect((await sendPush(services(), message(stranger), { delivery: delivery() })).skipped).toBe('no_subscriptions');
    expect(receivedBy(u.sub).map((m) => (m.payload as any).type)).toEqual(['alert']);
  });

  it('deletes a subscription the push service no longer knows (410, 404), as an audited system change', async () => {
    for (const status of [410, 404]) {
      const u = await subscribed();
      push.answer(u.sub, { status });
      const out = await sendPush(services(), message(u), { delivery: delivery() });
      expect(out).toMatchObject({ delivered: 0, removed: 1, failed: 0 });
      expect((await u.client.get('/api/v1/push/subscriptions')).body.items).toEqual([]);
      const audit = await adminQuery(
        app,
        'SELECT action, actor_type FROM audit_log WHERE target_id = $1 ORDER BY seq',
        [u.subscriptionId],
      );
      expect(audit).toEqual([
        { action: 'push_subscription.created', actor_type: 'user' },
        { action: 'push_subscription.expired', actor_type: 'system' },
      ]);
    }
  });

  it('honours a short Retry-After on 429 with one retry, and reports a long one', async () => {
    const u = await subscribed();
    push.answer(u.sub, { status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const out = await sendPush(services(), message(u), { delivery: delivery() });
    expect(out).toMatchObject({ delivered: 1, failed: 0, retryAfterSeconds: null });
    expect(receivedBy(u.sub)[0]!.at - started).toBeGreaterThanOrEqual(1000);

    push.answer(u.sub, { status: 429, headers: { 'retry-after': '120' } });
    const later = await sendPush(services(), message(u), { delivery: delivery() });
    expect(later).toMatchObject({ delivered: 0, failed: 1, removed: 0, retryAfterSeconds: 120 });
    expect((await u.client.get('/api/v1/push/subscriptions')).body.items).toHaveLength(1);
  });

  it('never reaches a push service the SSRF guard refuses', async () => {
    const u = await subscribed();
    const out = await sendPush(services(), message(u), {
      delivery: { resolve: async () => ['127.0.0.1'], ca: push.ca },
    });
    expect(out).toMatchObject({ delivered: 0, failed: 1, removed: 0 });
    expect(receivedBy(u.sub)).toEqual([]);
    expect((await u.client.get('/api/v1/push/subscriptions')).body.items).toHaveLength(1);
  });
});

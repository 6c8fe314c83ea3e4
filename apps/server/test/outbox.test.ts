/**
 * Outbox + audit atomicity. Every state-changing API call writes its outbox events and its audit entries in the
 * same transaction as the change: one event per audit entry, `platform.<action>`, the right org and aggregate,
 * the same occurred_at, the same transaction id (xmin), and no secrets anywhere. A failing change writes
 * neither; a failure injected into either write rolls the change back.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_WEBAUTHN_ORIGIN, startTestApp, type TestApp } from '../../../test/helpers.js';
import { CAMPAIGN, campaignWithSpend, created } from './support/campaigns.js';
import { addMember } from './support/cli.js';
import { messageWithHistory, type MessageFixture } from './support/messages.js';
import { syntheticCsv, votersOf } from './support/voters.js';
import { eventBody, fieldOf } from './support/field.js';
import { notify } from '../src/platform/notifications/notifications.js';
import { browserSubscription } from './support/push.js';
import { SoftAuthenticator } from './support/webauthn.js';
import { connect, diffSnapshots, snapshot } from './support/db.js';
import { as, send, signInActor, signUpActor, uniqueEmail, type Actor, type Reply } from './support/http.js';
import { EVENT_CATALOGUE } from '../src/platform/webhooks/catalogue.js';
import { declaredOpenApi, fetchOpenApi, key, operationsOf, type Method } from './support/openapi.js';

let app: TestApp;
let admin: pg.Client;
let owner: Actor;
/** Every secret this file has seen: passwords, cookies, API token and link secrets. None may reach an event or audit entry. */
const secrets = new Set<string>();

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
  owner = await signUpActor(app.url, 'outbox-owner');
  remember(owner);
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

function remember(a: { password: string; cookie?: string; token?: string }) {
  secrets.add(a.password);
  if (a.cookie) secrets.add(a.cookie.split('=')[1]!);
  if (a.token) secrets.add(a.token);
}

/** The secret in the last e-mailed link to `to`. */
function linkToken(to: string): string {
  const mail = [...app.mail.sent].reverse().find((m) => m.to === to);
  const token = mail && /[?&]token=([^\s&]+)/.exec(mail.text)?.[1];
  if (!token) throw new Error(`no link mailed to ${to}`);
  const t = decodeURIComponent(token);
  secrets.add(t);
  return t;
}

interface Expected {
  type: string;
  orgId: string;
  aggregateType: string;
  aggregateId: string | null;
}

interface Observed {
  reply: Reply;
  outbox: Record<string, any>[];
  audit: Record<string, any>[];
}

/** Run one API call and collect the outbox rows and audit entries it wrote (with each row's transaction id). */
async function observe(call: () => Promise<Reply>): Promise<Observed> {
  const maxPos = Number((await admin.query('SELECT coalesce(max(position), 0) AS p FROM outbox')).rows[0].p);
  const seen = new Set((await admin.query('SELECT id FROM audit_log')).rows.map((r) => r.id));
  const reply = await call();
  const outbox = (
    await admin.query(`SELECT *, xmin::text AS tx FROM outbox WHERE position > $1 ORDER BY occurred_at, org_id, type`, [
      maxPos,
    ])
  ).rows;
  const audit = (
    await admin.query(`SELECT *, xmin::text AS tx FROM audit_log ORDER BY occurred_at, org_id, 'platform.' || action`)
  ).rows.filter((r) => !seen.has(r.id));
  return { reply, outbox, audit };
}

/** Keys that must never appear in an event payload or audit metadata. */
const SECRET_KEY = /password|secret|token_?hash|session_?token|^hash$/i;

function keysOf(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => keysOf(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      out.push(k);
      keysOf(x, out);
    }
  }
  return out;
}

/** Hashes stored in the database (password hashes, token/link/session hashes), as they could leak. */
async function storedHashes(): Promise<string[]> {
  const { rows } = await admin.query(`
    SELECT password_hash AS h FROM users
    UNION ALL SELECT encode(token_hash, 'hex') FROM api_tokens
    UNION ALL SELECT encode(token_hash, 'hex') FROM invitations
    UNION ALL SELECT encode(token_hash, 'hex') FROM password_resets
    UNION ALL SELECT encode(token_hash, 'hex') FROM sessions
    UNION ALL SELECT encode(token_hash, 'base64') FROM api_tokens
    UNION ALL SELECT encode(token_hash, 'hex') FROM api_keys
    UNION ALL SELECT encode(previous_token_hash, 'hex') FROM api_keys WHERE previous_token_hash IS NOT NULL`);
  return rows.map((r) => r.h as string);
}

async function expectEvents(o: Observed, status: number, expected: Expected[], what: string) {
  expect(o.reply.status, `${what}: ${o.reply.text.slice(0, 300)}`).toBe(status);
  const sortKey = (e: { orgId: string; type: string }) => `${e.orgId} ${e.type}`;
  expect(
    o.outbox
      .map((r) => ({ type: r.type, orgId: r.org_id, aggregateType: r.aggregate_type, aggregateId: r.aggregate_id }))
      .sort((x, y) => sortKey(x).localeCompare(sortKey(y))),
    `${what}: outbox events`,
  ).toEqual([...expected].sort((x, y) => sortKey(x).localeCompare(sortKey(y))));
  expect(o.audit.length, `${what}: one audit entry per event`).toBe(o.outbox.length);
  for (const r of o.outbox) observedTypes.add(r.type);

  const requestId = o.reply.headers.get('x-request-id');
  const hashes = await storedHashes();
  for (let i = 0; i < o.outbox.length; i++) {
    const ev = o.outbox[i]!;
    const entry = o.audit[i]!;
    const pair = `${what}: event ${ev.type}`;
    // `<module>.<action>`: platform changes, and each module's own (e.g. `intelligence.scenario.created`).
    expect(ev.type, pair).toMatch(
      new RegExp(`^(platform|intelligence|campaigns)\\.${entry.action.replace(/\./g, '\\.')}$`),
    );
    expect(ev.org_id, pair).toBe(entry.org_id);
    expect(ev.aggregate_type, pair).toBe(entry.target_type);
    expect(ev.aggregate_id, pair).toBe(entry.target_id);
    expect(ev.occurred_at.toISOString(), `${pair}: same occurred_at as its audit entry`).toBe(
      entry.occurred_at.toISOString(),
    );
    expect(ev.actor_id, pair).toBe(entry.actor_type === 'system' ? null : entry.actor_id);
    expect(ev.request_id, pair).toBe(entry.request_id);
    expect(ev.request_id, `${pair}: carries the request id`).toBe(requestId);
    expect(ev.published_at, pair).toBeNull();
    // Same transaction: the event, its audit entry and the org's chain head were written by one transaction.
    const head = await admin.query('SELECT xmin::text AS tx FROM audit_heads WHERE org_id = $1', [ev.org_id]);
    expect(ev.tx, `${pair}: written in the audit entry's transaction`).toBe(entry.tx);
    expect(head.rows[0].tx, `${pair}: the chain head moved in the same transaction`).toBe(entry.tx);

    const text = JSON.stringify({ payload: ev.payload, metadata: entry.metadata, label: entry.actor_label });
    for (const k of keysOf(ev.payload).concat(keysOf(entry.metadata)))
      expect(k, `${pair}: secret-looking key`).not.toMatch(SECRET_KEY);
    for (const s of [...secrets, ...hashes])
      expect(text.includes(s), `${pair}: leaks a secret (${s.slice(0, 8)}…)`).toBe(false);
    expect(text, `${pair}: argon2 hash`).not.toMatch(/\$argon2/);
    expect(text, `${pair}: API token secret`).not.toMatch(/akp_[A-Za-z0-9_-]{20,}/);
    expect(text, `${pair}: API key secret`).not.toMatch(/akk_[A-Za-z0-9_-]{20,}/);
  }
}

/** Every event type the scenarios produced: the webhook event-type catalogue must list each one. */
const observedTypes = new Set<string>();

type Scenario = () => Promise<{ o: Observed; status: number; expected: Expected[] }>;

const outboxAuthenticator = new SoftAuthenticator('localhost', TEST_WEBAUTHN_ORIGIN);
/** A passkey change is an event in each of its user's organizations. */
async function passkeyEvents(verb: string, id: string): Promise<Expected[]> {
  const { rows } = await admin.query('SELECT org_id FROM memberships WHERE user_id = $1', [owner.userId]);
  return rows.map((r) => ({
    type: `platform.passkey.${verb}`,
    orgId: r.org_id,
    aggregateType: 'passkey',
    aggregateId: id,
  }));
}
async function outboxPasskey(): Promise<string> {
  const options = await as(owner, 'POST', '/api/v1/passkeys/registration-options');
  const r = await as(owner, 'POST', '/api/v1/passkeys', {
    json: { response: outboxAuthenticator.create(options.body) },
  });
  if (r.status !== 201) throw new Error(`passkey: ${r.status} ${r.text}`);
  return r.body.id;
}

/** One representative call per state-changing operation (`METHOD path` as in the OpenAPI document). */
const SCENARIOS: Record<string, Scenario> = {
  'POST /api/v1/auth/sign-up': async () => {
    const email = uniqueEmail('outbox-signup');
    const password = `pw-${randomBytes(10).toString('hex')}`;
    secrets.add(password);
    const o = await observe(() =>
      send(app.url, 'POST', '/api/v1/auth/sign-up', { json: { name: 'New', email, password, orgName: 'New org' } }),
    );
    const orgId = o.reply.body.currentOrgId;
    return {
      o,
      status: 201,
      expected: [
        { type: 'platform.org.created', orgId, aggregateType: 'org', aggregateId: orgId },
        { type: 'platform.member.added', orgId, aggregateType: 'member', aggregateId: o.reply.body.user.id },
      ],
    };
  },
  'POST /api/v1/auth/sign-in': async () => {
    const o = await observe(() =>
      send(app.url, 'POST', '/api/v1/auth/sign-in', { json: { email: owner.email, password: owner.password } }),
    );
    return { o, status: 200, expected: [] };
  },
  'POST /api/v1/auth/sign-out': async () => {
    const other = await signInActor(app.url, owner.email, owner.password, owner.orgId);
    remember(other);
    return { o: await observe(() => as(other, 'POST', '/api/v1/auth/sign-out')), status: 204, expected: [] };
  },
  'POST /api/v1/auth/sign-out-everywhere': async () => {
    const someone = await signUpActor(app.url, 'outbox-everywhere');
    remember(someone);
    return {
      o: await observe(() => as(someone, 'POST', '/api/v1/auth/sign-out-everywhere')),
      status: 200,
      expected: [],
    };
  },
  'POST /api/v1/me/current-org': async () => ({
    o: await observe(() => as(owner, 'POST', '/api/v1/me/current-org', { json: { orgId: owner.orgId } })),
    status: 200,
    expected: [],
  }),
  'POST /api/v1/orgs': async () => {
    const o = await observe(() => as(owner, 'POST', '/api/v1/orgs', { json: { name: 'Second org' } }));
    const orgId = o.reply.body.currentOrgId;
    return {
      o,
      status: 201,
      expected: [
        { type: 'platform.org.created', orgId, aggregateType: 'org', aggregateId: orgId },
        { type: 'platform.member.added', orgId, aggregateType: 'member', aggregateId: owner.userId },
      ],
    };
  },
  'PATCH /api/v1/org': async () => ({
    o: await observe(() => as(owner, 'PATCH', '/api/v1/org', { json: { name: 'Renamed by outbox test' } })),
    status: 200,
    expected: [{ type: 'platform.org.updated', orgId: owner.orgId, aggregateType: 'org', aggregateId: owner.orgId }],
  }),
  'PATCH /api/v1/members/{userId}': async () => {
    const m = await addMember(app.db.adminUrl, owner.orgId, 'staff');
    secrets.add(m.password);
    return {
      o: await observe(() => as(owner, 'PATCH', `/api/v1/members/${m.userId}`, { json: { role: 'manager' } })),
      status: 200,
      expected: [
        { type: 'platform.member.role_changed', orgId: owner.orgId, aggregateType: 'member', aggregateId: m.userId },
      ],
    };
  },
  'DELETE /api/v1/members/{userId}': async () => {
    const m = await addMember(app.db.adminUrl, owner.orgId, 'viewer');
    secrets.add(m.password);
    return {
      o: await observe(() => as(owner, 'DELETE', `/api/v1/members/${m.userId}`)),
      status: 204,
      expected: [
        { type: 'platform.member.removed', orgId: owner.orgId, aggregateType: 'member', aggregateId: m.userId },
      ],
    };
  },
  'POST /api/v1/invitations': async () => {
    const o = await observe(() =>
      as(owner, 'POST', '/api/v1/invitations', { json: { email: uniqueEmail('outbox-inv'), role: 'staff' } }),
    );
    linkToken(o.reply.body.email);
    return {
      o,
      status: 201,
      expected: [
        {
          type: 'platform.member.invited',
          orgId: owner.orgId,
          aggregateType: 'invitation',
          aggregateId: o.reply.body.id,
        },
      ],
    };
  },
  'DELETE /api/v1/invitations/{id}': async () => {
    const inv = await as(owner, 'POST', '/api/v1/invitations', {
      json: { email: uniqueEmail('outbox-rev'), role: 'viewer' },
    });
    return {
      o: await observe(() => as(owner, 'DELETE', `/api/v1/invitations/${inv.body.id}`)),
      status: 204,
      expected: [
        {
          type: 'platform.invitation.revoked',
          orgId: owner.orgId,
          aggregateType: 'invitation',
          aggregateId: inv.body.id,
        },
      ],
    };
  },
  'POST /api/v1/invitations/accept': async () => {
    const email = uniqueEmail('outbox-joiner');
    await as(owner, 'POST', '/api/v1/invitations', { json: { email, role: 'staff' } });
    const token = linkToken(email);
    const password = `pw-${randomBytes(10).toString('hex')}`;
    secrets.add(password);
    const o = await observe(() =>
      send(app.url, 'POST', '/api/v1/invitations/accept', { json: { token, name: 'Joiner', password } }),
    );
    return {
      o,
      status: 200,
      expected: [
        {
          type: 'platform.member.joined',
          orgId: owner.orgId,
          aggregateType: 'member',
          aggregateId: o.reply.body.user?.id,
        },
      ],
    };
  },
  'POST /api/v1/auth/password-reset/request': async () => ({
    o: await observe(() =>
      send(app.url, 'POST', '/api/v1/auth/password-reset/request', { json: { email: owner.email } }),
    ),
    status: 202,
    expected: [],
  }),
  'POST /api/v1/auth/password-reset': async () => {
    const user = await signUpActor(app.url, 'outbox-reset');
    remember(user);
    const second = await as(user, 'POST', '/api/v1/orgs', { json: { name: 'Reset second org' } });
    await send(app.url, 'POST', '/api/v1/auth/password-reset/request', { json: { email: user.email } });
    const token = linkToken(user.email);
    const password = `pw-${randomBytes(10).toString('hex')}`;
    secrets.add(password);
    const o = await observe(() => send(app.url, 'POST', '/api/v1/auth/password-reset', { json: { token, password } }));
    // One entry and event in each organization the user belongs to.
    return {
      o,
      status: 204,
      expected: [user.orgId, second.body.currentOrgId].map((orgId) => ({
        type: 'platform.user.password_reset',
        orgId,
        aggregateType: 'user',
        aggregateId: user.userId,
      })),
    };
  },
  'POST /api/v1/tokens': async () => {
    const o = await observe(() =>
      as(owner, 'POST', '/api/v1/tokens', { json: { name: 'outbox token', scopes: ['org.read', 'member.list'] } }),
    );
    secrets.add(o.reply.body.secret);
    return {
      o,
      status: 201,
      expected: [
        {
          type: 'platform.token.created',
          orgId: owner.orgId,
          aggregateType: 'api_token',
          aggregateId: o.reply.body.token.id,
        },
      ],
    };
  },
  'DELETE /api/v1/tokens/{id}': async () => {
    const t = await as(owner, 'POST', '/api/v1/tokens', { json: { name: 'to revoke', scopes: ['org.read'] } });
    secrets.add(t.body.secret);
    return {
      o: await observe(() => as(owner, 'DELETE', `/api/v1/tokens/${t.body.token.id}`)),
      status: 204,
      expected: [
        {
          type: 'platform.token.revoked',
          orgId: owner.orgId,
          aggregateType: 'api_token',
          aggregateId: t.body.token.id,
        },
      ],
    };
  },
  ...apiKeyScenarios(),
  // A member's own inbox, not the organization's data: no audit entry, no event (see platform/notifications/routes.ts).
  'POST /api/v1/notifications/{id}/read': async () => {
    const { services } = app.platform;
    const id = await services.db.transaction({ orgId: owner.orgId }, (tx) =>
      notify(tx, { orgId: owner.orgId, userId: owner.userId, type: 'test.notice', title: 't', body: 'b', url: null }),
    );
    return { o: await observe(() => as(owner, 'POST', `/api/v1/notifications/${id}/read`)), status: 200, expected: [] };
  },
  'POST /api/v1/notifications/read-all': async () => ({
    o: await observe(() => as(owner, 'POST', '/api/v1/notifications/read-all')),
    status: 200,
    expected: [],
  }),
  // Passkey ceremonies: options and sign-in write no events; a passkey's changes are events in each of its
  // user's organizations (the owner's one here).
  'POST /api/v1/passkeys/registration-options': async () => ({
    o: await observe(() => as(owner, 'POST', '/api/v1/passkeys/registration-options')),
    status: 200,
    expected: [],
  }),
  'POST /api/v1/passkeys': async () => {
    const options = await as(owner, 'POST', '/api/v1/passkeys/registration-options');
    const response = outboxAuthenticator.create(options.body);
    const o = await observe(() => as(owner, 'POST', '/api/v1/passkeys', { json: { response, name: 'Outbox key' } }));
    return { o, status: 201, expected: await passkeyEvents('registered', o.reply.body.id) };
  },
  'PATCH /api/v1/passkeys/{id}': async () => {
    const id = await outboxPasskey();
    return {
      o: await observe(() => as(owner, 'PATCH', `/api/v1/passkeys/${id}`, { json: { name: 'Renamed key' } })),
      status: 200,
      expected: await passkeyEvents('renamed', id),
    };
  },
  'DELETE /api/v1/passkeys/{id}': async () => {
    const id = await outboxPasskey();
    return {
      o: await observe(() => as(owner, 'DELETE', `/api/v1/passkeys/${id}`)),
      status: 204,
      expected: await passkeyEvents('deleted', id),
    };
  },
  'POST /api/v1/auth/passkey/options': async () => ({
    o: await observe(() => send(app.url, 'POST', '/api/v1/auth/passkey/options')),
    status: 200,
    expected: [],
  }),
  'POST /api/v1/auth/passkey/sign-in': async () => {
    const device = new SoftAuthenticator('localhost', TEST_WEBAUTHN_ORIGIN);
    const reg = await as(owner, 'POST', '/api/v1/passkeys/registration-options');
    await as(owner, 'POST', '/api/v1/passkeys', { json: { response: device.create(reg.body) } });
    const options = await send(app.url, 'POST', '/api/v1/auth/passkey/options');
    const response = device.get(options.body);
    const o = await observe(() => send(app.url, 'POST', '/api/v1/auth/passkey/sign-in', { json: { response } }));
    return { o, status: 200, expected: [] };
  },
  'POST /api/v1/push/subscriptions': async () => {
    const sub = browserSubscription(`https://push.example.net/outbox/${randomBytes(6).toString('hex')}`).json;
    secrets.add(sub.keys.auth);
    secrets.add(sub.keys.p256dh);
    const o = await observe(() => as(owner, 'POST', '/api/v1/push/subscriptions', { json: sub }));
    return {
      o,
      status: 201,
      expected: [
        {
          type: 'platform.push_subscription.created',
          orgId: owner.orgId,
          aggregateType: 'push_subscription',
          aggregateId: o.reply.body.id,
        },
      ],
    };
  },
  'DELETE /api/v1/push/subscriptions/{id}': async () => {
    const sub = browserSubscription(`https://push.example.net/outbox/${randomBytes(6).toString('hex')}`).json;
    secrets.add(sub.keys.auth);
    const s = await as(owner, 'POST', '/api/v1/push/subscriptions', { json: sub });
    return {
      o: await observe(() => as(owner, 'DELETE', `/api/v1/push/subscriptions/${s.body.id}`)),
      status: 204,
      expected: [
        {
          type: 'platform.push_subscription.deleted',
          orgId: owner.orgId,
          aggregateType: 'push_subscription',
          aggregateId: s.body.id,
        },
      ],
    };
  },
  'PUT /api/v1/notification-preferences': async () => ({
    o: await observe(() =>
      as(owner, 'PUT', '/api/v1/notification-preferences', {
        json: { items: [{ type: 'mention', channel: 'email', enabled: true }] },
      }),
    ),
    status: 200,
    expected: [
      {
        type: 'platform.notification_preferences.updated',
        orgId: owner.orgId,
        aggregateType: 'user',
        aggregateId: owner.userId,
      },
    ],
  }),
  'POST /api/v1/forecasts/scenarios': async () => {
    const o = await observe(() =>
      as(owner, 'POST', '/api/v1/forecasts/scenarios', {
        json: { name: 'outbox scenario', cycle: 2020, kind: 'counties', inputs: { nationalDemTwoParty: 0.51 } },
      }),
    );
    return {
      o,
      status: 201,
      expected: [
        {
          type: 'intelligence.scenario.created',
          orgId: owner.orgId,
          aggregateType: 'scenario',
          aggregateId: o.reply.body.id,
        },
      ],
    };
  },
  'PATCH /api/v1/forecasts/scenarios/{id}': async () => {
    const s = await createScenario('outbox update');
    return {
      o: await observe(() =>
        as(owner, 'PATCH', `/api/v1/forecasts/scenarios/${s.id}`, { json: { version: 1, name: 'renamed' } }),
      ),
      status: 200,
      expected: [
        { type: 'intelligence.scenario.updated', orgId: owner.orgId, aggregateType: 'scenario', aggregateId: s.id },
      ],
    };
  },
  'DELETE /api/v1/forecasts/scenarios/{id}': async () => {
    const s = await createScenario('outbox delete');
    return {
      o: await observe(() => as(owner, 'DELETE', `/api/v1/forecasts/scenarios/${s.id}`)),
      status: 204,
      expected: [
        { type: 'intelligence.scenario.deleted', orgId: owner.orgId, aggregateType: 'scenario', aggregateId: s.id },
      ],
    };
  },
  // Comparing runs scenarios and writes nothing.
  'POST /api/v1/forecasts/scenarios/compare': async () => {
    const s = await createScenario('outbox compare');
    return {
      o: await observe(() => as(owner, 'POST', '/api/v1/forecasts/scenarios/compare', { json: { ids: [s.id] } })),
      status: 200,
      expected: [],
    };
  },
  ...campaignScenarios(),
  ...messagingScenarios(),
  ...voterScenarios(),
  ...fieldScenarios(),
  ...webhookScenarios(),
};

/** Every field operation: events, RSVPs and check-in, turfs, canvass results (one event per result). */
function fieldScenarios(): Record<string, Scenario> {
  const ev = (type: string, aggregateType: string, aggregateId: string): Expected => ({
    type: `campaigns.${type}`,
    orgId: owner.orgId,
    aggregateType,
    aggregateId,
  });
  const c = '/api/v1/campaigns/{campaignId}';
  type F = Awaited<ReturnType<typeof fieldOf>> & { campaignId: string };
  const fixture = async (): Promise<F> => {
    const { campaignId } = await campaignWithSpend(owner);
    return { campaignId, ...(await fieldOf(owner, campaignId)) };
  };
  const path = (f: F, p: string) =>
    p
      .replace('{campaignId}', f.campaignId)
      .replace('{eventId}', f.eventId)
      .replace('{rsvpId}', f.rsvpId)
      .replace('{turfId}', f.turfId);
  const one =
    (
      method: Method,
      p: string,
      json: ((f: F) => unknown) | undefined,
      status: number,
      expected: (f: F, body: any) => Expected[],
      before?: (f: F) => Promise<unknown>,
    ): Scenario =>
    async () => {
      const f = await fixture();
      await before?.(f);
      const o = await observe(() => as(owner, method, path(f, p), json === undefined ? {} : { json: json(f) }));
      return { o, status, expected: expected(f, o.reply.body) };
    };
  const result = (f: F, i: number) => ({
    clientId: randomUUID(),
    voterId: f.voterIds[i],
    turfId: f.turfId,
    outcome: 'not_home',
    recordedAt: new Date().toISOString(),
  });
  return {
    [`POST ${c}/events`]: one(
      'POST',
      `${c}/events`,
      () => eventBody(600),
      201,
      (_f, b) => [ev('field_event.created', 'field_event', b.id)],
    ),
    [`PATCH ${c}/events/{eventId}`]: one(
      'PATCH',
      `${c}/events/{eventId}`,
      () => ({ version: 1, title: 'Moved' }),
      200,
      (f) => [ev('field_event.updated', 'field_event', f.eventId)],
    ),
    [`POST ${c}/events/{eventId}/cancel`]: one(
      'POST',
      `${c}/events/{eventId}/cancel`,
      () => ({ version: 1, reason: 'Rain' }),
      200,
      (f) => [ev('field_event.cancelled', 'field_event', f.eventId)],
    ),
    [`DELETE ${c}/events/{eventId}`]: one('DELETE', `${c}/events/{eventId}`, undefined, 204, (f) => [
      ev('field_event.deleted', 'field_event', f.eventId),
    ]),
    [`POST ${c}/events/{eventId}/rsvps`]: one(
      'POST',
      `${c}/events/{eventId}/rsvps`,
      () => ({ name: 'Outbox Guest', phone: '+19195550199', response: 'maybe' }),
      201,
      (_f, b) => [ev('rsvp.created', 'field_rsvp', b.id)],
    ),
    [`DELETE ${c}/events/{eventId}/rsvps/{rsvpId}`]: one(
      'DELETE',
      `${c}/events/{eventId}/rsvps/{rsvpId}`,
      undefined,
      204,
      (f) => [ev('rsvp.deleted', 'field_rsvp', f.rsvpId)],
    ),
    [`POST ${c}/events/{eventId}/rsvps/{rsvpId}/check-in`]: one(
      'POST',
      `${c}/events/{eventId}/rsvps/{rsvpId}/check-in`,
      undefined,
      200,
      (f) => [ev('rsvp.checked_in', 'field_rsvp', f.rsvpId)],
    ),
    [`DELETE ${c}/events/{eventId}/rsvps/{rsvpId}/check-in`]: one(
      'DELETE',
      `${c}/events/{eventId}/rsvps/{rsvpId}/check-in`,
      undefined,
      200,
      (f) => [ev('rsvp.check_in_undone', 'field_rsvp', f.rsvpId)],
      (f) => as(owner, 'POST', path(f, `${c}/events/{eventId}/rsvps/{rsvpId}/check-in`)),
    ),
    [`POST ${c}/events/{eventId}/walk-ins`]: one(
      'POST',
      `${c}/events/{eventId}/walk-ins`,
      () => ({ name: 'Walk In' }),
      201,
      (_f, b) => [ev('rsvp.walked_in', 'field_rsvp', b.id)],
    ),
    [`POST ${c}/turfs`]: one(
      'POST',
      `${c}/turfs`,
      () => ({ name: 'Outbox turf', zips: ['27701'] }),
      201,
      (_f, b) => [ev('turf.created', 'field_turf', b.id)],
    ),
    [`PATCH ${c}/turfs/{turfId}`]: one(
      'PATCH',
      `${c}/turfs/{turfId}`,
      () => ({ version: 1, assignedTo: owner.userId }),
      200,
      (f) => [ev('turf.assigned', 'field_turf', f.turfId)],
    ),
    [`DELETE ${c}/turfs/{turfId}`]: one('DELETE', `${c}/turfs/{turfId}`, undefined, 204, (f) => [
      ev('turf.deleted', 'field_turf', f.turfId),
    ]),
    [`POST ${c}/canvass-results`]: one(
      'POST',
      `${c}/canvass-results`,
      (f) => result(f, 1),
      201,
      (_f, b) => [ev('canvass_result.recorded', 'canvass_result', b.id)],
    ),
    [`POST ${c}/canvass-results/batch`]: one(
      'POST',
      `${c}/canvass-results/batch`,
      (f) => ({ results: [result(f, 1), result(f, 2)] }),
      200,
      (_f, b) => b.results.map((r: { id: string }) => ev('canvass_result.recorded', 'canvass_result', r.id)),
    ),
    // The sync protocol: a pushed mutation writes what its REST route writes; a pull writes no event.
    'POST /api/v1/sync/push': async () => {
      const f = await fixture();
      const r = result(f, 1);
      const mutation = { id: 1, name: 'canvass.record', args: { campaignId: f.campaignId, result: r } };
      const json = {
        clientGroupId: randomUUID(),
        clientId: randomUUID(),
        mutations: [{ ...mutation, clientTime: new Date().toISOString() }],
      };
      const o = await observe(() => as(owner, 'POST', '/api/v1/sync/push', { json }));
      const { rows } = await admin.query<{ id: string }>('SELECT id FROM canvass_results WHERE client_id = $1', [
        r.clientId,
      ]);
      expect(o.reply.body.results, o.reply.text).toEqual([{ id: 1, status: 'applied' }]);
      return { o, status: 200, expected: [ev('canvass_result.recorded', 'canvass_result', rows[0]!.id)] };
    },
    'POST /api/v1/sync/pull': async () => {
      const f = await fixture();
      const json = { clientGroupId: randomUUID(), campaignId: f.campaignId, cursor: null };
      const o = await observe(() => as(owner, 'POST', '/api/v1/sync/pull', { json }));
      return { o, status: 200, expected: [] };
    },
  };
}

/** Organization API keys: every change is one `platform.apikey.*` event on the key; secrets never appear. */
function apiKeyScenarios(): Record<string, Scenario> {
  const ev = (type: string, id: string): Expected => ({
    type: `platform.apikey.${type}`,
    orgId: owner.orgId,
    aggregateType: 'api_key',
    aggregateId: id,
  });
  const newKey = async (name: string) => {
    const r = await as(owner, 'POST', '/api/v1/api-keys', { json: { name, role: 'viewer', scopes: ['org.read'] } });
    secrets.add(r.body.secret);
    return r.body.key.id as string;
  };
  return {
    'POST /api/v1/api-keys': async () => {
      const o = await observe(() =>
        as(owner, 'POST', '/api/v1/api-keys', { json: { name: 'outbox key', role: 'staff', scopes: ['org.read'] } }),
      );
      secrets.add(o.reply.body.secret);
      return { o, status: 201, expected: [ev('created', o.reply.body.key.id)] };
    },
    'PATCH /api/v1/api-keys/{id}': async () => {
      const id = await newKey('to rename');
      return {
        o: await observe(() => as(owner, 'PATCH', `/api/v1/api-keys/${id}`, { json: { name: 'renamed key' } })),
        status: 200,
        expected: [ev('updated', id)],
      };
    },
    'POST /api/v1/api-keys/{id}/rotate': async () => {
      const id = await newKey('to rotate');
      const o = await observe(() => as(owner, 'POST', `/api/v1/api-keys/${id}/rotate`, { json: { graceMinutes: 5 } }));
      secrets.add(o.reply.body.secret);
      return { o, status: 200, expected: [ev('rotated', id)] };
    },
    'DELETE /api/v1/api-keys/{id}': async () => {
      const id = await newKey('to revoke');
      return {
        o: await observe(() => as(owner, 'DELETE', `/api/v1/api-keys/${id}`)),
        status: 204,
        expected: [ev('revoked', id)],
      };
    },
  };
}

/** Every campaign operation: campaigns, budget lines, spend and team (events on the campaign for team changes). */
function campaignScenarios(): Record<string, Scenario> {
  const ev = (type: string, aggregateType: string, aggregateId: string): Expected => ({
    type: `campaigns.${type}`,
    orgId: owner.orgId,
    aggregateType,
    aggregateId,
  });
  const base = '/api/v1/campaigns';
  const one = (
    method: Method,
    path: (c: Awaited<ReturnType<typeof campaignWithSpend>>) => string,
    json: ((c: Awaited<ReturnType<typeof campaignWithSpend>>) => unknown) | undefined,
    status: number,
    expected: (c: Awaited<ReturnType<typeof campaignWithSpend>>, body: any) => Expected[],
  ): Scenario => {
    return async () => {
      const c = await campaignWithSpend(owner);
      const o = await observe(() => as(owner, method, path(c), json ? { json: json(c) } : {}));
      return { o, status, expected: expected(c, o.reply.body) };
    };
  };
  return {
    'POST /api/v1/campaigns': async () => {
      const o = await observe(() => as(owner, 'POST', base, { json: CAMPAIGN }));
      const id = o.reply.body.id;
      return {
        o,
        status: 201,
        expected: [ev('campaign.created', 'campaign', id), ev('campaign.member_added', 'campaign', id)],
      };
    },
    'PATCH /api/v1/campaigns/{campaignId}': one(
      'PATCH',
      (c) => `${base}/${c.campaignId}`,
      () => ({ version: 1, status: 'archived' }),
      200,
      (c) => [ev('campaign.archived', 'campaign', c.campaignId)],
    ),
    'DELETE /api/v1/campaigns/{campaignId}': one(
      'DELETE',
      (c) => `${base}/${c.campaignId}`,
      undefined,
      204,
      (c) => [ev('campaign.deleted', 'campaign', c.campaignId)],
    ),
    'POST /api/v1/campaigns/{campaignId}/budget-lines': one(
      'POST',
      (c) => `${base}/${c.campaignId}/budget-lines`,
      () => ({ category: 'Field', plannedCents: 9_000 }),
      201,
      (_c, body) => [ev('budget_line.created', 'budget_line', body.id)],
    ),
    'PATCH /api/v1/campaigns/{campaignId}/budget-lines/{lineId}': one(
      'PATCH',
      (c) => `${base}/${c.campaignId}/budget-lines/${c.lineId}`,
      () => ({ version: 1, plannedCents: 120_000 }),
      200,
      (c) => [ev('budget_line.updated', 'budget_line', c.lineId)],
    ),
    'DELETE /api/v1/campaigns/{campaignId}/budget-lines/{lineId}': async () => {
      const c = await campaignWithSpend(owner);
      const line = await created(owner, `${base}/${c.campaignId}/budget-lines`, { category: 'Spare', plannedCents: 1 });
      return {
        o: await observe(() => as(owner, 'DELETE', `${base}/${c.campaignId}/budget-lines/${line}`)),
        status: 204,
        expected: [ev('budget_line.deleted', 'budget_line', line)],
      };
    },
    'POST /api/v1/campaigns/{campaignId}/spend': one(
      'POST',
      (c) => `${base}/${c.campaignId}/spend`,
      (c) => ({ lineId: c.lineId, amountCents: 700, spentOn: '2028-04-01', vendor: 'Outbox print shop' }),
      201,
      (_c, body) => [ev('spend.recorded', 'spend_entry', body.id)],
    ),
    'PATCH /api/v1/campaigns/{campaignId}/spend/{entryId}': one(
      'PATCH',
      (c) => `${base}/${c.campaignId}/spend/${c.entryId}`,
      () => ({ version: 1, memo: 'reprinted' }),
      200,
      (c) => [ev('spend.updated', 'spend_entry', c.entryId)],
    ),
    'DELETE /api/v1/campaigns/{campaignId}/spend/{entryId}': one(
      'DELETE',
      (c) => `${base}/${c.campaignId}/spend/${c.entryId}`,
      undefined,
      204,
      (c) => [ev('spend.deleted', 'spend_entry', c.entryId)],
    ),
    'POST /api/v1/campaigns/{campaignId}/team': async () => {
      const c = await campaignWithSpend(owner);
      const m = await addMember(app.db.adminUrl, owner.orgId, 'staff');
      secrets.add(m.password);
      return {
        o: await observe(() =>
          as(owner, 'POST', `${base}/${c.campaignId}/team`, { json: { userId: m.userId, role: 'field' } }),
        ),
        status: 201,
        expected: [ev('campaign.member_added', 'campaign', c.campaignId)],
      };
    },
    'PATCH /api/v1/campaigns/{campaignId}/team/{userId}': one(
      'PATCH',
      (c) => `${base}/${c.campaignId}/team/${owner.userId}`,
      () => ({ role: 'finance' }),
      200,
      (c) => [ev('campaign.member_role_changed', 'campaign', c.campaignId)],
    ),
    'DELETE /api/v1/campaigns/{campaignId}/team/{userId}': one(
      'DELETE',
      (c) => `${base}/${c.campaignId}/team/${owner.userId}`,
      undefined,
      204,
      (c) => [ev('campaign.member_removed', 'campaign', c.campaignId)],
    ),
  };
}

/** Every voter-file operation: one event per import (created, then completed), contact and segment change. */
function voterScenarios(): Record<string, Scenario> {
  const ev = (type: string, aggregateType: string, aggregateId: string): Expected => ({
    type: `campaigns.${type}`,
    orgId: owner.orgId,
    aggregateType,
    aggregateId,
  });
  const c = '/api/v1/campaigns/{campaignId}';
  type F = Awaited<ReturnType<typeof votersOf>> & { campaignId: string };
  const fixture = async (): Promise<F> => {
    const { campaignId } = await campaignWithSpend(owner);
    return { campaignId, ...(await votersOf(owner, campaignId)) };
  };
  const path = (f: F, p: string) =>
    p
      .replace('{campaignId}', f.campaignId)
      .replace('{voterId}', f.voterId)
      .replace('{segmentId}', f.segmentId)
      .replace('{importId}', f.importId);
  const one =
    (method: Method, p: string, json: unknown, status: number, expected: (f: F, body: any) => Expected[]): Scenario =>
    async () => {
      const f = await fixture();
      const o = await observe(() => as(owner, method, path(f, p), json === undefined ? {} : { json }));
      return { o, status, expected: expected(f, o.reply.body) };
    };
  const filter = { turnout: { min: 0.2 } };
  return {
    [`POST ${c}/voter-imports`]: one('POST', `${c}/voter-imports`, { fileName: 'outbox.csv' }, 201, (_f, b) => [
      ev('voter_import.created', 'voter_import', b.id),
    ]),
    [`PUT ${c}/voter-imports/{importId}/file`]: async () => {
      const { campaignId } = await campaignWithSpend(owner);
      const id = await created(owner, `/api/v1/campaigns/${campaignId}/voter-imports`, { fileName: 'outbox.csv' });
      const o = await observe(() =>
        as(owner, 'PUT', `/api/v1/campaigns/${campaignId}/voter-imports/${id}/file`, {
          raw: syntheticCsv(50),
          contentType: 'text/csv',
        }),
      );
      return { o, status: 200, expected: [ev('voter_import.completed', 'voter_import', id)] };
    },
    // Mapping detection, counts and queries read and write nothing.
    [`POST ${c}/voter-mapping`]: one(
      'POST',
      `${c}/voter-mapping`,
      { header: ['voter_id', 'GENERAL_2020-11-03'] },
      200,
      () => [],
    ),
    [`POST ${c}/voter-count`]: one('POST', `${c}/voter-count`, { filter }, 200, () => []),
    [`POST ${c}/voter-query`]: one('POST', `${c}/voter-query`, { filter, limit: 5 }, 200, () => []),
    [`POST ${c}/voters/{voterId}/contacts`]: one(
      'POST',
      `${c}/voters/{voterId}/contacts`,
      { channel: 'phone', outcome: 'talked' },
      201,
      (f) => [ev('voter_contact.recorded', 'voter', f.voterId)],
    ),
    [`POST ${c}/segments`]: one('POST', `${c}/segments`, { name: 'Outbox', filter }, 201, (_f, b) => [
      ev('voter_segment.created', 'voter_segment', b.id),
    ]),
    [`PATCH ${c}/segments/{segmentId}`]: one(
      'PATCH',
      `${c}/segments/{segmentId}`,
      { version: 1, name: 'Renamed' },
      200,
      (f) => [ev('voter_segment.updated', 'voter_segment', f.segmentId)],
    ),
    [`DELETE ${c}/segments/{segmentId}`]: one('DELETE', `${c}/segments/{segmentId}`, undefined, 204, (f) => [
      ev('voter_segment.deleted', 'voter_segment', f.segmentId),
    ]),
  };
}

/** Every messaging operation, on a message with history (its base version in draft after changes were requested). */
function messagingScenarios(): Record<string, Scenario> {
  const ev = (type: string, aggregateType: string, aggregateId: string): Expected => ({
    type: `campaigns.${type}`,
    orgId: owner.orgId,
    aggregateType,
    aggregateId,
  });
  const msgs = '/api/v1/campaigns/{campaignId}/messages';
  const ver = `${msgs}/{messageId}/versions/{versionId}`;
  const path = (f: MessageFixture, p: string) =>
    p
      .replace('{campaignId}', f.campaignId)
      .replace('{messageId}', f.messageId)
      .replace('{versionId}', f.versionId)
      .replace('{revisionId}', f.revisionIds[0]!);
  const head = (f: MessageFixture) => f.revisionIds[1]!;
  /** `setup` steps (paths and bodies) run before the observed call. */
  const one = (
    method: Method,
    p: string,
    json: ((f: MessageFixture) => unknown) | undefined,
    status: number,
    expected: (f: MessageFixture, body: any) => Expected[],
    setup: [string, (f: MessageFixture) => unknown][] = [],
    actor: (f: MessageFixture) => Promise<Actor> = async () => owner,
  ): Scenario => {
    return async () => {
      const f = await messageWithHistory(owner);
      for (const [sp, sj] of setup) {
        const r = await as(owner, sp.startsWith('PUT ') ? 'PUT' : 'POST', path(f, sp.replace(/^PUT /, '')), {
          json: sj(f),
        });
        if (r.status >= 300) throw new Error(`setup ${sp}: ${r.status} ${r.text}`);
      }
      const who = await actor(f);
      const o = await observe(() => as(who, method, path(f, p), json ? { json: json(f) } : {}));
      return { o, status, expected: expected(f, o.reply.body) };
    };
  };
  const version = (type: string) => (f: MessageFixture) => [
    ev(`message_version.${type}`, 'message_version', f.versionId),
  ];
  const submit: [string, (f: MessageFixture) => unknown] = [`${ver}/submit`, (f) => ({ revisionId: head(f) })];
  // Approval needs someone who did not write the revision: a second admin, signed in.
  let approver: Actor | undefined;
  const secondAdmin = async () => {
    if (!approver) {
      const m = await addMember(app.db.adminUrl, owner.orgId, 'admin');
      secrets.add(m.password);
      approver = await signInActor(app.url, m.email, m.password, owner.orgId);
    }
    return approver;
  };
  const approved = async (f: MessageFixture) => {
    const a = await secondAdmin();
    const r = await as(a, 'POST', path(f, `${ver}/approve`), { json: { revisionId: head(f) } });
    if (r.status !== 200) throw new Error(`approve: ${r.status} ${r.text}`);
    return owner;
  };
  const future = () => new Date(Date.now() + 86_400_000).toISOString();
  const AI = { baseUrl: 'http://127.0.0.1:9/v1', model: 'gpt-test', apiKey: 'sk-outbox-provider-key' };
  secrets.add(AI.apiKey);
  return {
    [`POST ${msgs}`]: async () => {
      const c = await campaignWithSpend(owner);
      const o = await observe(() =>
        as(owner, 'POST', `/api/v1/campaigns/${c.campaignId}/messages`, {
          json: { title: 'Outbox', channel: 'email', subject: 'Hi', text: 'Hello' },
        }),
      );
      const m = o.reply.body;
      return {
        o,
        status: 201,
        expected: [
          ev('message.created', 'message', m.id),
          ev('message_revision.saved', 'message_revision', m.versions[0].head.id),
        ],
      };
    },
    [`POST ${msgs}/{messageId}/versions`]: one(
      'POST',
      `${msgs}/{messageId}/versions`,
      () => ({ audience: { kind: 'demographic', key: 'seniors', label: 'Seniors' } }),
      201,
      (_f, body) => [ev('message_version.created', 'message_version', body.id)],
    ),
    [`POST ${ver}/revisions`]: one(
      'POST',
      `${ver}/revisions`,
      (f) => ({ text: 'A third revision', baseRevisionId: head(f) }),
      201,
      (_f, body) => [ev('message_revision.saved', 'message_revision', body.revision.id)],
    ),
    [`POST ${ver}/revisions/{revisionId}/restore`]: one(
      'POST',
      `${ver}/revisions/{revisionId}/restore`,
      (f) => ({ baseRevisionId: head(f) }),
      201,
      (_f, body) => [ev('message_revision.restored', 'message_revision', body.revision.id)],
    ),
    [`POST ${ver}/submit`]: one('POST', `${ver}/submit`, (f) => ({ revisionId: head(f) }), 200, version('submitted')),
    [`POST ${ver}/withdraw`]: one(
      'POST',
      `${ver}/withdraw`,
      (f) => ({ revisionId: head(f) }),
      200,
      version('withdrawn'),
      [submit],
    ),
    [`POST ${ver}/request-changes`]: one(
      'POST',
      `${ver}/request-changes`,
      (f) => ({ revisionId: head(f), comment: 'Shorter, please' }),
      200,
      version('changes_requested'),
      [submit],
    ),
    [`POST ${ver}/approve`]: one(
      'POST',
      `${ver}/approve`,
      (f) => ({ revisionId: head(f) }),
      200,
      version('approved'),
      [submit],
      secondAdmin,
    ),
    [`POST ${ver}/schedule`]: one(
      'POST',
      `${ver}/schedule`,
      (f) => ({ revisionId: head(f), sendAt: future() }),
      200,
      version('scheduled'),
      [submit],
      approved,
    ),
    [`POST ${ver}/unschedule`]: one(
      'POST',
      `${ver}/unschedule`,
      (f) => ({ revisionId: head(f) }),
      200,
      version('unscheduled'),
      [submit],
      async (f) => {
        await approved(f);
        const r = await as(owner, 'POST', path(f, `${ver}/schedule`), {
          json: { revisionId: head(f), sendAt: future() },
        });
        if (r.status !== 200) throw new Error(`schedule: ${r.status} ${r.text}`);
        return owner;
      },
    ),
    [`POST ${ver}/send`]: one(
      'POST',
      `${ver}/send`,
      (f) => ({ revisionId: head(f) }),
      200,
      version('sent'),
      [submit],
      approved,
    ),
    [`POST ${ver}/comments`]: one(
      'POST',
      `${ver}/comments`,
      () => ({ body: 'Looks good' }),
      201,
      (_f, body) => [ev('message_comment.created', 'message_comment', body.id)],
    ),
    // No provider configured: a 409 that says how to set one, and nothing written.
    [`POST ${ver}/draft`]: one(
      'POST',
      `${ver}/draft`,
      () => ({ request: 'Shorter' }),
      409,
      () => [],
    ),
    'PUT /api/v1/campaigns/{campaignId}/messaging-settings': one(
      'PUT',
      '/api/v1/campaigns/{campaignId}/messaging-settings',
      () => ({ disclaimer: 'Paid for by Outbox PAC' }),
      200,
      (f) => [ev('campaign.disclaimer_changed', 'campaign', f.campaignId)],
    ),
    'PUT /api/v1/messaging/settings/banned-terms': one(
      'PUT',
      '/api/v1/messaging/settings/banned-terms',
      () => ({ terms: ['landslide'] }),
      200,
      () => [ev('messaging_settings.banned_terms_changed', 'messaging_settings', owner.orgId)],
    ),
    'PUT /api/v1/messaging/settings/ai-provider': one(
      'PUT',
      '/api/v1/messaging/settings/ai-provider',
      () => AI,
      200,
      () => [ev('messaging_settings.ai_provider_set', 'messaging_settings', owner.orgId)],
    ),
    'DELETE /api/v1/messaging/settings/ai-provider': one(
      'DELETE',
      '/api/v1/messaging/settings/ai-provider',
      undefined,
      200,
      () => [ev('messaging_settings.ai_provider_removed', 'messaging_settings', owner.orgId)],
      [['PUT /api/v1/messaging/settings/ai-provider', () => AI]],
    ),
  };
}

function webhookScenarios(): Record<string, Scenario> {
  const e = '/api/v1/webhooks/endpoints/{endpointId}';
  const ev = (action: string, aggregateType: string, id: string | null): Expected => ({
    type: `platform.${action}`,
    orgId: owner.orgId,
    aggregateType,
    aggregateId: id,
  });
  /** An endpoint and a delivery to it; its secret joins the ones no event may carry. */
  const fixture = async () => {
    const r = await as(owner, 'POST', '/api/v1/webhooks/endpoints', {
      json: { url: 'https://hooks.example.com/outbox', eventTypes: ['campaigns.*'] },
    });
    if (r.status !== 201) throw new Error(`create endpoint: ${r.status} ${r.text}`);
    secrets.add(r.body.secret);
    const ping = await as(owner, 'POST', `/api/v1/webhooks/endpoints/${r.body.id}/test`);
    if (ping.status !== 202) throw new Error(`ping: ${ping.status} ${ping.text}`);
    return { endpointId: r.body.id as string, deliveryId: ping.body.id as string };
  };
  const one =
    (
      method: Method,
      p: string,
      json: unknown,
      status: number,
      expected: (f: { endpointId: string }, body: any) => Expected[],
    ): Scenario =>
    async () => {
      const f = await fixture();
      const path = p.replace('{endpointId}', f.endpointId).replace('{deliveryId}', f.deliveryId);
      const o = await observe(() => as(owner, method, path, json === undefined ? {} : { json }));
      if (typeof o.reply.body?.secret === 'string') secrets.add(o.reply.body.secret);
      return { o, status, expected: expected(f, o.reply.body) };
    };
  const endpoint = 'webhook_endpoint';
  return {
    'POST /api/v1/webhooks/endpoints': async () => {
      const o = await observe(() =>
        as(owner, 'POST', '/api/v1/webhooks/endpoints', {
          json: { url: 'https://hooks.example.com/new', eventTypes: ['*'] },
        }),
      );
      secrets.add(o.reply.body.secret);
      return { o, status: 201, expected: [ev('webhook_endpoint.created', endpoint, o.reply.body.id)] };
    },
    [`PATCH ${e}`]: one('PATCH', e, { enabled: false }, 200, (f) => [
      ev('webhook_endpoint.updated', endpoint, f.endpointId),
    ]),
    [`DELETE ${e}`]: one('DELETE', e, undefined, 204, (f) => [ev('webhook_endpoint.deleted', endpoint, f.endpointId)]),
    [`POST ${e}/rotate-secret`]: one('POST', `${e}/rotate-secret`, {}, 200, (f) => [
      ev('webhook_endpoint.secret_rotated', endpoint, f.endpointId),
    ]),
    [`POST ${e}/test`]: one('POST', `${e}/test`, undefined, 202, (f) => [
      ev('webhook_endpoint.pinged', endpoint, f.endpointId),
    ]),
    [`POST ${e}/replay`]: one(
      'POST',
      `${e}/replay`,
      { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() },
      202,
      (f) => [ev('webhook_endpoint.replayed', endpoint, f.endpointId)],
    ),
    'POST /api/v1/webhooks/deliveries/{deliveryId}/redeliver': one(
      'POST',
      '/api/v1/webhooks/deliveries/{deliveryId}/redeliver',
      undefined,
      202,
      (_f, body) => [ev('webhook_delivery.redelivered', 'webhook_delivery', body.id)],
    ),
  };
}

async function createScenario(name: string): Promise<{ id: string }> {
  const r = await as(owner, 'POST', '/api/v1/forecasts/scenarios', {
    json: { name, cycle: 2020, kind: 'counties', inputs: { nationalDemTwoParty: 0.5 } },
  });
  if (r.status !== 201) throw new Error(`create scenario: ${r.status} ${r.text}`);
  return r.body;
}

const declared = operationsOf(declaredOpenApi());
const changing = declared.filter((op) => op.method !== 'GET');

describe('events and audit entries of every state-changing operation', () => {
  it('has a scenario for every state-changing operation in the OpenAPI document', async () => {
    const served = operationsOf(await fetchOpenApi(app.url));
    expect(served.map(key)).toEqual(declared.map(key));
    const missing = changing.map(key).filter((k) => !SCENARIOS[k]);
    expect(missing, 'state-changing operations without an outbox scenario: add them to SCENARIOS').toEqual([]);
  });

  it.each(changing.map((op) => [key(op)] as const))(
    '%s writes its events with its audit entries, atomically and without secrets',
    async (k) => {
      const scenario = SCENARIOS[k];
      if (!scenario) throw new Error(`no outbox scenario for ${k}`);
      const { o, status, expected } = await scenario();
      await expectEvents(o, status, expected, k);
    },
  );

  it('lists every event type the scenarios produced in the webhook event-type catalogue', () => {
    expect(observedTypes.size).toBeGreaterThan(30);
    const catalogued = new Set(EVENT_CATALOGUE.map((e) => e.type));
    // Every type is module.entity.verb (recordChange refuses anything else), so every one has a bus subject.
    const publishable = [...observedTypes];
    expect(publishable.filter((t) => t.split('.').length !== 3)).toEqual([]);
    expect(publishable.filter((t) => !catalogued.has(t)).sort(), 'add them to webhooks/catalogue.ts').toEqual([]);
  });

  it('re-inviting an address writes two events in one transaction: the old invitation revoked, the new one', async () => {
    const email = uniqueEmail('outbox-reinvite');
    const first = await as(owner, 'POST', '/api/v1/invitations', { json: { email, role: 'staff' } });
    const o = await observe(() => as(owner, 'POST', '/api/v1/invitations', { json: { email, role: 'admin' } }));
    await expectEvents(
      o,
      201,
      [
        {
          type: 'platform.invitation.revoked',
          orgId: owner.orgId,
          aggregateType: 'invitation',
          aggregateId: first.body.id,
        },
        {
          type: 'platform.member.invited',
          orgId: owner.orgId,
          aggregateType: 'invitation',
          aggregateId: o.reply.body.id,
        },
      ],
      're-invite',
    );
    expect(new Set(o.outbox.map((r) => r.tx)).size).toBe(1);
  });

  // Two whole-database snapshots per GET operation: its time grows with the API, hence its own timeout.
  it('writes nothing for any read operation', async () => {
    const member = await addMember(app.db.adminUrl, owner.orgId, 'viewer');
    secrets.add(member.password);
    // The realtime stream stays open: realtime.test.ts checks it writes nothing.
    for (const op of declared.filter((x) => x.method === 'GET' && !x.stream)) {
      const path = op.path.replace(/\{[^}]+\}/g, member.userId);
      const q = op.operationId === 'previewInvitation' ? '?token=' + 'x'.repeat(20) : '';
      const before = await snapshot(admin);
      const r = await as(owner, 'GET', path + q);
      expect(r.status, `${key(op)}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
      expect(diffSnapshots(before, await snapshot(admin)), `${key(op)} wrote`).toEqual([]);
    }
  }, 180_000);
});

describe('a failing change writes neither the change, nor an event, nor an audit entry', () => {
  async function nothingWritten(what: string, status: number, call: () => Promise<Reply>) {
    const before = await snapshot(admin);
    const r = await call();
    expect(r.status, `${what}: ${r.text.slice(0, 300)}`).toBe(status);
    expect(diffSnapshots(before, await snapshot(admin)), `${what} wrote`).toEqual([]);
  }

  it('refuses to remove or demote the last owner (409)', async () => {
    await nothingWritten('remove last owner', 409, () => as(owner, 'DELETE', `/api/v1/members/${owner.userId}`));
    await nothingWritten('demote last owner', 409, () =>
      as(owner, 'PATCH', `/api/v1/members/${owner.userId}`, { json: { role: 'admin' } }),
    );
  });

  it('refuses what the role does not allow (403)', async () => {
    const viewer = await addMember(app.db.adminUrl, owner.orgId, 'viewer');
    const v = await signInActor(app.url, viewer.email, viewer.password, owner.orgId);
    remember(v);
    await nothingWritten('viewer renames org', 403, () => as(v, 'PATCH', '/api/v1/org', { json: { name: 'nope' } }));
    await nothingWritten('viewer invites', 403, () =>
      as(v, 'POST', '/api/v1/invitations', { json: { email: uniqueEmail('x'), role: 'admin' } }),
    );
    await nothingWritten('viewer promotes self', 403, () =>
      as(v, 'PATCH', `/api/v1/members/${viewer.userId}`, { json: { role: 'owner' } }),
    );
  });

  it('refuses conflicting and invalid changes (409, 400)', async () => {
    await nothingWritten('invite a member', 409, () =>
      as(owner, 'POST', '/api/v1/invitations', { json: { email: owner.email, role: 'staff' } }),
    );
    await nothingWritten('ungrantable scope', 400, () =>
      as(owner, 'POST', '/api/v1/tokens', { json: { name: 't', scopes: ['token.create'] } }),
    );
    await nothingWritten('invalid body', 400, () => as(owner, 'PATCH', '/api/v1/org', { json: { name: '' } }));
  });

  describe('when a write fails inside the transaction (injected with a trigger)', () => {
    async function withFailingTrigger(table: 'outbox' | 'audit_log', fn: () => Promise<void>) {
      await admin.query(`CREATE FUNCTION test_explode() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'injected failure'; END $$`);
      await admin.query(
        `CREATE TRIGGER test_explode BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION test_explode()`,
      );
      try {
        await fn();
      } finally {
        await admin.query(`DROP TRIGGER test_explode ON ${table}`);
        await admin.query(`DROP FUNCTION test_explode()`);
      }
    }

    it.each(['outbox', 'audit_log'] as const)(
      'a failed %s insert rolls back the change and the other write',
      async (table) => {
        const name = `must not stick ${table}`;
        await withFailingTrigger(table, async () => {
          await nothingWritten(`rename with failing ${table}`, 500, () =>
            as(owner, 'PATCH', '/api/v1/org', { json: { name } }),
          );
          const m = await admin.query(`SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2`, [
            owner.orgId,
            owner.userId,
          ]);
          expect(m.rows[0].role).toBe('owner');
        });
        const org = await admin.query('SELECT name FROM organizations WHERE id = $1', [owner.orgId]);
        expect(org.rows[0].name).not.toBe(name);
        // And once the failure is gone the same change goes through, with its event.
        const o = await observe(() => as(owner, 'PATCH', '/api/v1/org', { json: { name } }));
        await expectEvents(
          o,
          200,
          [{ type: 'platform.org.updated', orgId: owner.orgId, aggregateType: 'org', aggregateId: owner.orgId }],
          'rename',
        );
      },
    );
  });
});

/**
 * Outbox + audit atomicity. Every state-changing API call writes its outbox events and its audit entries in the
 * same transaction as the change: one event per audit entry, `platform.<action>`, the right org and aggregate,
 * the same occurred_at, the same transaction id (xmin), and no secrets anywhere. A failing change writes
 * neither; a failure injected into either write rolls the change back.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { CAMPAIGN, campaignWithSpend, created } from './support/campaigns.js';
import { addMember } from './support/cli.js';
import { messageWithHistory, type MessageFixture } from './support/messages.js';
import { syntheticCsv, votersOf } from './support/voters.js';
import { connect, diffSnapshots, snapshot } from './support/db.js';
import { as, send, signInActor, signUpActor, uniqueEmail, type Actor, type Reply } from './support/http.js';
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
    UNION ALL SELECT encode(token_hash, 'base64') FROM api_tokens`);
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
  }
}

type Scenario = () => Promise<{ o: Observed; status: number; expected: Expected[] }>;

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
};

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
      ev('voters.import.created', 'voter_import', b.id),
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
      return { o, status: 200, expected: [ev('voters.import.completed', 'voter_import', id)] };
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
      (f) => [ev('voters.contact.recorded', 'voter', f.voterId)],
    ),
    [`POST ${c}/segments`]: one('POST', `${c}/segments`, { name: 'Outbox', filter }, 201, (_f, b) => [
      ev('voters.segment.created', 'voter_segment', b.id),
    ]),
    [`PATCH ${c}/segments/{segmentId}`]: one(
      'PATCH',
      `${c}/segments/{segmentId}`,
      { version: 1, name: 'Renamed' },
      200,
      (f) => [ev('voters.segment.updated', 'voter_segment', f.segmentId)],
    ),
    [`DELETE ${c}/segments/{segmentId}`]: one('DELETE', `${c}/segments/{segmentId}`, undefined, 204, (f) => [
      ev('voters.segment.deleted', 'voter_segment', f.segmentId),
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

  it('writes nothing for any read operation', async () => {
    const member = await addMember(app.db.adminUrl, owner.orgId, 'viewer');
    secrets.add(member.password);
    for (const op of declared.filter((x) => x.method === 'GET')) {
      const path = op.path.replace(/\{[^}]+\}/g, member.userId);
      const q = op.operationId === 'previewInvitation' ? '?token=' + 'x'.repeat(20) : '';
      const before = await snapshot(admin);
      const r = await as(owner, 'GET', path + q);
      expect(r.status, `${key(op)}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
      expect(diffSnapshots(before, await snapshot(admin)), `${key(op)} wrote`).toEqual([]);
    }
  });
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

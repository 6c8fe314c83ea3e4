/**
 * /api/v1/campaigns/{id}/messages and /api/v1/messaging/settings over HTTP: messages with base and audience versions,
 * revisions checked on save (SMS segments, disclaimer, merge fields, banned terms), history, diff, restore and
 * branching, the review workflow by campaign role (no self-approval), comments, the organization's settings with a
 * key that never comes back, AI drafting against a real local chat-completions server, and the audit entries and
 * outbox events of every change.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApp, type TestApp } from '../../../test/helpers.js';
import { connect, diffSnapshots, snapshot } from './support/db.js';
import { addMember } from './support/features.js';

let app: TestApp;
let admin: pg.Client;
let owner: Awaited<ReturnType<typeof signUp>>;
/** The campaign's manager (an org manager who created it), and team members by campaign role (org staff). */
let manager: Awaited<ReturnType<typeof addMember>>;
let comms: Awaited<ReturnType<typeof addMember>>;
let field: Awaited<ReturnType<typeof addMember>>;
let analyst: Awaited<ReturnType<typeof addMember>>;
let offTeam: Awaited<ReturnType<typeof addMember>>;
let viewerOnTeam: Awaited<ReturnType<typeof addMember>>;
let campaignId: string;
let base: string;

async function ok<T = any>(p: Promise<{ status: number; text: string; body: T }>, status = 200): Promise<T> {
  const r = await p;
  expect(r.status, r.text.slice(0, 400)).toBe(status);
  return r.body;
}

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
  owner = await signUp(app, 'messaging-owner');
  manager = await addMember(app, owner.client, 'manager');
  comms = await addMember(app, owner.client, 'staff');
  field = await addMember(app, owner.client, 'staff');
  analyst = await addMember(app, owner.client, 'staff');
  offTeam = await addMember(app, owner.client, 'staff');
  viewerOnTeam = await addMember(app, owner.client, 'viewer');
  const c = await ok(
    manager.client.post('/api/v1/campaigns', {
      name: 'Messaging 2028',
      type: 'senate',
      jurisdiction: { kind: 'state', state: 'PA' },
      electionDate: '2028-11-07',
    }),
    201,
  );
  campaignId = c.id;
  base = `/api/v1/campaigns/${campaignId}/messages`;
  for (const [m, role] of [
    [comms, 'communications'],
    [field, 'field'],
    [analyst, 'analyst'],
    [viewerOnTeam, 'manager'],
  ] as const) {
    await ok(manager.client.post(`/api/v1/campaigns/${campaignId}/team`, { userId: m.userId, role }), 201);
  }
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

async function newMessage(client: Client, body: Record<string, unknown> = {}) {
  return ok(client.post(base, { title: 'Saturday canvass', channel: 'sms', text: 'Join us Saturday!', ...body }), 201);
}
const vurl = (m: { id: string }, versionId: string) => `${base}/${m.id}/versions/${versionId}`;
const save = (client: Client, url: string, text: string, baseRevisionId: string | null, extra = {}) =>
  client.post(`${url}/revisions`, { text, baseRevisionId, ...extra });

describe('messages, versions and revisions', () => {
  it('creates a message with its base version and a first revision checked on save', async () => {
    const m = await newMessage(comms.client, { text: 'Hi {{first_name|friend}}, vote early at {{polling_place}} 😀' });
    expect(m).toMatchObject({ title: 'Saturday canvass', channel: 'sms', status: 'draft', versionCount: 1 });
    expect(m.versions).toHaveLength(1);
    const v = m.versions[0];
    expect(v.audience).toEqual({ kind: 'base', key: 'base', label: 'Everyone', description: null });
    expect(v.head).toMatchObject({ number: 1, authorId: comms.userId, restoredFrom: null });
    expect(v.head.checks.metrics.sms).toMatchObject({ encoding: 'UCS-2' });
    expect(v.head.checks.issues.map((i: { check: string }) => i.check)).toContain('sms_encoding');
    expect(v.events).toEqual(['submit']);
    expect(m.rules).toEqual({ disclaimer: null, bannedTerms: [], mergeFields: expect.arrayContaining(['first_name']) });
    expect(m.permissions).toEqual({
      write: true,
      comment: true,
      approve: true,
      schedule: false,
      workflowRole: 'approver',
    });
    expect(m.aiConfigured).toBe(false);
    expect(m.aiSetup).toMatch(/Settings → AI provider/);
  });

  it('checks the campaign’s disclaimer on ads, the org’s banned terms and unknown merge fields', async () => {
    await ok(
      owner.client.put('/api/v1/messaging/settings/banned-terms', { terms: ['guarantee', 'Guarantee', 'rigged'] }),
    );
    await ok(
      manager.client.put(`/api/v1/campaigns/${campaignId}/messaging-settings`, {
        disclaimer: 'Paid for by Friends of Jane Doe',
      }),
    );
    const m = await newMessage(comms.client, {
      channel: 'ad',
      text: 'We guarantee lower costs, {{nickname}}.',
    });
    const issues = m.versions[0].head.checks.issues as { check: string; severity: string; start?: number }[];
    expect(
      issues
        .filter((i) => i.severity === 'error')
        .map((i) => i.check)
        .sort(),
    ).toEqual(['banned_terms', 'disclaimer', 'merge_fields']);
    expect(issues.find((i) => i.check === 'banned_terms')?.start).toBe(3);
    expect(m.rules).toMatchObject({
      disclaimer: 'Paid for by Friends of Jane Doe',
      bannedTerms: ['guarantee', 'rigged'],
    });
    const fixed = await ok(
      save(
        comms.client,
        vurl(m, m.versions[0].id),
        'Lower costs, {{first_name|friend}}. Paid for by Friends of Jane Doe',
        m.versions[0].head.id,
      ),
      201,
    );
    expect(fixed.revision.checks.issues.filter((i: { severity: string }) => i.severity === 'error')).toEqual([]);
    expect(fixed.revision.checks.metrics.disclaimer).toBe('present');
    await ok(owner.client.put('/api/v1/messaging/settings/banned-terms', { terms: [] }));
    await ok(manager.client.put(`/api/v1/campaigns/${campaignId}/messaging-settings`, { disclaimer: null }));
  });

  it('keeps every edit as a revision: history, diff between any two, restore, and stale edits refused', async () => {
    const m = await newMessage(field.client, { text: 'the quick brown fox' });
    const url = vurl(m, m.versions[0].id);
    const r1 = m.versions[0].head;
    const r2 = (await ok(save(field.client, url, 'the slow brown fox', r1.id), 201)).revision;
    const r3 = (await ok(save(comms.client, url, 'a slow red fox jumps', r2.id), 201)).revision;
    expect([r2.number, r3.number, r3.authorId]).toEqual([2, 3, comms.userId]);

    const before = await snapshot(admin);
    const stale = await save(field.client, url, 'lost update', r2.id);
    expect(stale.status).toBe(409);
    expect(stale.body.detail).toMatch(/revision 3/);
    // Only email versions have a subject.
    expect((await save(field.client, url, 'x', r3.id, { subject: 'Hi' })).status).toBe(400);
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
    // The same text again writes nothing.
    expect((await ok(save(field.client, url, 'a slow red fox jumps', r3.id), 201)).revision.id).toBe(r3.id);

    const history = await ok(field.client.get(`${url}/revisions?limit=2`));
    expect(history.items.map((r: { number: number }) => r.number)).toEqual([3, 2]);
    const rest = await ok(field.client.get(`${url}/revisions?cursor=${encodeURIComponent(history.nextCursor)}`));
    expect(rest.items.map((r: { number: number }) => r.number)).toEqual([1]);

    const diff = await ok(field.client.get(`${url}/diff?from=${r1.id}&to=${r3.id}`));
    expect(diff.ops).toEqual([
      { op: 'delete', text: 'the quick brown' },
      { op: 'insert', text: 'a slow red' },
      { op: 'equal', text: ' fox' },
      { op: 'insert', text: ' jumps' },
    ]);
    expect(
      diff.ops
        .filter((o: { op: string }) => o.op !== 'insert')
        .map((o: { text: string }) => o.text)
        .join(''),
    ).toBe(r1.text);

    const restored = await ok(field.client.post(`${url}/revisions/${r1.id}/restore`, { baseRevisionId: r3.id }), 201);
    expect(restored.revision).toMatchObject({ number: 4, text: 'the quick brown fox', restoredFrom: r1.id });
    expect(restored.version.head.id).toBe(restored.revision.id);
    // A revision of another version is not this version's.
    const other = await newMessage(field.client);
    const foreign = other.versions[0].head.id;
    expect((await field.client.get(`${url}/diff?from=${r1.id}&to=${foreign}`)).status).toBe(404);
    expect((await field.client.post(`${url}/revisions/${foreign}/restore`, { baseRevisionId: r3.id })).status).toBe(
      404,
    );
  });

  it('adds audience versions, branched from another version, one per audience', async () => {
    const m = await newMessage(comms.client, {
      channel: 'email',
      subject: 'Vote early',
      text: 'Dear voter, vote early.',
    });
    const region = await ok(
      comms.client.post(`${base}/${m.id}/versions`, {
        audience: { kind: 'american_nations_region', key: 'greater_appalachia', description: 'Rural, skeptical' },
        branchedFrom: m.versions[0].id,
      }),
      201,
    );
    expect(region).toMatchObject({
      audience: { kind: 'american_nations_region', key: 'greater_appalachia', label: 'Greater Appalachia' },
      channel: 'email',
      branchedFrom: m.versions[0].id,
      status: 'draft',
    });
    expect(region.head).toMatchObject({ number: 1, text: 'Dear voter, vote early.', subject: 'Vote early' });
    const sms = await ok(
      comms.client.post(`${base}/${m.id}/versions`, {
        audience: { kind: 'demographic', key: 'age-18-29', label: 'Voters 18–29' },
        channel: 'sms',
      }),
      201,
    );
    expect(sms).toMatchObject({ channel: 'sms', head: null, branchedFrom: null, events: [] });

    const other = await newMessage(comms.client);
    const before = await snapshot(admin);
    const again = await comms.client.post(`${base}/${m.id}/versions`, {
      audience: { kind: 'american_nations_region', key: 'greater_appalachia' },
    });
    expect(again.status).toBe(409);
    const unknown = await comms.client.post(`${base}/${m.id}/versions`, {
      audience: { kind: 'american_nations_region', key: 'atlantis' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.audience.key']);
    const noLabel = await comms.client.post(`${base}/${m.id}/versions`, { audience: { kind: 'segment', key: 'x' } });
    expect(noLabel.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.audience.label']);
    const foreign = await comms.client.post(`${base}/${m.id}/versions`, {
      audience: { kind: 'segment', key: 'persuadables', label: 'Persuadables' },
      branchedFrom: other.versions[0].id,
    });
    expect(foreign.status).toBe(404);
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);

    const d = await ok(comms.client.get(`${base}/${m.id}`));
    expect(d.versions.map((v: { audience: { key: string } }) => v.audience.key)).toEqual([
      'base',
      'greater_appalachia',
      'age-18-29',
    ]);
    const list = await ok(comms.client.get(`${base}?channel=email`));
    expect(list.items.map((x: { id: string }) => x.id)).toContain(m.id);
    expect(list.items.find((x: { id: string }) => x.id === m.id).versionCount).toBe(3);
  });
});

describe('the workflow', () => {
  it('goes draft → in review → approved → scheduled → sent, approved by someone who did not write it', async () => {
    const m = await newMessage(field.client, { text: 'Doors this Saturday at 10.' });
    const url = vurl(m, m.versions[0].id);
    const head = m.versions[0].head.id;
    const step = (cl: Client, s: string, body: Record<string, unknown> = {}) =>
      cl.post(`${url}/${s}`, { revisionId: head, ...body });

    expect((await step(comms.client, 'approve')).status).toBe(409); // not in review yet
    expect((await ok(step(field.client, 'submit'))).status).toBe('in_review');
    // The field organizer wrote it and may not approve anyway; communications wrote nothing and may.
    expect((await step(field.client, 'approve')).status).toBe(403);
    const reviewing = await ok(comms.client.get(`${base}/${m.id}`));
    expect(reviewing.versions[0].events).toEqual(['withdraw', 'request_changes', 'approve']);
    expect((await step(comms.client, 'request-changes')).status).toBe(400); // a comment is required
    const approved = await ok(step(comms.client, 'approve', { comment: 'Good to go' }));
    expect(approved).toMatchObject({ status: 'approved', approvedRevisionId: head });

    expect((await step(comms.client, 'schedule', { sendAt: '2030-01-01T10:00:00Z' })).status).toBe(403);
    const past = await step(manager.client, 'schedule', { sendAt: '2020-01-01T10:00:00Z' });
    expect(past.status).toBe(400);
    expect(past.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.sendAt']);
    const scheduled = await ok(step(manager.client, 'schedule', { sendAt: '2030-01-01T10:00:00Z' }));
    expect(scheduled).toMatchObject({ status: 'scheduled', sendAt: '2030-01-01T10:00:00.000Z' });

    // Only a manager edits a scheduled version: it goes back to draft, its approval and send cancelled.
    expect((await save(comms.client, url, 'Doors Saturday at 11.', head)).status).toBe(403);
    const edited = await ok(save(manager.client, url, 'Doors Saturday at 11.', head), 201);
    expect(edited.version).toMatchObject({ status: 'draft', approvedRevisionId: null, sendAt: null });
    const h2 = edited.revision.id;
    await ok(manager.client.post(`${url}/submit`, { revisionId: h2 }));
    // The manager wrote revision 2: field (an editor) cannot approve, communications can.
    expect((await manager.client.post(`${url}/approve`, { revisionId: h2 })).status).toBe(403);
    await ok(comms.client.post(`${url}/approve`, { revisionId: h2 }));
    const sent = await ok(manager.client.post(`${url}/send`, { revisionId: h2 }));
    expect(sent).toMatchObject({ status: 'sent', events: [] });
    expect(sent.sentAt).toEqual(expect.any(String));
    const frozen = await save(manager.client, url, 'too late', h2);
    expect(frozen.status).toBe(409);
    expect(frozen.body.detail).toMatch(/branch a new version/);

    const activity = await ok(field.client.get(`${url}/comments`));
    expect(activity.approvals.map((a: { decision: string; approverId: string }) => [a.decision, a.approverId])).toEqual(
      [
        ['approved', comms.userId],
        ['approved', comms.userId],
      ],
    );
    expect(activity.comments.map((c: { body: string; event: string }) => [c.body, c.event])).toEqual([
      ['Good to go', 'approve'],
    ]);
    expect((await ok(field.client.get(`${base}/${m.id}`))).status).toBe('sent');
  });

  it('refuses a step on a revision that is no longer the latest, and records changes requested', async () => {
    const m = await newMessage(comms.client);
    const url = vurl(m, m.versions[0].id);
    const r1 = m.versions[0].head.id;
    const r2 = (await ok(save(comms.client, url, 'Join us Sunday!', r1), 201)).revision.id;
    expect((await comms.client.post(`${url}/submit`, { revisionId: r1 })).status).toBe(409);
    await ok(comms.client.post(`${url}/submit`, { revisionId: r2 }));
    const back = await ok(manager.client.post(`${url}/request-changes`, { revisionId: r2, comment: 'Which Sunday?' }));
    expect(back.status).toBe('draft');
    const activity = await ok(comms.client.get(`${url}/comments`));
    expect(activity.approvals).toEqual([
      expect.objectContaining({ decision: 'changes_requested', note: 'Which Sunday?', approverId: manager.userId }),
    ]);
    const comment = await ok(analyst.client.post(`${url}/comments`, { body: 'Add the address', revisionId: r2 }), 201);
    expect(comment).toMatchObject({ authorId: analyst.userId, revisionId: r2, event: null });
    expect((await ok(comms.client.get(`${url}/comments`))).comments).toHaveLength(2);
  });

  it('lets each campaign role do what it may', async () => {
    const m = await newMessage(manager.client);
    const url = vurl(m, m.versions[0].id);
    const head = m.versions[0].head.id;
    const tries = (cl: Client) => ({
      read: () => cl.get(`${base}/${m.id}`),
      history: () => cl.get(`${url}/revisions`),
      create: () => cl.post(base, { title: 't', channel: 'sms' }),
      save: () => save(cl, url, 'x', '00000000-0000-4000-8000-000000000000'),
      comment: () => cl.post(`${url}/comments`, { body: 'hi' }),
      approve: () => cl.post(`${url}/approve`, { revisionId: '00000000-0000-4000-8000-000000000000' }),
      schedule: () => cl.post(`${url}/schedule`, { revisionId: '00000000-0000-4000-8000-000000000000' }),
    });
    // 409: allowed, and stopped only by the stale revision (or a message that is not in review).
    const expected: [Client, string, Record<keyof ReturnType<typeof tries>, number>][] = [
      [
        comms.client,
        'communications',
        { read: 200, history: 200, create: 201, save: 409, comment: 201, approve: 409, schedule: 403 },
      ],
      [
        field.client,
        'field',
        { read: 200, history: 200, create: 201, save: 409, comment: 201, approve: 403, schedule: 403 },
      ],
      [
        analyst.client,
        'analyst',
        { read: 200, history: 200, create: 403, save: 403, comment: 201, approve: 403, schedule: 403 },
      ],
      [
        viewerOnTeam.client,
        'viewer as manager',
        { read: 200, history: 200, create: 403, save: 403, comment: 403, approve: 403, schedule: 403 },
      ],
      [
        offTeam.client,
        'not on the team',
        { read: 404, history: 404, create: 404, save: 404, comment: 404, approve: 404, schedule: 404 },
      ],
      [
        manager.client,
        'manager',
        { read: 200, history: 200, create: 201, save: 409, comment: 201, approve: 409, schedule: 409 },
      ],
      [
        owner.client,
        'org owner',
        { read: 200, history: 200, create: 201, save: 409, comment: 201, approve: 409, schedule: 409 },
      ],
    ];
    for (const [cl, who, want] of expected) {
      const t = tries(cl);
      for (const [what, status] of Object.entries(want)) {
        const r = await t[what as keyof typeof t]();
        expect(r.status, `${who}: ${what}: ${r.text.slice(0, 200)}`).toBe(status);
      }
    }
    expect(head).toBeTruthy();
    const asAnalyst = await ok(analyst.client.get(`${base}/${m.id}`));
    expect(asAnalyst.permissions).toEqual({
      write: false,
      comment: true,
      approve: false,
      schedule: false,
      workflowRole: null,
    });
    expect(asAnalyst.versions[0].events).toEqual([]);
  });
});

describe('settings', () => {
  it('are for admins; the AI key is sealed at rest and never returned, only its last four characters', async () => {
    expect((await manager.client.get('/api/v1/messaging/settings')).status).toBe(403);
    expect((await manager.client.put('/api/v1/messaging/settings/banned-terms', { terms: ['x'] })).status).toBe(403);
    const noKey = await owner.client.put('/api/v1/messaging/settings/ai-provider', {
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'gpt-test',
    });
    expect(noKey.status).toBe(400);
    expect(noKey.body.errors.map((e: { field: string }) => e.field)).toEqual(['body.apiKey']);
    const set = await ok(
      owner.client.put('/api/v1/messaging/settings/ai-provider', {
        baseUrl: 'http://127.0.0.1:9/v1/',
        model: 'gpt-test',
        apiKey: 'sk-secret-key-9876',
      }),
    );
    expect(set.aiProvider).toEqual({
      configured: true,
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'gpt-test',
      keyLast4: '9876',
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(await ok(owner.client.get('/api/v1/messaging/settings')))).not.toContain('sk-secret');
    const stored = await admin.query('SELECT ai_sealed_key FROM messaging_settings WHERE org_id = $1', [owner.orgId]);
    expect(stored.rows[0].ai_sealed_key).not.toContain('sk-secret');
    const kept = await ok(
      owner.client.put('/api/v1/messaging/settings/ai-provider', { baseUrl: 'http://127.0.0.1:9/v1', model: 'gpt-2' }),
    );
    expect(kept.aiProvider).toMatchObject({ model: 'gpt-2', keyLast4: '9876' });
    const audit = await admin.query(
      `SELECT payload FROM outbox WHERE org_id = $1 AND type LIKE 'campaigns.messaging_settings.%'`,
      [owner.orgId],
    );
    expect(JSON.stringify(audit.rows)).not.toContain('sk-secret');
    expect((await ok(owner.client.delete('/api/v1/messaging/settings/ai-provider'))).aiProvider).toBeNull();
  });
});

describe('AI drafting', () => {
  const requests: { auth: string | undefined; body: any }[] = [];
  /** The app role's connections idle inside a transaction while the provider was answering. */
  const heldDuringCall: number[] = [];
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      let raw = '';
      for await (const piece of req) raw += piece;
      const body = JSON.parse(raw);
      requests.push({ auth: req.headers.authorization, body });
      const json = (status: number, b: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(b));
      };
      if (req.url !== '/v1/chat/completions')
        return json(404, { error: { message: 'Not found', type: 'invalid_request_error' } });
      if (req.headers.authorization !== 'Bearer sk-local-key-1234') {
        return json(401, {
          error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' },
        });
      }
      const held = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND usename = 'akashic_app' AND state LIKE 'idle in transaction%'`,
      );
      heldDuringCall.push(held.rows[0]!.n);
      json(200, {
        id: 'chatcmpl-1',
        object: 'chat.completion',
        created: 1_760_000_000,
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: '  Hi {{first_name|friend}}, we guarantee a ride to the polls!  ' },
            finish_reason: 'stop',
          },
        ],
        usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('says how to configure a provider when there is none', async () => {
    const m = await newMessage(comms.client);
    const r = await comms.client.post(`${vurl(m, m.versions[0].id)}/draft`, { request: 'A reminder for Saturday' });
    expect(r.status).toBe(409);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body.detail).toMatch(/No AI provider is configured.*Settings → AI provider/);
  });

  it('drafts through the org’s provider with the campaign and audience in the prompt, and saves nothing', async () => {
    await ok(owner.client.put('/api/v1/messaging/settings/banned-terms', { terms: ['guarantee'] }));
    await ok(
      owner.client.put('/api/v1/messaging/settings/ai-provider', {
        baseUrl: url,
        model: 'local-model',
        apiKey: 'sk-local-key-1234',
      }),
    );
    const m = await newMessage(comms.client);
    const v = await ok(
      comms.client.post(`${base}/${m.id}/versions`, {
        audience: { kind: 'american_nations_region', key: 'midlands', description: 'Suburban, moderate' },
        channel: 'sms',
      }),
      201,
    );
    const before = await snapshot(admin);
    const s = await ok(comms.client.post(`${vurl(m, v.id)}/draft`, { request: 'A reminder to vote early' }));
    expect(s.text).toBe('Hi {{first_name|friend}}, we guarantee a ride to the polls!');
    expect(s.model).toBe('local-model');
    // The provider was called after the request's transaction committed: no connection waited on it.
    expect(heldDuringCall.at(-1)).toBe(0);
    expect(s.checks.issues.map((i: { check: string }) => i.check)).toContain('banned_terms');
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
    const sent = requests.at(-1)!;
    expect(sent.auth).toBe('Bearer sk-local-key-1234');
    expect(sent.body.model).toBe('local-model');
    const system = sent.body.messages[0].content as string;
    expect(system).toMatch(/Messaging 2028/);
    expect(system).toMatch(/The Midlands/);
    expect(system).toMatch(/Suburban, moderate/);
    expect(system).toMatch(/"guarantee"/);
    expect(sent.body.messages[1].content).toMatch(/A reminder to vote early/);
    // The member without write rights may not draft.
    expect((await analyst.client.post(`${vurl(m, v.id)}/draft`, { request: 'x' })).status).toBe(403);
  });

  it('answers a rejected key with a 409 that points at the settings', async () => {
    await ok(
      owner.client.put('/api/v1/messaging/settings/ai-provider', {
        baseUrl: url,
        model: 'local-model',
        apiKey: 'sk-wrong-key-0000',
      }),
    );
    const m = await newMessage(comms.client);
    const r = await comms.client.post(`${vurl(m, m.versions[0].id)}/draft`, { request: 'x' });
    expect(r.status).toBe(409);
    expect(r.body.detail).toMatch(/rejected the API key.*AI provider settings/);
    await ok(owner.client.delete('/api/v1/messaging/settings/ai-provider'));
    await ok(owner.client.put('/api/v1/messaging/settings/banned-terms', { terms: [] }));
  });
});

describe('other organizations and history', () => {
  it('answers 404 for another org’s messages, and keeps revisions and approvals append-only', async () => {
    const other = await signUp(app, 'messaging-other');
    const c = await ok(
      other.client.post('/api/v1/campaigns', {
        name: 'Theirs',
        type: 'house',
        jurisdiction: { kind: 'state', state: 'PA' },
        electionDate: '2028-11-07',
      }),
      201,
    );
    const theirs = await ok(
      other.client.post(`/api/v1/campaigns/${c.id}/messages`, { title: 't', channel: 'sms', text: 'x' }),
      201,
    );
    const v = theirs.versions[0];
    const before = await snapshot(admin);
    const mine = await newMessage(owner.client);
    const snap = await snapshot(admin);
    for (const r of await Promise.all([
      owner.client.get(`/api/v1/campaigns/${c.id}/messages/${theirs.id}`),
      owner.client.get(`${base}/${theirs.id}`),
      owner.client.post(`${vurl(theirs, v.id)}/revisions`, { text: 'y', baseRevisionId: v.head.id }),
      owner.client.post(`${vurl(mine, v.id)}/revisions`, { text: 'y', baseRevisionId: v.head.id }),
      owner.client.get(`${vurl(mine, mine.versions[0].id)}/diff?from=${v.head.id}&to=${mine.versions[0].head.id}`),
      owner.client.post(`${base}/${mine.id}/versions`, {
        audience: { kind: 'segment', key: 's', label: 'S' },
        branchedFrom: v.id,
      }),
    ])) {
      expect(r.status, r.text).toBe(404);
    }
    expect(diffSnapshots(snap, await snapshot(admin))).toEqual([]);
    expect(before).toBeTruthy();
    const appClient = await connect(app.db.appUrl);
    try {
      for (const sql of ['UPDATE message_revisions SET text = $1', 'DELETE FROM message_approvals WHERE note = $1']) {
        await expect(appClient.query(sql, ['forged'])).rejects.toThrow(/permission denied/);
      }
    } finally {
      await appClient.end();
    }
  });
});

describe('audit and outbox', () => {
  it('records every change as an audit entry and a campaigns.* event', async () => {
    const m = await newMessage(comms.client, { text: 'one' });
    const url = vurl(m, m.versions[0].id);
    const r2 = (await ok(save(comms.client, url, 'two', m.versions[0].head.id), 201)).revision;
    const v = await ok(
      comms.client.post(`${base}/${m.id}/versions`, { audience: { kind: 'segment', key: 'seg', label: 'Seg' } }),
      201,
    );
    await ok(comms.client.post(`${url}/submit`, { revisionId: r2.id }));
    await ok(manager.client.post(`${url}/approve`, { revisionId: r2.id }));
    const c = await ok(field.client.post(`${url}/comments`, { body: 'Nice' }), 201);
    const ids = [m.id, m.versions[0].id, m.versions[0].head.id, r2.id, v.id, c.id];
    const audit = await admin.query(
      `SELECT action, target_type FROM audit_log WHERE target_id = ANY($1::text[]) ORDER BY seq`,
      [ids],
    );
    expect(audit.rows.map((r) => `${r.action} ${r.target_type}`)).toEqual([
      'message.created message',
      'message_revision.saved message_revision',
      'message_revision.saved message_revision',
      'message_version.created message_version',
      'message_version.submitted message_version',
      'message_version.approved message_version',
      'message_comment.created message_comment',
    ]);
    const events = await admin.query(
      `SELECT type, payload FROM outbox WHERE aggregate_id = ANY($1::text[]) ORDER BY position`,
      [ids],
    );
    expect(events.rows.map((r) => r.type)).toEqual(audit.rows.map((r) => `campaigns.${r.action}`));
    expect(events.rows[5].payload.after).toMatchObject({ status: 'approved', approvedRevisionId: r2.id });
  });
});

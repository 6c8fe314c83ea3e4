import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApp, type TestApp } from '../../../test/helpers.js';
import { addMember, adminQuery } from './support/features.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

/** Follow `nextCursor` to the end; returns every page. */
async function allPages(client: Client, query: string): Promise<any[][]> {
  const pages: any[][] = [];
  let cursor: string | null = null;
  do {
    const r: any = await client.get(`/api/v1/audit?${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(r.status, r.text).toBe(200);
    pages.push(r.body.items);
    cursor = r.body.nextCursor;
    if (pages.length > 50) throw new Error('pagination does not end');
  } while (cursor);
  return pages;
}

async function renameTimes(client: Client, n: number) {
  for (let i = 0; i < n; i++) expect((await client.patch('/api/v1/org', { name: `Name ${i}` })).status).toBe(200);
}

describe('reading the audit log', () => {
  it('returns the org’s entries newest first, with the chain fields', async () => {
    const owner = await signUp(app, 'owner');
    await renameTimes(owner.client, 1);
    const r = await owner.client.get('/api/v1/audit');
    expect(r.status).toBe(200);
    expect(r.body.nextCursor).toBeNull();
    expect(r.body.items.map((e: any) => [e.seq, e.action])).toEqual([
      [3, 'org.updated'],
      [2, 'member.added'],
      [1, 'org.created'],
    ]);
    const e = r.body.items[0];
    expect(e).toEqual({
      seq: 3,
      id: expect.any(String),
      occurredAt: expect.stringMatching(/Z$/),
      actor: { type: 'user', id: owner.userId, label: owner.email },
      action: 'org.updated',
      target: { type: 'org', id: owner.orgId },
      beforeDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      afterDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      requestId: expect.any(String),
      ip: '127.0.0.1',
      metadata: {},
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const stored = await adminQuery(
      app,
      'SELECT encode(hash, $3) AS hash FROM audit_log WHERE org_id = $1 AND seq = $2',
      [owner.orgId, 3, 'hex'],
    );
    expect(e.hash).toBe(stored[0].hash);
  });

  it('pages with an opaque cursor: every entry exactly once, in order, nextCursor null on the last page', async () => {
    const owner = await signUp(app, 'owner');
    await renameTimes(owner.client, 9); // 11 entries in all
    const pages = await allPages(owner.client, 'limit=3');
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 2]);
    expect(pages.flat().map((e) => e.seq)).toEqual([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const first = await owner.client.get('/api/v1/audit?limit=3');
    expect(first.body.nextCursor).not.toMatch(/^\d+$/);
    // An exactly full last page still ends with a null cursor.
    const exact = await allPages(owner.client, 'limit=11');
    expect(exact.map((p) => p.length)).toEqual([11]);
  });

  it('filters by actor, action, target and time, combined with paging', async () => {
    const owner = await signUp(app, 'owner');
    const admin = await addMember(app, owner.client, 'admin'); // member.invited (owner), member.joined (admin)
    await renameTimes(admin.client, 4);
    await renameTimes(owner.client, 1);

    const byAdmin = (await allPages(owner.client, `actorId=${admin.userId}&limit=2`)).flat();
    expect(byAdmin.map((e) => e.action)).toEqual([
      'org.updated',
      'org.updated',
      'org.updated',
      'org.updated',
      'member.joined',
    ]);
    expect(byAdmin.every((e) => e.actor.id === admin.userId)).toBe(true);

    const renames = (await allPages(owner.client, 'action=org.updated&limit=2')).flat();
    expect(renames).toHaveLength(5);
    expect(renames.map((e) => e.seq)).toEqual([...renames.map((e) => e.seq)].sort((a, b) => b - a));

    const member = await owner.client.get(`/api/v1/audit?targetType=member&targetId=${admin.userId}`);
    expect(member.body.items.map((e: any) => e.action)).toEqual(['member.joined']);
    const orgTargets = await owner.client.get('/api/v1/audit?targetType=org');
    expect(orgTargets.body.items.map((e: any) => e.action)).toEqual([...Array(5).fill('org.updated'), 'org.created']);

    const all = (await owner.client.get('/api/v1/audit')).body.items as any[];
    const pivot = all.find((e) => e.action === 'member.joined');
    const at = Date.parse(pivot.occurredAt);
    const seqs = (items: any[]) => items.map((e) => e.seq);
    const since = await owner.client.get(`/api/v1/audit?from=${encodeURIComponent(pivot.occurredAt)}`);
    expect(seqs(since.body.items)).toEqual(seqs(all.filter((e) => Date.parse(e.occurredAt) >= at)));
    expect(seqs(since.body.items)).toContain(pivot.seq); // from is inclusive
    const before = await owner.client.get(`/api/v1/audit?to=${encodeURIComponent(pivot.occurredAt)}`);
    expect(seqs(before.body.items)).toEqual(seqs(all.filter((e) => Date.parse(e.occurredAt) < at)));
    expect(seqs(before.body.items)).not.toContain(pivot.seq); // to is exclusive
    expect(before.body.items.length).toBeGreaterThan(0);

    const none = await owner.client.get(`/api/v1/audit?action=org.updated&actorId=${admin.userId}&targetType=member`);
    expect(none.body).toEqual({ items: [], nextCursor: null });
  });

  it('shows only the acting org’s entries', async () => {
    const a = await signUp(app, 'a');
    const b = await signUp(app, 'b');
    await renameTimes(b.client, 2);
    const r = await a.client.get('/api/v1/audit');
    expect(r.body.items).toHaveLength(2);
    expect(r.body.items.every((e: any) => e.target.id === a.orgId || e.target.id === a.userId)).toBe(true);
    const foreignActor = await a.client.get(`/api/v1/audit?actorId=${b.userId}`);
    expect(foreignActor.body.items).toEqual([]);
  });
});

describe('who may read it', () => {
  it('owners and admins: 200; managers, staff and viewers: 403', async () => {
    const owner = await signUp(app, 'owner');
    expect((await owner.client.get('/api/v1/audit')).status).toBe(200);
    const admin = await addMember(app, owner.client, 'admin');
    expect((await admin.client.get('/api/v1/audit')).status).toBe(200);
    for (const role of ['manager', 'staff', 'viewer'] as const) {
      const m = await addMember(app, owner.client, role);
      const r = await m.client.get('/api/v1/audit');
      expect(r.status, role).toBe(403);
      expect(r.body.code).toBe('forbidden');
    }
  });

  it('a token needs the audit.read scope', async () => {
    const owner = await signUp(app, 'owner');
    const withScope = await owner.client.post('/api/v1/tokens', { name: 'auditor', scopes: ['audit.read'] });
    const without = await owner.client.post('/api/v1/tokens', { name: 'reader', scopes: ['org.read'] });
    const t = new Client(app.url);
    t.token = withScope.body.secret;
    expect((await t.get('/api/v1/audit')).status).toBe(200);
    t.token = without.body.secret;
    expect((await t.get('/api/v1/audit')).status).toBe(403);
  });

  it('needs a signed-in caller (401) who is a member of the org (404)', async () => {
    const owner = await signUp(app, 'owner');
    const stranger = await signUp(app, 'stranger');
    expect((await new Client(app.url).get('/api/v1/audit')).status).toBe(401);
    expect((await stranger.client.get('/api/v1/audit', { headers: { 'x-akashic-org': owner.orgId } })).status).toBe(
      404,
    );
  });
});

describe('bad queries', () => {
  it('answers 400 naming the field', async () => {
    const { client } = await signUp(app, 'owner');
    const cases: [string, string][] = [
      ['limit=201', 'query.limit'],
      ['limit=0', 'query.limit'],
      ['cursor=bm90LWEtY3Vyc29y', 'query.cursor'],
      [`cursor=${Buffer.from('seq:-4').toString('base64url')}`, 'query.cursor'],
      ['from=yesterday', 'query.from'],
      ['actorId=not-a-uuid', 'query.actorId'],
      ['from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'query.to'],
      ['surprise=1', 'query'],
    ];
    for (const [query, field] of cases) {
      const r = await client.get(`/api/v1/audit?${query}`);
      expect(r.status, query).toBe(400);
      expect(
        r.body.errors.map((e: any) => e.field),
        query,
      ).toEqual([field]);
    }
  });
});

import { createHash, randomUUID } from 'node:crypto';
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

/** A client that authenticates with nothing but the bearer token. */
function bearer(secret: string): Client {
  const c = new Client(app.url);
  c.token = secret;
  return c;
}

async function createToken(client: Client, body: Record<string, unknown>) {
  const r = await client.post('/api/v1/tokens', body);
  expect(r.status, r.text).toBe(201);
  return r.body as { token: any; secret: string };
}

describe('scopes', () => {
  it('lists what the caller’s role can grant to a token, with descriptions, never token.create', async () => {
    const owner = await signUp(app, 'owner');
    const r = await owner.client.get('/api/v1/tokens/scopes');
    expect(r.status).toBe(200);
    const actions = r.body.scopes.map((s: any) => s.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'org.read',
        'org.update',
        'member.invite',
        'audit.read',
        'webhooks.read',
        'webhooks.write',
        'token.list',
        'token.list_all',
        'token.revoke',
      ]),
    );
    expect(actions).not.toContain('token.create');
    for (const s of r.body.scopes) expect(s.description.length).toBeGreaterThan(5);
    expect(r.body.scopes.find((s: any) => s.action === 'audit.read').description).toBe('Read the audit log');

    const viewer = await addMember(app, owner.client, 'viewer');
    const v = await viewer.client.get('/api/v1/tokens/scopes');
    expect(v.body.scopes.map((s: any) => s.action).sort()).toEqual([
      'campaign.field.read',
      'campaign.read',
      'campaign.voters.read',
      'forecast.read',
      'intelligence.read',
      'member.list',
      'message.read',
      'notification.read',
      'notification.write',
      'org.read',
      'realtime.subscribe',
      'sync.use',
      'token.list',
      'token.revoke',
    ]);
  });
});

describe('creating tokens', () => {
  it('returns the secret once; stores only its sha256; shows a 12-character prefix; audits the creation', async () => {
    const owner = await signUp(app, 'owner');
    const { token, secret } = await createToken(owner.client, {
      name: 'CI',
      scopes: ['org.read', 'org.read', 'member.list'],
    });
    expect(secret).toMatch(/^akp_[A-Za-z0-9_-]{43}$/);
    expect(token).toEqual({
      id: expect.any(String),
      name: 'CI',
      prefix: secret.slice(0, 12),
      scopes: ['org.read', 'member.list'],
      createdAt: expect.any(String),
      expiresAt: null,
      lastUsedAt: null,
      lastUsedIp: null,
      revokedAt: null,
      owner: { id: owner.userId, email: owner.email },
    });
    const rows = await adminQuery(app, 'SELECT * FROM api_tokens WHERE id = $1', [token.id]);
    expect(rows[0].token_hash.equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(JSON.stringify(rows[0])).not.toContain(secret.slice(12));

    const list = await owner.client.get('/api/v1/tokens');
    expect(list.body.items).toEqual([token]);
    expect(list.text).not.toContain(secret.slice(12));
    expect(list.text).not.toMatch(/hash/i);

    const audit = await owner.client.get('/api/v1/audit?action=token.created');
    expect(audit.body.items).toEqual([expect.objectContaining({ target: { type: 'api_token', id: token.id } })]);
  });

  it('sets the expiry from expiresInDays', async () => {
    const { client } = await signUp(app, 'owner');
    const { token } = await createToken(client, { name: 'short-lived', scopes: ['org.read'], expiresInDays: 2 });
    const days = (Date.parse(token.expiresAt) - Date.parse(token.createdAt)) / 86_400_000;
    expect(days).toBeCloseTo(2, 5);
  });

  it('refuses scopes the role cannot grant, naming each one (400 body.scopes.<i>)', async () => {
    const owner = await signUp(app, 'owner');
    const viewer = await addMember(app, owner.client, 'viewer');
    const r = await viewer.client.post('/api/v1/tokens', {
      name: 'x',
      scopes: ['org.read', 'audit.read', 'no.such.action'],
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: any) => e.field)).toEqual(['body.scopes.1', 'body.scopes.2']);
    const mint = await owner.client.post('/api/v1/tokens', { name: 'x', scopes: ['token.create'] });
    expect(mint.status).toBe(400);
    expect(mint.body.errors.map((e: any) => e.field)).toEqual(['body.scopes.0']);
    expect((await viewer.client.get('/api/v1/tokens')).body.items).toEqual([]);
    expect((await owner.client.get('/api/v1/tokens')).body.items).toEqual([]);
  });

  it('rejects malformed bodies naming the fields', async () => {
    const { client } = await signUp(app, 'owner');
    const r = await client.post('/api/v1/tokens', { name: ' ', scopes: [], expiresInDays: 0 });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: any) => e.field).sort()).toEqual(['body.expiresInDays', 'body.name', 'body.scopes']);
  });
});

describe('using a token', () => {
  it('works as Bearer within its scopes, 403 outside them, acts only in its own org, records last use', async () => {
    const owner = await signUp(app, 'owner');
    const other = await signUp(app, 'other');
    const { token, secret } = await createToken(owner.client, { name: 'script', scopes: ['org.read', 'token.list'] });
    const t = bearer(secret);

    const org = await t.get('/api/v1/org');
    expect(org.status).toBe(200);
    expect(org.body.id).toBe(owner.orgId);
    const members = await t.get('/api/v1/members');
    expect(members.status).toBe(403);
    expect(members.body.detail).toMatch(/scopes do not include "member.list"/);
    expect((await t.patch('/api/v1/org', { name: 'Hijacked' })).status).toBe(403);
    expect((await t.get('/api/v1/org', { headers: { 'x-akashic-org': other.orgId } })).status).toBe(404);

    const me = await t.get('/api/v1/me');
    expect(me.body.via).toBe('token');
    const listed = await t.get('/api/v1/tokens');
    expect(listed.status).toBe(200);
    const used = listed.body.items.find((i: any) => i.id === token.id);
    expect(used.lastUsedIp).toBe('127.0.0.1');
    expect(Date.now() - Date.parse(used.lastUsedAt)).toBeLessThan(60_000);
  });

  it('cannot create tokens, even holding the token.create scope: the policy forbids it through a token', async () => {
    const owner = await signUp(app, 'owner');
    const { token, secret } = await createToken(owner.client, { name: 'script', scopes: ['token.list'] });
    const t = bearer(secret);
    expect((await t.post('/api/v1/tokens', { name: 'child', scopes: ['token.list'] })).status).toBe(403);
    // Grant the scope behind the API's back: the Cedar forbid still holds.
    await adminQuery(app, `UPDATE api_tokens SET scopes = scopes || '{token.create}' WHERE id = $1`, [token.id]);
    const r = await t.post('/api/v1/tokens', { name: 'child', scopes: ['token.list'] });
    expect(r.status).toBe(403);
    expect(r.body.detail).toMatch(/does not allow "token.create"/);
    const count = await adminQuery(app, 'SELECT count(*)::int AS n FROM api_tokens WHERE org_id = $1', [owner.orgId]);
    expect(count[0].n).toBe(1);
  });

  it('never does more than the owner’s role allows', async () => {
    const owner = await signUp(app, 'owner');
    const staff = await addMember(app, owner.client, 'staff');
    const { token, secret } = await createToken(staff.client, { name: 's', scopes: ['org.read'] });
    await adminQuery(app, `UPDATE api_tokens SET scopes = scopes || '{org.update,audit.read}' WHERE id = $1`, [
      token.id,
    ]);
    const t = bearer(secret);
    expect((await t.get('/api/v1/org')).status).toBe(200);
    expect((await t.patch('/api/v1/org', { name: 'Nope' })).status).toBe(403);
    expect((await t.get('/api/v1/audit')).status).toBe(403);
  });

  it('stops working once expired (401)', async () => {
    const owner = await signUp(app, 'owner');
    const { token, secret } = await createToken(owner.client, {
      name: 'expiring',
      scopes: ['org.read'],
      expiresInDays: 1,
    });
    const t = bearer(secret);
    expect((await t.get('/api/v1/org')).status).toBe(200);
    await adminQuery(app, `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [token.id]);
    const r = await t.get('/api/v1/org');
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('unauthenticated');
  });

  it('an unknown akp_ token is 401', async () => {
    expect((await bearer('akp_' + 'z'.repeat(43)).get('/api/v1/org')).status).toBe(401);
  });
});

describe('listing tokens', () => {
  it('members see their own tokens; admins and owners see everyone’s, newest first', async () => {
    const owner = await signUp(app, 'owner');
    const admin = await addMember(app, owner.client, 'admin');
    const staff = await addMember(app, owner.client, 'staff');
    const viewer = await addMember(app, owner.client, 'viewer');
    const o = await createToken(owner.client, { name: 'owner', scopes: ['org.read'] });
    const s = await createToken(staff.client, { name: 'staff', scopes: ['org.read'] });
    const v = await createToken(viewer.client, { name: 'viewer', scopes: ['org.read'] });
    const other = await signUp(app, 'other');
    await createToken(other.client, { name: 'foreign', scopes: ['org.read'] });

    const ids = async (c: Client) => (await c.get('/api/v1/tokens')).body.items.map((t: any) => t.id);
    const all = [v.token.id, s.token.id, o.token.id];
    expect(await ids(owner.client)).toEqual(all);
    expect(await ids(admin.client)).toEqual(all);
    expect(await ids(staff.client)).toEqual([s.token.id]);
    expect(await ids(viewer.client)).toEqual([v.token.id]);

    // An admin's token sees everyone's only when it holds token.list_all.
    const narrow = await createToken(admin.client, { name: 'narrow', scopes: ['token.list'] });
    const wide = await createToken(admin.client, { name: 'wide', scopes: ['token.list', 'token.list_all'] });
    expect(await ids(bearer(narrow.secret))).toEqual([wide.token.id, narrow.token.id]);
    expect(await ids(bearer(wide.secret))).toEqual([wide.token.id, narrow.token.id, ...all]);
  });
});

describe('revoking tokens', () => {
  it('the owner revokes their own token: 204, audited, 401 on the next request; revoking again changes nothing', async () => {
    const owner = await signUp(app, 'owner');
    const { token, secret } = await createToken(owner.client, { name: 'gone', scopes: ['org.read'] });
    const t = bearer(secret);
    expect((await t.get('/api/v1/org')).status).toBe(200);
    expect((await owner.client.delete(`/api/v1/tokens/${token.id}`)).status).toBe(204);
    expect((await t.get('/api/v1/org')).status).toBe(401);
    expect((await owner.client.delete(`/api/v1/tokens/${token.id}`)).status).toBe(204);
    const listed = (await owner.client.get('/api/v1/tokens')).body.items[0];
    expect(listed.revokedAt).not.toBeNull();
    const audit = await owner.client.get('/api/v1/audit?action=token.revoked');
    expect(audit.body.items).toEqual([expect.objectContaining({ target: { type: 'api_token', id: token.id } })]);
  });

  it('a token holding token.revoke can revoke itself; the audit entry names the token', async () => {
    const owner = await signUp(app, 'owner');
    const { token, secret } = await createToken(owner.client, { name: 'self', scopes: ['token.revoke'] });
    const t = bearer(secret);
    expect((await t.delete(`/api/v1/tokens/${token.id}`)).status).toBe(204);
    expect((await t.get('/api/v1/tokens')).status).toBe(401);
    const audit = await owner.client.get('/api/v1/audit?action=token.revoked');
    expect(audit.body.items[0]).toMatchObject({
      actor: { type: 'token', id: owner.userId },
      metadata: { tokenId: token.id },
    });
  });

  it('members cannot revoke others’ tokens (403); admins can revoke anyone’s', async () => {
    const owner = await signUp(app, 'owner');
    const admin = await addMember(app, owner.client, 'admin');
    const manager = await addMember(app, owner.client, 'manager');
    const staff = await addMember(app, owner.client, 'staff');
    const s = await createToken(staff.client, { name: 'staff', scopes: ['org.read'] });
    const o = await createToken(owner.client, { name: 'owner', scopes: ['org.read'] });

    const denied = await manager.client.delete(`/api/v1/tokens/${s.token.id}`);
    expect(denied.status).toBe(403);
    expect(denied.body.code).toBe('forbidden');
    expect((await staff.client.delete(`/api/v1/tokens/${o.token.id}`)).status).toBe(403);
    expect((await bearer(s.secret).get('/api/v1/org')).status).toBe(200);

    expect((await admin.client.delete(`/api/v1/tokens/${s.token.id}`)).status).toBe(204);
    expect((await bearer(s.secret).get('/api/v1/org')).status).toBe(401);
    expect((await admin.client.delete(`/api/v1/tokens/${o.token.id}`)).status).toBe(204);
  });

  it('another org’s token or an unknown id is 404; a malformed id is 400', async () => {
    const owner = await signUp(app, 'owner');
    const other = await signUp(app, 'other');
    const foreign = await createToken(other.client, { name: 'foreign', scopes: ['org.read'] });
    expect((await owner.client.delete(`/api/v1/tokens/${foreign.token.id}`)).status).toBe(404);
    expect((await owner.client.delete(`/api/v1/tokens/${randomUUID()}`)).status).toBe(404);
    const bad = await owner.client.delete('/api/v1/tokens/123');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field)).toEqual(['params.id']);
    expect((await bearer(foreign.secret).get('/api/v1/org')).status).toBe(200);
  });
});

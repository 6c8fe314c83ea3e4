/**
 * Organization API keys (/api/v1/api-keys): admins create them with a role ceiling and scopes, the secret is shown
 * once and stored hashed, a key acts in its own org within its scopes and role, rotation keeps the old secret for
 * its grace period only, revocation is immediate on every process (two app instances sharing one database), last
 * use is written at most once a minute, and changes are audited with the key as the actor.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApp, testConfig, type TestApp } from '../../../test/helpers.js';
import { createPlatform, type Platform } from '../src/server.js';
import { CAMPAIGN } from './support/campaigns.js';
import { addMember, adminQuery } from './support/features.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

function bearer(secret: string, url = app.url): Client {
  const c = new Client(url);
  c.token = secret;
  return c;
}

/**
 * The status of GET `path` with `secret` once it settles on `status`: a process learns of a change to a key (an API
 * call, or an admin-side UPDATE standing in for time passing) by notification, asynchronously; 2 s is the bound.
 */
async function statusSettles(secret: string, status: number, url = app.url, path = '/api/v1/org'): Promise<number> {
  const deadline = Date.now() + 2000;
  for (;;) {
    const r = (await bearer(secret, url).get(path)).status;
    if (r === status || Date.now() > deadline) return r;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Run `fn` with a second app instance on the same database: its own auth cache and LISTEN connection. */
async function withSecondProcess(fn: (second: Platform, url: string) => Promise<void>) {
  const second: Platform = await createPlatform(testConfig(app.db.adminUrl));
  try {
    await second.built.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = second.built.app.server.address();
    await fn(second, `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`);
  } finally {
    await second.close();
  }
}

async function createKey(client: Client, body: Record<string, unknown>) {
  const r = await client.post('/api/v1/api-keys', body);
  expect(r.status, r.text).toBe(201);
  return r.body as { key: any; secret: string };
}

describe('creating keys', () => {
  it('returns the secret once, stores only its sha256, shows a prefix, audits with the creator', async () => {
    const owner = await signUp(app, 'owner');
    const { key, secret } = await createKey(owner.client, {
      name: 'CRM sync',
      role: 'staff',
      scopes: ['org.read', 'campaign.read', 'campaign.read'],
    });
    expect(secret).toMatch(/^akk_[A-Za-z0-9_-]{43}$/);
    expect(key).toMatchObject({
      name: 'CRM sync',
      role: 'staff',
      scopes: ['org.read', 'campaign.read'],
      prefix: secret.slice(0, 12),
      previous: null,
      status: 'active',
      expiresAt: null,
      revokedAt: null,
      lastUsedAt: null,
      createdBy: { id: owner.userId, email: owner.email },
    });
    const rows = await adminQuery(app, 'SELECT token_hash, org_id FROM api_keys WHERE id = $1', [key.id]);
    expect(rows[0].token_hash).toEqual(createHash('sha256').update(secret).digest());
    expect(rows[0].org_id).toBe(owner.orgId);
    const listed = await owner.client.get('/api/v1/api-keys');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect((await owner.client.get(`/api/v1/api-keys/${key.id}`)).body).toEqual(key);
    const audit = await owner.client.get('/api/v1/audit?action=apikey.created');
    expect(audit.body.items[0]).toMatchObject({ target: { type: 'api_key', id: key.id } });
    expect(JSON.stringify(audit.body)).not.toContain(secret);
  });

  it('refuses a role above the creator’s, scopes the role cannot hold, a past expiry (400 naming each field)', async () => {
    const owner = await signUp(app, 'owner');
    const admin = await addMember(app, owner.client, 'admin');
    const above = await admin.client.post('/api/v1/api-keys', { name: 'x', role: 'owner', scopes: ['org.read'] });
    expect(above.status).toBe(400);
    expect(above.body.errors.map((e: any) => e.field)).toEqual(['body.role']);
    const r = await admin.client.post('/api/v1/api-keys', {
      name: 'x',
      role: 'viewer',
      scopes: ['org.read', 'org.update', 'apikeys.write', 'no.such.action'],
      expiresAt: new Date(Date.now() - 1000).toISOString(),
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: any) => e.field)).toEqual([
      'body.scopes.1',
      'body.scopes.2',
      'body.scopes.3',
      'body.expiresAt',
    ]);
    expect((await admin.client.get('/api/v1/api-keys')).body.items).toEqual([]);
  });

  it('lists the scopes a role ceiling may hold: never key or token management', async () => {
    const owner = await signUp(app, 'owner');
    const scopes = (await owner.client.get('/api/v1/api-keys/scopes?role=admin')).body.scopes.map((s: any) => s.action);
    expect(scopes).toEqual(expect.arrayContaining(['org.read', 'org.update', 'audit.read', 'apikeys.read']));
    for (const a of ['apikeys.write', 'token.create', 'token.list', 'token.revoke', 'token.list_all'])
      expect(scopes).not.toContain(a);
    const viewer = (await owner.client.get('/api/v1/api-keys/scopes?role=viewer')).body.scopes.map(
      (s: any) => s.action,
    );
    expect(viewer).not.toContain('org.update');
    const admin = await addMember(app, owner.client, 'admin');
    const r = await admin.client.get('/api/v1/api-keys/scopes?role=owner');
    expect(r.status).toBe(400);
    expect(r.body.errors[0].field).toBe('query.role');
  });

  it('is for admins and owners: managers and below get 403', async () => {
    const owner = await signUp(app, 'owner');
    const manager = await addMember(app, owner.client, 'manager');
    expect((await manager.client.get('/api/v1/api-keys')).status).toBe(403);
    expect(
      (await manager.client.post('/api/v1/api-keys', { name: 'x', role: 'viewer', scopes: ['org.read'] })).status,
    ).toBe(403);
  });
});

describe('using a key', () => {
  it('acts in its own org within its scopes and role ceiling; attributes its writes to itself; records last use', async () => {
    const owner = await signUp(app, 'owner');
    const other = await signUp(app, 'other');
    const { key, secret } = await createKey(owner.client, {
      name: 'planner',
      role: 'manager',
      scopes: ['org.read', 'campaign.create', 'campaign.read', 'member.list'],
    });
    // Scopes beyond the ceiling, granted behind the API's back, still fail on the role.
    await adminQuery(app, `UPDATE api_keys SET scopes = scopes || '{org.update}' WHERE id = $1`, [key.id]);
    const k = bearer(secret);
    expect(await statusSettles(secret, 200)).toBe(200);
    const org = await k.get('/api/v1/org');
    expect(org.status, org.text).toBe(200);
    expect(org.body.id).toBe(owner.orgId);
    expect((await k.get('/api/v1/org', { headers: { 'x-akashic-org': other.orgId } })).status).toBe(404);
    expect((await k.patch('/api/v1/org', { name: 'Hijacked' })).status).toBe(403);
    const audit = await k.get('/api/v1/audit');
    expect(audit.status).toBe(403);
    expect(audit.body.detail).toMatch(/API key's scopes do not include "audit.read"/);
    // Account routes are for people.
    expect((await k.get('/api/v1/me')).status).toBe(403);

    const c = await k.post('/api/v1/campaigns', { ...CAMPAIGN, name: 'Key campaign' });
    expect(c.status, c.text).toBe(201);
    const entry = (await owner.client.get('/api/v1/audit?action=campaign.created')).body.items[0];
    expect(entry.actor).toEqual({ type: 'apikey', id: key.id, label: 'planner' });

    const used = (await owner.client.get(`/api/v1/api-keys/${key.id}`)).body;
    expect(used.lastUsedIp).toBe('127.0.0.1');
    expect(Date.now() - Date.parse(used.lastUsedAt)).toBeLessThan(60_000);
    // Written at most once a minute: a later use within the minute leaves it.
    await k.get('/api/v1/org');
    expect((await owner.client.get(`/api/v1/api-keys/${key.id}`)).body.lastUsedAt).toBe(used.lastUsedAt);
  });

  it('cannot manage keys or tokens, even holding those scopes', async () => {
    const owner = await signUp(app, 'owner');
    const { key, secret } = await createKey(owner.client, { name: 'k', role: 'admin', scopes: ['apikeys.read'] });
    await adminQuery(
      app,
      `UPDATE api_keys SET scopes = scopes || '{apikeys.write,token.create,token.list}' WHERE id = $1`,
      [key.id],
    );
    const k = bearer(secret);
    expect((await k.get('/api/v1/api-keys')).status).toBe(200);
    expect((await k.post('/api/v1/api-keys', { name: 'child', role: 'viewer', scopes: ['org.read'] })).status).toBe(
      403,
    );
    expect((await k.delete(`/api/v1/api-keys/${key.id}`)).status).toBe(403);
    expect((await k.post('/api/v1/tokens', { name: 't', scopes: ['org.read'] })).status).toBe(403);
    expect((await k.get('/api/v1/tokens')).status).toBe(403);
  });

  it('stops at its expiry; an unknown akk_ secret is 401', async () => {
    const owner = await signUp(app, 'owner');
    const { key, secret } = await createKey(owner.client, {
      name: 'expiring',
      role: 'viewer',
      scopes: ['org.read'],
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect((await bearer(secret).get('/api/v1/org')).status).toBe(200);
    await adminQuery(app, `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [key.id]);
    expect(await statusSettles(secret, 401)).toBe(401);
    expect((await owner.client.get(`/api/v1/api-keys/${key.id}`)).body.status).toBe('expired');
    expect((await bearer('akk_' + 'z'.repeat(43)).get('/api/v1/org')).status).toBe(401);
  });
});

describe('changing, rotating and revoking', () => {
  it('updates name, scopes and expiry; the change applies to the next request', async () => {
    const owner = await signUp(app, 'owner');
    const { key, secret } = await createKey(owner.client, { name: 'k', role: 'staff', scopes: ['org.read'] });
    const k = bearer(secret);
    expect((await k.get('/api/v1/members')).status).toBe(403);
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString();
    const u = await owner.client.patch(`/api/v1/api-keys/${key.id}`, {
      name: 'renamed',
      scopes: ['org.read', 'member.list'],
      expiresAt,
    });
    expect(u.status, u.text).toBe(200);
    expect(u.body).toMatchObject({ name: 'renamed', scopes: ['org.read', 'member.list'] });
    expect(Date.parse(u.body.expiresAt)).toBe(Date.parse(expiresAt));
    expect(await statusSettles(secret, 200, app.url, '/api/v1/members')).toBe(200);
    const bad = await owner.client.patch(`/api/v1/api-keys/${key.id}`, { scopes: ['org.update'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('body.scopes.0');
  });

  it('rotation: the new secret works at once, the old one until the grace ends, both shown', async () => {
    const owner = await signUp(app, 'owner');
    const { key, secret: first } = await createKey(owner.client, { name: 'k', role: 'viewer', scopes: ['org.read'] });
    const r = await owner.client.post(`/api/v1/api-keys/${key.id}/rotate`, { graceMinutes: 30 });
    expect(r.status, r.text).toBe(200);
    const second = r.body.secret as string;
    expect(second).not.toBe(first);
    expect(r.body.key.prefix).toBe(second.slice(0, 12));
    expect(r.body.key.previous.prefix).toBe(first.slice(0, 12));
    expect(Date.parse(r.body.key.previous.expiresAt) - Date.now()).toBeGreaterThan(29 * 60_000);
    expect((await bearer(first).get('/api/v1/org')).status).toBe(200);
    expect((await bearer(second).get('/api/v1/org')).status).toBe(200);
    // The grace ends: the old secret stops, the new one goes on.
    await adminQuery(app, `UPDATE api_keys SET previous_expires_at = now() - interval '1 second' WHERE id = $1`, [
      key.id,
    ]);
    expect(await statusSettles(first, 401)).toBe(401);
    expect((await bearer(second).get('/api/v1/org')).status).toBe(200);
    expect((await owner.client.get(`/api/v1/api-keys/${key.id}`)).body.previous).toBeNull();
    // No grace: the old secret stops at once.
    const third = await owner.client.post(`/api/v1/api-keys/${key.id}/rotate`, { graceMinutes: 0 });
    expect(await statusSettles(second, 401)).toBe(401);
    expect((await bearer(third.body.secret).get('/api/v1/org')).status).toBe(200);
    const audit = await owner.client.get('/api/v1/audit?action=apikey.rotated');
    expect(audit.body.items).toHaveLength(2);
  });

  it('an admin cannot change, rotate or revoke an owner-level key', async () => {
    const owner = await signUp(app, 'owner');
    const admin = await addMember(app, owner.client, 'admin');
    const { key } = await createKey(owner.client, { name: 'k', role: 'owner', scopes: ['org.read'] });
    expect((await admin.client.patch(`/api/v1/api-keys/${key.id}`, { name: 'x' })).status).toBe(403);
    expect((await admin.client.post(`/api/v1/api-keys/${key.id}/rotate`, {})).status).toBe(403);
    expect((await admin.client.delete(`/api/v1/api-keys/${key.id}`)).status).toBe(403);
  });

  it('revocation is immediate on every process sharing the database, for both secrets', async () => {
    await withSecondProcess(async (second, url2) => {
      const owner = await signUp(app, 'owner');
      const { key, secret: old } = await createKey(owner.client, { name: 'k', role: 'viewer', scopes: ['org.read'] });
      const rotated = await owner.client.post(`/api/v1/api-keys/${key.id}/rotate`, { graceMinutes: 60 });
      const secret = rotated.body.secret as string;
      // Both processes have both secrets cached.
      for (const url of [app.url, url2]) {
        for (const s of [old, secret]) {
          expect((await bearer(s, url).get('/api/v1/org')).status).toBe(200);
          expect((await bearer(s, url).get('/api/v1/org')).status).toBe(200);
        }
      }
      expect(second.services.authCache.listening).toBe(true);
      expect((await owner.client.delete(`/api/v1/api-keys/${key.id}`)).status).toBe(204);
      // The other process learns of it by notification, within milliseconds (2 s is the test's bound).
      for (const url of [url2, app.url]) {
        for (const s of [old, secret]) expect(await statusSettles(s, 401, url)).toBe(401);
      }
      const k = (await owner.client.get(`/api/v1/api-keys/${key.id}`)).body;
      expect(k.status).toBe('revoked');
      expect(k.previous).toBeNull();
      // Revoking twice changes nothing; a revoked key cannot be rotated or changed.
      expect((await owner.client.delete(`/api/v1/api-keys/${key.id}`)).status).toBe(204);
      expect((await owner.client.post(`/api/v1/api-keys/${key.id}/rotate`, {})).status).toBe(409);
      expect((await owner.client.get('/api/v1/audit?action=apikey.revoked')).body.items).toHaveLength(1);
    });
  });
});

describe('a key never does more than its creator may do now', () => {
  it('follows its creator’s demotion, promotion and removal at once on every process', async () => {
    await withSecondProcess(async (_second, url2) => {
      const owner = await signUp(app, 'owner');
      const admin = await addMember(app, owner.client, 'admin');
      const { secret } = await createKey(admin.client, {
        name: 'k',
        role: 'admin',
        scopes: ['org.read', 'audit.read'],
      });
      // Both processes have the key cached, acting as an admin.
      for (const url of [app.url, url2]) {
        expect(await statusSettles(secret, 200, url, '/api/v1/audit')).toBe(200);
        expect((await bearer(secret, url).get('/api/v1/audit')).status).toBe(200);
      }
      const keyId = (await owner.client.get('/api/v1/api-keys')).body.items[0].id as string;
      const shown = async () => (await owner.client.get(`/api/v1/api-keys/${keyId}`)).body;
      expect(await shown()).toMatchObject({ role: 'admin', actsAs: 'admin', status: 'active' });
      const demote = await owner.client.patch(`/api/v1/members/${admin.userId}`, { role: 'manager' });
      expect(demote.status, demote.text).toBe(200);
      // The console shows what the key can do now, as the authentication decides it.
      expect(await shown()).toMatchObject({ role: 'admin', actsAs: 'manager' });
      for (const url of [url2, app.url]) {
        // The creator is a manager now: so is the key, whatever its ceiling says.
        expect(await statusSettles(secret, 403, url, '/api/v1/audit')).toBe(403);
        expect((await bearer(secret, url).get('/api/v1/org')).status).toBe(200);
      }
      expect((await owner.client.patch(`/api/v1/members/${admin.userId}`, { role: 'owner' })).status).toBe(200);
      // Promoted above the key's ceiling: the key is back to its own ceiling, never above it.
      for (const url of [url2, app.url]) expect(await statusSettles(secret, 200, url, '/api/v1/audit')).toBe(200);
      expect((await bearer(secret).patch('/api/v1/org', { name: 'Renamed by key' })).status).toBe(403);

      expect(await shown()).toMatchObject({ actsAs: 'admin' });
      expect((await owner.client.delete(`/api/v1/members/${admin.userId}`)).status).toBe(204);
      for (const url of [url2, app.url]) expect(await statusSettles(secret, 401, url)).toBe(401);
      expect(await shown()).toMatchObject({ status: 'active', actsAs: null });
    });
  });

  it('stops when its creator’s account is deleted', async () => {
    const owner = await signUp(app, 'owner');
    const admin = await addMember(app, owner.client, 'admin');
    const { key, secret } = await createKey(admin.client, { name: 'k', role: 'viewer', scopes: ['org.read'] });
    expect(await statusSettles(secret, 200)).toBe(200);
    await adminQuery(app, 'DELETE FROM users WHERE id = $1', [admin.userId]);
    expect(await statusSettles(secret, 401)).toBe(401);
    expect((await owner.client.get(`/api/v1/api-keys/${key.id}`)).body.createdBy).toBeNull();
  });
});

describe('the key’s service identity', () => {
  it('cannot sign in, and is no member of the org', async () => {
    const owner = await signUp(app, 'owner');
    const { key } = await createKey(owner.client, { name: 'k', role: 'viewer', scopes: ['org.read'] });
    const [u] = await adminQuery(app, 'SELECT email, password_hash FROM users WHERE id = $1', [key.id]);
    const r = await new Client(app.url).post('/api/v1/auth/sign-in', { email: u.email, password: u.password_hash });
    expect(r.status).toBe(401);
    const members = (await owner.client.get('/api/v1/members')).body.items.map((m: any) => m.userId);
    expect(members).not.toContain(key.id);
  });

  it('goes with its organization, in the same transaction: revoked keys’ too, no other org’s', async () => {
    const owner = await signUp(app, 'owner');
    const other = await signUp(app, 'other');
    const { key: live, secret } = await createKey(owner.client, {
      name: 'live',
      role: 'manager',
      scopes: ['org.read', 'campaign.create', 'campaign.read'],
    });
    // Rows the key created name its identity (created_by): they go with the org too.
    expect((await bearer(secret).post('/api/v1/campaigns', { ...CAMPAIGN, name: 'By key' })).status).toBe(201);
    const { key: revoked } = await createKey(owner.client, { name: 'gone', role: 'viewer', scopes: ['org.read'] });
    expect((await owner.client.delete(`/api/v1/api-keys/${revoked.id}`)).status).toBe(204);
    const { key: kept } = await createKey(other.client, { name: 'kept', role: 'viewer', scopes: ['org.read'] });
    const ids = [live.id, revoked.id, kept.id];
    const identities = async () =>
      (await adminQuery(app, 'SELECT id FROM users WHERE id = ANY($1::uuid[])', [ids])).map((r) => r.id).sort();
    expect(await identities()).toEqual([...ids].sort());

    await adminQuery(app, 'DELETE FROM organizations WHERE id = $1', [owner.orgId]);
    expect(await identities()).toEqual([kept.id]);
    // The person who owned it keeps their account.
    expect(await adminQuery(app, 'SELECT 1 FROM users WHERE id = $1', [owner.userId])).toHaveLength(1);
  });
});

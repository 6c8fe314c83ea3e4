/**
 * Passkeys over HTTP with a software authenticator: registering (challenge single use and expiring, origin checked,
 * audited in the user's organizations), listing, renaming and deleting one's own, and signing in with a
 * discoverable credential (counter must grow, a replay is refused, a deleted passkey no longer works).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, TEST_WEBAUTHN_ORIGIN, signUp, startTestApp, type TestApp } from '../../../test/helpers.js';
import { LOCK_AFTER_FAILURES } from '../src/platform/identity/sign-in.js';
import { adminQuery } from './support/features.js';
import { SoftAuthenticator } from './support/webauthn.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

const authenticator = () => new SoftAuthenticator('localhost', TEST_WEBAUTHN_ORIGIN);

async function register(client: Client, device: SoftAuthenticator, name?: string) {
  const options = await client.post('/api/v1/passkeys/registration-options');
  expect(options.status).toBe(200);
  const response = device.create(options.body);
  return client.post('/api/v1/passkeys', { response, ...(name ? { name } : {}) });
}

async function passkeySignIn(device: SoftAuthenticator, opts: Parameters<SoftAuthenticator['get']>[1] = {}) {
  const client = new Client(app.url);
  const options = await client.post('/api/v1/auth/passkey/options');
  expect(options.status).toBe(200);
  const response = device.get(options.body, opts);
  return { client, response, reply: await client.post('/api/v1/auth/passkey/sign-in', { response }) };
}

describe('registering passkeys', () => {
  it('registers a discoverable passkey for the signed-in user, audited in their organization', async () => {
    const owner = await signUp(app, 'owner');
    const options = await owner.client.post('/api/v1/passkeys/registration-options');
    expect(options.body).toMatchObject({
      rp: { id: 'localhost', name: 'Akashic Intelligence' },
      user: { name: owner.email },
      authenticatorSelection: { residentKey: 'required' },
      attestation: 'none',
    });
    const device = authenticator();
    const r = await owner.client.post('/api/v1/passkeys', {
      response: device.create(options.body),
      name: 'Work laptop',
    });
    expect(r.status, r.text).toBe(201);
    expect(r.body).toMatchObject({
      name: 'Work laptop',
      lastUsedAt: null,
      deviceType: 'singleDevice',
      backedUp: false,
    });
    expect((await owner.client.get('/api/v1/passkeys')).body.items.map((p: any) => p.id)).toEqual([r.body.id]);
    const audit = await adminQuery(app, 'SELECT action, actor_id FROM audit_log WHERE org_id = $1 AND target_id = $2', [
      owner.orgId,
      r.body.id,
    ]);
    expect(audit).toEqual([{ action: 'passkey.registered', actor_id: owner.userId }]);
    // The next registration excludes it (no second passkey on the same authenticator).
    const again = await owner.client.post('/api/v1/passkeys/registration-options');
    expect(again.body.excludeCredentials.map((c: any) => c.id)).toEqual([
      device.credentials[0]!.id.toString('base64url'),
    ]);
  });

  it('uses a challenge once, and only before it expires', async () => {
    const { client } = await signUp(app, 'owner');
    const device = authenticator();
    const options = await client.post('/api/v1/passkeys/registration-options');
    const response = device.create(options.body);
    expect((await client.post('/api/v1/passkeys', { response })).status).toBe(201);
    const replay = await client.post('/api/v1/passkeys', { response });
    expect(replay.status).toBe(400);
    expect(replay.body.errors.map((e: any) => e.field)).toEqual(['body.response']);

    const late = await client.post('/api/v1/passkeys/registration-options');
    await adminQuery(
      app,
      `UPDATE webauthn_challenges SET expires_at = now() - interval '1 second' WHERE challenge = $1`,
      [late.body.challenge],
    );
    expect((await client.post('/api/v1/passkeys', { response: device.create(late.body) })).status).toBe(400);
    expect((await client.get('/api/v1/passkeys')).body.items).toHaveLength(1);
  });

  it('refuses a response made for another origin, and another user’s challenge', async () => {
    const a = await signUp(app, 'a');
    const b = await signUp(app, 'b');
    const device = authenticator();
    const options = await a.client.post('/api/v1/passkeys/registration-options');
    const phished = device.create(options.body, { origin: 'http://localhost.evil.example' });
    expect((await a.client.post('/api/v1/passkeys', { response: phished })).status).toBe(400);
    const other = await a.client.post('/api/v1/passkeys/registration-options');
    expect((await b.client.post('/api/v1/passkeys', { response: device.create(other.body) })).status).toBe(400);
    expect(await adminQuery(app, 'SELECT 1 FROM passkeys WHERE user_id IN ($1, $2)', [a.userId, b.userId])).toEqual([]);
  });

  it('is for sessions: an API token cannot manage passkeys', async () => {
    const { client } = await signUp(app, 'owner');
    const t = await client.post('/api/v1/tokens', { name: 'script', scopes: ['org.read'] });
    const bearer = new Client(app.url);
    bearer.token = t.body.secret;
    expect((await bearer.get('/api/v1/passkeys')).status).toBe(403);
    expect((await bearer.post('/api/v1/passkeys/registration-options')).status).toBe(403);
  });
});

describe('managing passkeys', () => {
  it('renames and deletes only one’s own, audited', async () => {
    const owner = await signUp(app, 'owner');
    const other = await signUp(app, 'other');
    const p = (await register(owner.client, authenticator(), 'Phone')).body;
    expect((await other.client.patch(`/api/v1/passkeys/${p.id}`, { name: 'Mine now' })).status).toBe(404);
    expect((await other.client.delete(`/api/v1/passkeys/${p.id}`)).status).toBe(404);
    const renamed = await owner.client.patch(`/api/v1/passkeys/${p.id}`, { name: 'Personal phone' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Personal phone');
    expect((await owner.client.patch(`/api/v1/passkeys/${p.id}`, { name: ' ' })).status).toBe(400);
    expect((await owner.client.delete(`/api/v1/passkeys/${p.id}`)).status).toBe(204);
    expect((await owner.client.get('/api/v1/passkeys')).body.items).toEqual([]);
    const audit = await adminQuery(app, 'SELECT action FROM audit_log WHERE target_id = $1 ORDER BY seq', [p.id]);
    expect(audit.map((a) => a.action)).toEqual(['passkey.registered', 'passkey.renamed', 'passkey.deleted']);
  });
});

describe('signing in with a passkey', () => {
  it('signs in with a discoverable credential, starts a session and records the use', async () => {
    const owner = await signUp(app, 'owner');
    const device = authenticator();
    const p = (await register(owner.client, device)).body;
    const options = await new Client(app.url).post('/api/v1/auth/passkey/options');
    expect(options.body).toMatchObject({ rpId: 'localhost' });
    expect(options.body.allowCredentials ?? []).toEqual([]);
    const { client, reply } = await passkeySignIn(device);
    expect(reply.status, reply.text).toBe(200);
    expect(reply.body.user.email).toBe(owner.email);
    expect(reply.body.currentOrgId).toBe(owner.orgId);
    expect((await client.get('/api/v1/me')).status).toBe(200);
    const [row] = await adminQuery(app, 'SELECT counter, last_used_at FROM passkeys WHERE id = $1', [p.id]);
    expect(Number(row.counter)).toBe(1);
    expect(row.last_used_at).toBeInstanceOf(Date);
  });

  it('refuses a replayed assertion, a counter that does not grow, another origin, and a deleted passkey', async () => {
    const owner = await signUp(app, 'owner');
    const device = authenticator();
    const p = (await register(owner.client, device)).body;
    const first = await passkeySignIn(device);
    expect(first.reply.status).toBe(200);
    // The same response again: its challenge is spent.
    const replay = await new Client(app.url).post('/api/v1/auth/passkey/sign-in', { response: first.response });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('invalid_credentials');
    // A cloned authenticator: a fresh challenge but the counter it already used.
    expect((await passkeySignIn(device, { counter: 1 })).reply.status).toBe(401);
    expect((await passkeySignIn(device, { origin: 'http://localhost.evil.example' })).reply.status).toBe(401);
    expect((await passkeySignIn(device)).reply.status).toBe(200);
    await owner.client.delete(`/api/v1/passkeys/${p.id}`);
    expect((await passkeySignIn(device)).reply.status).toBe(401);
  });

  it('refuses a credential presented with another user’s handle', async () => {
    const a = await signUp(app, 'a');
    const b = await signUp(app, 'b');
    const device = authenticator();
    await register(a.client, device);
    device.credentials[0]!.userHandle = Buffer.from(b.userId.replace(/-/g, ''), 'hex').toString('base64url');
    expect((await passkeySignIn(device)).reply.status).toBe(401);
  });
});

describe('brute force, as for passwords', () => {
  it('counts failed assertions against the account: locked, it cannot sign in by passkey or password', async () => {
    const owner = await signUp(app, 'owner');
    const device = authenticator();
    await register(owner.client, device);
    for (let i = 0; i < LOCK_AFTER_FAILURES; i++) {
      const { reply } = await passkeySignIn(device, { origin: 'http://localhost.evil.example' });
      expect(reply.status).toBe(401);
    }
    const [row] = await adminQuery(app, 'SELECT failed_logins, locked_until FROM users WHERE id = $1', [owner.userId]);
    expect(row.failed_logins).toBe(LOCK_AFTER_FAILURES);
    expect(row.locked_until.getTime()).toBeGreaterThan(Date.now());
    // A valid assertion now is refused, and so is the right password.
    const locked = (await passkeySignIn(device)).reply;
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('account_locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    const password = await new Client(app.url).post('/api/v1/auth/sign-in', {
      email: owner.email,
      password: owner.password,
    });
    expect(password.body.code).toBe('account_locked');
    // Once the lock has passed, a valid passkey signs in and clears the count.
    await adminQuery(app, `UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1`, [owner.userId]);
    expect((await passkeySignIn(device)).reply.status).toBe(200);
    const [after] = await adminQuery(app, 'SELECT failed_logins FROM users WHERE id = $1', [owner.userId]);
    expect(after.failed_logins).toBe(0);
  });

  it('refuses a passkey of an account locked by wrong passwords', async () => {
    const owner = await signUp(app, 'owner');
    const device = authenticator();
    await register(owner.client, device);
    for (let i = 0; i < LOCK_AFTER_FAILURES; i++) {
      await new Client(app.url).post('/api/v1/auth/sign-in', { email: owner.email, password: 'wrong password!' });
    }
    const { reply } = await passkeySignIn(device);
    expect(reply.status).toBe(429);
    expect(reply.body.code).toBe('account_locked');
  });

  // Last in this file: it spends the address's sign-in allowance.
  it('draws on the same per-address allowance as password sign-ins', async () => {
    const owner = await signUp(app, 'owner');
    const device = authenticator();
    await register(owner.client, device);
    let status = 0;
    for (let i = 0; i < 40 && status !== 429; i++) {
      const r = await new Client(app.url).post('/api/v1/auth/sign-in', {
        email: 'nobody@example.test',
        password: 'x'.repeat(12),
      });
      status = r.status;
    }
    expect(status).toBe(429);
    const { reply } = await passkeySignIn(device);
    expect(reply.status).toBe(429);
    expect(reply.body.code).toBe('rate_limited');
  });
});

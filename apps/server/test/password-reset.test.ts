import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApp, type TestApp } from '../../../test/helpers.js';
import { adminQuery, secretFromMail, uniqueEmail } from './support/features.js';

// The app trusts X-Forwarded-For here so each test can speak from its own client address: the per-IP limit
// would otherwise be shared by the whole file.
let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ TRUST_PROXY: 'true' });
});
afterAll(async () => {
  await app?.close();
});

let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter}`;
const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
const NEW_PASSWORD = 'a brand new long password';

async function requestReset(email: string, ip = freshIp()) {
  return new Client(app.url).post('/api/v1/auth/password-reset/request', { email }, from(ip));
}

async function resetLink(email: string): Promise<string> {
  expect((await requestReset(email)).status).toBe(202);
  return secretFromMail(app, email, 'reset-password');
}

describe('asking for a reset link', () => {
  it('answers 202 alike for known and unknown addresses; mails a one-hour link only to a known one', async () => {
    const user = await signUp(app, 'forgetful');
    const ghost = uniqueEmail('ghost');
    const sentBefore = app.mail.sent.length;

    const known = await requestReset(user.email.toUpperCase());
    const unknown = await requestReset(ghost);
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(known.text).toBe('');
    expect(unknown.text).toBe(known.text);

    expect(app.mail.sent.length).toBe(sentBefore + 1);
    expect(app.mail.sent.some((m) => m.to === ghost)).toBe(false);
    const mail = app.mail.sent.at(-1)!;
    expect(mail.to).toBe(user.email);
    expect(mail.text).toContain(`${app.url}/reset-password?token=`);
    const secret = secretFromMail(app, user.email, 'reset-password');
    const rows = await adminQuery(
      app,
      'SELECT token_hash, expires_at - created_at AS ttl FROM password_resets WHERE user_id = $1',
      [user.userId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash.equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(rows[0].ttl).toMatchObject({ hours: 1 });
  });

  it('limits requests per address (429 with Retry-After), the same way whether or not the account exists', async () => {
    const user = await signUp(app, 'spammed');
    for (const email of [user.email, uniqueEmail('nobody')]) {
      for (let i = 0; i < 5; i++) expect((await requestReset(email)).status).toBe(202);
      const limited = await requestReset(email);
      expect(limited.status).toBe(429);
      expect(limited.body.code).toBe('rate_limited');
      expect(limited.body.detail).toMatch(/this address/);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(app.mail.sent.filter((m) => m.to === user.email)).toHaveLength(5);
  });

  it('limits requests per client IP across addresses', async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) expect((await requestReset(uniqueEmail('many'), ip)).status).toBe(202);
    const limited = await requestReset(uniqueEmail('many'), ip);
    expect(limited.status).toBe(429);
    expect(limited.body.detail).toMatch(/from this address/);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another client is unaffected.
    expect((await requestReset(uniqueEmail('many'))).status).toBe(202);
  });

  it('answers a request with an unusable Host header the same for known and unknown addresses', async () => {
    const user = await signUp(app, 'host');
    const { port } = new URL(app.url);
    const post = (email: string) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const body = JSON.stringify({ email });
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/auth/password-reset/request',
            headers: { host: 'bad host^', 'content-type': 'application/json', 'x-forwarded-for': freshIp() },
          },
          (res) => {
            let text = '';
            res.on('data', (c) => (text += c));
            res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const known = await post(user.email);
    const unknown = await post(uniqueEmail('ghost'));
    expect(known.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(known.body.errors).toEqual([{ field: 'headers.host', message: 'invalid' }]);
    expect(unknown.body.errors).toEqual(known.body.errors);
    expect(app.mail.sent.some((m) => m.to === user.email)).toBe(false);
  });

  it('rejects a malformed address naming the field', async () => {
    const r = await requestReset('nope');
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: any) => e.field)).toEqual(['body.email']);
  });
});

describe('resetting the password', () => {
  it('sets the new password, ends every session, and audits it in each of the user’s organizations', async () => {
    const user = await signUp(app, 'reset');
    const second = await user.client.post('/api/v1/orgs', { name: 'Second org' });
    expect(second.status).toBe(201);
    const secondOrgId = second.body.currentOrgId as string;
    const otherDevice = new Client(app.url);
    expect(
      (await otherDevice.post('/api/v1/auth/sign-in', { email: user.email, password: user.password })).status,
    ).toBe(200);

    const token = await resetLink(user.email);
    const r = await new Client(app.url).post('/api/v1/auth/password-reset', { token, password: NEW_PASSWORD });
    expect(r.status).toBe(204);

    expect((await user.client.get('/api/v1/me')).status).toBe(401);
    expect((await otherDevice.get('/api/v1/me')).status).toBe(401);
    const c = new Client(app.url);
    expect((await c.post('/api/v1/auth/sign-in', { email: user.email, password: user.password })).status).toBe(401);
    expect((await c.post('/api/v1/auth/sign-in', { email: user.email, password: NEW_PASSWORD })).status).toBe(200);
    const hash = await adminQuery(app, 'SELECT password_hash FROM users WHERE id = $1', [user.userId]);
    expect(hash[0].password_hash).toMatch(/^\$argon2id\$/);

    for (const orgId of [user.orgId, secondOrgId]) {
      c.orgId = orgId;
      const audit = await c.get('/api/v1/audit?action=user.password_reset');
      expect(audit.status).toBe(200);
      expect(audit.body.items).toEqual([
        expect.objectContaining({
          actor: { type: 'user', id: user.userId, label: user.email },
          target: { type: 'user', id: user.userId },
          metadata: { endedSessions: 2 },
        }),
      ]);
    }
    const events = await adminQuery(
      app,
      `SELECT org_id FROM outbox WHERE type = 'platform.user.password_reset' AND org_id = ANY($1) ORDER BY org_id`,
      [[user.orgId, secondOrgId]],
    );
    expect(events.map((e) => e.org_id)).toEqual([user.orgId, secondOrgId].sort());
  });

  it('unlocks a locked account', async () => {
    const user = await signUp(app, 'locked');
    const c = new Client(app.url);
    for (let i = 0; i < 5; i++)
      await c.post('/api/v1/auth/sign-in', { email: user.email, password: 'wrong wrong wrong' });
    expect((await c.post('/api/v1/auth/sign-in', { email: user.email, password: user.password })).status).toBe(429);
    const token = await resetLink(user.email);
    expect((await c.post('/api/v1/auth/password-reset', { token, password: NEW_PASSWORD })).status).toBe(204);
    const row = await adminQuery(app, 'SELECT failed_logins, locked_until FROM users WHERE id = $1', [user.userId]);
    expect(row[0]).toEqual({ failed_logins: 0, locked_until: null });
    expect((await c.post('/api/v1/auth/sign-in', { email: user.email, password: NEW_PASSWORD })).status).toBe(200);
  });

  it('a link works once; using one also voids the user’s other outstanding links', async () => {
    const user = await signUp(app, 'once');
    const older = await resetLink(user.email);
    const newer = await resetLink(user.email);
    const c = new Client(app.url);
    expect((await c.post('/api/v1/auth/password-reset', { token: newer, password: NEW_PASSWORD })).status).toBe(204);
    const reused = await c.post('/api/v1/auth/password-reset', { token: newer, password: 'yet another long password' });
    expect(reused.status).toBe(410);
    expect(reused.body.code).toBe('gone');
    expect(
      (await c.post('/api/v1/auth/password-reset', { token: older, password: 'yet another long password' })).status,
    ).toBe(410);
    expect((await c.post('/api/v1/auth/sign-in', { email: user.email, password: NEW_PASSWORD })).status).toBe(200);
  });

  it('refuses an expired or unknown link with 410 and changes nothing', async () => {
    const user = await signUp(app, 'expired');
    const token = await resetLink(user.email);
    await adminQuery(app, `UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE user_id = $1`, [
      user.userId,
    ]);
    const c = new Client(app.url);
    const expired = await c.post('/api/v1/auth/password-reset', { token, password: NEW_PASSWORD });
    expect(expired.status).toBe(410);
    expect(expired.body.detail).toMatch(/expired/);
    const unknown = await c.post('/api/v1/auth/password-reset', {
      token: randomBytes(32).toString('base64url'),
      password: NEW_PASSWORD,
    });
    expect(unknown.status).toBe(410);
    expect((await user.client.get('/api/v1/me')).status).toBe(200);
    expect((await c.post('/api/v1/auth/sign-in', { email: user.email, password: user.password })).status).toBe(200);
  });

  it('rejects a weak password or a malformed token naming the fields, without using the link', async () => {
    const user = await signUp(app, 'weak');
    const token = await resetLink(user.email);
    const c = new Client(app.url);
    const weak = await c.post('/api/v1/auth/password-reset', { token, password: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.body.errors.map((e: any) => e.field)).toEqual(['body.password']);
    const bad = await c.post('/api/v1/auth/password-reset', { token: 'x', password: NEW_PASSWORD });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: any) => e.field)).toEqual(['body.token']);
    expect((await c.post('/api/v1/auth/password-reset', { token, password: NEW_PASSWORD })).status).toBe(204);
  });
});

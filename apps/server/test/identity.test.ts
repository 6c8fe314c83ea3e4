import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApp, type TestApp } from '../../../test/helpers.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.close();
});

describe('sign-up and sign-in', () => {
  it('signs up, creates the org with the user as owner, and sets an httpOnly session cookie', async () => {
    const c = new Client(app.url);
    const r = await c.post('/api/v1/auth/sign-up', {
      name: 'Ada',
      email: 'Ada@Example.test',
      password: 'correct horse battery',
      orgName: 'Ada for Senate',
    });
    expect(r.status).toBe(201);
    expect(r.body.user.email).toBe('ada@example.test');
    expect(r.body.orgs).toEqual([
      expect.objectContaining({ name: 'Ada for Senate', slug: 'ada-for-senate', role: 'owner' }),
    ]);
    const cookie = r.headers.getSetCookie().find((h) => h.startsWith('akashic_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toMatch(/Secure/i); // plain http here
    const me = await c.get('/api/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.currentOrgId).toBe(r.body.currentOrgId);

    const hash = await app.platform.services.db.pool.query(
      "SELECT password_hash FROM users WHERE email = 'ada@example.test'",
    );
    expect(hash.rows[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a second account with the same email, naming the field', async () => {
    const { email } = await signUp(app);
    const r = await new Client(app.url).post('/api/v1/auth/sign-up', {
      name: 'X',
      email: email.toUpperCase(),
      password: 'another long password',
      orgName: 'X',
    });
    expect(r.status).toBe(409);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(r.body.errors).toEqual([{ field: 'body.email', message: 'already registered' }]);
  });

  it('signs in with the right password only, and signs out', async () => {
    const { email, password } = await signUp(app);
    const c = new Client(app.url);
    expect((await c.post('/api/v1/auth/sign-in', { email, password: 'wrong password!' })).status).toBe(401);
    const ok = await c.post('/api/v1/auth/sign-in', { email, password });
    expect(ok.status).toBe(200);
    expect((await c.get('/api/v1/me')).status).toBe(200);
    expect((await c.post('/api/v1/auth/sign-out')).status).toBe(204);
    expect((await c.get('/api/v1/me')).status).toBe(401);
  });

  it('locks an account after repeated failures, even with the right password', async () => {
    const { email, password } = await signUp(app);
    const c = new Client(app.url);
    for (let i = 0; i < 5; i++)
      expect((await c.post('/api/v1/auth/sign-in', { email, password: 'nope nope nope' })).status).toBe(401);
    const locked = await c.post('/api/v1/auth/sign-in', { email, password });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('account_locked');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('signs out everywhere: every session of the user ends', async () => {
    const { email, password, client: first } = await signUp(app);
    const second = new Client(app.url);
    await second.post('/api/v1/auth/sign-in', { email, password });
    const r = await second.post('/api/v1/auth/sign-out-everywhere');
    expect(r.status).toBe(200);
    expect(r.body.endedSessions).toBe(2);
    expect((await first.get('/api/v1/me')).status).toBe(401);
    expect((await second.get('/api/v1/me')).status).toBe(401);
  });
});

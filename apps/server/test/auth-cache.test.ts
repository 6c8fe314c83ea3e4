import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../src/server.js';
import { createAuthCache } from '../src/platform/identity/auth-cache.js';
import type { Database } from '../src/db/index.js';
import { Client, signUp, startTestApp, testConfig, type TestApp } from '../../../test/helpers.js';
import { addMember } from './support/features.js';

/** Two server processes on one database, as in a scaled-out deployment (here: two app instances). */
let one: TestApp;
let two: Platform;
let twoUrl: string;

beforeAll(async () => {
  one = await startTestApp({ DATABASE_POOL_MAX: '1' });
  two = await createPlatform(testConfig(one.db.adminUrl, { DATABASE_POOL_MAX: '1' }));
  await two.built.app.listen({ port: 0, host: '127.0.0.1' });
  twoUrl = `http://127.0.0.1:${(two.built.app.server.address() as { port: number }).port}`;
  // Both caches must be listening before the scenarios start.
  for (const cache of [one.platform.services.authCache, two.services.authCache]) {
    for (let i = 0; i < 100 && !cache.listening; i++) await new Promise((r) => setTimeout(r, 20));
    expect(cache.listening).toBe(true);
  }
});
afterAll(async () => {
  await two?.close();
  await one?.close();
});

/** The same signed-in session, talking to the second process. */
function onTwo(c: Client): Client {
  const other = new Client(twoUrl);
  (other as any).cookies = new Map((c as any).cookies);
  other.orgId = c.orgId;
  other.token = c.token;
  return other;
}

async function eventually(check: () => Promise<boolean>, ms = 2000): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('auth cache across processes', () => {
  it('a session signed out everywhere on one process stops working on the other at once', async () => {
    const { client } = await signUp(one);
    const remote = onTwo(client);
    expect((await remote.get('/api/v1/members')).status).toBe(200); // now cached on process two
    expect((await remote.get('/api/v1/members')).status).toBe(200);
    expect((await client.post('/api/v1/auth/sign-out-everywhere')).status).toBe(200);
    const ms = await eventually(async () => (await remote.get('/api/v1/members')).status === 401);
    expect(ms).toBeLessThan(1000);
  });

  it('a role change on one process applies on the other at once', async () => {
    const owner = await signUp(one);
    const admin = await addMember(one, owner.client, 'admin');
    const remote = onTwo(admin.client);
    expect((await remote.get('/api/v1/audit')).status).toBe(200);
    const r = await owner.client.patch(`/api/v1/members/${admin.userId}`, { role: 'viewer' });
    expect(r.status).toBe(200);
    await eventually(async () => (await remote.get('/api/v1/audit')).status === 403);
    expect((await owner.client.delete(`/api/v1/members/${admin.userId}`)).status).toBe(204);
    await eventually(async () => (await remote.get('/api/v1/members')).status === 404);
  });

  it('a revoked token stops working on the other process at once', async () => {
    const { client } = await signUp(one);
    const created = await client.post('/api/v1/tokens', { name: 'ci', scopes: ['member.list'] });
    expect(created.status).toBe(201);
    const bot = new Client(twoUrl);
    bot.token = created.body.secret;
    expect((await bot.get('/api/v1/members')).status).toBe(200);
    expect((await client.delete(`/api/v1/tokens/${created.body.token.id}`)).status).toBe(204);
    await eventually(async () => (await bot.get('/api/v1/members')).status === 401);
  });

  it('one read connection serving two orgs in turn never mixes their rows', async () => {
    // Pool size 1: every read reuses the same connection, switching its context between orgs.
    const a = await signUp(one);
    const created = await a.client.post('/api/v1/orgs', { name: 'Second org' });
    const orgB = created.body.currentOrgId as string;
    const orgA = a.orgId;
    for (let i = 0; i < 6; i++) {
      const org = i % 2 ? orgB : orgA;
      const r = await a.client.get('/api/v1/audit', { headers: { 'x-akashic-org': org } });
      expect(r.status).toBe(200);
      const orgIds = new Set(r.body.items.filter((e: any) => e.action === 'org.created').map((e: any) => e.target.id));
      expect([...orgIds]).toEqual([org]);
    }
  });
});

describe('auth cache without its listener', () => {
  it('caches nothing while not listening, and drops everything when the listener goes away', async () => {
    let onState: (s: boolean) => void = () => {};
    let onMessage: (p: string) => void = () => {};
    const fakeDb = {
      listen: (_c: string, m: (p: string) => void, s: (v: boolean) => void) => {
        onMessage = m;
        onState = s;
        return async () => {};
      },
    } as unknown as Database;
    const cache = createAuthCache(fakeDb);
    let loads = 0;
    const load = async () => ++loads;
    await cache.get('k', ['t'], load);
    await cache.get('k', ['t'], load);
    expect(loads).toBe(2); // not listening: every call loads
    onState(true);
    await cache.get('k', ['t'], load);
    await cache.get('k', ['t'], load);
    expect(loads).toBe(3); // listening: cached
    onMessage('t');
    await cache.get('k', ['t'], load);
    expect(loads).toBe(4); // invalidated by its tag
    onState(false);
    await cache.get('k', ['t'], load);
    expect(loads).toBe(5); // listener lost: everything dropped, nothing cached
    // A load that races an invalidation is not cached.
    onState(true);
    await cache.get('r', ['x'], async () => {
      onMessage('x');
      return 0;
    });
    let reloaded = false;
    await cache.get('r', ['x'], async () => {
      reloaded = true;
      return 0;
    });
    expect(reloaded).toBe(true);
  });
});

describe('auth cache under concurrent misses', () => {
  function fakeListener() {
    const hooks = { message: (_p: string) => {}, state: (_s: boolean) => {} };
    const db = {
      listen: (_c: string, m: (p: string) => void, s: (v: boolean) => void) => {
        hooks.message = m;
        hooks.state = s;
        return async () => {};
      },
    } as unknown as Database;
    return { db, hooks };
  }
  /** A load the test finishes by hand, counting how often it started. */
  function manualLoads() {
    const pending: ((v: number) => void)[] = [];
    let started = 0;
    const load = () =>
      new Promise<number>((resolve) => {
        started++;
        pending.push(resolve);
      });
    return { load, pending, started: () => started };
  }
  const tick = () => new Promise((r) => setImmediate(r));

  it('concurrent misses of one key share one load, and its value is cached', async () => {
    const { db, hooks } = fakeListener();
    const cache = createAuthCache(db);
    hooks.state(true);
    const { load, pending, started } = manualLoads();
    const waiting = Array.from({ length: 50 }, () => cache.get('k', ['t'], load));
    await tick();
    expect(started()).toBe(1);
    pending[0]!(7);
    expect(await Promise.all(waiting)).toEqual(Array(50).fill(7));
    expect(await cache.get('k', ['t'], load)).toBe(7);
    expect(started()).toBe(1);
  });

  it('a miss after an invalidation never joins a load that started before it', async () => {
    const { db, hooks } = fakeListener();
    const cache = createAuthCache(db);
    hooks.state(true);
    const { load, pending, started } = manualLoads();
    const before = cache.get('k', ['t'], load);
    await tick();
    hooks.message('t'); // e.g. the session was revoked while its row was being read
    const after = cache.get('k', ['t'], load);
    await tick();
    expect(started()).toBe(2);
    pending[0]!(1); // the stale read
    pending[1]!(2); // the fresh one
    expect(await before).toBe(1);
    expect(await after).toBe(2);
    // The stale value was never cached; the fresh one, loaded entirely after the notification, is.
    expect(await cache.get('k', ['t'], load)).toBe(2);
    expect(started()).toBe(2);
  });

  it('a failed load fails its waiters and is not kept: the next miss loads again', async () => {
    const { db, hooks } = fakeListener();
    const cache = createAuthCache(db);
    hooks.state(true);
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('connection lost');
    };
    const both = [cache.get('k', [], failing), cache.get('k', [], failing)];
    for (const p of both) await expect(p).rejects.toThrow('connection lost');
    expect(calls).toBe(1);
    expect(await cache.get('k', [], async () => 5)).toBe(5);
  });
});

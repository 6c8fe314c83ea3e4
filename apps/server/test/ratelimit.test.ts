/**
 * Request rate limits in memory (no REDIS_URL): per API key, and per user in an organization (a personal token
 * counts against its user), at the organization plan's rate; `RateLimit-Policy` / `RateLimit` on every limited
 * response, 2xx included; a 429 problem+json with `Retry-After` once the burst is spent; a plan change applies to
 * the next request; unauthenticated routes are left to their own per-IP protections.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestDatabase, signUp, startTestApp, testConfig, type TestApp } from '../../../test/helpers.js';
import { memoryLimiter, type Limiter } from '../src/platform/limiter/limiter.js';
import { createPlatform } from '../src/server.js';
import { adminQuery } from './support/features.js';

// One request a minute after the burst: within a test, exactly the burst is admitted.
const PLANS = {
  free: { requestsPerMinute: 1, burst: 4 },
  team: { requestsPerMinute: 1, burst: 8 },
};

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ RATE_LIMITS: 'true', RATE_LIMIT_PLANS: JSON.stringify(PLANS) });
});
afterAll(async () => {
  await app?.close();
});

function bearer(secret: string): Client {
  const c = new Client(app.url);
  c.token = secret;
  return c;
}

/**
 * An owner on the enterprise plan (room for the setup requests) with `n` API keys, and `setPlan`: change the org's
 * plan and wait until the process applies it (it learns by notification), polling with a key of its own, so no
 * bucket under test is spent.
 */
async function ownerWithKeys(n: number) {
  const owner = await signUp(app, 'owner');
  await adminQuery(app, `UPDATE organizations SET plan = 'enterprise' WHERE id = $1`, [owner.orgId]);
  const secrets: string[] = [];
  for (let i = 0; i <= n; i++) {
    const r = await owner.client.post('/api/v1/api-keys', { name: `k${i}`, role: 'viewer', scopes: ['org.read'] });
    expect(r.status, r.text).toBe(201);
    secrets.push(r.body.secret);
  }
  const probe = bearer(secrets.pop()!);
  const setPlan = async (plan: keyof typeof PLANS) => {
    await adminQuery(app, `UPDATE organizations SET plan = $2 WHERE id = $1`, [owner.orgId, plan]);
    const deadline = Date.now() + 2000;
    for (;;) {
      const policy = (await probe.get('/api/v1/org')).headers.get('ratelimit-policy');
      if (policy?.startsWith(`"${plan}";`)) return;
      if (Date.now() > deadline) throw new Error(`plan ${plan} not applied: ${policy}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return { owner, secrets, setPlan };
}

describe('per API key', () => {
  it('admits the plan’s burst with RateLimit headers, then 429 with Retry-After; each key has its own bucket', async () => {
    const { secrets, setPlan } = await ownerWithKeys(2);
    await setPlan('free');
    const [first, second] = secrets.map(bearer);
    const remaining: string[] = [];
    for (let i = 0; i < PLANS.free.burst; i++) {
      const r = await first!.get('/api/v1/org');
      expect(r.status, r.text).toBe(200);
      expect(r.headers.get('ratelimit-policy')).toBe('"free";q=1;w=60');
      remaining.push(r.headers.get('ratelimit')!);
    }
    expect(remaining.map((h) => /^"free";r=(\d+);t=(\d+)$/.exec(h)?.[1])).toEqual(['3', '2', '1', '0']);
    const refused = await first!.get('/api/v1/org');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body.code).toBe('rate_limited');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit')).toMatch(/^"free";r=0;t=\d+$/);
    // The other key is untouched.
    expect((await second!.get('/api/v1/org')).status).toBe(200);
  });

  it('a plan change applies to the next request (the cached plan is invalidated)', async () => {
    const { secrets, setPlan } = await ownerWithKeys(1);
    await setPlan('free');
    const key = bearer(secrets[0]!);
    for (let i = 0; i < PLANS.free.burst; i++) expect((await key.get('/api/v1/org')).status).toBe(200);
    expect((await key.get('/api/v1/org')).status).toBe(429);
    // The team plan's larger burst has room left for this key.
    await setPlan('team');
    const r = await key.get('/api/v1/org');
    expect(r.status).toBe(200);
    expect(r.headers.get('ratelimit-policy')).toBe('"team";q=1;w=60');
    expect(r.headers.get('ratelimit')).toMatch(/^"team";r=3;t=\d+$/);
  });
});

describe('per user', () => {
  it('a session and the same user’s personal token share one bucket per organization', async () => {
    // A fresh user in an org on the free plan from the start: sign-up and account routes take from the user's
    // own account bucket, not the org's.
    const owner = await signUp(app, 'owner');
    const t = await owner.client.post('/api/v1/tokens', { name: 'script', scopes: ['org.read'] });
    expect(t.status).toBe(201);
    expect(t.headers.get('ratelimit')).toBe(`"free";r=3;t=${/t=(\d+)/.exec(t.headers.get('ratelimit')!)![1]}`);
    const token = bearer(t.body.secret);
    const statuses: number[] = [];
    for (let i = 1; i < PLANS.free.burst + 2; i++) {
      statuses.push((await (i % 2 ? token : owner.client).get('/api/v1/org')).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // Session writes (authenticated inside their transaction) count against the same bucket.
    const w = await owner.client.patch('/api/v1/org', { name: 'Renamed' });
    expect(w.status).toBe(429);
    expect(w.headers.get('retry-after')).not.toBeNull();
  });

  it('another user of the same org has their own bucket; public routes carry no rate-limit headers', async () => {
    const a = await signUp(app, 'a');
    const b = await signUp(app, 'b');
    expect((await a.client.get('/api/v1/org')).headers.get('ratelimit')).toMatch(/^"free";r=\d+;t=\d+$/);
    expect((await b.client.get('/api/v1/org')).status).toBe(200);
    const pub = await new Client(app.url).get('/api/v1/openapi.json');
    expect(pub.headers.get('ratelimit')).toBeNull();
  });
});

describe('cost on the hot path', () => {
  it('one limiter call per authenticated request (one Lua round trip with Redis), none for public routes', async () => {
    // A second app on its own database whose limiter counts its calls (in memory underneath).
    const db = await createTestDatabase();
    const inner = memoryLimiter();
    let takes = 0;
    // Both entry points count: the memory limiter's synchronous `takeNow` is what requests use when present.
    const counting: Limiter = {
      ...inner,
      take: (...args) => ((takes += 1), inner.take(...args)),
      takeNow: (...args) => ((takes += 1), inner.takeNow!(...args)),
    };
    const platform = await createPlatform(testConfig(db.adminUrl, { RATE_LIMITS: 'true' }), { limiter: counting });
    try {
      await platform.built.app.listen({ port: 0, host: '127.0.0.1' });
      const addr = platform.built.app.server.address();
      const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
      const owner = await signUp({ url }, 'owner');
      const k = await owner.client.post('/api/v1/api-keys', { name: 'k', role: 'viewer', scopes: ['org.read'] });
      const key = new Client(url);
      key.token = k.body.secret;
      const count = async (call: () => Promise<unknown>) => {
        const before = takes;
        await call();
        return takes - before;
      };
      expect(await count(() => key.get('/api/v1/org'))).toBe(1); // key read
      expect(await count(() => owner.client.get('/api/v1/org'))).toBe(1); // session read
      expect(await count(() => owner.client.patch('/api/v1/org', { name: 'Renamed' }))).toBe(1); // session write
      expect(await count(() => owner.client.get('/api/v1/me'))).toBe(1); // account route
      expect(await count(() => new Client(url).get('/api/v1/openapi.json'))).toBe(0); // public
      expect(await count(() => key.get('/api/v1/members'))).toBe(0); // out of scope: refused before counting
    } finally {
      await platform.close();
      await db.drop();
    }
  });
});

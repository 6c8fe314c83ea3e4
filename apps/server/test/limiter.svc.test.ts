import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisLimiter } from '../src/platform/limiter/limiter.js';

// Real Redis on this machine. Two connections stand in for two server processes sharing one limiter.
const a = new Redis('redis://127.0.0.1:6379');
const b = new Redis('redis://127.0.0.1:6379');
afterAll(() => {
  a.disconnect();
  b.disconnect();
});

describe('Redis GCRA limiter', () => {
  it('admits exactly the burst under concurrent requests from two clients', async () => {
    const key = `test:${randomUUID()}`;
    const limit = { rate: 1, periodMs: 60_000, burst: 10 };
    const la = redisLimiter(a);
    const lb = redisLimiter(b);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? la : lb).take(key, limit)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
    const denied = results.find((r) => !r.allowed)!;
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    expect(denied.retryAfterMs).toBeLessThanOrEqual(60_000);
    await la.reset(key);
    expect((await lb.take(key, limit)).allowed).toBe(true);
  });
});

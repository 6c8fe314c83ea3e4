/** The Redis cache on this machine's Redis (started by .ci/run when down): the same contract as the in-memory one. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../test/helpers.js';
import { redisCache } from '../src/platform/cache/cache.js';
import { cacheContract } from './support/cache-contract.js';

const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
const prefix = `akashic:test:${randomBytes(4).toString('hex')}:`;
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
});

cacheContract('Redis', () => redisCache(redis, prefix));

describe('the Redis cache', () => {
  it('is shared: what one process invalidates, another no longer serves', async () => {
    const other = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 2 });
    try {
      const a = redisCache(redis, prefix);
      const b = redisCache(other, prefix);
      await a.set('shared', 1, 60_000, await a.generation('shared'));
      expect(await b.get('shared')).toBe(1);
      await b.invalidate('shared');
      expect(await a.get('shared')).toBeUndefined();
    } finally {
      other.disconnect();
    }
  });

  it('is the cache the server uses when REDIS_URL is set', async () => {
    const app = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:6379' });
    try {
      expect(app.platform.services.cache.kind).toBe('redis');
    } finally {
      await app.close();
    }
  });
});

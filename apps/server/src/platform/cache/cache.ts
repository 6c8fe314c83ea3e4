/**
 * A cache behind one small interface, beside the rate limiter: in-memory LRU with TTL for a single process, Redis
 * (shared by every process) when REDIS_URL is configured. Values are JSON.
 *
 * Invalidation races a load: a request that read the database just before a change committed must not store what
 * it read after the change's invalidation. Every key has a generation that `invalidate` bumps; `cached` notes it
 * before loading and stores only if it has not moved (atomically in Redis, one Lua script).
 */
import type { Redis } from 'ioredis';

export interface Cache {
  readonly kind: 'memory' | 'redis';
  get<T>(key: string): Promise<T | undefined>;
  /** The key's invalidation generation (0 until first invalidated). */
  generation(key: string): Promise<number>;
  /** Store `value` for `ttlMs` unless `key` was invalidated since `generation` was read; whether it was stored. */
  set(key: string, value: unknown, ttlMs: number, generation: number): Promise<boolean>;
  /** Drop the value and bump the generation, so loads in flight do not store what they read. */
  invalidate(key: string): Promise<void>;
  close(): Promise<void>;
}

/** The cached value of `key`, else `load()` — stored for `ttlMs` unless invalidated meanwhile. */
export async function cached<T>(cache: Cache, key: string, ttlMs: number, load: () => Promise<T>): Promise<T> {
  const hit = await cache.get<T>(key);
  if (hit !== undefined) return hit;
  const generation = await cache.generation(key);
  const value = await load();
  await cache.set(key, value, ttlMs, generation);
  return value;
}

export function memoryCache(options: { maxEntries?: number; now?: () => number } = {}): Cache {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  /** Insertion order = recency (a hit moves the entry to the end). */
  const values = new Map<string, { json: string; expires: number }>();
  const generations = new Map<string, number>();
  return {
    kind: 'memory',
    async get<T>(key: string) {
      const e = values.get(key);
      if (!e) return undefined;
      values.delete(key);
      if (e.expires <= now()) return undefined;
      values.set(key, e);
      return JSON.parse(e.json) as T;
    },
    async generation(key) {
      return generations.get(key) ?? 0;
    },
    async set(key, value, ttlMs, generation) {
      if ((generations.get(key) ?? 0) !== generation) return false;
      values.delete(key);
      values.set(key, { json: JSON.stringify(value), expires: now() + ttlMs });
      while (values.size > maxEntries) values.delete(values.keys().next().value!);
      return true;
    },
    async invalidate(key) {
      values.delete(key);
      generations.set(key, (generations.get(key) ?? 0) + 1);
      // Bounded: the oldest generations are forgotten (a load would have to outlast 2 × maxEntries invalidations
      // for that to matter).
      while (generations.size > maxEntries * 2) generations.delete(generations.keys().next().value!);
    },
    async close() {
      values.clear();
      generations.clear();
    },
  };
}

// KEYS[1] = value key, KEYS[2] = generation key; ARGV = json, ttl ms, generation seen before loading.
const SET_IF_CURRENT = `
if tonumber(redis.call('GET', KEYS[2]) or '0') ~= tonumber(ARGV[3]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;
/** Generations are kept well beyond any load's duration. */
const GENERATION_TTL_MS = 24 * 3600_000;

export function redisCache(redis: Redis, prefix = 'akashic:cache:'): Cache {
  const v = (key: string) => `${prefix}v:${key}`;
  const g = (key: string) => `${prefix}g:${key}`;
  return {
    kind: 'redis',
    async get<T>(key: string) {
      const json = await redis.get(v(key));
      return json === null ? undefined : (JSON.parse(json) as T);
    },
    async generation(key) {
      return Number((await redis.get(g(key))) ?? 0);
    },
    async set(key, value, ttlMs, generation) {
      const r = await redis.eval(SET_IF_CURRENT, 2, v(key), g(key), JSON.stringify(value), ttlMs, generation);
      return r === 1;
    },
    async invalidate(key) {
      await redis.multi().del(v(key)).incr(g(key)).pexpire(g(key), GENERATION_TTL_MS).exec();
    },
    async close() {},
  };
}

/**
 * Rate limiting behind one small interface: GCRA (generic cell rate algorithm), in memory for a single
 * process and atomic in Redis (one Lua script) when REDIS_URL is configured.
 */
import type { Redis } from 'ioredis';

export interface Limit {
  /** Requests allowed per period, at most `burst` back to back. */
  rate: number;
  periodMs: number;
  burst: number;
}

export interface LimitResult {
  allowed: boolean;
  /** Requests still available right now. */
  remaining: number;
  /** Milliseconds until the next request would be allowed (0 when allowed). */
  retryAfterMs: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
}

export interface Limiter {
  readonly kind: 'memory' | 'redis';
  take(key: string, limit: Limit, cost?: number): Promise<LimitResult>;
  /** The same step answered at once, where it needs no I/O (the memory limiter): no promise per request. */
  takeNow?(key: string, limit: Limit, cost?: number): LimitResult;
  /** Forget a key (e.g. after a successful sign-in). */
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

/** Pure GCRA step. `tat` is the theoretical arrival time; returns the new tat when allowed. */
export function gcra(now: number, tat: number | undefined, limit: Limit, cost = 1) {
  const interval = limit.periodMs / limit.rate;
  const tolerance = interval * limit.burst;
  const base = Math.max(tat ?? now, now);
  const newTat = base + interval * cost;
  const allowAt = newTat - tolerance;
  if (allowAt > now) {
    return {
      allowed: false,
      tat: tat ?? now,
      remaining: 0,
      retryAfterMs: Math.ceil(allowAt - now),
      resetMs: Math.ceil(base - now),
    };
  }
  return {
    allowed: true,
    tat: newTat,
    remaining: Math.max(0, Math.floor((now - allowAt) / interval)),
    retryAfterMs: 0,
    resetMs: Math.ceil(newTat - now),
  };
}

export function memoryLimiter(now: () => number = Date.now): Limiter {
  const tats = new Map<string, number>();
  let sweeps = 0;
  const takeNow = (key: string, limit: Limit, cost = 1): LimitResult => {
    const t = now();
    const r = gcra(t, tats.get(key), limit, cost);
    if (r.allowed) tats.set(key, r.tat);
    if (++sweeps % 10_000 === 0) for (const [k, v] of tats) if (v < t) tats.delete(k);
    return r;
  };
  return {
    kind: 'memory',
    takeNow,
    async take(key, limit, cost = 1) {
      const r = takeNow(key, limit, cost);
      return { allowed: r.allowed, remaining: r.remaining, retryAfterMs: r.retryAfterMs, resetMs: r.resetMs };
    },
    async reset(key) {
      tats.delete(key);
    },
    async close() {},
  };
}

// KEYS[1] = key; ARGV = interval_ms, tolerance_ms, cost. Uses the server clock so all processes agree.
const GCRA_LUA = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
local base = math.max(tat, now)
local new_tat = base + interval * cost
local allow_at = new_tat - tolerance
if allow_at > now then
  return {0, 0, math.ceil(allow_at - now), math.ceil(base - now)}
end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil(new_tat - now) + 1000)
return {1, math.floor((now - allow_at) / interval), 0, math.ceil(new_tat - now)}
`;

export function redisLimiter(redis: Redis, prefix = 'akashic:rl:'): Limiter {
  return {
    kind: 'redis',
    async take(key, limit, cost = 1) {
      const interval = limit.periodMs / limit.rate;
      const r = (await redis.eval(GCRA_LUA, 1, prefix + key, interval, interval * limit.burst, cost)) as number[];
      return { allowed: r[0] === 1, remaining: r[1]!, retryAfterMs: r[2]!, resetMs: r[3]! };
    },
    async reset(key) {
      await redis.del(prefix + key);
    },
    async close() {},
  };
}

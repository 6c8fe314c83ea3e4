/**
 * Request rate limits per API key and per user (a personal token counts against its user), at the rate of the
 * organization's plan (plans.ts), with GCRA through the shared `Limiter`: atomic in Redis when REDIS_URL is set
 * (one round trip), in process memory otherwise (none). The plan is read through the auth cache, which drizzle/0015
 * invalidates when it changes. Every limited response carries `RateLimit-Policy` and `RateLimit`
 * (draft-ietf-httpapi-ratelimit-headers, structured fields); a refused one is a 429 with `Retry-After`.
 */
import type { Database, Tx, TxContext } from '../../db/index.js';
import { AppError } from '../errors.js';
import type { AuthCache } from '../identity/auth-cache.js';
import type { Limit, Limiter, LimitResult } from './limiter.js';
import { planOf, type PlanLimit, type PlanName } from './plans.js';

export interface RateLimitConfig {
  enabled: boolean;
  plans: Readonly<Record<PlanName, PlanLimit>>;
}

type HeaderSink = { header(name: string, value: string): unknown };

export interface RequestLimiter {
  readonly enabled: boolean;
  /**
   * Count one request of `subject` against `plan`; sets the rate-limit headers on `reply`, throws `rate_limited`
   * when the bucket is empty. Answers at once (no promise) when the limiter needs no I/O.
   */
  take(subject: string, plan: PlanName, reply: HeaderSink): void | Promise<void>;
  /**
   * The plan of an organization, cached. `tx` (already in that org's context) reads it without another checkout;
   * else it is read on the read pool in `context`, which should be the request's own, so that the connection
   * keeps the context the request's query needs.
   */
  planOf(orgId: string, tx?: Tx, context?: TxContext): Promise<PlanName>;
  /** The plan when the cache holds it, else undefined: the synchronous fast path. */
  cachedPlan(orgId: string): PlanName | undefined;
}

const PERIOD_MS = 60_000;

interface PlanRate {
  name: PlanName;
  limit: Limit;
  /** The `RateLimit-Policy` header, the same for every response of the plan. */
  policy: string;
  /** `"<plan>";r=` — the `RateLimit` header's constant start. */
  prefix: string;
}

/** Headers of a counted request; a refusal throws. */
function answer(r: LimitResult, plan: PlanRate, reply: HeaderSink): void {
  reply.header('ratelimit-policy', plan.policy);
  reply.header('ratelimit', `${plan.prefix}${r.remaining};t=${Math.ceil(r.resetMs / 1000)}`);
  if (!r.allowed) {
    throw new AppError('rate_limited', `Rate limit of the ${plan.name} plan reached: retry later`, {
      retryAfter: Math.max(1, Math.ceil(r.retryAfterMs / 1000)),
    });
  }
}

const planKey = (orgId: string) => `plan:${orgId}`;

export function createRequestLimiter(
  config: RateLimitConfig,
  limiter: Limiter,
  db: Database,
  cache: AuthCache,
): RequestLimiter {
  const plans = new Map<PlanName, PlanRate>();
  for (const [name, p] of Object.entries(config.plans) as [PlanName, PlanLimit][]) {
    plans.set(name, {
      name,
      limit: { rate: p.requestsPerMinute, periodMs: PERIOD_MS, burst: p.burst },
      policy: `"${name}";q=${p.requestsPerMinute};w=${PERIOD_MS / 1000}`,
      prefix: `"${name}";r=`,
    });
  }

  return {
    enabled: config.enabled,
    take(subject, planName, reply) {
      const plan = plans.get(planName)!;
      const key = `req:${subject}`;
      if (limiter.takeNow) return answer(limiter.takeNow(key, plan.limit), plan, reply);
      return limiter.take(key, plan.limit).then((r) => answer(r, plan, reply));
    },
    cachedPlan: (orgId) => cache.peek<PlanName>(planKey(orgId)),
    planOf(orgId, tx, context) {
      const key = planKey(orgId);
      return cache.get(key, [key], async () => {
        const read = async (t: Tx) => {
          const { rows } = await t.client.query<{ plan: string }>('SELECT plan FROM organizations WHERE id = $1', [
            orgId,
          ]);
          return planOf(rows[0]?.plan ?? 'free');
        };
        return tx ? read(tx) : db.read(context ?? { orgId }, read);
      });
    },
  };
}

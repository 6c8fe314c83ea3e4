/**
 * Request rate limits per API key and per user (a personal token counts against its user), at the rate of the
 * organization's plan (plans.ts), with GCRA through the shared `Limiter`: atomic in Redis when REDIS_URL is set
 * (one round trip), in process memory otherwise (none). The plan is read through the auth cache, which drizzle/0015
 * invalidates when it changes. Every limited response carries `RateLimit-Policy` and `RateLimit`
 * (draft-ietf-httpapi-ratelimit-headers, structured fields); a refused one is a 429 with `Retry-After`.
 */
import type { Database, Tx } from '../../db/index.js';
import { AppError } from '../errors.js';
import type { AuthCache } from '../identity/auth-cache.js';
import type { Limit, Limiter } from './limiter.js';
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
   * when the bucket is empty.
   */
  take(subject: string, plan: PlanName, reply: HeaderSink): Promise<void>;
  /** The plan of an organization, cached; `tx` (already in that org's context) reads it without another checkout. */
  planOf(orgId: string, tx?: Tx): Promise<PlanName>;
}

const PERIOD_MS = 60_000;

export function createRequestLimiter(
  config: RateLimitConfig,
  limiter: Limiter,
  db: Database,
  cache: AuthCache,
): RequestLimiter {
  const limits = new Map<PlanName, { limit: Limit; policy: string }>();
  for (const [name, p] of Object.entries(config.plans) as [PlanName, PlanLimit][]) {
    limits.set(name, {
      limit: { rate: p.requestsPerMinute, periodMs: PERIOD_MS, burst: p.burst },
      policy: `"${name}";q=${p.requestsPerMinute};w=${PERIOD_MS / 1000}`,
    });
  }

  return {
    enabled: config.enabled,
    async take(subject, plan, reply) {
      const { limit, policy } = limits.get(plan)!;
      const r = await limiter.take(`req:${subject}`, limit);
      reply.header('ratelimit-policy', policy);
      reply.header('ratelimit', `"${plan}";r=${r.remaining};t=${Math.ceil(r.resetMs / 1000)}`);
      if (!r.allowed) {
        throw new AppError('rate_limited', `Rate limit of the ${plan} plan reached: retry later`, {
          retryAfter: Math.max(1, Math.ceil(r.retryAfterMs / 1000)),
        });
      }
    },
    planOf(orgId, tx) {
      const key = `plan:${orgId}`;
      return cache.get(key, [key], async () => {
        const read = async (t: Tx) => {
          const { rows } = await t.client.query<{ plan: string }>('SELECT plan FROM organizations WHERE id = $1', [
            orgId,
          ]);
          return planOf(rows[0]?.plan ?? 'free');
        };
        return tx ? read(tx) : db.read({ orgId }, read);
      });
    },
  };
}

/**
 * The organization plans and the request rate each allows: the one table of them. An organization's `plan` column
 * names one; an unknown name is held to `free`. Operators may override the numbers with RATE_LIMIT_PLANS
 * (config.ts), never the names.
 */
export const PLAN_NAMES = ['free', 'team', 'enterprise'] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

export interface PlanLimit {
  /** Sustained requests per minute, per API key and per user in an organization. */
  requestsPerMinute: number;
  /** Requests that may arrive back to back before the sustained rate applies. */
  burst: number;
}

export const DEFAULT_PLAN_LIMITS: Readonly<Record<PlanName, PlanLimit>> = {
  free: { requestsPerMinute: 300, burst: 60 },
  team: { requestsPerMinute: 1_200, burst: 200 },
  enterprise: { requestsPerMinute: 6_000, burst: 1_000 },
};

export const planOf = (name: string): PlanName =>
  (PLAN_NAMES as readonly string[]).includes(name) ? (name as PlanName) : 'free';

/**
 * What happens after a delivery attempt, as a pure function of its outcome, the event's and the endpoint's history,
 * the clock and a random source.
 *
 * Retries back off exponentially with full jitter: retry n falls uniformly anywhere in its window
 * [W(n-1), W(n)) after the first attempt, where W(n) = Σ min(cap, base·factorᵏ⁻¹) for k ≤ n. Drawing over the whole
 * window spreads the retries of many failing deliveries apart, and measuring windows from the first attempt keeps
 * the span of the schedule fixed whatever the draws. The default (1 min base, ×4, capped at 8 h, 9 retries):
 *
 * | retry | window after the first attempt |     | retry | window after the first attempt |
 * |-------|--------------------------------|-----|-------|--------------------------------|
 * | 1     | 0 – 1 min                      |     | 6     | 5 h 41 min – 13 h 41 min       |
 * | 2     | 1 – 5 min                      |     | 7     | 13 h 41 min – 21 h 41 min      |
 * | 3     | 5 – 21 min                     |     | 8     | 21 h 41 min – 29 h 41 min      |
 * | 4     | 21 min – 1 h 25 min            |     | 9     | 29 h 41 min – 37 h 41 min      |
 * | 5     | 1 h 25 min – 5 h 41 min        |     |       |                                |
 *
 * so 10 attempts in all, the last at least 29 h 41 min after the first. A `Retry-After` answer (seconds or an
 * HTTP date, capped at `retryAfterCapMs`) moves a retry later, never earlier. 410 Gone disables the endpoint at
 * once. A success resets the endpoint's failure streak; once it has failed without a success for 5 days, the
 * endpoint is disabled and an operational event is emitted. After the last retry the event is given up on (it can
 * still be redelivered by hand) while the endpoint stays enabled.
 */

export interface RetryPolicy {
  baseMs: number;
  factor: number;
  capMs: number;
  /** Retries after the first attempt. */
  retries: number;
  /** The longest `Retry-After` honoured. */
  retryAfterCapMs: number;
  /** An endpoint failing without a success this long is disabled. */
  disableAfterMs: number;
}

const HOUR = 3600_000;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseMs: 60_000,
  factor: 4,
  capMs: 8 * HOUR,
  retries: 9,
  retryAfterCapMs: 8 * HOUR,
  disableAfterMs: 5 * 24 * HOUR,
};

export const ENDPOINT_DISABLED_EVENT = 'platform.webhook_endpoint.disabled';

/** [from, to) in ms after the first attempt, for retry `n` (1-based). */
export function retryWindow(n: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): { fromMs: number; toMs: number } {
  let fromMs = 0;
  let toMs = 0;
  for (let k = 1; k <= n; k++) {
    fromMs = toMs;
    toMs += Math.min(policy.capMs, policy.baseMs * policy.factor ** (k - 1));
  }
  return { fromMs, toMs };
}

/** Milliseconds a `Retry-After` value asks for (delay-seconds or HTTP-date), or null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime());
}

export interface AttemptInput {
  /** The answer's status, null when none arrived (refused, DNS, timeout, network). */
  status: number | null;
  retryAfter?: string | undefined;
  /** The attempt just made: 1 for the first delivery. */
  attempt: number;
  firstAttemptAt: Date;
  /** When the endpoint's current run of failures began; null when its last attempt succeeded. */
  failingSince: Date | null;
  now: Date;
}

export type Decision =
  | { kind: 'delivered'; failingSince: null }
  | { kind: 'retry'; at: Date; failingSince: Date }
  | { kind: 'give_up'; failingSince: Date }
  | {
      kind: 'disable';
      reason: 'gone' | 'failing';
      failingSince: Date;
      /** Emitted when an endpoint is disabled for failing (`ENDPOINT_DISABLED_EVENT`). */
      operationalEvent?: { type: typeof ENDPOINT_DISABLED_EVENT; reason: 'failing'; failingSince: string };
    };

export function nextStep(
  input: AttemptInput,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  random: () => number = Math.random,
): Decision {
  const { status, now } = input;
  if (status !== null && status >= 200 && status < 300) return { kind: 'delivered', failingSince: null };
  const failingSince = input.failingSince ?? now;
  if (status === 410) return { kind: 'disable', reason: 'gone', failingSince };
  if (now.getTime() - failingSince.getTime() >= policy.disableAfterMs) {
    return {
      kind: 'disable',
      reason: 'failing',
      failingSince,
      operationalEvent: { type: ENDPOINT_DISABLED_EVENT, reason: 'failing', failingSince: failingSince.toISOString() },
    };
  }
  if (input.attempt > policy.retries) return { kind: 'give_up', failingSince };
  const { fromMs, toMs } = retryWindow(input.attempt, policy);
  const drawn = input.firstAttemptAt.getTime() + fromMs + Math.floor(random() * (toMs - fromMs));
  const asked = parseRetryAfter(input.retryAfter, now);
  const notBefore = now.getTime() + Math.min(asked ?? 0, policy.retryAfterCapMs);
  return { kind: 'retry', at: new Date(Math.max(drawn, notBefore)), failingSince };
}

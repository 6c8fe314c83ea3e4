import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RETRY_POLICY,
  ENDPOINT_DISABLED_EVENT,
  nextStep,
  parseRetryAfter,
  retryWindow,
  type AttemptInput,
} from '../src/platform/webhooks/retry.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const t0 = new Date('2025-03-01T00:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const failed = (attempt: number, nowMs: number, extra: Partial<AttemptInput> = {}): AttemptInput => ({
  status: 500,
  attempt,
  firstAttemptAt: t0,
  failingSince: t0,
  now: at(nowMs),
  ...extra,
});

/** Run the whole schedule with a fixed draw: every attempt fails at the moment it was scheduled. */
function schedule(draw: number) {
  const times = [0];
  for (let attempt = 1; ; attempt++) {
    const d = nextStep(failed(attempt, times.at(-1)!), DEFAULT_RETRY_POLICY, () => draw);
    if (d.kind !== 'retry') return { times, last: d };
    times.push(d.at.getTime() - t0.getTime());
  }
}

describe('webhook retry policy', () => {
  it('has the documented windows', () => {
    const windows = Array.from({ length: 9 }, (_, i) => retryWindow(i + 1));
    expect(windows.map((w) => [w.fromMs / MIN, w.toMs / MIN])).toEqual([
      [0, 1],
      [1, 5],
      [5, 21],
      [21, 85],
      [85, 341],
      [341, 821],
      [821, 1301],
      [1301, 1781],
      [1781, 2261],
    ]);
  });

  it('spans at least 27 hours over at least 8 attempts, whatever the draws', () => {
    const earliest = schedule(0);
    const latest = schedule(0.999999);
    for (const s of [earliest, latest]) {
      expect(s.times.length).toBe(10);
      expect(s.times.at(-1)!).toBeGreaterThanOrEqual(27 * HOUR);
      expect(s.last.kind).toBe('give_up');
    }
    expect(earliest.times.at(-1)).toBe(1781 * MIN); // 29 h 41 min
    expect(latest.times.at(-1)).toBeLessThan(2261 * MIN); // 37 h 41 min
  });

  it('draws each retry uniformly within its window (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 9 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (n, r) => {
          const { fromMs, toMs } = retryWindow(n);
          const d = nextStep(failed(n, fromMs), DEFAULT_RETRY_POLICY, () => r);
          expect(d.kind).toBe('retry');
          const offset = (d as { at: Date }).at.getTime() - t0.getTime();
          expect(offset).toBeGreaterThanOrEqual(fromMs);
          expect(offset).toBeLessThan(toMs);
          expect(offset).toBe(fromMs + Math.floor(r * (toMs - fromMs)));
        },
      ),
    );
  });

  it('honours Retry-After in seconds or as an HTTP date, capped, and never retries earlier for it', () => {
    const now = at(30_000);
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(new Date(now.getTime() + 90_000).toUTCString(), now)).toBe(90_000);
    expect(parseRetryAfter('yesterday', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();

    const asked = nextStep(failed(1, 30_000, { status: 429, retryAfter: '600' }), undefined, () => 0);
    expect(asked).toMatchObject({ kind: 'retry', at: at(30_000 + 600_000) });
    const dated = new Date(t0.getTime() + 30_000 + 7200_000).toUTCString();
    expect(nextStep(failed(1, 30_000, { status: 503, retryAfter: dated }), undefined, () => 0)).toMatchObject({
      kind: 'retry',
      at: at(30_000 + 7200_000),
    });
    const capped = nextStep(failed(1, 30_000, { status: 429, retryAfter: String(30 * 24 * 3600) }), undefined, () => 0);
    expect(capped).toMatchObject({ kind: 'retry', at: at(30_000 + 8 * HOUR) });
    // A Retry-After sooner than the drawn time does not bring the retry forward.
    const soon = nextStep(failed(5, 85 * MIN, { status: 429, retryAfter: '1' }), undefined, () => 0.5);
    expect(soon).toMatchObject({ kind: 'retry', at: at((85 + (341 - 85) / 2) * MIN) });
  });

  it('disables the endpoint on 410 Gone at once', () => {
    expect(nextStep(failed(1, 0, { status: 410, failingSince: null }))).toEqual({
      kind: 'disable',
      reason: 'gone',
      failingSince: t0,
    });
  });

  it('resets the failure streak on success, starts one on a failure and keeps it', () => {
    expect(nextStep(failed(3, HOUR, { status: 204 }))).toEqual({ kind: 'delivered', failingSince: null });
    for (const status of [null, 301, 404, 500]) {
      expect(nextStep(failed(1, HOUR, { status, failingSince: null }))).toMatchObject({ failingSince: at(HOUR) });
      expect(nextStep(failed(1, HOUR, { status, failingSince: t0 }))).toMatchObject({ failingSince: t0 });
    }
  });

  it('disables the endpoint with an operational event after 5 days of failures without a success', () => {
    const justUnder = nextStep(failed(2, 5 * 24 * HOUR - 1), undefined, () => 0);
    expect(justUnder.kind).toBe('retry');
    expect(nextStep(failed(2, 5 * 24 * HOUR))).toEqual({
      kind: 'disable',
      reason: 'failing',
      failingSince: t0,
      operationalEvent: { type: ENDPOINT_DISABLED_EVENT, reason: 'failing', failingSince: t0.toISOString() },
    });
  });
});

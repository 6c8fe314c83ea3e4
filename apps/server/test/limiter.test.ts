import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gcra, memoryLimiter, type Limit } from '../src/platform/limiter/limiter.js';

/** Exact oracle: GCRA admits at most `burst + floor(elapsed / interval)` requests in any window from the start. */
describe('GCRA limiter', () => {
  it('admits the burst at once, then one request per interval, and says when to retry', async () => {
    let now = 1_000_000;
    const l = memoryLimiter(() => now);
    const limit: Limit = { rate: 10, periodMs: 1000, burst: 3 };
    const first = await l.take('k', limit);
    expect(first).toMatchObject({ allowed: true, remaining: 2 });
    expect((await l.take('k', limit)).allowed).toBe(true);
    expect((await l.take('k', limit)).allowed).toBe(true);
    const denied = await l.take('k', limit);
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBe(100);
    now += 100;
    expect((await l.take('k', limit)).allowed).toBe(true);
    expect((await l.take('other', limit)).allowed).toBe(true);
  });

  it('never admits more than the limit allows over any schedule (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { minLength: 1, maxLength: 300 }),
        (rate, burst, gaps) => {
          const limit = { rate, periodMs: 1000, burst };
          const interval = 1000 / rate;
          let tat: number | undefined;
          let t = 0;
          const admitted: number[] = [];
          for (const gap of gaps) {
            t += gap;
            const r = gcra(t, tat, limit);
            if (r.allowed) {
              tat = r.tat;
              admitted.push(t);
            }
          }
          // For every window [admitted[i], admitted[j]] the count is bounded by burst + span / interval.
          for (let i = 0; i < admitted.length; i++) {
            for (let j = i; j < admitted.length; j++) {
              const span = admitted[j]! - admitted[i]!;
              expect(j - i + 1).toBeLessThanOrEqual(burst + Math.floor(span / interval + 1e-9));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

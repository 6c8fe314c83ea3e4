/** Forecast scoring. Probabilities are clipped to [0.001, 0.999] for log loss. */
export interface Scored {
  brier: number;
  logLoss: number;
  called: number;
  n: number;
  mae: number;
  cov80: number;
  cov95: number;
  /**
   * mean interval score of the 80% and 95% intervals (width plus 2/alpha times the miss, in the outcome's units; a
   * proper score, lower is better); NaN without intervals
   */
  is80: number;
  is95: number;
}

/** Interval score of a central (1 - alpha) interval [lo, hi] for the outcome y (Gneiting and Raftery 2007). */
export const intervalScore = (lo: number, hi: number, y: number, alpha: number): number =>
  hi - lo + (2 / alpha) * (Math.max(0, lo - y) + Math.max(0, y - hi));

export interface Prediction {
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
  /** probability that the outcome exceeds 0.5 (omit for non-binary quantities) */
  p?: number;
}

export function score(preds: Prediction[], actual: number[]): Scored {
  let brier = 0;
  let ll = 0;
  let called = 0;
  let mae = 0;
  let c80 = 0;
  let c95 = 0;
  let is80 = 0;
  let is95 = 0;
  preds.forEach((p, i) => {
    const a = actual[i]!;
    mae += Math.abs(p.mean - a);
    if (a >= p.lo80 && a <= p.hi80) c80++;
    if (a >= p.lo95 && a <= p.hi95) c95++;
    is80 += intervalScore(p.lo80, p.hi80, a, 0.2);
    is95 += intervalScore(p.lo95, p.hi95, a, 0.05);
    if (p.p !== undefined) {
      const o = a > 0.5 ? 1 : 0;
      brier += (p.p - o) ** 2;
      const q = Math.min(0.999, Math.max(0.001, o ? p.p : 1 - p.p));
      ll -= Math.log(q);
      if ((p.p > 0.5 ? 1 : 0) === o) called++;
    }
  });
  const n = preds.length;
  const hasP = preds.some((p) => p.p !== undefined);
  const hasIntervals = preds.every((p) => Number.isFinite(p.lo80) && Number.isFinite(p.hi80));
  return {
    brier: hasP ? brier / n : NaN,
    logLoss: hasP ? ll / n : NaN,
    called: hasP ? called : NaN,
    n,
    mae: mae / n,
    cov80: hasIntervals ? c80 / n : NaN,
    cov95: hasIntervals ? c95 / n : NaN,
    is80: hasIntervals ? is80 / n : NaN,
    is95: hasIntervals ? is95 / n : NaN,
  };
}

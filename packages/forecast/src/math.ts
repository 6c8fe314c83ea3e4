/** Small numeric helpers: logit scale, normal distribution, weighted statistics, ridge regression, root finding. */

export const logit = (p: number): number => {
  const q = Math.min(Math.max(p, 1e-6), 1 - 1e-6);
  return Math.log(q / (1 - q));
};
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 via erf, |error| < 1.5e-7). */
export function normCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
    2.506628277459239,
  ];
  const b = [
    -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
  ];
  const c = [
    -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

export function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
}
export function mean(xs: ArrayLike<number>): number {
  return xs.length ? sum(xs) / xs.length : NaN;
}
export function weightedMean(xs: ArrayLike<number>, ws: ArrayLike<number>): number {
  let s = 0;
  let w = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i]! * ws[i]!;
    w += ws[i]!;
  }
  return w > 0 ? s / w : NaN;
}
export function sd(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return xs.length > 1 ? Math.sqrt(s / (xs.length - 1)) : NaN;
}
export function rms(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]! ** 2;
  return xs.length ? Math.sqrt(s / xs.length) : NaN;
}

/** Quantile of an already sorted array (linear interpolation, type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}
/**
 * Bins of equal count: the `bins - 1` inner quantiles of `values` as `breaks`, and `bin(x)`, a value's bin (0 = at or
 * below the first break). How county and state sizes are binned for residual distributions.
 */
export function quantileBinner(values: ArrayLike<number>, bins: number): { breaks: number[]; bin(x: number): number } {
  const sorted = Float64Array.from(values).sort();
  const breaks = Array.from({ length: bins - 1 }, (_, k) => quantileSorted(sorted, (k + 1) / bins));
  return {
    breaks,
    bin(x) {
      let b = 0;
      while (b < breaks.length && x > breaks[b]!) b++;
      return b;
    },
  };
}
export function quantile(xs: ArrayLike<number>, p: number): number {
  return quantileSorted(Float64Array.from(xs as ArrayLike<number>).sort(), p);
}

/** Solves (X'WX + diag(lambda)) b = X'Wy by Cholesky. `penalty[j]` is the ridge penalty of column j (0 = unpenalised). */
export function ridge(X: number[][], y: number[], w: number[] | null, penalty: number[]): number[] {
  const p = penalty.length;
  const A: number[][] = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const b = new Array<number>(p).fill(0);
  for (let i = 0; i < X.length; i++) {
    const xi = X[i]!;
    const wi = w ? w[i]! : 1;
    if (wi === 0) continue;
    for (let j = 0; j < p; j++) {
      const v = xi[j]! * wi;
      if (v === 0) continue;
      b[j]! += v * y[i]!;
      const row = A[j]!;
      for (let k = j; k < p; k++) row[k]! += v * xi[k]!;
    }
  }
  for (let j = 0; j < p; j++) {
    A[j]![j]! += penalty[j]! + 1e-9;
    for (let k = 0; k < j; k++) A[j]![k] = A[k]![j]!;
  }
  return choleskySolve(A, b);
}

export function choleskySolve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const L: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i]![j]!;
      for (let k = 0; k < j; k++) s -= L[i]![k]! * L[j]![k]!;
      if (i === j) L[i]![i] = Math.sqrt(Math.max(s, 1e-12));
      else L[i]![j] = s / L[j]![j]!;
    }
  }
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i]![k]! * z[k]!;
    z[i] = s / L[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k]![i]! * x[k]!;
    x[i] = s / L[i]![i]!;
  }
  return x;
}

/** Root of a monotone increasing function on [lo, hi] by bisection. */
export function bisect(f: (x: number) => number, target: number, lo: number, hi: number, tol = 1e-10): number {
  let a = lo;
  let b = hi;
  for (let i = 0; i < 200 && b - a > tol; i++) {
    const m = (a + b) / 2;
    if (f(m) < target) a = m;
    else b = m;
  }
  return (a + b) / 2;
}

export const round = (x: number, digits = 4): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/**
 * L2-penalized logistic regression on a fixed expansion of the turnout features: unknown-value indicators, an age
 * spline, log tenure and a few interactions (presidential year with vote history, last x previous vote). Columns are
 * standardized on the training rows and the fit is Newton's method with a Cholesky solve.
 * Contributions are coefficient x (x - training mean) in standardized units, summed back onto the base features.
 */
import { FEATURES, featureIndex } from './features.js';

interface DesignColumn {
  name: string;
  /** index of the base feature the column is credited to */
  group: number;
  value: (x: Float32Array, o: number) => number;
}

const known = (v: number) => (v >= 0 ? v : 0);

function designColumns(): DesignColumn[] {
  const cols: DesignColumn[] = [];
  const age = featureIndex('age');
  const tenure = featureIndex('tenure_years');
  const pres = featureIndex('presidential_year');
  FEATURES.forEach((spec, j) => {
    if (j === age) {
      cols.push({ name: 'age', group: j, value: (x, o) => known(x[o + j]!) / 10 });
      for (const knot of [30, 45, 65, 80])
        cols.push({ name: `age>${knot}`, group: j, value: (x, o) => Math.max(0, x[o + j]! - knot) / 10 });
    } else if (j === tenure) {
      cols.push({ name: 'log_tenure', group: j, value: (x, o) => Math.log1p(known(x[o + j]!)) });
    } else cols.push({ name: spec.name, group: j, value: (x, o) => known(x[o + j]!) });
    if (spec.missing) cols.push({ name: `${spec.name}_unknown`, group: j, value: (x, o) => (x[o + j]! < 0 ? 1 : 0) });
  });
  for (const name of ['same_weighted', 'same_last', 'same_cycle', 'general_last', 'age', 'same_rate'] as const) {
    const j = featureIndex(name);
    cols.push({
      name: `presidential_year*${name}`,
      group: j,
      value: (x, o) => x[o + pres]! * known(x[o + j]!) * (name === 'age' ? 0.1 : 1),
    });
  }
  const last = featureIndex('same_last');
  const prev = featureIndex('same_prev');
  cols.push({ name: 'same_last*same_prev', group: last, value: (x, o) => known(x[o + last]!) * known(x[o + prev]!) });
  const rate = featureIndex('same_rate');
  const elig = featureIndex('same_eligible');
  cols.push({
    name: 'same_rate*log_eligible',
    group: rate,
    value: (x, o) => known(x[o + rate]!) * Math.log1p(x[o + elig]!),
  });
  return cols;
}

export interface LogisticModel {
  kind: 'logistic';
  features: number;
  columns: string[];
  groups: Int32Array;
  mean: Float64Array;
  scale: Float64Array;
  /** coefficients on standardized columns; intercept first */
  beta: Float64Array;
}

const COLUMNS = designColumns();

function expand(X: Float32Array, r: number, F: number, z: Float64Array) {
  const o = r * F;
  for (let c = 0; c < COLUMNS.length; c++) z[c] = COLUMNS[c]!.value(X, o);
}

export function fitLogistic(
  X: Float32Array,
  y: Uint8Array,
  F: number,
  rows: Uint32Array,
  lambda = 1,
  maxRows = 80_000,
  maxIter = 25,
): LogisticModel {
  const D = COLUMNS.length;
  if (rows.length > maxRows) {
    // an evenly spaced subset: enough for ~50 coefficients, and Newton steps cost rows x columns^2
    const step = rows.length / maxRows;
    rows = Uint32Array.from({ length: maxRows }, (_, k) => rows[Math.floor(k * step)]!);
  }
  const n = rows.length;
  const Z = new Float64Array(n * D);
  const z = new Float64Array(D);
  const mean = new Float64Array(D);
  const sq = new Float64Array(D);
  for (let k = 0; k < n; k++) {
    expand(X, rows[k]!, F, z);
    Z.set(z, k * D);
    for (let c = 0; c < D; c++) {
      mean[c] = mean[c]! + z[c]!;
      sq[c] = sq[c]! + z[c]! * z[c]!;
    }
  }
  const scale = new Float64Array(D);
  for (let c = 0; c < D; c++) {
    mean[c] = mean[c]! / Math.max(1, n);
    const v = sq[c]! / Math.max(1, n) - mean[c]! * mean[c]!;
    scale[c] = v > 1e-12 ? Math.sqrt(v) : 0; // constant column: dropped (coefficient stays 0)
  }
  for (let k = 0; k < n; k++)
    for (let c = 0; c < D; c++) {
      const s = scale[c]!;
      Z[k * D + c] = s ? (Z[k * D + c]! - mean[c]!) / s : 0;
    }
  const P = D + 1;
  const beta = new Float64Array(P);
  let pos = 0;
  for (let k = 0; k < n; k++) pos += y[rows[k]!]!;
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, pos / Math.max(1, n)));
  beta[0] = Math.log(rate / (1 - rate));
  const grad = new Float64Array(P);
  const hess = new Float64Array(P * P);
  let lastDeviance = Infinity;
  for (let iter = 0; iter < maxIter; iter++) {
    grad.fill(0);
    hess.fill(0);
    let deviance = 0;
    for (let k = 0; k < n; k++) {
      const o = k * D;
      let eta = beta[0]!;
      for (let c = 0; c < D; c++) eta += beta[c + 1]! * Z[o + c]!;
      const p = 1 / (1 + Math.exp(-eta));
      deviance -= y[rows[k]!] ? Math.log(Math.max(p, 1e-300)) : Math.log(Math.max(1 - p, 1e-300));
      const w = Math.max(p * (1 - p), 1e-9);
      const r = p - y[rows[k]!]!;
      grad[0] = grad[0]! + r;
      hess[0] = hess[0]! + w;
      for (let a = 0; a < D; a++) {
        const za = Z[o + a]!;
        if (za === 0) continue;
        grad[a + 1] = grad[a + 1]! + r * za;
        const wa = w * za;
        hess[a + 1] = hess[a + 1]! + wa; // row 0, column a+1
        const row = (a + 1) * P;
        for (let b = 0; b <= a; b++) hess[row + b + 1] = hess[row + b + 1]! + wa * Z[o + b]!;
      }
    }
    for (let a = 1; a < P; a++) {
      hess[a * P] = hess[a]!; // column 0 from row 0
      for (let b = 1; b < a; b++) hess[b * P + a] = hess[a * P + b]!;
      hess[a * P + a] = hess[a * P + a]! + (scale[a - 1] ? lambda : 1);
      grad[a] = grad[a]! + (scale[a - 1] ? lambda : 1) * beta[a]!;
    }
    // converged when the deviance no longer moves (Newton's steps on near-collinear columns may stay non-zero)
    if (Math.abs(lastDeviance - deviance) < 1e-7 * Math.max(1, deviance)) break;
    lastDeviance = deviance;
    const step = solveCholesky(hess, grad, P);
    let maxStep = 0;
    for (let a = 0; a < P; a++) {
      beta[a] = beta[a]! - step[a]!;
      maxStep = Math.max(maxStep, Math.abs(step[a]!));
    }
    if (maxStep < 1e-6) break;
  }
  return {
    kind: 'logistic',
    features: F,
    columns: COLUMNS.map((c) => c.name),
    groups: Int32Array.from(COLUMNS.map((c) => c.group)),
    mean,
    scale,
    beta,
  };
}

/** Solves A x = b for symmetric positive-definite A (P x P, row-major); A is left untouched. */
function solveCholesky(A: Float64Array, b: Float64Array, P: number): Float64Array {
  const L = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * P + j]!;
      for (let k = 0; k < j; k++) s -= L[i * P + k]! * L[j * P + k]!;
      if (i === j) L[i * P + i] = Math.sqrt(Math.max(s, 1e-12));
      else L[i * P + j] = s / L[j * P + j]!;
    }
  }
  const x = new Float64Array(P);
  for (let i = 0; i < P; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * P + k]! * x[k]!;
    x[i] = s / L[i * P + i]!;
  }
  for (let i = P - 1; i >= 0; i--) {
    let s = x[i]!;
    for (let k = i + 1; k < P; k++) s -= L[k * P + i]! * x[k]!;
    x[i] = s / L[i * P + i]!;
  }
  return x;
}

const scratch = new Float64Array(COLUMNS.length);

export function logisticScore(m: LogisticModel, X: Float32Array, r: number): number {
  expand(X, r, m.features, scratch);
  let eta = m.beta[0]!;
  for (let c = 0; c < scratch.length; c++) {
    const s = m.scale[c]!;
    if (s) eta += (m.beta[c + 1]! * (scratch[c]! - m.mean[c]!)) / s;
  }
  return eta;
}

/** Contributions per base feature (coefficient x (x - mean)); returns the intercept (the score of a mean row). */
export function logisticContributions(m: LogisticModel, X: Float32Array, r: number, out: Float64Array): number {
  expand(X, r, m.features, scratch);
  out.fill(0);
  for (let c = 0; c < scratch.length; c++) {
    const s = m.scale[c]!;
    if (s) {
      const g = m.groups[c]!;
      out[g] = out[g]! + (m.beta[c + 1]! * (scratch[c]! - m.mean[c]!)) / s;
    }
  }
  return m.beta[0]!;
}

/** Coefficients by design column, in standardized units (for model metadata). */
export function logisticCoefficients(m: LogisticModel): { name: string; coefficient: number }[] {
  return m.columns.map((name, c) => ({ name, coefficient: m.beta[c + 1]! }));
}

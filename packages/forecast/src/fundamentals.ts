/**
 * State fundamentals: a state's lean (its Democratic two-party share minus the national share) is persistent. The
 * prior for cycle Y is lean = alpha * lean(L) + beta * lean(L-4) (L = last cycle before Y), with alpha and beta
 * estimated by least squares on every earlier cycle triple, and the residual spread as the prior's uncertainty.
 * This module also gives the naive baselines (last result; uniform swing) and their historical error scales.
 */
import type { History, StateResult } from './data.js';
import { STATES } from './states.js';

export interface StateShares {
  /** year -> state -> Democratic two-party share */
  shares: Map<number, Map<string, number>>;
  /** year -> national two-party share (sum over states) */
  national: Map<number, number>;
  /** year -> state -> two-party votes */
  votes: Map<number, Map<string, number>>;
}

export function stateShares(results: readonly StateResult[]): StateShares {
  const shares = new Map<number, Map<string, number>>();
  const votes = new Map<number, Map<string, number>>();
  const acc = new Map<number, [number, number]>();
  for (const r of results) {
    const tp = r.dem + r.rep;
    if (!(tp > 0)) continue;
    if (!shares.has(r.year)) {
      shares.set(r.year, new Map());
      votes.set(r.year, new Map());
    }
    shares.get(r.year)!.set(r.state, r.dem / tp);
    votes.get(r.year)!.set(r.state, tp);
    const a = acc.get(r.year) ?? [0, 0];
    a[0] += r.dem;
    a[1] += tp;
    acc.set(r.year, a);
  }
  return { shares, votes, national: new Map([...acc].map(([y, [d, t]]) => [y, d / t])) };
}

export interface Fundamentals {
  cycle: number;
  last: number;
  prev: number;
  alpha: number;
  beta: number;
  /** sd of the lean prior's error (two-party share) */
  leanSd: number;
  /** national prior: mean and sd of historical national shares */
  nationalMean: number;
  nationalSd: number;
  lastNational: number;
  states: { state: string; lastShare: number; lean: number; leanLast: number; leanPrev: number; votes: number }[];
  /** RMS error of the naive predictors over history (with the true national swing for uniform swing) */
  naiveSd: { last: number; uniform: number };
}

export function fitFundamentals(history: History, cycle: number): Fundamentals {
  if (history.cutoff > cycle)
    throw new Error(
      `history runs to ${history.cutoff - 1}; a forecast for ${cycle} may only use cycles before ${cycle}`,
    );
  const ss = stateShares(history.states);
  const years = [...ss.shares.keys()].filter((y) => y < cycle).sort((a, b) => a - b);
  if (years.length < 2) throw new Error(`state forecasts need results of at least two cycles before ${cycle}`);
  const L = years[years.length - 1]!;
  const P = years[years.length - 2]!;
  const lean = (y: number, s: string) => {
    const v = ss.shares.get(y)?.get(s);
    return v === undefined ? NaN : v - ss.national.get(y)!;
  };
  // least squares for lean(Y') on lean(Y'-4), lean(Y'-8)
  let a11 = 0;
  let a12 = 0;
  let a22 = 0;
  let b1 = 0;
  let b2 = 0;
  const triples: [number, number, number][] = [];
  for (let i = 2; i < years.length; i++) triples.push([years[i]!, years[i - 1]!, years[i - 2]!]);
  for (const [y, y1, y2] of triples) {
    for (const s of STATES) {
      const t = lean(y, s.postal);
      const x1 = lean(y1, s.postal);
      const x2 = lean(y2, s.postal);
      if (![t, x1, x2].every(Number.isFinite)) continue;
      a11 += x1 * x1;
      a12 += x1 * x2;
      a22 += x2 * x2;
      b1 += x1 * t;
      b2 += x2 * t;
    }
  }
  let alpha = 1;
  let beta = 0;
  const det = a11 * a22 - a12 * a12;
  if (triples.length && det > 1e-12) {
    alpha = (b1 * a22 - b2 * a12) / det;
    beta = (a11 * b2 - a12 * b1) / det;
  }
  let se = 0;
  let n = 0;
  let seLast = 0;
  let seUni = 0;
  let nNaive = 0;
  for (const [y, y1, y2] of triples) {
    for (const s of STATES) {
      const t = lean(y, s.postal);
      const x1 = lean(y1, s.postal);
      const x2 = lean(y2, s.postal);
      if (![t, x1, x2].every(Number.isFinite)) continue;
      se += (t - alpha * x1 - beta * x2) ** 2;
      n++;
    }
  }
  for (let i = 1; i < years.length; i++) {
    const y = years[i]!;
    const y1 = years[i - 1]!;
    for (const s of STATES) {
      const cur = ss.shares.get(y)?.get(s.postal);
      const prev = ss.shares.get(y1)?.get(s.postal);
      if (cur === undefined || prev === undefined) continue;
      seLast += (cur - prev) ** 2;
      seUni += (cur - prev - (ss.national.get(y)! - ss.national.get(y1)!)) ** 2;
      nNaive++;
    }
  }
  const nats = years.map((y) => ss.national.get(y)!);
  const nm = nats.reduce((a, b) => a + b, 0) / nats.length;
  const nsd = Math.sqrt(nats.reduce((a, b) => a + (b - nm) ** 2, 0) / Math.max(1, nats.length - 1));
  return {
    cycle,
    last: L,
    prev: P,
    alpha,
    beta,
    // in-sample residual spread, inflated by n/(n-2) for the two fitted coefficients
    leanSd: n > 2 ? Math.sqrt(se / (n - 2)) : 0.03,
    nationalMean: nm,
    nationalSd: nsd,
    lastNational: ss.national.get(L)!,
    states: STATES.map((s) => {
      const l1 = lean(L, s.postal);
      const l2 = lean(P, s.postal);
      const leanL = Number.isFinite(l1) ? l1 : 0;
      const leanP = Number.isFinite(l2) ? l2 : leanL;
      return {
        state: s.postal,
        lastShare: ss.shares.get(L)?.get(s.postal) ?? 0.5,
        lean: alpha * leanL + beta * leanP,
        leanLast: leanL,
        leanPrev: leanP,
        votes: ss.votes.get(L)?.get(s.postal) ?? 0,
      };
    }),
    naiveSd: { last: Math.sqrt(seLast / Math.max(1, nNaive)), uniform: Math.sqrt(seUni / Math.max(1, nNaive)) },
  };
}

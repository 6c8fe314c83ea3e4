/** County-level building blocks shared by the county vote-share and turnout models. */
import type { CountyFeatures, CountyResult, History } from './data.js';
import { logit, sigmoid } from './math.js';

export interface CountyCycle {
  share: number; // Democratic two-party share
  total: number; // total presidential votes
  twoParty: number;
  state: string;
}

/** Known FIPS successions between vintages: old -> new. */
export const FIPS_SUCCESSOR: ReadonlyMap<string, string> = new Map([
  ['46113', '46102'], // Shannon County SD renamed Oglala Lakota (2015)
  ['51515', '51019'], // Bedford city VA merged into Bedford County (2013)
  ['02270', '02158'], // Wade Hampton AK renamed Kusilvak (2015)
]);

const cyclesCache = new WeakMap<readonly CountyResult[], Map<number, Map<string, CountyCycle>>>();

/**
 * County results by cycle and FIPS. Cached per results array (the share and turnout models of one forecast read the
 * same history): callers must not modify the maps.
 */
export function countyCycles(history: History): Map<number, Map<string, CountyCycle>> {
  let byYear = cyclesCache.get(history.counties);
  if (!byYear) {
    byYear = new Map<number, Map<string, CountyCycle>>();
    for (const r of history.counties) addRow(byYear, r);
    cyclesCache.set(history.counties, byYear);
  }
  return byYear;
}

function addRow(byYear: Map<number, Map<string, CountyCycle>>, r: CountyResult) {
  const tp = r.dem + r.rep;
  if (!(tp > 0)) return;
  let m = byYear.get(r.year);
  if (!m) byYear.set(r.year, (m = new Map()));
  m.set(r.fips, { share: r.dem / tp, total: r.total > 0 ? r.total : tp, twoParty: tp, state: r.state });
}

/** The county's row in `year`, following a FIPS succession (e.g. 46113 -> 46102) when `fips` is the newer code. */
export function lookupCounty(m: Map<string, CountyCycle> | undefined, fips: string): CountyCycle | undefined {
  if (!m) return undefined;
  const direct = m.get(fips);
  if (direct) return direct;
  for (const [old, next] of FIPS_SUCCESSOR) if (next === fips && m.has(old)) return m.get(old);
  return undefined;
}

/**
 * Uniform logit shift d so that the weighted mean of sigmoid(base + d) equals target. Safeguarded Newton (the mean is
 * increasing in d): a Newton step when it stays inside the current bracket, bisection otherwise, from `start`.
 */
export function solveUniformShift(
  base: ArrayLike<number>,
  weights: ArrayLike<number>,
  target: number,
  /** starting point (e.g. the solution of a nearby problem); the bracket stays [-4, 4] */
  start = 0,
): number {
  let wsum = 0;
  for (let i = 0; i < weights.length; i++) wsum += weights[i]!;
  let lo = -4;
  let hi = 4;
  let d = Math.min(3.9, Math.max(-3.9, start));
  for (let iter = 0; iter < 100; iter++) {
    let s = 0;
    let ds = 0;
    for (let i = 0; i < base.length; i++) {
      const p = sigmoid(base[i]! + d);
      s += weights[i]! * p;
      ds += weights[i]! * p * (1 - p);
    }
    const f = s / wsum - target;
    if (Math.abs(f) < 1e-12) return d;
    if (f < 0) lo = d;
    else hi = d;
    const step = ds > 0 ? d - (f * wsum) / ds : NaN;
    const next = step > lo && step < hi ? step : (lo + hi) / 2;
    if (Math.abs(next - d) < 1e-12 || hi - lo < 1e-12) return next;
    d = next;
  }
  return d;
}

/** Latest feature vintage strictly before `cycle` (falling back to the earliest vintage when none precedes it). */
export function featureVintage(
  features: readonly CountyFeatures[],
  cycle: number,
): { vintage: number; rows: Map<string, CountyFeatures>; postdates: boolean } {
  const vintages = [...new Set(features.map((f) => f.vintage))].sort((a, b) => a - b);
  if (!vintages.length) return { vintage: NaN, rows: new Map(), postdates: false };
  const before = vintages.filter((v) => v < cycle);
  const vintage = before.length ? before[before.length - 1]! : vintages[0]!;
  const rows = new Map<string, CountyFeatures>();
  for (const f of features) if (f.vintage === vintage) rows.set(f.fips, f);
  return { vintage, rows, postdates: before.length === 0 };
}

export const countyLogit = (c: CountyCycle) => logit(c.share);

/**
 * Poll-based state forecast.
 *
 * 1. Fundamentals prior: national share n ~ N(historical mean, historical sd); state share = n + lean, lean from the
 *    last two cycles (fundamentals.ts).
 * 2. Poll averages (polls.ts) for each state and for national polls.
 * 3. Gaussian combination: the national share's posterior combines its prior, the national poll average and every
 *    state poll average net of that state's lean; each state's mean combines its prior (n + lean) with its own poll
 *    average by precision.
 * 4. Systematic polling error: a Monte Carlo (seeded, >= 10,000 draws) adds a national error (Student-t, 5 df), a
 *    Census-division error, demographic factor errors (college, white, Black, Hispanic shares), an undecided/minor-
 *    party "late break" proportional to each state's undecided share (common + state-specific) and state-specific
 *    error. Scales are calibrated on earlier poll cycles only (`calibrateErrorScales`), pooled with a weak prior from
 *    the literature, and the whole simulated error is multiplied by a spread calibrated on earlier cycles'
 *    standardized out-of-sample errors (`calibrateSpread`).
 * 5. Per-state win probabilities, the electoral-vote distribution, national win probability and tipping points.
 * The poll average's national-trend bandwidth and house-effect prior are chosen by rolling origin on the earlier
 * cycles (`tunePollAverage`). Nothing here sees results or polls of the cycle being forecast or later ones, except
 * that cycle's own polls up to the as-of date.
 */
import type { History, Poll } from './data.js';
import { historyBefore } from './data.js';
import { featureVintage } from './county-data.js';
import { fitFundamentals, stateShares, type Fundamentals } from './fundamentals.js';
import { averagePolls, type PollAverageOptions, type PollAverages } from './polls.js';
import { electoralVotes, EV_TO_WIN, STATES, STATE_BY_FIPS, STATE_BY_POSTAL } from './states.js';
import { createRng } from './rng.js';
import { quantileSorted } from './math.js';
import { sortFactors, type Factor } from './explain.js';

export interface ErrorScales {
  national: number;
  regional: number;
  demographic: number;
  state: number;
  /** degrees of freedom of the Student-t national error (default NATIONAL_ERROR_DF) */
  nationalDf?: number;
  /**
   * Multiplier of the whole simulated error (default 1): the predictive spread calibrated on earlier cycles'
   * standardized out-of-sample errors (`calibrateSpread`).
   */
  spread?: number;
  /** poll cycles the scales were fitted on (empty = prior only) */
  fittedOn: number[];
}

/**
 * The national (systematic) polling error is drawn from a Student-t with 5 degrees of freedom, scaled to the
 * calibrated sd: polling misses are fat-tailed (FiveThirtyEight's simulations use fat-tailed t draws for the same
 * reason — Silver, "A User's Guide to FiveThirtyEight's 2016 General Election Forecast", 2016; Jennings & Wlezien
 * (2018, Nature Human Behaviour) document occasional large final-week misses across 351 elections).
 */
export const NATIONAL_ERROR_DF = 5;

/**
 * Undecided and minor-party respondents: their eventual two-party split is unknown, so a poll average whose
 * respondents are a fraction u undecided has an extra error u * (q - p), q being the undecided voters' eventual
 * Democratic two-party share and p the decided voters'. With no information on q we take it uniform on [0, 1]
 * (sd 1/sqrt(12)), half of that variance common to every state (a national late break) and half state-specific.
 * Not tuned: a maximum-ignorance assumption, so years with many undecided voters (2016: ~12% of poll respondents vs
 * ~5-7% in 2008 and 2012) get wider, more correlated distributions without any shift of the means.
 */
export const UNDECIDED_BREAK_SD = 1 / Math.sqrt(12);
const BREAK_COMMON_SD = UNDECIDED_BREAK_SD * Math.SQRT1_2;
const BREAK_STATE_SD = UNDECIDED_BREAK_SD * Math.SQRT1_2;

/** Undecided share assumed when there are no polls at all, and the reference level of the prior below. */
export const TYPICAL_UNDECIDED = 0.06;

/**
 * Weak prior for the error scales (two-party share units). Shirani-Mehr, Rothschild, Goel & Gelman (2018, JASA,
 * "Disentangling bias and variance in election polls") report an average absolute election-level bias of about 2
 * points for US state-level polls (sd ≈ 2 / 0.8 = 2.5 points) at typical undecided shares. The prior's total
 * variance is that 2.5-point sd minus the undecided-break variance at TYPICAL_UNDECIDED (simulated separately), split
 * 40% national, 10% Census division, 10% demographic factors, 40% state. Each cycle with polls and results before
 * the target moves the scales toward the measured errors.
 */
const PRIOR_TOTAL_VAR = 0.025 ** 2 - (TYPICAL_UNDECIDED * UNDECIDED_BREAK_SD) ** 2;
/**
 * Weight of the prior in cycles. One cycle yields a single draw of the national error (a chi-square with one degree
 * of freedom), so the prior is given the weight of two cycles.
 */
export const PRIOR_WEIGHT_CYCLES = 2;
export const ERROR_SCALE_PRIOR: ErrorScales = {
  national: Math.sqrt(0.4 * PRIOR_TOTAL_VAR),
  regional: Math.sqrt(0.1 * PRIOR_TOTAL_VAR),
  demographic: Math.sqrt(0.1 * PRIOR_TOTAL_VAR),
  state: Math.sqrt(0.4 * PRIOR_TOTAL_VAR),
  fittedOn: [],
};

/** Student-t draw with `df` degrees of freedom scaled to unit variance (df > 2). */
function studentT(rng: { normal(): number }, df: number): number {
  let chi = 0;
  for (let k = 0; k < df; k++) chi += rng.normal() ** 2;
  return (rng.normal() / Math.sqrt(chi / df)) * Math.sqrt((df - 2) / df);
}

/** Election day: the Tuesday after the first Monday of November, as a day number. */
export function electionDay(cycle: number): number {
  for (let d = 2; d <= 8; d++) {
    const t = Date.UTC(cycle, 10, d);
    if (new Date(t).getUTCDay() === 2) return Math.round(t / 86_400_000);
  }
  throw new Error('unreachable');
}

export interface StatePoint {
  state: string;
  mean: number;
  prior: number;
  pollWeight: number;
  poll: {
    mean: number;
    raw: number;
    house: number;
    population: number;
    trend: number;
    variance: number;
    polls: number;
  } | null;
  /** sd of the state-specific error used in simulation */
  stateSd: number;
  /** share of poll respondents undecided or choosing a minor party (state polls, else national polls) */
  undecided: number;
}

export interface PointEstimate {
  cycle: number;
  asOf: number;
  fundamentals: Fundamentals;
  averages: PollAverages;
  national: { mean: number; sd: number; pollAverage: number | null; undecided: number };
  states: StatePoint[];
}

function stateDemographics(history: History, cycle: number): Map<string, number[]> {
  const { rows } = featureVintage(history.features, cycle);
  const acc = new Map<string, { pop: number; v: number[] }>();
  for (const f of rows.values()) {
    const st = STATE_BY_FIPS.get(f.fips.slice(0, 2));
    if (!st || !(f.population > 0)) continue;
    const a = acc.get(st.postal) ?? { pop: 0, v: [0, 0, 0, 0] };
    const vals = [f.bachelors, f.white, f.black, f.hispanic];
    if (vals.some((x) => !Number.isFinite(x))) continue;
    vals.forEach((x, i) => (a.v[i]! += x * f.population));
    a.pop += f.population;
    acc.set(st.postal, a);
  }
  const raw = STATES.map((s) => {
    const a = acc.get(s.postal);
    return a ? a.v.map((x) => x / a.pop) : [NaN, NaN, NaN, NaN];
  });
  const k = 4;
  const cols = Array.from({ length: k }, (_, j) => raw.map((r) => r[j]!).filter(Number.isFinite));
  const m = cols.map((c) => c.reduce((a, b) => a + b, 0) / Math.max(1, c.length));
  const sdv = cols.map((c, j) => Math.sqrt(c.reduce((a, b) => a + (b - m[j]!) ** 2, 0) / Math.max(1, c.length)) || 1);
  return new Map(
    STATES.map((s, i) => [
      s.postal,
      raw[i]!.map((x, j) => (Number.isFinite(x) ? (x - m[j]!) / sdv[j]! / Math.sqrt(k) : 0)),
    ]),
  );
}

export function pointEstimate(
  history: History,
  cycle: number,
  polls: readonly Poll[],
  asOf: number,
  options: { pollAverage?: PollAverageOptions; scales?: ErrorScales } = {},
): PointEstimate {
  const f = fitFundamentals(history, cycle);
  const cyclePolls = polls.filter((p) => p.cycle === cycle && p.end <= asOf);
  const avg = averagePolls(cyclePolls, asOf, options.pollAverage);
  const scales = options.scales ?? ERROR_SCALE_PRIOR;
  // national posterior (precision-weighted)
  let prec = 1 / f.nationalSd ** 2;
  let num = f.nationalMean * prec;
  const nat = avg.states.get('--');
  // poll averages share the systematic error, so each source's variance includes it
  const sysVar = scales.national ** 2;
  if (nat) {
    const v = nat.variance + sysVar;
    prec += 1 / v;
    num += nat.mean / v;
  }
  // state polls inform the national share through the state's lean; together they share one systematic error
  let sPrec = 0;
  let sNum = 0;
  for (const s of f.states) {
    const a = avg.states.get(s.state);
    if (!a) continue;
    const v = a.variance + f.leanSd ** 2;
    sPrec += 1 / v;
    sNum += (a.mean - s.lean) / v;
  }
  if (sPrec > 0) {
    const v = 1 / sPrec + sysVar;
    prec += 1 / v;
    num += sNum / sPrec / v;
  }
  const nMean = num / prec;
  const nSd = Math.sqrt(1 / prec);
  // undecided share: the national polls' when there are any, else the mean over states with polls
  const stateUnd = [...avg.states.values()].filter((a) => a.state !== '--').map((a) => a.undecided);
  const natUnd = nat
    ? nat.undecided
    : stateUnd.length
      ? stateUnd.reduce((a, b) => a + b, 0) / stateUnd.length
      : TYPICAL_UNDECIDED;
  const states: StatePoint[] = f.states.map((s) => {
    const prior = nMean + s.lean;
    const priorVar = f.leanSd ** 2 + nSd ** 2;
    const a = avg.states.get(s.state);
    if (!a)
      return {
        state: s.state,
        mean: prior,
        prior,
        pollWeight: 0,
        poll: null,
        stateSd: Math.sqrt(scales.state ** 2 + f.leanSd ** 2),
        undecided: natUnd,
      };
    const pollVar = a.variance + scales.state ** 2;
    const wp = 1 / pollVar / (1 / pollVar + 1 / priorVar);
    return {
      state: s.state,
      mean: wp * a.mean + (1 - wp) * prior,
      prior,
      pollWeight: wp,
      poll: {
        mean: a.mean,
        raw: a.raw,
        house: a.house,
        population: a.population,
        trend: a.trend,
        variance: a.variance,
        polls: a.polls,
      },
      stateSd: Math.sqrt(1 / (1 / pollVar + 1 / priorVar)),
      // the prior part of the mean carries the national undecided share
      undecided: wp * a.undecided + (1 - wp) * natUnd,
    };
  });
  return {
    cycle,
    asOf,
    fundamentals: f,
    averages: avg,
    national: { mean: nMean, sd: nSd, pollAverage: nat ? nat.mean : null, undecided: natUnd },
    states,
  };
}

/**
 * Error scales fitted on every poll cycle before `cycle` that has polls and results, at the same horizon (days before
 * election day) as the forecast, pooled with ERROR_SCALE_PRIOR (weight PRIOR_WEIGHT_CYCLES).
 */
export function calibrateErrorScales(
  history: History,
  cycle: number,
  polls: readonly Poll[],
  horizonDays: number,
  pollAverage?: PollAverageOptions,
): ErrorScales {
  if (history.cutoff > cycle)
    throw new Error(
      `history runs to ${history.cutoff - 1}; calibration for ${cycle} may only use cycles before ${cycle}`,
    );
  const ss = stateShares(history.states);
  const cycles = [...new Set(polls.map((p) => p.cycle))]
    .filter((c) => c < cycle && ss.shares.has(c))
    .sort((a, b) => a - b);
  const w0 = PRIOR_WEIGHT_CYCLES;
  const sums = {
    national: w0 * ERROR_SCALE_PRIOR.national ** 2,
    regional: w0 * ERROR_SCALE_PRIOR.regional ** 2,
    demographic: w0 * ERROR_SCALE_PRIOR.demographic ** 2,
    state: w0 * ERROR_SCALE_PRIOR.state ** 2,
  };
  let n = w0;
  const fittedOn: number[] = [];
  for (const c of cycles) {
    const h = historyBefore(history, c);
    let pe: PointEstimate;
    try {
      pe = pointEstimate(h, c, polls, electionDay(c) - horizonDays, { pollAverage, scales: ERROR_SCALE_PRIOR });
    } catch {
      continue;
    }
    const actual = ss.shares.get(c)!;
    const r = pe.states.map((s) => (actual.get(s.state) ?? NaN) - s.mean);
    const ok = pe.states.map((s, i) => Number.isFinite(r[i]!) && s.poll !== null);
    const idx = r.map((_, i) => i).filter((i) => ok[i]);
    if (idx.length < 10) continue;
    const m = idx.reduce((a, i) => a + r[i]!, 0) / idx.length;
    const divs = new Map<string, number[]>();
    for (const i of idx) {
      const d = STATE_BY_POSTAL.get(pe.states[i]!.state)!.division;
      if (!divs.has(d)) divs.set(d, []);
      divs.get(d)!.push(r[i]! - m);
    }
    const divMean = new Map([...divs].map(([d, xs]) => [d, xs.reduce((a, b) => a + b, 0) / xs.length]));
    const rem = idx.map((i) => r[i]! - m - divMean.get(STATE_BY_POSTAL.get(pe.states[i]!.state)!.division)!);
    // demographic factors: least squares of the remainder on the loadings
    const L = stateDemographics(h, c);
    const X = idx.map((i) => L.get(pe.states[i]!.state)!);
    const k = X[0]!.length;
    const A = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    const b = new Array<number>(k).fill(0);
    X.forEach((x, t) => {
      for (let p = 0; p < k; p++) {
        b[p]! += x[p]! * rem[t]!;
        for (let q = 0; q < k; q++) A[p]![q]! += x[p]! * x[q]!;
      }
    });
    for (let p = 0; p < k; p++) A[p]![p]! += 1e-6;
    const coef = solve(A, b);
    const fitted = X.map((x) => x.reduce((a, v, p) => a + v * coef[p]!, 0));
    const last = rem.map((e, t) => e - fitted[t]!);
    // the undecided-break terms are simulated separately: calibrate the rest of the error
    const uN = pe.national.undecided;
    const uS = idx.reduce((a, i) => a + pe.states[i]!.undecided ** 2, 0) / idx.length;
    sums.national += Math.max(0, m * m - (uN * BREAK_COMMON_SD) ** 2);
    sums.regional += [...divMean.values()].reduce((a, d) => a + d * d, 0) / divMean.size;
    sums.demographic += coef.reduce((a, c2) => a + c2 * c2, 0) / k;
    sums.state += Math.max(0, last.reduce((a, e) => a + e * e, 0) / last.length - uS * BREAK_STATE_SD ** 2);
    n++;
    fittedOn.push(c);
  }
  return {
    national: Math.sqrt(sums.national / n),
    regional: Math.sqrt(sums.regional / n),
    demographic: Math.sqrt(sums.demographic / n),
    state: Math.sqrt(sums.state / n),
    fittedOn,
  };
}

/** Variance of state i's simulated share around its mean (every error term of `simulateStates`, spread 1). */
function predictiveVariance(point: PointEstimate, scales: ErrorScales, loadings: number[], i: number): number {
  const s = point.states[i]!;
  const l2 = loadings.reduce((a, x) => a + x * x, 0);
  return (
    scales.national ** 2 +
    point.national.sd ** 2 +
    scales.regional ** 2 +
    scales.demographic ** 2 * l2 +
    s.undecided ** 2 * (BREAK_COMMON_SD ** 2 + BREAK_STATE_SD ** 2) +
    s.stateSd ** 2
  );
}

/**
 * Predictive spread calibrated by rolling origin: each earlier cycle with polls and results is forecast as it would
 * have been (same poll-average settings, error scales calibrated on the cycles before it), and its states' squared
 * standardized errors (actual - mean)² / predictive variance are averaged. The spread is the square root of that
 * variance ratio pooled with a prior ratio of 1 weighted like the error-scale prior (PRIOR_WEIGHT_CYCLES), so one or
 * two cycles move it only part of the way: it corrects what the component scales cannot, e.g. the undecided-break
 * term, which is simulated from a maximum-ignorance assumption rather than calibrated.
 * 2012 (fitted on 2008 alone) covers 46/51 states at 80% (90%): its polls were unusually accurate, missing the national
 * vote by 0.19 points (2008: 0.29, 2016: 2.32), with state errors around that miss of sd 2.20 points against a mean
 * predictive sd of 2.92 (2008: 2.33 vs 2.68, 2016: 2.49 vs 3.58). The one earlier cycle does not show it coming:
 * even a spread taken from 2008 alone (prior weight 0: 2012 spread 0.84) covers 88/96% in 2012 and costs 2016
 * (78/90%, Brier 0.0681 vs 0.0671); prior weight 1: 2012 90/98%, 2016 78/94%. Kept at PRIOR_WEIGHT_CYCLES.
 */
export function calibrateSpread(
  history: History,
  cycle: number,
  polls: readonly Poll[],
  horizonDays: number,
  pollAverage?: PollAverageOptions,
): { spread: number; fittedOn: number[] } {
  if (history.cutoff > cycle)
    throw new Error(
      `history runs to ${history.cutoff - 1}; calibration for ${cycle} may only use cycles before ${cycle}`,
    );
  const ss = stateShares(history.states);
  const cycles = [...new Set(polls.map((p) => p.cycle))]
    .filter((c) => c < cycle && ss.shares.has(c))
    .sort((a, b) => a - b);
  let sum = PRIOR_WEIGHT_CYCLES;
  let n = PRIOR_WEIGHT_CYCLES;
  const fittedOn: number[] = [];
  for (const c of cycles) {
    const h = historyBefore(history, c);
    let pe: PointEstimate;
    let scales: ErrorScales;
    try {
      scales = calibrateErrorScales(h, c, polls, horizonDays, pollAverage);
      pe = pointEstimate(h, c, polls, electionDay(c) - horizonDays, { pollAverage, scales });
    } catch {
      continue;
    }
    const actual = ss.shares.get(c)!;
    const load = stateDemographics(h, c);
    const z2: number[] = [];
    pe.states.forEach((s, i) => {
      const a = actual.get(s.state);
      if (a === undefined || !s.poll) return;
      z2.push((a - s.mean) ** 2 / predictiveVariance(pe, scales, load.get(s.state)!, i));
    });
    if (z2.length < 10) continue;
    sum += z2.reduce((a, b) => a + b, 0) / z2.length;
    n++;
    fittedOn.push(c);
  }
  return { spread: Math.sqrt(sum / n), fittedOn };
}

function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const d = M[c]![c]! || 1e-12;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / d;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((row, i) => row[n]! / (row[i]! || 1e-12));
}

export interface StateScenario {
  name?: string;
  /** added to every state's Democratic two-party share (e.g. -0.02) */
  nationalShift?: number;
  /** by Census region ("Midwest") or division ("East North Central") */
  regionShifts?: Record<string, number>;
  /** by postal code */
  stateShifts?: Record<string, number>;
}

export interface StateForecastRow {
  state: string;
  dem_two_party: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
  p_dem_win: number;
  ev: number;
  factors: Factor[];
}

export interface StateForecast {
  cycle: number;
  /** poll-average settings used (given, or tuned on earlier cycles by `tunePollAverage`) */
  pollAverage?: PollAverageOptions;
  asOf: number;
  simulations: number;
  seed: number;
  scales: ErrorScales;
  states: StateForecastRow[];
  national: {
    p_dem_win: number;
    dem_ev_mean: number;
    dem_ev_lo80: number;
    dem_ev_hi80: number;
    dem_ev_lo95: number;
    dem_ev_hi95: number;
    dem_two_party: number;
    p_tie: number;
  };
  /** EV count -> probability (Democratic electoral votes) */
  evDistribution: number[];
  tippingPoints: { state: string; probability: number }[];
  point: PointEstimate;
  /** simulated shares, row-major [simulation][state] in STATES order */
  sims: Float32Array;
  stateOrder: string[];
}

export interface StateForecastOptions {
  simulations?: number;
  seed?: number;
  scales?: ErrorScales;
  pollAverage?: PollAverageOptions;
  scenario?: StateScenario;
}

function scenarioShift(state: string, sc: StateScenario | undefined): number {
  if (!sc) return 0;
  const info = STATE_BY_POSTAL.get(state)!;
  return (
    (sc.nationalShift ?? 0) +
    (sc.regionShifts?.[info.region] ?? 0) +
    (sc.regionShifts?.[info.division] ?? 0) +
    (sc.stateShifts?.[state] ?? 0)
  );
}

/** Runs the Monte Carlo over a point estimate. */
export function simulateStates(
  point: PointEstimate,
  history: History,
  options: StateForecastOptions = {},
): StateForecast {
  const nSim = options.simulations ?? 10_000;
  if (!Number.isInteger(nSim) || nSim < 1) throw new RangeError('simulations must be a positive integer');
  const seed = options.seed ?? 2024;
  const scales = options.scales ?? ERROR_SCALE_PRIOR;
  const ev = electoralVotes(point.cycle);
  const order = STATES.map((s) => s.postal);
  const S = order.length;
  const divisions = [...new Set(STATES.map((s) => s.division))];
  const divIdx = STATES.map((s) => divisions.indexOf(s.division));
  const load = stateDemographics(history, point.cycle);
  const L = order.map((s) => load.get(s)!);
  const K = L[0]!.length;
  const mean = point.states.map((s) => s.mean + scenarioShift(s.state, options.scenario));
  const sSd = point.states.map((s) => s.stateSd);
  const evs = order.map((s) => ev.get(s)!);
  const natSd = Math.sqrt(scales.national ** 2 + point.national.sd ** 2);
  const df = scales.nationalDf ?? NATIONAL_ERROR_DF;
  const und = point.states.map((s) => s.undecided);
  const spread = scales.spread ?? 1;
  const rng = createRng(seed);
  const sims = new Float32Array(nSim * S);
  const demEv = new Int32Array(nSim);
  const wins = new Float64Array(S);
  const tip = new Float64Array(S);
  const divZ = new Float64Array(divisions.length);
  const facZ = new Float64Array(K);
  const idxOrder = new Int32Array(S);
  let ties = 0;
  for (let t = 0; t < nSim; t++) {
    const zn = studentT(rng, df) * natSd;
    const zb = rng.normal() * BREAK_COMMON_SD;
    for (let d = 0; d < divZ.length; d++) divZ[d] = rng.normal() * scales.regional;
    for (let k = 0; k < K; k++) facZ[k] = rng.normal() * scales.demographic;
    let e = 0;
    const row = t * S;
    for (let i = 0; i < S; i++) {
      let demo = 0;
      const li = L[i]!;
      for (let k = 0; k < K; k++) demo += li[k]! * facZ[k]!;
      const brk = und[i]! * (zb + rng.normal() * BREAK_STATE_SD);
      const v = mean[i]! + spread * (zn + divZ[divIdx[i]!]! + demo + brk + rng.normal() * sSd[i]!);
      sims[row + i] = v;
      if (v > 0.5) {
        e += evs[i]!;
        wins[i]!++;
      }
    }
    demEv[t] = e;
    if (e === 269) ties++;
    // tipping point: accumulate the winner's states from strongest to weakest
    for (let i = 0; i < S; i++) idxOrder[i] = i;
    const demWins = e >= EV_TO_WIN;
    const sorted = Array.from(idxOrder).sort((a, b) =>
      demWins ? sims[row + b]! - sims[row + a]! : sims[row + a]! - sims[row + b]!,
    );
    const need = demWins ? EV_TO_WIN : 538 - EV_TO_WIN + 1;
    let acc = 0;
    for (const i of sorted) {
      acc += evs[i]!;
      if (acc >= need) {
        tip[i]!++;
        break;
      }
    }
  }
  const evSorted = Float64Array.from(demEv).sort();
  const dist = new Array<number>(539).fill(0);
  for (const e of demEv) dist[e]! += 1 / nSim;
  let pWin = 0;
  for (const e of demEv) if (e >= EV_TO_WIN) pWin++;
  const col = new Float64Array(nSim);
  const votes = point.fundamentals.states.map((s) => s.votes);
  const vTot = votes.reduce((a, b) => a + b, 0);
  const rows: StateForecastRow[] = point.states.map((s, i) => {
    for (let t = 0; t < nSim; t++) col[t] = sims[t * S + i]!;
    col.sort();
    return {
      state: s.state,
      dem_two_party: mean[i]!,
      lo80: quantileSorted(col, 0.1),
      hi80: quantileSorted(col, 0.9),
      lo95: quantileSorted(col, 0.025),
      hi95: quantileSorted(col, 0.975),
      p_dem_win: wins[i]! / nSim,
      ev: evs[i]!,
      factors: stateFactors(point, i, scenarioShift(s.state, options.scenario)),
    };
  });
  return {
    cycle: point.cycle,
    asOf: point.asOf,
    simulations: nSim,
    seed,
    scales,
    states: rows,
    national: {
      p_dem_win: pWin / nSim,
      dem_ev_mean: demEv.reduce((a, b) => a + b, 0) / nSim,
      dem_ev_lo80: outcomeAt(evSorted, 0.1),
      dem_ev_hi80: outcomeAt(evSorted, 0.9),
      dem_ev_lo95: outcomeAt(evSorted, 0.025),
      dem_ev_hi95: outcomeAt(evSorted, 0.975),
      dem_two_party: vTot > 0 ? mean.reduce((a, m, i) => a + m * votes[i]!, 0) / vTot : point.national.mean,
      p_tie: ties / nSim,
    },
    evDistribution: dist,
    tippingPoints: order
      .map((s, i) => ({ state: s, probability: tip[i]! / nSim }))
      .filter((x) => x.probability > 0)
      .sort((a, b) => b.probability - a.probability),
    point,
    sims,
    stateOrder: order,
  };
}

/**
 * Exact Shapley decomposition of a state's mean: with weight w on the poll average,
 * mean - 0.5 = (1 - w) (N + L) + w (R + H + P + T) + scenario, a linear function of the national environment
 * N = n - 0.5, the state's lean L, the raw poll average R - 0.5 and the house-effect (H), population (P) and
 * trend (T) adjustments; each contribution is coefficient × value (baseline 0 = a 50/50 state).
 */
export function stateFactors(point: PointEstimate, i: number, scenario = 0): Factor[] {
  const s = point.states[i]!;
  const f = point.fundamentals.states[i]!;
  const w = s.pollWeight;
  const N = point.national.mean - 0.5;
  const fs: Factor[] = [
    { name: 'national environment', value: N, contribution: (1 - w) * N },
    {
      name: `state lean (${point.fundamentals.last} and ${point.fundamentals.prev} results)`,
      value: f.lean,
      contribution: (1 - w) * f.lean,
    },
  ];
  if (s.poll) {
    fs.push({
      name: `state polls (${s.poll.polls}, raw average)`,
      value: s.poll.raw - 0.5,
      contribution: w * (s.poll.raw - 0.5),
    });
    fs.push({ name: 'pollster house effects', value: s.poll.house, contribution: w * s.poll.house });
    fs.push({
      name: 'poll population (RV/adults vs LV)',
      value: s.poll.population,
      contribution: w * s.poll.population,
    });
    fs.push({ name: 'national trend since polls', value: s.poll.trend, contribution: w * s.poll.trend });
  }
  if (scenario) fs.push({ name: 'scenario shift', value: scenario, contribution: scenario });
  return sortFactors(fs);
}

/** Point estimate + calibration + simulation in one call. */
export function forecastStates(
  history: History,
  cycle: number,
  polls: readonly Poll[],
  asOf: number,
  options: StateForecastOptions & { calibrationPolls?: readonly Poll[] } = {},
): StateForecast {
  if (history.cutoff > cycle)
    throw new Error(
      `history runs to ${history.cutoff - 1}; a forecast for ${cycle} may only use cycles before ${cycle}`,
    );
  const horizon = Math.max(0, electionDay(cycle) - asOf);
  const seen = new Set<string>();
  const earlier = [...(options.calibrationPolls ?? []), ...polls].filter((p) => {
    if (p.cycle >= cycle) return false;
    const key = `${p.cycle}|${p.state}|${p.pollster}|${p.start}|${p.end}|${p.dem}|${p.rep}|${p.population}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const pollAverage = options.pollAverage ?? tunePollAverage(history, cycle, earlier, horizon).options;
  const scales = options.scales ?? {
    ...calibrateErrorScales(history, cycle, earlier, horizon, pollAverage),
    spread: calibrateSpread(history, cycle, earlier, horizon, pollAverage).spread,
  };
  const point = pointEstimate(history, cycle, polls, asOf, { pollAverage, scales });
  return { ...simulateStates(point, history, { ...options, scales }), pollAverage };
}

/**
 * Poll-average settings tried by `tunePollAverage`: the bandwidth (days) of the national-trend kernel, which trades
 * the noise of the current national level against its lag, and the prior number of polls behind a pollster's house
 * effect. The first entry is the default used when no earlier cycle has polls and results.
 */
export const POLL_AVERAGE_GRID: readonly Required<Pick<PollAverageOptions, 'trendBandwidth' | 'houseShrink'>>[] = [
  { trendBandwidth: 10, houseShrink: 4 },
  { trendBandwidth: 3, houseShrink: 4 },
  { trendBandwidth: 5, houseShrink: 4 },
  { trendBandwidth: 3, houseShrink: 10 },
  { trendBandwidth: 5, houseShrink: 10 },
  { trendBandwidth: 10, houseShrink: 10 },
];

/**
 * Chooses the poll-average settings by rolling origin: every earlier cycle with polls and results is forecast at the
 * same horizon from its own polls and the results before it, and the setting with the lowest mean absolute error of
 * the state means wins. Only cycles before `cycle` are used.
 */
export function tunePollAverage(
  history: History,
  cycle: number,
  polls: readonly Poll[],
  horizonDays: number,
): { options: PollAverageOptions; fittedOn: number[]; mae: number[] } {
  if (history.cutoff > cycle)
    throw new Error(`history runs to ${history.cutoff - 1}; tuning for ${cycle} may only use cycles before ${cycle}`);
  const ss = stateShares(history.states);
  const cycles = [...new Set(polls.map((p) => p.cycle))]
    .filter((c) => c < cycle && ss.shares.has(c))
    .sort((a, b) => a - b);
  const fittedOn: number[] = [];
  const errs = POLL_AVERAGE_GRID.map(() => 0);
  for (const c of cycles) {
    const h = historyBefore(history, c);
    const cyclePolls = polls.filter((p) => p.cycle === c);
    const actual = ss.shares.get(c)!;
    let row: number[];
    try {
      row = POLL_AVERAGE_GRID.map((g) => {
        const pe = pointEstimate(h, c, cyclePolls, electionDay(c) - horizonDays, {
          pollAverage: g,
          scales: ERROR_SCALE_PRIOR,
        });
        const e = pe.states
          .filter((s) => s.poll && actual.has(s.state))
          .map((s) => Math.abs(actual.get(s.state)! - s.mean));
        return e.length >= 10 ? e.reduce((a, b) => a + b, 0) / e.length : NaN;
      });
    } catch {
      continue;
    }
    if (row.some((x) => !Number.isFinite(x))) continue;
    row.forEach((x, i) => (errs[i]! += x));
    fittedOn.push(c);
  }
  const mae = errs.map((e) => (fittedOn.length ? e / fittedOn.length : NaN));
  const best = fittedOn.length ? mae.reduce((b, x, i) => (x < mae[b]! - 1e-12 ? i : b), 0) : 0;
  return { options: { ...POLL_AVERAGE_GRID[best]! }, fittedOn, mae };
}

/** An electoral-vote quantile is a simulated outcome (a whole number of votes), never an interpolation between two. */
function outcomeAt(sorted: ArrayLike<number>, p: number): number {
  return sorted[Math.round((sorted.length - 1) * p)]!;
}

/**
 * Turnout: state turnout of the voting-eligible population (VEP) and county total votes, with intervals.
 *
 * State rate(Y) = rate(L) + national shift + a * (rate(L) - national(L)) + b * (last change relative to the nation)
 *   + c * (change in the state's closeness to a tie) + d * (change in its closeness to the national result)
 * (L = the last cycle before Y; closeness = |Dem two-party share - 50%| and |share - national share| in L against
 * L-4: a state whose last race was closer than the one before is expected to gain turnout relative to the nation,
 * the battleground effect). The coefficients are ridge estimates from all earlier cycle pairs; the competitiveness
 * terms were kept by leave-future-out validation on the 1992-2004 pairs (state MAE given the national rate 1.88 ->
 * 1.84 points). The national shift makes the VEP-weighted mean equal the scenario's national rate or, when none is
 * given, a forecast of it: each candidate rule (last rate, shrunk trend, mean of the last 2, 3 or 4 cycles, mean
 * of all cycles) forecasts every earlier cycle from the cycles before it, and the rule with the lowest RMS error on
 * those rolling origins is used (mean reversion: 1984-2004's big moves mostly undid themselves); that RMS error is
 * the national forecast's uncertainty, with Student-t quantiles (df = origins - 1: an error scale from a handful of
 * cycles is itself uncertain). Selecting this way scored 3.9 points RMS on nested rolling origins 1988-2004, against
 * 4.2 for an equal-weight combination of the rules, 5.0 for the last rate and 5.1 for the trend.
 * Intervals: empirical quantiles of out-of-sample state residuals (each past pair predicted from the pairs before
 * it) of states of the same size (VEP terciles), times a scale per level calibrated leave-one-pair-out
 * (`calibrateIntervalScale`, as for county intervals: a volatile election is not covered by the quantiles of calmer
 * ones), combined in quadrature with the national forecast's uncertainty when the national rate is forecast rather
 * than given.
 *
 * Scenario levers are in units of historical standard deviations, so their effects are estimated, not invented:
 * intensity (national: 1 = one SD of the national cycle-to-cycle change), conditions (Census division: 1 = one SD of
 * a division's mean deviation), mobilization (state: 1 = one SD of a state's own deviation).
 */
import type { History, TurnoutRow } from './data.js';
import { countyCycles, lookupCounty, type CountyCycle } from './county-data.js';
import { quantileBinner, quantileSorted, ridge, normQuantile } from './math.js';
import { STATES, STATE_BY_POSTAL } from './states.js';
import type { Factor } from './explain.js';
import { calibrateIntervalScale } from './county.js';
import { stateShares } from './fundamentals.js';

export interface TurnoutLevers {
  /** national enthusiasm, in SDs of the historical national change */
  intensity?: number;
  /** by Census division name (or "all"), in SDs of historical division-level deviations */
  conditions?: Record<string, number>;
  /** by state postal code, in SDs of historical state-level deviations */
  mobilization?: Record<string, number>;
}

export interface TurnoutModel {
  cycle: number;
  lastCycle: number;
  /** mean reversion toward the national rate */
  a: number;
  /** momentum of the last change relative to the nation */
  b: number;
  /** competitiveness: effects of the change in closeness to a tie and to the national result (both |share gaps|) */
  c: [number, number];
  /**
   * national rates here are the 50 states + DC aggregate; officialRatio = official US VEP / state VEP sum.
   * drift: the forecast rule's national change from `last`; sd: SD of historical national changes (the intensity
   * lever's unit); forecastSd: RMS rolling-origin error of the chosen forecast rule (the forecast's uncertainty).
   */
  national: {
    last: number;
    drift: number;
    sd: number;
    forecastSd: number;
    /** degrees of freedom of forecastSd (rolling origins - 1): its intervals use Student-t quantiles */
    forecastDf: number;
    /** the national forecast rule chosen by rolling origin, and its RMS error on each candidate */
    method: NationalMethod;
    validation: { method: NationalMethod; rmse: number }[];
    lastVotes: number;
    vepGrowth: number;
    officialRatio: number;
  };
  /** state rows of the last cycle and the one before; closeness: [change of |share - 50%|, of |share - national|] */
  states: {
    state: string;
    last: number;
    prev: number;
    vep: number;
    votes: number;
    vepGrowth: number;
    closeness: [number, number];
    /** VEP tercile among the states (0 = smallest): small states' turnout is noisier */
    sizeBin: number;
  }[];
  nationalPrev: number;
  /** out-of-sample state residuals, pooled and by VEP tercile (each sorted) */
  residuals: Float64Array;
  residualsBySize: Float64Array[];
  /** multipliers of the residual quantiles for 80% and 95% intervals, calibrated leave-one-pair-out */
  intervalScale: { p80: number; p95: number };
  sdState: number;
  sdDivision: number;
}

export type NationalMethod = 'last' | 'trend' | 'mean2' | 'mean3' | 'mean4' | 'meanAll';

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

/**
 * Student-t quantile with `df` degrees of freedom (Cornish-Fisher expansion around the normal quantile: within 0.01
 * of the exact value for df >= 4 at the 80% and 95% levels). An error scale estimated from a handful of past
 * cycles is itself uncertain, which a t interval carries and a normal one does not.
 */
export function studentQuantile(p: number, df: number): number {
  const z = normQuantile(p);
  const v = Math.max(1, df);
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * v) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v ** 3)
  );
}

/** National forecast rules: each maps the earlier cycles' national rates (oldest first) to a forecast of the next. */
export const NATIONAL_METHODS: Record<NationalMethod, (h: readonly number[]) => number> = {
  last: (h) => h[h.length - 1]!,
  // last rate plus the mean historical change, shrunk toward zero by its own uncertainty
  trend: (h) => {
    const last = h[h.length - 1]!;
    if (h.length < 3) return last;
    const ch = h.slice(1).map((x, i) => x - h[i]!);
    const m = mean(ch);
    const v = ch.reduce((s, c) => s + (c - m) ** 2, 0) / (ch.length - 1);
    const se2 = v / ch.length;
    return m * m + se2 > 0 ? last + m * ((m * m) / (m * m + se2)) : last;
  },
  mean2: (h) => mean(h.slice(-2)),
  mean3: (h) => mean(h.slice(-3)),
  mean4: (h) => mean(h.slice(-4)),
  meanAll: (h) => mean(h),
};

/**
 * Chooses the national forecast rule by rolling origin: every cycle from the second on is forecast from the cycles
 * before it; the rule with the lowest RMS error wins (ties: the earlier rule in NATIONAL_METHODS, `last` first).
 */
export function chooseNationalMethod(rates: readonly number[]): {
  method: NationalMethod;
  rmse: number;
  validation: { method: NationalMethod; rmse: number }[];
} {
  const validation = (Object.keys(NATIONAL_METHODS) as NationalMethod[]).map((method) => {
    let e2 = 0;
    for (let i = 1; i < rates.length; i++) e2 += (rates[i]! - NATIONAL_METHODS[method](rates.slice(0, i))) ** 2;
    return { method, rmse: rates.length > 1 ? Math.sqrt(e2 / (rates.length - 1)) : 0 };
  });
  let best = validation[0]!;
  for (const v of validation) if (v.rmse < best.rmse - 1e-12) best = v;
  return { method: best.method, rmse: best.rmse, validation };
}

const PAIR_MIN = 1984;

/**
 * State size bins for the residual distributions: terciles of VEP among the states of a cycle (17 states each).
 * Small states' turnout is noisier (out-of-sample RMS residual 1992-2004: 3.0, 2.2, 1.6 points from the smallest
 * tercile to the largest); three bins keep 17 states per bin and pair, so the quantiles rest on 50+ residuals.
 */
const SIZE_BINS = 3;
const sizeBinner = (veps: readonly number[]) => quantileBinner(veps, SIZE_BINS).bin;

function byYear(rows: readonly TurnoutRow[]): Map<number, Map<string, TurnoutRow>> {
  const m = new Map<number, Map<string, TurnoutRow>>();
  for (const r of rows) {
    let y = m.get(r.year);
    if (!y) m.set(r.year, (y = new Map()));
    y.set(r.state, r);
  }
  // The official national VEP includes overseas eligible voters who belong to no state; the model works with the
  // aggregate of the 50 states + DC ("AGG") and converts national rates with the last cycle's ratio.
  for (const [year, y] of m) {
    let votes = 0;
    let vep = 0;
    for (const s of STATES) {
      const r = y.get(s.postal);
      if (r) {
        votes += r.votes;
        vep += r.vep;
      }
    }
    if (vep > 0) y.set('AGG', { year, state: 'AGG', votes, vep, rate: votes / vep });
  }
  return m;
}

interface PairRow {
  state: string;
  y: number; // rate(B) - rate(A) - national change
  /** level vs nation, momentum, change in closeness to a tie, change in closeness to the national result */
  x: [number, number, number, number];
  vep: number;
}

type Shares = ReturnType<typeof stateShares>;

/**
 * Change from cycle A-4 to A of a state's closeness to a tie (|Dem two-party share - 50%|) and to the national result
 * (|share - national share|): negative when its last race was closer than the one before. 0 without results.
 */
function closenessChange(sh: Shares, A: number, state: string): [number, number] {
  const sa = sh.shares.get(A)?.get(state);
  const sp = sh.shares.get(A - 4)?.get(state);
  const na = sh.national.get(A);
  const np = sh.national.get(A - 4);
  if (sa === undefined || sp === undefined || na === undefined || np === undefined) return [0, 0];
  return [Math.abs(sa - 0.5) - Math.abs(sp - 0.5), Math.abs(sa - na) - Math.abs(sp - np)];
}

function pairRows(t: Map<number, Map<string, TurnoutRow>>, sh: Shares, A: number, B: number): PairRow[] {
  const a = t.get(A);
  const b = t.get(B);
  const p = t.get(A - 4);
  if (!a || !b || !p) return [];
  const na = a.get('AGG')!.rate;
  const nb = b.get('AGG')!.rate;
  const np = p.get('AGG')!.rate;
  const out: PairRow[] = [];
  for (const s of STATES) {
    const ra = a.get(s.postal);
    const rb = b.get(s.postal);
    const rp = p.get(s.postal);
    if (!ra || !rb || !rp) continue;
    out.push({
      state: s.postal,
      y: rb.rate - ra.rate - (nb - na),
      x: [ra.rate - na, ra.rate - rp.rate - (na - np), ...closenessChange(sh, A, s.postal)],
      vep: ra.vep,
    });
  }
  return out;
}

type Coefs = [number, number, number, number];

function fitCoefs(t: Map<number, Map<string, TurnoutRow>>, sh: Shares, before: number): Coefs {
  const X: number[][] = [];
  const y: number[] = [];
  for (const B of [...t.keys()].filter((yr) => yr < before && yr - 4 >= PAIR_MIN)) {
    const rows = pairRows(t, sh, B - 4, B);
    const my = rows.reduce((s, r) => s + r.y, 0) / Math.max(1, rows.length);
    for (const r of rows) {
      X.push(r.x);
      y.push(r.y - my);
    }
  }
  if (X.length < 20) return [0, 0, 0, 0];
  const b = ridge(X, y, null, [0.05, 0.05, 0.05, 0.05]);
  return [b[0]!, b[1]!, b[2]!, b[3]!];
}

const dot = (c: Coefs, x: readonly number[]) => c[0] * x[0]! + c[1] * x[1]! + c[2] * x[2]! + c[3] * x[3]!;

export function fitTurnoutModel(history: History, cycle: number): TurnoutModel {
  if (history.cutoff > cycle)
    throw new Error(
      `history runs to ${history.cutoff - 1}; a forecast for ${cycle} may only use cycles before ${cycle}`,
    );
  const t = byYear(history.turnout);
  const years = [...t.keys()].filter((y) => y < cycle && t.get(y)!.has('AGG')).sort((a, b) => a - b);
  if (years.length < 2)
    throw new Error(`turnout forecasts need at least two earlier cycles with turnout data (cycle ${cycle})`);
  const L = years[years.length - 1]!;
  const P = years[years.length - 2]!;
  const sh = stateShares(history.states);
  const coefs = fitCoefs(t, sh, cycle);
  // national forecast rule chosen by rolling origin over the earlier cycles
  const nat = years.map((y) => t.get(y)!.get('AGG')!);
  const natRates = nat.map((r) => r.rate);
  const changes = nat.slice(1).map((r, i) => r.rate - nat[i]!.rate);
  const meanChange = changes.reduce((s, c) => s + c, 0) / changes.length;
  const sdChange = Math.sqrt(changes.reduce((s, c) => s + (c - meanChange) ** 2, 0) / Math.max(1, changes.length - 1));
  const chosen = chooseNationalMethod(natRates);
  const drift = NATIONAL_METHODS[chosen.method](natRates) - natRates[natRates.length - 1]!;
  const vepGrowth = (r: TurnoutRow | undefined, q: TurnoutRow | undefined) =>
    r && q ? (r.vep / q.vep) ** ((cycle - L) / (L - P)) : 1;
  // out-of-sample residuals: each pair B predicted with coefficients fitted on pairs before B and the true national change
  const res: number[] = [];
  const byPair: { r: number; bin: number }[][] = [];
  const resBySize: number[][] = Array.from({ length: SIZE_BINS }, () => []);
  const divDev: number[] = [];
  for (const B of years.filter((y) => y - 8 >= PAIR_MIN)) {
    const cc = fitCoefs(t, sh, B);
    const rows = pairRows(t, sh, B - 4, B);
    if (!rows.length) continue;
    const pred = rows.map((r) => dot(cc, r.x));
    const w = rows.reduce((s, r) => s + r.vep, 0);
    const shift = rows.reduce((s, r, i) => s + r.vep * (r.y - pred[i]!), 0) / w;
    const byDiv = new Map<string, number[]>();
    const pairRes: { r: number; bin: number }[] = [];
    byPair.push(pairRes);
    const binOf = sizeBinner(rows.map((r) => r.vep));
    rows.forEach((r, i) => {
      const e = r.y - pred[i]! - shift;
      const bin = binOf(r.vep);
      res.push(e);
      resBySize[bin]!.push(e);
      pairRes.push({ r: e, bin });
      const d = STATE_BY_POSTAL.get(r.state)!.division;
      if (!byDiv.has(d)) byDiv.set(d, []);
      byDiv.get(d)!.push(e);
    });
    for (const es of byDiv.values()) divDev.push(es.reduce((s, e) => s + e, 0) / es.length);
  }
  const rms = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / Math.max(1, xs.length));
  const lastRows = t.get(L)!;
  const prevRows = t.get(P)!;
  const lastStates = STATES.filter((s) => lastRows.has(s.postal));
  const lastBin = sizeBinner(lastStates.map((s) => lastRows.get(s.postal)!.vep));
  return {
    cycle,
    lastCycle: L,
    a: coefs[0],
    b: coefs[1],
    c: [coefs[2], coefs[3]],
    national: {
      last: lastRows.get('AGG')!.rate,
      drift,
      sd: sdChange,
      forecastSd: chosen.rmse,
      forecastDf: Math.max(1, natRates.length - 2),
      method: chosen.method,
      validation: chosen.validation,
      lastVotes: lastRows.get('AGG')!.votes,
      vepGrowth: vepGrowth(lastRows.get('AGG'), prevRows.get('AGG')),
      officialRatio: lastRows.has('US') ? lastRows.get('US')!.vep / lastRows.get('AGG')!.vep : 1,
    },
    nationalPrev: prevRows.get('AGG')!.rate,
    states: lastStates.map((s) => {
      const r = lastRows.get(s.postal)!;
      const p = prevRows.get(s.postal);
      return {
        state: s.postal,
        last: r.rate,
        prev: p ? p.rate : r.rate,
        vep: r.vep,
        votes: r.votes,
        vepGrowth: vepGrowth(r, p),
        closeness: closenessChange(sh, L, s.postal),
        sizeBin: lastBin(r.vep),
      };
    }),
    residuals: Float64Array.from(res).sort(),
    residualsBySize: resBySize.map((xs) => Float64Array.from(xs).sort()),
    intervalScale: { p80: calibrateIntervalScale(byPair, 0.8), p95: calibrateIntervalScale(byPair, 0.95) },
    sdState: rms(res),
    sdDivision: rms(divDev),
  };
}

export interface StateTurnoutForecast {
  state: string;
  vep_turnout: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
  /** projected VEP and votes cast */
  vep: number;
  votes: number;
  factors: Factor[];
}

export interface TurnoutForecast {
  cycle: number;
  national: { vep_turnout: number; given: boolean; lo80: number; hi80: number; votes: number };
  states: StateTurnoutForecast[];
}

export function forecastTurnout(
  model: TurnoutModel,
  options: { nationalTurnoutVep?: number; levers?: TurnoutLevers } = {},
): TurnoutForecast {
  const given = options.nationalTurnoutVep !== undefined;
  if (given && !(options.nationalTurnoutVep! > 0 && options.nationalTurnoutVep! < 1)) {
    throw new RangeError(`national VEP turnout must be a fraction between 0 and 1 (got ${options.nationalTurnoutVep})`);
  }
  const lv = options.levers ?? {};
  const intensity = (lv.intensity ?? 0) * model.national.sd;
  const ratio = model.national.officialRatio;
  const target = (given ? options.nationalTurnoutVep! * ratio : model.national.last + model.national.drift) + intensity;
  const natLast = model.national.last;
  const rel = model.states.map((s) => {
    const x0 = s.last - natLast;
    const x1 = s.last - s.prev - (natLast - model.nationalPrev);
    const division = STATE_BY_POSTAL.get(s.state)!.division;
    const cond = (lv.conditions?.[division] ?? lv.conditions?.['all'] ?? 0) * model.sdDivision;
    const mob = (lv.mobilization?.[s.state] ?? 0) * model.sdState;
    const comp = model.c[0] * s.closeness[0] + model.c[1] * s.closeness[1];
    return { s, meanRev: model.a * x0, momentum: model.b * x1, comp, cond, mob };
  });
  // national shift so that the VEP-weighted mean (before state-specific levers) hits the target
  const vepW = model.states.map((s) => s.vep * s.vepGrowth);
  const W = vepW.reduce((a, b) => a + b, 0);
  const baseMean = rel.reduce((acc, r, i) => acc + vepW[i]! * (r.s.last + r.meanRev + r.momentum + r.comp), 0) / W;
  const shift = target - baseMean;
  const natUnc = given ? 0 : model.national.forecastSd;
  const df = model.national.forecastDf;
  /** The offset of quantile `p` from the point forecast, with the interval scale of its level. */
  const q = (p: number, scale: number, sizeBin: number) => {
    const bySize = model.residualsBySize[sizeBin];
    const sq = quantileSorted(bySize && bySize.length ? bySize : model.residuals, p) * scale;
    const n = natUnc * studentQuantile(p, df);
    return Math.sign(sq + n) * Math.sqrt(sq * sq + n * n);
  };
  const { p80, p95 } = model.intervalScale;
  const clamp = (x: number) => Math.min(0.99, Math.max(0.01, x));
  const states = rel.map((r, i) => {
    const rate = clamp(r.s.last + shift + r.meanRev + r.momentum + r.comp + r.cond + r.mob);
    const factors: Factor[] = [
      { name: 'national turnout shift', value: shift - intensity, contribution: shift - intensity },
      { name: 'state level vs nation (mean reversion)', value: r.s.last - natLast, contribution: r.meanRev },
      {
        name: 'last change vs nation (momentum)',
        value: r.s.last - r.s.prev - (natLast - model.nationalPrev),
        contribution: r.momentum,
      },
      {
        name: 'closer last race (competitiveness)',
        value: r.s.closeness[0],
        contribution: r.comp,
      },
    ];
    if (intensity) factors.push({ name: 'intensity lever (national)', value: lv.intensity!, contribution: intensity });
    if (r.cond)
      factors.push({ name: 'conditions lever (division)', value: r.cond / model.sdDivision, contribution: r.cond });
    if (r.mob) factors.push({ name: 'mobilization lever (state)', value: r.mob / model.sdState, contribution: r.mob });
    factors.sort((x, y) => Math.abs(y.contribution) - Math.abs(x.contribution));
    const vep = vepW[i]!;
    return {
      state: r.s.state,
      vep_turnout: rate,
      lo80: clamp(rate + q(0.1, p80, r.s.sizeBin)),
      hi80: clamp(rate + q(0.9, p80, r.s.sizeBin)),
      lo95: clamp(rate + q(0.025, p95, r.s.sizeBin)),
      hi95: clamp(rate + q(0.975, p95, r.s.sizeBin)),
      vep,
      votes: rate * vep,
      factors: [{ name: `${model.lastCycle} turnout (baseline)`, value: r.s.last, contribution: 0 }, ...factors],
    };
  });
  const natVotes = target * W;
  return {
    cycle: model.cycle,
    national: {
      vep_turnout: target / ratio,
      given,
      lo80: (given ? target : target + studentQuantile(0.1, df) * model.national.forecastSd) / ratio,
      hi80: (given ? target : target + studentQuantile(0.9, df) * model.national.forecastSd) / ratio,
      votes: natVotes,
    },
    states,
  };
}

/**
 * County total votes: last total scaled by the state's forecast growth and the county's own growth relative to its
 * state over the last 4 years (`beta`, momentum) and the last 8 (`beta8`, population trend).
 */
export interface CountyTurnoutModel {
  cycle: number;
  lastCycle: number;
  beta: number;
  beta8: number;
  counties: { fips: string; state: string; lastTotal: number; rel: number; rel8: number; sizeBin: number }[];
  sizeBreaks: number[];
  residuals: Float64Array[];
}

type GrowthRow = ReturnType<typeof buildGrowthRows>[number];

/** Growth rows per cycle pair, built once per model fit (the rolling-origin fits reuse the same pairs). */
class GrowthRows {
  private readonly cache = new Map<string, GrowthRow[]>();
  constructor(readonly byYear: ReturnType<typeof countyCycles>) {}
  get(A: number, B: number | null): GrowthRow[] {
    const key = `${A}-${B}`;
    let rows = this.cache.get(key);
    if (!rows) this.cache.set(key, (rows = buildGrowthRows(this.byYear, A, B)));
    return rows;
  }
}

/**
 * County rows for the pair A -> B: log growth of total votes relative to the state over the last 4 years (`rel`,
 * turnout noise plus population trend) and per 4 years over the last 8 (`rel8`, mostly population trend).
 */
function buildGrowthRows(byYear: ReturnType<typeof countyCycles>, A: number, B: number | null) {
  const a = byYear.get(A)!;
  const p = byYear.get(A - 4);
  const p8 = byYear.get(A - 8);
  const b = B === null ? null : byYear.get(B);
  const rows: { fips: string; state: string; totalA: number; totalB: number; g: number; g8: number }[] = [];
  const logGrowth = (c: CountyCycle, prev: CountyCycle | undefined) =>
    prev && prev.total > 0 ? Math.log(c.total / prev.total) : NaN;
  for (const [fips, ca] of a) {
    const cb = b ? b.get(fips) : undefined;
    if (b && !cb) continue;
    rows.push({
      fips,
      state: ca.state,
      totalA: ca.total,
      totalB: cb ? cb.total : NaN,
      g: logGrowth(ca, lookupCounty(p, fips)),
      g8: logGrowth(ca, lookupCounty(p8, fips)) / 2,
    });
  }
  // growth relative to the state's (summed totals of the counties with both cycles)
  const relative = (key: 'g' | 'g8') => {
    const st = new Map<string, [number, number]>();
    for (const r of rows) {
      const g = r[key];
      if (!Number.isFinite(g)) continue;
      const s = st.get(r.state) ?? [0, 0];
      s[0] += r.totalA;
      s[1] += r.totalA / Math.exp(g);
      st.set(r.state, s);
    }
    return rows.map((r) => {
      const s = st.get(r.state);
      return Number.isFinite(r[key]) && s ? r[key] - Math.log(s[0] / s[1]) : 0;
    });
  };
  const rel = relative('g');
  const rel8 = relative('g8');
  return rows.map((r, i) => ({ ...r, rel: rel[i]!, rel8: rel8[i]! }));
}

/** Ridge estimates of how a county's growth relative to its state carries over, from pairs of the 16 years before `before`. */
function fitCountyGrowth(growth: GrowthRows, before: number): [number, number] {
  const byYear = growth.byYear;
  const X: number[][] = [];
  const y: number[] = [];
  for (const B of [...byYear.keys()].filter((yr) => yr < before && yr >= before - 16 && byYear.has(yr - 12))) {
    const rows = growth.get(B - 4, B);
    const byState = new Map<string, { tA: number; tB: number }>();
    for (const r of rows) {
      const s = byState.get(r.state) ?? { tA: 0, tB: 0 };
      s.tA += r.totalA;
      s.tB += r.totalB;
      byState.set(r.state, s);
    }
    for (const r of rows) {
      const s = byState.get(r.state)!;
      const yi = Math.log(r.totalB / r.totalA) - Math.log(s.tB / s.tA);
      if (!Number.isFinite(yi)) continue;
      X.push([r.rel, r.rel8]);
      y.push(yi);
    }
  }
  if (!X.length) return [0, 0];
  const b = ridge(X, y, null, [1, 1]);
  return [b[0]!, b[1]!];
}

export function fitCountyTurnoutModel(history: History, cycle: number): CountyTurnoutModel {
  if (history.cutoff > cycle)
    throw new Error(
      `history runs to ${history.cutoff - 1}; a forecast for ${cycle} may only use cycles before ${cycle}`,
    );
  const byYear = countyCycles(history);
  const years = [...byYear.keys()].filter((y) => y < cycle).sort((a, b) => b - a);
  const L = years[0]!;
  const growth = new GrowthRows(byYear);
  const [beta, beta8] = fitCountyGrowth(growth, cycle);
  const rows = growth.get(L, null);
  // county size quartiles of the last totals
  const { breaks: sizeBreaks, bin: binOf } = quantileBinner(
    rows.map((r) => r.totalA),
    4,
  );
  // out-of-sample residuals of log county share of the state total, on the three latest pairs
  const res: number[][] = [[], [], [], []];
  for (const B of years.filter((y) => byYear.has(y - 4) && byYear.has(y - 8)).slice(0, 3)) {
    const [bb, bb8] = fitCountyGrowth(growth, B);
    const rr = growth.get(B - 4, B);
    const byState = new Map<string, { tB: number; pred: number }>();
    for (const r of rr) {
      const s = byState.get(r.state) ?? { tB: 0, pred: 0 };
      s.tB += r.totalB;
      s.pred += r.totalA * Math.exp(bb * r.rel + bb8 * r.rel8);
      byState.set(r.state, s);
    }
    for (const r of rr) {
      const s = byState.get(r.state)!;
      const pred = (r.totalA * Math.exp(bb * r.rel + bb8 * r.rel8) * s.tB) / s.pred;
      const e = Math.log(r.totalB / pred);
      if (Number.isFinite(e)) res[binOf(r.totalA)]!.push(e);
    }
  }
  return {
    cycle,
    lastCycle: L,
    beta,
    beta8,
    counties: rows.map((r) => ({
      fips: r.fips,
      state: r.state,
      lastTotal: r.totalA,
      rel: r.rel,
      rel8: r.rel8,
      sizeBin: binOf(r.totalA),
    })),
    sizeBreaks,
    residuals: res.map((xs) => Float64Array.from(xs).sort()),
  };
}

export interface CountyTotalForecast {
  fips: string;
  total_votes: number;
  total_votes_lo80: number;
  total_votes_hi80: number;
}

/**
 * County totals given the state turnout forecast: each state's expected votes are spread over its counties in
 * proportion to last totals × exp(beta × 4-year + beta8 × 8-year relative growth). Counties in states without a turnout forecast
 * grow with the nation.
 */
export function forecastCountyTotals(
  model: CountyTurnoutModel,
  turnout: TurnoutForecast,
  turnoutModel: TurnoutModel,
): CountyTotalForecast[] {
  const stateGrowth = new Map<string, { growth: number; lo: number; hi: number }>();
  const natGrowth = turnout.national.votes / turnoutModel.national.lastVotes;
  for (const s of turnout.states) {
    const last = turnoutModel.states.find((x) => x.state === s.state)!;
    stateGrowth.set(s.state, { growth: s.votes / last.votes, lo: s.lo80 / s.vep_turnout, hi: s.hi80 / s.vep_turnout });
  }
  const weight = model.counties.map((c) => c.lastTotal * Math.exp(model.beta * c.rel + model.beta8 * c.rel8));
  const sums = new Map<string, { last: number; w: number }>();
  model.counties.forEach((c, i) => {
    const s = sums.get(c.state) ?? { last: 0, w: 0 };
    s.last += c.lastTotal;
    s.w += weight[i]!;
    sums.set(c.state, s);
  });
  return model.counties.map((c, i) => {
    const s = sums.get(c.state)!;
    const g = stateGrowth.get(c.state) ?? { growth: natGrowth, lo: 1, hi: 1 };
    const total = (s.last * g.growth * weight[i]!) / s.w;
    const res = model.residuals[c.sizeBin]!;
    const lo = res.length ? quantileSorted(res, 0.1) : 0;
    const hi = res.length ? quantileSorted(res, 0.9) : 0;
    // county residual and state-rate uncertainty combined in quadrature (log scale)
    const lS = Math.log(g.lo);
    const hS = Math.log(g.hi);
    return {
      fips: c.fips,
      total_votes: total,
      total_votes_lo80: total * Math.exp(-Math.sqrt(lo * lo + lS * lS)),
      total_votes_hi80: total * Math.exp(Math.sqrt(hi * hi + hS * hS)),
    };
  });
}

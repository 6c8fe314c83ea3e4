/**
 * Turnout: state turnout of the voting-eligible population (VEP) and county total votes, with intervals.
 *
 * State rate(Y) = rate(L) + national shift + a * (rate(L) - national(L)) + b * (last change relative to the nation)
 * (L = the last cycle before Y). a and b are ridge estimates from all earlier cycle pairs; the national shift makes the
 * VEP-weighted mean equal the scenario's national rate, or, when none is given, a shrunk-trend forecast of it
 * (last national rate plus the mean historical change, shrunk toward zero by its own uncertainty).
 * Intervals: empirical quantiles of out-of-sample state residuals (each past pair predicted from the pairs before
 * it), plus the national forecast's uncertainty when the national rate is forecast rather than given.
 *
 * Scenario levers are in units of historical standard deviations, so their effects are estimated, not invented:
 * intensity (national: 1 = one SD of the national cycle-to-cycle change), conditions (Census division: 1 = one SD of
 * a division's mean deviation), mobilization (state: 1 = one SD of a state's own deviation).
 */
import type { History, TurnoutRow } from './data.js';
import { countyCycles, lookupCounty, type CountyCycle } from './county-data.js';
import { quantileSorted, ridge, normQuantile } from './math.js';
import { STATES, STATE_BY_POSTAL } from './states.js';
import type { Factor } from './explain.js';

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
  a: number;
  b: number;
  /** national rates here are the 50 states + DC aggregate; officialRatio = official US VEP / state VEP sum */
  national: { last: number; drift: number; sd: number; lastVotes: number; vepGrowth: number; officialRatio: number };
  /** state rows of the last cycle and the one before */
  states: { state: string; last: number; prev: number; vep: number; votes: number; vepGrowth: number }[];
  nationalPrev: number;
  residuals: Float64Array;
  sdState: number;
  sdDivision: number;
}

const PAIR_MIN = 1984;

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
  x: [number, number];
  vep: number;
}

function pairRows(t: Map<number, Map<string, TurnoutRow>>, A: number, B: number): PairRow[] {
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
      x: [ra.rate - na, ra.rate - rp.rate - (na - np)],
      vep: ra.vep,
    });
  }
  return out;
}

function fitAB(t: Map<number, Map<string, TurnoutRow>>, before: number): [number, number] {
  const X: number[][] = [];
  const y: number[] = [];
  for (const B of [...t.keys()].filter((yr) => yr < before && yr - 4 >= PAIR_MIN)) {
    const rows = pairRows(t, B - 4, B);
    const my = rows.reduce((s, r) => s + r.y, 0) / Math.max(1, rows.length);
    for (const r of rows) {
      X.push(r.x);
      y.push(r.y - my);
    }
  }
  if (X.length < 20) return [0, 0];
  const b = ridge(X, y, null, [0.05, 0.05]);
  return [b[0]!, b[1]!];
}

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
  const [a, b] = fitAB(t, cycle);
  // national shrunk trend
  const nat = years.map((y) => t.get(y)!.get('AGG')!);
  const changes = nat.slice(1).map((r, i) => r.rate - nat[i]!.rate);
  const meanChange = changes.reduce((s, c) => s + c, 0) / changes.length;
  const sdChange = Math.sqrt(changes.reduce((s, c) => s + (c - meanChange) ** 2, 0) / Math.max(1, changes.length - 1));
  const se2 = (sdChange * sdChange) / changes.length;
  const drift = meanChange * ((meanChange * meanChange) / (meanChange * meanChange + se2));
  const vepGrowth = (r: TurnoutRow | undefined, q: TurnoutRow | undefined) =>
    r && q ? (r.vep / q.vep) ** ((cycle - L) / (L - P)) : 1;
  // out-of-sample residuals: each pair B predicted with a, b fitted on pairs before B and the true national change
  const res: number[] = [];
  const divDev: number[] = [];
  for (const B of years.filter((y) => y - 8 >= PAIR_MIN)) {
    const [aa, bb] = fitAB(t, B);
    const rows = pairRows(t, B - 4, B);
    if (!rows.length) continue;
    const pred = rows.map((r) => aa * r.x[0] + bb * r.x[1]);
    const w = rows.reduce((s, r) => s + r.vep, 0);
    const shift = rows.reduce((s, r, i) => s + r.vep * (r.y - pred[i]!), 0) / w;
    const byDiv = new Map<string, number[]>();
    rows.forEach((r, i) => {
      const e = r.y - pred[i]! - shift;
      res.push(e);
      const d = STATE_BY_POSTAL.get(r.state)!.division;
      if (!byDiv.has(d)) byDiv.set(d, []);
      byDiv.get(d)!.push(e);
    });
    for (const es of byDiv.values()) divDev.push(es.reduce((s, e) => s + e, 0) / es.length);
  }
  const rms = (xs: number[]) => Math.sqrt(xs.reduce((s, x) => s + x * x, 0) / Math.max(1, xs.length));
  const lastRows = t.get(L)!;
  const prevRows = t.get(P)!;
  return {
    cycle,
    lastCycle: L,
    a,
    b,
    national: {
      last: lastRows.get('AGG')!.rate,
      drift,
      sd: sdChange,
      lastVotes: lastRows.get('AGG')!.votes,
      vepGrowth: vepGrowth(lastRows.get('AGG'), prevRows.get('AGG')),
      officialRatio: lastRows.has('US') ? lastRows.get('US')!.vep / lastRows.get('AGG')!.vep : 1,
    },
    nationalPrev: prevRows.get('AGG')!.rate,
    states: STATES.filter((s) => lastRows.has(s.postal)).map((s) => {
      const r = lastRows.get(s.postal)!;
      const p = prevRows.get(s.postal);
      return {
        state: s.postal,
        last: r.rate,
        prev: p ? p.rate : r.rate,
        vep: r.vep,
        votes: r.votes,
        vepGrowth: vepGrowth(r, p),
      };
    }),
    residuals: Float64Array.from(res).sort(),
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
    return { s, meanRev: model.a * x0, momentum: model.b * x1, cond, mob };
  });
  // national shift so that the VEP-weighted mean (before state-specific levers) hits the target
  const vepW = model.states.map((s) => s.vep * s.vepGrowth);
  const W = vepW.reduce((a, b) => a + b, 0);
  const baseMean = rel.reduce((acc, r, i) => acc + vepW[i]! * (r.s.last + r.meanRev + r.momentum), 0) / W;
  const shift = target - baseMean;
  const natUnc = given ? 0 : model.national.sd;
  const q = (p: number) => {
    const sq = quantileSorted(model.residuals, p);
    const n = natUnc * normQuantile(p);
    return Math.sign(sq + n) * Math.sqrt(sq * sq + n * n);
  };
  const clamp = (x: number) => Math.min(0.99, Math.max(0.01, x));
  const states = rel.map((r, i) => {
    const rate = clamp(r.s.last + shift + r.meanRev + r.momentum + r.cond + r.mob);
    const factors: Factor[] = [
      { name: 'national turnout shift', value: shift - intensity, contribution: shift - intensity },
      { name: 'state level vs nation (mean reversion)', value: r.s.last - natLast, contribution: r.meanRev },
      {
        name: 'last change vs nation (momentum)',
        value: r.s.last - r.s.prev - (natLast - model.nationalPrev),
        contribution: r.momentum,
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
      lo80: clamp(rate + q(0.1)),
      hi80: clamp(rate + q(0.9)),
      lo95: clamp(rate + q(0.025)),
      hi95: clamp(rate + q(0.975)),
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
      lo80: (given ? target : target + normQuantile(0.1) * model.national.sd) / ratio,
      hi80: (given ? target : target + normQuantile(0.9) * model.national.sd) / ratio,
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
  const totals = rows.map((r) => r.totalA).sort((a, b) => a - b);
  const sizeBreaks = [0.25, 0.5, 0.75].map((q) => quantileSorted(totals, q));
  const binOf = (t: number) => sizeBreaks.filter((b) => t > b).length;
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

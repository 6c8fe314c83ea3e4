/**
 * Backtests over the shipped data. Every model is fitted on `historyBefore(data, year)`: the results of the year it
 * predicts (and later) are structurally absent from what the fitting code receives; the realized values are looked
 * up afterwards, only for scoring. Naive baselines are computed in the same run.
 */
import { historyBefore, type Poll, type ReferenceData } from './data.js';
import { countyCycles, solveUniformShift, type CountyCycle } from './county-data.js';
import { fitCountyModel, forecastCountyShares, type CountyModelOptions } from './county.js';
import { fitFundamentals, stateShares } from './fundamentals.js';
import { averagePolls, type PollAverageOptions } from './polls.js';
import { electionDay, forecastStates, type ErrorScales } from './state-model.js';
import { fitCountyTurnoutModel, fitTurnoutModel, forecastCountyTotals, forecastTurnout } from './turnout.js';
import { logit, normCdf, normQuantile, sigmoid } from './math.js';
import { score, type Prediction, type Scored } from './metrics.js';

export interface StateBacktestRow {
  year: number;
  asOf: number;
  polls: number;
  model: Scored;
  lastResult: Scored;
  uniformSwing: Scored;
  national: { p_dem_win: number; dem_ev_mean: number; actualDemWon: boolean };
  fittedOn: number[];
  scales: ErrorScales;
  /** poll-average settings (tuned on the earlier cycles) */
  pollAverage: PollAverageOptions;
}

function baseline(mean: number, sd: number): Prediction {
  const z80 = normQuantile(0.9);
  const z95 = normQuantile(0.975);
  return {
    mean,
    lo80: mean - z80 * sd,
    hi80: mean + z80 * sd,
    lo95: mean - z95 * sd,
    hi95: mean + z95 * sd,
    p: normCdf((mean - 0.5) / sd),
  };
}

/**
 * State forecasts with polls at `daysBefore` days before election day. Baselines: last result, and last result plus
 * the national swing implied by the national poll average; both get normal intervals and win probabilities with the
 * RMS error the same predictor had on earlier cycles (plus the national prior sd for uniform swing's swing).
 */
export function backtestStates(
  data: ReferenceData,
  polls: readonly Poll[],
  year: number,
  options: { daysBefore?: number; simulations?: number; seed?: number } = {},
): StateBacktestRow {
  const history = historyBefore(data, year);
  const asOf = electionDay(year) - (options.daysBefore ?? 1);
  const cyclePolls = polls.filter((p) => p.cycle === year);
  const earlier = polls.filter((p) => p.cycle < year);
  const f = forecastStates(history, year, cyclePolls, asOf, {
    calibrationPolls: earlier,
    simulations: options.simulations,
    seed: options.seed,
  });
  const actualShares = stateShares(data.states).shares.get(year);
  if (!actualShares) throw new Error(`no state results for ${year}`);
  const actual = f.states.map((s) => actualShares.get(s.state)!);
  const fund = fitFundamentals(history, year);
  const natPoll = averagePolls(
    cyclePolls.filter((p) => p.state === '--'),
    asOf,
  ).states.get('--');
  const swing = natPoll ? natPoll.mean - fund.lastNational : 0;
  const sdLast = fund.naiveSd.last;
  const sdUni = Math.sqrt(fund.naiveSd.uniform ** 2 + f.scales.national ** 2);
  const model = score(
    f.states.map((s) => ({
      mean: s.dem_two_party,
      lo80: s.lo80,
      hi80: s.hi80,
      lo95: s.lo95,
      hi95: s.hi95,
      p: s.p_dem_win,
    })),
    actual,
  );
  const lastResult = score(
    fund.states.map((s) => baseline(s.lastShare, sdLast)),
    actual,
  );
  const uniformSwing = score(
    fund.states.map((s) => baseline(s.lastShare + swing, sdUni)),
    actual,
  );
  const ev = f.states.reduce((a, s, i) => a + (actual[i]! > 0.5 ? s.ev : 0), 0);
  return {
    year,
    asOf,
    polls: cyclePolls.filter((p) => p.end <= asOf).length,
    model,
    lastResult,
    uniformSwing,
    national: { p_dem_win: f.national.p_dem_win, dem_ev_mean: f.national.dem_ev_mean, actualDemWon: ev >= 270 },
    fittedOn: f.scales.fittedOn,
    scales: f.scales,
    pollAverage: f.pollAverage ?? {},
  };
}

export interface CountyBacktestRow {
  year: number;
  counties: number;
  spec: string;
  kappa: number;
  kappaState: number;
  /** the agreement shrinkage applied to the adjustment (1 = none) */
  agreement: number;
  /** the county feature vintage the model used, and whether it is dated after the predicted election */
  featureVintage: number;
  featureVintagePostdatesCycle: boolean;
  /** the chosen specification's validation pairs, with the vintage each used and whether it postdates the pair */
  validation: { pair: string; featureVintage: number; vintagePostdatesPair: boolean }[];
  model: Scored;
  lastResult: Scored;
  uniformSwing: Scored;
  /**
   * Context, not a forecast: uniform logit swing within each state to that state's TRUE result (weighted by the true
   * two-party votes). What a forecast told all 51 state outcomes would score without county knowledge: a bound on how
   * low a forecast conditioned on the national share alone can reasonably go.
   */
  stateOracle: Scored;
  totals: { modelMape: number; lastMape: number; cov80: number };
}

/** County conditional forecasts given the true national two-party share and national VEP turnout of `year`. */
export function backtestCounties(
  data: ReferenceData,
  year: number,
  countyOptions: CountyModelOptions = {},
): CountyBacktestRow {
  const history = historyBefore(data, year);
  const truth = countyCycles(historyBefore(data, year + 1)).get(year);
  if (!truth) throw new Error(`no county results for ${year}`);
  const national = stateShares(data.states).national.get(year)!;
  const natTurnout = data.turnout.find((r) => r.year === year && r.state === 'US');
  const model = fitCountyModel(history, year, countyOptions);
  const tm = fitTurnoutModel(history, year);
  const to = forecastTurnout(tm, natTurnout ? { nationalTurnoutVep: natTurnout.rate } : {});
  const ctm = fitCountyTurnoutModel(history, year);
  const totals = forecastCountyTotals(ctm, to, tm);
  const expectedTotals = new Map(totals.map((t) => [t.fips, t.total_votes]));
  const fc = forecastCountyShares(model, { nationalDemTwoParty: national }, expectedTotals);
  const rows = fc.filter((p) => truth.has(p.fips));
  const actual = rows.map((p) => truth.get(p.fips)!.share);
  const m = score(
    rows.map((p) => ({ mean: p.dem_two_party, lo80: p.lo80, hi80: p.hi80, lo95: p.lo95, hi95: p.hi95 })),
    actual,
  );
  // baselines: last share; uniform logit swing to the true national share (same weights)
  const byFips = new Map(model.counties.map((c) => [c.fips, c]));
  const lastShares = rows.map((p) => byFips.get(p.fips)!.lastShare);
  const uni = forecastCountyShares(
    { ...model, counties: model.counties.map((c) => ({ ...c, adjustment: 0 })) },
    { nationalDemTwoParty: national },
    expectedTotals,
  );
  const uniBy = new Map(uni.map((u) => [u.fips, u]));
  // the naive rules are point predictions: no intervals (coverage reported as not applicable)
  const point = (mean: number): Prediction => ({ mean, lo80: NaN, hi80: NaN, lo95: NaN, hi95: NaN });
  const lastScored = score(lastShares.map(point), actual);
  const uniScored = score(
    rows.map((p) => point(uniBy.get(p.fips)!.dem_two_party)),
    actual,
  );
  const oracleScored = score(
    stateOracleShares(
      rows.map((p) => byFips.get(p.fips)!),
      truth,
    ).map(point),
    actual,
  );
  const tBy = new Map(totals.map((t) => [t.fips, t]));
  let ape = 0;
  let apeLast = 0;
  let cov = 0;
  let n = 0;
  for (const p of rows) {
    const t = tBy.get(p.fips);
    const a = truth.get(p.fips)!.total;
    const c = byFips.get(p.fips)!;
    if (!t || !(a > 0)) continue;
    ape += Math.abs(t.total_votes / a - 1);
    apeLast += Math.abs(c.lastTotal / a - 1);
    if (a >= t.total_votes_lo80 && a <= t.total_votes_hi80) cov++;
    n++;
  }
  return {
    year,
    counties: rows.length,
    spec: model.spec,
    kappa: model.kappa,
    kappaState: model.kappaState,
    agreement: model.agreement,
    featureVintage: model.featureVintage,
    featureVintagePostdatesCycle: model.featureVintagePostdatesCycle,
    validation: model.validation
      .filter((v) => v.spec === model.spec)
      .map(({ pair, featureVintage, vintagePostdatesPair }) => ({ pair, featureVintage, vintagePostdatesPair })),
    model: m,
    lastResult: lastScored,
    uniformSwing: uniScored,
    stateOracle: oracleScored,
    totals: { modelMape: ape / n, lastMape: apeLast / n, cov80: cov / n },
  };
}

/** Uniform logit swing within each state to its true two-party result, weighted by the true two-party votes. */
export function stateOracleShares(
  counties: readonly { state: string; lastShare: number; fips: string }[],
  truth: ReadonlyMap<string, CountyCycle>,
): number[] {
  const byState = new Map<string, number[]>();
  counties.forEach((c, i) => {
    let g = byState.get(c.state);
    if (!g) byState.set(c.state, (g = []));
    g.push(i);
  });
  const out = new Array<number>(counties.length);
  for (const idx of byState.values()) {
    const base = idx.map((i) => logit(counties[i]!.lastShare));
    const w = idx.map((i) => truth.get(counties[i]!.fips)!.twoParty);
    const wsum = w.reduce((a, b) => a + b, 0);
    const target = idx.reduce((s, i, k) => s + w[k]! * truth.get(counties[i]!.fips)!.share, 0) / wsum;
    const d = solveUniformShift(base, w, target);
    idx.forEach((i, k) => (out[i] = sigmoid(base[k]! + d)));
  }
  return out;
}

export interface TurnoutBacktestRow {
  year: number;
  states: number;
  givenNational: Scored;
  forecastNational: Scored;
  lastRate: Scored;
  national: { actual: number; forecast: number };
}

/** State VEP turnout: the model given the true national rate, the model forecasting it, and repeating last rates. */
export function backtestTurnout(data: ReferenceData, year: number): TurnoutBacktestRow {
  const history = historyBefore(data, year);
  const tm = fitTurnoutModel(history, year);
  const truth = new Map(data.turnout.filter((r) => r.year === year).map((r) => [r.state, r.rate]));
  const nat = truth.get('US');
  if (nat === undefined) throw new Error(`no turnout data for ${year}`);
  const given = forecastTurnout(tm, { nationalTurnoutVep: nat });
  const fore = forecastTurnout(tm);
  const actual = given.states.map((s) => truth.get(s.state)!);
  const asPred = (s: { vep_turnout: number; lo80: number; hi80: number; lo95: number; hi95: number }) => ({
    mean: s.vep_turnout,
    lo80: s.lo80,
    hi80: s.hi80,
    lo95: s.lo95,
    hi95: s.hi95,
  });
  const sdLast = Math.sqrt(tm.national.sd ** 2 + tm.sdState ** 2);
  const last = tm.states.map((s) => baseline(s.last, sdLast));
  return {
    year,
    states: actual.length,
    givenNational: score(given.states.map(asPred), actual),
    forecastNational: score(fore.states.map(asPred), actual),
    lastRate: score(
      last.map(({ p: _p, ...rest }) => rest),
      actual,
    ),
    national: { actual: nat, forecast: fore.national.vep_turnout },
  };
}

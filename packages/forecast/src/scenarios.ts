/**
 * Named what-if scenarios compared side by side, and paths to victory: the minimal combinations of states (or of
 * counties within a state) that reach a win, with their joint probability from the simulations.
 */
import type { History } from './data.js';
import {
  countyTwoPartyWeights,
  forecastCountyShares,
  type CountyModel,
  type CountyScenario,
  type CountyShareForecast,
} from './county.js';
import {
  simulateStates,
  type PointEstimate,
  type StateForecast,
  type StateForecastOptions,
  type StateScenario,
} from './state-model.js';
import { EV_TO_WIN } from './states.js';
import { quantileSorted } from './math.js';

export interface StateScenarioResult {
  name: string;
  p_dem_win: number;
  dem_ev_mean: number;
  dem_ev_lo80: number;
  dem_ev_hi80: number;
  dem_two_party: number;
  states: { state: string; dem_two_party: number; p_dem_win: number }[];
}

/** Every scenario is simulated with the same seed (common random numbers), so differences are the scenario's effect. */
export function compareStateScenarios(
  point: PointEstimate,
  history: History,
  scenarios: (StateScenario & { name: string })[],
  options: StateForecastOptions = {},
): StateScenarioResult[] {
  return scenarios.map((sc) => {
    const f = simulateStates(point, history, { ...options, scenario: sc });
    return {
      name: sc.name,
      p_dem_win: f.national.p_dem_win,
      dem_ev_mean: f.national.dem_ev_mean,
      dem_ev_lo80: f.national.dem_ev_lo80,
      dem_ev_hi80: f.national.dem_ev_hi80,
      dem_two_party: f.national.dem_two_party,
      states: f.states.map((s) => ({ state: s.state, dem_two_party: s.dem_two_party, p_dem_win: s.p_dem_win })),
    };
  });
}

export interface CountyScenarioResult {
  name: string;
  national: number;
  states: { state: string; dem_two_party: number }[];
  countiesDemMajority: number;
}

/** County scenarios side by side; `totals` are expected total votes per county (as for forecastCountyShares). */
export function compareCountyScenarios(
  model: CountyModel,
  scenarios: (CountyScenario & { name: string })[],
  totals?: ReadonlyMap<string, number>,
  nations?: ReadonlyMap<string, string>,
): CountyScenarioResult[] {
  return scenarios.map((sc) => {
    const fc = forecastCountyShares(model, sc, totals, nations);
    const w2 = countyTwoPartyWeights(model, totals);
    const acc = new Map<string, [number, number]>();
    let dem = 0;
    let tot = 0;
    fc.forEach((c, i) => {
      const w = w2[i]!;
      const a = acc.get(c.state) ?? [0, 0];
      a[0] += w * c.dem_two_party;
      a[1] += w;
      acc.set(c.state, a);
      dem += w * c.dem_two_party;
      tot += w;
    });
    return {
      name: sc.name,
      national: dem / tot,
      states: [...acc]
        .map(([state, [d, t]]) => ({ state, dem_two_party: d / t }))
        .sort((a, b) => a.state.localeCompare(b.state)),
      countiesDemMajority: fc.filter((c) => c.dem_two_party > 0.5).length,
    };
  });
}

export interface StatePath {
  states: string[];
  ev: number;
  /** probability that the Democrat carries every state of the path and every base state (from the simulations) */
  probability: number;
}

export interface StatePaths {
  base: string[];
  baseEv: number;
  battleground: string[];
  paths: StatePath[];
}

/**
 * Minimal winning combinations of battleground states for the Democrat. Base = states won in at least `safe` of the
 * simulations; battleground = the (up to `maxStates`) most competitive others. A path is minimal when dropping any of
 * its states falls below 270 electoral votes. Joint probabilities come from a superset-sum over simulated outcomes.
 */
export function statePathsToVictory(
  f: StateForecast,
  options: { safe?: number; maxStates?: number; limit?: number } = {},
): StatePaths {
  const safe = options.safe ?? 0.95;
  const maxStates = Math.min(options.maxStates ?? 12, 16);
  const limit = options.limit ?? 20;
  const S = f.stateOrder.length;
  const base = f.states.map((s, i) => ({ s, i })).filter(({ s }) => s.p_dem_win >= safe);
  const battle = f.states
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.p_dem_win < safe && s.p_dem_win > 1 - safe)
    .sort((a, b) => Math.abs(a.s.p_dem_win - 0.5) - Math.abs(b.s.p_dem_win - 0.5))
    .slice(0, maxStates);
  const m = battle.length;
  const baseEv = base.reduce((a, { s }) => a + s.ev, 0);
  const counts = new Float64Array(1 << m);
  for (let t = 0; t < f.simulations; t++) {
    const row = t * S;
    let ok = true;
    for (const { i } of base) if (f.sims[row + i]! <= 0.5) ok = false;
    if (!ok) continue;
    let mask = 0;
    battle.forEach(({ i }, k) => {
      if (f.sims[row + i]! > 0.5) mask |= 1 << k;
    });
    counts[mask]!++;
  }
  // superset sums: counts[S] = number of simulations winning at least the states in S
  for (let k = 0; k < m; k++)
    for (let mask = 0; mask < 1 << m; mask++) if (!(mask & (1 << k))) counts[mask]! += counts[mask | (1 << k)]!;
  const evOf = (mask: number) => battle.reduce((a, { s }, k) => a + (mask & (1 << k) ? s.ev : 0), 0);
  const paths: StatePath[] = [];
  for (let mask = 0; mask < 1 << m; mask++) {
    const ev = baseEv + evOf(mask);
    if (ev < EV_TO_WIN) continue;
    let minimal = true;
    for (let k = 0; k < m && minimal; k++) if (mask & (1 << k) && ev - battle[k]!.s.ev >= EV_TO_WIN) minimal = false;
    if (!minimal) continue;
    paths.push({
      states: battle.filter((_, k) => mask & (1 << k)).map(({ s }) => s.state),
      ev,
      probability: counts[mask]! / f.simulations,
    });
  }
  paths.sort((a, b) => b.probability - a.probability || a.states.length - b.states.length);
  return {
    base: base.map(({ s }) => s.state),
    baseEv,
    battleground: battle.map(({ s }) => s.state),
    paths: paths.slice(0, limit),
  };
}

export interface CountyPath {
  counties: string[];
  /** net Democratic votes gained if each county reaches its target (the `quantile` of its simulated share) */
  gain: number;
  /** probability that every county of the path reaches its target (from the simulations) */
  probability: number;
}

/**
 * Paths within a state for the Democrat: when trailing in the forecast by `deficit` net votes, the minimal sets of
 * counties whose over-performance (each reaching the `quantile`, default 0.9, of its simulated share) closes the gap.
 * `sims` are simulated county shares for that state's counties (simulateCountyShares), `votes` expected totals.
 */
export function countyPathsToVictory(
  forecast: CountyShareForecast[],
  sims: { fips: string[]; shares: Float64Array[] },
  votes: Map<string, number>,
  options: { quantile?: number; maxCounties?: number; limit?: number } = {},
): { deficit: number; pStateWin: number; paths: CountyPath[] } {
  const q = options.quantile ?? 0.9;
  const maxC = Math.min(options.maxCounties ?? 12, 16);
  const limit = options.limit ?? 20;
  const byFips = new Map(forecast.map((f) => [f.fips, f]));
  const n = sims.shares[0]?.length ?? 0;
  const units = sims.fips.map((fips, k) => {
    const f = byFips.get(fips)!;
    const v = votes.get(fips) ?? 0;
    const sorted = Float64Array.from(sims.shares[k]!).sort();
    const target = quantileSorted(sorted, q);
    return { fips, k, v, share: f.dem_two_party, target, gain: v * 2 * (target - f.dem_two_party) };
  });
  const margin = units.reduce((a, u) => a + u.v * (2 * u.share - 1), 0);
  const deficit = Math.max(0, -margin);
  let wins = 0;
  for (let t = 0; t < n; t++) {
    let mg = 0;
    for (const u of units) mg += u.v * (2 * sims.shares[u.k]![t]! - 1);
    if (mg > 0) wins++;
  }
  const cand = [...units].sort((a, b) => b.gain - a.gain).slice(0, maxC);
  const m = cand.length;
  const counts = new Float64Array(1 << m);
  for (let t = 0; t < n; t++) {
    let mask = 0;
    cand.forEach((u, j) => {
      if (sims.shares[u.k]![t]! >= u.target) mask |= 1 << j;
    });
    counts[mask]!++;
  }
  for (let k = 0; k < m; k++)
    for (let mask = 0; mask < 1 << m; mask++) if (!(mask & (1 << k))) counts[mask]! += counts[mask | (1 << k)]!;
  const paths: CountyPath[] = [];
  if (deficit > 0) {
    for (let mask = 1; mask < 1 << m; mask++) {
      const gain = cand.reduce((a, u, j) => a + (mask & (1 << j) ? u.gain : 0), 0);
      if (gain < deficit) continue;
      let minimal = true;
      for (let j = 0; j < m && minimal; j++) if (mask & (1 << j) && gain - cand[j]!.gain >= deficit) minimal = false;
      if (!minimal) continue;
      paths.push({
        counties: cand.filter((_, j) => mask & (1 << j)).map((u) => u.fips),
        gain,
        probability: n ? counts[mask]! / n : 0,
      });
    }
  }
  paths.sort((a, b) => b.probability - a.probability || a.counties.length - b.counties.length);
  return { deficit, pStateWin: n ? wins / n : 0, paths: paths.slice(0, limit) };
}

/**
 * The forecasting engine (packages/forecast) behind the API: fitted models and state simulations are cached per
 * process in small LRUs (fitting a cycle's county model takes ~0.6 s, a state simulation ~0.3 s), so repeated
 * requests only pay for the conditional forecast itself. Everything here is deterministic: the same inputs give
 * the same numbers (fixed seed, common random numbers across scenarios).
 */
import type {
  CountyForecasts,
  ScenarioInputs,
  ScenarioKind,
  ScenarioResult,
  StateForecasts,
  TurnoutForecasts,
} from '@akashic/contracts';
import {
  countyFactors,
  countyTwoPartyWeights,
  dayNumber,
  electionDay,
  fitCountyModel,
  fitCountyTurnoutModel,
  fitTurnoutModel,
  forecastCountyShares,
  forecastCountyTotals,
  forecastStates,
  forecastTurnout,
  historyBefore,
  round,
  simulateStates,
  statePathsToVictory,
  STATE_BY_POSTAL,
  STATES,
  type CountyModel,
  type CountyTurnoutModel,
  type Factor,
  type History,
  type Poll,
  type StateForecast,
  type TurnoutLevers,
  type TurnoutModel,
} from '@akashic/forecast';
import { AppError, type FieldError } from '../../../platform/errors.js';
import { loadReferenceData, loadShippedPolls } from '../data.js';

/** Turnout forecasts need two earlier cycles of turnout data (shipped from 1980). */
export const FIRST_TURNOUT_CYCLE = 1988;
export const SIMULATIONS = 10_000;
export const SEED = 2024;

class Lru<V> {
  private readonly map = new Map<string, V>();
  constructor(private readonly size: number) {}
  get(key: string, make: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined) {
      this.map.delete(key);
      this.map.set(key, hit);
      return hit;
    }
    const v = make();
    this.map.set(key, v);
    while (this.map.size > this.size) this.map.delete(this.map.keys().next().value!);
    return v;
  }
}

const r4 = (x: number) => round(x, 4);
const factorsOut = (fs: Factor[], n = fs.length) =>
  fs.slice(0, n).map((f) => ({ name: f.name, value: r4(f.value), contribution: r4(f.contribution) }));

// ---- fitted models ---------------------------------------------------------------------------------------------

interface CycleModels {
  history: History;
  readonly county: CountyModel;
  /** null before FIRST_TURNOUT_CYCLE */
  turnout: { model: TurnoutModel; county: CountyTurnoutModel } | null;
}

const models = new Lru<CycleModels>(4);

function cycleModels(cycle: number): CycleModels {
  return models.get(String(cycle), () => {
    const history = historyBefore(loadReferenceData(), cycle);
    let county: CountyModel | undefined;
    return {
      history,
      // Fitted on first use: turnout alone (campaign vote goals) does not pay for the county model.
      get county() {
        return (county ??= fitCountyModel(history, cycle));
      },
      turnout:
        cycle >= FIRST_TURNOUT_CYCLE
          ? { model: fitTurnoutModel(history, cycle), county: fitCountyTurnoutModel(history, cycle) }
          : null,
    };
  });
}

const turnoutUnavailable = (field: string, cycle: number) =>
  new AppError('validation_failed', `Turnout cannot be forecast for ${cycle}`, {
    fields: [
      {
        field,
        message: `turnout forecasts need turnout data of two earlier cycles: available for ${FIRST_TURNOUT_CYCLE} onwards`,
      },
    ],
  });

// ---- county conditional forecasts ------------------------------------------------------------------------------

export interface CountyRun {
  cycle: number;
  nationalDemTwoParty: number;
  nationalTurnoutVep?: number | undefined;
  state?: string | undefined;
  stateShifts?: Record<string, number> | undefined;
  nationShifts?: Record<string, number> | undefined;
  levers?: TurnoutLevers | undefined;
}

function runCounties(run: CountyRun) {
  const m = cycleModels(run.cycle);
  let turnout: ReturnType<typeof forecastTurnout> | null = null;
  let totals: Map<string, { total_votes: number; total_votes_lo80: number; total_votes_hi80: number }> | null = null;
  if (m.turnout) {
    turnout = forecastTurnout(m.turnout.model, {
      ...(run.nationalTurnoutVep !== undefined ? { nationalTurnoutVep: run.nationalTurnoutVep } : {}),
      ...(run.levers ? { levers: run.levers } : {}),
    });
    totals = new Map(forecastCountyTotals(m.turnout.county, turnout, m.turnout.model).map((t) => [t.fips, t]));
  }
  const weights = totals ? new Map([...totals].map(([f, t]) => [f, t.total_votes])) : undefined;
  const shares = forecastCountyShares(
    m.county,
    {
      nationalDemTwoParty: run.nationalDemTwoParty,
      ...(run.stateShifts ? { stateShifts: run.stateShifts } : {}),
      ...(run.nationShifts ? { nationShifts: run.nationShifts } : {}),
    },
    weights,
    m.history.nations,
  );
  return { m, turnout, totals, weights, shares };
}

export function countyForecasts(run: CountyRun & { topFactors: number }): CountyForecasts {
  if (run.nationalTurnoutVep !== undefined && run.cycle < FIRST_TURNOUT_CYCLE)
    throw turnoutUnavailable('query.nationalTurnoutVep', run.cycle);
  const { m, turnout, totals, shares } = runCounties(run);
  const counties = [];
  for (let i = 0; i < shares.length; i++) {
    const c = shares[i]!;
    if (run.state && c.state !== run.state) continue;
    const t = totals?.get(c.fips);
    counties.push({
      fips: c.fips,
      state: c.state,
      demTwoParty: r4(c.dem_two_party),
      lo80: r4(c.lo80),
      hi80: r4(c.hi80),
      lo95: r4(c.lo95),
      hi95: r4(c.hi95),
      totalVotes: t ? Math.round(t.total_votes) : null,
      totalVotesLo80: t ? Math.round(t.total_votes_lo80) : null,
      totalVotesHi80: t ? Math.round(t.total_votes_hi80) : null,
      factors: factorsOut(countyFactors(m.county, c, i), run.topFactors),
    });
  }
  return {
    cycle: run.cycle,
    state: run.state ?? null,
    nationalDemTwoParty: run.nationalDemTwoParty,
    nationalTurnoutVep: turnout ? r4(turnout.national.vep_turnout) : null,
    nationalTurnoutGiven: turnout?.national.given ?? false,
    model: { lastCycle: m.county.lastCycle, specification: m.county.spec },
    counties,
  };
}

// ---- state turnout ---------------------------------------------------------------------------------------------

export function turnoutForecasts(run: { cycle: number; nationalTurnoutVep?: number | undefined }): TurnoutForecasts {
  const m = cycleModels(run.cycle);
  if (!m.turnout) throw turnoutUnavailable('query.cycle', run.cycle);
  const f = forecastTurnout(
    m.turnout.model,
    run.nationalTurnoutVep !== undefined ? { nationalTurnoutVep: run.nationalTurnoutVep } : {},
  );
  return {
    cycle: run.cycle,
    national: {
      vepTurnout: r4(f.national.vep_turnout),
      lo80: r4(f.national.lo80),
      hi80: r4(f.national.hi80),
      given: f.national.given,
    },
    model: { lastCycle: m.turnout.model.lastCycle },
    states: f.states.map((s) => ({
      state: s.state,
      vepTurnout: r4(s.vep_turnout),
      lo80: r4(s.lo80),
      hi80: r4(s.hi80),
      lo95: r4(s.lo95),
      hi95: r4(s.hi95),
      votes: Math.round(s.votes),
      factors: factorsOut(s.factors),
    })),
  };
}

// ---- poll-based state forecasts --------------------------------------------------------------------------------

let polls: Poll[] | null = null;
const shippedPolls = () => (polls ??= loadShippedPolls());

/** Cycles the shipped poll file covers. */
export function pollCycles(): number[] {
  return [...new Set(shippedPolls().map((p) => p.cycle))].sort((a, b) => a - b);
}

export const isoDay = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

/** Field errors for a state forecast's cycle and as-of date (empty when both are usable). */
export function stateRunErrors(cycle: number, asOf: string | undefined, fields: { cycle: string; asOf: string }) {
  const errors: FieldError[] = [];
  if (!pollCycles().includes(cycle))
    errors.push({
      field: fields.cycle,
      message: `no polls are shipped for ${cycle}: state forecasts are available for ${pollCycles().join(', ')}`,
    });
  else if (asOf !== undefined) {
    const day = dayNumber(asOf);
    const first = dayNumber(`${cycle - 1}-01-01`);
    if (Number.isNaN(day)) errors.push({ field: fields.asOf, message: 'must be a date as YYYY-MM-DD' });
    else if (day < first || day > electionDay(cycle))
      errors.push({
        field: fields.asOf,
        message: `must be between ${isoDay(first)} and election day ${isoDay(electionDay(cycle))}`,
      });
  }
  return errors;
}

interface BaseStates {
  history: History;
  forecast: StateForecast;
  pollsUsed: number;
}

const stateRuns = new Lru<BaseStates>(6);

function baseStates(cycle: number, asOfDay: number): BaseStates {
  return stateRuns.get(`${cycle}|${asOfDay}`, () => {
    const history = historyBefore(loadReferenceData(), cycle);
    const all = shippedPolls();
    const cyclePolls = all.filter((p) => p.cycle === cycle);
    const forecast = forecastStates(history, cycle, cyclePolls, asOfDay, {
      calibrationPolls: all.filter((p) => p.cycle < cycle),
      seed: SEED,
      simulations: SIMULATIONS,
    });
    return { history, forecast, pollsUsed: cyclePolls.filter((p) => p.end <= asOfDay).length };
  });
}

/** The default as-of date: the day before election day. */
export const defaultAsOf = (cycle: number) => isoDay(electionDay(cycle) - 1);

export interface StateScenarioShifts {
  nationalShift?: number | undefined;
  regionShifts?: Record<string, number> | undefined;
  stateShifts?: Record<string, number> | undefined;
}

function runStates(cycle: number, asOf: string, shifts?: StateScenarioShifts) {
  const base = baseStates(cycle, dayNumber(asOf));
  const scenario = shifts && (shifts.nationalShift || shifts.regionShifts || shifts.stateShifts);
  const f = scenario
    ? simulateStates(base.forecast.point, base.history, {
        scales: base.forecast.scales,
        seed: SEED,
        simulations: SIMULATIONS,
        scenario: {
          ...(shifts.nationalShift !== undefined ? { nationalShift: shifts.nationalShift } : {}),
          ...(shifts.regionShifts ? { regionShifts: shifts.regionShifts } : {}),
          ...(shifts.stateShifts ? { stateShifts: shifts.stateShifts } : {}),
        },
      })
    : base.forecast;
  return { f, pollsUsed: base.pollsUsed };
}

export function stateForecasts(run: { cycle: number; asOf?: string | undefined }): StateForecasts {
  const errors = stateRunErrors(run.cycle, run.asOf, { cycle: 'query.cycle', asOf: 'query.asOf' });
  if (errors.length && !pollCycles().includes(run.cycle)) throw new AppError('not_found', errors[0]!.message);
  if (errors.length) throw new AppError('validation_failed', 'The request has invalid fields', { fields: errors });
  const asOf = run.asOf ?? defaultAsOf(run.cycle);
  const { f, pollsUsed } = runStates(run.cycle, asOf);
  const paths = statePathsToVictory(f);
  return {
    cycle: run.cycle,
    asOf,
    pollsUsed,
    simulations: f.simulations,
    seed: f.seed,
    national: {
      pDemWin: r4(f.national.p_dem_win),
      pTie: r4(f.national.p_tie),
      demTwoParty: r4(f.national.dem_two_party),
      demEvMean: round(f.national.dem_ev_mean, 1),
      demEvLo80: f.national.dem_ev_lo80,
      demEvHi80: f.national.dem_ev_hi80,
      demEvLo95: f.national.dem_ev_lo95,
      demEvHi95: f.national.dem_ev_hi95,
    },
    evDistribution: f.evDistribution
      .map((p, ev) => ({ ev, probability: r4(p) }))
      .filter((x) => f.evDistribution[x.ev]! > 0),
    tippingPoints: f.tippingPoints.map((t) => ({ state: t.state, probability: r4(t.probability) })),
    pathsToVictory: {
      base: paths.base,
      baseElectoralVotes: paths.baseEv,
      battleground: paths.battleground,
      paths: paths.paths.map((p) => ({ states: p.states, electoralVotes: p.ev, probability: r4(p.probability) })),
    },
    states: f.states.map((s) => ({
      state: s.state,
      electoralVotes: s.ev,
      demTwoParty: r4(s.dem_two_party),
      lo80: r4(s.lo80),
      hi80: r4(s.hi80),
      lo95: r4(s.lo95),
      hi95: r4(s.hi95),
      pDemWin: r4(s.p_dem_win),
      factors: factorsOut(s.factors),
    })),
  };
}

// ---- scenarios -------------------------------------------------------------------------------------------------

const DIVISIONS = new Set(STATES.map((s) => s.division));
const REGIONS = new Set([...STATES.map((s) => s.region), ...DIVISIONS]);
let nations: Set<string> | null = null;
const nationNames = () => (nations ??= new Set(loadReferenceData().nations.values()));

/**
 * What zod cannot check about a scenario: inputs that depend on its kind and cycle, and the names used as keys.
 * `prefix` locates the fields (`body.`).
 */
export function scenarioErrors(kind: ScenarioKind, cycle: number, inputs: ScenarioInputs, prefix: string) {
  const errors: FieldError[] = [];
  const at = (f: string, message: string) => errors.push({ field: `${prefix}${f}`, message });
  const keys = (field: string, rec: Record<string, unknown> | undefined, known: Set<string>, what: string) => {
    for (const k of Object.keys(rec ?? {})) if (!known.has(k)) at(`${field}.${k}`, `is not ${what}`);
  };
  const notFor = (names: (keyof ScenarioInputs)[]) => {
    for (const n of names) if (inputs[n] !== undefined) at(`inputs.${n}`, `does not apply to ${kind} scenarios`);
  };
  const states = new Set(STATE_BY_POSTAL.keys());
  keys('inputs.stateShifts', inputs.stateShifts, states, 'a state postal code');
  if (kind === 'counties') {
    if (inputs.nationalDemTwoParty === undefined) at('inputs.nationalDemTwoParty', 'is required for county scenarios');
    notFor(['asOf', 'nationalShift']);
    keys('inputs.regionShifts', inputs.regionShifts, nationNames(), 'an American Nations region');
    keys(
      'inputs.turnout.conditions',
      inputs.turnout?.conditions,
      new Set([...DIVISIONS, 'all']),
      'a Census division or "all"',
    );
    keys('inputs.turnout.mobilization', inputs.turnout?.mobilization, states, 'a state postal code');
    if (cycle < FIRST_TURNOUT_CYCLE)
      for (const n of ['nationalTurnoutVep', 'turnout'] as const)
        if (inputs[n] !== undefined)
          at(`inputs.${n}`, `turnout forecasts are available for ${FIRST_TURNOUT_CYCLE} onwards`);
  } else {
    notFor(['nationalDemTwoParty', 'nationalTurnoutVep', 'turnout']);
    keys('inputs.regionShifts', inputs.regionShifts, REGIONS, 'a Census region or division');
    errors.push(...stateRunErrors(cycle, inputs.asOf, { cycle: `${prefix}cycle`, asOf: `${prefix}inputs.asOf` }));
  }
  return errors;
}

export interface ScenarioSpec {
  kind: ScenarioKind;
  cycle: number;
  inputs: ScenarioInputs;
}

/** Runs a saved scenario (already validated by scenarioErrors). */
export function runScenario(s: ScenarioSpec): Omit<ScenarioResult, 'scenario'> {
  const i = s.inputs;
  if (s.kind === 'counties') {
    const { m, turnout, weights, shares } = runCounties({
      cycle: s.cycle,
      nationalDemTwoParty: i.nationalDemTwoParty!,
      nationalTurnoutVep: i.nationalTurnoutVep,
      stateShifts: i.stateShifts,
      nationShifts: i.regionShifts,
      levers: i.turnout,
    });
    const w2 = countyTwoPartyWeights(m.county, weights);
    const acc = new Map<string, [number, number]>();
    let dem = 0;
    let tot = 0;
    shares.forEach((c, k) => {
      const w = w2[k]!;
      const a = acc.get(c.state) ?? [0, 0];
      a[0] += w * c.dem_two_party;
      a[1] += w;
      acc.set(c.state, a);
      dem += w * c.dem_two_party;
      tot += w;
    });
    return {
      demTwoParty: r4(dem / tot),
      pDemWin: null,
      demEvMean: null,
      demEvLo80: null,
      demEvHi80: null,
      countiesDemMajority: shares.filter((c) => c.dem_two_party > 0.5).length,
      nationalTurnoutVep: turnout ? r4(turnout.national.vep_turnout) : null,
      states: [...acc]
        .map(([state, [d, t]]) => ({ state, demTwoParty: r4(d / t), pDemWin: null }))
        .sort((a, b) => a.state.localeCompare(b.state)),
    };
  }
  const { f } = runStates(s.cycle, i.asOf ?? defaultAsOf(s.cycle), i);
  return {
    demTwoParty: r4(f.national.dem_two_party),
    pDemWin: r4(f.national.p_dem_win),
    demEvMean: round(f.national.dem_ev_mean, 1),
    demEvLo80: f.national.dem_ev_lo80,
    demEvHi80: f.national.dem_ev_hi80,
    countiesDemMajority: null,
    nationalTurnoutVep: null,
    states: f.states.map((x) => ({ state: x.state, demTwoParty: r4(x.dem_two_party), pDemWin: r4(x.p_dem_win) })),
  };
}

// ---- expected votes in an area (campaign vote goals) -----------------------------------------------------------

export type TurnoutArea = { state: string } | { counties: readonly string[] };

export interface AreaTurnout {
  cycle: number;
  /** The last election the turnout model learned from. */
  lastCycle: number;
  source: 'state' | 'counties';
  votes: number;
  /** 80% interval; null when the model has too few earlier cycles to measure its error. */
  lo80: number | null;
  hi80: number | null;
  /** The area's result in `lastCycle`: Democratic plus Republican votes as a share of all votes. */
  lastTwoPartyShare: number;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

/**
 * Expected votes cast in a state (the state turnout forecast) or a set of counties (the sum of the county totals
 * forecast; the interval adds the counties' bounds, as their errors move together with their state's) in the
 * presidential cycle `cycle`, with the national turnout forecast too. `unavailable` when the cycle has no turnout
 * forecast; `missing` lists the counties the county model has no results for.
 */
export function areaTurnout(
  cycle: number,
  area: TurnoutArea,
): AreaTurnout | { unavailable: true } | { missing: string[] } {
  const m = cycleModels(cycle);
  if (!m.turnout) return { unavailable: true };
  const { model, county } = m.turnout;
  const turnout = forecastTurnout(model);
  const twoParty = (rows: readonly { dem: number; rep: number; total: number }[]) => {
    const total = rows.reduce((a, r) => a + r.total, 0);
    return total > 0 ? rows.reduce((a, r) => a + r.dem + r.rep, 0) / total : 1;
  };
  if ('state' in area) {
    const s = turnout.states.find((x) => x.state === area.state);
    if (!s) return { missing: [area.state] };
    const last = m.history.states.filter((r) => r.year === model.lastCycle && r.state === area.state);
    return {
      cycle,
      lastCycle: model.lastCycle,
      source: 'state',
      votes: s.votes,
      lo80: finite((s.votes * s.lo80) / s.vep_turnout),
      hi80: finite((s.votes * s.hi80) / s.vep_turnout),
      lastTwoPartyShare: twoParty(last),
    };
  }
  const wanted = new Set(area.counties);
  const totals = forecastCountyTotals(county, turnout, model).filter((t) => wanted.has(t.fips));
  if (totals.length < wanted.size) {
    const known = new Set(totals.map((t) => t.fips));
    return { missing: area.counties.filter((f) => !known.has(f)) };
  }
  const sum = (f: (t: (typeof totals)[number]) => number) => totals.reduce((a, t) => a + f(t), 0);
  return {
    cycle,
    lastCycle: county.lastCycle,
    source: 'counties',
    votes: sum((t) => t.total_votes),
    lo80: finite(sum((t) => t.total_votes_lo80)),
    hi80: finite(sum((t) => t.total_votes_hi80)),
    lastTwoPartyShare: twoParty(m.history.counties.filter((r) => r.year === county.lastCycle && wanted.has(r.fips))),
  };
}

/**
 * `akashic forecast states|counties|turnout` and `akashic backtest`: the forecasting engine's command-line contract.
 * Every forecast for cycle Y is fitted on the shipped results of cycles before Y only (`historyBefore`), plus the
 * inputs given on the command line. Bad arguments or a malformed CSV print one message and exit 2.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  backtestCounties,
  backtestStates,
  backtestTurnout,
  countyFactors,
  CsvError,
  dayNumber,
  electoralVotes,
  fitCountyModel,
  fitCountyTurnoutModel,
  fitTurnoutModel,
  forecastCountyShares,
  forecastCountyTotals,
  forecastStates,
  forecastTurnout,
  historyBefore,
  parsePolls,
  round,
  type Poll,
  type ReferenceData,
} from '@akashic/forecast';
import { loadReferenceData, loadShippedPolls } from './data.js';

export class ForecastUsageError extends Error {}

type Out = { log: (s: string) => void; error: (s: string) => void };

export const FORECAST_USAGE = `  forecast states --cycle <year> --polls <csv> --as-of <YYYY-MM-DD> --out <file.json> [--seed <n>] [--simulations <n>] [--explain]
                                Poll-based state forecast: vote share, intervals, win probabilities, electoral votes.
  forecast counties --cycle <year> --national-dem-two-party <share> [--national-turnout-vep <rate>] --out <file.json> [--explain]
                                County vote share and total votes conditional on the national environment.
  forecast turnout --cycle <year> [--national-turnout-vep <rate>] --out <file.json> [--explain]
                                State turnout of the voting-eligible population.
                                Output files hold exactly the contract's keys; --explain adds per-row \`factors\`
                                (exact Shapley contributions) and model metadata.
  backtest [--seed <n>] [--simulations <n>]
                                Backtests of every model against naive baselines (no model sees the year it predicts).`;

/** Runs `forecast …` or `backtest …`; returns the exit code. */
export async function runIntelligenceCommand(
  command: 'forecast' | 'backtest',
  args: string[],
  out: Out,
  data?: ReferenceData,
): Promise<number> {
  try {
    if (command === 'backtest') return runBacktest(args, out, data);
    const [sub, ...rest] = args;
    switch (sub) {
      case 'states':
        return forecastStatesCommand(rest, out, data);
      case 'counties':
        return forecastCountiesCommand(rest, out, data);
      case 'turnout':
        return forecastTurnoutCommand(rest, out, data);
      default:
        throw new ForecastUsageError(
          sub
            ? `forecast: unknown forecast "${sub}" (expected states, counties or turnout)`
            : 'forecast: expected "forecast states", "forecast counties" or "forecast turnout"',
        );
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (
      err instanceof ForecastUsageError ||
      err instanceof CsvError ||
      (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_'))
    ) {
      out.error(`akashic: ${(err as Error).message}`);
      out.error('Run "akashic --help" for usage.');
      return 2;
    }
    out.error(`akashic: ${command} failed: ${(err as Error).message}`);
    return 1;
  }
}

/** Parses string options; with `explain`, also the boolean `--explain` flag (returned as "true" when given). */
function parse(args: string[], options: Record<string, { type: 'string' }>, explain = false) {
  const values = parseArgs({
    args,
    options: explain ? { ...options, explain: { type: 'boolean' } } : options,
    strict: true,
    allowPositionals: false,
  }).values as Record<string, string | boolean | undefined>;
  return Object.fromEntries(
    Object.entries(values).map(([k, x]) => [k, typeof x === 'boolean' ? (x ? 'true' : undefined) : x]),
  ) as Record<string, string | undefined>;
}

function cycleArg(v: string | undefined, min: number): number {
  if (v === undefined) throw new ForecastUsageError('--cycle <year> is required');
  if (!/^\d{4}$/.test(v)) throw new ForecastUsageError(`--cycle must be a four-digit year (got "${v}")`);
  const y = Number(v);
  if (y % 4 !== 0) throw new ForecastUsageError(`--cycle ${y} is not a presidential election year (a multiple of 4)`);
  if (y < min)
    throw new ForecastUsageError(
      `--cycle ${y} is too early: this forecast needs results of earlier cycles and supports ${min} onwards`,
    );
  return y;
}

function fractionArg(name: string, v: string | undefined, required: boolean): number | undefined {
  if (v === undefined) {
    if (required) throw new ForecastUsageError(`--${name} <share> is required`);
    return undefined;
  }
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) throw new ForecastUsageError(`--${name} must be a number (got "${v}")`);
  if (!(x > 0 && x < 1))
    throw new ForecastUsageError(`--${name} must be a fraction between 0 and 1, e.g. 0.52 (got ${v})`);
  return x;
}

function intArg(name: string, v: string | undefined, dflt: number, min: number, max: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) throw new ForecastUsageError(`--${name} must be a whole number (got "${v}")`);
  const x = Number(v);
  if (x < min || x > max) throw new ForecastUsageError(`--${name} must be between ${min} and ${max} (got ${x})`);
  return x;
}

function outArg(v: string | undefined): string {
  if (!v) throw new ForecastUsageError('--out <file.json> is required');
  const dir = path.dirname(path.resolve(v));
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new ForecastUsageError(`--out: directory ${dir} does not exist`);
  if (existsSync(v) && statSync(v).isDirectory()) throw new ForecastUsageError(`--out: ${v} is a directory`);
  return v;
}

function writeJson(file: string, value: unknown) {
  writeFileSync(file, JSON.stringify(value) + '\n');
}

const r4 = (x: number) => round(x, 4);

function forecastStatesCommand(args: string[], out: Out, data?: ReferenceData): number {
  const v = parse(
    args,
    {
      cycle: { type: 'string' },
      polls: { type: 'string' },
      'as-of': { type: 'string' },
      out: { type: 'string' },
      seed: { type: 'string' },
      simulations: { type: 'string' },
    },
    true,
  );
  const explain = v.explain !== undefined;
  const cycle = cycleArg(v.cycle, 1992);
  if (!v.polls) throw new ForecastUsageError('--polls <csv> is required');
  if (!v['as-of']) throw new ForecastUsageError('--as-of <YYYY-MM-DD> is required');
  const asOf = dayNumber(v['as-of']);
  if (Number.isNaN(asOf)) throw new ForecastUsageError(`--as-of must be a date as YYYY-MM-DD (got "${v['as-of']}")`);
  const file = outArg(v.out);
  const seed = intArg('seed', v.seed, 2024, 0, 2 ** 32 - 1);
  const simulations = intArg('simulations', v.simulations, 10_000, 1_000, 1_000_000);
  if (!existsSync(v.polls) || !statSync(v.polls).isFile())
    throw new ForecastUsageError(`--polls: file ${v.polls} not found`);
  const polls = parsePolls(readFileSync(v.polls, 'utf8'), v.polls);
  const cyclePolls = polls.filter((p) => p.cycle === cycle);
  if (!cyclePolls.length) {
    const cycles = [...new Set(polls.map((p) => p.cycle))].sort();
    throw new ForecastUsageError(
      `--polls: ${v.polls} has no polls for cycle ${cycle}${cycles.length ? ` (it has ${cycles.join(', ')})` : ''}`,
    );
  }
  const used = cyclePolls.filter((p) => p.end <= asOf).length;
  if (used === 0)
    out.error(
      `akashic: note: no poll in ${v.polls} ends on or before ${v['as-of']}; the forecast uses the fundamentals prior only`,
    );
  const ref = data ?? loadReferenceData();
  const history = historyBefore(ref, cycle);
  // error scales are calibrated on earlier cycles' polls: the shipped 2008-2016 file plus any earlier cycles in the CSV
  const calibration: Poll[] = [
    ...loadShippedPolls().filter((p) => p.cycle < cycle),
    ...polls.filter((p) => p.cycle < cycle),
  ];
  const f = forecastStates(history, cycle, cyclePolls, asOf, { calibrationPolls: calibration, seed, simulations });
  // the contract's keys only; --explain adds the Shapley factors and model metadata
  const result = {
    cycle,
    states: f.states.map((s) => ({
      state: s.state,
      dem_two_party: r4(s.dem_two_party),
      lo80: r4(s.lo80),
      hi80: r4(s.hi80),
      lo95: r4(s.lo95),
      hi95: r4(s.hi95),
      p_dem_win: r4(s.p_dem_win),
      ...(explain && {
        electoral_votes: s.ev,
        factors: s.factors.map((x) => ({ name: x.name, value: r4(x.value), contribution: r4(x.contribution) })),
      }),
    })),
    national: {
      p_dem_win: r4(f.national.p_dem_win),
      dem_ev_mean: round(f.national.dem_ev_mean, 1),
      dem_ev_lo80: f.national.dem_ev_lo80,
      dem_ev_hi80: f.national.dem_ev_hi80,
      ...(explain && {
        dem_ev_lo95: f.national.dem_ev_lo95,
        dem_ev_hi95: f.national.dem_ev_hi95,
        dem_two_party: r4(f.national.dem_two_party),
        p_tie: r4(f.national.p_tie),
      }),
    },
    ...(explain && {
      as_of: v['as-of'],
      tipping_points: f.tippingPoints.slice(0, 10).map((t) => ({ state: t.state, probability: r4(t.probability) })),
      model: {
        polls_used: used,
        simulations,
        seed,
        error_scales: {
          national: r4(f.scales.national),
          national_df: f.scales.nationalDf ?? null,
          regional: r4(f.scales.regional),
          demographic: r4(f.scales.demographic),
          state: r4(f.scales.state),
          spread: r4(f.scales.spread ?? 1),
          fitted_on: f.scales.fittedOn,
        },
        poll_average: {
          trend_bandwidth_days: f.pollAverage?.trendBandwidth ?? null,
          house_shrink: f.pollAverage?.houseShrink ?? null,
        },
        results_used_through: history.cutoff - 4,
        electoral_votes_total: [...electoralVotes(cycle).values()].reduce((a, b) => a + b, 0),
        maine_nebraska: 'winner-take-all by statewide result',
      },
    }),
  };
  writeJson(file, result);
  out.log(
    `akashic: forecast states ${cycle} (as of ${v['as-of']}, ${used} polls, ${simulations} simulations): P(Dem win) ${(100 * f.national.p_dem_win).toFixed(1)}%, Dem EV ${f.national.dem_ev_mean.toFixed(0)} [${f.national.dem_ev_lo80}-${f.national.dem_ev_hi80}] -> ${file}`,
  );
  return 0;
}

function forecastCountiesCommand(args: string[], out: Out, data?: ReferenceData): number {
  const v = parse(
    args,
    {
      cycle: { type: 'string' },
      'national-dem-two-party': { type: 'string' },
      'national-turnout-vep': { type: 'string' },
      out: { type: 'string' },
    },
    true,
  );
  const explain = v.explain !== undefined;
  const cycle = cycleArg(v.cycle, 1988);
  const national = fractionArg('national-dem-two-party', v['national-dem-two-party'], true)!;
  const natTurnout = fractionArg('national-turnout-vep', v['national-turnout-vep'], false);
  const file = outArg(v.out);
  const ref = data ?? loadReferenceData();
  const history = historyBefore(ref, cycle);
  const model = fitCountyModel(history, cycle);
  const tm = fitTurnoutModel(history, cycle);
  const to = forecastTurnout(tm, natTurnout !== undefined ? { nationalTurnoutVep: natTurnout } : {});
  const totals = forecastCountyTotals(fitCountyTurnoutModel(history, cycle), to, tm);
  const tBy = new Map(totals.map((t) => [t.fips, t]));
  const expectedTotals = new Map(totals.map((t) => [t.fips, t.total_votes]));
  const fc = forecastCountyShares(model, { nationalDemTwoParty: national }, expectedTotals, history.nations);
  const counties = fc.map((c, i) => {
    const t = tBy.get(c.fips)!;
    return {
      fips: c.fips,
      dem_two_party: r4(c.dem_two_party),
      lo80: r4(c.lo80),
      hi80: r4(c.hi80),
      lo95: r4(c.lo95),
      hi95: r4(c.hi95),
      total_votes: Math.round(t.total_votes),
      total_votes_lo80: Math.round(t.total_votes_lo80),
      total_votes_hi80: Math.round(t.total_votes_hi80),
      ...(explain && {
        state: c.state,
        factors: countyFactors(model, c, i).map((x) => ({ name: x.name, contribution: r4(x.contribution) })),
      }),
    };
  });
  writeJson(file, {
    cycle,
    counties,
    ...(explain && {
      national_dem_two_party: national,
      national_turnout_vep: r4(to.national.vep_turnout),
      national_turnout_vep_given: to.national.given,
      model: {
        last_cycle: model.lastCycle,
        specification: model.spec,
        kappa: r4(model.kappa),
        kappa_state: r4(model.kappaState),
        agreement_shrinkage: r4(model.agreement),
        feature_vintage: model.featureVintage,
        feature_vintage_postdates_cycle: model.featureVintagePostdatesCycle,
        coefficients: model.coefficients.map((c) => ({ name: c.name, value: r4(c.value) })),
      },
    }),
  });
  out.log(
    `akashic: forecast counties ${cycle}: ${counties.length} counties from ${model.lastCycle} results (national Dem two-party ${national}, VEP turnout ${(100 * to.national.vep_turnout).toFixed(1)}%${to.national.given ? '' : ' forecast'}) -> ${file}`,
  );
  return 0;
}

function forecastTurnoutCommand(args: string[], out: Out, data?: ReferenceData): number {
  const v = parse(
    args,
    {
      cycle: { type: 'string' },
      'national-turnout-vep': { type: 'string' },
      out: { type: 'string' },
    },
    true,
  );
  const explain = v.explain !== undefined;
  const cycle = cycleArg(v.cycle, 1988);
  const natTurnout = fractionArg('national-turnout-vep', v['national-turnout-vep'], false);
  const file = outArg(v.out);
  const ref = data ?? loadReferenceData();
  const history = historyBefore(ref, cycle);
  const tm = fitTurnoutModel(history, cycle);
  const to = forecastTurnout(tm, natTurnout !== undefined ? { nationalTurnoutVep: natTurnout } : {});
  writeJson(file, {
    cycle,
    states: to.states.map((s) => ({
      state: s.state,
      vep_turnout: r4(s.vep_turnout),
      lo80: r4(s.lo80),
      hi80: r4(s.hi80),
      ...(explain && {
        lo95: r4(s.lo95),
        hi95: r4(s.hi95),
        votes: Math.round(s.votes),
        factors: s.factors.map((x) => ({ name: x.name, value: r4(x.value), contribution: r4(x.contribution) })),
      }),
    })),
    ...(explain && {
      national: {
        vep_turnout: r4(to.national.vep_turnout),
        lo80: r4(to.national.lo80),
        hi80: r4(to.national.hi80),
        given: to.national.given,
      },
      model: {
        last_cycle: tm.lastCycle,
        mean_reversion: r4(tm.a),
        momentum: r4(tm.b),
        competitiveness: tm.c.map(r4),
        // the national forecast: the rule chosen by rolling origin, its change from the last rate and its RMS error
        // there (the forecast's own uncertainty); national_sd is the SD of past cycle-to-cycle changes (the unit of
        // the intensity lever)
        national_rule: tm.national.method,
        national_drift: r4(tm.national.drift),
        national_forecast_rmse: r4(tm.national.forecastSd),
        national_sd: r4(tm.national.sd),
        interval_scale: { p80: r4(tm.intervalScale.p80), p95: r4(tm.intervalScale.p95) },
      },
    }),
  });
  out.log(
    `akashic: forecast turnout ${cycle}: national VEP turnout ${(100 * to.national.vep_turnout).toFixed(1)}%${to.national.given ? ' (given)' : ` forecast [${(100 * to.national.lo80).toFixed(1)}-${(100 * to.national.hi80).toFixed(1)}]`} -> ${file}`,
  );
  return 0;
}

const pct = (x: number, d = 2) => (Number.isFinite(x) ? (100 * x).toFixed(d) : '-');
const num = (x: number, d = 4) => (Number.isFinite(x) ? x.toFixed(d) : '-');

function table(header: string[], rows: string[][]): string {
  const w = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j]!.length)));
  const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(w[j]!) : c.padStart(w[j]!))).join('  ');
  return [line(header), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

function runBacktest(args: string[], out: Out, data?: ReferenceData): number {
  const v = parse(args, { seed: { type: 'string' }, simulations: { type: 'string' } });
  const seed = intArg('seed', v.seed, 2024, 0, 2 ** 32 - 1);
  const simulations = intArg('simulations', v.simulations, 10_000, 1_000, 1_000_000);
  const ref = data ?? loadReferenceData();
  const polls = loadShippedPolls();
  const started = Date.now();
  out.log(
    'Akashic backtest — every model is fitted on results of cycles before the year it predicts (historyBefore(year));',
  );
  out.log('naive baselines are computed in the same run.\n');

  out.log(
    `STATE FORECASTS (50 states + DC), final forecast the day before election day, ${simulations} simulations, seed ${seed}`,
  );
  out.log(
    '  baselines: "last result" = previous cycle\'s share; "uniform swing" = previous share + national swing of the national poll average;',
  );
  out.log('  both with normal intervals/probabilities from the RMS error that predictor had on earlier cycles.');
  out.log(
    "  model: error scales, their overall spread and the poll average's trend kernel and house-effect prior are all fit by",
  );
  out.log('  rolling origin on the earlier poll cycles (2008 has none: literature prior and defaults).');
  const stateRows: string[][] = [];
  for (const year of [2008, 2012, 2016]) {
    const r = backtestStates(ref, polls, year, { simulations, seed });
    const add = (name: string, s: typeof r.model) =>
      stateRows.push([
        `${year} ${name}`,
        num(s.brier),
        num(s.logLoss, 3),
        `${s.called}/${s.n}`,
        pct(s.mae),
        pct(s.cov80, 0),
        pct(s.cov95, 0),
      ]);
    add(
      `model (${r.polls} polls; fit on ${r.fittedOn.length ? r.fittedOn.join('+') : 'prior only'}: spread ${(r.scales.spread ?? 1).toFixed(2)}, trend kernel ${r.pollAverage.trendBandwidth ?? '-'} d, house prior ${r.pollAverage.houseShrink ?? '-'})`,
      r.model,
    );
    add('last result', r.lastResult);
    add('uniform swing', r.uniformSwing);
    stateRows.push([
      `${year} national: P(Dem win) ${pct(r.national.p_dem_win, 1)}%, mean Dem EV ${r.national.dem_ev_mean.toFixed(0)}, Dem ${r.national.actualDemWon ? 'won' : 'lost'}`,
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
  }
  out.log(table(['year / predictor', 'Brier', 'log loss', 'called', 'MAE pts', 'cov80%', 'cov95%'], stateRows));
  out.log(
    '2020: the shipped poll file covers 2008-2016 only, so there is no 2020 state poll backtest (no polls are invented).\n',
  );

  out.log(
    'COUNTY CONDITIONAL FORECASTS (Democratic two-party share, unweighted over counties), given the true national share and VEP turnout',
  );
  const countyRows: string[][] = [];
  const vintages: string[] = [];
  for (const year of [2016, 2020]) {
    const r = backtestCounties(ref, year);
    const leaky = r.validation.filter((v) => v.vintagePostdatesPair).length;
    vintages.push(
      `    ${year - 4}->${year} ${r.featureVintage} (${r.featureVintagePostdatesCycle ? `dated AFTER ${year}` : `dated before ${year}`}); ` +
        `validation pairs scored with a vintage dated after them: ${leaky} of ${r.validation.length}`,
    );
    countyRows.push([
      `${year - 4}->${year} model (${r.spec}, agreement ${r.agreement.toFixed(2)}, kappa ${r.kappa.toFixed(2)}, state ${r.kappaState.toFixed(2)})`,
      pct(r.model.mae),
      pct(r.model.cov80, 0),
      pct(r.model.cov95, 0),
      pct(r.totals.modelMape),
      pct(r.totals.cov80, 0),
      String(r.counties),
    ]);
    countyRows.push([
      `${year - 4}->${year} last result`,
      pct(r.lastResult.mae),
      '-',
      '-',
      pct(r.totals.lastMape),
      '-',
      String(r.counties),
    ]);
    countyRows.push([
      `${year - 4}->${year} uniform swing (true national)`,
      pct(r.uniformSwing.mae),
      '-',
      '-',
      '-',
      '-',
      String(r.counties),
    ]);
    countyRows.push([
      `${year - 4}->${year} context: uniform swing in each state to its TRUE result`,
      pct(r.stateOracle.mae),
      '-',
      '-',
      '-',
      '-',
      String(r.counties),
    ]);
  }
  out.log(
    table(['pair / predictor', 'MAE pts', 'cov80%', 'cov95%', 'votes MAPE%', 'votes cov80%', 'counties'], countyRows),
  );
  out.log(
    "  'context' rows are not forecasts: they are given every state's true result, what no forecast from the national share alone has",
  );
  out.log(`  county demographic features used, by pair:\n${vintages.join('\n')}`);
  out.log(
    '  earlier pairs, same procedure (county features are the 2014 vintage, which postdates these cycles: context only)',
  );
  const earlier: string[][] = [];
  for (const year of [2000, 2004, 2008, 2012]) {
    const r = backtestCounties(ref, year);
    earlier.push([
      `${year - 4}->${year}`,
      pct(r.model.mae),
      pct(r.lastResult.mae),
      pct(r.uniformSwing.mae),
      pct(r.model.cov80, 0),
      pct(r.model.cov95, 0),
    ]);
  }
  out.log(
    table(['pair', 'model MAE', 'last result MAE', 'uniform swing MAE', 'cov80%', 'cov95%'], earlier)
      .split('\n')
      .map((l) => `  ${l}`)
      .join('\n'),
  );
  out.log('');

  out.log('STATE TURNOUT (VEP rate, 50 states + DC)');
  const tRows: string[][] = [];
  for (const year of [2008, 2012, 2016, 2020]) {
    const r = backtestTurnout(ref, year);
    tRows.push([
      `${year} model, national given (${pct(r.national.actual, 1)}%)`,
      pct(r.givenNational.mae),
      pct(r.givenNational.cov80, 0),
      pct(r.givenNational.cov95, 0),
    ]);
    tRows.push([
      `${year} model, national forecast (${pct(r.national.forecast, 1)}%)`,
      pct(r.forecastNational.mae),
      pct(r.forecastNational.cov80, 0),
      pct(r.forecastNational.cov95, 0),
    ]);
    tRows.push([`${year} last rate`, pct(r.lastRate.mae), pct(r.lastRate.cov80, 0), pct(r.lastRate.cov95, 0)]);
  }
  out.log(table(['year / predictor', 'MAE pts', 'cov80%', 'cov95%'], tRows));
  out.log(`\nbacktest finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 0;
}

/**
 * The forecasting command-line contract on the shipped data: output shapes, error messages, and that no model sees
 * the year it predicts. (Full backtests run in `npx akashic backtest`, not here.)
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  backtestCounties,
  backtestStates,
  backtestTurnout,
  fitCountyModel,
  forecastCountyShares,
  historyBefore,
  STATE_CODES,
  type ReferenceData,
} from '@akashic/forecast';
import { main } from '../../cli.js';
import { DATA_DIR, loadReferenceData, loadShippedPolls } from './data.js';

let dir: string;
let data: ReferenceData;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'akashic-forecast-'));
  data = loadReferenceData();
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, {}, { log: (s) => out.push(s), error: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const POLLS = path.join(DATA_DIR, 'elections/polls_president_state_2008_2016.csv');

const STATE_KEYS = ['dem_two_party', 'hi80', 'hi95', 'lo80', 'lo95', 'p_dem_win', 'state'];
const NATIONAL_KEYS = ['dem_ev_hi80', 'dem_ev_lo80', 'dem_ev_mean', 'p_dem_win'];
const COUNTY_KEYS = [
  'dem_two_party',
  'fips',
  'hi80',
  'hi95',
  'lo80',
  'lo95',
  'total_votes',
  'total_votes_hi80',
  'total_votes_lo80',
];
const keys = (o: object) => Object.keys(o).sort();

describe('akashic forecast states', () => {
  it('writes exactly the contract for 50 states + DC and the nation; --explain adds factors and metadata', async () => {
    const file = path.join(dir, 'states.json');
    const args = ['forecast', 'states', '--cycle', '2012', '--polls', POLLS, '--as-of', '2012-11-05', '--out', file];
    const r = await run(...args);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(file, 'utf8'));
    expect(keys(j)).toEqual(['cycle', 'national', 'states']);
    expect(j.cycle).toBe(2012);
    expect(j.states.map((s: { state: string }) => s.state).sort()).toEqual([...STATE_CODES].sort());
    for (const s of j.states) {
      expect(keys(s)).toEqual(STATE_KEYS);
      for (const k of STATE_KEYS.filter((x) => x !== 'state')) expect(typeof s[k]).toBe('number');
      expect(s.lo95).toBeLessThanOrEqual(s.lo80);
      expect(s.hi80).toBeLessThanOrEqual(s.hi95);
    }
    expect(keys(j.national)).toEqual(NATIONAL_KEYS);
    for (const k of NATIONAL_KEYS) expect(typeof j.national[k]).toBe('number');

    const explained = path.join(dir, 'states-explain.json');
    const r2 = await run(...args.slice(0, -1), explained, '--explain');
    expect(r2.code).toBe(0);
    const e = JSON.parse(readFileSync(explained, 'utf8'));
    for (const s of e.states) {
      expect(s.factors.length).toBeGreaterThan(0);
      expect(s.dem_two_party).toBe(j.states.find((x: { state: string }) => x.state === s.state).dem_two_party);
    }
    expect(e.model.simulations).toBeGreaterThanOrEqual(10_000);
    expect(e.model.error_scales.fitted_on).toEqual([2008]);
    // poll-average settings and the predictive spread are tuned on 2008 only (rolling origin)
    expect(e.model.error_scales.spread).toBeGreaterThan(0);
    expect(typeof e.model.poll_average.trend_bandwidth_days).toBe('number');
    expect(e.national.p_dem_win).toBe(j.national.p_dem_win);
  });

  it('works for a cycle outside the shipped polls, using results of earlier cycles only', async () => {
    const csv = path.join(dir, 'polls2024.csv');
    writeFileSync(
      csv,
      'cycle,state,pollster,start_date,end_date,sample_size,population,mode,dem_pct,rep_pct,dem_candidate,rep_candidate\n' +
        '2024,PA,Example,2024-10-20,2024-10-25,1000,Likely Voters,Live Phone,48,48,harris,trump\n' +
        '2024,--,Example,2024-10-20,2024-10-25,1500,Likely Voters,Live Phone,48,47,harris,trump\n' +
        '2024,MI,Example,2024-11-10,2024-11-11,1000,Likely Voters,Live Phone,60,30,harris,trump\n',
    );
    const file = path.join(dir, 'states2024.json');
    const r = await run(
      'forecast',
      'states',
      '--cycle',
      '2024',
      '--polls',
      csv,
      '--as-of',
      '2024-11-04',
      '--out',
      file,
      '--seed',
      '7',
      '--explain',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(file, 'utf8'));
    expect(j.states).toHaveLength(51);
    expect(j.model.results_used_through).toBe(2020);
    expect(j.model.polls_used).toBe(2); // the MI poll ends after --as-of
    const again = path.join(dir, 'states2024b.json');
    await run(
      'forecast',
      'states',
      '--cycle',
      '2024',
      '--polls',
      csv,
      '--as-of',
      '2024-11-04',
      '--out',
      again,
      '--seed',
      '7',
      '--explain',
    );
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(file, 'utf8'));
  });
});

describe('akashic forecast counties and turnout', () => {
  it('forecasts every county with vote share and total votes', async () => {
    const file = path.join(dir, 'counties.json');
    const r = await run(
      'forecast',
      'counties',
      '--cycle',
      '2024',
      '--national-dem-two-party',
      '0.49',
      '--national-turnout-vep',
      '0.64',
      '--out',
      file,
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(file, 'utf8'));
    expect(keys(j)).toEqual(['counties', 'cycle']);
    expect(j.cycle).toBe(2024);
    expect(j.counties.length).toBeGreaterThan(3000);
    const philly = j.counties.find((c: { fips: string }) => c.fips === '42101');
    for (const c of j.counties) expect(keys(c)).toEqual(COUNTY_KEYS);
    for (const k of COUNTY_KEYS.filter((x) => x !== 'fips')) expect(typeof philly[k]).toBe('number');
    expect(philly.dem_two_party).toBeGreaterThan(0.6);
    expect(philly.total_votes_lo80).toBeLessThanOrEqual(philly.total_votes);
    expect(philly.total_votes_hi80).toBeGreaterThanOrEqual(philly.total_votes);
    for (const c of j.counties) expect(c.fips).toMatch(/^\d{5}$/);
    expect(r.err).toBe('');
  });

  it('--explain adds each county state and factors, and model metadata', async () => {
    const file = path.join(dir, 'counties-explain.json');
    const r = await run(
      'forecast',
      'counties',
      '--cycle',
      '2024',
      '--national-dem-two-party',
      '0.49',
      '--out',
      file,
      '--explain',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(file, 'utf8'));
    expect(j.model.last_cycle).toBe(2020);
    const philly = j.counties.find((c: { fips: string }) => c.fips === '42101');
    expect(philly.state).toBe('PA');
    expect(philly.factors.length).toBeGreaterThan(0);
  });

  it('forecasts state VEP turnout as fractions', async () => {
    const file = path.join(dir, 'turnout.json');
    const r = await run('forecast', 'turnout', '--cycle', '2024', '--out', file);
    expect(r.code).toBe(0);
    const j = JSON.parse(readFileSync(file, 'utf8'));
    expect(keys(j)).toEqual(['cycle', 'states']);
    expect(j.states).toHaveLength(51);
    for (const s of j.states) {
      expect(keys(s)).toEqual(['hi80', 'lo80', 'state', 'vep_turnout']);
      expect(s.vep_turnout).toBeGreaterThan(0.3);
      expect(s.vep_turnout).toBeLessThan(0.95);
      expect(s.lo80).toBeLessThanOrEqual(s.vep_turnout);
      expect(s.hi80).toBeGreaterThanOrEqual(s.vep_turnout);
    }
  });

  it('--explain on turnout names the national rule chosen by rolling origin and its own uncertainty', async () => {
    const file = path.join(dir, 'turnout-explain.json');
    const r = await run('forecast', 'turnout', '--cycle', '2012', '--out', file, '--explain');
    expect(r.code).toBe(0);
    const { model, national } = JSON.parse(readFileSync(file, 'utf8'));
    expect(['last', 'trend', 'mean2', 'mean3', 'mean4', 'meanAll']).toContain(model.national_rule);
    expect(model.national_forecast_rmse).toBeGreaterThan(0);
    expect(model.national_forecast_rmse).not.toBe(model.national_sd);
    expect(model.competitiveness).toHaveLength(2);
    expect(model.interval_scale.p95).toBeGreaterThan(0);
    // not given: the national rate is forecast, with an interval around it
    expect(national.given).toBe(false);
    expect(national.lo80).toBeLessThan(national.vep_turnout);
    expect(national.hi80).toBeGreaterThan(national.vep_turnout);
  });
});

describe('bad input gives one clear message and exit 2', () => {
  it.each([
    [['forecast'], /expected "forecast states"/],
    [['forecast', 'weather'], /unknown forecast "weather"/],
    [['forecast', 'turnout', '--out', '/tmp/x.json'], /--cycle <year> is required/],
    [['forecast', 'turnout', '--cycle', '2017', '--out', '/tmp/x.json'], /not a presidential election year/],
    [['forecast', 'turnout', '--cycle', 'abcd', '--out', '/tmp/x.json'], /four-digit year/],
    [
      ['forecast', 'counties', '--cycle', '2024', '--national-dem-two-party', '51.2', '--out', '/tmp/x.json'],
      /fraction between 0 and 1/,
    ],
    [
      ['forecast', 'counties', '--cycle', '2024', '--out', '/tmp/x.json'],
      /--national-dem-two-party <share> is required/,
    ],
    [
      ['forecast', 'counties', '--cycle', '2024', '--national-dem-two-party', '0.5', '--out', '/no/such/dir/x.json'],
      /directory .* does not exist/,
    ],
    [
      [
        'forecast',
        'states',
        '--cycle',
        '2016',
        '--polls',
        '/no/such.csv',
        '--as-of',
        '2016-11-07',
        '--out',
        '/tmp/x.json',
      ],
      /file \/no\/such.csv not found/,
    ],
    [
      ['forecast', 'states', '--cycle', '2016', '--polls', POLLS, '--as-of', '11/07/2016', '--out', '/tmp/x.json'],
      /--as-of must be a date/,
    ],
    [
      ['forecast', 'states', '--cycle', '2020', '--polls', POLLS, '--as-of', '2020-11-02', '--out', '/tmp/x.json'],
      /has no polls for cycle 2020 \(it has 2008, 2012, 2016\)/,
    ],
    [['forecast', 'turnout', '--cycle', '2024', '--bogus', '1', '--out', '/tmp/x.json'], /Unknown option '--bogus'/],
    [['backtest', '--explain'], /Unknown option '--explain'/],
  ])('%j', async (argv, message) => {
    const r = await run(...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('names the line and column of a malformed polls CSV', async () => {
    const csv = path.join(dir, 'bad.csv');
    writeFileSync(
      csv,
      'cycle,state,pollster,start_date,end_date,sample_size,population,mode,dem_pct,rep_pct\n2016,PA,X,2016-10-01,2016-10-03,800,Likely Voters,Live Phone,45,44\n2016,PA,X,2016-10-01,2016-10-03,800,Likely Voters,Live Phone,forty,44\n',
    );
    const r = await run(
      'forecast',
      'states',
      '--cycle',
      '2016',
      '--polls',
      csv,
      '--as-of',
      '2016-11-07',
      '--out',
      path.join(dir, 'o.json'),
    );
    expect(r.code).toBe(2);
    expect(r.err).toContain('line 3: column "dem_pct" is not a number ("forty")');
    const missing = path.join(dir, 'missing.csv');
    writeFileSync(missing, 'cycle,state,pollster\n2016,PA,X\n');
    const r2 = await run(
      'forecast',
      'states',
      '--cycle',
      '2016',
      '--polls',
      missing,
      '--as-of',
      '2016-11-07',
      '--out',
      path.join(dir, 'o.json'),
    );
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/missing required columns "start_date"/);
  });
});

describe('no model trains on the year it predicts (real data)', () => {
  it('a county forecast for 2020 is unchanged when the 2020 results are replaced', () => {
    const altered: ReferenceData = {
      ...data,
      counties: data.counties.map((r) => (r.year === 2020 ? { ...r, dem: r.rep, rep: r.dem } : r)),
    };
    const a = forecastCountyShares(fitCountyModel(historyBefore(data, 2020), 2020), { nationalDemTwoParty: 0.52 });
    const b = forecastCountyShares(fitCountyModel(historyBefore(altered, 2020), 2020), { nationalDemTwoParty: 0.52 });
    expect(b).toEqual(a);
    expect(() => fitCountyModel(historyBefore(data, 2024), 2020)).toThrow(/may only use cycles before 2020/);
  });

  it('the 2016 state backtest beats both naive baselines on Brier score and two-party MAE', () => {
    const r = backtestStates(data, loadShippedPolls(), 2016, { simulations: 2000 });
    expect(r.fittedOn).toEqual([2008, 2012]);
    for (const baseline of [r.lastResult, r.uniformSwing]) {
      expect(r.model.brier).toBeLessThan(baseline.brier);
      expect(r.model.mae).toBeLessThan(baseline.mae);
    }
  });

  it('backtest code runs and beats repeating the last result where the data allow', () => {
    const c = backtestCounties(data, 2016);
    expect(c.counties).toBeGreaterThan(3000);
    expect(c.model.mae).toBeLessThan(c.lastResult.mae);
    expect(c.model.mae).toBeLessThan(c.uniformSwing.mae);
    expect(c.totals.modelMape).toBeLessThan(c.totals.lastMape);
    expect([c.featureVintage, c.featureVintagePostdatesCycle]).toEqual([2014, false]);
    // every validation pair of a 2016 forecast ends by 2012, before the only earlier vintage (2014): all flagged
    expect(c.validation.length).toBeGreaterThan(0);
    expect(c.validation.every((v) => v.featureVintage === 2014 && v.vintagePostdatesPair)).toBe(true);
    const t = backtestTurnout(data, 2020);
    expect(t.states).toBe(51);
    expect(t.givenNational.mae).toBeLessThan(t.lastRate.mae);
  });
});

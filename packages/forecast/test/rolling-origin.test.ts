/**
 * Hyperparameters and calibration learned by rolling origin: they may use earlier cycles only, so a forecast for
 * cycle Y must not change when results (or polls) of Y and later cycles change.
 */
import { describe, expect, it } from 'vitest';
import {
  calibrateSpread,
  electionDay,
  ERROR_SCALE_PRIOR,
  fitCountyModel,
  fitCountyTurnoutModel,
  fitTurnoutModel,
  forecastCountyTotals,
  forecastTurnout,
  forecastCountyShares,
  forecastStates,
  historyBefore,
  POLL_AVERAGE_GRID,
  tunePollAverage,
  type ReferenceData,
} from '../src/index.js';
import { syntheticData, syntheticPolls } from './synthetic.js';

const data = syntheticData();
const cycle = 2016;
const asOf = electionDay(cycle) - 1;
const polls = syntheticPolls(data, cycle);
const earlier = [...syntheticPolls(data, 2008, 21), ...syntheticPolls(data, 2012, 22)];
const later = syntheticPolls(data, 2020, 23);

/** Results of `from` and later cycles turned upside down (Democratic and Republican votes swapped, turnout halved). */
function alteredFrom(from: number): ReferenceData {
  return {
    ...data,
    states: data.states.map((r) => (r.year >= from ? { ...r, dem: r.rep, rep: r.dem } : r)),
    counties: data.counties.map((r) => (r.year >= from ? { ...r, dem: r.rep, rep: r.dem, total: r.total / 2 } : r)),
    turnout: data.turnout.map((r) => (r.year >= from ? { ...r, votes: r.votes / 2, rate: r.rate / 2 } : r)),
  };
}

describe('poll-average settings tuned on earlier cycles', () => {
  it('scores every grid setting on each earlier cycle with results and picks the lowest error', () => {
    const t = tunePollAverage(historyBefore(data, cycle), cycle, [...earlier, ...polls, ...later], 1);
    expect(t.fittedOn).toEqual([2008, 2012]);
    expect(t.mae).toHaveLength(POLL_AVERAGE_GRID.length);
    const best = t.mae.indexOf(Math.min(...t.mae));
    expect(t.options).toEqual(POLL_AVERAGE_GRID[best]);
  });

  it('falls back to the default setting when no earlier cycle has polls', () => {
    const t = tunePollAverage(historyBefore(data, cycle), cycle, polls, 1);
    expect(t.fittedOn).toEqual([]);
    expect(t.options).toEqual(POLL_AVERAGE_GRID[0]);
    expect(() => tunePollAverage(historyBefore(data, 2020), cycle, earlier, 1)).toThrow(/only use cycles before 2016/);
  });
});

describe('predictive spread calibrated on earlier cycles', () => {
  it('is 1 (the prior) without earlier cycles and moves toward the earlier standardized errors with them', () => {
    expect(calibrateSpread(historyBefore(data, cycle), cycle, polls, 1)).toEqual({ spread: 1, fittedOn: [] });
    const c = calibrateSpread(historyBefore(data, cycle), cycle, earlier, 1);
    expect(c.fittedOn).toEqual([2008, 2012]);
    expect(c.spread).toBeGreaterThan(0);
    expect(c.spread).not.toBe(1);
  });

  it('multiplies every simulated error around the means', () => {
    const h = historyBefore(data, cycle);
    const opts = { seed: 8, simulations: 4000, pollAverage: POLL_AVERAGE_GRID[0] };
    const one = forecastStates(h, cycle, polls, asOf, { ...opts, scales: { ...ERROR_SCALE_PRIOR, spread: 1 } });
    const half = forecastStates(h, cycle, polls, asOf, { ...opts, scales: { ...ERROR_SCALE_PRIOR, spread: 0.5 } });
    half.states.forEach((s, i) => {
      const o = one.states[i]!;
      expect(s.dem_two_party).toBe(o.dem_two_party);
      expect(s.hi80 - s.dem_two_party).toBeCloseTo(0.5 * (o.hi80 - o.dem_two_party), 5);
      expect(s.dem_two_party - s.lo95).toBeCloseTo(0.5 * (o.dem_two_party - o.lo95), 5);
    });
  });
});

describe('leakage guards', () => {
  it('a state forecast is unchanged when results and polls of the cycle and later ones change', () => {
    const opts = { seed: 3, simulations: 2000 };
    const a = forecastStates(historyBefore(data, cycle), cycle, polls, asOf, {
      ...opts,
      calibrationPolls: earlier,
    });
    const b = forecastStates(historyBefore(alteredFrom(cycle), cycle), cycle, polls, asOf, {
      ...opts,
      // later cycles' polls (and this cycle's again) in the calibration set are ignored
      calibrationPolls: [...earlier, ...later, ...polls],
    });
    expect(a.scales.fittedOn).toEqual([2008, 2012]);
    expect(b.scales).toEqual(a.scales);
    expect(b.pollAverage).toEqual(a.pollAverage);
    expect(b.states).toEqual(a.states);
    expect(b.national).toEqual(a.national);
  });

  it('a county forecast is unchanged when results of the cycle and later ones change', () => {
    const a = fitCountyModel(historyBefore(data, cycle), cycle);
    const b = fitCountyModel(historyBefore(alteredFrom(cycle), cycle), cycle);
    expect(b.validation).toEqual(a.validation);
    expect([b.spec, b.kappa, b.kappaState]).toEqual([a.spec, a.kappa, a.kappaState]);
    expect(forecastCountyShares(b, { nationalDemTwoParty: 0.51 })).toEqual(
      forecastCountyShares(a, { nationalDemTwoParty: 0.51 }),
    );
  });

  it('a county validation pair never uses a feature vintage dated after it when an earlier one exists', () => {
    // a 2024 forecast predicts from the 2022 vintage, but its validation pairs (up to 2016 -> 2020) must be scored with
    // the 2014 vintage: scrambling the 2022 rows may change the forecast, never the validation
    const scrambled: ReferenceData = {
      ...data,
      features: data.features.map((f, i) =>
        f.vintage === 2022 ? { ...f, bachelors: (i * 37) % 60, hispanic: (i * 11) % 40, income: 30000 + i * 500 } : f,
      ),
    };
    const a = fitCountyModel(historyBefore(data, 2024), 2024, { spec: 'full' });
    const b = fitCountyModel(historyBefore(scrambled, 2024), 2024, { spec: 'full' });
    expect([a.featureVintage, a.featureVintagePostdatesCycle]).toEqual([2022, false]);
    const dated = (pair: string) => a.validation.find((v) => v.pair === pair);
    expect(dated('2016->2020')).toMatchObject({ featureVintage: 2014, vintagePostdatesPair: false });
    expect(dated('2008->2012')).toMatchObject({ featureVintage: 2014, vintagePostdatesPair: true });
    expect(b.validation).toEqual(a.validation);
    expect([b.kappa, b.kappaState]).toEqual([a.kappa, a.kappaState]);
    const fa = forecastCountyShares(a, { nationalDemTwoParty: 0.5 });
    const fb = forecastCountyShares(b, { nationalDemTwoParty: 0.5 });
    expect(fb.some((f, i) => Math.abs(f.dem_two_party - fa[i]!.dem_two_party) > 1e-9)).toBe(true);
  });

  it('state turnout and county totals are unchanged when results of the cycle and later ones change', () => {
    const fit = (d: ReferenceData) => {
      const h = historyBefore(d, cycle);
      const tm = fitTurnoutModel(h, cycle);
      const ctm = fitCountyTurnoutModel(h, cycle);
      return { tm, ctm, totals: forecastCountyTotals(ctm, forecastTurnout(tm, { nationalTurnoutVep: 0.6 }), tm) };
    };
    const a = fit(data);
    const b = fit(alteredFrom(cycle));
    expect([b.ctm.beta, b.ctm.beta8]).toEqual([a.ctm.beta, a.ctm.beta8]);
    expect(b.ctm.residuals).toEqual(a.ctm.residuals);
    expect(b.tm).toEqual(a.tm);
    expect(b.totals).toEqual(a.totals);
    // and the guard is not vacuous: changing an earlier cycle does change the fit
    expect(fit(alteredFrom(cycle - 4)).totals).not.toEqual(a.totals);
  });
});

import { describe, expect, it } from 'vitest';
import {
  agreementFactor,
  stateOracleShares,
  assertNoLookahead,
  averagePolls,
  countyFactors,
  binBySize,
  calibrateIntervalScale,
  calibrateIntervalScales,
  countyFitWeight,
  countySwingFactor,
  createRng,
  CsvError,
  electionDay,
  electoralVotes,
  exactShapley,
  fitCountyModel,
  fitCountyTurnoutModel,
  fitTurnoutModel,
  forecastCountyTotals,
  forecastCountyShares,
  forecastStates,
  forecastTurnout,
  historyBefore,
  logit,
  normCdf,
  normQuantile,
  parsePolls,
  pointEstimate,
  quantile,
  ridge,
  simulateCountyShares,
  compareCountyScenarios,
  compareStateScenarios,
  countyPathsToVictory,
  solveUniformShift,
  stateFactors,
  statePathsToVictory,
  sigmoid,
  score,
} from '../src/index.js';
import { syntheticData, syntheticPolls } from './synthetic.js';

const POLL_HEADER =
  'cycle,state,pollster,start_date,end_date,sample_size,population,mode,dem_pct,rep_pct,dem_candidate,rep_candidate';

describe('seeded randomness', () => {
  it('reproduces a sequence from a seed and differs across seeds', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 5 }, () => a.normal());
    expect(Array.from({ length: 5 }, () => b.normal())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.normal())).not.toEqual(xa);
  });
  it('draws standard normals', () => {
    const r = createRng(1);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    const v = xs.reduce((s, x) => s + (x - m) ** 2, 0) / xs.length;
    expect(Math.abs(m)).toBeLessThan(0.03);
    expect(Math.abs(v - 1)).toBeLessThan(0.04);
  });
});

describe('numerics', () => {
  it('normal quantile inverts the CDF', () => {
    for (const p of [0.01, 0.1, 0.5, 0.9, 0.975]) expect(normCdf(normQuantile(p))).toBeCloseTo(p, 5);
  });
  it('ridge with a tiny penalty recovers linear coefficients', () => {
    const r = createRng(3);
    const X: number[][] = [];
    const y: number[] = [];
    for (let i = 0; i < 200; i++) {
      const x = [1, r.normal(), r.normal()];
      X.push(x);
      y.push(2 + 0.5 * x[1]! - 1.5 * x[2]!);
    }
    const b = ridge(X, y, null, [0, 1e-6, 1e-6]);
    expect(b[0]).toBeCloseTo(2, 4);
    expect(b[1]).toBeCloseTo(0.5, 4);
    expect(b[2]).toBeCloseTo(-1.5, 4);
  });
  it('solves the uniform logit shift for a national share', () => {
    const base = [-1, 0, 0.5, 2];
    const w = [1, 2, 3, 4];
    const d = solveUniformShift(base, w, 0.55);
    const got = base.reduce((s, b, i) => s + w[i]! * sigmoid(b + d), 0) / 10;
    expect(got).toBeCloseTo(0.55, 8);
  });
  it('scores forecasts', () => {
    const s = score(
      [
        { mean: 0.6, lo80: 0.55, hi80: 0.65, lo95: 0.5, hi95: 0.7, p: 0.9 },
        { mean: 0.45, lo80: 0.4, hi80: 0.5, lo95: 0.35, hi95: 0.55, p: 0.2 },
      ],
      [0.52, 0.47],
    );
    expect(s.called).toBe(2);
    expect(s.brier).toBeCloseTo((0.1 ** 2 + 0.2 ** 2) / 2, 10);
    expect(s.cov80).toBe(0.5);
    expect(s.cov95).toBe(1);
    expect(s.mae).toBeCloseTo((0.08 + 0.02) / 2, 10);
    // interval score: width plus 2/alpha times the miss (0.52 is 0.03 below the first 80% interval)
    expect(s.is80).toBeCloseTo((0.1 + 10 * 0.03 + 0.1) / 2, 10);
    expect(s.is95).toBeCloseTo(0.2, 10);
    expect(score([{ mean: 0.5, lo80: NaN, hi80: NaN, lo95: NaN, hi95: NaN }], [0.5]).is80).toBeNaN();
  });
});

describe('electoral votes', () => {
  it('sums to 538 under every apportionment and follows the census', () => {
    for (const y of [1992, 2004, 2012, 2024, 2032])
      expect([...electoralVotes(y).values()].reduce((a, b) => a + b, 0)).toBe(538);
    expect(electoralVotes(2008).get('TX')).toBe(34);
    expect(electoralVotes(2016).get('TX')).toBe(38);
    expect(electoralVotes(2024).get('TX')).toBe(40);
    expect(electoralVotes(2020).get('PA')).toBe(20);
    expect(electoralVotes(2024).get('PA')).toBe(19);
    expect(() => electoralVotes(2017)).toThrow(/not a presidential election year/);
  });
  it('knows election day', () => {
    expect(new Date(electionDay(2016) * 86_400_000).toISOString().slice(0, 10)).toBe('2016-11-08');
    expect(new Date(electionDay(2020) * 86_400_000).toISOString().slice(0, 10)).toBe('2020-11-03');
  });
});

describe('poll CSV parsing', () => {
  it('reads quoted pollster names and blank sample sizes', () => {
    const polls = parsePolls(
      `${POLL_HEADER}\n2012,MI,"Foster, Baydoun",2012-06-12,2012-06-15,,Registered Voters,Live Phone,46.9,45.48,obama,romney\n`,
    );
    expect(polls).toHaveLength(1);
    expect(polls[0]!.pollster).toBe('Foster, Baydoun');
    expect(Number.isNaN(polls[0]!.sampleSize)).toBe(true);
    expect(polls[0]!.population).toBe('rv');
  });
  it.each([
    ['cycle,state,pollster\n2016,PA,X\n', /missing required columns "start_date", "end_date"/],
    [
      `${POLL_HEADER}\n2016,PA,X,2016-13-01,2016-10-03,800,Likely Voters,Live Phone,45,44,c,t\n`,
      /line 2: column "start_date" is not a YYYY-MM-DD date/,
    ],
    [
      `${POLL_HEADER}\n2016,PA,X,2016-10-01,2016-10-03,800,Likely Voters,Live Phone,abc,44,c,t\n`,
      /line 2: column "dem_pct" is not a number \("abc"\)/,
    ],
    [
      `${POLL_HEADER}\n2016,ZZ,X,2016-10-01,2016-10-03,800,Likely Voters,Live Phone,45,44,c,t\n`,
      /line 2: column "state" must be a state postal code/,
    ],
    [`${POLL_HEADER}\n2016,PA,X,2016-10-01,2016-10-03\n`, /line 2: expected 12 fields/],
    [
      `${POLL_HEADER}\n2016,PA,X,2016-10-01,2016-10-03,800,Martians,Live Phone,45,44,c,t\n`,
      /column "population" must be/,
    ],
    [`${POLL_HEADER}\n2016,PA,"X,2016-10-01\n`, /unterminated quoted field/],
    ['', /empty/],
  ])('rejects malformed input with a message naming the problem (%#)', (text, message) => {
    expect(() => parsePolls(text, 'polls.csv')).toThrow(CsvError);
    expect(() => parsePolls(text, 'polls.csv')).toThrow(message);
  });
});

describe('Shapley explanations', () => {
  it('exact Shapley equals coefficient × (x − baseline) for a linear game and sums to v(all) − v(none)', () => {
    const c = [0.3, -1.2, 2];
    const x = [1, 0.5, -0.25];
    const phi = exactShapley(3, (m) => c.reduce((s, ci, i) => s + (m & (1 << i) ? ci * x[i]! : 0), 0));
    phi.forEach((p, i) => expect(p).toBeCloseTo(c[i]! * x[i]!, 12));
    const v = (m: number) => Math.tanh([0.4, -0.9, 1.3, 0.2].reduce((s, a, i) => s + (m & (1 << i) ? a : 0), 0.1));
    const phi2 = exactShapley(4, v);
    expect(phi2.reduce((a, b) => a + b, 0)).toBeCloseTo(v(15) - v(0), 12);
  });
});

describe('state forecast (synthetic data)', () => {
  const data = syntheticData();
  const cycle = 2016;
  const history = historyBefore(data, cycle);
  const polls = syntheticPolls(data, cycle);
  const asOf = electionDay(cycle) - 1;

  it('is reproducible with a seed and changes with the seed', () => {
    const a = forecastStates(history, cycle, polls, asOf, { seed: 5, simulations: 10_000 });
    const b = forecastStates(history, cycle, polls, asOf, { seed: 5, simulations: 10_000 });
    const c = forecastStates(history, cycle, polls, asOf, { seed: 6, simulations: 10_000 });
    expect(b.states).toEqual(a.states);
    expect(b.national).toEqual(a.national);
    expect(c.national.dem_ev_mean).not.toBe(a.national.dem_ev_mean);
    expect(a.states).toHaveLength(51);
    // Electoral-vote bounds are simulated outcomes: whole numbers, in order.
    for (const seed of [5, 6, 7]) {
      const n = forecastStates(history, cycle, polls, asOf, { seed, simulations: 2_000 }).national;
      const bounds = [n.dem_ev_lo95, n.dem_ev_lo80, n.dem_ev_hi80, n.dem_ev_hi95];
      for (const b of bounds) expect(Number.isInteger(b)).toBe(true);
      expect([...bounds].sort((x, y) => x - y)).toEqual(bounds);
    }
    for (const s of a.states) {
      expect(s.lo95).toBeLessThanOrEqual(s.lo80);
      expect(s.lo80).toBeLessThanOrEqual(s.hi80);
      expect(s.hi80).toBeLessThanOrEqual(s.hi95);
      expect(s.p_dem_win).toBeGreaterThanOrEqual(0);
      expect(s.p_dem_win).toBeLessThanOrEqual(1);
    }
    expect(a.evDistribution.reduce((x, y) => x + y, 0)).toBeCloseTo(1, 8);
  });

  it('tracks the polls: house effects are found and the states land near the truth', () => {
    const f = forecastStates(history, cycle, polls, asOf, { seed: 1 });
    const avg = averagePolls(polls, asOf);
    expect(avg.houseEffects.get('A')!).toBeGreaterThan(avg.houseEffects.get('B')!);
    const truth = new Map(data.states.filter((r) => r.year === cycle).map((r) => [r.state, r.dem / (r.dem + r.rep)]));
    const mae = f.states.reduce((s, x) => s + Math.abs(x.dem_two_party - truth.get(x.state)!), 0) / 51;
    expect(mae).toBeLessThan(0.025);
  });

  it('more undecided respondents widen the distribution (late-break error) without moving the means', () => {
    const moreUndecided = polls.map((p) => ({ ...p, dem: (p.dem * 75) / 90, rep: (p.rep * 75) / 90 }));
    const a = forecastStates(history, cycle, polls, asOf, { seed: 4, simulations: 10_000 });
    const b = forecastStates(history, cycle, moreUndecided, asOf, { seed: 4, simulations: 10_000 });
    const width = (f: typeof a) => f.states.reduce((s, x) => s + (x.hi80 - x.lo80), 0) / f.states.length;
    expect(a.point.national.undecided).toBeCloseTo(0.1, 6);
    expect(b.point.national.undecided).toBeCloseTo(0.25, 6);
    expect(width(b)).toBeGreaterThan(width(a) * 1.2);
    expect(b.national.dem_ev_hi80 - b.national.dem_ev_lo80).toBeGreaterThan(
      a.national.dem_ev_hi80 - a.national.dem_ev_lo80,
    );
    const shift = a.states.reduce((s, x, i) => s + Math.abs(x.dem_two_party - b.states[i]!.dem_two_party), 0) / 51;
    expect(shift).toBeLessThan(0.003);
  });

  it('explains each state with exact Shapley contributions that sum to the prediction minus 0.5', () => {
    const pe = pointEstimate(history, cycle, polls, asOf);
    pe.states.forEach((s, i) => {
      const fs = stateFactors(pe, i);
      expect(fs.reduce((a, x) => a + x.contribution, 0)).toBeCloseTo(s.mean - 0.5, 12);
      for (let k = 1; k < fs.length; k++)
        expect(Math.abs(fs[k - 1]!.contribution)).toBeGreaterThanOrEqual(Math.abs(fs[k]!.contribution));
    });
  });

  it('never trains on the year it predicts', () => {
    expect(() => forecastStates(historyBefore(data, 2020), cycle, polls, asOf)).toThrow(
      /may only use cycles before 2016/,
    );
    expect(() => assertNoLookahead(historyBefore(data, 2017), 2016)).toThrow();
    // changing the target year's (and later) results cannot change the forecast
    const altered = {
      ...data,
      states: data.states.map((r) => (r.year >= cycle ? { ...r, dem: r.rep, rep: r.dem } : r)),
    };
    const a = forecastStates(history, cycle, polls, asOf, { seed: 3, simulations: 2000 });
    const b = forecastStates(historyBefore(altered, cycle), cycle, polls, asOf, { seed: 3, simulations: 2000 });
    expect(b.states).toEqual(a.states);
  });

  it('scenarios move the forecast in the stated direction with common random numbers, and paths are minimal', () => {
    const pe = pointEstimate(history, cycle, polls, asOf);
    const [base, worse] = compareStateScenarios(
      pe,
      history,
      [{ name: 'base' }, { name: 'D -3', nationalShift: -0.03 }],
      { seed: 9, simulations: 5000 },
    );
    expect(worse!.dem_ev_mean).toBeLessThan(base!.dem_ev_mean);
    expect(worse!.p_dem_win).toBeLessThanOrEqual(base!.p_dem_win);
    const f = forecastStates(history, cycle, polls, asOf, { seed: 2, simulations: 5000 });
    const paths = statePathsToVictory(f, { maxStates: 10 });
    const ev = electoralVotes(cycle);
    for (const p of paths.paths) {
      expect(p.ev).toBeGreaterThanOrEqual(270);
      for (const s of p.states) expect(p.ev - ev.get(s)!).toBeLessThan(270);
      for (const s of p.states)
        expect(p.probability).toBeLessThanOrEqual(f.states.find((x) => x.state === s)!.p_dem_win + 1e-12);
    }
  });
});

describe('county and turnout models (synthetic data)', () => {
  const data = syntheticData(21);
  const cycle = 2016;
  const history = historyBefore(data, cycle);

  it('hits the national share and explains every county exactly', () => {
    const model = fitCountyModel(history, cycle);
    for (const k of [model.kappa, model.kappaState]) {
      expect(k).toBeGreaterThanOrEqual(0);
      expect(k).toBeLessThanOrEqual(1);
    }
    const fc = forecastCountyShares(model, { nationalDemTwoParty: 0.52 });
    // the national two-party share is over two-party votes
    const w = model.counties.map((c) => c.lastTwoParty);
    const nat = fc.reduce((s, c, i) => s + w[i]! * c.dem_two_party, 0) / w.reduce((a, b) => a + b, 0);
    expect(nat).toBeCloseTo(0.52, 6);
    fc.forEach((c, i) => {
      const fs = countyFactors(model, c, i);
      expect(fs.reduce((a, x) => a + x.contribution, 0)).toBeCloseTo(
        c.dem_two_party - model.counties[i]!.lastShare,
        10,
      );
      expect(c.lo95).toBeLessThanOrEqual(c.dem_two_party);
      expect(c.hi95).toBeGreaterThanOrEqual(c.dem_two_party);
    });
    // with expected totals from elsewhere (e.g. the turnout model) the national two-party share is still honoured,
    // and a scenario comparison without shifts reports it back
    const totals = new Map(model.counties.map((c, i) => [c.fips, c.lastTotal * (1 + 0.1 * (i % 3))]));
    const [cmp] = compareCountyScenarios(model, [{ name: 'base', nationalDemTwoParty: 0.47 }], totals);
    expect(cmp!.national).toBeCloseTo(0.47, 9);
    const higher = forecastCountyShares(model, { nationalDemTwoParty: 0.55 });
    higher.forEach((c, i) => expect(c.dem_two_party).toBeGreaterThan(fc[i]!.dem_two_party));
    expect(() => fitCountyModel(historyBefore(data, 2020), cycle)).toThrow(/may only use cycles before 2016/);
  });

  it('county intervals are the empirical quantiles of out-of-sample residuals of counties of the same size', () => {
    // with the measured alternative switched on (rolling-origin scale, swing factor); the default is checked below
    const model = fitCountyModel(history, cycle, { calibrationPairs: 10, swingScale: 0.3 });
    expect(model.marginalResiduals).toHaveLength(model.sizeBreaks.length + 1);
    const fc = forecastCountyShares(model, { nationalDemTwoParty: 0.5 });
    const sizes = new Set<number>();
    fc.forEach((f, i) => {
      const c = model.counties[i]!;
      sizes.add(c.sizeBin);
      expect(c.sizeBin).toBe(model.sizeBreaks.filter((b) => c.lastTotal > b).length);
      const res = model.marginalResiduals[c.sizeBin]!;
      expect(res.length).toBeGreaterThan(0);
      const center = logit(f.dem_two_party);
      // scaled by the between-election calibration (one scale per level) and by the forecast's own national swing
      const swing = countySwingFactor(model.swingScale, f.shift);
      expect(swing).toBeGreaterThan(1);
      expect(logit(f.lo80) - center).toBeCloseTo(quantile(res, 0.1) * model.intervalScale * swing, 10);
      expect(logit(f.hi80) - center).toBeCloseTo(quantile(res, 0.9) * model.intervalScale * swing, 10);
      expect(logit(f.lo95) - center).toBeCloseTo(quantile(res, 0.025) * model.intervalScale95 * swing, 10);
      expect(logit(f.hi95) - center).toBeCloseTo(quantile(res, 0.975) * model.intervalScale95 * swing, 10);
    });
    expect(sizes.size).toBeGreaterThan(4);
    // a larger national swing scatters counties more: wider intervals around the same residual quantiles
    const far = forecastCountyShares(model, { nationalDemTwoParty: 0.62 });
    const width = (g: typeof fc, i: number) => logit(g[i]!.hi80) - logit(g[i]!.lo80);
    expect(Math.abs(far[0]!.shift)).toBeGreaterThan(Math.abs(fc[0]!.shift));
    fc.forEach((_, i) =>
      expect(width(far, i) / width(fc, i)).toBeCloseTo(
        countySwingFactor(model.swingScale, far[0]!.shift) / countySwingFactor(model.swingScale, fc[0]!.shift),
        10,
      ),
    );
    // by default (leave-one-pair-out scale, no swing term) the intervals are the scaled quantiles alone
    const flat = fitCountyModel(history, cycle);
    expect(flat.swingScale).toBe(0);
    const f0 = forecastCountyShares(flat, { nationalDemTwoParty: 0.62 })[0]!;
    expect(logit(f0.hi80) - logit(f0.dem_two_party)).toBeCloseTo(
      quantile(flat.marginalResiduals[flat.counties[0]!.sizeBin]!, 0.9) * flat.intervalScale,
      10,
    );
    for (const s of [model.intervalScale, model.intervalScale95]) {
      expect(s).toBeGreaterThanOrEqual(0.5);
      expect(s).toBeLessThanOrEqual(4);
    }
  });

  it('county stacking factors can be forced instead of validated', () => {
    const chosen = fitCountyModel(history, cycle, { spec: 'full' });
    const forced = fitCountyModel(history, cycle, { spec: 'full', kappa: 0.3, kappaState: 0 });
    expect([forced.kappa, forced.kappaState]).toEqual([0.3, 0]);
    // without a state part every state's mean adjustment is zero
    const byState = new Map<string, number[]>();
    forced.counties.forEach((c) => byState.set(c.state, [...(byState.get(c.state) ?? []), c.adjustment]));
    for (const adj of byState.values()) expect(adj.reduce((a, b) => a + b, 0) / adj.length).toBeCloseTo(0, 12);
    expect(forced.counties.map((c) => c.adjustment)).not.toEqual(chosen.counties.map((c) => c.adjustment));
  });

  it("agreement shrinkage: 1 - sampling variance of the pairs' mean prediction / its mean square, within states", () => {
    // two states, counties with one varying predictor (column 1); pooled coefficient 1 on it
    const rows = Array.from({ length: 20 }, (_, i) => ({
      state: i < 10 ? 'AA' : 'BB',
      lA: 0, // even counties: fit weight 1
      x: Float64Array.from([1, (i % 10) - 4.5 + (i < 10 ? 0 : 3)]),
    }));
    const b = (v: number) => Float64Array.from([0, v]);
    // pairs that agree: nothing to shrink
    expect(agreementFactor(rows, { beta: b(1), perPair: [b(1), b(1), b(1)], weights: [1, 1, 1] })).toBe(1);
    // two equally weighted pairs at 1 +- 0.5: spread 0.25, effective pairs 2, sampling variance 0.25 / (2 - 1)
    expect(agreementFactor(rows, { beta: b(1), perPair: [b(1.5), b(0.5)], weights: [1, 1] })).toBeCloseTo(0.75, 12);
    // weights count: pairs weighted 1 and 0.5 at 1.5 and 0 (mean 1): spread 0.5, effective pairs 1.8
    const kEff = 1.5 ** 2 / 1.25;
    expect(agreementFactor(rows, { beta: b(1), perPair: [b(1.5), b(0)], weights: [1, 0.5] })).toBeCloseTo(
      1 - 0.5 / (kEff - 1),
      12,
    );
    // pairs that contradict each other: no adjustment survives (positive part)
    expect(agreementFactor(rows, { beta: b(0.2), perPair: [b(1), b(-0.6)], weights: [1, 1] })).toBe(0);
    // a state-level difference (the intercept, constant within states) is absorbed like the fit's state effects
    expect(
      agreementFactor(rows, {
        beta: Float64Array.from([5, 1]),
        perPair: [Float64Array.from([9, 1]), Float64Array.from([1, 1])],
        weights: [1, 1],
      }),
    ).toBe(1);
    // one pair: nothing to compare
    expect(agreementFactor(rows, { beta: b(1), perPair: [b(3)], weights: [1] })).toBe(1);
  });

  it('county adjustment is the unshrunk one times the agreement factor, lower when training pairs disagree', () => {
    const forced = { spec: 'full', kappa: 1, kappaState: 1 } as const;
    const shrunk = fitCountyModel(history, cycle, forced);
    const whole = fitCountyModel(history, cycle, { ...forced, agreementShrinkage: false });
    expect(whole.agreement).toBe(1);
    expect(shrunk.agreement).toBeGreaterThan(0);
    expect(shrunk.agreement).toBeLessThan(1);
    shrunk.counties.forEach((c, i) =>
      expect(c.adjustment).toBeCloseTo(shrunk.agreement * whole.counties[i]!.adjustment, 12),
    );
    // the synthetic counties drift steadily with education (every pair agrees); adding a county movement whose sign
    // flips every cycle (a realignment that reverses) makes the pairs disagree, and the adjustment is shrunk more
    const edu = new Map(data.features.filter((f) => f.vintage === 2014).map((f) => [f.fips, f.bachelors]));
    const flipping = {
      ...data,
      counties: data.counties.map((r) => {
        const tp = r.dem + r.rep;
        const l = logit(r.dem / tp) + ((r.year / 4) % 2 ? 1 : -1) * ((edu.get(r.fips)! - 30) / 20) * 0.3;
        return { ...r, dem: Math.round(tp * sigmoid(l)), rep: tp - Math.round(tp * sigmoid(l)) };
      }),
    };
    const flipped = fitCountyModel(historyBefore(flipping, cycle), cycle, forced);
    expect(flipped.agreement).toBeLessThan(shrunk.agreement - 0.2);
  });

  it('county fit weights rows by the squared slope of the share (least squares in points, not logits)', () => {
    expect(countyFitWeight(0)).toBe(1);
    // a 90% county: slope 0.09 against 0.25 for an even one, squared
    expect(countyFitWeight(logit(0.9))).toBeCloseTo(0.36 ** 2, 12);
    expect(countyFitWeight(logit(0.1))).toBeCloseTo(countyFitWeight(logit(0.9)), 12);
  });

  it('county interval scale: calibrated leave-one-pair-out, wider when elections differ in volatility', () => {
    const rng = createRng(7);
    // each election's residuals in the county model's size octiles
    const pair = (sd: number) =>
      binBySize([
        { residuals: Array.from({ length: 4000 }, (_, i) => ({ r: rng.normal() * sd, total: 100 + i })) },
      ])[0]!;
    // exchangeable elections: the pooled quantiles are already right (scale about 1)
    const same = [pair(0.1), pair(0.1), pair(0.1), pair(0.1)];
    expect(calibrateIntervalScale(same, 0.8)).toBeCloseTo(1, 1);
    expect(calibrateIntervalScale(same, 0.95)).toBeCloseTo(1, 1);
    // one election twice as volatile as the others: held out, it is under-covered by the others' quantiles, so the
    // scale grows until the mean coverage over held-out elections is the nominal level
    const mixed = [pair(0.1), pair(0.1), pair(0.1), pair(0.3)];
    const s80 = calibrateIntervalScale(mixed, 0.8);
    expect(s80).toBeGreaterThan(1.02);
    expect(calibrateIntervalScale(mixed, 0.95)).toBeGreaterThan(1.1);
    // mean held-out coverage at that scale (residuals do not depend on size here, so one bin approximates eight)
    const heldOut = mixed.map((p, k) => {
      const others = Float64Array.from(mixed.flatMap((q, i) => (i === k ? [] : q.map((x) => x.r)))).sort();
      const [a, b] = [quantile(others, 0.1) * s80, quantile(others, 0.9) * s80];
      return p.filter((x) => x.r >= a && x.r <= b).length / p.length;
    });
    const mean = heldOut.reduce((a, b) => a + b, 0) / heldOut.length;
    expect(mean).toBeGreaterThan(0.78);
    expect(mean).toBeLessThan(0.82);
    // the volatile election is still the worst covered: a scale cannot make elections alike
    expect(heldOut[3]!).toBeLessThan(Math.min(...heldOut.slice(0, 3)));
    // fewer than two elections: nothing to hold out
    expect(calibrateIntervalScale([pair(0.1)], 0.8)).toBe(1);
  });

  it('county interval scale by rolling origin: each election scored against the quantiles of the ones before it', () => {
    const rng = createRng(9);
    const pair = (sd: number) =>
      binBySize([
        { residuals: Array.from({ length: 4000 }, (_, i) => ({ r: rng.normal() * sd, total: 100 + i })) },
      ])[0]!;
    // newest first, volatility falling over time: every election is calmer than the ones before it
    const falling = [pair(0.1), pair(0.14), pair(0.2), pair(0.28)];
    const before = (k: number) => [1, 2].map((i) => k + i).filter((i) => i < falling.length);
    const rolling = calibrateIntervalScale(falling, 0.8, before);
    // the quantiles of earlier, more volatile elections are too wide for the next one: the scale shrinks them, while
    // leave-one-out (which scores the oldest election against calmer later ones) widens them
    expect(rolling).toBeLessThan(0.85);
    expect(calibrateIntervalScale(falling, 0.8)).toBeGreaterThan(1);
    // mean coverage of the scored elections (the oldest has no predecessor and is not scored) is the nominal level
    // (residuals do not depend on size here, so one bin approximates eight)
    const covered = [0, 1, 2].map((k) => {
      const src = Float64Array.from(before(k).flatMap((i) => falling[i]!.map((x) => x.r))).sort();
      const [a, b] = [quantile(src, 0.1) * rolling, quantile(src, 0.9) * rolling];
      return falling[k]!.filter((x) => x.r >= a && x.r <= b).length / falling[k]!.length;
    });
    const mean = covered.reduce((a, b) => a + b, 0) / 3;
    expect(mean).toBeGreaterThan(0.78);
    expect(mean).toBeLessThan(0.82);
    // no election with sources: nothing to calibrate
    expect(calibrateIntervalScale(falling, 0.8, () => [])).toBe(1);
    // several levels at once give the single-level answers
    expect(calibrateIntervalScales(falling, [0.8, 0.95], before)).toEqual([
      rolling,
      calibrateIntervalScale(falling, 0.95, before),
    ]);
  });

  it('the backtest state-oracle context row swings the counties of each state uniformly (logit) to its true result', () => {
    const counties = [
      { fips: '01001', state: 'AL', lastShare: 0.3 },
      { fips: '01003', state: 'AL', lastShare: 0.6 },
      { fips: '02001', state: 'AK', lastShare: 0.45 },
      { fips: '02003', state: 'AK', lastShare: 0.2 },
      { fips: '02005', state: 'AK', lastShare: 0.7 },
    ];
    const truth = new Map(
      [
        ['01001', 0.35, 1000],
        ['01003', 0.5, 3000],
        ['02001', 0.5, 200],
        ['02003', 0.3, 500],
        ['02005', 0.6, 300],
      ].map(([fips, share, twoParty]) => [
        fips as string,
        { share: share as number, twoParty: twoParty as number, total: twoParty as number, state: '' },
      ]),
    );
    const out = stateOracleShares(counties, truth);
    for (const state of ['AL', 'AK']) {
      const idx = counties.flatMap((c, i) => (c.state === state ? [i] : []));
      const w = idx.map((i) => truth.get(counties[i]!.fips)!.twoParty);
      const mean = (xs: number[]) => xs.reduce((s, x, k) => s + x * w[k]!, 0) / w.reduce((a, b) => a + b, 0);
      // the state's vote-weighted share is its true result
      expect(mean(idx.map((i) => out[i]!))).toBeCloseTo(mean(idx.map((i) => truth.get(counties[i]!.fips)!.share)), 9);
      // one logit shift for every county of the state
      const shifts = idx.map((i) => logit(out[i]!) - logit(counties[i]!.lastShare));
      for (const d of shifts) expect(d).toBeCloseTo(shifts[0]!, 9);
    }
  });

  it('county swing factor: residual spread grows with the national logit shift', () => {
    expect(countySwingFactor(0.3, 0)).toBe(1);
    expect(countySwingFactor(0.3, 0.3)).toBeCloseTo(Math.SQRT2, 12);
    expect(countySwingFactor(0.3, -0.3)).toBeCloseTo(Math.SQRT2, 12);
    expect(countySwingFactor(0, 0.5)).toBe(1);
  });

  it('county paths within a state close the forecast deficit', () => {
    const model = fitCountyModel(history, cycle);
    const fc = forecastCountyShares(model, { nationalDemTwoParty: 0.45 });
    const state = fc[0]!.state;
    const sims = simulateCountyShares(model, fc, state, 2000, createRng(4));
    const votes = new Map(model.counties.map((c) => [c.fips, c.lastTotal]));
    const r = countyPathsToVictory(fc, sims, votes, { maxCounties: 8 });
    expect(r.pStateWin).toBeGreaterThanOrEqual(0);
    for (const p of r.paths) expect(p.gain).toBeGreaterThanOrEqual(r.deficit);
  });

  it('turnout: the national rate is honoured, levers use historical effect sizes, factors add up', () => {
    const tm = fitTurnoutModel(history, cycle);
    const f = forecastTurnout(tm, { nationalTurnoutVep: 0.6 });
    expect(f.states).toHaveLength(51);
    expect(f.national.vep_turnout).toBeCloseTo(0.6, 10);
    for (const s of f.states) {
      const last = tm.states.find((x) => x.state === s.state)!.last;
      expect(s.factors.reduce((a, x) => a + x.contribution, 0)).toBeCloseTo(s.vep_turnout - last, 10);
      expect(s.lo80).toBeLessThanOrEqual(s.vep_turnout);
    }
    const mob = forecastTurnout(tm, { nationalTurnoutVep: 0.6, levers: { mobilization: { PA: 1 } } });
    const pa = (x: typeof f) => x.states.find((s) => s.state === 'PA')!.vep_turnout;
    expect(pa(mob) - pa(f)).toBeCloseTo(tm.sdState, 10);
    const intense = forecastTurnout(tm, { levers: { intensity: 1 } });
    const plain = forecastTurnout(tm);
    expect(intense.national.vep_turnout - plain.national.vep_turnout).toBeCloseTo(
      tm.national.sd / tm.national.officialRatio,
      10,
    );
    expect(() => fitTurnoutModel(historyBefore(data, 2020), cycle)).toThrow(/may only use cycles before 2016/);
  });

  it('county totals: a persistent growth trend is carried forward and a one-cycle turnout swing is not', () => {
    // each county grows relative to its state at its own steady rate, plus a turnout swing that alternates in sign
    // every cycle: the 8-year growth is pure trend, the 4-year growth is trend plus twice the swing, and the next
    // cycle's growth is trend minus twice the swing (= 2 x 8-year - 4-year relative growth)
    const rng = createRng(5);
    const trend = new Map<string, number>();
    const swing = new Map<string, number>();
    const counties = data.counties.map((r) => {
      if (!trend.has(r.fips)) {
        trend.set(r.fips, (rng.next() - 0.5) * 0.6);
        swing.set(r.fips, (rng.next() - 0.5) * 0.4);
      }
      const k = (r.year - 1976) / 4;
      const total = 50_000 * Math.exp(trend.get(r.fips)! * k + swing.get(r.fips)! * (k % 2 ? 1 : -1));
      const share = r.dem / (r.dem + r.rep);
      return { ...r, dem: 0.98 * total * share, rep: 0.98 * total * (1 - share), total };
    });
    const trended = { ...data, counties };
    const h = historyBefore(trended, cycle);
    const tm = fitTurnoutModel(h, cycle);
    const ctm = fitCountyTurnoutModel(h, cycle);
    // the ridge estimates approach (-1, 2), shrunk a little toward zero
    expect(ctm.beta).toBeLessThan(-0.6);
    expect(ctm.beta8).toBeGreaterThan(1.6);
    const totals = forecastCountyTotals(ctm, forecastTurnout(tm, { nationalTurnoutVep: 0.6 }), tm);
    // within each state, the forecast shares of the state's votes are far closer to the realized ones than the last
    // cycle's shares are
    const truth = new Map(counties.filter((r) => r.year === cycle).map((r) => [r.fips, r.total]));
    const last = new Map(ctm.counties.map((c) => [c.fips, c.lastTotal]));
    const sums = new Map<string, { f: number; t: number; l: number }>();
    for (const t of totals) {
      const acc = sums.get(t.fips.slice(0, 2)) ?? { f: 0, t: 0, l: 0 };
      acc.f += t.total_votes;
      acc.t += truth.get(t.fips)!;
      acc.l += last.get(t.fips)!;
      sums.set(t.fips.slice(0, 2), acc);
    }
    let errModel = 0;
    let errLast = 0;
    for (const t of totals) {
      const acc = sums.get(t.fips.slice(0, 2))!;
      const actual = truth.get(t.fips)! / acc.t;
      errModel += Math.abs(Math.log(t.total_votes / acc.f / actual));
      errLast += Math.abs(Math.log(last.get(t.fips)! / acc.l / actual));
      expect(t.total_votes_lo80).toBeLessThanOrEqual(t.total_votes);
      expect(t.total_votes_hi80).toBeGreaterThanOrEqual(t.total_votes);
    }
    expect(errModel).toBeLessThan(0.25 * errLast);
  });
});

import { describe, expect, it } from 'vitest';
import {
  chooseNationalMethod,
  createRng,
  fitTurnoutModel,
  forecastTurnout,
  historyBefore,
  NATIONAL_METHODS,
  normQuantile,
  stateShares,
  studentQuantile,
  type ReferenceData,
  type TurnoutRow,
} from '../src/index.js';
import { syntheticData } from './synthetic.js';

const base = syntheticData(21);
const cycle = 2016;

/**
 * The synthetic data with state turnout rebuilt: rate(state, year) = national(year) + effect(state, year) + noise of
 * sd noiseSd(state, year). Each state's VEP is its synthetic 1976 VEP growing 1% a cycle (so state sizes keep their
 * order, as real ones do); the US row is the VEP-weighted aggregate (official VEP 2% larger).
 */
function withTurnout(
  national: (year: number) => number,
  effect: (state: string, year: number) => number,
  noiseSd: (state: string, year: number, vep: number, veps: number[]) => number,
  seed = 7,
): ReferenceData {
  const rng = createRng(seed);
  const turnout: TurnoutRow[] = [];
  const years = [...new Set(base.turnout.map((r) => r.year))].sort((a, b) => a - b);
  const vep0 = new Map(base.turnout.filter((r) => r.year === years[0]).map((r) => [r.state, r.vep]));
  for (const year of years) {
    const growth = 1.01 ** ((year - years[0]!) / 4);
    const rows = base.turnout
      .filter((r) => r.year === year && r.state !== 'US')
      .map((r) => ({ ...r, vep: vep0.get(r.state)! * growth }));
    const veps = rows.map((r) => r.vep);
    let votes = 0;
    let vep = 0;
    for (const r of rows) {
      const rate = national(year) + effect(r.state, year) + rng.normal() * noiseSd(r.state, year, r.vep, veps);
      turnout.push({ year, state: r.state, vep: r.vep, votes: rate * r.vep, rate });
      votes += rate * r.vep;
      vep += r.vep;
    }
    turnout.push({ year, state: 'US', vep: vep * 1.02, votes, rate: votes / (vep * 1.02) });
  }
  return { ...base, turnout };
}

describe('state turnout model', () => {
  it('Student-t quantiles: exact to 0.01 for df >= 4 and normal in the limit', () => {
    const exact: [number, number, number][] = [
      [0.975, 4, 2.7764],
      [0.9, 4, 1.5332],
      [0.975, 10, 2.2281],
      [0.025, 10, -2.2281],
      [0.9, 5, 1.4759],
    ];
    for (const [p, df, t] of exact) expect(Math.abs(studentQuantile(p, df) - t)).toBeLessThan(0.01);
    expect(studentQuantile(0.975, 3)).toBeGreaterThan(studentQuantile(0.975, 4));
    expect(studentQuantile(0.9, 1e6)).toBeCloseTo(normQuantile(0.9), 5);
  });

  it('the national rule is chosen by rolling origin: mean reversion for an oscillating rate, trend for a steady rise', () => {
    const oscillating = [0.55, 0.61, 0.54, 0.6, 0.55, 0.61, 0.54, 0.6];
    const o = chooseNationalMethod(oscillating);
    expect(o.method).toMatch(/^mean/);
    // the chosen rule's RMS error is the lowest, and it is the one reported
    for (const v of o.validation) expect(o.rmse).toBeLessThanOrEqual(v.rmse);
    expect(o.validation.find((v) => v.method === o.method)!.rmse).toBe(o.rmse);
    const rising = [0.5, 0.51, 0.52, 0.53, 0.54, 0.55, 0.56];
    expect(chooseNationalMethod(rising).method).toBe('trend');
    expect(NATIONAL_METHODS.trend(rising)).toBeCloseTo(0.57, 10);
    const flat = [0.6, 0.6, 0.6];
    expect(chooseNationalMethod(flat).method).toBe('last');
  });

  it('the national forecast follows the chosen rule and its uncertainty is the rule’s rolling-origin error (t)', () => {
    const natOf = (y: number) => (((y - 1976) / 4) % 2 ? 0.62 : 0.55);
    const data = withTurnout(
      natOf,
      () => 0,
      () => 0.005,
    );
    const tm = fitTurnoutModel(historyBefore(data, cycle), cycle);
    expect(tm.national.method).toMatch(/^mean/);
    const f = forecastTurnout(tm);
    const ratio = tm.national.officialRatio;
    expect(f.national.given).toBe(false);
    // the last cycle (2012) was a high one: mean reversion forecasts a fall, the last rate would not
    expect(f.national.vep_turnout * ratio).toBeLessThan(tm.national.last - 0.02);
    expect(f.national.vep_turnout * ratio).toBeCloseTo(tm.national.last + tm.national.drift, 10);
    expect(f.national.hi80 - f.national.vep_turnout).toBeCloseTo(
      (studentQuantile(0.9, tm.national.forecastDf) * tm.national.forecastSd) / ratio,
      10,
    );
    // state intervals add it in quadrature (t quantiles too): never narrower than the national part alone
    const t95 = studentQuantile(0.975, tm.national.forecastDf) * tm.national.forecastSd;
    for (const s of f.states) expect(s.hi95 - s.vep_turnout).toBeGreaterThanOrEqual(t95 - 1e-12);
    // state intervals carry the national uncertainty only when the national rate is forecast
    const given = forecastTurnout(tm, { nationalTurnoutVep: f.national.vep_turnout });
    const width = (x: typeof f) => x.states.reduce((a, s) => a + s.hi80 - s.lo80, 0);
    expect(width(f)).toBeGreaterThan(width(given) + 0.02 * f.states.length);
  });

  it('competitiveness: a state whose last race was closer than the one before gains turnout, with an estimated effect', () => {
    const sh = stateShares(base.states).shares;
    const closeness = (s: string, y: number) => Math.abs((sh.get(y)?.get(s) ?? 0.5) - 0.5);
    // turnout rises by 0.3 points per point the previous race was closer to a tie
    const effect = (s: string, y: number) => -0.3 * closeness(s, y - 4);
    const withEffect = fitTurnoutModel(
      historyBefore(
        withTurnout(
          () => 0.6,
          effect,
          () => 0.004,
        ),
        cycle,
      ),
      cycle,
    );
    const without = fitTurnoutModel(
      historyBefore(
        withTurnout(
          () => 0.6,
          () => 0,
          () => 0.004,
        ),
        cycle,
      ),
      cycle,
    );
    const L = withEffect.lastCycle;
    const truth = withEffect.states.map((s) => -0.3 * (closeness(s.state, L) - closeness(s.state, L - 4)));
    const comp = (tm: typeof withEffect) =>
      forecastTurnout(tm, { nationalTurnoutVep: 0.6 }).states.map(
        (s) => s.factors.find((f) => f.name.includes('competitiveness'))!.contribution,
      );
    const c = comp(withEffect);
    const corr = (x: number[], y: number[]) => {
      const mx = x.reduce((a, b) => a + b, 0) / x.length;
      const my = y.reduce((a, b) => a + b, 0) / y.length;
      let sxy = 0;
      let sxx = 0;
      let syy = 0;
      x.forEach((xi, i) => {
        sxy += (xi - mx) * (y[i]! - my);
        sxx += (xi - mx) ** 2;
        syy += (y[i]! - my) ** 2;
      });
      return sxy / Math.sqrt(sxx * syy);
    };
    expect(corr(c, truth)).toBeGreaterThan(0.9);
    const spread = (xs: number[]) => Math.max(...xs) - Math.min(...xs);
    expect(spread(c)).toBeGreaterThan(0.5 * spread(truth));
    // without the effect in the data the terms stay near zero
    expect(spread(comp(without))).toBeLessThan(0.25 * spread(truth));
  });

  it('state intervals: small states get wider ones when their turnout is noisier, scaled leave-one-pair-out', () => {
    const third = (vep: number, veps: number[]) => veps.filter((v) => v < vep).length / veps.length;
    const data = withTurnout(
      () => 0.6,
      () => 0,
      (_s, _y, vep, veps) => (third(vep, veps) < 1 / 3 ? 0.03 : 0.008),
    );
    const tm = fitTurnoutModel(historyBefore(data, cycle), cycle);
    const f = forecastTurnout(tm, { nationalTurnoutVep: 0.6 });
    const width = (bin: number) => {
      const ws = f.states.filter((_, i) => tm.states[i]!.sizeBin === bin).map((s) => s.hi80 - s.lo80);
      return ws.reduce((a, b) => a + b, 0) / ws.length;
    };
    expect(width(0)).toBeGreaterThan(2 * width(2));
    // one volatile pair among calm ones: the leave-one-pair-out scale widens the pooled quantiles
    const mixed = withTurnout(
      () => 0.6,
      () => 0,
      (_s, y) => (y === 2004 ? 0.03 : 0.008),
    );
    const tmMixed = fitTurnoutModel(historyBefore(mixed, cycle), cycle);
    expect(tmMixed.intervalScale.p95).toBeGreaterThan(1.05);
    const steady = fitTurnoutModel(
      historyBefore(
        withTurnout(
          () => 0.6,
          () => 0,
          () => 0.008,
        ),
        cycle,
      ),
      cycle,
    );
    expect(steady.intervalScale.p80).toBeGreaterThan(0.8);
    expect(steady.intervalScale.p80).toBeLessThan(1.25);
  });
});

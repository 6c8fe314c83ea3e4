/**
 * `npx tsx scripts/county-validation.ts`: the county share model's rolling-origin record over every cycle pair the
 * shipped county results allow, 1948->1952 to 2016->2020, with and without the agreement shrinkage. Each pair is
 * forecast by `fitCountyModel(historyBefore(data, B), B)` (only results before B), given B's true national two-party
 * share; MAE is relative to uniform logit swing to that share in the same pair (below 1 = better than uniform swing).
 * Development pairs (where a model change must pay off): 1952-2012, with the 1984-2012 and 2000-2012 subsets; 2016
 * and 2020 are reported, never tuned on. Unlike `npx akashic backtest`, the national share is matched over the last
 * cycle's two-party votes (the turnout model needs turnout data, which start in 1980), so 2016 and 2020 differ from
 * the backtest in the second decimal. County features are the 2014 vintage for every pair before 2016 (no earlier
 * vintage exists): context, not clean out-of-time tests. Intervals: coverage and the mean interval score (Gneiting &
 * Raftery 2007: width plus 2/alpha times the miss outside the interval, share points; lower is better, a proper score
 * that rewards narrow intervals only when they still cover). Prints figures only; never run in CI.
 */
import { countyCycles, fitCountyModel, forecastCountyShares, historyBefore, score } from '@akashic/forecast';
import { loadReferenceData } from '../apps/server/src/modules/intelligence/data.js';

const data = loadReferenceData();
const pairs = Array.from({ length: 18 }, (_, i) => 1952 + 4 * i);
const windows: [string, number[]][] = [
  ['1952-2012', pairs.filter((y) => y <= 2012)],
  ['1984-2012', pairs.filter((y) => y >= 1984 && y <= 2012)],
  ['2000-2012', pairs.filter((y) => y >= 2000 && y <= 2012)],
];

function run(agreementShrinkage: boolean) {
  const out = new Map<
    number,
    { rel: number; mae: number; uni: number; cov80: number; cov95: number; is80: number; is95: number; agree: number }
  >();
  for (const B of pairs) {
    const truth = countyCycles(historyBefore(data, B + 1)).get(B)!;
    let dem = 0;
    let tot = 0;
    for (const c of truth.values()) {
      dem += c.share * c.twoParty;
      tot += c.twoParty;
    }
    const scenario = { nationalDemTwoParty: dem / tot };
    const model = fitCountyModel(historyBefore(data, B), B, { agreementShrinkage });
    const fc = forecastCountyShares(model, scenario);
    const uni = forecastCountyShares(
      { ...model, counties: model.counties.map((c) => ({ ...c, adjustment: 0 })) },
      scenario,
    );
    const scored = fc.flatMap((p, i) => {
      const t = truth.get(p.fips);
      return t ? [{ p: { ...p, mean: p.dem_two_party }, uni: uni[i]!.dem_two_party, y: t.share }] : [];
    });
    const actual = scored.map((x) => x.y);
    const m = score(
      scored.map((x) => x.p),
      actual,
    );
    const u = score(
      scored.map((x) => ({ mean: x.uni, lo80: NaN, hi80: NaN, lo95: NaN, hi95: NaN })),
      actual,
    );
    out.set(B, {
      rel: m.mae / u.mae,
      mae: m.mae,
      uni: u.mae,
      cov80: m.cov80,
      cov95: m.cov95,
      is80: 100 * m.is80,
      is95: 100 * m.is95,
      agree: model.agreement,
    });
  }
  return out;
}

const on = run(true);
const off = run(false);
const f = (x: number, d = 2) => x.toFixed(d);
console.log(
  'pair        uniform MAE  model MAE (rel)  without shrinkage (rel)  agreement  cov80/95 %  interval score 80/95',
);
for (const B of pairs) {
  const a = on.get(B)!;
  const b = off.get(B)!;
  console.log(
    `${B - 4}->${B}  ${f(100 * a.uni).padStart(11)}  ${`${f(100 * a.mae)} (${f(a.rel, 3)})`.padStart(15)}  ${`${f(100 * b.mae)} (${f(b.rel, 3)})`.padStart(23)}  ${f(a.agree).padStart(9)}  ${`${f(100 * a.cov80, 0)}/${f(100 * a.cov95, 0)}`.padEnd(10)}  ${f(a.is80)}/${f(a.is95)}`,
  );
}
for (const [name, ys] of windows) {
  const mean = (m: typeof on) => ys.reduce((s, y) => s + m.get(y)!.rel, 0) / ys.length;
  console.log(`mean relative MAE, development ${name}: ${f(mean(on), 4)} (without shrinkage ${f(mean(off), 4)})`);
}
for (const [name, ys] of windows) {
  const cov = (k: 'cov80' | 'cov95') => (100 * ys.reduce((s, y) => s + on.get(y)![k], 0)) / ys.length;
  const outside = (k: 'cov80' | 'cov95', lo: number, hi: number) =>
    ys.filter((y) => on.get(y)![k] < lo || on.get(y)![k] > hi).length;
  const score = (k: 'is80' | 'is95') => ys.reduce((s, y) => s + on.get(y)![k], 0) / ys.length;
  console.log(
    `mean coverage 80/95 %, development ${name}: ${f(cov('cov80'), 1)}/${f(cov('cov95'), 1)} (pairs outside 75-85: ${outside('cov80', 0.75, 0.85)}, outside 92-98: ${outside('cov95', 0.92, 0.98)}, of ${ys.length}); mean interval score 80/95 ${f(score('is80'))}/${f(score('is95'))}`,
  );
}

/**
 * `npm run bench:forecast`: the forecasting engine on the shipped data. Targets: a state forecast with 10,000
 * simulations < 2 s; a county conditional forecast < 1 s. Data loading is reported separately. Last line is JSON.
 */
import {
  electionDay,
  fitCountyModel,
  fitCountyTurnoutModel,
  fitTurnoutModel,
  forecastCountyShares,
  forecastCountyTotals,
  forecastStates,
  forecastTurnout,
  historyBefore,
} from '@akashic/forecast';
import { loadReferenceData, loadShippedPolls } from '../apps/server/src/modules/intelligence/data.js';

const time = <T>(f: () => T): [T, number] => {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const [data, loadMs] = time(() => loadReferenceData());
const polls = loadShippedPolls();
console.log(`load reference data: ${loadMs.toFixed(0)} ms`);

const stateRuns: number[] = [];
for (let i = 0; i < 3; i++) {
  const [f, ms] = time(() =>
    forecastStates(
      historyBefore(data, 2016),
      2016,
      polls.filter((p) => p.cycle === 2016),
      electionDay(2016) - 1,
      { calibrationPolls: polls.filter((p) => p.cycle < 2016), simulations: 10_000, seed: i },
    ),
  );
  stateRuns.push(ms);
  if (i === 0)
    console.log(
      `state forecast 2016 (calibration + poll average + 10,000 simulations): ${ms.toFixed(0)} ms, P(Dem win) ${f.national.p_dem_win.toFixed(3)}`,
    );
}

const countyRuns: number[] = [];
const fitRuns: number[] = [];
const condRuns: number[] = [];
for (let i = 0; i < 3; i++) {
  const [, ms] = time(() => {
    const h = historyBefore(data, 2024);
    const [model, fitMs] = time(() => fitCountyModel(h, 2024));
    const tm = fitTurnoutModel(h, 2024);
    const totals = forecastCountyTotals(
      fitCountyTurnoutModel(h, 2024),
      forecastTurnout(tm, { nationalTurnoutVep: 0.64 }),
      tm,
    );
    const [, condMs] = time(() =>
      forecastCountyShares(model, { nationalDemTwoParty: 0.49 }, new Map(totals.map((t) => [t.fips, t.total_votes]))),
    );
    fitRuns.push(fitMs);
    condRuns.push(condMs);
  });
  countyRuns.push(ms);
}
console.log(
  `county forecast 2024 end to end (fit share + turnout models, forecast ${data.counties.filter((c) => c.year === 2020).length} counties): ${median(countyRuns).toFixed(0)} ms`,
);
console.log(
  `  of which county share model fit: ${median(fitRuns).toFixed(0)} ms; conditional forecast given a fitted model: ${median(condRuns).toFixed(1)} ms`,
);
console.log(
  JSON.stringify({
    bench: 'forecast',
    states_10k_sims_ms: Math.round(median(stateRuns)),
    counties_ms: Math.round(median(countyRuns)),
    counties_conditional_only_ms: +median(condRuns).toFixed(1),
    load_ms: Math.round(loadMs),
  }),
);

/** Synthetic but internally consistent data for unit tests (no real outcomes are asserted from it). */
import {
  createRng,
  STATES,
  type CountyFeatures,
  type CountyResult,
  type Poll,
  type ReferenceData,
  type StateResult,
  type TurnoutRow,
} from '../src/index.js';

export function syntheticData(seed = 7): ReferenceData {
  const rng = createRng(seed);
  const years: number[] = [];
  for (let y = 1976; y <= 2020; y += 4) years.push(y);
  const lean = new Map(STATES.map((s) => [s.postal, (rng.next() - 0.5) * 0.3]));
  const states: StateResult[] = [];
  const turnout: TurnoutRow[] = [];
  const counties: CountyResult[] = [];
  const features: CountyFeatures[] = [];
  const nations = new Map<string, string>();
  const countyLean = new Map<string, number>();
  for (const s of STATES.slice(0, 6)) {
    for (let c = 1; c <= 12; c++) {
      const fips = `${s.fips}${String(c * 2 - 1).padStart(3, '0')}`;
      const edu = 10 + rng.next() * 40;
      countyLean.set(fips, (edu - 25) / 100 + (rng.next() - 0.5) * 0.2);
      for (const vintage of [2014, 2022]) {
        features.push({
          vintage,
          fips,
          population: 5000 + rng.next() * 200000,
          white: 50 + rng.next() * 45,
          black: rng.next() * 30,
          asian: rng.next() * 5,
          hispanic: rng.next() * 20,
          bachelors: edu,
          income: 40000 + rng.next() * 40000,
          density: 10 + rng.next() * 500,
          rucc: 1 + Math.floor(rng.next() * 9),
        });
      }
      nations.set(fips, c % 2 ? 'YANKEEDOM' : 'THE MIDLANDS');
    }
  }
  for (const y of years) {
    const nat = 0.5 + (rng.next() - 0.5) * 0.1;
    let natVotes = 0;
    let natVep = 0;
    for (const s of STATES) {
      const share = Math.min(0.95, Math.max(0.05, nat + lean.get(s.postal)! + rng.normal() * 0.015));
      const tp = 1_000_000 + Math.floor(rng.next() * 4_000_000);
      states.push({
        year: y,
        state: s.postal,
        dem: Math.round(tp * share),
        rep: Math.round(tp * (1 - share)),
        total: Math.round(tp * 1.03),
      });
      const vep = tp / 0.6;
      const votes = tp * (1 + (y - 1976) / 400 + rng.normal() * 0.02);
      turnout.push({ year: y, state: s.postal, vep, votes, rate: votes / vep });
      natVotes += votes;
      natVep += vep;
      if (lean.has(s.postal) && STATES.indexOf(s) < 6) {
        for (let c = 1; c <= 12; c++) {
          const fips = `${s.fips}${String(c * 2 - 1).padStart(3, '0')}`;
          const cs = Math.min(
            0.95,
            Math.max(0.05, share + countyLean.get(fips)! * (1 + (y - 1976) / 40) + rng.normal() * 0.01),
          );
          const tot = 20000 + Math.floor(rng.next() * 100000);
          counties.push({
            fips,
            year: y,
            state: s.postal,
            dem: Math.round(tot * cs),
            rep: Math.round(tot * (1 - cs)),
            total: tot + 500,
          });
        }
      }
    }
    turnout.push({ year: y, state: 'US', vep: natVep * 1.02, votes: natVotes, rate: natVotes / (natVep * 1.02) });
  }
  return { counties, states, turnout, features, nations };
}

/** Polls for `cycle` scattered around the synthetic truth with house effects. */
export function syntheticPolls(data: ReferenceData, cycle: number, seed = 11): Poll[] {
  const rng = createRng(seed);
  const truth = new Map(data.states.filter((r) => r.year === cycle).map((r) => [r.state, r.dem / (r.dem + r.rep)]));
  const polls: Poll[] = [];
  const day0 = Math.round(Date.UTC(cycle, 8, 1) / 86_400_000);
  const pollsters = ['A', 'B', 'C', 'D'];
  for (let k = 0; k < 400; k++) {
    const national = k % 5 === 0;
    const st = national ? '--' : STATES[Math.floor(rng.next() * STATES.length)]!.postal;
    const t = national ? [...truth.values()].reduce((a, b) => a + b, 0) / truth.size : truth.get(st)!;
    const pollster = pollsters[k % 4]!;
    const share = t + (pollster === 'A' ? 0.02 : pollster === 'B' ? -0.02 : 0) + rng.normal() * 0.015;
    const start = day0 + Math.floor(rng.next() * 60);
    polls.push({
      cycle,
      state: st,
      pollster,
      start,
      end: start + 3,
      sampleSize: 800,
      population: k % 3 === 0 ? 'rv' : 'lv',
      mode: 'Live Phone',
      dem: 90 * share,
      rep: 90 * (1 - share),
    });
  }
  return polls;
}

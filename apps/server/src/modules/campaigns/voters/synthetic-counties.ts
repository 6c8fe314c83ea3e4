/**
 * Real county inputs for the SYNTHETIC voter-file generator, from the shipped data (data/README.md): county
 * populations (demographics/county_features.csv), county presidential totals (elections/county_president_*.csv.gz)
 * and state voting-eligible population (turnout/turnout_state_presidential_1980_2020.csv), plus each county's
 * bachelor's-degree share (demographics/county_features.csv). A county's presidential
 * turnout is its total votes over its share of the state's VEP (the state VEP split by county population).
 */
import type { ReferenceData } from '@akashic/forecast';
import type { SyntheticCounty } from '@akashic/voters';

export const PRESIDENTIAL_YEARS = [2008, 2012, 2016, 2020] as const;

/** Counties of `state` (postal code) with their real turnout; empty when the state is unknown. */
export function syntheticCounties(ref: ReferenceData, state: string): SyntheticCounty[] {
  const vintageFor = (year: number) => (year <= 2016 ? 2014 : 2022);
  const pop = new Map<string, number>(); // `${vintage}:${fips}`
  const bachelors = new Map<string, number>();
  const statePop = new Map<number, number>();
  const prefix = new Set<string>();
  const results = ref.counties.filter((r) => r.state === state && PRESIDENTIAL_YEARS.includes(r.year as 2008));
  for (const r of results) prefix.add(r.fips.slice(0, 2));
  for (const f of ref.features) {
    if (!prefix.has(f.fips.slice(0, 2))) continue;
    pop.set(`${f.vintage}:${f.fips}`, f.population);
    if (Number.isFinite(f.bachelors)) bachelors.set(`${f.vintage}:${f.fips}`, f.bachelors / 100);
    statePop.set(f.vintage, (statePop.get(f.vintage) ?? 0) + f.population);
  }
  const vep = new Map(ref.turnout.filter((t) => t.state === state).map((t) => [t.year, t.vep]));
  const byCounty = new Map<string, SyntheticCounty>();
  for (const r of [...results].sort((a, b) => a.year - b.year)) {
    const v = vintageFor(r.year);
    const p = pop.get(`${v}:${r.fips}`);
    const sp = statePop.get(v);
    const stateVep = vep.get(r.year);
    if (!p || !sp || !stateVep || r.total <= 0) continue;
    const rate = r.total / ((p / sp) * stateVep);
    let c = byCounty.get(r.fips);
    if (!c) byCounty.set(r.fips, (c = { fips: r.fips, population: p, presidentialTurnout: {}, demShare: 0.5 }));
    c.presidentialTurnout[r.year] = Math.min(0.95, Math.max(0.2, rate));
    c.population = p;
    if (r.dem + r.rep > 0) c.demShare = r.dem / (r.dem + r.rep);
    const b = bachelors.get(`${v}:${r.fips}`);
    if (b !== undefined) c.bachelors = b;
  }
  return [...byCounty.values()].filter((c) => PRESIDENTIAL_YEARS.every((y) => c.presidentialTurnout[y] !== undefined));
}

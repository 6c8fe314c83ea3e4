/**
 * Typed reference data and parsers from CSV text. Pure: callers (Node loaders, the browser) supply the text.
 * `History` is the only way results reach a model: it holds results of cycles strictly before a cutoff, so a model
 * fitted for cycle Y structurally cannot see Y's (or later) outcomes.
 */
import { CsvError, CsvReader, parseCsv } from './csv.js';
import { STATE_BY_POSTAL } from './states.js';

export interface CountyResult {
  fips: string;
  year: number;
  state: string;
  dem: number;
  rep: number;
  total: number;
}
export interface StateResult {
  year: number;
  state: string;
  dem: number;
  rep: number;
  total: number;
}
/** Turnout of the voting-eligible population; `state` is a postal code or "US". */
export interface TurnoutRow {
  year: number;
  state: string;
  vep: number;
  votes: number;
  /** fraction, e.g. 0.6614 */
  rate: number;
}
export interface CountyFeatures {
  vintage: number;
  fips: string;
  population: number;
  white: number;
  black: number;
  asian: number;
  hispanic: number;
  bachelors: number;
  income: number;
  density: number;
  rucc: number;
}
export type PollPopulation = 'lv' | 'rv' | 'a' | 'v';
export interface Poll {
  cycle: number;
  /** postal code, or "--" for a national poll */
  state: string;
  pollster: string;
  /** days since 1970-01-01 (UTC) */
  start: number;
  end: number;
  /** NaN when the poll did not report it */
  sampleSize: number;
  population: PollPopulation;
  mode: string;
  dem: number;
  rep: number;
}

export interface ReferenceData {
  counties: CountyResult[];
  states: StateResult[];
  turnout: TurnoutRow[];
  features: CountyFeatures[];
  /** county FIPS -> American Nation (Woodard 11); counties without one are absent */
  nations: Map<string, string>;
}

/** Results of cycles before `cutoff` only. Construct with `historyBefore`. */
export interface History {
  readonly cutoff: number;
  readonly counties: readonly CountyResult[];
  readonly states: readonly StateResult[];
  readonly turnout: readonly TurnoutRow[];
  readonly features: readonly CountyFeatures[];
  readonly nations: ReadonlyMap<string, string>;
}

export function historyBefore(data: ReferenceData | History, cutoff: number): History {
  if (!Number.isInteger(cutoff)) throw new RangeError(`cycle must be a whole year (got ${cutoff})`);
  return Object.freeze({
    cutoff,
    counties: data.counties.filter((r) => r.year < cutoff),
    states: data.states.filter((r) => r.year < cutoff),
    turnout: data.turnout.filter((r) => r.year < cutoff),
    features: data.features,
    nations: data.nations,
  });
}

/** Throws unless `history` was cut at or before `cycle` (and really contains nothing from `cycle` on). */
export function assertNoLookahead(history: History, cycle: number): void {
  if (history.cutoff > cycle)
    throw new Error(
      `history runs to ${history.cutoff - 1}; a forecast for ${cycle} may only use cycles before ${cycle}`,
    );
  for (const list of [history.counties, history.states, history.turnout]) {
    for (const r of list)
      if (r.year >= cycle)
        throw new Error(`history contains ${r.year} results; a forecast for ${cycle} may only use earlier cycles`);
  }
}

export const dayNumber = (iso: string): number => {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return NaN;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return NaN;
  return Math.round(t / 86_400_000);
};

export function parseCountyResults(text: string, name = 'county results'): CountyResult[] {
  const t = new CsvReader(parseCsv(text, name), name, [
    'fips',
    'year',
    'state',
    'dem_votes',
    'rep_votes',
    'total_votes',
  ]);
  const out: CountyResult[] = [];
  for (const row of t.table.rows) {
    const dem = t.num(row, 'dem_votes', true);
    const rep = t.num(row, 'rep_votes', true);
    if (!Number.isFinite(dem) || !Number.isFinite(rep)) continue; // a few historical rows lack party votes
    const fips = t.str(row, 'fips').padStart(5, '0');
    out.push({
      fips,
      year: t.num(row, 'year'),
      state: t.str(row, 'state'),
      dem,
      rep,
      total: t.num(row, 'total_votes', true) || dem + rep,
    });
  }
  return out;
}

export function parseStateResults(text: string, name = 'state results'): StateResult[] {
  const t = new CsvReader(parseCsv(text, name), name, ['year', 'state', 'dem_votes', 'rep_votes', 'total_votes']);
  return t.table.rows.map((row) => ({
    year: t.num(row, 'year'),
    state: t.str(row, 'state'),
    dem: t.num(row, 'dem_votes'),
    rep: t.num(row, 'rep_votes'),
    total: t.num(row, 'total_votes'),
  }));
}

export function parseTurnout(text: string, name = 'turnout'): TurnoutRow[] {
  const t = new CsvReader(parseCsv(text, name), name, [
    'year',
    'state_abv',
    'highest_office_votes',
    'vep',
    'vep_turnout_pct',
  ]);
  const out: TurnoutRow[] = [];
  for (const row of t.table.rows) {
    const vep = t.num(row, 'vep', true);
    const votes = t.num(row, 'highest_office_votes', true);
    if (!Number.isFinite(vep) || !Number.isFinite(votes)) continue;
    out.push({ year: t.num(row, 'year'), state: t.str(row, 'state_abv'), vep, votes, rate: votes / vep });
  }
  return out;
}

export function parseCountyFeatures(text: string, name = 'county features'): CountyFeatures[] {
  const cols = [
    'vintage',
    'fips',
    'population',
    'pct_white',
    'pct_black',
    'pct_asian',
    'pct_hispanic',
    'pct_bachelors',
    'median_income',
    'density',
    'rucc',
  ];
  const t = new CsvReader(parseCsv(text, name), name, cols);
  return t.table.rows.map((row) => ({
    vintage: t.num(row, 'vintage'),
    fips: t.str(row, 'fips').padStart(5, '0'),
    population: t.num(row, 'population', true),
    white: t.num(row, 'pct_white', true),
    black: t.num(row, 'pct_black', true),
    asian: t.num(row, 'pct_asian', true),
    hispanic: t.num(row, 'pct_hispanic', true),
    bachelors: t.num(row, 'pct_bachelors', true),
    income: t.num(row, 'median_income', true),
    density: t.num(row, 'density', true),
    rucc: t.num(row, 'rucc', true),
  }));
}

export function parseNations(text: string, name = 'American Nations'): Map<string, string> {
  const t = new CsvReader(parseCsv(text, name), name, ['fips', 'nation']);
  const m = new Map<string, string>();
  for (const row of t.table.rows) {
    const n = t.str(row, 'nation');
    if (n) m.set(t.str(row, 'fips').padStart(5, '0'), n);
  }
  return m;
}

export const POLL_COLUMNS = [
  'cycle',
  'state',
  'pollster',
  'start_date',
  'end_date',
  'sample_size',
  'population',
  'mode',
  'dem_pct',
  'rep_pct',
];

function pollPopulation(s: string): PollPopulation | null {
  const v = s.trim().toLowerCase();
  if (v === 'likely voters' || v === 'lv') return 'lv';
  if (v === 'registered voters' || v === 'rv') return 'rv';
  if (v === 'adults' || v === 'a' || v === 'all adults') return 'a';
  if (v === 'voters' || v === 'v') return 'v';
  return null;
}

/**
 * Polls in the format of polls_president_state_2008_2016.csv. Any malformed cell throws a CsvError naming the file,
 * line and column. A missing sample size is allowed (NaN; the poll average imputes it).
 */
export function parsePolls(text: string, name = 'polls CSV'): Poll[] {
  const t = new CsvReader(parseCsv(text, name), name, POLL_COLUMNS);
  const out: Poll[] = [];
  for (const row of t.table.rows) {
    const cycle = t.num(row, 'cycle');
    if (!Number.isInteger(cycle) || cycle < 1789 || cycle % 4 !== 0)
      t.fail(row, `column "cycle" is not a presidential election year ("${t.str(row, 'cycle')}")`);
    const state = t.str(row, 'state').toUpperCase();
    if (state !== '--' && !STATE_BY_POSTAL.has(state))
      t.fail(row, `column "state" must be a state postal code or "--" for a national poll ("${t.str(row, 'state')}")`);
    const start = dayNumber(t.str(row, 'start_date'));
    const end = dayNumber(t.str(row, 'end_date'));
    if (Number.isNaN(start))
      t.fail(row, `column "start_date" is not a YYYY-MM-DD date ("${t.str(row, 'start_date')}")`);
    if (Number.isNaN(end)) t.fail(row, `column "end_date" is not a YYYY-MM-DD date ("${t.str(row, 'end_date')}")`);
    if (end < start) t.fail(row, 'end_date is before start_date');
    const sampleSize = t.num(row, 'sample_size', true);
    if (Number.isFinite(sampleSize) && sampleSize <= 0)
      t.fail(row, `column "sample_size" must be positive ("${t.str(row, 'sample_size')}")`);
    const population =
      pollPopulation(t.str(row, 'population')) ??
      t.fail(
        row,
        `column "population" must be Likely Voters, Registered Voters, Adults or Voters ("${t.str(row, 'population')}")`,
      );
    const dem = t.num(row, 'dem_pct');
    const rep = t.num(row, 'rep_pct');
    for (const [col, v] of [
      ['dem_pct', dem],
      ['rep_pct', rep],
    ] as const)
      if (v < 0 || v > 100) t.fail(row, `column "${col}" must be a percentage between 0 and 100 (${v})`);
    if (dem + rep <= 0) t.fail(row, 'dem_pct and rep_pct are both zero');
    if (dem + rep > 100.5) t.fail(row, `dem_pct + rep_pct exceeds 100 (${dem + rep})`);
    const pollster = t.str(row, 'pollster');
    if (!pollster) t.fail(row, 'column "pollster" is empty');
    out.push({ cycle, state, pollster, start, end, sampleSize, population, mode: t.str(row, 'mode'), dem, rep });
  }
  return out;
}

export { CsvError };

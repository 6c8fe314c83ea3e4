/**
 * Reading the reference data. These tables are global (no org_id): the organization only decides, through the
 * route's Cedar action, whether its member may read them. Every query is served by a primary key or by
 * reference_county_results_year_idx.
 */
import type {
  CountyHistory,
  CountyProfile,
  CountyResult,
  CountyYearResults,
  ReferenceCatalog,
  StateResults,
  StateTurnoutList,
} from '@akashic/contracts';
import { FIPS_SUCCESSOR, STATE_BY_FIPS, STATES } from '@akashic/forecast';
import type { Tx } from '../../../db/index.js';
import { AppError } from '../../../platform/errors.js';
import { DATASETS } from './datasets.js';

/** Election years shown by default: from 1912 the county coverage is close to complete (about 3,000 counties). */
export const DEFAULT_FROM_YEAR = 1912;

export interface YearRange {
  from: number;
  to?: number | undefined;
}

/**
 * Earlier FIPS code → current code of the same county: the forecast engine's successions, plus two older ones
 * (Dade → Miami-Dade 1997, Ormsby → Carson City 1969). A history only takes rows of an earlier code for years the
 * county has none of its own, so a merger listed here (Bedford city → Bedford County) never double-counts.
 */
const SUCCESSOR: ReadonlyMap<string, string> = new Map([...FIPS_SUCCESSOR, ['12025', '12086'], ['32025', '32510']]);

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

interface VoteRow {
  dem_votes: number;
  rep_votes: number;
  total_votes: number;
}

function votes(r: VoteRow) {
  const twoParty = r.dem_votes + r.rep_votes;
  return {
    demVotes: r.dem_votes,
    repVotes: r.rep_votes,
    totalVotes: r.total_votes,
    demShare: twoParty > 0 ? round4(r.dem_votes / twoParty) : null,
    margin: r.total_votes > 0 ? round4((r.dem_votes - r.rep_votes) / r.total_votes) : null,
  };
}

interface CountyRow extends VoteRow {
  fips: string;
  year: number;
  state: string;
}

const countyResult = (r: CountyRow): CountyResult => ({ fips: r.fips, year: r.year, state: r.state, ...votes(r) });

function checkRange(range: YearRange): void {
  if (range.to !== undefined && range.to < range.from) {
    throw new AppError('validation_failed', '`to` must not be earlier than `from`', {
      fields: [{ field: 'query.to', message: 'must not be earlier than from' }],
    });
  }
}

/** "GREATER APPALACHIA" → "Greater Appalachia", "PART OF THE SPANISH CARIBBEAN" → "Part of the Spanish Caribbean". */
export function nationName(raw: string): string {
  return raw
    .toLowerCase()
    .split(/\s+/)
    .map((w, i) => (i > 0 && (w === 'of' || w === 'the') ? w : w.charAt(0).toUpperCase() + w.slice(1)))
    .join(' ');
}

const stateOfFips = (fips: string) => STATE_BY_FIPS.get(fips.slice(0, 2))?.postal ?? null;

export async function readCatalog(tx: Tx): Promise<ReferenceCatalog> {
  const datasets = await tx.client.query<{
    name: string;
    title: string;
    description: string;
    source: string;
    source_url: string | null;
    licence: string;
    citation: string;
    file: string;
    row_count: number;
    first_year: number | null;
    last_year: number | null;
    imported_at: string;
  }>(
    `SELECT name, title, description, source, source_url, licence, citation, file, row_count, first_year, last_year,
            to_char(imported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS imported_at
       FROM reference_datasets`,
  );
  // Distinct years by skipping through the year index instead of reading all 100,000+ county rows.
  const countyYears = await tx.client.query<{ year: number }>(
    `WITH RECURSIVE y(year) AS (
       SELECT min(year) FROM reference_county_results
       UNION ALL
       SELECT (SELECT min(year) FROM reference_county_results WHERE year > y.year) FROM y WHERE y.year IS NOT NULL)
     SELECT year::int AS year FROM y WHERE year IS NOT NULL`,
  );
  const stateYears = await tx.client.query<{ year: number }>(
    'SELECT DISTINCT year::int AS year FROM reference_state_results ORDER BY 1',
  );
  const turnoutYears = await tx.client.query<{ year: number }>(
    'SELECT DISTINCT year::int AS year FROM reference_state_turnout ORDER BY 1',
  );
  const order = new Map(DATASETS.map((d, i) => [d.name, i]));
  return {
    datasets: datasets.rows
      .sort((a, b) => (order.get(a.name) ?? 99) - (order.get(b.name) ?? 99))
      .map((d) => ({
        name: d.name,
        title: d.title,
        description: d.description,
        source: d.source,
        sourceUrl: d.source_url,
        licence: d.licence,
        citation: d.citation,
        file: d.file,
        rows: d.row_count,
        firstYear: d.first_year,
        lastYear: d.last_year,
        importedAt: d.imported_at,
      })),
    years: {
      counties: countyYears.rows.map((r) => r.year),
      states: stateYears.rows.map((r) => r.year),
      turnout: turnoutYears.rows.map((r) => r.year),
    },
    states: STATES.map((s) => ({ postal: s.postal, fips: s.fips, name: s.name })),
  };
}

const COUNTY_COLUMNS = 'fips, year::int AS year, state, dem_votes, rep_votes, total_votes';

/** Every county's result in one election year, optionally in one state, by FIPS. */
export async function readCountyYear(tx: Tx, year: number, state?: string): Promise<CountyYearResults> {
  const { rows } = await tx.client.query<CountyRow>(
    `SELECT ${COUNTY_COLUMNS} FROM reference_county_results
      WHERE year = $1 AND ($2::text IS NULL OR state = $2) ORDER BY fips`,
    [year, state ?? null],
  );
  return { year, state: state ?? null, items: rows.map(countyResult) };
}

/**
 * One county's results over the years in `range`. Years the county has no row for under its own FIPS code are
 * filled from an earlier code of the same county (SUCCESSOR, e.g. 46113 → 46102). 404 for a code with no
 * results at all.
 */
export async function readCountyHistory(tx: Tx, fips: string, range: YearRange): Promise<CountyHistory> {
  checkRange(range);
  const former = [...SUCCESSOR].filter(([, next]) => next === fips).map(([old]) => old);
  const { rows } = await tx.client.query<CountyRow>(
    `SELECT ${COUNTY_COLUMNS} FROM reference_county_results WHERE fips = ANY($1::text[]) ORDER BY year`,
    [[fips, ...former]],
  );
  if (rows.length === 0) throw new AppError('not_found', `No results for county ${fips}`);
  const own = rows.filter((r) => r.fips === fips);
  const ownYears = new Set(own.map((r) => r.year));
  const filled = rows.filter((r) => r.fips !== fips && !ownYears.has(r.year));
  const all = [...own, ...filled].sort((a, b) => a.year - b.year);
  const latest = own[own.length - 1] ?? all[all.length - 1]!;
  const inRange = all.filter((r) => r.year >= range.from && (range.to === undefined || r.year <= range.to));
  return {
    fips,
    state: latest.state,
    from: range.from,
    to: range.to ?? null,
    formerFips: [...new Set(filled.map((r) => r.fips))],
    items: inRange.map(countyResult),
  };
}

/** A county's demographics (every vintage) and American Nation. 404 when nothing is known about the code. */
export async function readCountyProfile(tx: Tx, fips: string): Promise<CountyProfile> {
  // The same county under its other codes, for a nation the source lists under only one of them.
  const successor = SUCCESSOR.get(fips);
  const former = [...SUCCESSOR].filter(([, next]) => next === fips).map(([old]) => old);
  const demographics = await tx.client.query<{
    vintage: number;
    population: number | null;
    pct_white: number | null;
    pct_black: number | null;
    pct_asian: number | null;
    pct_hispanic: number | null;
    pct_bachelors: number | null;
    median_income: number | null;
    density: number | null;
    rucc: number | null;
  }>(
    `SELECT vintage::int AS vintage, population, pct_white, pct_black, pct_asian, pct_hispanic, pct_bachelors,
            median_income, density, rucc::int AS rucc
       FROM reference_county_demographics WHERE fips = $1 ORDER BY vintage`,
    [fips],
  );
  const nations = await tx.client.query<{ fips: string; nation: string }>(
    'SELECT fips, nation FROM reference_county_nations WHERE fips = ANY($1::text[])',
    [[fips, ...(successor ? [successor] : []), ...former]],
  );
  const nation = (nations.rows.find((r) => r.fips === fips) ?? nations.rows[0])?.nation ?? null;
  if (demographics.rows.length === 0 && nation === null) {
    const results = await tx.client.query('SELECT 1 FROM reference_county_results WHERE fips = $1 LIMIT 1', [fips]);
    if (results.rowCount === 0) throw new AppError('not_found', `Nothing is known about county ${fips}`);
  }
  return {
    fips,
    state: stateOfFips(fips),
    nation: nation === null ? null : nationName(nation),
    demographics: demographics.rows.map((d) => ({
      vintage: d.vintage,
      population: d.population,
      pctWhite: d.pct_white,
      pctBlack: d.pct_black,
      pctAsian: d.pct_asian,
      pctHispanic: d.pct_hispanic,
      pctBachelors: d.pct_bachelors,
      medianIncome: d.median_income,
      density: d.density,
      rucc: d.rucc,
    })),
  };
}

export async function readStateResults(tx: Tx, range: YearRange, state?: string): Promise<StateResults> {
  checkRange(range);
  const { rows } = await tx.client.query<VoteRow & { state: string; year: number }>(
    `SELECT state, year::int AS year, dem_votes, rep_votes, total_votes FROM reference_state_results
      WHERE year >= $1 AND ($2::int IS NULL OR year <= $2) AND ($3::text IS NULL OR state = $3)
      ORDER BY year, state`,
    [range.from, range.to ?? null, state ?? null],
  );
  return {
    from: range.from,
    to: range.to ?? null,
    items: rows.map((r) => ({ state: r.state, year: r.year, ...votes(r) })),
  };
}

export async function readStateTurnout(tx: Tx, range: YearRange, state?: string): Promise<StateTurnoutList> {
  checkRange(range);
  const { rows } = await tx.client.query<{
    state: string;
    name: string;
    year: number;
    total_ballots: number | null;
    highest_office_votes: number;
    vep: number;
    vap: number | null;
    vep_turnout_pct: number | null;
    vap_turnout_pct: number | null;
  }>(
    `SELECT state, name, year::int AS year, total_ballots, highest_office_votes, vep, vap, vep_turnout_pct,
            vap_turnout_pct
       FROM reference_state_turnout
      WHERE year >= $1 AND ($2::int IS NULL OR year <= $2) AND ($3::text IS NULL OR state = $3)
      ORDER BY year, (state <> 'US'), state`,
    [range.from, range.to ?? null, state ?? null],
  );
  return {
    from: range.from,
    to: range.to ?? null,
    items: rows.map((r) => ({
      state: r.state,
      name: r.name,
      year: r.year,
      totalBallots: r.total_ballots,
      highestOfficeVotes: r.highest_office_votes,
      vep: r.vep,
      vap: r.vap,
      vepTurnoutPct: r.vep_turnout_pct,
      vapTurnoutPct: r.vap_turnout_pct,
    })),
  };
}

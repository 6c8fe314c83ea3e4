/**
 * The shipped reference datasets: where each file came from, its licence and citation (shown in the console),
 * and how its rows map onto the reference tables. Parsing goes through the forecast engine's parsers, so the API
 * serves exactly the rows the models see.
 */
import {
  CsvReader,
  parseCountyFeatures,
  parseCountyResults,
  parseCsv,
  parseNations,
  parseStateResults,
} from '@akashic/forecast';
import { DATA_FILES } from '../data.js';

/** Column name in the table, and its PostgreSQL array element type for the bulk insert. */
export type Column = readonly [name: string, type: 'text' | 'int2' | 'int4' | 'float8'];

export interface DatasetSpec {
  name: string;
  title: string;
  description: string;
  source: string;
  sourceUrl: string | null;
  licence: string;
  citation: string;
  /** Path under data/. */
  file: string;
  table: string;
  columns: readonly Column[];
  /** Rows from the file's text, values in `columns` order (null or NaN for a missing value). */
  rows(text: string): unknown[][];
  /** The column giving the dataset's year range, if any. */
  yearColumn: string | null;
}

/**
 * State turnout keeps the VAP columns and the state name, which the forecast engine's parser leaves out; rows are
 * skipped exactly when that parser skips them (no VEP or no highest-office votes).
 */
function turnoutRows(text: string): unknown[][] {
  const name = DATA_FILES.turnout;
  const t = new CsvReader(parseCsv(text, name), name, [
    'year',
    'state',
    'state_abv',
    'total_ballots',
    'highest_office_votes',
    'vep',
    'vap',
    'vep_turnout_pct',
    'vap_turnout_pct',
  ]);
  const out: unknown[][] = [];
  for (const row of t.table.rows) {
    const vep = t.num(row, 'vep', true);
    const votes = t.num(row, 'highest_office_votes', true);
    if (!Number.isFinite(vep) || !Number.isFinite(votes)) continue;
    out.push([
      t.str(row, 'state_abv'),
      t.num(row, 'year'),
      t.str(row, 'state'),
      t.num(row, 'total_ballots', true),
      votes,
      vep,
      t.num(row, 'vap', true),
      t.num(row, 'vep_turnout_pct', true),
      t.num(row, 'vap_turnout_pct', true),
    ]);
  }
  return out;
}

/**
 * County results as the forecast engine parses them, less what cannot be a county-year row: the 50 nineteenth-
 * century rows without a FIPS code (the parser pads them to "00000"), and a repeated (FIPS, year) — one in the file,
 * 48253 in 1884 — where the later row wins, as it does in the engine's per-year maps.
 */
function countyRows(text: string): unknown[][] {
  const byKey = new Map<string, unknown[]>();
  for (const r of parseCountyResults(text, DATA_FILES.counties)) {
    if (r.fips === '00000') continue;
    byKey.set(`${r.fips}:${r.year}`, [r.fips, r.year, r.state, r.dem, r.rep, r.total]);
  }
  return [...byKey.values()];
}

export const DATASETS: readonly DatasetSpec[] = [
  {
    name: 'county_results',
    title: 'County presidential results, 1868–2020',
    description:
      'Democratic, Republican and total presidential votes for every county and election year (about 3,100 counties a year from 1912; no Alaska; Hawaii from 1960). Left out: the 88 county-years without party votes and the 50 nineteenth-century rows without a FIPS code.',
    source: 'Algara & Amlani (2021), Harvard Dataverse, via BPR-Data-Team/ElectionModel2024',
    sourceUrl: 'https://doi.org/10.7910/DVN/DGUMFI',
    licence: 'CC0 1.0 (Harvard Dataverse); repackaging MIT (BPR-Data-Team)',
    citation:
      'Algara, C. & Amlani, S. (2021). County-level election returns, 1868–2020. Harvard Dataverse, doi:10.7910/DVN/DGUMFI.',
    file: DATA_FILES.counties,
    table: 'reference_county_results',
    columns: [
      ['fips', 'text'],
      ['year', 'int2'],
      ['state', 'text'],
      ['dem_votes', 'int4'],
      ['rep_votes', 'int4'],
      ['total_votes', 'int4'],
    ],
    rows: countyRows,
    yearColumn: 'year',
  },
  {
    name: 'state_results',
    title: 'State presidential results, 1976–2020',
    description:
      'Votes for the Democratic and Republican nominees (summed over every ballot line they appeared on) and all presidential votes, per state and year.',
    source: 'MIT Election Data and Science Lab, U.S. President 1976–2020',
    sourceUrl: 'https://doi.org/10.7910/DVN/42MVDX',
    licence: 'CC0 1.0',
    citation:
      'MIT Election Data and Science Lab (2017). U.S. President 1976–2020. Harvard Dataverse, doi:10.7910/DVN/42MVDX.',
    file: DATA_FILES.states,
    table: 'reference_state_results',
    columns: [
      ['state', 'text'],
      ['year', 'int2'],
      ['dem_votes', 'int4'],
      ['rep_votes', 'int4'],
      ['total_votes', 'int4'],
    ],
    rows: (text) => parseStateResults(text, DATA_FILES.states).map((r) => [r.state, r.year, r.dem, r.rep, r.total]),
    yearColumn: 'year',
  },
  {
    name: 'state_turnout',
    title: 'State turnout in presidential elections, 1980–2020',
    description:
      'Ballots, highest-office votes, voting-eligible (VEP) and voting-age (VAP) population and turnout rates, per state and for the nation.',
    source: 'United States Elections Project (Michael P. McDonald)',
    sourceUrl: 'https://www.electproject.org/',
    licence: 'CC BY 4.0',
    citation: 'McDonald, M. P. United States Elections Project, state turnout rates 1980–2020.',
    file: DATA_FILES.turnout,
    table: 'reference_state_turnout',
    columns: [
      ['state', 'text'],
      ['year', 'int2'],
      ['name', 'text'],
      ['total_ballots', 'int4'],
      ['highest_office_votes', 'int4'],
      ['vep', 'int4'],
      ['vap', 'int4'],
      ['vep_turnout_pct', 'float8'],
      ['vap_turnout_pct', 'float8'],
    ],
    rows: turnoutRows,
    yearColumn: 'year',
  },
  {
    name: 'county_demographics',
    title: 'County demographics (2014 and 2022 vintages)',
    description:
      'Population, race and ethnicity, bachelor’s degrees, median household income, density and rural–urban continuum code per county. Vintage 2014: Census QuickFacts with RUCC 2013; vintage 2022: ACS 2018–22 5-year with RUCC 2023.',
    source: 'US Census Bureau (QuickFacts 2014, ACS 2018–22) and USDA ERS Rural-Urban Continuum Codes',
    sourceUrl: 'https://www.census.gov/programs-surveys/acs',
    licence: 'Public domain (US federal government works)',
    citation:
      'US Census Bureau, QuickFacts (2014) and American Community Survey 2018–2022 5-year estimates; USDA Economic Research Service, Rural-Urban Continuum Codes 2013 and 2023.',
    file: DATA_FILES.features,
    table: 'reference_county_demographics',
    columns: [
      ['fips', 'text'],
      ['vintage', 'int2'],
      ['population', 'int4'],
      ['pct_white', 'float8'],
      ['pct_black', 'float8'],
      ['pct_asian', 'float8'],
      ['pct_hispanic', 'float8'],
      ['pct_bachelors', 'float8'],
      ['median_income', 'int4'],
      ['density', 'float8'],
      ['rucc', 'int2'],
    ],
    rows: (text) =>
      parseCountyFeatures(text, DATA_FILES.features).map((f) => [
        f.fips,
        f.vintage,
        f.population,
        f.white,
        f.black,
        f.asian,
        f.hispanic,
        f.bachelors,
        f.income,
        f.density,
        f.rucc,
      ]),
    yearColumn: 'vintage',
  },
  {
    name: 'county_nations',
    title: 'American Nations regions of counties',
    description:
      'Each county’s region among Colin Woodard’s eleven American Nations; counties the source leaves unassigned are absent.',
    source: 'Drew-Opexcell/american-nations-fertility, from the Urban Institute NCCS tract crosswalk',
    sourceUrl: null,
    licence: 'MIT',
    citation:
      'Woodard, C. (2011). American Nations: A History of the Eleven Rival Regional Cultures of North America. County assignment: american-nations-fertility (MIT), Urban Institute.',
    file: DATA_FILES.nations,
    table: 'reference_county_nations',
    columns: [
      ['fips', 'text'],
      ['nation', 'text'],
    ],
    rows: (text) => [...parseNations(text, DATA_FILES.nations)].map(([fips, nation]) => [fips, nation]),
    yearColumn: null,
  },
];

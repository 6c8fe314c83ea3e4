import { doublePrecision, index, integer, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

/*
 * Reference data: public election results, turnout, demographics and regions shipped with the product (data/ at
 * the repository root) and loaded at boot by reference/import.ts. These tables are deliberately global: the same
 * public facts for every organization, owned by no tenant, so they carry no org_id and no row-level security.
 * What keeps them safe is the grant instead: the application role may only SELECT them (db/roles.ts READ_ONLY);
 * only the admin/migration connection writes them, and only from the shipped files.
 */

/** One row per shipped dataset: where it came from, under which licence, and what was loaded. */
export const referenceDatasets = pgTable('reference_datasets', {
  name: text('name').primaryKey(),
  title: text('title').notNull(),
  description: text('description').notNull(),
  source: text('source').notNull(),
  sourceUrl: text('source_url'),
  licence: text('licence').notNull(),
  citation: text('citation').notNull(),
  /** Path of the file under data/. */
  file: text('file').notNull(),
  rowCount: integer('row_count').notNull(),
  /** sha256 (hex) of the shipped file and the import's format version: a change reimports the dataset. */
  checksum: text('checksum').notNull(),
  firstYear: smallint('first_year'),
  lastYear: smallint('last_year'),
  importedAt: timestamp('imported_at', { withTimezone: true, precision: 3 }).notNull(),
});

/** County presidential results (Algara & Amlani), 1868-2020. FIPS as 5-character text, as in the source. */
export const referenceCountyResults = pgTable(
  'reference_county_results',
  {
    fips: text('fips').notNull(),
    year: smallint('year').notNull(),
    state: text('state').notNull(),
    demVotes: integer('dem_votes').notNull(),
    repVotes: integer('rep_votes').notNull(),
    totalVotes: integer('total_votes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.fips, t.year] }), index('reference_county_results_year_idx').on(t.year, t.state)],
);

/** State presidential results (MEDSL), 1976-2020: the major-party nominees' votes summed over fusion lines. */
export const referenceStateResults = pgTable(
  'reference_state_results',
  {
    state: text('state').notNull(),
    year: smallint('year').notNull(),
    demVotes: integer('dem_votes').notNull(),
    repVotes: integer('rep_votes').notNull(),
    totalVotes: integer('total_votes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.state, t.year] })],
);

/** State turnout (US Elections Project), 1980-2020; `state` is a postal code or "US" for the nation. */
export const referenceStateTurnout = pgTable(
  'reference_state_turnout',
  {
    state: text('state').notNull(),
    year: smallint('year').notNull(),
    name: text('name').notNull(),
    totalBallots: integer('total_ballots'),
    highestOfficeVotes: integer('highest_office_votes').notNull(),
    vep: integer('vep').notNull(),
    vap: integer('vap'),
    /** Percent, as published (e.g. 66.14). */
    vepTurnoutPct: doublePrecision('vep_turnout_pct'),
    vapTurnoutPct: doublePrecision('vap_turnout_pct'),
  },
  (t) => [primaryKey({ columns: [t.state, t.year] })],
);

/** County demographics in two vintages (2014: Census QuickFacts + RUCC 2013; 2022: ACS 2018-22 + RUCC 2023). */
export const referenceCountyDemographics = pgTable(
  'reference_county_demographics',
  {
    fips: text('fips').notNull(),
    vintage: smallint('vintage').notNull(),
    population: integer('population'),
    pctWhite: doublePrecision('pct_white'),
    pctBlack: doublePrecision('pct_black'),
    pctAsian: doublePrecision('pct_asian'),
    pctHispanic: doublePrecision('pct_hispanic'),
    pctBachelors: doublePrecision('pct_bachelors'),
    medianIncome: integer('median_income'),
    density: doublePrecision('density'),
    rucc: smallint('rucc'),
  },
  (t) => [primaryKey({ columns: [t.fips, t.vintage] })],
);

/** County → Colin Woodard's eleven American Nations (counties without one are absent). */
export const referenceCountyNations = pgTable('reference_county_nations', {
  fips: text('fips').primaryKey(),
  nation: text('nation').notNull(),
});

/** Every reference table: read-only for the application role (db/roles.ts). */
export const REFERENCE_TABLES = [
  referenceDatasets,
  referenceCountyResults,
  referenceStateResults,
  referenceStateTurnout,
  referenceCountyDemographics,
  referenceCountyNations,
];

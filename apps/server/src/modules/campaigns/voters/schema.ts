import {
  CONTACT_CHANNELS,
  CONTACT_OUTCOMES,
  CONTACT_STATUSES,
  IMPORT_PHASES,
  IMPORT_STATUSES,
} from '@akashic/contracts';
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  smallint,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../../db/rls.js';
import { users } from '../../../platform/identity/schema.js';
import { campaigns } from '../schema.js';

const oneOf = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

const campaignFk = (name: string, t: { orgId: never; campaignId: never }) =>
  foreignKey({ name, columns: [t.orgId, t.campaignId], foreignColumns: [campaigns.orgId, campaigns.id] }).onDelete(
    'cascade',
  );

/**
 * The elections of a campaign's voter files, numbered in the order they were first imported: a voter's history is
 * the array of the numbers of the elections they voted in (`voters.votes`).
 */
export const voterElections = pgTable(
  'voter_elections',
  {
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    number: smallint('number').notNull(),
    /** `GENERAL_2018-11-06` */
    key: text('key').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.number] }),
    unique('voter_elections_key_key').on(t.campaignId, t.key),
    campaignFk('voter_elections_campaign_fk', t as never),
    tenantPolicy('voter_elections'),
  ],
).enableRLS();

/**
 * A campaign's voters, one row per voter id of its files (a re-import updates the row). Geography and party are
 * kept as the file has them; `votes` holds election numbers (voter_elections), `generals_voted` how many of them are
 * general elections, so segment filters on vote history need no join.
 */
export const voters = pgTable(
  'voters',
  {
    id: uuid('id')
      .primaryKey()
      .default(sql`gen_random_uuid()`),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    voterId: text('voter_id').notNull(),
    firstName: text('first_name'),
    middleName: text('middle_name'),
    lastName: text('last_name'),
    birthYear: smallint('birth_year'),
    /** `YYYY-MM` or `YYYY-MM-DD`, as precise as the file */
    registrationDate: text('registration_date'),
    party: text('party'),
    address: text('address'),
    city: text('city'),
    zip: text('zip'),
    precinct: text('precinct'),
    countyFips: text('county_fips'),
    congressionalDistrict: text('congressional_district'),
    stateSenateDistrict: text('state_senate_district'),
    stateHouseDistrict: text('state_house_district'),
    votes: smallint('votes')
      .array()
      .notNull()
      .default(sql`'{}'`),
    generalsVoted: smallint('generals_voted').notNull().default(0),
    turnoutScore: real('turnout_score'),
    persuasionScore: real('persuasion_score'),
    contactStatus: text('contact_status').notNull().default('not_contacted'),
    importId: uuid('import_id'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('voters_campaign_voter_id_key').on(t.campaignId, t.voterId),
    unique('voters_org_campaign_id_key').on(t.orgId, t.campaignId, t.id),
    campaignFk('voters_campaign_fk', t as never),
    // Segment filters on geography narrow through these; scores, party and vote history are scanned (a parallel scan
    // of a million voters stays within the count budget, and GIN/score indexes would slow every import down).
    // voter_id, county_fips, precinct and zip are COLLATE "C" (drizzle/0033_voters_collate_c.sql; drizzle-kit cannot
    // declare a collation): codes compared byte by byte, a third less CPU to index an imported voter.
    index('voters_county_idx').on(t.campaignId, t.countyFips),
    index('voters_precinct_idx').on(t.campaignId, t.precinct),
    index('voters_zip_idx').on(t.campaignId, t.zip),
    check('voters_contact_status_check', sql`${t.contactStatus} IN (${oneOf(CONTACT_STATUSES)})`),
    check('voters_turnout_check', sql`${t.turnoutScore} BETWEEN 0 AND 1`),
    check('voters_persuasion_check', sql`${t.persuasionScore} BETWEEN 0 AND 1`),
    tenantPolicy('voters'),
  ],
).enableRLS();

/** Contacts with a voter: canvass, calls, texts; the latest sets the voter's contact status. */
export const voterContacts = pgTable(
  'voter_contacts',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    voterId: uuid('voter_id').notNull(),
    contactedAt: timestamp('contacted_at', { withTimezone: true }).notNull().defaultNow(),
    channel: text('channel').notNull(),
    outcome: text('outcome').notNull(),
    note: text('note'),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    foreignKey({
      name: 'voter_contacts_voter_fk',
      columns: [t.orgId, t.campaignId, t.voterId],
      foreignColumns: [voters.orgId, voters.campaignId, voters.id],
    }).onDelete('cascade'),
    index('voter_contacts_voter_idx').on(t.voterId, t.contactedAt.desc()),
    // The dashboard's contacts per day: a campaign's contacts in a time window.
    index('voter_contacts_campaign_idx').on(t.orgId, t.campaignId, t.contactedAt),
    check('voter_contacts_channel_check', sql`${t.channel} IN (${oneOf(CONTACT_CHANNELS)})`),
    check('voter_contacts_outcome_check', sql`${t.outcome} IN (${oneOf(CONTACT_OUTCOMES)})`),
    tenantPolicy('voter_contacts'),
  ],
).enableRLS();

/** Voter-file imports: the job, its progress (updated while it runs) and its validation report. */
export const voterImports = pgTable(
  'voter_imports',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    fileName: text('file_name').notNull(),
    status: text('status').notNull().default('pending'),
    phase: text('phase').notNull().default('waiting'),
    mapping: jsonb('mapping')
      .notNull()
      .default(sql`'{}'`),
    mappingOverrides: jsonb('mapping_overrides')
      .notNull()
      .default(sql`'{}'`),
    elections: jsonb('elections')
      .notNull()
      .default(sql`'[]'`),
    targetElection: text('target_election').notNull(),
    bytesRead: bigint('bytes_read', { mode: 'number' }).notNull().default(0),
    rowsRead: integer('rows_read').notNull().default(0),
    rowsImported: integer('rows_imported').notNull().default(0),
    rowsInserted: integer('rows_inserted').notNull().default(0),
    rowsUpdated: integer('rows_updated').notNull().default(0),
    rowsRejected: integer('rows_rejected').notNull().default(0),
    report: jsonb('report')
      .notNull()
      .default(sql`'{"badRows":[],"reasons":{},"truncated":false}'`),
    scores: jsonb('scores'),
    error: text('error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    campaignFk('voter_imports_campaign_fk', t as never),
    index('voter_imports_campaign_idx').on(t.orgId, t.campaignId, t.createdAt.desc(), t.id.desc()),
    check('voter_imports_status_check', sql`${t.status} IN (${oneOf(IMPORT_STATUSES)})`),
    check('voter_imports_phase_check', sql`${t.phase} IN (${oneOf(IMPORT_PHASES)})`),
    tenantPolicy('voter_imports'),
  ],
).enableRLS();

/** Saved voter filters of a campaign (SegmentFilter JSON, compiled to SQL when used). */
export const voterSegments = pgTable(
  'voter_segments',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    name: text('name').notNull(),
    filter: jsonb('filter').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    campaignFk('voter_segments_campaign_fk', t as never),
    index('voter_segments_campaign_idx').on(t.orgId, t.campaignId, t.createdAt.desc(), t.id.desc()),
    tenantPolicy('voter_segments'),
  ],
).enableRLS();

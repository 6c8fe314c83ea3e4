/**
 * Voter files of a campaign: streaming imports (column mapping, progress, validation report), voters with their vote
 * history, scores and contact history, and segments (saved filters with live counts, keyset pages and CSV export).
 */
import { z } from 'zod';
import { Id } from './common.js';

/** The voter fields an import can fill, each from one column of the file. */
export const VOTER_FIELDS = [
  'voter_id',
  'first_name',
  'middle_name',
  'last_name',
  'birth_year',
  'registration_date',
  'party',
  'address',
  'city',
  'zip',
  'precinct',
  'county_fips',
  'congressional_district',
  'state_senate_district',
  'state_house_district',
] as const;
export const VoterField = z.enum(VOTER_FIELDS);
export type VoterField = z.infer<typeof VoterField>;

const ColumnName = z.string().trim().min(1).max(200);

/** Field → column of the file (null: do not import the field even if a column looks like it). */
export const ColumnMapping = z
  .partialRecord(VoterField, ColumnName.nullable())
  .describe('Voter field → the header column it is read from; null leaves the field out');
export type ColumnMapping = z.infer<typeof ColumnMapping>;

/** `GENERAL_2018-11-06`: TYPE GENERAL, PRIMARY or SPECIAL and the election date. */
export const ElectionKey = z
  .string()
  .regex(/^(GENERAL|PRIMARY|SPECIAL)_\d{4}-\d{2}-\d{2}$/, 'must be <TYPE>_<YYYY-MM-DD> (GENERAL, PRIMARY or SPECIAL)');

export const DetectMappingBody = z.strictObject({
  header: z.array(z.string().max(200)).min(1).max(2000).describe('The header row of the file, as read'),
  mapping: ColumnMapping.optional(),
});
export type DetectMappingBody = z.infer<typeof DetectMappingBody>;

export const DetectedMapping = z.object({
  /** Every field mapped to a column (detected, then overridden) */
  mapping: z.record(z.string(), z.string()),
  /** Election columns, by their key */
  elections: z.array(z.string()),
  /** Columns neither mapped nor elections: not imported */
  ignored: z.array(z.string()),
  /** Problems that would fail the import at once (no voter id column, an override naming no column, ...) */
  errors: z.array(z.string()),
});
export type DetectedMapping = z.infer<typeof DetectedMapping>;

export const IMPORT_STATUSES = ['pending', 'running', 'succeeded', 'failed'] as const;
export const ImportStatus = z.enum(IMPORT_STATUSES);
export type ImportStatus = z.infer<typeof ImportStatus>;

export const IMPORT_PHASES = ['waiting', 'reading', 'writing', 'scoring', 'done'] as const;
export const ImportPhase = z.enum(IMPORT_PHASES);

export const CreateImportBody = z.strictObject({
  fileName: z.string().trim().min(1).max(300),
  mapping: ColumnMapping.optional(),
  targetElection: ElectionKey.optional().describe(
    'The election the turnout score predicts; default GENERAL_<the campaign’s election date>',
  ),
});
export type CreateImportBody = z.infer<typeof CreateImportBody>;

export const BadRow = z.object({
  line: z.number().int(),
  voterId: z.string().nullable(),
  reasons: z.array(z.string()),
});
export type BadRow = z.infer<typeof BadRow>;

export const ImportReport = z.object({
  /** The first bad rows (at most 1,000), each with its line number and reasons */
  badRows: z.array(BadRow),
  /** Bad rows by reason (every bad row, also those beyond the listed ones) */
  reasons: z.record(z.string(), z.number().int()),
  truncated: z.boolean(),
});
export type ImportReport = z.infer<typeof ImportReport>;

export const ImportScores = z.object({
  election: z.string(),
  heldOutAuc: z.number().nullable(),
  heldOutElection: z.string().nullable(),
  model: z.string().nullable(),
  calibration: z.array(
    z.object({ decile: z.number().int(), voters: z.number().int(), predicted: z.number(), observed: z.number() }),
  ),
  persuasion: z.boolean(),
  warnings: z.array(z.string()),
});
export type ImportScores = z.infer<typeof ImportScores>;

export const VoterImport = z.object({
  id: Id,
  campaignId: Id,
  fileName: z.string(),
  status: ImportStatus,
  phase: ImportPhase,
  mapping: z.record(z.string(), z.string()),
  mappingOverrides: ColumnMapping,
  elections: z.array(z.string()),
  targetElection: z.string(),
  bytesRead: z.number().int(),
  rowsRead: z.number().int(),
  rowsImported: z.number().int(),
  rowsInserted: z.number().int(),
  rowsUpdated: z.number().int(),
  rowsRejected: z.number().int(),
  report: ImportReport,
  scores: ImportScores.nullable(),
  error: z.string().nullable(),
  createdBy: Id.nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type VoterImport = z.infer<typeof VoterImport>;

export const ImportListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

// ---- voters ----------------------------------------------------------------------------------------------------

export const CONTACT_STATUSES = [
  'not_contacted',
  'attempted',
  'contacted',
  'supporter',
  'undecided',
  'opposed',
  'do_not_contact',
] as const;
export const ContactStatus = z.enum(CONTACT_STATUSES);
export type ContactStatus = z.infer<typeof ContactStatus>;

export const CONTACT_CHANNELS = ['door', 'phone', 'sms', 'email', 'event', 'other'] as const;
export const ContactChannel = z.enum(CONTACT_CHANNELS);
export type ContactChannel = z.infer<typeof ContactChannel>;

/** What came of a contact; each outcome sets the voter's contact status (`CONTACT_OUTCOME_STATUS`). */
export const CONTACT_OUTCOMES = [
  'no_answer',
  'left_message',
  'talked',
  'supporter',
  'undecided',
  'opposed',
  'refused',
  'wrong_number',
  'moved',
  'do_not_contact',
] as const;
export const ContactOutcome = z.enum(CONTACT_OUTCOMES);
export type ContactOutcome = z.infer<typeof ContactOutcome>;

export const CONTACT_OUTCOME_STATUS: Record<ContactOutcome, ContactStatus> = {
  no_answer: 'attempted',
  left_message: 'attempted',
  wrong_number: 'attempted',
  moved: 'attempted',
  talked: 'contacted',
  refused: 'contacted',
  supporter: 'supporter',
  undecided: 'undecided',
  opposed: 'opposed',
  do_not_contact: 'do_not_contact',
};

export const Voter = z.object({
  id: Id,
  voterId: z.string(),
  firstName: z.string().nullable(),
  middleName: z.string().nullable(),
  lastName: z.string().nullable(),
  birthYear: z.number().int().nullable(),
  registrationDate: z.string().nullable(),
  party: z.string().nullable(),
  address: z.string().nullable(),
  city: z.string().nullable(),
  zip: z.string().nullable(),
  precinct: z.string().nullable(),
  countyFips: z.string().nullable(),
  congressionalDistrict: z.string().nullable(),
  stateSenateDistrict: z.string().nullable(),
  stateHouseDistrict: z.string().nullable(),
  /** Election keys the voter voted in */
  votes: z.array(z.string()),
  generalsVoted: z.number().int(),
  turnoutScore: z.number().nullable(),
  persuasionScore: z.number().nullable(),
  contactStatus: ContactStatus,
  updatedAt: z.string(),
});
export type Voter = z.infer<typeof Voter>;

export const Contact = z.object({
  id: Id,
  voterId: Id,
  contactedAt: z.string(),
  channel: ContactChannel,
  outcome: ContactOutcome,
  note: z.string().nullable(),
  userId: Id.nullable(),
});
export type Contact = z.infer<typeof Contact>;

export const VoterDetail = Voter.extend({ contacts: z.array(Contact) });

export const CreateContactBody = z.strictObject({
  channel: ContactChannel,
  outcome: ContactOutcome,
  note: z.string().trim().max(2000).optional(),
  contactedAt: z.iso.datetime({ offset: true }).optional().describe('Default: now'),
});
export type CreateContactBody = z.infer<typeof CreateContactBody>;

export const VoterListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(400).optional(),
});

export const VotersSummary = z.object({
  voters: z.number().int(),
  elections: z.array(z.string()),
  scored: z.number().int(),
});

// ---- segments --------------------------------------------------------------------------------------------------

const Score = z.number().min(0).max(1);
const ScoreRange = z.strictObject({ min: Score.optional(), max: Score.optional() });
const Codes = z.array(z.string().trim().min(1).max(100)).min(1).max(500);

/** Every condition given must hold (AND); a list matches any of its values (OR). */
export const SegmentFilter = z.strictObject({
  turnout: ScoreRange.optional(),
  persuasion: ScoreRange.optional(),
  countyFips: Codes.optional(),
  precinct: Codes.optional(),
  zip: Codes.optional(),
  congressionalDistrict: Codes.optional(),
  stateSenateDistrict: Codes.optional(),
  stateHouseDistrict: Codes.optional(),
  party: Codes.optional().describe('Party codes as in the file (compared without case)'),
  votedIn: z.array(ElectionKey).min(1).max(50).optional().describe('Voted in every one of these elections'),
  notVotedIn: z.array(ElectionKey).min(1).max(50).optional().describe('Voted in none of these elections'),
  generalsVoted: z
    .strictObject({
      min: z.number().int().min(0).max(100).optional(),
      max: z.number().int().min(0).max(100).optional(),
    })
    .optional()
    .describe('How many general elections of the file the voter voted in'),
  birthYear: z
    .strictObject({
      min: z.number().int().min(1880).max(2030).optional(),
      max: z.number().int().min(1880).max(2030).optional(),
    })
    .optional(),
  contactStatus: z.array(ContactStatus).min(1).optional(),
});
export type SegmentFilter = z.infer<typeof SegmentFilter>;

export const CountBody = z.strictObject({ filter: SegmentFilter });
export const VoterCount = z.object({ count: z.number().int() });

export const QueryVotersBody = z.strictObject({
  filter: SegmentFilter,
  limit: z.number().int().min(1).max(500).default(100),
  cursor: z.string().max(400).optional(),
});

export const Segment = z.object({
  id: Id,
  campaignId: Id,
  name: z.string(),
  filter: SegmentFilter,
  createdBy: Id.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number().int(),
});
export type Segment = z.infer<typeof Segment>;

export const SegmentWithCount = Segment.extend({ count: z.number().int() });

export const CreateSegmentBody = z.strictObject({ name: z.string().trim().min(1).max(200), filter: SegmentFilter });
export type CreateSegmentBody = z.infer<typeof CreateSegmentBody>;

export const UpdateSegmentBody = z.strictObject({
  version: z.number().int().min(1),
  name: z.string().trim().min(1).max(200).optional(),
  filter: SegmentFilter.optional(),
});
export type UpdateSegmentBody = z.infer<typeof UpdateSegmentBody>;

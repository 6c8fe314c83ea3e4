/**
 * Column mapping: which column of a voter file fills which voter field. Detected from the header (known names and
 * common variants), then overridden field by field by the importer; election columns are the `<TYPE>_<YYYY-MM-DD>`
 * ones (packages/voters).
 */
import { VOTER_FIELDS, type ColumnMapping, type DetectedMapping, type VoterField } from '@akashic/contracts';
import { parseElectionKey, type Election } from '@akashic/voters';

/** Header names each field is recognised by (after `normalize`), in order of preference. */
const ALIASES: Record<VoterField, string[]> = {
  voter_id: [
    'voter_id',
    'voterid',
    'state_voter_id',
    'sos_voterid',
    'ncid',
    'voter_reg_num',
    'registration_number',
    'id',
  ],
  first_name: ['first_name', 'firstname', 'name_first', 'given_name', 'first'],
  middle_name: ['middle_name', 'middlename', 'name_middle', 'middle'],
  last_name: ['last_name', 'lastname', 'name_last', 'surname', 'last'],
  birth_year: ['birth_year', 'birthyear', 'year_of_birth', 'yob', 'birth_date', 'date_of_birth', 'dob'],
  registration_date: ['registration_ym', 'registration_date', 'reg_date', 'date_registered', 'registration'],
  party: ['party', 'party_code', 'party_cd', 'party_affiliation'],
  address: ['address', 'street_address', 'res_street_address', 'residential_address', 'address1'],
  city: ['city', 'res_city', 'res_city_desc', 'residential_city'],
  zip: ['zip', 'zip5', 'zipcode', 'zip_code', 'res_zip', 'res_zip_code'],
  precinct: ['precinct', 'precinct_id', 'precinct_code', 'precinct_name'],
  county_fips: ['county_fips', 'county', 'county_code', 'fips'],
  congressional_district: ['congressional_district', 'cong_dist', 'us_house_district', 'cd'],
  state_senate_district: ['state_senate_district', 'senate_district', 'state_senate', 'sd'],
  state_house_district: ['state_house_district', 'house_district', 'state_house', 'hd'],
};

const normalize = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/** The mapping resolved against a header: column index per field, election columns, and fatal problems. */
export interface ResolvedMapping {
  /** field → column index */
  columns: Partial<Record<VoterField, number>>;
  /** column index → election, for election columns */
  elections: { column: number; election: Election }[];
  /** header names of the columns nothing reads */
  ignored: string[];
  errors: string[];
  header: string[];
}

export function resolveMapping(header: string[], overrides: ColumnMapping = {}): ResolvedMapping {
  const errors: string[] = [];
  const byName = new Map<string, number>();
  const byNormalized = new Map<string, number>();
  header.forEach((h, i) => {
    const key = h.trim().toLowerCase();
    if (key === '') errors.push(`column ${i + 1} of the header has no name`);
    else if (byName.has(key)) errors.push(`column "${h.trim()}" appears twice in the header`);
    byName.set(key, i);
    if (!byNormalized.has(normalize(h))) byNormalized.set(normalize(h), i);
  });
  const elections: ResolvedMapping['elections'] = [];
  const electionColumns = new Set<number>();
  header.forEach((h, i) => {
    const e = parseElectionKey(h);
    if (e) {
      elections.push({ column: i, election: e });
      electionColumns.add(i);
    }
  });
  const columns: ResolvedMapping['columns'] = {};
  const used = new Set<number>();
  for (const field of VOTER_FIELDS) {
    const o = overrides[field];
    if (o === null) continue;
    if (o !== undefined) {
      const i = byName.get(o.trim().toLowerCase());
      if (i === undefined) errors.push(`mapping.${field}: the header has no column "${o}"`);
      else if (electionColumns.has(i)) errors.push(`mapping.${field}: "${o}" is an election column`);
      else columns[field] = i;
    }
  }
  for (const i of Object.values(columns)) used.add(i);
  for (const field of VOTER_FIELDS) {
    if (field in columns || overrides[field] === null) continue;
    for (const alias of ALIASES[field]) {
      const i = byNormalized.get(alias);
      if (i !== undefined && !used.has(i) && !electionColumns.has(i)) {
        columns[field] = i;
        used.add(i);
        break;
      }
    }
  }
  if (columns.voter_id === undefined && !errors.some((e) => e.startsWith('mapping.voter_id')))
    errors.push('no voter id column: name one in mapping.voter_id (the header has no voter_id column)');
  const ignored = header.filter((_, i) => !used.has(i) && !electionColumns.has(i)).map((h) => h.trim());
  return { columns, elections, ignored, errors, header };
}

/** The resolved mapping as the API shows it: field → column name. */
export function describeMapping(m: ResolvedMapping): DetectedMapping {
  const mapping: Record<string, string> = {};
  for (const f of VOTER_FIELDS) {
    const i = m.columns[f];
    if (i !== undefined) mapping[f] = m.header[i]!.trim();
  }
  return {
    mapping,
    elections: m.elections.map((e) => e.election.key),
    ignored: m.ignored,
    errors: m.errors,
  };
}

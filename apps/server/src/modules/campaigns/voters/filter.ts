/**
 * Segment filters compiled to SQL. Every value becomes a bind parameter; the SQL text is built only from the fixed
 * column names below, so a filter can never change the statement's shape. Election keys become the campaign's
 * election numbers through a subquery (a key the campaign has no election for matches nobody).
 */
import type { SegmentFilter } from '@akashic/contracts';

export interface CompiledFilter {
  /** Conditions on `v` (the voters table), joined with AND; `$1` is the org, `$2` the campaign. */
  where: string;
  params: unknown[];
}

const LISTS = {
  countyFips: 'v.county_fips',
  precinct: 'v.precinct',
  zip: 'v.zip',
  congressionalDistrict: 'v.congressional_district',
  stateSenateDistrict: 'v.state_senate_district',
  stateHouseDistrict: 'v.state_house_district',
} as const;

const RANGES = {
  turnout: 'v.turnout_score',
  persuasion: 'v.persuasion_score',
  generalsVoted: 'v.generals_voted',
  birthYear: 'v.birth_year',
} as const;

const ELECTION_NUMBERS = (p: string) =>
  `ARRAY(SELECT number FROM voter_elections e WHERE e.org_id = $1 AND e.campaign_id = $2 AND e.key = ANY(${p}::text[]))`;

export function compileFilter(orgId: string, campaignId: string, f: SegmentFilter): CompiledFilter {
  const params: unknown[] = [orgId, campaignId];
  const where = ['v.org_id = $1', 'v.campaign_id = $2'];
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  for (const [key, column] of Object.entries(RANGES) as [keyof typeof RANGES, string][]) {
    const r = f[key];
    if (r?.min !== undefined) where.push(`${column} >= ${p(r.min)}`);
    if (r?.max !== undefined) where.push(`${column} <= ${p(r.max)}`);
  }
  for (const [key, column] of Object.entries(LISTS) as [keyof typeof LISTS, string][]) {
    const values = f[key];
    if (values) where.push(`${column} = ANY(${p(values)}::text[])`);
  }
  // Parties are stored upper-case (the import normalizes them).
  if (f.party) where.push(`v.party = ANY(${p(f.party.map((x) => x.toUpperCase()))}::text[])`);
  if (f.contactStatus) where.push(`v.contact_status = ANY(${p(f.contactStatus)}::text[])`);
  if (f.votedIn) {
    const keys = p([...new Set(f.votedIn)]);
    // Every listed election must be one of the campaign's, and in the voter's history.
    where.push(
      `v.votes @> ${ELECTION_NUMBERS(keys)} AND cardinality(${ELECTION_NUMBERS(keys)}) = cardinality(${keys}::text[])`,
    );
  }
  if (f.notVotedIn) where.push(`NOT (v.votes && ${ELECTION_NUMBERS(p([...new Set(f.notVotedIn)]))})`);
  return { where: where.join(' AND '), params };
}

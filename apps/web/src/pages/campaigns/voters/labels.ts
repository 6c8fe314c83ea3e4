/** Voters section: paths, labels and the small types the contracts only declare as schemas. */
import type { Contact, ContactOutcome, ContactStatus, Segment, Voter, VoterField } from '@akashic/contracts';
import { ApiError } from '../../../api';
import { CAMPAIGNS_PATH } from '../labels';

export const votersPath = (campaignId: string) => `${CAMPAIGNS_PATH}/${campaignId}/voters`;
export const votersApi = (campaignId: string) => `/api/v1/campaigns/${campaignId}`;

export type VoterDetail = Voter & { contacts: Contact[] };
export type SegmentWithCount = Segment & { count: number };
export interface VotersSummary {
  voters: number;
  elections: string[];
  scored: number;
}

export const FIELD_LABELS: Record<VoterField, string> = {
  voter_id: 'Voter id',
  first_name: 'First name',
  middle_name: 'Middle name',
  last_name: 'Last name',
  birth_year: 'Birth year',
  registration_date: 'Registration date',
  party: 'Party',
  address: 'Address',
  city: 'City',
  zip: 'ZIP code',
  precinct: 'Precinct',
  county_fips: 'County (FIPS)',
  congressional_district: 'Congressional district',
  state_senate_district: 'State senate district',
  state_house_district: 'State house district',
};

export const CONTACT_STATUS_LABELS: Record<ContactStatus, string> = {
  not_contacted: 'Not contacted',
  attempted: 'Attempted',
  contacted: 'Contacted',
  supporter: 'Supporter',
  undecided: 'Undecided',
  opposed: 'Opposed',
  do_not_contact: 'Do not contact',
};

export const CONTACT_STATUS_TONES: Record<ContactStatus, 'green' | 'grey' | 'red' | 'amber' | 'blue'> = {
  not_contacted: 'grey',
  attempted: 'amber',
  contacted: 'blue',
  supporter: 'green',
  undecided: 'amber',
  opposed: 'red',
  do_not_contact: 'red',
};

export const CHANNEL_LABELS = {
  door: 'Door',
  phone: 'Phone',
  sms: 'SMS',
  email: 'Email',
  event: 'Event',
  other: 'Other',
} as const;

export const OUTCOME_LABELS: Record<ContactOutcome, string> = {
  no_answer: 'No answer',
  left_message: 'Left a message',
  talked: 'Talked',
  supporter: 'Supporter',
  undecided: 'Undecided',
  opposed: 'Opposed',
  refused: 'Refused',
  wrong_number: 'Wrong number',
  moved: 'Moved',
  do_not_contact: 'Do not contact',
};

export const PHASE_LABELS = {
  waiting: 'Waiting for the file',
  reading: 'Reading the file',
  writing: 'Writing voters',
  scoring: 'Scoring voters',
  done: 'Done',
} as const;

/** `GENERAL_2018-11-06` → `General 2018-11-06`. */
export function electionLabel(key: string): string {
  const [type, date] = key.split('_');
  return type && date ? `${type[0]}${type.slice(1).toLowerCase()} ${date}` : key;
}

export function voterName(v: Pick<Voter, 'firstName' | 'middleName' | 'lastName' | 'voterId'>): string {
  const name = [v.firstName, v.middleName, v.lastName].filter(Boolean).join(' ');
  return name || `Voter ${v.voterId}`;
}

export function percent(x: number | null | undefined, digits = 0): string {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(digits)}%`;
}

const numberFormat = new Intl.NumberFormat();
export const formatCount = (n: number) => numberFormat.format(n);

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/**
 * Field errors by the path under a prefix: `body.filter.turnout.min` with prefix `filter` → `turnout`
 * (the first match per key wins). ApiError.fields keeps only the first segment, too coarse for nested bodies.
 */
export function nestedFieldErrors(e: unknown, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof ApiError)) return out;
  for (const err of e.problem.errors ?? []) {
    const parts = err.field.split('.');
    if (parts[0] === 'body') parts.shift();
    if (parts[0] !== prefix) continue;
    const key = parts[1] ?? prefix;
    const msg = err.message ? err.message[0]!.toUpperCase() + err.message.slice(1) : err.message;
    out[key] ??= msg;
  }
  return out;
}

/** The cells of a CSV line (quotes, doubled quotes and a trailing CR handled). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else quoted = false;
      } else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur.replace(/\r$/, ''));
  return out.map((c) => c.trim());
}

/** The header row of a CSV file, read locally from its first bytes. */
export async function readCsvHeader(file: File): Promise<string[]> {
  const head = await file.slice(0, 256 * 1024).text();
  const text = head.replace(/^\uFEFF/, '');
  const end = text.indexOf('\n');
  if (end < 0 && file.size > 256 * 1024) throw new Error('The first line of the file is longer than 256 KB.');
  const header = parseCsvLine(end < 0 ? text : text.slice(0, end));
  if (header.length === 0 || header.every((h) => h === '')) throw new Error('The file has no header row.');
  return header;
}

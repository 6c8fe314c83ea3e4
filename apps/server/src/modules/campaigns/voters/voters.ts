/**
 * A campaign's voters: keyset pages (by voter id, optionally through a segment filter), counts, one voter with
 * their contact history, recording contacts, saved segments and the CSV export.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CONTACT_OUTCOME_STATUS,
  type Contact,
  type CreateContactBody,
  type CreateSegmentBody,
  type Page,
  type Segment,
  type SegmentFilter,
  type UpdateSegmentBody,
  type Voter,
} from '@akashic/contracts';
import type { Database, Tx } from '../../../db/index.js';
import { isoTimestamp, keysetPage } from '../../../db/keyset.js';
import { AppError, notFound, staleVersion } from '../../../platform/errors.js';
import { recorder, type Recorder } from '../campaigns.js';
import { compileFilter } from './filter.js';

const VOTER_COLUMNS = `v.id, v.voter_id AS "voterId", v.first_name AS "firstName", v.middle_name AS "middleName",
  v.last_name AS "lastName", v.birth_year AS "birthYear", v.registration_date AS "registrationDate", v.party,
  v.address, v.city, v.zip, v.precinct, v.county_fips AS "countyFips",
  v.congressional_district AS "congressionalDistrict", v.state_senate_district AS "stateSenateDistrict",
  v.state_house_district AS "stateHouseDistrict",
  ARRAY(SELECT e.key FROM voter_elections e WHERE e.campaign_id = v.campaign_id AND e.number = ANY(v.votes)
         ORDER BY e.key) AS votes,
  v.generals_voted AS "generalsVoted", v.turnout_score AS "turnoutScore", v.persuasion_score AS "persuasionScore",
  v.contact_status AS "contactStatus", ${isoTimestamp('v.updated_at')} AS "updatedAt"`;

const encodeCursor = (voterId: string) => Buffer.from(voterId, 'utf8').toString('base64url');

function decodeCursor(cursor: string, field: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!id || encodeCursor(id) !== cursor)
    throw new AppError('validation_failed', 'The cursor is not one this API returned', {
      fields: [{ field, message: 'invalid cursor' }],
    });
  return id;
}

/** One page of the campaign's voters matching `filter`, by voter id. */
export async function pageVoters(
  tx: Tx,
  orgId: string,
  campaignId: string,
  filter: SegmentFilter,
  q: { limit: number; cursor?: string | undefined; cursorField: string },
): Promise<Page<Voter>> {
  const f = compileFilter(orgId, campaignId, filter);
  const params = [...f.params];
  let where = f.where;
  if (q.cursor !== undefined) {
    params.push(decodeCursor(q.cursor, q.cursorField));
    where += ` AND v.voter_id > $${params.length}`;
  }
  params.push(q.limit + 1);
  const r = await tx.client.query<Voter>(
    `SELECT ${VOTER_COLUMNS} FROM voters v WHERE ${where} ORDER BY v.voter_id LIMIT $${params.length}`,
    params,
  );
  const more = r.rows.length > q.limit;
  const items = r.rows.slice(0, q.limit);
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!.voterId) : null };
}

export async function countVoters(tx: Tx, orgId: string, campaignId: string, filter: SegmentFilter): Promise<number> {
  const f = compileFilter(orgId, campaignId, filter);
  const r = await tx.client.query<{ n: string }>(`SELECT count(*) AS n FROM voters v WHERE ${f.where}`, f.params);
  return Number(r.rows[0]!.n);
}

export async function votersSummary(tx: Tx, orgId: string, campaignId: string) {
  const r = await tx.client.query<{ voters: string; scored: string; elections: string[] }>(
    `SELECT (SELECT count(*) FROM voters WHERE org_id = $1 AND campaign_id = $2) AS voters,
            (SELECT count(*) FROM voters WHERE org_id = $1 AND campaign_id = $2 AND turnout_score IS NOT NULL) AS scored,
            ARRAY(SELECT key FROM voter_elections WHERE org_id = $1 AND campaign_id = $2 ORDER BY substr(key, strpos(key, '_') + 1), key) AS elections`,
    [orgId, campaignId],
  );
  const x = r.rows[0]!;
  return { voters: Number(x.voters), scored: Number(x.scored), elections: x.elections };
}

const CONTACT_COLUMNS = `c.id, c.voter_id AS "voterId", ${isoTimestamp('c.contacted_at')} AS "contactedAt", c.channel,
  c.outcome, c.note, c.user_id AS "userId"`;

export async function getVoter(tx: Tx, orgId: string, campaignId: string, id: string) {
  const r = await tx.client.query<Voter>(
    `SELECT ${VOTER_COLUMNS} FROM voters v WHERE v.org_id = $1 AND v.campaign_id = $2 AND v.id = $3`,
    [orgId, campaignId, id],
  );
  const v = r.rows[0];
  if (!v) throw notFound('Voter');
  const contacts = await tx.client.query<Contact>(
    `SELECT ${CONTACT_COLUMNS} FROM voter_contacts c WHERE c.org_id = $1 AND c.voter_id = $2
      ORDER BY c.contacted_at DESC, c.id DESC LIMIT 200`,
    [orgId, id],
  );
  return { ...v, contacts: contacts.rows };
}

const recordContact = recorder('voter', (c: Contact) => c);

/**
 * Writes a contact and moves the voter's contact status to its outcome's unless a later contact exists; the voter
 * row is locked. `contactedAt` null: now. The contact, or undefined when the voter is not the campaign's.
 */
export async function insertContact(
  tx: Tx,
  orgId: string,
  userId: string,
  campaignId: string,
  voterId: string,
  c: { channel: Contact['channel']; outcome: Contact['outcome']; note: string | null; contactedAt: string | null },
): Promise<Contact | undefined> {
  const v = await tx.client.query(
    'SELECT 1 FROM voters WHERE org_id = $1 AND campaign_id = $2 AND id = $3 FOR UPDATE',
    [orgId, campaignId, voterId],
  );
  if (!v.rowCount) return undefined;
  const id = randomUUID();
  await tx.client.query(
    `INSERT INTO voter_contacts (id, org_id, campaign_id, voter_id, contacted_at, channel, outcome, note, user_id)
     VALUES ($1, $2, $3, $4, coalesce($5::timestamptz, now()), $6, $7, $8, $9)`,
    [id, orgId, campaignId, voterId, c.contactedAt, c.channel, c.outcome, c.note, userId],
  );
  await tx.client.query(
    `UPDATE voters v SET contact_status = $4, updated_at = now()
      WHERE org_id = $1 AND campaign_id = $2 AND id = $3
        AND NOT EXISTS (SELECT 1 FROM voter_contacts c WHERE c.voter_id = v.id AND c.contacted_at > $5::timestamptz)`,
    [orgId, campaignId, voterId, CONTACT_OUTCOME_STATUS[c.outcome], c.contactedAt ?? new Date().toISOString()],
  );
  return (
    await tx.client.query<Contact>(
      `SELECT ${CONTACT_COLUMNS} FROM voter_contacts c WHERE c.org_id = $1 AND c.id = $2`,
      [orgId, id],
    )
  ).rows[0]!;
}

/** Records a contact; the voter's contact status follows the latest contact's outcome. */
export async function createContact(
  tx: Tx,
  orgId: string,
  userId: string,
  campaignId: string,
  voterId: string,
  body: CreateContactBody,
  record: Recorder,
): Promise<Contact> {
  const c = await insertContact(tx, orgId, userId, campaignId, voterId, {
    channel: body.channel,
    outcome: body.outcome,
    note: body.note ?? null,
    contactedAt: body.contactedAt ?? null,
  });
  if (!c) throw notFound('Voter');
  await recordContact(record, 'voter_contact.recorded', voterId, { after: c });
  return c;
}

// ---- segments --------------------------------------------------------------------------------------------------

const SEGMENT_COLUMNS = `s.id, s.campaign_id AS "campaignId", s.name, s.filter, s.created_by AS "createdBy",
  ${isoTimestamp('s.created_at')} AS "createdAt", ${isoTimestamp('s.updated_at')} AS "updatedAt", s.version`;

const recordSegment = recorder('voter_segment', (s: Segment) => s);

export async function readSegment(
  tx: Tx,
  orgId: string,
  campaignId: string,
  id: string,
  lock = false,
): Promise<Segment> {
  const r = await tx.client.query<Segment>(
    `SELECT ${SEGMENT_COLUMNS} FROM voter_segments s WHERE s.org_id = $1 AND s.campaign_id = $2 AND s.id = $3${lock ? ' FOR UPDATE' : ''}`,
    [orgId, campaignId, id],
  );
  if (!r.rows[0]) throw notFound('Segment');
  return r.rows[0];
}

export function listSegments(tx: Tx, orgId: string, campaignId: string, q: { limit: number; cursor?: string }) {
  return keysetPage<Segment>(tx, {
    columns: SEGMENT_COLUMNS,
    from: 'voter_segments s',
    where: 's.org_id = $1 AND s.campaign_id = $2',
    params: [orgId, campaignId],
    key: { column: 's.created_at', type: 'timestamptz' },
    id: 's.id',
    limit: q.limit,
    cursor: q.cursor,
  });
}

export async function createSegment(
  tx: Tx,
  orgId: string,
  userId: string,
  campaignId: string,
  body: CreateSegmentBody,
  record: Recorder,
): Promise<Segment> {
  const id = randomUUID();
  await tx.client.query(
    `INSERT INTO voter_segments (id, org_id, campaign_id, name, filter, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, orgId, campaignId, body.name, JSON.stringify(body.filter), userId],
  );
  const s = await readSegment(tx, orgId, campaignId, id);
  await recordSegment(record, 'voter_segment.created', id, { after: s });
  return s;
}

export async function updateSegment(
  tx: Tx,
  orgId: string,
  campaignId: string,
  id: string,
  body: UpdateSegmentBody,
  record: Recorder,
): Promise<Segment> {
  const before = await readSegment(tx, orgId, campaignId, id, true);
  if (before.version !== body.version) throw staleVersion('segment', body.version, before.version);
  await tx.client.query(
    `UPDATE voter_segments SET name = $4, filter = $5, version = version + 1, updated_at = now()
      WHERE org_id = $1 AND campaign_id = $2 AND id = $3`,
    [orgId, campaignId, id, body.name ?? before.name, JSON.stringify(body.filter ?? before.filter)],
  );
  const after = await readSegment(tx, orgId, campaignId, id);
  await recordSegment(record, 'voter_segment.updated', id, { before, after });
  return after;
}

export async function deleteSegment(tx: Tx, orgId: string, campaignId: string, id: string, record: Recorder) {
  const before = await readSegment(tx, orgId, campaignId, id, true);
  await tx.client.query('DELETE FROM voter_segments WHERE org_id = $1 AND campaign_id = $2 AND id = $3', [
    orgId,
    campaignId,
    id,
  ]);
  await recordSegment(record, 'voter_segment.deleted', id, { before });
}

// ---- CSV export ------------------------------------------------------------------------------------------------

const EXPORT_COLUMNS = [
  ['voter_id', 'voterId'],
  ['first_name', 'firstName'],
  ['middle_name', 'middleName'],
  ['last_name', 'lastName'],
  ['birth_year', 'birthYear'],
  ['registration_date', 'registrationDate'],
  ['party', 'party'],
  ['address', 'address'],
  ['city', 'city'],
  ['zip', 'zip'],
  ['precinct', 'precinct'],
  ['county_fips', 'countyFips'],
  ['congressional_district', 'congressionalDistrict'],
  ['state_senate_district', 'stateSenateDistrict'],
  ['state_house_district', 'stateHouseDistrict'],
  ['turnout_score', 'turnoutScore'],
  ['persuasion_score', 'persuasionScore'],
  ['contact_status', 'contactStatus'],
  ['generals_voted', 'generalsVoted'],
] as const satisfies readonly (readonly [string, keyof Voter])[];

/** A CSV cell (RFC 4180); a leading =, +, - or @ is prefixed with ' so spreadsheets never run it as a formula. */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const EXPORT_BATCH = 5000;

/**
 * The voters matching `filter` as CSV, read in keyset batches (each a short read of its own in the org's context)
 * as the client takes them: memory stays flat whatever the segment's size.
 */
export function exportVoters(
  db: Database,
  ctx: { orgId: string; userId: string },
  campaignId: string,
  filter: SegmentFilter,
): Readable {
  async function* rows() {
    yield EXPORT_COLUMNS.map(([h]) => h).join(',') + ',votes\r\n';
    let cursor: string | undefined;
    do {
      const page = await db.read(ctx, (tx) =>
        pageVoters(tx, ctx.orgId, campaignId, filter, { limit: EXPORT_BATCH, cursor, cursorField: 'cursor' }),
      );
      let out = '';
      for (const v of page.items)
        out += EXPORT_COLUMNS.map(([, k]) => cell(v[k])).join(',') + ',' + cell(v.votes.join(' ')) + '\r\n';
      yield out;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return Readable.from(rows());
}

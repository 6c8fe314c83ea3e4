/**
 * Turfs and walk lists. A turf's voters are the campaign's voters in its precincts or ZIP codes, narrowed by the
 * segment filter it copied (compiled by voters/filter.ts). The walk list groups them into households (the same
 * normalized address and ZIP) in walking order: street, then the odd side before the even side, then house number
 * ascending; it is paged by household with a keyset cursor, so a large turf costs one index-narrowed scan per page.
 * Text sorts byte-wise (`COLLATE "C"`) whatever the database's locale, so a device builds the same list from its
 * replica (packages/sync/src/walk.ts).
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type {
  CreateTurfBody,
  Household,
  Page,
  SegmentFilter,
  Turf,
  TurfProgress,
  UpdateTurfBody,
  WalkVoter,
} from '@akashic/contracts';
import type { Database, Tx } from '../../../db/index.js';
import { isoTimestamp, keysetPage } from '../../../db/keyset.js';
import { AppError, notFound, staleVersion } from '../../../platform/errors.js';
import { recorder, type Recorder } from '../campaigns.js';
import { compileFilter } from '../voters/filter.js';
import { cell, readSegment } from '../voters/voters.js';
import { CANVASS_COLUMNS } from './canvass.js';

export const TURF_COLUMNS = `t.id, t.campaign_id AS "campaignId", t.name, t.precincts, t.zips, t.segment_id AS "segmentId",
  t.filter, t.assigned_to AS "assignedTo", t.created_by AS "createdBy", ${isoTimestamp('t.created_at')} AS "createdAt",
  ${isoTimestamp('t.updated_at')} AS "updatedAt", t.version`;

const recordTurf = recorder('field_turf', (t: Turf) => t);

export async function readTurf(tx: Tx, orgId: string, campaignId: string, id: string, lock = false): Promise<Turf> {
  const r = await tx.client.query<Turf>(
    `SELECT ${TURF_COLUMNS} FROM field_turfs t WHERE t.org_id = $1 AND t.campaign_id = $2 AND t.id = $3${lock ? ' FOR UPDATE' : ''}`,
    [orgId, campaignId, id],
  );
  if (!r.rows[0]) throw notFound('Turf');
  return r.rows[0];
}

export function listTurfs(tx: Tx, orgId: string, campaignId: string, q: { limit: number; cursor?: string }) {
  return keysetPage<Turf>(tx, {
    columns: TURF_COLUMNS,
    from: 'field_turfs t',
    where: 't.org_id = $1 AND t.campaign_id = $2',
    params: [orgId, campaignId],
    key: { column: 't.created_at', type: 'timestamptz' },
    id: 't.id',
    limit: q.limit,
    cursor: q.cursor,
  });
}

/** The canvasser must be on the campaign's team. */
async function checkAssignee(tx: Tx, orgId: string, campaignId: string, userId: string | null | undefined) {
  if (!userId) return;
  const r = await tx.client.query(
    'SELECT 1 FROM campaign_team WHERE org_id = $1 AND campaign_id = $2 AND user_id = $3',
    [orgId, campaignId, userId],
  );
  if (!r.rowCount)
    throw new AppError('validation_failed', 'The canvasser must be on the campaign’s team', {
      fields: [{ field: 'body.assignedTo', message: 'is not on this campaign’s team' }],
    });
}

/** The filter of the segment named (copied into the turf), or null. */
async function segmentFilter(tx: Tx, orgId: string, campaignId: string, segmentId: string | null | undefined) {
  if (!segmentId) return null;
  try {
    return (await readSegment(tx, orgId, campaignId, segmentId)).filter;
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found')
      throw new AppError('validation_failed', 'The segment is not one of this campaign’s', {
        fields: [{ field: 'body.segmentId', message: 'no such segment in this campaign' }],
      });
    throw err;
  }
}

const unique = (xs: string[] | undefined) => [...new Set(xs ?? [])];

export async function createTurf(
  tx: Tx,
  orgId: string,
  userId: string,
  campaignId: string,
  body: CreateTurfBody,
  record: Recorder,
): Promise<Turf> {
  await checkAssignee(tx, orgId, campaignId, body.assignedTo);
  const filter = await segmentFilter(tx, orgId, campaignId, body.segmentId);
  const id = randomUUID();
  await tx.client.query(
    `INSERT INTO field_turfs (id, org_id, campaign_id, name, precincts, zips, segment_id, filter, assigned_to, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      id,
      orgId,
      campaignId,
      body.name,
      unique(body.precincts),
      unique(body.zips),
      body.segmentId ?? null,
      filter && JSON.stringify(filter),
      body.assignedTo ?? null,
      userId,
    ],
  );
  const t = await readTurf(tx, orgId, campaignId, id);
  await recordTurf(record, 'turf.created', id, { after: t });
  return t;
}

export async function updateTurf(
  tx: Tx,
  orgId: string,
  campaignId: string,
  id: string,
  body: UpdateTurfBody,
  record: Recorder,
): Promise<Turf> {
  const before = await readTurf(tx, orgId, campaignId, id, true);
  if (before.version !== body.version) throw staleVersion('turf', body.version, before.version);
  if (body.assignedTo !== undefined) await checkAssignee(tx, orgId, campaignId, body.assignedTo);
  const precincts = body.precincts !== undefined ? unique(body.precincts) : before.precincts;
  const zips = body.zips !== undefined ? unique(body.zips) : before.zips;
  if (!precincts.length && !zips.length)
    throw new AppError('validation_failed', 'A turf needs at least one precinct or ZIP code', {
      fields: [{ field: body.precincts !== undefined ? 'body.precincts' : 'body.zips', message: 'would leave none' }],
    });
  const segmentId = body.segmentId !== undefined ? body.segmentId : before.segmentId;
  const filter =
    body.segmentId !== undefined ? await segmentFilter(tx, orgId, campaignId, body.segmentId) : before.filter;
  await tx.client.query(
    `UPDATE field_turfs SET name = $4, precincts = $5, zips = $6, segment_id = $7, filter = $8, assigned_to = $9,
       version = version + 1, updated_at = now()
     WHERE org_id = $1 AND campaign_id = $2 AND id = $3`,
    [
      orgId,
      campaignId,
      id,
      body.name ?? before.name,
      precincts,
      zips,
      segmentId,
      filter && JSON.stringify(filter),
      body.assignedTo !== undefined ? body.assignedTo : before.assignedTo,
    ],
  );
  const after = await readTurf(tx, orgId, campaignId, id);
  await recordTurf(record, before.assignedTo !== after.assignedTo ? 'turf.assigned' : 'turf.updated', id, {
    before,
    after,
  });
  return after;
}

/** Deletes the turf; events linked to it are unlinked and canvass results keep no turf (the database does both). */
export async function deleteTurf(tx: Tx, orgId: string, campaignId: string, id: string, record: Recorder) {
  const before = await readTurf(tx, orgId, campaignId, id, true);
  await tx.client.query('DELETE FROM field_turfs WHERE org_id = $1 AND campaign_id = $2 AND id = $3', [
    orgId,
    campaignId,
    id,
  ]);
  await recordTurf(record, 'turf.deleted', id, { before });
}

// ---- the turf's voters -----------------------------------------------------------------------------------------

/** The turf's voters as SQL over `v`: the segment filter's conditions, then the geography. */
export function turfVoters(orgId: string, t: Turf) {
  const f = compileFilter(orgId, t.campaignId, (t.filter ?? {}) as SegmentFilter);
  const params = [...f.params, t.precincts, t.zips];
  const n = params.length;
  return { where: `${f.where} AND (v.precinct = ANY($${n - 1}::text[]) OR v.zip = ANY($${n}::text[]))`, params };
}

/**
 * Walking keys of a voter row `v`: the normalized address (upper case, single spaces), the house number (leading
 * digits), the street (without the number and any unit), the side (0 odd, 1 even, 2 no number) and the household.
 */
export const NORM = `upper(regexp_replace(btrim(coalesce(v.address, '')), '\\s+', ' ', 'g'))`;
const WALK_KEYS = `${NORM} AS norm,
  CASE WHEN ${NORM} ~ '^[0-9]{1,9}([^0-9]|$)' THEN substring(${NORM} from '^([0-9]{1,9})')::int END AS num,
  btrim(regexp_replace(regexp_replace(${NORM}, '^[0-9]+[A-Z]?(-[0-9A-Z]+)? ?', ''),
    ' ?(\\m(APT|UNIT|STE|SUITE|LOT|RM)\\M|#).*$', '')) COLLATE "C" AS street,
  ${NORM} || '|' || coalesce(v.zip, '') COLLATE "C" AS hh`;

/** The sort columns of a household, in walking order. */
const ORDER = `street, side, coalesce(num, 2147483647), hh`;

interface Cursor {
  street: string;
  side: number;
  num: number;
  hh: string;
}

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.street, c.side, c.num, c.hh])).toString('base64url');

function decodeCursor(cursor: string): Cursor {
  try {
    const [street, side, num, hh] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof street === 'string' && typeof hh === 'string' && Number.isInteger(side) && Number.isInteger(num)) {
      const c = { street, side: side as number, num: num as number, hh };
      if (encodeCursor(c) === cursor) return c;
    }
  } catch {
    // falls through to the refusal
  }
  throw new AppError('validation_failed', 'The cursor is not one this API returned', {
    fields: [{ field: 'query.cursor', message: 'invalid cursor' }],
  });
}

/** One page of the turf's households in walking order, each with its voters and their latest canvass result. */
export async function walkList(
  tx: Tx,
  orgId: string,
  turf: Turf,
  q: { limit: number; cursor?: string | undefined },
): Promise<Page<Household>> {
  const base = turfVoters(orgId, turf);
  const params = [...base.params];
  let after = '';
  if (q.cursor !== undefined) {
    const c = decodeCursor(q.cursor);
    params.push(c.street, c.side, c.num, c.hh);
    const n = params.length;
    after = `WHERE (${ORDER}) > ($${n - 3}::text COLLATE "C", $${n - 2}::int, $${n - 1}::int, $${n}::text COLLATE "C")`;
  }
  params.push(q.limit + 1);
  const households = await tx.client.query<{
    hh: string;
    street: string;
    side: number;
    num: number | null;
    address: string;
    zip: string | null;
  }>(
    `SELECT hh, street, side, num, address, zip FROM (
       SELECT hh, street, num, CASE WHEN num IS NULL THEN 2 ELSE num % 2 # 1 END AS side,
              min(address COLLATE "C") AS address, min(zip COLLATE "C") AS zip
         FROM (SELECT ${WALK_KEYS}, v.address, v.zip FROM voters v WHERE ${base.where}) w
        GROUP BY hh, street, num) h
     ${after}
     ORDER BY ${ORDER} LIMIT $${params.length}`,
    params,
  );
  const more = households.rows.length > q.limit;
  const page = households.rows.slice(0, q.limit);
  if (!page.length) return { items: [], nextCursor: null };
  const vp = [...base.params, page.map((h) => h.hh)];
  const voters = await tx.client.query<WalkVoter & { hh: string }>(
    `SELECT w.hh, w.id, w.voter_id AS "voterId", w.first_name AS "firstName", w.last_name AS "lastName",
            w.birth_year AS "birthYear", w.party, w.contact_status AS "contactStatus",
            (SELECT row_to_json(x) FROM (SELECT ${CANVASS_COLUMNS} FROM canvass_results r
               WHERE r.org_id = $1 AND r.voter_id = w.id ORDER BY r.recorded_at DESC, r.id DESC LIMIT 1) x) AS latest
       FROM (SELECT ${WALK_KEYS}, v.* FROM voters v WHERE ${base.where}) w
      WHERE w.hh = ANY($${vp.length}::text[])
      ORDER BY w.last_name COLLATE "C", w.first_name COLLATE "C", w.id`,
    vp,
  );
  const byHousehold = new Map<string, WalkVoter[]>();
  for (const { hh, ...v } of voters.rows) {
    const list = byHousehold.get(hh) ?? [];
    list.push(v);
    byHousehold.set(hh, list);
  }
  const last = page[page.length - 1]!;
  return {
    items: page.map((h) => ({
      key: h.hh,
      address: h.address ?? '',
      street: h.street,
      houseNumber: h.num,
      zip: h.zip,
      voters: byHousehold.get(h.hh) ?? [],
    })),
    nextCursor: more
      ? encodeCursor({ street: last.street, side: last.side, num: last.num ?? 2147483647, hh: last.hh })
      : null,
  };
}

/**
 * Doors (households) and voters of the turf: attempted (any canvass result), contacted (a result with outcome
 * contacted) and remaining (not attempted yet).
 */
export async function turfProgress(tx: Tx, orgId: string, turf: Turf): Promise<TurfProgress> {
  const base = turfVoters(orgId, turf);
  const r = await tx.client.query<Omit<TurfProgress, 'doorsRemaining' | 'votersRemaining'>>(
    `SELECT count(DISTINCT hh)::int AS doors,
            count(DISTINCT hh) FILTER (WHERE attempted)::int AS "doorsAttempted",
            count(DISTINCT hh) FILTER (WHERE contacted)::int AS "doorsContacted",
            count(*)::int AS voters,
            count(*) FILTER (WHERE attempted)::int AS "votersAttempted",
            count(*) FILTER (WHERE contacted)::int AS "votersContacted"
       FROM (SELECT ${NORM} || '|' || coalesce(v.zip, '') AS hh,
                    EXISTS (SELECT 1 FROM canvass_results r WHERE r.org_id = $1 AND r.voter_id = v.id) AS attempted,
                    EXISTS (SELECT 1 FROM canvass_results r WHERE r.org_id = $1 AND r.voter_id = v.id
                              AND r.outcome = 'contacted') AS contacted
               FROM voters v WHERE ${base.where}) x`,
    base.params,
  );
  const p = r.rows[0]!;
  return {
    ...p,
    doorsRemaining: p.doors - p.doorsAttempted,
    votersRemaining: p.voters - p.votersAttempted,
  };
}

// ---- CSV -------------------------------------------------------------------------------------------------------

const CSV_HEADER =
  'door,address,zip,voter_id,first_name,last_name,birth_year,party,contact_status,last_outcome,last_support_level,last_recorded_at\r\n';

/** The walk list as CSV in walking order, read a page of households at a time as the client takes it. */
export function exportWalkList(db: Database, ctx: { orgId: string; userId: string }, turf: Turf): Readable {
  async function* rows() {
    yield CSV_HEADER;
    let cursor: string | undefined;
    let door = 0;
    do {
      const page = await db.read(ctx, (tx) => walkList(tx, ctx.orgId, turf, { limit: 500, cursor }));
      let out = '';
      for (const h of page.items) {
        door++;
        for (const v of h.voters)
          out +=
            [
              door,
              h.address,
              h.zip,
              v.voterId,
              v.firstName,
              v.lastName,
              v.birthYear,
              v.party,
              v.contactStatus,
              v.latest?.outcome,
              v.latest?.supportLevel,
              v.latest?.recordedAt,
            ]
              .map(cell)
              .join(',') + '\r\n';
      }
      yield out;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return Readable.from(rows());
}

/**
 * Campaign events, their RSVPs and check-in. Seats are decided with the event row locked (`FOR UPDATE`), so
 * concurrent RSVPs to a full event queue on it and never overbook: a yes beyond capacity is waitlisted, and the
 * waitlist is promoted in order (`waitlisted_at`: the clock when the seat was refused, not the transaction's start,
 * so the order is the order in which RSVPs were seated or refused) whenever a seat frees.
 */
import { randomUUID } from 'node:crypto';
import {
  DEFAULT_REMINDER_OFFSETS,
  normalizePhone,
  type CancelEventBody,
  type CreateEventBody,
  type FieldEvent,
  type Page,
  type Rsvp,
  type RsvpBody,
  type UpdateEventBody,
  type WalkInBody,
} from '@akashic/contracts';
import type { QueryResultRow } from 'pg';
import type { Tx } from '../../../db/index.js';
import { isoTimestamp, keysetPage } from '../../../db/keyset.js';
import { AppError, notFound, staleVersion } from '../../../platform/errors.js';
import { recorder, type Recorder } from '../campaigns.js';

export const EVENT_COLUMNS = `e.id, e.campaign_id AS "campaignId", e.title, e.kind, e.description,
  ${isoTimestamp('e.starts_at')} AS "startsAt", ${isoTimestamp('e.ends_at')} AS "endsAt", e.time_zone AS "timeZone",
  json_build_object('name', e.place_name, 'address', e.place_address, 'lat', e.lat, 'lng', e.lng) AS place,
  e.capacity, e.status, e.cancel_reason AS "cancelReason", e.turf_id AS "turfId",
  e.reminder_offsets AS "reminderOffsets",
  (SELECT json_build_object(
      'confirmed', count(*) FILTER (WHERE r.seat = 'confirmed'),
      'waitlisted', count(*) FILTER (WHERE r.seat = 'waitlisted'),
      'maybe', count(*) FILTER (WHERE r.response = 'maybe'),
      'declined', count(*) FILTER (WHERE r.response = 'no'),
      'checkedIn', count(*) FILTER (WHERE r.checked_in_at IS NOT NULL),
      'walkIns', count(*) FILTER (WHERE r.walk_in))
     FROM field_rsvps r WHERE r.org_id = e.org_id AND r.event_id = e.id) AS counts,
  e.created_by AS "createdBy", ${isoTimestamp('e.created_at')} AS "createdAt",
  ${isoTimestamp('e.updated_at')} AS "updatedAt", e.version`;

const EVENT: RowSpec = {
  table: 'field_events',
  alias: 'e',
  columns: EVENT_COLUMNS,
  parent: 'campaign_id',
  what: 'Event',
};

const recordEvent = recorder('field_event', (e: FieldEvent) => e);
const recordRsvp = recorder('field_rsvp', (r: Rsvp) => r);

export async function readEvent(
  tx: Tx,
  orgId: string,
  campaignId: string,
  id: string,
  lock = false,
): Promise<FieldEvent> {
  return readRow<FieldEvent>(tx, EVENT, [orgId, campaignId, id], lock);
}

/** A row of `field_events` (parent: its campaign) or `field_rsvps` (parent: its event), as its API shape. */
interface RowSpec {
  table: 'field_events' | 'field_rsvps';
  alias: string;
  columns: string;
  parent: 'campaign_id' | 'event_id';
  /** What a missing row is called in the 404. */
  what: string;
}

/**
 * One row by (org, parent, id), locked first when asked. Two statements: the columns read other rows (counts,
 * waitlist positions), which `FOR UPDATE` cannot lock, and under READ COMMITTED the read after the lock sees what
 * the lock's previous holder committed.
 */
async function readRow<T extends QueryResultRow>(
  tx: Tx,
  spec: RowSpec,
  [orgId, parentId, id]: [string, string, string],
  lock: boolean,
): Promise<T> {
  const where = (a: string) => `${a}org_id = $1 AND ${a}${spec.parent} = $2 AND ${a}id = $3`;
  const values = [orgId, parentId, id];
  if (lock) await tx.client.query(`SELECT 1 FROM ${spec.table} WHERE ${where('')} FOR UPDATE`, values);
  const r = await tx.client.query<T>(
    `SELECT ${spec.columns} FROM ${spec.table} ${spec.alias} WHERE ${where(`${spec.alias}.`)}`,
    values,
  );
  if (!r.rows[0]) throw notFound(spec.what);
  return r.rows[0];
}

export function listEvents(
  tx: Tx,
  orgId: string,
  campaignId: string,
  q: { when: 'upcoming' | 'past' | 'all'; limit: number; cursor?: string | undefined },
): Promise<Page<FieldEvent>> {
  const when = { all: '', upcoming: ' AND e.ends_at > now()', past: ' AND e.ends_at <= now()' }[q.when];
  return keysetPage<FieldEvent>(tx, {
    columns: EVENT_COLUMNS,
    from: 'field_events e',
    where: `e.org_id = $1 AND e.campaign_id = $2${when}`,
    params: [orgId, campaignId],
    key: { column: 'e.starts_at', type: 'timestamptz' },
    id: 'e.id',
    ascending: q.when === 'upcoming',
    limit: q.limit,
    cursor: q.cursor,
  });
}

/** A turf named by an event must be one of the campaign's. */
async function checkTurf(tx: Tx, orgId: string, campaignId: string, turfId: string | null | undefined) {
  if (!turfId) return;
  const r = await tx.client.query('SELECT 1 FROM field_turfs WHERE org_id = $1 AND campaign_id = $2 AND id = $3', [
    orgId,
    campaignId,
    turfId,
  ]);
  if (!r.rowCount)
    throw new AppError('validation_failed', 'The turf is not one of this campaign’s', {
      fields: [{ field: 'body.turfId', message: 'no such turf in this campaign' }],
    });
}

export async function createEvent(
  tx: Tx,
  orgId: string,
  userId: string,
  campaignId: string,
  body: CreateEventBody,
  record: Recorder,
): Promise<FieldEvent> {
  await checkTurf(tx, orgId, campaignId, body.turfId);
  const id = randomUUID();
  await tx.client.query(
    `INSERT INTO field_events (id, org_id, campaign_id, title, kind, description, starts_at, ends_at, time_zone,
       place_name, place_address, lat, lng, capacity, turf_id, reminder_offsets, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
    [
      id,
      orgId,
      campaignId,
      body.title,
      body.kind,
      body.description ?? null,
      body.startsAt,
      body.endsAt,
      body.timeZone,
      body.place.name,
      body.place.address,
      body.place.lat ?? null,
      body.place.lng ?? null,
      body.capacity ?? null,
      body.turfId ?? null,
      body.reminderOffsets ?? [...DEFAULT_REMINDER_OFFSETS],
      userId,
    ],
  );
  const e = await readEvent(tx, orgId, campaignId, id);
  await recordEvent(record, 'field_event.created', id, { after: e });
  return e;
}

function refuseCancelled(e: FieldEvent) {
  if (e.status === 'cancelled') throw new AppError('conflict', 'The event is cancelled: it no longer changes');
}

export async function updateEvent(
  tx: Tx,
  orgId: string,
  campaignId: string,
  id: string,
  body: UpdateEventBody,
  record: Recorder,
): Promise<FieldEvent> {
  const before = await readEvent(tx, orgId, campaignId, id, true);
  if (before.version !== body.version) throw staleVersion('event', body.version, before.version);
  refuseCancelled(before);
  const startsAt = body.startsAt ?? before.startsAt;
  const endsAt = body.endsAt ?? before.endsAt;
  if (Date.parse(endsAt) <= Date.parse(startsAt))
    throw new AppError('validation_failed', 'The event must end after it starts', {
      fields: [{ field: body.endsAt ? 'body.endsAt' : 'body.startsAt', message: 'must end after it starts' }],
    });
  if (body.turfId !== undefined) await checkTurf(tx, orgId, campaignId, body.turfId);
  const place = body.place ?? before.place;
  await tx.client.query(
    `UPDATE field_events SET title = $4, kind = $5, description = $6, starts_at = $7, ends_at = $8, time_zone = $9,
       place_name = $10, place_address = $11, lat = $12, lng = $13, capacity = $14, turf_id = $15,
       reminder_offsets = $16, version = version + 1, updated_at = now()
     WHERE org_id = $1 AND campaign_id = $2 AND id = $3`,
    [
      orgId,
      campaignId,
      id,
      body.title ?? before.title,
      body.kind ?? before.kind,
      body.description !== undefined ? body.description : before.description,
      startsAt,
      endsAt,
      body.timeZone ?? before.timeZone,
      place.name,
      place.address,
      place.lat ?? null,
      place.lng ?? null,
      body.capacity !== undefined ? body.capacity : before.capacity,
      body.turfId !== undefined ? body.turfId : before.turfId,
      body.reminderOffsets ?? before.reminderOffsets,
    ],
  );
  // More seats (or no limit any more): the waitlist moves up.
  await promoteWaitlist(tx, orgId, id, record);
  const after = await readEvent(tx, orgId, campaignId, id);
  await recordEvent(record, 'field_event.updated', id, { before, after });
  return after;
}

/** Cancels the event; the reminder worker then sends the cancellation notice to everyone who said yes or maybe. */
export async function cancelEvent(
  tx: Tx,
  orgId: string,
  campaignId: string,
  id: string,
  body: CancelEventBody,
  record: Recorder,
): Promise<FieldEvent> {
  const before = await readEvent(tx, orgId, campaignId, id, true);
  if (before.version !== body.version) throw staleVersion('event', body.version, before.version);
  refuseCancelled(before);
  await tx.client.query(
    `UPDATE field_events SET status = 'cancelled', cancel_reason = $4, version = version + 1, updated_at = now()
      WHERE org_id = $1 AND campaign_id = $2 AND id = $3`,
    [orgId, campaignId, id, body.reason ?? null],
  );
  const after = await readEvent(tx, orgId, campaignId, id);
  await recordEvent(record, 'field_event.cancelled', id, { before, after });
  return after;
}

export async function deleteEvent(tx: Tx, orgId: string, campaignId: string, id: string, record: Recorder) {
  const before = await readEvent(tx, orgId, campaignId, id, true);
  await tx.client.query('DELETE FROM field_events WHERE org_id = $1 AND campaign_id = $2 AND id = $3', [
    orgId,
    campaignId,
    id,
  ]);
  await recordEvent(record, 'field_event.deleted', id, { before });
}

// ---- RSVPs -----------------------------------------------------------------------------------------------------

export const RSVP_COLUMNS = `r.id, r.event_id AS "eventId", r.name, r.email, r.phone, r.voter_id AS "voterId", r.response,
  r.seat,
  CASE WHEN r.seat = 'waitlisted' THEN (SELECT count(*)::int FROM field_rsvps w
    WHERE w.org_id = r.org_id AND w.event_id = r.event_id AND w.seat = 'waitlisted'
      AND (w.waitlisted_at, w.id) <= (r.waitlisted_at, r.id)) END AS "waitlistPosition",
  r.walk_in AS "walkIn", ${isoTimestamp('r.checked_in_at')} AS "checkedInAt", r.checked_in_by AS "checkedInBy",
  ${isoTimestamp('r.created_at')} AS "createdAt", ${isoTimestamp('r.updated_at')} AS "updatedAt"`;

const RSVP: RowSpec = { table: 'field_rsvps', alias: 'r', columns: RSVP_COLUMNS, parent: 'event_id', what: 'RSVP' };

export async function readRsvp(tx: Tx, orgId: string, eventId: string, id: string, lock = false): Promise<Rsvp> {
  return readRow<Rsvp>(tx, RSVP, [orgId, eventId, id], lock);
}

export function listRsvps(
  tx: Tx,
  orgId: string,
  eventId: string,
  q: { search?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<Page<Rsvp>> {
  const params: unknown[] = [orgId, eventId];
  let where = 'r.org_id = $1 AND r.event_id = $2';
  if (q.search) {
    params.push(`%${q.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const p = `$${params.length}`;
    where += ` AND (r.name ILIKE ${p} OR r.email ILIKE ${p} OR r.phone ILIKE ${p})`;
  }
  return keysetPage<Rsvp>(tx, {
    columns: RSVP_COLUMNS,
    from: 'field_rsvps r',
    where,
    params,
    key: { column: 'r.created_at', type: 'timestamptz' },
    id: 'r.id',
    limit: q.limit,
    cursor: q.cursor,
  });
}

async function seatsTaken(tx: Tx, orgId: string, eventId: string): Promise<number> {
  const r = await tx.client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM field_rsvps WHERE org_id = $1 AND event_id = $2 AND seat = 'confirmed'`,
    [orgId, eventId],
  );
  return r.rows[0]!.n;
}

/** Free seats move the waitlist up, oldest first. Call with the event row locked. */
async function promoteWaitlist(tx: Tx, orgId: string, eventId: string, record: Recorder) {
  const e = await tx.client.query<{ capacity: number | null }>(
    'SELECT capacity FROM field_events WHERE org_id = $1 AND id = $2',
    [orgId, eventId],
  );
  const capacity = e.rows[0]!.capacity;
  const free = capacity === null ? null : capacity - (await seatsTaken(tx, orgId, eventId));
  if (free !== null && free <= 0) return;
  const promoted = await tx.client.query<{ id: string }>(
    `UPDATE field_rsvps SET seat = 'confirmed', waitlisted_at = NULL, updated_at = now()
      WHERE id IN (SELECT id FROM field_rsvps WHERE org_id = $1 AND event_id = $2 AND seat = 'waitlisted'
                    ORDER BY waitlisted_at, id LIMIT $3)
      RETURNING id`,
    [orgId, eventId, free],
  );
  for (const { id } of promoted.rows) {
    const after = await readRsvp(tx, orgId, eventId, id);
    await recordRsvp(record, 'rsvp.promoted', id, { after });
  }
}

/** The voter named by an RSVP must be one of the campaign's. */
async function checkVoter(tx: Tx, orgId: string, campaignId: string, voterId: string | undefined) {
  if (!voterId) return;
  const r = await tx.client.query('SELECT 1 FROM voters WHERE org_id = $1 AND campaign_id = $2 AND id = $3', [
    orgId,
    campaignId,
    voterId,
  ]);
  if (!r.rowCount)
    throw new AppError('validation_failed', 'The voter is not in this campaign’s file', {
      fields: [{ field: 'body.voterId', message: 'no such voter in this campaign' }],
    });
}

/** Emails without case, phones as digits (with a leading +): the same person RSVPing again finds their RSVP. */
function normalizedPerson<T extends { email?: string | undefined; phone?: string | undefined }>(p: T): T {
  return {
    ...p,
    email: p.email?.trim().toLowerCase(),
    phone: p.phone === undefined ? undefined : normalizePhone(p.phone),
  };
}

/** The seat a yes gets now: kept if it had one, else confirmed while there is room, else waitlisted. */
async function seatFor(tx: Tx, orgId: string, capacity: number | null, eventId: string, current: string | null) {
  if (current === 'confirmed') return 'confirmed';
  if (capacity === null || (await seatsTaken(tx, orgId, eventId)) < capacity) return 'confirmed';
  return 'waitlisted';
}

/**
 * Records an RSVP, or updates the one with the same email or phone. The event row is locked first: seats are
 * counted and taken one RSVP at a time.
 */
export async function respond(
  tx: Tx,
  orgId: string,
  campaignId: string,
  eventId: string,
  input: RsvpBody,
  record: Recorder,
): Promise<{ rsvp: Rsvp; created: boolean }> {
  const body = normalizedPerson(input);
  const event = await readEvent(tx, orgId, campaignId, eventId, true);
  refuseCancelled(event);
  await checkVoter(tx, orgId, campaignId, body.voterId);
  const same = await tx.client.query<{ id: string; seat: string | null; waitlisted_at: Date | null }>(
    `SELECT id, seat, waitlisted_at FROM field_rsvps
      WHERE org_id = $1 AND event_id = $2 AND (email = $3 OR phone = $4) FOR UPDATE`,
    [orgId, eventId, body.email ?? null, body.phone ?? null],
  );
  if (same.rows.length > 1)
    throw new AppError('conflict', 'The email and the phone belong to two different RSVPs of this event', {
      fields: [{ field: 'body.phone', message: 'belongs to another RSVP than the email' }],
    });
  const prior = same.rows[0];
  const seat = body.response === 'yes' ? await seatFor(tx, orgId, event.capacity, eventId, prior?.seat ?? null) : null;
  const id = prior?.id ?? randomUUID();
  const before = prior ? await readRsvp(tx, orgId, eventId, id) : undefined;
  if (prior) {
    await tx.client.query(
      `UPDATE field_rsvps SET name = $4, email = coalesce($5, email), phone = coalesce($6, phone),
         voter_id = coalesce($7, voter_id), response = $8, seat = $9,
         waitlisted_at = CASE WHEN $9::text = 'waitlisted' THEN coalesce(waitlisted_at, clock_timestamp()) END, updated_at = now()
       WHERE org_id = $1 AND event_id = $2 AND id = $3`,
      [
        orgId,
        eventId,
        id,
        body.name,
        body.email ?? null,
        body.phone ?? null,
        body.voterId ?? null,
        body.response,
        seat,
      ],
    );
  } else {
    await tx.client.query(
      `INSERT INTO field_rsvps (id, org_id, campaign_id, event_id, name, email, phone, voter_id, response, seat,
         waitlisted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $10::text = 'waitlisted' THEN clock_timestamp() END)`,
      [
        id,
        orgId,
        campaignId,
        eventId,
        body.name,
        body.email ?? null,
        body.phone ?? null,
        body.voterId ?? null,
        body.response,
        seat,
      ],
    );
  }
  const rsvp = await readRsvp(tx, orgId, eventId, id);
  await recordRsvp(record, prior ? 'rsvp.updated' : 'rsvp.created', id, { before, after: rsvp });
  if (prior?.seat === 'confirmed' && seat !== 'confirmed') await promoteWaitlist(tx, orgId, eventId, record);
  return { rsvp, created: !prior };
}

export async function deleteRsvp(
  tx: Tx,
  orgId: string,
  campaignId: string,
  eventId: string,
  id: string,
  record: Recorder,
) {
  await readEvent(tx, orgId, campaignId, eventId, true);
  const before = await readRsvp(tx, orgId, eventId, id, true);
  await tx.client.query('DELETE FROM field_rsvps WHERE org_id = $1 AND event_id = $2 AND id = $3', [
    orgId,
    eventId,
    id,
  ]);
  await recordRsvp(record, 'rsvp.deleted', id, { before });
  if (before.seat === 'confirmed') await promoteWaitlist(tx, orgId, eventId, record);
}

/**
 * Checks a person in. Someone without a seat (maybe, no, waitlisted) who turns up takes a free seat as a yes; with
 * none free the check-in is refused (409), so attendance never exceeds capacity.
 */
export async function checkIn(
  tx: Tx,
  orgId: string,
  userId: string,
  campaignId: string,
  eventId: string,
  id: string,
  record: Recorder,
): Promise<Rsvp> {
  const event = await readEvent(tx, orgId, campaignId, eventId, true);
  refuseCancelled(event);
  const before = await readRsvp(tx, orgId, eventId, id, true);
  if (before.checkedInAt) return before;
  if (before.seat !== 'confirmed' && (await seatFor(tx, orgId, event.capacity, eventId, null)) !== 'confirmed')
    throw new AppError('conflict', 'The event is full: no seat is free for this person');
  await tx.client.query(
    `UPDATE field_rsvps SET response = 'yes', seat = 'confirmed', waitlisted_at = NULL, checked_in_at = now(),
       checked_in_by = $4, updated_at = now()
     WHERE org_id = $1 AND event_id = $2 AND id = $3`,
    [orgId, eventId, id, userId],
  );
  const after = await readRsvp(tx, orgId, eventId, id);
  await recordRsvp(record, 'rsvp.checked_in', id, { before, after });
  return after;
}

/** Undoes a check-in (a mistaken tap): the person keeps their RSVP and seat. */
export async function undoCheckIn(
  tx: Tx,
  orgId: string,
  campaignId: string,
  eventId: string,
  id: string,
  record: Recorder,
): Promise<Rsvp> {
  await readEvent(tx, orgId, campaignId, eventId, true);
  const before = await readRsvp(tx, orgId, eventId, id, true);
  if (!before.checkedInAt) return before;
  await tx.client.query(
    `UPDATE field_rsvps SET checked_in_at = NULL, checked_in_by = NULL, updated_at = now()
      WHERE org_id = $1 AND event_id = $2 AND id = $3`,
    [orgId, eventId, id],
  );
  const after = await readRsvp(tx, orgId, eventId, id);
  await recordRsvp(record, 'rsvp.check_in_undone', id, { before, after });
  return after;
}

/** Someone who turns up without an RSVP: checked in on a free seat (refused when the event is full). */
export async function walkIn(
  tx: Tx,
  orgId: string,
  userId: string,
  campaignId: string,
  eventId: string,
  input: WalkInBody,
  record: Recorder,
): Promise<Rsvp> {
  const body = normalizedPerson(input);
  const event = await readEvent(tx, orgId, campaignId, eventId, true);
  refuseCancelled(event);
  await checkVoter(tx, orgId, campaignId, body.voterId);
  if (body.email || body.phone) {
    const same = await tx.client.query(
      `SELECT 1 FROM field_rsvps WHERE org_id = $1 AND event_id = $2 AND (email = $3 OR phone = $4)`,
      [orgId, eventId, body.email ?? null, body.phone ?? null],
    );
    if (same.rowCount)
      throw new AppError('conflict', 'This person already has an RSVP: check that one in', {
        fields: [{ field: body.email ? 'body.email' : 'body.phone', message: 'already has an RSVP for this event' }],
      });
  }
  if ((await seatFor(tx, orgId, event.capacity, eventId, null)) !== 'confirmed')
    throw new AppError('conflict', 'The event is full: no seat is free for a walk-in');
  const id = randomUUID();
  await tx.client.query(
    `INSERT INTO field_rsvps (id, org_id, campaign_id, event_id, name, email, phone, voter_id, response, seat, walk_in,
       checked_in_at, checked_in_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'yes', 'confirmed', true, now(), $9)`,
    [id, orgId, campaignId, eventId, body.name, body.email ?? null, body.phone ?? null, body.voterId ?? null, userId],
  );
  const after = await readRsvp(tx, orgId, eventId, id);
  await recordRsvp(record, 'rsvp.walked_in', id, { after });
  return after;
}

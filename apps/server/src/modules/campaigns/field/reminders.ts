/**
 * Event reminders, sent by the worker role. An RSVP (yes with a seat, or maybe) of a scheduled event gets one e-mail
 * per reminder offset as it comes due: when several are due at once (an RSVP made late), only the nearest to the
 * start is sent. Everyone who said yes (waitlist included) or maybe to a cancelled event that has not started gets
 * one cancellation notice instead. SMS is not configured in this product: a phone-only RSVP gets a `skipped`
 * delivery saying so.
 *
 * Exactly once per (RSVP, kind, offset, event start: a rescheduled event's reminders are due again): each delivery is its own transaction, which locks the RSVP (SKIP LOCKED:
 * another worker moves on), re-checks that the delivery is still due, and inserts its row under a unique key before
 * sending; a send failure rolls the row back and the next tick retries. (A crash between the SMTP hand-off and the
 * commit would send again on the next tick: the one window no database can close.)
 */
import type { Logger } from 'pino';
import type { Database, Tx } from '../../../db/index.js';
import { isoTimestamp, keysetPage } from '../../../db/keyset.js';
import { recordChange } from '../../../platform/audit/record.js';
import type { Mailer } from '../../../platform/mail/mailer.js';
import type { ReminderDelivery } from '@akashic/contracts';

/** The due (RSVP, kind, offset) conditions over `r` (field_rsvps) joined to `e` (its event); as in drizzle/0015. */
const DUE = `e.starts_at > now()
  AND (r.response = 'maybe' OR r.seat = 'confirmed' OR (e.status = 'cancelled' AND r.seat = 'waitlisted'))
  AND ((e.status = 'cancelled' AND NOT EXISTS (SELECT 1 FROM field_reminder_deliveries d
                                                WHERE d.rsvp_id = r.id AND d.kind = 'cancellation'))
    OR (e.status = 'scheduled' AND due.offset_minutes IS NOT NULL
        AND NOT EXISTS (SELECT 1 FROM field_reminder_deliveries d
                         WHERE d.rsvp_id = r.id AND d.kind = 'reminder' AND d.offset_minutes = due.offset_minutes
                           AND d.event_starts_at = e.starts_at)))`;

const DUE_FROM = `field_rsvps r JOIN field_events e ON e.org_id = r.org_id AND e.id = r.event_id
  LEFT JOIN LATERAL (SELECT min(o) AS offset_minutes FROM unnest(e.reminder_offsets) o
                      WHERE e.starts_at - make_interval(mins => o) <= now()) due ON true`;

interface Due {
  rsvpId: string;
  campaignId: string;
  eventId: string;
  name: string;
  email: string | null;
  kind: 'reminder' | 'cancellation';
  offsetMinutes: number;
  title: string;
  startsAt: Date;
  timeZone: string;
  placeName: string;
  placeAddress: string;
  cancelReason: string | null;
}

const DUE_COLUMNS = `r.id AS "rsvpId", r.campaign_id AS "campaignId", r.event_id AS "eventId", r.name, r.email,
  CASE WHEN e.status = 'cancelled' THEN 'cancellation' ELSE 'reminder' END AS kind,
  CASE WHEN e.status = 'cancelled' THEN 0 ELSE due.offset_minutes END AS "offsetMinutes",
  e.title, e.starts_at AS "startsAt", e.time_zone AS "timeZone", e.place_name AS "placeName",
  e.place_address AS "placeAddress", e.cancel_reason AS "cancelReason"`;

export const SMS_NOT_CONFIGURED = 'SMS is not configured: an RSVP with a phone only gets no reminder';

function messageFor(d: Due) {
  const when = new Intl.DateTimeFormat('en-US', {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    year: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZone: d.timeZone,
    timeZoneName: 'short',
  }).format(d.startsAt);
  const where = `${d.placeName}, ${d.placeAddress}`;
  if (d.kind === 'cancellation')
    return {
      subject: `Cancelled: ${d.title}`,
      text:
        `Hello ${d.name},\n\n"${d.title}" on ${when} at ${where} has been cancelled.` +
        (d.cancelReason ? `\n\n${d.cancelReason}` : '') +
        '\n\nWe are sorry for the change of plans.\n',
    };
  return {
    subject: `Reminder: ${d.title}, ${when}`,
    text: `Hello ${d.name},\n\nA reminder that "${d.title}" starts ${when}.\nWhere: ${where}\n\nSee you there!\n`,
  };
}

/** Sends one due delivery in `tx` if it is still due and no other worker holds it; whether anything was written. */
async function deliverOne(tx: Tx, orgId: string, rsvpId: string, mailer: Mailer): Promise<'sent' | 'skipped' | null> {
  const r = await tx.client.query<Due>(
    `SELECT ${DUE_COLUMNS} FROM ${DUE_FROM} WHERE r.org_id = $1 AND r.id = $2 AND ${DUE} FOR UPDATE OF r SKIP LOCKED`,
    [orgId, rsvpId],
  );
  const d = r.rows[0];
  if (!d) return null;
  const status = d.email ? 'sent' : 'skipped';
  const inserted = await tx.client.query<{ id: string }>(
    `INSERT INTO field_reminder_deliveries (id, org_id, campaign_id, event_id, rsvp_id, kind, offset_minutes,
       event_starts_at, status, detail, to_address)
     VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6,
             (SELECT starts_at FROM field_events WHERE org_id = $1 AND id = $3), $7, $8, $9)
     ON CONFLICT (rsvp_id, kind, offset_minutes, event_starts_at) DO NOTHING RETURNING id`,
    [
      orgId,
      d.campaignId,
      d.eventId,
      d.rsvpId,
      d.kind,
      d.offsetMinutes,
      status,
      d.email ? null : SMS_NOT_CONFIGURED,
      d.email,
    ],
  );
  const id = inserted.rows[0]?.id;
  if (!id) return null;
  if (d.email) await mailer.send({ to: d.email, ...messageFor(d) });
  await recordChange(tx, {
    orgId,
    actor: { type: 'system', id: null, label: 'reminder worker' },
    module: 'campaigns',
    action: d.kind === 'cancellation' ? 'field_reminder.cancellation_sent' : `field_reminder.${status}`,
    target: { type: 'field_rsvp', id: d.rsvpId },
    after: { deliveryId: id, eventId: d.eventId, kind: d.kind, offsetMinutes: d.offsetMinutes, status },
  });
  return status;
}

/** One pass over every organization with something due. */
export async function sendDueReminders(db: Database, mailer: Mailer): Promise<{ sent: number; skipped: number }> {
  const n = { sent: 0, skipped: 0 };
  const orgs = await db.pool.query<{ org: string }>('SELECT field_reminder_orgs() AS org');
  for (const { org } of orgs.rows) {
    const due = await db.transaction({ orgId: org }, (tx) =>
      tx.client.query<{ id: string }>(`SELECT r.id FROM ${DUE_FROM} WHERE r.org_id = $1 AND ${DUE} LIMIT 1000`, [org]),
    );
    for (const { id } of due.rows) {
      const done = await db.transaction({ orgId: org }, (tx) => deliverOne(tx, org, id, mailer));
      if (done) n[done]++;
    }
  }
  return n;
}

export interface Worker {
  stop(): Promise<void>;
}

/** Runs a pass now and then every `intervalMs`; failures are logged and retried on the next pass. */
export function startReminderWorker(db: Database, mailer: Mailer, log: Logger, intervalMs = 60_000): Worker {
  let running: Promise<void> = Promise.resolve();
  let busy = false;
  const tick = () => {
    if (busy) return;
    busy = true;
    running = sendDueReminders(db, mailer)
      .then((n) => {
        if (n.sent || n.skipped) log.info({ reminders: n }, 'field: event reminders delivered');
      })
      .catch((err: Error) => log.warn({ err: err.message }, 'field: reminder pass failed'))
      .finally(() => {
        busy = false;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

/** The event's delivery log, newest first. */
export function listDeliveries(tx: Tx, orgId: string, eventId: string, q: { limit: number; cursor?: string }) {
  return keysetPage<ReminderDelivery>(tx, {
    columns: `d.id, d.rsvp_id AS "rsvpId", d.kind, d.offset_minutes AS "offsetMinutes", d.channel, d.status, d.detail,
      d.to_address AS "to", ${isoTimestamp('d.at')} AS "at"`,
    from: 'field_reminder_deliveries d',
    where: 'd.org_id = $1 AND d.event_id = $2',
    params: [orgId, eventId],
    key: { column: 'd.at', type: 'timestamptz' },
    id: 'd.id',
    limit: q.limit,
    cursor: q.cursor,
  });
}

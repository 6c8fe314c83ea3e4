import {
  CANVASS_OUTCOMES,
  EVENT_KINDS,
  EVENT_STATUSES,
  REMINDER_KINDS,
  REMINDER_STATUSES,
  RSVP_RESPONSES,
  RSVP_SEATS,
} from '@akashic/contracts';
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../../db/rls.js';
import { users } from '../../../platform/identity/schema.js';
import { campaigns } from '../schema.js';
import { voterContacts, voters } from '../voters/schema.js';

const oneOf = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

const campaignFk = (name: string, t: { orgId: never; campaignId: never }) =>
  foreignKey({ name, columns: [t.orgId, t.campaignId], foreignColumns: [campaigns.orgId, campaigns.id] }).onDelete(
    'cascade',
  );

/**
 * Turfs: a campaign's voters in some precincts and/or ZIP codes, optionally narrowed by a saved segment's filter
 * (copied when set, so the turf does not change under the canvasser when the segment is edited).
 */
export const fieldTurfs = pgTable(
  'field_turfs',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    name: text('name').notNull(),
    precincts: text('precincts')
      .array()
      .notNull()
      .default(sql`'{}'`),
    zips: text('zips')
      .array()
      .notNull()
      .default(sql`'{}'`),
    segmentId: uuid('segment_id'),
    filter: jsonb('filter'),
    assignedTo: uuid('assigned_to').references(() => users.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    unique('field_turfs_org_campaign_id_key').on(t.orgId, t.campaignId, t.id),
    campaignFk('field_turfs_campaign_fk', t as never),
    index('field_turfs_campaign_idx').on(t.orgId, t.campaignId, t.createdAt.desc(), t.id.desc()),
    check('field_turfs_geography_check', sql`cardinality(${t.precincts}) + cardinality(${t.zips}) > 0`),
    tenantPolicy('field_turfs'),
  ],
).enableRLS();

/** Campaign events. Times are instants; `time_zone` is where the event happens (for display and reminders). */
export const fieldEvents = pgTable(
  'field_events',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    title: text('title').notNull(),
    kind: text('kind').notNull(),
    description: text('description'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    timeZone: text('time_zone').notNull(),
    placeName: text('place_name').notNull(),
    placeAddress: text('place_address').notNull(),
    lat: doublePrecision('lat'),
    lng: doublePrecision('lng'),
    capacity: integer('capacity'),
    status: text('status').notNull().default('scheduled'),
    cancelReason: text('cancel_reason'),
    /** The domain checks the turf is the campaign's; deleting it unlinks the event. */
    turfId: uuid('turf_id').references(() => fieldTurfs.id, { onDelete: 'set null' }),
    reminderOffsets: integer('reminder_offsets')
      .array()
      .notNull()
      .default(sql`'{1440,120}'`),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    unique('field_events_org_campaign_id_key').on(t.orgId, t.campaignId, t.id),
    campaignFk('field_events_campaign_fk', t as never),
    index('field_events_campaign_idx').on(t.orgId, t.campaignId, t.startsAt.desc(), t.id.desc()),
    // The reminder worker looks for events starting soon, and cancelled ones.
    index('field_events_starts_idx').on(t.startsAt),
    check('field_events_kind_check', sql`${t.kind} IN (${oneOf(EVENT_KINDS)})`),
    check('field_events_status_check', sql`${t.status} IN (${oneOf(EVENT_STATUSES)})`),
    check('field_events_time_check', sql`${t.endsAt} > ${t.startsAt}`),
    check('field_events_capacity_check', sql`${t.capacity} > 0`),
    check('field_events_lat_check', sql`${t.lat} BETWEEN -90 AND 90`),
    check('field_events_lng_check', sql`${t.lng} BETWEEN -180 AND 180`),
    tenantPolicy('field_events'),
  ],
).enableRLS();

/**
 * RSVPs to an event, one per email and one per phone. A yes holds a seat (`confirmed`) or waits for one
 * (`waitlisted`, in `waitlisted_at` order); seats are decided with the event row locked, so they never overbook.
 */
export const fieldRsvps = pgTable(
  'field_rsvps',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    eventId: uuid('event_id').notNull(),
    name: text('name').notNull(),
    email: text('email'),
    phone: text('phone'),
    voterId: uuid('voter_id'),
    response: text('response').notNull(),
    seat: text('seat'),
    waitlistedAt: timestamp('waitlisted_at', { withTimezone: true }),
    walkIn: boolean('walk_in').notNull().default(false),
    checkedInAt: timestamp('checked_in_at', { withTimezone: true }),
    checkedInBy: uuid('checked_in_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('field_rsvps_org_campaign_id_key').on(t.orgId, t.campaignId, t.id),
    foreignKey({
      name: 'field_rsvps_event_fk',
      columns: [t.orgId, t.campaignId, t.eventId],
      foreignColumns: [fieldEvents.orgId, fieldEvents.campaignId, fieldEvents.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'field_rsvps_voter_fk',
      columns: [t.orgId, t.campaignId, t.voterId],
      foreignColumns: [voters.orgId, voters.campaignId, voters.id],
    }).onDelete('cascade'),
    uniqueIndex('field_rsvps_email_key')
      .on(t.eventId, t.email)
      .where(sql`${t.email} IS NOT NULL`),
    uniqueIndex('field_rsvps_phone_key')
      .on(t.eventId, t.phone)
      .where(sql`${t.phone} IS NOT NULL`),
    index('field_rsvps_event_idx').on(t.eventId, t.createdAt, t.id),
    check('field_rsvps_response_check', sql`${t.response} IN (${oneOf(RSVP_RESPONSES)})`),
    check(
      'field_rsvps_seat_check',
      sql`(${t.response} = 'yes') = (${t.seat} IS NOT NULL) AND (${t.seat} IS NULL OR ${t.seat} IN (${oneOf(RSVP_SEATS)}))`,
    ),
    check('field_rsvps_waitlist_check', sql`(${t.seat} = 'waitlisted') = (${t.waitlistedAt} IS NOT NULL)`),
    check('field_rsvps_reachable_check', sql`${t.email} IS NOT NULL OR ${t.phone} IS NOT NULL OR ${t.walkIn}`),
    tenantPolicy('field_rsvps'),
  ],
).enableRLS();

/**
 * What the reminder worker did for an RSVP: one row per (RSVP, kind, offset, event start), written in the transaction that
 * sends, so a second worker (or a retry) finds it and sends nothing.
 */
export const fieldReminderDeliveries = pgTable(
  'field_reminder_deliveries',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    eventId: uuid('event_id').notNull(),
    rsvpId: uuid('rsvp_id').notNull(),
    kind: text('kind').notNull(),
    offsetMinutes: integer('offset_minutes').notNull(),
    /** The start the reminder was for: a rescheduled event's reminders are due again. */
    eventStartsAt: timestamp('event_starts_at', { withTimezone: true }).notNull(),
    channel: text('channel').notNull().default('email'),
    status: text('status').notNull(),
    detail: text('detail'),
    toAddress: text('to_address'),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: 'field_reminder_deliveries_rsvp_fk',
      columns: [t.orgId, t.campaignId, t.rsvpId],
      foreignColumns: [fieldRsvps.orgId, fieldRsvps.campaignId, fieldRsvps.id],
    }).onDelete('cascade'),
    unique('field_reminder_deliveries_once_key').on(t.rsvpId, t.kind, t.offsetMinutes, t.eventStartsAt),
    index('field_reminder_deliveries_event_idx').on(t.eventId, t.at.desc(), t.id.desc()),
    check('field_reminder_deliveries_kind_check', sql`${t.kind} IN (${oneOf(REMINDER_KINDS)})`),
    check('field_reminder_deliveries_status_check', sql`${t.status} IN (${oneOf(REMINDER_STATUSES)})`),
    check('field_reminder_deliveries_channel_check', sql`${t.channel} = 'email'`),
    tenantPolicy('field_reminder_deliveries'),
  ],
).enableRLS();

/**
 * Canvass results: the door-to-door detail of a voter contact (`id` is the voter_contacts row it wrote, which keeps
 * the voter's contact history and status). `client_id` makes a retried submission land once; `body_hash` tells a
 * retry from a different result reusing the id.
 */
export const canvassResults = pgTable(
  'canvass_results',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    clientId: uuid('client_id').notNull(),
    voterId: uuid('voter_id').notNull(),
    turfId: uuid('turf_id').references(() => fieldTurfs.id, { onDelete: 'set null' }),
    outcome: text('outcome').notNull(),
    supportLevel: smallint('support_level'),
    issues: text('issues')
      .array()
      .notNull()
      .default(sql`'{}'`),
    notes: text('notes'),
    canvasserId: uuid('canvasser_id').references(() => users.id, { onDelete: 'set null' }),
    recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    bodyHash: text('body_hash').notNull(),
  },
  (t) => [
    foreignKey({ name: 'canvass_results_contact_fk', columns: [t.id], foreignColumns: [voterContacts.id] }).onDelete(
      'cascade',
    ),
    foreignKey({
      name: 'canvass_results_voter_fk',
      columns: [t.orgId, t.campaignId, t.voterId],
      foreignColumns: [voters.orgId, voters.campaignId, voters.id],
    }).onDelete('cascade'),
    unique('canvass_results_client_key').on(t.campaignId, t.clientId),
    index('canvass_results_voter_idx').on(t.voterId, t.recordedAt.desc(), t.id.desc()),
    index('canvass_results_turf_idx').on(t.turfId),
    // The dashboard's doors knocked per day: a campaign's results in a time window.
    index('canvass_results_campaign_idx').on(t.orgId, t.campaignId, t.recordedAt),
    check('canvass_results_outcome_check', sql`${t.outcome} IN (${oneOf(CANVASS_OUTCOMES)})`),
    check(
      'canvass_results_support_check',
      sql`${t.supportLevel} IS NULL OR (${t.supportLevel} BETWEEN 1 AND 5 AND ${t.outcome} = 'contacted')`,
    ),
    tenantPolicy('canvass_results'),
  ],
).enableRLS();

import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgPolicy,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../db/rls.js';

const now = sql`now()`;

/**
 * An organization's webhook endpoints. `eventTypes` are filters (`*`, `campaigns.*`, `campaigns.campaign.*`, or an
 * exact type). The signing secret is sealed at rest (platform/crypto.ts, context = endpoint id); during a rotation
 * the previous one is kept until `previous_secret_expires_at` and deliveries carry both signatures.
 * `failing_since` is when the current run of failed attempts began (null after a success): 5 days of it disables.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    url: text('url').notNull(),
    description: text('description').notNull().default(''),
    eventTypes: text('event_types').array().notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** `manual`, `gone` (the receiver answered 410) or `failing` (5 days without a success). */
    disabledReason: text('disabled_reason'),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: timestamp('previous_secret_expires_at', { withTimezone: true }),
    failingSince: timestamp('failing_since', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(now),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().default(now),
  },
  (t) => [index('webhook_endpoints_org_idx').on(t.orgId, t.createdAt), tenantPolicy('webhook_endpoints')],
).enableRLS();

/**
 * One delivery per (endpoint, event): created by the dispatcher (or a replay, or a test ping), attempted by the
 * sender until delivered or given up. `payload` is the event as it was, so a delivery never depends on the outbox.
 * The sender claims due deliveries of every org as `akashic_relay` (db/roles.ts): the two `_relay_` policies open
 * the rows to that role, whose column grants let it see ids and schedules only, and move `next_attempt_at`.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    endpointId: uuid('endpoint_id')
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    /** The event id: the `webhook-id` of every attempt. */
    eventId: uuid('event_id').notNull(),
    eventType: text('event_type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    /** `pending`, `delivered` or `failed` (given up, or its endpoint was disabled). */
    status: text('status').notNull().default('pending'),
    /** Attempts made in all (numbering the attempt log). */
    attempts: integer('attempts').notNull().default(0),
    /** Attempts of the current schedule (the retry policy's count); a redelivery or replay starts a new one. */
    scheduleAttempts: integer('schedule_attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    /** When the current schedule began (its first attempt); reset by a manual redelivery. */
    firstAttemptAt: timestamp('first_attempt_at', { withTimezone: true }),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    lastStatus: integer('last_status'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(now),
  },
  (t) => [
    uniqueIndex('webhook_deliveries_endpoint_event_idx').on(t.orgId, t.endpointId, t.eventId),
    index('webhook_deliveries_org_idx').on(t.orgId, t.createdAt),
    index('webhook_deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`status = 'pending'`),
    tenantPolicy('webhook_deliveries'),
    pgPolicy('webhook_deliveries_relay_read', {
      as: 'permissive',
      for: 'select',
      using: sql`current_user = 'akashic_relay'`,
    }),
    pgPolicy('webhook_deliveries_relay_claim', {
      as: 'permissive',
      for: 'update',
      using: sql`current_user = 'akashic_relay'`,
      withCheck: sql`current_user = 'akashic_relay'`,
    }),
  ],
).enableRLS();

/** Every attempt of a delivery, with excerpts of the request and the answer (first 2 KB of each body). */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    deliveryId: uuid('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attempt: integer('attempt').notNull(),
    startedAt: timestamp('started_at', { withTimezone: true, precision: 3 }).notNull(),
    durationMs: integer('duration_ms').notNull(),
    requestHeaders: jsonb('request_headers').$type<Record<string, string>>().notNull(),
    requestBody: text('request_body').notNull(),
    responseStatus: integer('response_status'),
    responseHeaders: jsonb('response_headers').$type<Record<string, string>>().notNull(),
    responseBody: text('response_body').notNull(),
    error: text('error'),
  },
  (t) => [
    index('webhook_attempts_delivery_idx').on(t.orgId, t.deliveryId, t.attempt),
    tenantPolicy('webhook_attempts'),
  ],
).enableRLS();

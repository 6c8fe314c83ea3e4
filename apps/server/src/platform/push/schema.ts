import { boolean, index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../db/rls.js';
import { users } from '../identity/schema.js';
import { organizations } from '../tenancy/schema.js';

/**
 * A browser's push subscription, made by a member in one organization: that organization's notifications reach
 * the device through it. One row per endpoint per organization (a device that changes hands moves to its new user).
 */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn().references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The push service URL the browser gave (https; checked against the SSRF guard on every send). */
    endpoint: text('endpoint').notNull(),
    /** The browser's P-256 public key and auth secret (RFC 8291), base64url. */
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    device: text('device'),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('push_subscriptions_org_endpoint_key').on(t.orgId, t.endpoint),
    index('push_subscriptions_org_user_idx').on(t.orgId, t.userId),
    tenantPolicy('push_subscriptions'),
  ],
).enableRLS();

/** A member's choice for one notification type on one channel; absent rows take the default (contracts). */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    orgId: orgIdColumn().references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    channel: text('channel').notNull(),
    enabled: boolean('enabled').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId, t.type, t.channel] }), tenantPolicy('notification_preferences')],
).enableRLS();

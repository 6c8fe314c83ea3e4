import { sql } from 'drizzle-orm';
import { foreignKey, index, pgPolicy, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { currentUserId, orgIdColumn, tenantPolicy } from '../../db/rls.js';
import { memberships } from '../tenancy/schema.js';

/**
 * In-app notifications, one row per recipient. Written by the `notifications` consumer for any member of the
 * org (its transaction carries the org but no user); read, marked and deleted only by the recipient: restrictive
 * policies add `user_id = app.user_id` to the tenant policy for everything but INSERT. Removing the member
 * removes their notifications.
 */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    orgId: orgIdColumn(),
    userId: uuid('user_id').notNull(),
    /** What happened, e.g. `message.review_requested`. */
    type: text('type').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    /** Where the console opens it (a path of the console). */
    url: text('url'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    readAt: timestamp('read_at', { withTimezone: true, precision: 3 }),
  },
  (t) => [
    foreignKey({ columns: [t.orgId, t.userId], foreignColumns: [memberships.orgId, memberships.userId] }).onDelete(
      'cascade',
    ),
    index('notifications_recipient_idx').on(t.orgId, t.userId, t.createdAt.desc(), t.id.desc()),
    index('notifications_unread_idx')
      .on(t.orgId, t.userId)
      .where(sql`read_at IS NULL`),
    tenantPolicy('notifications'),
    ...(['select', 'update', 'delete'] as const).map((op) =>
      pgPolicy(`notifications_recipient_${op}`, {
        as: 'restrictive',
        for: op,
        using: sql`user_id = ${currentUserId}`,
      }),
    ),
  ],
).enableRLS();

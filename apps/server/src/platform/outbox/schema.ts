import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../db/rls.js';

/**
 * Transactional outbox: an event row written in the same transaction as the change it describes.
 * `position` orders events for the relay; `id` is the event id (the broker's dedup id).
 */
export const outbox = pgTable(
  'outbox',
  {
    position: bigserial('position', { mode: 'number' }).primaryKey(),
    id: uuid('id').notNull().unique(),
    orgId: orgIdColumn(),
    /** `<module>.<entity>.<verb>`, e.g. `platform.member.invited`. */
    type: text('type').notNull(),
    aggregateType: text('aggregate_type').notNull(),
    aggregateId: text('aggregate_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    actorId: uuid('actor_id'),
    requestId: text('request_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_unpublished_idx')
      .on(t.position)
      .where(sql`published_at IS NULL`),
    index('outbox_org_idx').on(t.orgId, t.position),
    tenantPolicy('outbox'),
  ],
).enableRLS();

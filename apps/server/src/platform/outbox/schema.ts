import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgPolicy, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../db/rls.js';

/**
 * Transactional outbox: an event row written in the same transaction as the change it describes.
 * `position` orders events for the relay; `id` is the event id (the broker's dedup id).
 *
 * The relay (`relay.ts`) reads every org's events, so it connects as its own role, `akashic_relay` (db/roles.ts):
 * it may SELECT this table and UPDATE only `published_at` and `publish_error`, nothing else in the database; the two policies below
 * open the rows to that role alone. The application role still sees only its org's rows.
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
    /**
     * Why the relay cannot publish this event at all (its type is not `module.entity.verb`, so it has no subject).
     * Such a row is set aside — kept, unpublished, out of the relay's scan — instead of blocking the rows behind it.
     */
    publishError: text('publish_error'),
  },
  (t) => [
    index('outbox_unpublished_idx')
      .on(t.position)
      .where(sql`published_at IS NULL AND publish_error IS NULL`),
    index('outbox_org_idx').on(t.orgId, t.position),
    tenantPolicy('outbox'),
    pgPolicy('outbox_relay_read', { as: 'permissive', for: 'select', using: sql`current_user = 'akashic_relay'` }),
    pgPolicy('outbox_relay_mark', {
      as: 'permissive',
      for: 'update',
      using: sql`current_user = 'akashic_relay'`,
      withCheck: sql`current_user = 'akashic_relay'`,
    }),
  ],
).enableRLS();

import { sql } from 'drizzle-orm';
import { pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../db/rls.js';

/**
 * Which events each durable consumer has processed (`consumer.ts`). The receipt is inserted in the same
 * transaction as the consumer's own writes, so an event the bus delivers again (at-least-once) finds its
 * receipt and is not processed twice.
 */
export const consumerReceipts = pgTable(
  'consumer_receipts',
  {
    orgId: orgIdColumn(),
    consumer: text('consumer').notNull(),
    eventId: uuid('event_id').notNull(),
    processedAt: timestamp('processed_at', { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.consumer, t.eventId] }), tenantPolicy('consumer_receipts')],
).enableRLS();

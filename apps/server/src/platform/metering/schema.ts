import { bigint, date, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../db/rls.js';

/** Usage: events per organization, per UTC day, per event type (counted by the `metering` consumer). */
export const usageDaily = pgTable(
  'usage_daily',
  {
    orgId: orgIdColumn(),
    day: date('day', { mode: 'string' }).notNull(),
    eventType: text('event_type').notNull(),
    events: bigint('events', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.day, t.eventType] }), tenantPolicy('usage_daily')],
).enableRLS();

import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../../db/rls.js';
import { users } from '../../../platform/identity/schema.js';
import { organizations } from '../../../platform/tenancy/schema.js';

/**
 * Saved what-if scenarios: the inputs of a county (conditional) or state (poll-based) forecast, owned by an
 * organization. Results are never stored: they are recomputed from the inputs, so they always reflect the engine.
 * `version` starts at 1 and increases with every update (optimistic concurrency).
 */
export const forecastScenarios = pgTable(
  'forecast_scenarios',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn().references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    cycle: integer('cycle').notNull(),
    kind: text('kind').notNull(),
    inputs: jsonb('inputs').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    index('forecast_scenarios_org_created_idx').on(t.orgId, t.createdAt.desc(), t.id.desc()),
    check('forecast_scenarios_kind_check', sql`${t.kind} IN ('counties', 'states')`),
    tenantPolicy('forecast_scenarios'),
  ],
).enableRLS();

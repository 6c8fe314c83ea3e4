import { sql } from 'drizzle-orm';
import { index, pgPolicy, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { currentOrgId, currentUserId, orgIdColumn, tenantPolicy } from '../../db/rls.js';
import { users } from '../identity/schema.js';
import { orgRole } from './role.js';

export { orgRole } from './role.js';

/**
 * An organization is the tenant. A member sees the organizations they belong to (for the switcher);
 * everything else about an org is visible only inside that org's context.
 */
export const organizations = pgTable(
  'organizations',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    slug: text('slug').notNull().unique(),
    plan: text('plan').notNull().default('free'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  () => [
    pgPolicy('organizations_member_read', {
      as: 'permissive',
      for: 'select',
      using: sql`id = ${currentOrgId} OR id IN (SELECT m.org_id FROM memberships m WHERE m.user_id = ${currentUserId})`,
    }),
    pgPolicy('organizations_current_write', {
      as: 'permissive',
      for: 'insert',
      withCheck: sql`id = ${currentOrgId}`,
    }),
    pgPolicy('organizations_current_update', {
      as: 'permissive',
      for: 'update',
      using: sql`id = ${currentOrgId}`,
      withCheck: sql`id = ${currentOrgId}`,
    }),
  ],
).enableRLS();

export const memberships = pgTable(
  'memberships',
  {
    orgId: orgIdColumn().references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: orgRole('role').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    index('memberships_user_idx').on(t.userId),
    tenantPolicy('memberships'),
    // A user may read their own memberships in every org: that is how the org switcher lists them.
    pgPolicy('memberships_own_read', { as: 'permissive', for: 'select', using: sql`user_id = ${currentUserId}` }),
  ],
).enableRLS();

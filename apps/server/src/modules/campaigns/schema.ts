import { CAMPAIGN_ROLES, CAMPAIGN_STATUSES, CAMPAIGN_TYPES } from '@akashic/contracts';
import { sql } from 'drizzle-orm';
import {
  bigint,
  check,
  date,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../db/rls.js';
import { users } from '../../platform/identity/schema.js';
import { memberships, organizations } from '../../platform/tenancy/schema.js';

const oneOf = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * The campaigns an organization runs. Children (budget lines, spend, team) reference a campaign by (org_id, id), so
 * a row can only ever point at a campaign of its own organization, whatever the code does. `version` starts at 1 and
 * increases with every update (optimistic concurrency).
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn().references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    type: text('type').notNull(),
    /** `{kind: 'state', state}` | `{kind: 'district', state, district}` | `{kind: 'counties', counties}` */
    jurisdiction: jsonb('jurisdiction').notNull(),
    electionDate: date('election_date').notNull(),
    status: text('status').notNull().default('active'),
    winMargin: doublePrecision('win_margin').notNull().default(0),
    voteGoalOverride: integer('vote_goal_override'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    unique('campaigns_org_id_id_key').on(t.orgId, t.id),
    index('campaigns_org_created_idx').on(t.orgId, t.createdAt.desc(), t.id.desc()),
    check('campaigns_type_check', sql`${t.type} IN (${oneOf(CAMPAIGN_TYPES)})`),
    check('campaigns_status_check', sql`${t.status} IN (${oneOf(CAMPAIGN_STATUSES)})`),
    check('campaigns_win_margin_check', sql`${t.winMargin} >= 0 AND ${t.winMargin} <= 0.5`),
    check('campaigns_vote_goal_override_check', sql`${t.voteGoalOverride} > 0`),
    tenantPolicy('campaigns'),
  ],
).enableRLS();

/** A campaign's budget, by category: what is planned. What is spent is the sum of its spend entries. */
export const campaignBudgetLines = pgTable(
  'campaign_budget_lines',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    category: text('category').notNull(),
    plannedCents: bigint('planned_cents', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    foreignKey({
      name: 'campaign_budget_lines_campaign_fk',
      columns: [t.orgId, t.campaignId],
      foreignColumns: [campaigns.orgId, campaigns.id],
    }).onDelete('cascade'),
    unique('campaign_budget_lines_org_campaign_id_key').on(t.orgId, t.campaignId, t.id),
    uniqueIndex('campaign_budget_lines_category_idx').on(t.campaignId, sql`lower(${t.category})`),
    check('campaign_budget_lines_planned_check', sql`${t.plannedCents} >= 0`),
    tenantPolicy('campaign_budget_lines'),
  ],
).enableRLS();

/** Money spent from a budget line. A line with spend cannot be deleted (the spend would lose its line). */
export const campaignSpendEntries = pgTable(
  'campaign_spend_entries',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    lineId: uuid('line_id').notNull(),
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    spentOn: date('spent_on').notNull(),
    vendor: text('vendor').notNull(),
    memo: text('memo'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    version: integer('version').notNull().default(1),
  },
  (t) => [
    foreignKey({
      name: 'campaign_spend_entries_campaign_fk',
      columns: [t.orgId, t.campaignId],
      foreignColumns: [campaigns.orgId, campaigns.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'campaign_spend_entries_line_fk',
      columns: [t.orgId, t.campaignId, t.lineId],
      foreignColumns: [campaignBudgetLines.orgId, campaignBudgetLines.campaignId, campaignBudgetLines.id],
    }),
    index('campaign_spend_entries_campaign_idx').on(t.orgId, t.campaignId, t.spentOn.desc(), t.id.desc()),
    index('campaign_spend_entries_line_idx').on(t.orgId, t.campaignId, t.lineId),
    check('campaign_spend_entries_amount_check', sql`${t.amountCents} > 0`),
    tenantPolicy('campaign_spend_entries'),
  ],
).enableRLS();

/**
 * Who works on a campaign, with which campaign role. Team members must be members of the organization: the row
 * references the membership, so it goes when the membership does.
 */
export const campaignTeam = pgTable(
  'campaign_team',
  {
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    userId: uuid('user_id').notNull(),
    role: text('role').notNull(),
    addedAt: timestamp('added_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.campaignId, t.userId] }),
    foreignKey({
      name: 'campaign_team_campaign_fk',
      columns: [t.orgId, t.campaignId],
      foreignColumns: [campaigns.orgId, campaigns.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'campaign_team_membership_fk',
      columns: [t.orgId, t.userId],
      foreignColumns: [memberships.orgId, memberships.userId],
    }).onDelete('cascade'),
    index('campaign_team_user_idx').on(t.orgId, t.userId),
    check('campaign_team_role_check', sql`${t.role} IN (${oneOf(CAMPAIGN_ROLES)})`),
    tenantPolicy('campaign_team'),
  ],
).enableRLS();

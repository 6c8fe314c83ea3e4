/**
 * Messaging tables. Every child references its parent by (org_id, id), so a row can only point at a parent of its
 * own organization. Revisions and approvals are history: the application role may only insert and read them
 * (db/roles.ts APPEND_ONLY); they go with their campaign.
 */
import { AUDIENCE_KINDS, MESSAGE_CHANNELS, MESSAGE_STATUSES } from '@akashic/contracts';
import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../../db/rls.js';
import { users } from '../../../platform/identity/schema.js';
import { organizations } from '../../../platform/tenancy/schema.js';
import { campaigns } from '../schema.js';

const oneOf = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** A message of a campaign: a title and the channel its base version is written for. */
export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    title: text('title').notNull(),
    channel: text('channel').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({
      name: 'messages_campaign_fk',
      columns: [t.orgId, t.campaignId],
      foreignColumns: [campaigns.orgId, campaigns.id],
    }).onDelete('cascade'),
    unique('messages_org_id_id_key').on(t.orgId, t.id),
    index('messages_campaign_idx').on(t.orgId, t.campaignId, t.updatedAt.desc(), t.id.desc()),
    check('messages_channel_check', sql`${t.channel} IN (${oneOf(MESSAGE_CHANNELS)})`),
    tenantPolicy('messages'),
  ],
).enableRLS();

/**
 * A version of a message: the base version (audience kind `base`) or one for an audience, with its own channel and
 * its own place in the workflow. `branched_from` is the version whose text it started from.
 */
export const messageVersions = pgTable(
  'message_versions',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    messageId: uuid('message_id').notNull(),
    audienceKind: text('audience_kind').notNull(),
    audienceKey: text('audience_key').notNull(),
    audienceLabel: text('audience_label').notNull(),
    audienceDescription: text('audience_description'),
    channel: text('channel').notNull(),
    branchedFrom: uuid('branched_from'),
    status: text('status').notNull().default('draft'),
    approvedRevisionId: uuid('approved_revision_id'),
    sendAt: timestamp('send_at', { withTimezone: true }),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({
      name: 'message_versions_message_fk',
      columns: [t.orgId, t.messageId],
      foreignColumns: [messages.orgId, messages.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'message_versions_branched_from_fk',
      columns: [t.orgId, t.messageId, t.branchedFrom],
      foreignColumns: [t.orgId, t.messageId, t.id],
    }),
    unique('message_versions_org_message_id_key').on(t.orgId, t.messageId, t.id),
    unique('message_versions_audience_key').on(t.messageId, t.audienceKind, t.audienceKey),
    check('message_versions_audience_kind_check', sql`${t.audienceKind} IN (${oneOf(AUDIENCE_KINDS)})`),
    check('message_versions_channel_check', sql`${t.channel} IN (${oneOf(MESSAGE_CHANNELS)})`),
    check('message_versions_status_check', sql`${t.status} IN (${oneOf(MESSAGE_STATUSES)})`),
    check('message_versions_send_at_check', sql`(${t.status} = 'scheduled') = (${t.sendAt} IS NOT NULL)`),
    tenantPolicy('message_versions'),
  ],
).enableRLS();

/** Every edit of a version, numbered from 1, with the checks it passed or failed when it was saved. Immutable. */
export const messageRevisions = pgTable(
  'message_revisions',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    messageId: uuid('message_id').notNull(),
    versionId: uuid('version_id').notNull(),
    number: integer('number').notNull(),
    text: text('text').notNull(),
    subject: text('subject'),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    restoredFrom: uuid('restored_from'),
    checks: jsonb('checks').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      name: 'message_revisions_version_fk',
      columns: [t.orgId, t.messageId, t.versionId],
      foreignColumns: [messageVersions.orgId, messageVersions.messageId, messageVersions.id],
    }).onDelete('cascade'),
    unique('message_revisions_org_version_id_key').on(t.orgId, t.versionId, t.id),
    unique('message_revisions_number_key').on(t.versionId, t.number),
    check('message_revisions_number_check', sql`${t.number} >= 1`),
    tenantPolicy('message_revisions'),
  ],
).enableRLS();

/** Comments on a version, optionally on one of its revisions. */
export const messageComments = pgTable(
  'message_comments',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    messageId: uuid('message_id').notNull(),
    versionId: uuid('version_id').notNull(),
    revisionId: uuid('revision_id'),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    event: text('event'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      name: 'message_comments_version_fk',
      columns: [t.orgId, t.messageId, t.versionId],
      foreignColumns: [messageVersions.orgId, messageVersions.messageId, messageVersions.id],
    }).onDelete('cascade'),
    foreignKey({
      name: 'message_comments_revision_fk',
      columns: [t.orgId, t.versionId, t.revisionId],
      foreignColumns: [messageRevisions.orgId, messageRevisions.versionId, messageRevisions.id],
    }).onDelete('cascade'),
    index('message_comments_version_idx').on(t.orgId, t.versionId, t.createdAt),
    check('message_comments_event_check', sql`${t.event} IN ('request_changes', 'approve')`),
    tenantPolicy('message_comments'),
  ],
).enableRLS();

/** Decisions on revisions: approved, or changes requested (with the note). Immutable. */
export const messageApprovals = pgTable(
  'message_approvals',
  {
    id: uuid('id').primaryKey(),
    orgId: orgIdColumn(),
    versionId: uuid('version_id').notNull(),
    revisionId: uuid('revision_id').notNull(),
    approverId: uuid('approver_id').references(() => users.id, { onDelete: 'set null' }),
    decision: text('decision').notNull(),
    note: text('note'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({
      name: 'message_approvals_revision_fk',
      columns: [t.orgId, t.versionId, t.revisionId],
      foreignColumns: [messageRevisions.orgId, messageRevisions.versionId, messageRevisions.id],
    }).onDelete('cascade'),
    index('message_approvals_version_idx').on(t.orgId, t.versionId, t.createdAt),
    check('message_approvals_decision_check', sql`${t.decision} IN ('approved', 'changes_requested')`),
    tenantPolicy('message_approvals'),
  ],
).enableRLS();

/** An organization's messaging settings: banned terms and the AI provider (its key sealed, never returned). */
export const messagingSettings = pgTable(
  'messaging_settings',
  {
    orgId: orgIdColumn()
      .primaryKey()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    bannedTerms: text('banned_terms')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    aiBaseUrl: text('ai_base_url'),
    aiModel: text('ai_model'),
    aiSealedKey: text('ai_sealed_key'),
    aiKeyLast4: text('ai_key_last4'),
    aiUpdatedAt: timestamp('ai_updated_at', { withTimezone: true }),
    updatedAt: updatedAt(),
  },
  (t) => [
    check(
      'messaging_settings_ai_check',
      sql`(${t.aiBaseUrl} IS NULL) = (${t.aiModel} IS NULL) AND (${t.aiBaseUrl} IS NULL) = (${t.aiSealedKey} IS NULL)`,
    ),
    tenantPolicy('messaging_settings'),
  ],
).enableRLS();

/** A campaign's messaging settings: the disclaimer its ads and mail must carry. */
export const campaignMessagingSettings = pgTable(
  'campaign_messaging_settings',
  {
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').primaryKey(),
    disclaimer: text('disclaimer'),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({
      name: 'campaign_messaging_settings_campaign_fk',
      columns: [t.orgId, t.campaignId],
      foreignColumns: [campaigns.orgId, campaigns.id],
    }).onDelete('cascade'),
    tenantPolicy('campaign_messaging_settings'),
  ],
).enableRLS();

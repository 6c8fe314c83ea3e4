/**
 * The sync engine's tables (see sync.ts for the protocol).
 *
 * - `sync_clients`: one row per replica (a browser profile, an app install) of a member: the last mutation id the
 *   server processed for it. Only its member reads or changes it (a restrictive policy on `app.user_id`).
 * - `sync_rejections`: mutations the server refused, with their problem, reported back to the client.
 * - `sync_changes`: the change log pull reads. Statement triggers on the replicated tables (drizzle/…_sync_force_rls)
 *   append (entity, id, campaign) for every row a statement wrote, stamped with the writing transaction's id
 *   (`txid`, xid8): a pull's cursor is a PostgreSQL snapshot, and "changed since the cursor" is "written by a
 *   transaction the cursor's snapshot did not see" — exact under concurrent commits, whatever order ids were
 *   drawn in. Kept for `SYNC_CHANGE_RETENTION_DAYS`: the maintenance worker purges older rows through
 *   `sync_purge_changes()` (a reviewed SECURITY DEFINER function: the application may only append to the log).
 * - `sync_horizons`: per campaign, the newest transaction whose log rows were purged. A cursor whose snapshot may
 *   not have seen it would miss changes, so its next pull is a reset (pull.ts). Raised by that function; append-only
 *   for the application (lowering a horizon could hide a gap).
 * - `sync_epochs`: per campaign, a counter bumped by a bulk write of its voters (a large voter-file import) instead
 *   of a log row per voter (bulk.ts). It is part of every cursor's scope fingerprint: a cursor issued before the
 *   bump starts a reset, which carries the imported voters.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  customType,
  index,
  integer,
  jsonb,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { currentUserId, orgIdColumn, tenantPolicy } from '../../../db/rls.js';
import { users } from '../../../platform/identity/schema.js';

/** PostgreSQL's 64-bit transaction id (`pg_current_xact_id()`), compared with snapshots by `pg_visible_in_snapshot`. */
const xid8 = customType<{ data: string }>({ dataType: () => 'xid8' });

/** Only the member the row belongs to (restrictive: added to the tenant policy). */
const ownRows = (table: string) =>
  pgPolicy(`${table}_own_rows`, {
    as: 'restrictive',
    for: 'all',
    using: sql`user_id = ${currentUserId}`,
    withCheck: sql`user_id = ${currentUserId}`,
  });

export const syncClients = pgTable(
  'sync_clients',
  {
    orgId: orgIdColumn(),
    clientId: uuid('client_id').notNull(),
    clientGroupId: uuid('client_group_id').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    lastMutationId: integer('last_mutation_id').notNull().default(0),
    /** The transaction that last changed the row: a pull reports `lastMutationId` only as of its snapshot. */
    txid: xid8('txid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.clientId] }),
    index('sync_clients_group_idx').on(t.orgId, t.clientGroupId),
    tenantPolicy('sync_clients'),
    ownRows('sync_clients'),
  ],
).enableRLS();

export const syncRejections = pgTable(
  'sync_rejections',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: orgIdColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    clientGroupId: uuid('client_group_id').notNull(),
    clientId: uuid('client_id').notNull(),
    mutationId: integer('mutation_id').notNull(),
    name: text('name').notNull(),
    problem: jsonb('problem').notNull(),
    txid: xid8('txid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('sync_rejections_group_idx').on(t.orgId, t.clientGroupId, t.txid),
    tenantPolicy('sync_rejections'),
    ownRows('sync_rejections'),
  ],
).enableRLS();

export const syncChanges = pgTable(
  'sync_changes',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    entity: text('entity').notNull(),
    entityId: uuid('entity_id').notNull(),
    txid: xid8('txid')
      .notNull()
      .default(sql`pg_current_xact_id()`),
    /** When the change was logged (its transaction's start): what retention goes by. */
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('sync_changes_scan_idx').on(t.orgId, t.campaignId, t.txid, t.seq),
    // Rows are appended in time order: a BRIN index finds the purge's old rows at almost no cost to each insert.
    index('sync_changes_created_brin').using('brin', t.createdAt),
    tenantPolicy('sync_changes'),
  ],
).enableRLS();

export const syncHorizons = pgTable(
  'sync_horizons',
  {
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    /** Log rows of transactions up to this one may be gone. */
    purgedTxid: xid8('purged_txid').notNull(),
    purgedAt: timestamp('purged_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.campaignId] }), tenantPolicy('sync_horizons')],
).enableRLS();

export const syncEpochs = pgTable(
  'sync_epochs',
  {
    orgId: orgIdColumn(),
    campaignId: uuid('campaign_id').notNull(),
    epoch: integer('epoch').notNull(),
    bumpedAt: timestamp('bumped_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.campaignId] }), tenantPolicy('sync_epochs')],
).enableRLS();

import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../db/rls.js';
import { bytea } from '../identity/schema.js';

/**
 * The audit log: one hash chain per organization. `seq` is contiguous from 1 within an org and
 * `hash = sha256(prev_hash || canonical(entry))`, so an edit, deletion, insertion or reordering breaks the chain.
 * The application role may only INSERT and SELECT here (see db/roles.ts).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    orgId: orgIdColumn(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    id: uuid('id').notNull().unique(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    actorType: text('actor_type').notNull(),
    actorId: uuid('actor_id'),
    actorLabel: text('actor_label'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    beforeDigest: text('before_digest'),
    afterDigest: text('after_digest'),
    requestId: text('request_id'),
    ip: text('ip'),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    prevHash: bytea('prev_hash').notNull(),
    hash: bytea('hash').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.seq] }),
    index('audit_log_org_time_idx').on(t.orgId, t.occurredAt),
    index('audit_log_org_actor_idx').on(t.orgId, t.actorId, t.seq),
    index('audit_log_org_action_idx').on(t.orgId, t.action, t.seq),
    tenantPolicy('audit_log'),
  ],
).enableRLS();

/** The head of each org's chain: serializes appends (row lock) and detects truncation of the tail. */
export const auditHeads = pgTable(
  'audit_heads',
  {
    orgId: orgIdColumn().primaryKey(),
    seq: bigint('seq', { mode: 'number' }).notNull(),
    hash: bytea('hash').notNull(),
  },
  () => [tenantPolicy('audit_heads')],
).enableRLS();

import { sql } from 'drizzle-orm';
import { index, pgPolicy, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { orgIdColumn, tenantPolicy } from '../../db/rls.js';
import { bytea, users } from '../identity/schema.js';
import { orgRole } from '../tenancy/role.js';
import { organizations } from '../tenancy/schema.js';

const bearerHash = sql`decode(nullif(current_setting('app.bearer_hash', true), ''), 'hex')`;

/**
 * Organization API keys: an integration's own identity, not a person's. `id` is also the id of the key's service
 * identity in `users` (what `created_by` columns and the Cedar principal name), which has no membership and
 * cannot sign in. A rotation keeps the previous secret working until `previous_expires_at` (the grace period).
 */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    orgId: orgIdColumn().references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The role ceiling the key acts with (never above its creator's role when it was set). */
    role: orgRole('role').notNull(),
    scopes: text('scopes').array().notNull(),
    /** The non-secret start of the current secret, shown so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    tokenHash: bytea('token_hash').notNull().unique(),
    previousPrefix: text('previous_prefix'),
    previousTokenHash: bytea('previous_token_hash').unique(),
    previousExpiresAt: timestamp('previous_expires_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    rotatedAt: timestamp('rotated_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    lastUsedIp: text('last_used_ip'),
  },
  (t) => [
    index('api_keys_org_idx').on(t.orgId, t.createdAt),
    tenantPolicy('api_keys'),
    // Whoever presents a secret (current, or previous within its grace period) may find its row, before any org
    // is known: knowing the secret is the proof.
    pgPolicy('api_keys_bearer_read', {
      as: 'permissive',
      for: 'select',
      using: sql`token_hash = ${bearerHash} OR previous_token_hash = ${bearerHash}`,
    }),
  ],
).enableRLS();

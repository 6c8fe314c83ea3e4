/**
 * Row-level-security building blocks shared by every tenant-owned table.
 *
 * Each request runs in a transaction that sets `app.org_id` and `app.user_id` with `set_config(..., true)`;
 * the policies below compare rows against them. `nullif(..., '')` matters: once a transaction-local setting
 * has been used on a pooled connection it reads as '' afterwards, and ''::uuid would raise instead of matching nothing.
 */
import { sql } from 'drizzle-orm';
import { pgPolicy, uuid } from 'drizzle-orm/pg-core';

export const currentOrgId = sql`nullif(current_setting('app.org_id', true), '')::uuid`;
export const currentUserId = sql`nullif(current_setting('app.user_id', true), '')::uuid`;

/** The `org_id` column every tenant-owned table carries. */
export const orgIdColumn = () => uuid('org_id').notNull();

/** The standard tenant policy: rows of the current organization only, for reads and writes alike. */
export function tenantPolicy(table: string) {
  return pgPolicy(`${table}_tenant_isolation`, {
    as: 'permissive',
    for: 'all',
    using: sql`org_id = ${currentOrgId}`,
    withCheck: sql`org_id = ${currentOrgId}`,
  });
}

/**
 * A bearer-secret read: a row whose secret hash equals `app.bearer_hash` is readable without an org context.
 * Knowing the secret (API token, invitation link) is what proves the right to find its row.
 */
export function bearerReadPolicy(table: string) {
  return pgPolicy(`${table}_bearer_read`, {
    as: 'permissive',
    for: 'select',
    using: sql`token_hash = decode(nullif(current_setting('app.bearer_hash', true), ''), 'hex')`,
  });
}

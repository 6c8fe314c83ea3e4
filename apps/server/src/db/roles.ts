/**
 * The application role owns nothing and cannot bypass row-level security. Migrations run as the admin
 * (owner) connection; the request path connects only as this role.
 */
import { createHmac } from 'node:crypto';
import { getTableName } from 'drizzle-orm';
import type pg from 'pg';
import { REFERENCE_TABLES } from '../modules/intelligence/reference/schema.js';

export const APP_ROLE = 'akashic_app';

/**
 * Tables the application may only append to and read: the tamper-evident audit log, message history (revisions
 * and approvals go only with their campaign, through the cascade), the sync log (purged by `sync_purge_changes`
 * only) and its purge horizons (lowering one would let a cursor miss purged changes; raising one costs a resync).
 */
const APPEND_ONLY = new Set([
  'audit_log',
  'message_revisions',
  'message_approvals',
  'sync_changes',
  'sync_rejections',
  'sync_horizons',
]);

/**
 * Tables the application may only read: the global reference data (modules/intelligence/reference/schema.ts),
 * shared by every organization and written only by the admin connection's import at migration time.
 */
export const READ_ONLY: ReadonlySet<string> = new Set(REFERENCE_TABLES.map((t) => getTableName(t)));

/**
 * SECURITY DEFINER functions (owned by the admin, EXECUTE revoked from PUBLIC by their migration) the application
 * may call: each does one fixed maintenance step the role could not do itself, e.g. `voters_analyze()`
 * (drizzle/0013_voters_analyze.sql) refreshes planner statistics after a voter-file import, and
 * `field_reminder_orgs()` (drizzle/0015_field_force_rls.sql) tells the reminder worker which organizations have
 * reminders due (their ids only; the work then runs in each organization's context), and
 * `event_retention_orgs(…)` (drizzle migration `event_retention`) tells the maintenance worker which organizations
 * have consumer receipts or webhook attempts past their retention (ids only; deleted in each org's context), and
 * `sync_purge_changes(…)` (drizzle migration `sync_purge`) deletes sync log rows past their retention and raises
 * the affected campaigns' horizons (the log is append-only for the application).
 */
export const DEFINER_FUNCTIONS: readonly string[] = [
  'voters_analyze()',
  'field_reminder_orgs()',
  'event_retention_orgs(timestamp with time zone,timestamp with time zone)',
  'sync_purge_changes(timestamp with time zone,integer)',
];

export function appRolePassword(secret: string): string {
  return createHmac('sha256', secret).update('akashic:db-app-role').digest('base64url');
}

/**
 * The worker's cross-org role: the outbox relay (platform/outbox/relay.ts) and the webhook sender's claims
 * (platform/webhooks/sender.ts). Publishing is the one job that reads every org's events, and giving the
 * application role a way to do that (a SECURITY DEFINER function it may call) would let any request read any org's
 * outbox. This role can do only these jobs: SELECT the outbox and UPDATE its `published_at` / `publish_error`; see the ids, org ids
 * and schedule of webhook deliveries and move `next_attempt_at` (policies `*_relay_*` in the tables' schema.ts).
 * No other table or column, no BYPASSRLS.
 */
export const RELAY_ROLE = 'akashic_relay';

export function relayRolePassword(secret: string): string {
  return createHmac('sha256', secret).update('akashic:db-relay-role').digest('base64url');
}

export async function ensureRelayRole(admin: pg.ClientBase, password: string | null): Promise<void> {
  await serialized(admin, async () => {
    const { rows } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [RELAY_ROLE]);
    if (rows.length === 0) await admin.query(`CREATE ROLE ${RELAY_ROLE}`);
    await admin.query(
      `ALTER ROLE ${RELAY_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION`,
    );
    if (password !== null) await admin.query(`ALTER ROLE ${RELAY_ROLE} PASSWORD ${quoteLiteral(password)}`);
    const db = (await admin.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
    await admin.query(`GRANT CONNECT ON DATABASE ${quoteIdent(db)} TO ${RELAY_ROLE}`);
    // Every statement of this role claims the first rows of a partial index in that index's order (`… ORDER BY
    // next_attempt_at LIMIT n FOR UPDATE SKIP LOCKED`). The planner cannot tell how many rows the role's policies
    // let through and guesses very few, so it would rather take a bitmap scan and sort every due row to keep the
    // first n (each claim reading the whole backlog, over and over as it drains) than walk the index in order.
    await admin.query(`ALTER ROLE ${RELAY_ROLE} IN DATABASE ${quoteIdent(db)} SET enable_bitmapscan = off`);
    // Its commits need not wait for the WAL flush: all it writes is a mark (an outbox row published or set aside, a
    // delivery leased), and a mark lost in a crash of PostgreSQL only makes the work happen again — the row is
    // published once more (the stream and the consumers' receipts drop the duplicate) or set aside again, the
    // delivery can be attempted once more — which at-least-once delivery allows. Nothing it writes is the only
    // record of anything.
    await admin.query(`ALTER ROLE ${RELAY_ROLE} IN DATABASE ${quoteIdent(db)} SET synchronous_commit = off`);
    await admin.query(`GRANT USAGE ON SCHEMA public TO ${RELAY_ROLE}`);
    await admin.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${RELAY_ROLE}`);
    await admin.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${RELAY_ROLE}`);
    await admin.query(`GRANT SELECT, UPDATE (published_at, publish_error) ON TABLE outbox TO ${RELAY_ROLE}`);
    await admin.query(
      `GRANT SELECT (id, org_id, status, next_attempt_at), UPDATE (next_attempt_at) ON TABLE webhook_deliveries TO ${RELAY_ROLE}`,
    );
  });
}

export async function ensureAppRole(admin: pg.ClientBase, password: string | null): Promise<void> {
  await serialized(admin, async () => {
    const { rows } = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [APP_ROLE]);
    if (rows.length === 0) await admin.query(`CREATE ROLE ${APP_ROLE}`);
    // Re-asserted on every boot: a role that pre-existed with more power is brought back down.
    await admin.query(
      `ALTER ROLE ${APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION`,
    );
    if (password !== null) {
      await admin.query(`ALTER ROLE ${APP_ROLE} PASSWORD ${quoteLiteral(password)}`);
    }
    const db = (await admin.query<{ db: string }>('SELECT current_database() AS db')).rows[0]!.db;
    await admin.query(`GRANT CONNECT ON DATABASE ${quoteIdent(db)} TO ${APP_ROLE}`);
    await admin.query(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`);
    const tables = await admin.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`,
    );
    for (const { name } of tables.rows) {
      const privileges = READ_ONLY.has(name)
        ? 'SELECT'
        : APPEND_ONLY.has(name)
          ? 'SELECT, INSERT'
          : 'SELECT, INSERT, UPDATE, DELETE';
      await admin.query(`REVOKE ALL ON TABLE ${quoteIdent(name)} FROM ${APP_ROLE}`);
      await admin.query(`GRANT ${privileges} ON TABLE ${quoteIdent(name)} TO ${APP_ROLE}`);
    }
    await admin.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE}`);
    for (const fn of DEFINER_FUNCTIONS) {
      await admin.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await admin.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ${APP_ROLE}`);
    }
  });
}

/**
 * Run `fn` (role and grant statements) in one transaction, serialized with other booting processes. Concurrent
 * boots (test workers, several processes) may race to create a role; and each REVOKE-then-GRANT must be atomic, or a
 * process booting would briefly take the privileges away from the processes already running.
 */
async function serialized(admin: pg.ClientBase, fn: () => Promise<void>): Promise<void> {
  await admin.query('SELECT pg_advisory_lock(727274)');
  try {
    await admin.query('BEGIN');
    try {
      await fn();
      await admin.query('COMMIT');
    } catch (err) {
      await admin.query('ROLLBACK');
      throw err;
    }
  } finally {
    await admin.query('SELECT pg_advisory_unlock(727274)');
  }
}

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function quoteLiteral(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}

/** The application's (or `role`'s) connection string: the admin URL with that role's credentials. */
export function appUrlFrom(adminUrl: string, password: string, role = APP_ROLE): string {
  const u = new URL(adminUrl);
  u.username = role;
  u.password = password;
  return u.toString();
}

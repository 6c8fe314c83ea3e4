/**
 * The maintenance worker (process role `worker`): removes records that can no longer be used, so the tables stay
 * small —
 * - identity records: sessions past their absolute expiry or revoked, used or expired password-reset links, once
 *   they are a week old;
 * - event bookkeeping past its retention (`RetentionConfig`): consumers' receipts (kept longer than the broker
 *   keeps events, so no redelivery outlives its receipt) and webhook delivery attempts. These are tenant rows:
 *   `event_retention_orgs()` (a reviewed SECURITY DEFINER function, drizzle migration `event_retention`) names the
 *   orgs that have any, and each org's rows are deleted in its own transaction, under row-level security;
 * - the sync change log past `syncChangeDays`: `sync_purge_changes()` (a reviewed SECURITY DEFINER function,
 *   drizzle migration `sync_purge`; the log is append-only for the application) deletes it in chunks and raises each
 *   campaign's purge horizon with it, so a device whose cursor predates the purge gets a full resync.
 */
import type { Logger } from 'pino';
import type { RetentionConfig } from '../../config.js';
import type { Database } from '../../db/index.js';

export const RETENTION_DAYS = 7;

export async function purgeExpiredIdentityRecords(db: Database): Promise<{ sessions: number; passwordResets: number }> {
  const sessions = await db.pool.query(
    `DELETE FROM sessions
      WHERE expires_at < now() - make_interval(days => $1)
         OR revoked_at < now() - make_interval(days => $1)`,
    [RETENTION_DAYS],
  );
  const resets = await db.pool.query(
    `DELETE FROM password_resets
      WHERE expires_at < now() - make_interval(days => $1)
         OR used_at < now() - make_interval(days => $1)`,
    [RETENTION_DAYS],
  );
  return { sessions: sessions.rowCount ?? 0, passwordResets: resets.rowCount ?? 0 };
}

/** Rows deleted per statement, so no purge holds many row locks for long. */
const PURGE_CHUNK = 5000;

const DAY_MS = 86_400_000;

/** Delete consumer receipts and webhook attempts older than their retention, org by org. */
export async function purgeEventRecords(
  db: Database,
  retention: RetentionConfig,
  now = new Date(),
): Promise<{ receipts: number; webhookAttempts: number }> {
  const receiptsBefore = new Date(now.getTime() - retention.receiptDays * DAY_MS);
  const attemptsBefore = new Date(now.getTime() - retention.webhookAttemptDays * DAY_MS);
  const n = { receipts: 0, webhookAttempts: 0 };
  const orgs = await db.pool.query<{ org: string }>('SELECT event_retention_orgs($1, $2) AS org', [
    receiptsBefore,
    attemptsBefore,
  ]);
  const purge = async (orgId: string, sql: string, before: Date): Promise<number> => {
    let total = 0;
    for (;;) {
      const r = await db.transaction({ orgId }, (tx) => tx.client.query(sql, [orgId, before, PURGE_CHUNK]));
      total += r.rowCount ?? 0;
      if ((r.rowCount ?? 0) < PURGE_CHUNK) return total;
    }
  };
  for (const { org } of orgs.rows) {
    n.receipts += await purge(
      org,
      `DELETE FROM consumer_receipts WHERE ctid IN (
         SELECT ctid FROM consumer_receipts WHERE org_id = $1 AND processed_at < $2 LIMIT $3)`,
      receiptsBefore,
    );
    n.webhookAttempts += await purge(
      org,
      `DELETE FROM webhook_attempts WHERE ctid IN (
         SELECT ctid FROM webhook_attempts WHERE org_id = $1 AND started_at < $2 LIMIT $3)`,
      attemptsBefore,
    );
  }
  return n;
}

/** Delete sync change log rows older than their retention, a chunk per statement; how many went. */
export async function purgeSyncChanges(db: Database, retention: RetentionConfig, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - retention.syncChangeDays * DAY_MS);
  let total = 0;
  for (;;) {
    const r = await db.pool.query<{ n: number }>('SELECT sync_purge_changes($1, $2) AS n', [before, PURGE_CHUNK]);
    const n = r.rows[0]!.n;
    total += n;
    if (n < PURGE_CHUNK) return total;
  }
}

export interface Worker {
  stop(): Promise<void>;
}

/** Run the purges now and then every `intervalMs`; failures are logged and retried next time. */
export function startMaintenanceWorker(
  db: Database,
  log: Logger,
  retention: RetentionConfig,
  intervalMs = 10 * 60_000,
): Worker {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      await purgeExpiredIdentityRecords(db)
        .then((n) => {
          if (n.sessions || n.passwordResets) log.info({ purged: n }, 'maintenance: purged expired identity records');
        })
        .catch((err: Error) => log.warn({ err: err.message }, 'maintenance: purge failed'));
      await purgeEventRecords(db, retention)
        .then((n) => {
          if (n.receipts || n.webhookAttempts) log.info({ purged: n }, 'maintenance: purged old event records');
        })
        .catch((err: Error) => log.warn({ err: err.message }, 'maintenance: event records purge failed'));
      await purgeSyncChanges(db, retention)
        .then((n) => {
          if (n) log.info({ purged: { syncChanges: n } }, 'maintenance: purged old sync changes');
        })
        .catch((err: Error) => log.warn({ err: err.message }, 'maintenance: sync changes purge failed'));
    })();
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}

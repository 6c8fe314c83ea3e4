/**
 * The maintenance worker (process role `worker`): removes identity records that can no longer be used —
 * sessions past their absolute expiry or revoked, used or expired password-reset links — once they are a week
 * old, so the tables stay small. Tenant data is never touched here.
 */
import type { Logger } from 'pino';
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

export interface Worker {
  stop(): Promise<void>;
}

/** Run the purge now and then every `intervalMs`; failures are logged and retried next time. */
export function startMaintenanceWorker(db: Database, log: Logger, intervalMs = 10 * 60_000): Worker {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = purgeExpiredIdentityRecords(db)
      .then((n) => {
        if (n.sessions || n.passwordResets) log.info({ purged: n }, 'maintenance: purged expired identity records');
      })
      .catch((err: Error) => log.warn({ err: err.message }, 'maintenance: purge failed'));
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

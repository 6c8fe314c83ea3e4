/**
 * The background jobs of process role `worker`: the maintenance purge, event reminders, the outbox relay and the
 * webhook sender (the durable consumers, the webhook dispatcher among them, start in server.ts from consumers.ts).
 * Each is safe in several worker processes at once: the purge is idempotent, relays and senders claim disjoint rows.
 */
import pg from 'pg';
import type { Config } from './config.js';
import { startReminderWorker } from './modules/campaigns/field/reminders.js';
import { startMaintenanceWorker } from './platform/maintenance/worker.js';
import { startRelay } from './platform/outbox/relay.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './platform/webhooks/retry.js';
import { keepAliveAgents, startWebhookSender, type SenderSettings } from './platform/webhooks/sender.js';
import type { Platform } from './server.js';

export interface Workers {
  stop(): Promise<void>;
}

export const retryPolicyOf = (c: Config['webhooks']): RetryPolicy => ({
  ...DEFAULT_RETRY_POLICY,
  baseMs: c.retryBaseMs,
  capMs: c.retryCapMs,
});

/** The webhook sender's settings from the configuration (with keep-alive agents of its own). */
export const senderSettingsOf = (config: Config): SenderSettings => ({
  serverSecret: config.secret,
  timeoutMs: config.webhooks.timeoutMs,
  allow: config.webhooks.allowCidrs,
  policy: retryPolicyOf(config.webhooks),
  agents: keepAliveAgents(),
});

export async function startWorkers(platform: Platform): Promise<Workers> {
  const { services } = platform;
  const { db, bus, log, config } = services;
  if (!platform.relayUrl) throw new Error('the outbox relay needs its role’s connection (DATABASE_RELAY_URL)');
  const relayPool = new pg.Pool({ connectionString: platform.relayUrl, max: 3, idleTimeoutMillis: 30_000 });
  relayPool.on('error', (err) => log.warn({ err: err.message }, 'idle relay database client error'));
  const maintenance = startMaintenanceWorker(db, log, config.retention);
  const reminders = startReminderWorker(db, services.mailer, log);
  const relay = startRelay({ pool: relayPool, bus, listen: db.listen, log: log.child({ component: 'relay' }) });
  const sender = startWebhookSender({
    db,
    mailer: services.mailer,
    log: log.child({ component: 'webhooks' }),
    claimPool: relayPool,
    concurrency: config.webhooks.concurrency,
    settings: senderSettingsOf(config),
  });
  return {
    async stop() {
      await relay.stop();
      await sender.stop();
      await maintenance.stop();
      await reminders.stop();
      await relayPool.end();
    },
  };
}

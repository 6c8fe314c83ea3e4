/**
 * The background jobs of process role `worker`: the maintenance purge, event reminders, the outbox relay, the webhook dispatcher
 * (a durable consumer) and the webhook sender. Each is safe in several worker processes at once: the purge is
 * idempotent, relays and senders claim disjoint rows, the dispatcher's consumer is shared and its receipts dedupe.
 */
import pg from 'pg';
import type { Config } from './config.js';
import { startConsumer } from './platform/events/consumer.js';
import { startReminderWorker } from './modules/campaigns/field/reminders.js';
import { startMaintenanceWorker } from './platform/maintenance/worker.js';
import { startRelay } from './platform/outbox/relay.js';
import { webhookDispatcher } from './platform/webhooks/dispatcher.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './platform/webhooks/retry.js';
import { keepAliveAgents, startWebhookSender } from './platform/webhooks/sender.js';
import type { Platform } from './server.js';

/**
 * Subscribers of the webhook dispatcher per worker process: one, since it keeps batches of events in flight
 * (consumer.ts) rather than one event at a time.
 */
export const DISPATCHER_SUBSCRIBERS = 1;

export interface Workers {
  stop(): Promise<void>;
}

export const retryPolicyOf = (c: Config['webhooks']): RetryPolicy => ({
  ...DEFAULT_RETRY_POLICY,
  baseMs: c.retryBaseMs,
  capMs: c.retryCapMs,
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
  // The subscribers share the dispatcher's durable consumer; each handles its events in batches, one transaction
  // per org and batch (consumer.ts), so deliveries are created a batch at a time, not one event per transaction.
  const dispatchers = await Promise.all(
    Array.from({ length: DISPATCHER_SUBSCRIBERS }, () => startConsumer(bus, db, services, webhookDispatcher)),
  );
  const sender = startWebhookSender({
    db,
    mailer: services.mailer,
    log: log.child({ component: 'webhooks' }),
    claimPool: relayPool,
    concurrency: config.webhooks.concurrency,
    settings: {
      serverSecret: config.secret,
      timeoutMs: config.webhooks.timeoutMs,
      allow: config.webhooks.allowCidrs,
      policy: retryPolicyOf(config.webhooks),
      agents: keepAliveAgents(),
    },
  });
  return {
    async stop() {
      await relay.stop();
      await Promise.all(dispatchers.map((d) => d.close()));
      await sender.stop();
      await maintenance.stop();
      await reminders.stop();
      await relayPool.end();
    },
  };
}

/**
 * Every durable event consumer the `worker` role runs (platform/events/consumer.ts: one transaction per org and batch,
 * exactly-once effects through receipts), and `startConsumers`, the one place they are started (server.ts, for the
 * worker role). The realtime fan-out is not here: it is per `api` process.
 */
import { budgetCacheInvalidations } from './modules/campaigns/budget.js';
import { messagingNotificationRules } from './modules/campaigns/messaging/notifications.js';
import type { Database } from './db/index.js';
import type { CacheInvalidation } from './platform/cache/invalidation.js';
import type { EventBus, Subscription } from './platform/events/bus.js';
import { startConsumer, type Consumer } from './platform/events/consumer.js';
import { meteringConsumer } from './platform/metering/usage.js';
import { notificationsConsumer } from './platform/notifications/consumer.js';
import { membershipNotificationRules } from './platform/tenancy/notifications.js';
import { webhookDispatcher } from './platform/webhooks/dispatcher.js';
import type { Services } from './services.js';

export const consumers: Consumer[] = [
  meteringConsumer,
  notificationsConsumer([...membershipNotificationRules, ...messagingNotificationRules]),
  webhookDispatcher,
];

/**
 * Subscribers of the webhook dispatcher per worker process: one, since it keeps batches of events in flight
 * (one transaction per org and batch, consumer.ts) rather than one event at a time.
 */
export const DISPATCHER_SUBSCRIBERS = 1;

/** Subscribers per process of a consumer (default 1); several would share its durable consumer. */
const SUBSCRIBERS: ReadonlyMap<Consumer, number> = new Map([[webhookDispatcher, DISPATCHER_SUBSCRIBERS]]);

/** Start every durable consumer (several worker processes share each one's events; receipts dedupe). */
export async function startConsumers(bus: EventBus, db: Database, services: Services): Promise<Subscription[]> {
  const started: Subscription[] = [];
  for (const c of consumers) {
    const n = SUBSCRIBERS.get(c) ?? 1;
    started.push(...(await Promise.all(Array.from({ length: n }, () => startConsumer(bus, db, services, c)))));
  }
  return started;
}

/** What each `api` process drops from its cache when events say it is stale (platform/cache/invalidation.ts). */
export const cacheInvalidations: CacheInvalidation[] = [...budgetCacheInvalidations];

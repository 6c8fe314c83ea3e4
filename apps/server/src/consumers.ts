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
import { startConsumerGroup, type Consumer } from './platform/events/consumer.js';
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
 * The worker's durable subscription: every consumer above reads the bus through this one (`startConsumerGroup`), so
 * an event is read, decoded and acknowledged once per worker rather than once per consumer, and a batch of one org's
 * events is written for all of them in one transaction. One subscriber per process: it keeps batches of events in
 * flight rather than one event at a time.
 */
export const WORKER_SUBSCRIPTION = 'worker';

/** Start the durable consumers (several worker processes share the subscription's events; receipts dedupe). */
export async function startConsumers(bus: EventBus, db: Database, services: Services): Promise<Subscription[]> {
  return [await startConsumerGroup(bus, db, services, { name: WORKER_SUBSCRIPTION, consumers })];
}

/** What each `api` process drops from its cache when events say it is stale (platform/cache/invalidation.ts). */
export const cacheInvalidations: CacheInvalidation[] = [...budgetCacheInvalidations];

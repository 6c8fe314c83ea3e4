/**
 * Every durable event consumer the `worker` role runs (platform/events/consumer.ts: one transaction per org and batch,
 * exactly-once effects through receipts). The realtime fan-out is not here: it is per `api` process.
 */
import { budgetCacheInvalidations } from './modules/campaigns/budget.js';
import { messagingNotificationRules } from './modules/campaigns/messaging/notifications.js';
import type { CacheInvalidation } from './platform/cache/invalidation.js';
import type { Consumer } from './platform/events/consumer.js';
import { meteringConsumer } from './platform/metering/usage.js';
import { notificationsConsumer } from './platform/notifications/consumer.js';
import { membershipNotificationRules } from './platform/tenancy/notifications.js';

export const consumers: Consumer[] = [
  meteringConsumer,
  notificationsConsumer([...membershipNotificationRules, ...messagingNotificationRules]),
];

/** What each `api` process drops from its cache when events say it is stale (platform/cache/invalidation.ts). */
export const cacheInvalidations: CacheInvalidation[] = [...budgetCacheInvalidations];

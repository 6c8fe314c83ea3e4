/** Every table of the platform and its modules, gathered for drizzle-kit and for typed queries. */
export * from '../platform/tenancy/schema.js';
export * from '../platform/identity/schema.js';
export * from '../platform/audit/schema.js';
export * from '../platform/outbox/schema.js';
export * from '../platform/events/schema.js';
export * from '../modules/intelligence/reference/schema.js';
export * from '../modules/intelligence/forecasts/schema.js';
export * from '../modules/campaigns/schema.js';
export * from '../modules/campaigns/voters/schema.js';
export * from '../modules/campaigns/messaging/schema.js';
export * from '../modules/campaigns/field/schema.js';
export * from '../platform/apikeys/schema.js';
export * from '../platform/webhooks/schema.js';
export * from '../platform/metering/schema.js';
export * from '../platform/notifications/schema.js';
export * from '../platform/push/schema.js';
export * from '../modules/campaigns/sync/schema.js';

import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/index.js';
import type { Cache } from './platform/cache/cache.js';
import type { EventBus } from './platform/events/bus.js';
import type { RealtimeHub } from './platform/realtime/hub.js';
import type { AuthCache } from './platform/identity/auth-cache.js';
import type { ApiKeyResolver } from './platform/apikeys/authenticate.js';
import type { Limiter } from './platform/limiter/limiter.js';
import type { RequestLimiter } from './platform/limiter/requests.js';
import type { Mailer } from './platform/mail/mailer.js';
import type { PolicyEngine } from './platform/policy/engine.js';

/** What handlers and domain functions may use. Built once at boot and passed explicitly. */
export interface Services {
  config: Config;
  db: Database;
  /** Sessions, tokens and roles, cached per process and invalidated by database notifications. */
  authCache: AuthCache;
  /** Organization API keys (`akk_…`), resolved through `authCache`. */
  apiKeys: ApiKeyResolver;
  policy: PolicyEngine;
  mailer: Mailer;
  limiter: Limiter;
  /** Per API key / per user request limits by organization plan, over `limiter`. */
  requestLimiter: RequestLimiter;
  /** Read-through cache (in-memory LRU, or Redis when REDIS_URL is set), invalidated from events. */
  cache: Cache;
  /** This process's Server-Sent Events fan-out (subscribed to the bus by the `api` role). */
  realtime: RealtimeHub;
  log: Logger;
  /** The event bus (NATS JetStream when NATS_URL is set, in process otherwise); the outbox relay publishes to it. */
  bus: EventBus;
  /** Readiness probes of optional infrastructure (cache, bus), by name. */
  probes: Record<string, () => Promise<void>>;
}

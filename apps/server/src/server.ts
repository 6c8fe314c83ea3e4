/**
 * Boot: configuration → database (embedded or DATABASE_URL) → services → HTTP app. One process runs every
 * role by default; ROLES=api or ROLES=worker splits them for scale-out.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/index.js';
import { buildApp, type BuiltApp } from './http/app.js';
import { createAuthCache } from './platform/identity/auth-cache.js';
import { memoryLimiter, redisLimiter, type Limiter } from './platform/limiter/limiter.js';
import { createRequestLimiter } from './platform/limiter/requests.js';
import { createApiKeyResolver } from './platform/apikeys/authenticate.js';
import { logMailer, smtpMailer, type Mailer } from './platform/mail/mailer.js';
import { serverEventBus } from './platform/events/open.js';
import { natsProbe } from './platform/ops/nats-probe.js';
import type { EventBus, Subscription } from './platform/events/bus.js';
import { cacheInvalidations, startConsumers } from './consumers.js';
import { memoryCache, redisCache, type Cache } from './platform/cache/cache.js';
import { startCacheInvalidation } from './platform/cache/invalidation.js';
import { createRealtimeHub } from './platform/realtime/hub.js';
import { loadPolicyEngine } from './platform/policy/engine.js';
import { routes } from './routes.js';
import type { Services } from './services.js';

export const DEFAULT_WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export function createLogger(config: Pick<Config, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'akashic' }, timestamp: pino.stdTimeFunctions.isoTime });
}

export interface Platform {
  services: Services;
  built: BuiltApp;
  adminUrl: string;
  /** The outbox relay role's connection string (known when this platform opened the database). */
  relayUrl: string | undefined;
  embedded: boolean;
  close(): Promise<void>;
}

export interface PlatformOverrides {
  mailer?: Mailer;
  limiter?: Limiter;
  cache?: Cache;
  log?: Logger;
  database?: Database;
  bus?: EventBus;
}

/** Open every dependency and build the app, without listening. Tests use this directly. */
export async function createPlatform(config: Config, overrides: PlatformOverrides = {}): Promise<Platform> {
  const log = overrides.log ?? createLogger(config);
  const policy = loadPolicyEngine();
  let database = overrides.database;
  let adminUrl = config.database.adminUrl ?? '';
  let embedded = false;
  let relayUrl: string | undefined;
  if (!database) {
    const opened = await openDatabase({
      adminUrl: config.database.adminUrl,
      appUrl: config.database.appUrl,
      relayUrl: config.database.relayUrl,
      poolMax: config.database.poolMax,
      home: config.home,
      secret: config.secret,
      log: (l) => log.debug({ component: 'postgres' }, l),
      info: (l) => log.info({ component: 'reference-data' }, l),
    });
    database = opened.database;
    adminUrl = opened.adminUrl;
    relayUrl = opened.relayUrl;
    embedded = opened.embedded;
  }
  const probes: Services['probes'] = {};
  let redis: Redis | undefined;
  if (config.redisUrl) {
    redis = new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 });
    redis.on('error', (err) => log.warn({ err: err.message }, 'redis error'));
    probes.cache = async () => {
      await redis!.ping();
    };
  }
  if (config.natsUrl) probes.bus = natsProbe(config.natsUrl);
  const limiter = overrides.limiter ?? (redis ? redisLimiter(redis) : memoryLimiter());
  const cache = overrides.cache ?? (redis ? redisCache(redis) : memoryCache());
  const mailer =
    overrides.mailer ?? (config.mail.smtpUrl ? smtpMailer(config.mail.smtpUrl, config.mail.from) : logMailer(log));
  const authCache = createAuthCache(database);
  const busLog = { warn: (detail: object, message: string) => log.warn(detail, message) };
  const bus = overrides.bus ?? serverEventBus(config, busLog);
  const realtime = createRealtimeHub({ bus, db: database, authCache, policy, log, options: config.realtime });
  const apiKeys = createApiKeyResolver(database, authCache);
  const requestLimiter = createRequestLimiter(config.rateLimits, limiter, database, authCache);
  const services: Services = {
    config,
    db: database,
    authCache,
    apiKeys,
    policy,
    mailer,
    limiter,
    requestLimiter,
    cache,
    bus,
    realtime,
    log,
    probes,
  };
  const built = await buildApp(services, routes);
  const subscriptions: Subscription[] = [];
  if (config.roles.has('api')) {
    await realtime.start();
    subscriptions.push(await startCacheInvalidation(bus, cache, cacheInvalidations, busLog));
  }
  // The worker role runs the durable consumers (several workers share each consumer's events).
  if (config.roles.has('worker')) {
    subscriptions.push(...(await startConsumers(bus, database, services)));
  }
  return {
    services,
    built,
    adminUrl,
    relayUrl,
    embedded,
    async close() {
      // Streams first: the HTTP server waits for open responses, and a live stream never ends by itself.
      await realtime.close();
      // Responses under way get a grace period to finish; then the connections still open (a client that stopped
      // reading its answer, say) are cut, so a shutdown never hangs on someone else's socket.
      const cut = setTimeout(() => built.app.server.closeAllConnections(), config.shutdownGraceMs);
      await built.app.close().finally(() => clearTimeout(cut));
      await Promise.all(subscriptions.map((s) => s.close()));
      if (!overrides.bus) await bus.close();
      await authCache.close();
      await limiter.close();
      await cache.close();
      redis?.disconnect();
      await database!.close();
    },
  };
}

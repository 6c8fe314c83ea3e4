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
import { logMailer, smtpMailer, type Mailer } from './platform/mail/mailer.js';
import { natsProbe } from './platform/ops/nats-probe.js';
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
  embedded: boolean;
  close(): Promise<void>;
}

export interface PlatformOverrides {
  mailer?: Mailer;
  limiter?: Limiter;
  log?: Logger;
  database?: Database;
}

/** Open every dependency and build the app, without listening. Tests use this directly. */
export async function createPlatform(config: Config, overrides: PlatformOverrides = {}): Promise<Platform> {
  const log = overrides.log ?? createLogger(config);
  const policy = loadPolicyEngine();
  let database = overrides.database;
  let adminUrl = config.database.adminUrl ?? '';
  let embedded = false;
  if (!database) {
    const opened = await openDatabase({
      adminUrl: config.database.adminUrl,
      appUrl: config.database.appUrl,
      poolMax: config.database.poolMax,
      home: config.home,
      secret: config.secret,
      log: (l) => log.debug({ component: 'postgres' }, l),
      info: (l) => log.info({ component: 'reference-data' }, l),
    });
    database = opened.database;
    adminUrl = opened.adminUrl;
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
  const mailer =
    overrides.mailer ?? (config.mail.smtpUrl ? smtpMailer(config.mail.smtpUrl, config.mail.from) : logMailer(log));
  const authCache = createAuthCache(database);
  const services: Services = { config, db: database, authCache, policy, mailer, limiter, log, probes };
  const built = await buildApp(services, routes);
  return {
    services,
    built,
    adminUrl,
    embedded,
    async close() {
      await built.app.close();
      await authCache.close();
      await limiter.close();
      redis?.disconnect();
      await database!.close();
    },
  };
}

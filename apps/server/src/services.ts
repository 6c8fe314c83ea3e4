import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Database } from './db/index.js';
import type { AuthCache } from './platform/identity/auth-cache.js';
import type { Limiter } from './platform/limiter/limiter.js';
import type { Mailer } from './platform/mail/mailer.js';
import type { PolicyEngine } from './platform/policy/engine.js';

/** What handlers and domain functions may use. Built once at boot and passed explicitly. */
export interface Services {
  config: Config;
  db: Database;
  /** Sessions, tokens and roles, cached per process and invalidated by database notifications. */
  authCache: AuthCache;
  policy: PolicyEngine;
  mailer: Mailer;
  limiter: Limiter;
  log: Logger;
  /** Readiness probes of optional infrastructure (cache, bus), by name. */
  probes: Record<string, () => Promise<void>>;
}

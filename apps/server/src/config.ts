/**
 * Configuration, parsed once at boot. Nothing else in the codebase reads `process.env`:
 * every service receives the slice of this object it needs as an argument.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_PLAN_LIMITS, PLAN_NAMES, type PlanLimit, type PlanName } from './platform/limiter/plans.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Public origin of the console, used in e-mailed links and to decide cookie `Secure`. */
  PUBLIC_URL: z.url().optional(),
  /** Where embedded state (PostgreSQL data directory, generated secret) lives. */
  AKASHIC_HOME: z.string().default('.akashic'),
  /** Admin/migrator connection. Absent: an embedded PostgreSQL runs under AKASHIC_HOME. */
  DATABASE_URL: z.url().optional(),
  /** Connection for the application role. Absent: derived from DATABASE_URL with the app role. */
  DATABASE_APP_URL: z.url().optional(),
  /** Connection for the outbox relay's role (akashic_relay). Absent: derived from DATABASE_URL with that role. */
  DATABASE_RELAY_URL: z.url().optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
  REDIS_URL: z.url().optional(),
  NATS_URL: z.string().optional(),
  /** Event subjects' first token and the JetStream stream holding them (separate deployments sharing one NATS). */
  EVENTS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('akashic'),
  EVENTS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .default('AKASHIC'),
  /** Server secret (≥ 32 chars). Absent outside production: generated once and kept in AKASHIC_HOME. */
  AKASHIC_SECRET: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Comma-separated origins allowed by CORS. Empty: CORS closed. */
  CORS_ORIGINS: z.string().default(''),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** On shutdown, how long responses under way may take before their connections are closed. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(300_000).default(10_000),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(60 * 24 * 7),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .default(24 * 30),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Akashic <no-reply@akashic.local>'),
  /** Webhooks: one delivery attempt, DNS to last byte read. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** Webhooks: the first retry's window (later ones grow ×4 up to WEBHOOK_RETRY_CAP_MS); see webhooks/retry.ts. */
  WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(1).default(60_000),
  WEBHOOK_RETRY_CAP_MS: z.coerce
    .number()
    .int()
    .min(1)
    .default(8 * 3_600_000),
  /** Webhooks: attempts in flight at once per worker process. */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(64),
  /**
   * Days a consumer's receipt of an event is kept (maintenance worker). At least 8: longer than JetStream keeps the
   * event (7 days), so no redelivery can come after its receipt is gone.
   */
  EVENT_RECEIPT_RETENTION_DAYS: z.coerce.number().int().min(8).max(3650).default(30),
  /**
   * Days the sync change log keeps a change (maintenance worker). A device whose cursor is older resyncs in full
   * (a reset) instead of catching up: at least 7, so a phone left off over a week still catches up.
   */
  SYNC_CHANGE_RETENTION_DAYS: z.coerce.number().int().min(7).max(3650).default(30),
  /** Days a webhook delivery attempt (request and answer excerpts) is kept in the delivery log. */
  WEBHOOK_ATTEMPT_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** Webhooks: comma-separated CIDRs allowed despite the SSRF guard — local receivers in development and tests only. */
  WEBHOOK_ALLOW_CIDRS: z.string().default(''),
  /**
   * Web push (VAPID, RFC 8292): the application server's P-256 private key, base64url (32 bytes). Browsers' push
   * subscriptions are bound to its public key: changing it ends every subscription. Absent outside production:
   * generated once and kept in AKASHIC_HOME (`vapid-private-key`).
   */
  VAPID_PRIVATE_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{43}$/, 'a P-256 private key: 32 bytes, base64url')
    .optional(),
  /** Contact for push services (RFC 8292 `sub`): `mailto:` or an https URL. Default: PUBLIC_URL, else MAIL_FROM's address. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, 'a mailto: or https: URI')
    .optional(),
  /** Passkeys (WebAuthn): the relying party id, a registrable domain. Default: PUBLIC_URL's host name, else localhost. */
  WEBAUTHN_RP_ID: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'a domain name such as akashic.example.org')
    .optional(),
  /** The name authenticators show for this site. */
  WEBAUTHN_RP_NAME: z.string().min(1).max(100).default('Akashic Intelligence'),
  /**
   * Comma-separated origins passkeys may be used from. Default: PUBLIC_URL's origin; without PUBLIC_URL (outside
   * production), the origin a request addresses when its host name is the relying party id.
   */
  WEBAUTHN_ORIGINS: z.string().optional(),
  /** Seed a demo organization on first start of an empty database. */
  SEED_DEMO: bool.optional(),
  /** Serve the built web console from this directory. */
  WEB_DIST: z.string().optional(),
  /** Process roles: api (HTTP), worker (background jobs). Default: all in one process. */
  ROLES: z.string().default('api,worker'),
  TRUST_PROXY: bool.default(false),
  /** GraphQL (/api/graphql): deepest field nesting a query may have. */
  GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(1).max(100).default(10),
  /** GraphQL: complexity budget of one operation (a field costs 1, a list field 10 times what it selects). */
  GRAPHQL_MAX_COMPLEXITY: z.coerce.number().int().min(1).default(2000),
  /** GraphQL: largest query document, in bytes. */
  GRAPHQL_MAX_DOCUMENT_BYTES: z.coerce.number().int().min(256).max(1_048_576).default(16_384),
  /** GraphQL: answer introspection queries. Default: on outside production. */
  GRAPHQL_INTROSPECTION: bool.optional(),
  /** GraphQL: automatic persisted queries kept in memory per process (least recently used evicted). */
  GRAPHQL_APQ_CACHE_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(1000),
  /** GraphQL: a JSON array of query documents; when set, only these run (by hash or by text). */
  GRAPHQL_ALLOWLIST_FILE: z.string().optional(),
  /** Rate-limit API keys and users per their organization's plan (platform/limiter/plans.ts). */
  RATE_LIMITS: bool.default(true),
  /** JSON overriding plans' limits, e.g. {"free":{"requestsPerMinute":60,"burst":10}}. */
  RATE_LIMIT_PLANS: z.string().optional(),
  /** Realtime (SSE): events kept per process for `Last-Event-ID` resume. */
  REALTIME_RING_SIZE: z.coerce.number().int().min(0).max(1_000_000).default(2000),
  /** Realtime: open streams one user may hold per process. */
  REALTIME_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().min(1).max(1000).default(8),
  /** Realtime: heartbeat (and credential re-check) interval. */
  REALTIME_HEARTBEAT_MS: z.coerce.number().int().min(100).max(300_000).default(15_000),
  /** Realtime: unsent bytes a stream may hold before its (slow) client is dropped. */
  REALTIME_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).default(262_144),
});

export type Env = z.infer<typeof EnvSchema>;

export interface Config {
  env: Env['NODE_ENV'];
  host: string;
  port: number;
  publicUrl: string | undefined;
  home: string;
  database: {
    adminUrl: string | undefined;
    appUrl: string | undefined;
    relayUrl: string | undefined;
    poolMax: number;
  };
  redisUrl: string | undefined;
  natsUrl: string | undefined;
  events: { prefix: string; stream: string };
  secret: string;
  logLevel: Env['LOG_LEVEL'];
  corsOrigins: string[];
  bodyLimit: number;
  shutdownGraceMs: number;
  session: { idleMs: number; absoluteMs: number };
  mail: { smtpUrl: string | undefined; from: string };
  seedDemo: boolean;
  webDist: string | undefined;
  roles: Set<'api' | 'worker'>;
  trustProxy: boolean;
  graphql: GraphQLConfig;
  realtime: { ringSize: number; maxPerUser: number; heartbeatMs: number; maxBufferedBytes: number };
  rateLimits: { enabled: boolean; plans: Record<PlanName, PlanLimit> };
  webhooks: WebhooksConfig;
  /** How long the maintenance worker keeps event bookkeeping (consumer receipts, webhook attempts) and the sync log. */
  retention: RetentionConfig;
  push: PushConfig;
  webauthn: WebAuthnConfig;
}

export interface WebhooksConfig {
  timeoutMs: number;
  retryBaseMs: number;
  retryCapMs: number;
  concurrency: number;
  allowCidrs: string[];
}

export interface RetentionConfig {
  receiptDays: number;
  webhookAttemptDays: number;
  /** Days a sync change log row is kept (older cursors get a reset). */
  syncChangeDays: number;
}

export interface WebAuthnConfig {
  rpId: string;
  rpName: string;
  /** The origins accepted; null: any origin whose host name is `rpId` (development and tests only). */
  origins: string[] | null;
}

export interface PushConfig {
  /** The VAPID key pair: uncompressed public point (65 bytes) and private scalar (32 bytes). */
  vapid: { publicKey: Buffer; privateKey: Buffer; subject: string };
}

export interface GraphQLConfig {
  maxDepth: number;
  maxComplexity: number;
  maxDocumentBytes: number;
  introspection: boolean;
  apqCacheSize: number;
  /** Allow-list mode: the only documents that may run. */
  allowlist: string[] | undefined;
}

export class ConfigError extends Error {}

/** Parse an environment (normally `process.env`, passed in by the entry point). */
export function loadConfig(source: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const home = path.resolve(e.AKASHIC_HOME);
  let secret = e.AKASHIC_SECRET;
  if (!secret) {
    if (e.NODE_ENV === 'production') throw new ConfigError('AKASHIC_SECRET is required in production');
    secret = persistedSecret(home);
  }
  // Without it, e-mailed links would be built from the request's Host header, which a caller controls.
  if (e.NODE_ENV === 'production' && !e.PUBLIC_URL) {
    throw new ConfigError('PUBLIC_URL is required in production (links in invitation and password-reset mail)');
  }
  const allowCidrs = e.WEBHOOK_ALLOW_CIDRS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const c of allowCidrs) {
    if (!/^[0-9a-f:.]+\/\d{1,3}$/i.test(c)) throw new ConfigError(`WEBHOOK_ALLOW_CIDRS: "${c}" is not a CIDR`);
  }
  if (e.NODE_ENV === 'production' && allowCidrs.length > 0) {
    throw new ConfigError('WEBHOOK_ALLOW_CIDRS is for development and tests: it opens the SSRF guard');
  }
  let vapidKey = e.VAPID_PRIVATE_KEY;
  if (!vapidKey) {
    if (e.NODE_ENV === 'production') {
      throw new ConfigError('VAPID_PRIVATE_KEY is required in production (web push subscriptions are bound to it)');
    }
    vapidKey = persistedVapidKey(home);
  }
  const roles = new Set<'api' | 'worker'>();
  for (const r of e.ROLES.split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (r !== 'api' && r !== 'worker') throw new ConfigError(`ROLES: unknown role "${r}" (expected api, worker)`);
    roles.add(r);
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    home,
    database: {
      adminUrl: e.DATABASE_URL,
      appUrl: e.DATABASE_APP_URL,
      relayUrl: e.DATABASE_RELAY_URL,
      poolMax: e.DATABASE_POOL_MAX,
    },
    redisUrl: e.REDIS_URL,
    natsUrl: e.NATS_URL,
    events: { prefix: e.EVENTS_SUBJECT_PREFIX, stream: e.EVENTS_STREAM },
    secret,
    logLevel: e.LOG_LEVEL,
    corsOrigins: e.CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    bodyLimit: e.BODY_LIMIT_BYTES,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    session: { idleMs: e.SESSION_IDLE_MINUTES * 60_000, absoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000 },
    mail: { smtpUrl: e.SMTP_URL, from: e.MAIL_FROM },
    seedDemo: e.SEED_DEMO ?? !e.DATABASE_URL,
    webDist: e.WEB_DIST,
    roles,
    trustProxy: e.TRUST_PROXY,
    graphql: {
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxComplexity: e.GRAPHQL_MAX_COMPLEXITY,
      maxDocumentBytes: e.GRAPHQL_MAX_DOCUMENT_BYTES,
      introspection: e.GRAPHQL_INTROSPECTION ?? e.NODE_ENV !== 'production',
      apqCacheSize: e.GRAPHQL_APQ_CACHE_SIZE,
      allowlist: e.GRAPHQL_ALLOWLIST_FILE ? readAllowlist(e.GRAPHQL_ALLOWLIST_FILE) : undefined,
    },
    rateLimits: { enabled: e.RATE_LIMITS, plans: planLimits(e.RATE_LIMIT_PLANS) },
    webhooks: {
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
      retryCapMs: e.WEBHOOK_RETRY_CAP_MS,
      concurrency: e.WEBHOOK_CONCURRENCY,
      allowCidrs,
    },
    retention: {
      receiptDays: e.EVENT_RECEIPT_RETENTION_DAYS,
      webhookAttemptDays: e.WEBHOOK_ATTEMPT_RETENTION_DAYS,
      syncChangeDays: e.SYNC_CHANGE_RETENTION_DAYS,
    },
    realtime: {
      ringSize: e.REALTIME_RING_SIZE,
      maxPerUser: e.REALTIME_MAX_CONNECTIONS_PER_USER,
      heartbeatMs: e.REALTIME_HEARTBEAT_MS,
      maxBufferedBytes: e.REALTIME_MAX_BUFFERED_BYTES,
    },
    webauthn: webauthnConfig(e),
    push: {
      vapid: {
        ...vapidKeyPair(vapidKey),
        subject: e.VAPID_SUBJECT ?? defaultVapidSubject(e.PUBLIC_URL, e.MAIL_FROM),
      },
    },
  };
}

const PlanLimitSchema = z.strictObject({
  requestsPerMinute: z.number().int().min(1).max(1_000_000),
  burst: z.number().int().min(1).max(1_000_000),
});
const PlanOverrides = z.partialRecord(z.enum(PLAN_NAMES), PlanLimitSchema);

function planLimits(json: string | undefined): Record<PlanName, PlanLimit> {
  const plans = { ...DEFAULT_PLAN_LIMITS };
  if (!json) return plans;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new ConfigError('RATE_LIMIT_PLANS: not JSON');
  }
  const r = PlanOverrides.safeParse(parsed);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`RATE_LIMIT_PLANS: ${lines} (plans: ${PLAN_NAMES.join(', ')})`);
  }
  return { ...plans, ...r.data };
}

function readAllowlist(file: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`GRAPHQL_ALLOWLIST_FILE: cannot read ${file}: ${(err as Error).message}`);
  }
  const list = z.array(z.string().min(1)).safeParse(parsed);
  if (!list.success) throw new ConfigError(`GRAPHQL_ALLOWLIST_FILE: ${file} must be a JSON array of query documents`);
  return list.data;
}

function persistedSecret(home: string): string {
  const file = path.join(home, 'secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(home, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}

function persistedVapidKey(home: string): string {
  const file = path.join(home, 'vapid-private-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(home, { recursive: true });
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const key = ecdh.getPrivateKey().toString('base64url');
  try {
    writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process of this home wrote it first: theirs is the key.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(file, 'utf8').trim();
    throw err;
  }
  return key;
}

function vapidKeyPair(privateKey: string): { publicKey: Buffer; privateKey: Buffer } {
  const d = Buffer.from(privateKey, 'base64url');
  const ecdh = createECDH('prime256v1');
  try {
    ecdh.setPrivateKey(d);
  } catch {
    throw new ConfigError('VAPID_PRIVATE_KEY: not a P-256 private key');
  }
  return { publicKey: ecdh.getPublicKey(), privateKey: d };
}

function defaultVapidSubject(publicUrl: string | undefined, mailFrom: string): string {
  if (publicUrl?.startsWith('https://')) return publicUrl.replace(/\/$/, '');
  const address = /<([^<>\s]+@[^<>\s]+)>/.exec(mailFrom)?.[1] ?? (mailFrom.includes('@') ? mailFrom.trim() : null);
  return `mailto:${address ?? 'no-reply@akashic.local'}`;
}

function webauthnConfig(e: Env): WebAuthnConfig {
  const publicUrl = e.PUBLIC_URL ? new URL(e.PUBLIC_URL) : null;
  const rpId = e.WEBAUTHN_RP_ID ?? publicUrl?.hostname ?? 'localhost';
  const listed = e.WEBAUTHN_ORIGINS?.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  const origins = listed?.length ? listed : publicUrl ? [publicUrl.origin] : null;
  for (const origin of origins ?? []) {
    let host: string;
    try {
      host = new URL(origin).hostname;
    } catch {
      throw new ConfigError(`WEBAUTHN_ORIGINS: "${origin}" is not an origin`);
    }
    if (host !== rpId && !host.endsWith(`.${rpId}`)) {
      throw new ConfigError(`WEBAUTHN_ORIGINS: ${origin} is not on the relying party ${rpId}`);
    }
  }
  return { rpId, rpName: e.WEBAUTHN_RP_NAME, origins };
}

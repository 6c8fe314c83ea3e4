/**
 * Configuration, parsed once at boot. Nothing else in the codebase reads `process.env`:
 * every service receives the slice of this object it needs as an argument.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

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
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
  REDIS_URL: z.url().optional(),
  NATS_URL: z.string().optional(),
  /** Server secret (≥ 32 chars). Absent outside production: generated once and kept in AKASHIC_HOME. */
  AKASHIC_SECRET: z.string().min(32).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Comma-separated origins allowed by CORS. Empty: CORS closed. */
  CORS_ORIGINS: z.string().default(''),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
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
    poolMax: number;
  };
  redisUrl: string | undefined;
  natsUrl: string | undefined;
  secret: string;
  logLevel: Env['LOG_LEVEL'];
  corsOrigins: string[];
  bodyLimit: number;
  session: { idleMs: number; absoluteMs: number };
  mail: { smtpUrl: string | undefined; from: string };
  seedDemo: boolean;
  webDist: string | undefined;
  roles: Set<'api' | 'worker'>;
  trustProxy: boolean;
  graphql: GraphQLConfig;
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
    database: { adminUrl: e.DATABASE_URL, appUrl: e.DATABASE_APP_URL, poolMax: e.DATABASE_POOL_MAX },
    redisUrl: e.REDIS_URL,
    natsUrl: e.NATS_URL,
    secret,
    logLevel: e.LOG_LEVEL,
    corsOrigins: e.CORS_ORIGINS.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    bodyLimit: e.BODY_LIMIT_BYTES,
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
  };
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

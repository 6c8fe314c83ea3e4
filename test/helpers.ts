/**
 * Integration-test helpers: every test file gets its own database cloned from the migrated template and
 * talks to the real app over HTTP on a random port. Nothing of ours is mocked.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../apps/server/src/config.js';
import * as roleHelpers from '../apps/server/src/db/roles.js';
import { APP_ROLE, quoteIdent } from '../apps/server/src/db/roles.js';
import { memoryMailer } from '../apps/server/src/platform/mail/mailer.js';
import { createPlatform, type Platform } from '../apps/server/src/server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
    pgTemplate: string;
  }
}

export const TEST_SECRET = 'test-secret-test-secret-test-secret-0123';
/** A fixed VAPID key for tests (RFC 8291's example application server key), so no test writes one to disk. */
export const TEST_VAPID_PRIVATE_KEY = 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw';
/** The console origin passkey ceremonies claim in tests (a software authenticator signs for it). */
export const TEST_WEBAUTHN_ORIGIN = 'http://localhost:5173';

export interface TestDatabase {
  name: string;
  adminUrl: string;
  /** The application role's URL (RLS-bound, owns nothing). */
  appUrl: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = inject('pgServerUrl');
  const name = `akashic_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(inject('pgTemplate'))}`);
  } finally {
    await admin.end();
  }
  const adminUrl = new URL(serverUrl);
  adminUrl.pathname = '/' + name;
  return {
    name,
    adminUrl: adminUrl.toString(),
    get appUrl() {
      const { appRolePassword } = roleHelpers;
      const u = new URL(adminUrl.toString());
      u.username = APP_ROLE;
      u.password = appRolePassword(TEST_SECRET);
      return u.toString();
    },
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export function testConfig(adminUrl: string, extra: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: adminUrl,
    AKASHIC_SECRET: TEST_SECRET,
    VAPID_PRIVATE_KEY: TEST_VAPID_PRIVATE_KEY,
    // Passkeys' origin in tests; with a PUBLIC_URL, the relying party is derived from it instead.
    ...(extra.PUBLIC_URL ? {} : { WEBAUTHN_ORIGINS: TEST_WEBAUTHN_ORIGIN }),
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    PORT: '0',
    HOST: '127.0.0.1',
    // Suites send hundreds of requests as one user; the rate-limit tests turn limits on with their own plans.
    RATE_LIMITS: 'false',
    // A test that leaves an answer unread must not hold its file's teardown for the production grace.
    SHUTDOWN_GRACE_MS: '2000',
    ...extra,
  });
}

export interface TestApp {
  url: string;
  platform: Platform;
  db: TestDatabase;
  mail: ReturnType<typeof memoryMailer>;
  close(): Promise<void>;
}

export async function startTestApp(extraEnv: Record<string, string> = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const mail = memoryMailer();
  const platform = await createPlatform(testConfig(db.adminUrl, extraEnv), { mailer: mail });
  await platform.built.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = platform.built.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    platform,
    db,
    mail,
    async close() {
      await platform.close();
      await db.drop();
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A tiny HTTP client with a cookie jar, like a browser session or a script with a token. */
export class Client {
  private cookies = new Map<string, string>();
  orgId: string | undefined;
  token: string | undefined;

  constructor(readonly baseUrl: string) {}

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    opts: { headers?: Record<string, string>; raw?: string } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.orgId && !('x-akashic-org' in headers)) headers['x-akashic-org'] = this.orgId;
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | undefined = opts.raw;
    if (body !== undefined && payload === undefined) payload = JSON.stringify(body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const idx = pair!.indexOf('=');
      const k = pair!.slice(0, idx);
      const v = pair!.slice(idx + 1);
      if (v === '' || /expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(k);
      else this.cookies.set(k, v);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  get = <T = any>(path: string, opts?: { headers?: Record<string, string> }) =>
    this.request<T>('GET', path, undefined, opts);
  post = <T = any>(path: string, body?: unknown, opts?: { headers?: Record<string, string>; raw?: string }) =>
    this.request<T>('POST', path, body, opts);
  patch = <T = any>(path: string, body?: unknown) => this.request<T>('PATCH', path, body);
  put = <T = any>(path: string, body?: unknown) => this.request<T>('PUT', path, body);
  delete = <T = any>(path: string) => this.request<T>('DELETE', path);
}

let counter = 0;
/** Sign up a fresh user with their own org; returns a signed-in client acting in that org. */
export async function signUp(
  app: { url: string },
  label = 'user',
): Promise<{ client: Client; userId: string; orgId: string; email: string; password: string }> {
  const n = ++counter;
  const email = `${label}-${n}-${randomBytes(3).toString('hex')}@example.test`;
  const password = `pw-${randomBytes(8).toString('hex')}`;
  const client = new Client(app.url);
  const r = await client.post('/api/v1/auth/sign-up', {
    name: `${label} ${n}`,
    email,
    password,
    orgName: `${label} org ${n}`,
  });
  if (r.status !== 201) throw new Error(`sign-up failed: ${r.status} ${r.text}`);
  client.orgId = r.body.currentOrgId;
  return { client, userId: r.body.user.id, orgId: r.body.currentOrgId, email, password };
}

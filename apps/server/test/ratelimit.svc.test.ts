/**
 * Rate limits across TWO server processes sharing this machine's Redis and PostgreSQL: this test's app and a second
 * `akashic serve` process. Concurrent clients spread over both never get more admitted than the plan allows. The
 * oracle is exact: at one request a minute after a burst of B, a test lasting under a minute admits exactly B, per
 * API key and per user (session and personal token together), whichever process answers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_SECRET, type TestApp } from '../../../test/helpers.js';
import { as, signUpActor, type Actor, type Reply } from './support/http.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const BURST = 10;
const PLANS = JSON.stringify({ free: { requestsPerMinute: 1, burst: BURST } });
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/akashic.mjs');

let app: TestApp;
let child: ChildProcess;
let secondUrl: string;

beforeAll(async () => {
  app = await startTestApp({ REDIS_URL, RATE_LIMITS: 'true', RATE_LIMIT_PLANS: PLANS });
  expect(app.platform.services.limiter.kind).toBe('redis');
  child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: app.db.adminUrl,
      AKASHIC_SECRET: TEST_SECRET,
      HOST: '127.0.0.1',
      PORT: '0',
      ROLES: 'api',
      SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
      REDIS_URL,
      RATE_LIMITS: 'true',
      RATE_LIMIT_PLANS: PLANS,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  secondUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`second server did not start:\n${output}`)), 60_000);
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = /running at http:\/\/localhost:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`second server exited (${code}):\n${output}`)));
  });
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  await app?.close();
});

/** The same credentials, sent to another process. */
const on = (actor: Actor, baseUrl: string, token?: string): Actor => ({
  ...actor,
  baseUrl,
  ...(token ? { token, cookie: undefined } : {}),
});

/** `n` concurrent GET /api/v1/org, alternating between the actors (and so between the two processes). */
function storm(actors: Actor[], n: number): Promise<Reply[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => as(actors[i % actors.length]!, 'GET', '/api/v1/org')));
}

function expectRefusals(replies: Reply[]) {
  for (const r of replies) {
    expect([200, 429], r.text).toContain(r.status);
    expect(r.headers.get('ratelimit-policy')).toBe(`"free";q=1;w=60`);
    if (r.status === 429) {
      expect(r.body.code).toBe('rate_limited');
      const retry = Number(r.headers.get('retry-after'));
      expect(retry).toBeGreaterThan(0);
      expect(retry).toBeLessThanOrEqual(60);
    }
  }
}

describe('two server processes sharing Redis', () => {
  async function ownerWithKey() {
    const owner = await signUpActor(app.url, 'owner');
    const k = await as(owner, 'POST', '/api/v1/api-keys', {
      json: { name: 'k', role: 'viewer', scopes: ['org.read'] },
    });
    expect(k.status, k.text).toBe(201);
    return { owner, secret: k.body.secret as string };
  }

  it('serve the same database (the second process answers for this org)', async () => {
    const { owner, secret } = await ownerWithKey();
    const r = await as(on(owner, secondUrl, secret), 'GET', '/api/v1/org');
    expect(r.status, r.text).toBe(200);
    expect(r.body.id).toBe(owner.orgId);
  });

  it('admit exactly the burst of one API key under 120 concurrent requests', async () => {
    const { owner, secret } = await ownerWithKey();
    const started = Date.now();
    const replies = await storm([on(owner, app.url, secret), on(owner, secondUrl, secret)], 120);
    expect(Date.now() - started).toBeLessThan(60_000); // the oracle holds while no second minute has begun
    expectRefusals(replies);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(BURST);
    // Both processes admitted and refused some: the bucket really is shared.
    const byProcess = [0, 1].map((p) => replies.filter((_, i) => i % 2 === p));
    for (const mine of byProcess) expect(mine.some((r) => r.status === 429)).toBe(true);
  });

  it('admit exactly the burst of one user across their session and personal token, on both processes', async () => {
    const owner = await signUpActor(app.url, 'owner');
    const t = await as(owner, 'POST', '/api/v1/tokens', { json: { name: 'script', scopes: ['org.read'] } });
    expect(t.status).toBe(201);
    // The token's creation was the user's first request in this org.
    const token = t.body.secret as string;
    const replies = await storm(
      [on(owner, app.url), on(owner, secondUrl, token), on(owner, secondUrl), on(owner, app.url, token)],
      120,
    );
    expectRefusals(replies);
    expect(replies.filter((r) => r.status === 200)).toHaveLength(BURST - 1);
  });
});

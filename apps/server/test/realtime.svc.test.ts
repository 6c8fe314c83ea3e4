/**
 * The realtime fan-out across processes: two `akashic serve` processes (real child processes, api role) share
 * this machine's PostgreSQL and NATS JetStream. A browser streams from process A; changes are made through
 * process B and their outbox rows published to NATS (as the relay will); A delivers them. Signing out through B
 * ends A's stream at once (PostgreSQL notifications invalidate A's auth cache).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect as natsConnect } from 'nats';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, TEST_SECRET, type TestDatabase } from '../../../test/helpers.js';
import type { EventBus } from '../src/platform/events/bus.js';
import { natsEventBus } from '../src/platform/events/nats-bus.js';
import { CAMPAIGN, created } from './support/campaigns.js';
import { connect } from './support/db.js';
import { outboxEvents } from './support/events.js';
import { as, signInActor, signUpActor, type Actor } from './support/http.js';
import { openStream } from './support/sse.js';

const NATS_URL = 'nats://127.0.0.1:4222';
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/akashic.mjs');
const run = randomBytes(4).toString('hex');
const prefix = `akashic_rt_${run}`;
const stream = `AKASHIC_RT_${run}`;

interface Server {
  url: string;
  child: ChildProcess;
  home: string;
}

async function serve(db: TestDatabase, name: string): Promise<Server> {
  const home = mkdtempSync(path.join(tmpdir(), `akashic-${name}-`));
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      NODE_ENV: 'test',
      DATABASE_URL: db.adminUrl,
      AKASHIC_SECRET: TEST_SECRET,
      AKASHIC_HOME: home,
      LOG_LEVEL: 'warn',
      SEED_DEMO: 'false',
      HOST: '127.0.0.1',
      PORT: '0',
      ROLES: 'api',
      NATS_URL,
      EVENTS_SUBJECT_PREFIX: prefix,
      EVENTS_STREAM: stream,
      REALTIME_HEARTBEAT_MS: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${output}`)), 45_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /running at (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`${name} exited (${code}): ${output}`)));
  });
  return { url, child, home };
}

async function stop(s: Server | undefined) {
  if (!s) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  s.child.kill('SIGTERM');
  await exited;
  rmSync(s.home, { recursive: true, force: true });
}

let db: TestDatabase;
let admin: pg.Client;
let a: Server;
let b: Server;
let bus: EventBus;

beforeAll(async () => {
  db = await createTestDatabase();
  admin = await connect(db.adminUrl);
  [a, b] = await Promise.all([serve(db, 'a'), serve(db, 'b')]);
  bus = await natsEventBus({ url: NATS_URL, prefix, stream, name: `akashic-rt-test-${run}` });
}, 120_000);
afterAll(async () => {
  await bus?.close();
  await Promise.all([stop(a), stop(b)]);
  await admin?.end();
  const nc = await natsConnect({ servers: NATS_URL });
  await (await nc.jetstreamManager()).streams.delete(stream).catch(() => {});
  await nc.close();
  await db?.drop();
});

/** Publish `orgId`'s outbox rows not published yet by this test, as the relay will. */
const published = new Set<string>();
async function relay(orgId: string) {
  const fresh = (await outboxEvents(admin, orgId)).filter((e) => !published.has(e.id));
  for (const e of fresh) {
    published.add(e.id);
    await bus.publish(e);
  }
  return fresh;
}

describe('realtime across two server processes', () => {
  it('delivers a change made through process B to a browser streaming from process A', async () => {
    const ownerB = await signUpActor(b.url, 'rt-svc-owner');
    for (const e of await outboxEvents(admin, ownerB.orgId)) published.add(e.id);
    const ownerA: Actor = { ...ownerB, baseUrl: a.url };
    const s = await openStream(ownerA);
    try {
      expect(s.status).toBe(200);
      const campaignId = await created(ownerB, '/api/v1/campaigns', CAMPAIGN);
      const events = await relay(ownerB.orgId);
      const frames = await s.until((f) => JSON.parse(f.data).type === 'campaigns.campaign.member_added', 10_000);
      expect(frames.map((f) => f.id)).toEqual(events.map((e) => e.id));
      expect(JSON.parse(frames[0]!.data)).toMatchObject({ type: 'campaigns.campaign.created', campaignId });
    } finally {
      s.close();
    }
  });

  it('ends process A’s stream at once when the session signs out through process B', async () => {
    const owner = await signUpActor(b.url, 'rt-svc-leaving');
    const onA = await signInActor(a.url, owner.email, owner.password, owner.orgId);
    const s = await openStream(onA);
    const started = Date.now();
    expect((await as({ ...onA, baseUrl: b.url }, 'POST', '/api/v1/auth/sign-out')).status).toBe(204);
    expect(await s.next(5000)).toMatchObject({ event: 'closed', data: JSON.stringify({ reason: 'signed_out' }) });
    await s.ended;
    // Well before the next heartbeat's re-check (1 s): the invalidation did it.
    expect(Date.now() - started).toBeLessThan(900);
  });
});

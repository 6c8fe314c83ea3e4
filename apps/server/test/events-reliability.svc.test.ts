/**
 * The event backbone under failure, on this machine's PostgreSQL and a NATS server of the test's own: 10,000 events
 * committed across several orgs whose endpoints subscribe at random; two worker processes (relay + dispatcher +
 * sender, `akashic serve` with ROLES=worker) killed with SIGKILL at random moments and restarted; the NATS server
 * killed and restarted mid-run; a receiver that answers 500, hangs past the timeout or resets the connection at
 * random. Then: every committed event reached every endpoint subscribed to it (a 2xx answer), every request for an
 * event carried its id as webhook-id (duplicates included), and no event reached an endpoint of another org.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, TEST_SECRET, type TestDatabase } from '../../../test/helpers.js';
import { openDatabase, type Database } from '../src/db/index.js';
import { recordChange } from '../src/platform/audit/record.js';
import { sealWebhookSecret } from '../src/platform/webhooks/endpoints.js';
import { typeMatches } from '../src/platform/webhooks/filters.js';
import { newWebhookSecret, verifyWebhook } from '../src/platform/webhooks/signature.js';
import { ownNatsServer, type OwnNatsServer } from './support/nats-server.js';

const EVENTS = 10_000;
const ORGS = 5;
const TYPES = [
  'campaigns.campaign.updated',
  'campaigns.budget_line.created',
  'intelligence.scenario.created',
  'platform.org.updated',
];
const FILTERS = ['*', 'campaigns.*', 'campaigns.campaign.*', 'intelligence.*', 'platform.org.updated', 'platform.*'];
const CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/akashic.mjs');

interface Endpoint {
  id: string;
  orgId: string;
  filters: string[];
  secret: string;
}

let testDb: TestDatabase;
let db: Database;
let nats: OwnNatsServer;
let receiver: http.Server;
const workers: Array<ChildProcess | null> = [null, null];
const endpoints: Endpoint[] = [];
/** Event id → its org and type, for every committed event. */
const events = new Map<string, { orgId: string; type: string }>();
/** Every request the receiver got: which endpoint, which webhook-id, and whether it was answered 2xx. */
const requests: Array<{
  endpointId: string;
  orgId: string;
  webhookId: string;
  ok: boolean;
  signed: boolean;
  n: number;
}> = [];
/** payload.n → event id: which event a body is. */
const idOfN = new Map<number, string>();
const rand = (n: number) => Math.floor(Math.random() * n);

beforeAll(async () => {
  testDb = await createTestDatabase();
  nats = await ownNatsServer();
  ({ database: db } = await openDatabase({
    adminUrl: testDb.adminUrl,
    appUrl: undefined,
    poolMax: 8,
    home: '/nonexistent',
    secret: TEST_SECRET,
    log: () => {},
  }));
  receiver = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const [, orgId = '', endpointId = ''] = (req.url ?? '').split('/');
      const body = Buffer.concat(chunks).toString();
      const endpoint = endpoints.find((e) => e.id === endpointId);
      let signed = false;
      try {
        verifyWebhook([endpoint?.secret ?? 'whsec_AAAA'], req.headers as Record<string, string>, body);
        signed = true;
      } catch {
        signed = false;
      }
      const n = Number((JSON.parse(body) as { data?: { n?: number } }).data?.n);
      const record = (ok: boolean) =>
        requests.push({ endpointId, orgId, webhookId: String(req.headers['webhook-id']), ok, signed, n });
      const roll = Math.random();
      if (roll < 0.1) {
        record(false);
        res.writeHead(500).end('flaky');
      } else if (roll < 0.13) {
        record(false); // hangs past the sender's timeout; the connection is dropped later
        setTimeout(() => req.socket.destroy(), 3000);
      } else if (roll < 0.16) {
        record(false);
        req.socket.destroy();
      } else {
        record(true);
        res.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;

  for (let o = 0; o < ORGS; o++) {
    const orgId = randomUUID();
    for (let k = 0; k < 1 + rand(3); k++) {
      const filters = FILTERS.filter(() => Math.random() < 0.35);
      const e: Endpoint = {
        id: randomUUID(),
        orgId,
        filters: filters.length ? filters : ['*'],
        secret: newWebhookSecret(),
      };
      await db.transaction({ orgId }, (tx) =>
        tx.client.query(
          `INSERT INTO webhook_endpoints (id, org_id, url, event_types, secret) VALUES ($1, $2, $3, $4, $5)`,
          [
            e.id,
            orgId,
            `http://127.0.0.1:${port}/${orgId}/${e.id}`,
            e.filters,
            sealWebhookSecret(TEST_SECRET, e.id, e.secret),
          ],
        ),
      );
      endpoints.push(e);
    }
  }
}, 120_000);

afterAll(async () => {
  for (const w of workers) w?.kill('SIGKILL');
  await db?.close();
  await nats?.stop();
  receiver?.closeAllConnections();
  await new Promise<void>((r) => (receiver ? receiver.close(() => r()) : r()));
  await testDb?.drop();
});

function startWorker(i: number) {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      NODE_ENV: 'test',
      ROLES: 'worker',
      DATABASE_URL: testDb.adminUrl,
      AKASHIC_SECRET: TEST_SECRET,
      NATS_URL: nats.url,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'silent',
      WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_RETRY_CAP_MS: '1000',
    },
    stdio: 'ignore',
  });
  workers[i] = child;
}

/** kill -9 worker `i`; whether it was running. */
async function killWorker(i: number): Promise<boolean> {
  const w = workers[i];
  if (!w || w.exitCode !== null || w.signalCode !== null) return false;
  const exited = new Promise((r) => w.once('exit', r));
  w.kill('SIGKILL');
  await exited;
  return true;
}

/**
 * The commits are spread over at least this long, so that the kills (every 2–5 s) and the broker's restart land while
 * events are still being committed and delivered, however fast the pipeline has become.
 */
const MIN_COMMIT_MS = 12_000;

async function commitEvents() {
  const orgs = [...new Set(endpoints.map((e) => e.orgId))];
  const started = Date.now();
  for (let done = 0; done < EVENTS;) {
    const ahead = (done / EVENTS) * MIN_COMMIT_MS - (Date.now() - started);
    if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
    const orgId = orgs[rand(orgs.length)]!;
    const n = Math.min(1 + rand(40), EVENTS - done);
    const committed = await db.transaction({ orgId }, async (tx) => {
      const out: Array<[string, string]> = [];
      for (let i = 0; i < n; i++) {
        const type = TYPES[rand(TYPES.length)]!;
        const [module, ...action] = type.split('.');
        const { eventId } = await recordChange(tx, {
          orgId,
          actor: { type: 'system', id: null },
          module: module!,
          action: action.join('.'),
          target: { type: 'thing', id: randomUUID() },
          payload: { n: done + i },
        });
        out.push([eventId, type]);
      }
      return out;
    });
    committed.forEach(([id, type], i) => {
      events.set(id, { orgId, type });
      idOfN.set(done + i, id);
    });
    done += n;
  }
}

it('delivers every committed event to every subscribed endpoint of its org, through crashes and a broker restart', async () => {
  startWorker(0);
  startWorker(1);
  let chaos = true;
  let kills = 0;
  let natsRestarted = false;
  const chaosLoop = (async () => {
    const started = Date.now();
    while (chaos) {
      await new Promise((r) => setTimeout(r, 2000 + rand(3000)));
      if (!chaos) break;
      const i = rand(2);
      if (await killWorker(i)) kills++;
      await new Promise((r) => setTimeout(r, rand(400)));
      if (!natsRestarted && Date.now() - started > 6000) {
        natsRestarted = true;
        await nats.restart();
      }
      startWorker(i);
    }
  })();

  await commitEvents();
  expect(events.size).toBe(EVENTS);

  const expected = new Map<string, Set<string>>(); // endpoint id → event ids it must receive
  for (const e of endpoints) expected.set(e.id, new Set());
  for (const [id, ev] of events) {
    for (const e of endpoints) {
      if (e.orgId === ev.orgId && e.filters.some((f) => typeMatches(f, ev.type))) expected.get(e.id)!.add(id);
    }
  }
  const pairs = [...expected.values()].reduce((n, s) => n + s.size, 0);
  expect(pairs).toBeGreaterThan(EVENTS / 2);

  const delivered = () => {
    const got = new Set(requests.filter((r) => r.ok).map((r) => `${r.endpointId} ${r.webhookId}`));
    let missing = 0;
    for (const [endpointId, ids] of expected) for (const id of ids) if (!got.has(`${endpointId} ${id}`)) missing++;
    return missing;
  };
  // Chaos for a while longer, then let the workers finish undisturbed.
  await new Promise((r) => setTimeout(r, 5000));
  chaos = false;
  await chaosLoop;
  expect(kills, 'workers were killed mid-run').toBeGreaterThanOrEqual(3);
  expect(natsRestarted, 'the broker was restarted mid-run').toBe(true);
  for (const i of [0, 1])
    if (!workers[i] || workers[i]!.exitCode !== null || workers[i]!.signalCode !== null) startWorker(i);
  const deadline = Date.now() + 240_000;
  let missing = delivered();
  while (missing > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1000));
    missing = delivered();
  }
  expect(missing, `of ${pairs} (event, endpoint) pairs`).toBe(0);

  for (const r of requests) {
    const ev = events.get(r.webhookId);
    expect(ev, `webhook-id ${r.webhookId} is a committed event id`).toBeDefined();
    expect(r.orgId, 'an event reached an endpoint of its own org only').toBe(ev!.orgId);
    const endpoint = endpoints.find((e) => e.id === r.endpointId)!;
    expect(endpoint.orgId).toBe(ev!.orgId);
    expect(r.signed, 'every request carries a valid signature over its body and webhook-id').toBe(true);
    expect(r.webhookId, 'every attempt of an event carries that event’s id as webhook-id').toBe(idOfN.get(r.n));
  }
  const duplicates = requests.length - pairs;
  console.log(
    `reliability: ${kills} worker kills, broker restarted; ${EVENTS} events, ${pairs} (event, endpoint) pairs, ${requests.length} requests ` +
      `(${requests.filter((r) => !r.ok).length} failed on purpose, ${duplicates} beyond one per pair)`,
  );
}, 420_000);

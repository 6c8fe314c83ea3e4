/**
 * `npm run bench:events`: commit → webhook receipt on loopback, sustained, on this machine's PostgreSQL and NATS
 * JetStream; raw JetStream publish throughput measured in the same run as the ceiling.
 *
 * Pipeline (in this process, as a worker runs it): writers commit changes (recordChange: audit entry + outbox row)
 * → outbox relay (LISTEN/NOTIFY, SKIP LOCKED batches) → JetStream → webhook dispatcher consumer (a delivery per
 * matching endpoint, with its receipt) → sender (keep-alive, concurrent) → a loopback receiver. Latency is from each
 * event's commit to its receipt; events/s is what the receiver got over the run's wall time. "Sustained" is the
 * highest offered load delivered with p99 < 1 s (found by the runs BENCH_RATE describes): an unpaced run whose writers
 * outrun the pipeline measures a growing queue, not a load it can keep.
 * Target: ≥ 5,000 events/s, p99 < 1 s. Last line is JSON.
 *
 * It runs with the server's V8 flags, as a worker does (BENCH_NODE_FLAGS below).
 *
 * DATABASE_URL (superuser, default postgres://postgres@127.0.0.1:5432/postgres), NATS_URL (default
 * nats://127.0.0.1:4222); the run uses its own database, stream and subject prefix and removes them afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'nats';
import pg from 'pg';
import { SERVER_NODE_FLAGS } from '../apps/server/bin/node-flags.mjs';
import { loadConfig } from '../apps/server/src/config.js';
import { createDatabase, ensureDatabase } from '../apps/server/src/db/index.js';
import { quoteIdent } from '../apps/server/src/db/roles.js';
import { recordChange } from '../apps/server/src/platform/audit/record.js';
import { natsEventBus } from '../apps/server/src/platform/events/nats-bus.js';
import { memoryMailer } from '../apps/server/src/platform/mail/mailer.js';
import { sealWebhookSecret } from '../apps/server/src/platform/webhooks/endpoints.js';
import { newWebhookSecret } from '../apps/server/src/platform/webhooks/signature.js';
import { createPlatform } from '../apps/server/src/server.js';
import { startWorkers } from '../apps/server/src/workers.js';

const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 16);
const PER_TX = Number(process.env.BENCH_EVENTS_PER_TX ?? 10);
const CEILING_EVENTS = Number(process.env.BENCH_CEILING_EVENTS ?? 20_000);
/**
 * BENCH_RATE=<events/s>: the writers together commit at most this many events per second (paced, each writer its
 * share): one measured run at that offered load. `max` (as fast as they can): one unpaced run. Default (`sustained`):
 * the highest offered load the pipeline sustains within the latency target — an unpaced run first; if its p99 is
 * within P99_TARGET_MS (the writers are the limit) it is the answer, else the writers outran the pipeline and its
 * latencies include the backlog that grew, so paced runs bisect between half and all of its delivered rate
 * (SEARCH_STEPS of them) for the highest load whose every event arrived with p99 within the target. The JSON
 * reports that run.
 */
const RATE_SETTING = process.env.BENCH_RATE ?? 'sustained';
const P99_TARGET_MS = 1000;
const SEARCH_STEPS = 4;
/**
 * BENCH_BACKLOG=1: commit for BENCH_DURATION with the workers stopped, then start them and time the drain of the
 * backlog — the pipeline's own capacity and cost per event at full batches, apart from the writers' speed (latency
 * from commit is then meaningless and not reported as such).
 */
const BACKLOG = process.env.BENCH_BACKLOG === '1';
/**
 * BENCH_WARMUP=<s>: before the measured part, the writers run this long (at the same pace) and their events are
 * delivered, unmeasured, so that the measured part runs on code the JIT has compiled, as a long-running worker's
 * does (without it the first seconds' interpreted code weighs on the CPU per event). Default 3 when searching for the
 * sustained load, else 0; not with BENCH_BACKLOG.
 */
const WARMUP_S = BACKLOG ? 0 : Number(process.env.BENCH_WARMUP ?? (RATE_SETTING === 'sustained' ? 3 : 0));
/**
 * BENCH_CPU_PROF=<file>: write a V8 CPU profile (.cpuprofile) of this process over the measured part only — the run
 * from the first commit to the last receipt, or with BENCH_BACKLOG=1 the drain alone.
 */
const CPU_PROF = process.env.BENCH_CPU_PROF;
/**
 * The pipeline runs here as in a worker process, so this process runs with the server's V8 flags
 * (apps/server/bin/node-flags.mjs: `npm start` gives them to every process it starts, workers included); the bench
 * starts itself again with them. BENCH_NODE_FLAGS=<flags> runs it with those instead (`BENCH_NODE_FLAGS=` for
 * Node's defaults).
 */
const NODE_FLAGS =
  process.env.BENCH_NODE_FLAGS !== undefined
    ? process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean)
    : SERVER_NODE_FLAGS;
const ORGS = 16;
const SECRET = 'bench-secret-bench-secret-bench-secret-01';

/**
 * Database round trips, counted at the driver: a `Client.query` call is one round trip (a multi-statement simple
 * query too) unless it is pipelined behind statements of the same connection still waiting for their answers (the
 * pool is pipelined: a transaction sends BEGIN with its first statement and COMMIT with its last), which it shares
 * the round trip with. Statements are counted too. The writers' own statements (the changes and their outbox rows)
 * are counted apart from the pipeline's (relay, dispatcher, sender), so the pipeline's cost per event is
 * load-independent and comparable between versions. The writers have a pool of their own, whose connections are
 * known: telling them apart by an AsyncLocalStorage instead (as this bench once did) turns on promise hooks for the
 * whole process, a cost per promise that the pipeline pays here and not in production (~50 µs of node CPU per
 * event in the drain).
 */
const roundTrips = { writers: 0, pipeline: 0 };
const statements = { writers: 0, pipeline: 0 };
/** The pipeline's statements by their first words, to see where they go. */
const pipelineStatements = new Map<string, number>();
const writerClients = new WeakSet<pg.Client>();
/** Statements sent on each connection and not answered yet. */
const unanswered = new WeakMap<pg.Client, number>();
/**
 * A statement's line in the report: its first words, literal UUIDs (an org's transaction context) masked so that one
 * statement is one line whatever the org. Kept per text (statements repeat), so that the bench's own bookkeeping
 * costs the pipeline a lookup per statement rather than regular expressions over kilobytes of SQL.
 */
const statementKeys = new Map<string, string>();
function statementKey(text: string): string {
  let key = statementKeys.get(text);
  if (key === undefined) {
    key = text
      .replace(/'[0-9a-f]{8}-[0-9a-f-]{27}'/g, "'…'")
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 60);
    if (statementKeys.size < 10_000) statementKeys.set(text, key);
  }
  return key;
}
const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as { query: unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const side = writerClients.has(this) ? 'writers' : 'pipeline';
  const waiting = unanswered.get(this) ?? 0;
  if (waiting === 0) roundTrips[side]++;
  statements[side]++;
  unanswered.set(this, waiting + 1);
  const answered = () => void unanswered.set(this, unanswered.get(this)! - 1);
  const q = args[0] as { text?: string; callback?: (err: unknown, res: unknown) => void } | string | null;
  if (side === 'pipeline') {
    const text = typeof q === 'string' ? q : String(q?.text ?? '');
    const key = statementKey(text);
    pipelineStatements.set(key, (pipelineStatements.get(key) ?? 0) + 1);
  }
  // A ready query object (db/index.ts makes them) answers through its callback; otherwise through a promise.
  if (q && typeof q === 'object' && typeof q.callback === 'function') {
    const callback = q.callback;
    q.callback = (err, res) => {
      answered();
      callback(err, res);
    };
    return originalQuery.apply(this, args);
  }
  const result = originalQuery.apply(this, args);
  if (result instanceof Promise) result.then(answered, answered);
  else answered();
  return result;
};

/**
 * CPU seconds (user + system) each PostgreSQL backend serving `dbName` has used so far, by pid (from /proc; local
 * server). A backend that exits takes its CPU time with it, so the run's pools keep their idle connections open.
 */
async function backendCpu(admin: pg.Client, dbName: string): Promise<Map<number, number>> {
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [dbName]);
  const ticks = 100; // USER_HZ
  const byPid = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      byPid.set(pid, (Number(fields[11]) + Number(fields[12])) / ticks);
    } catch {
      // the backend exited meanwhile
    }
  }
  return byPid;
}

/**
 * CPU seconds (user + system) the local NATS server processes (`nats-server`, from /proc) have used so far, or null
 * when none runs on this machine. The whole server: anything else it serves meanwhile is counted too.
 */
function natsServerCpu(): number | null {
  let total: number | null = null;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'nats-server') continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      total = (total ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return total;
}

/** CPU seconds the backends alive at `to` used since `from` (all of it for those that started since). */
const cpuSince = (from: Map<number, number>, to: Map<number, number>) =>
  [...to].reduce((sum, [pid, s]) => sum + s - (from.get(pid) ?? 0), 0);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;

async function main() {
  const run = randomBytes(4).toString('hex');
  const prefix = `akashic_bench_${run}`;
  const stream = `AKASHIC_BENCH_${run}`;
  const dbName = `akashic_bench_events_${run}`;
  const adminUrl = await ensureDatabase(SERVER_URL, dbName);
  const bus = await natsEventBus({ url: NATS_URL, prefix, stream, name: `akashic-bench-${run}` });

  // The ceiling: raw JetStream publishes, pipelined like the relay's batches, into a stream of its own (so the
  // pipeline's consumers never see these events).
  const ceilingStream = `${stream}_CEILING`;
  const ceilingBus = await natsEventBus({ url: NATS_URL, prefix: `${prefix}_ceiling`, stream: ceilingStream });
  const ceilingStarted = performance.now();
  for (let sent = 0; sent < CEILING_EVENTS; sent += 500) {
    await Promise.all(
      Array.from({ length: 500 }, () =>
        ceilingBus.publish({
          id: randomUUID(),
          orgId: randomUUID(),
          type: 'bench.ceiling.published',
          occurredAt: new Date().toISOString(),
          payload: { n: sent },
        }),
      ),
    );
  }
  const jetstreamPerS = CEILING_EVENTS / ((performance.now() - ceilingStarted) / 1000);
  await ceilingBus.close();
  console.log(`JetStream publish ceiling: ${Math.round(jetstreamPerS)} events/s (${CEILING_EVENTS} events)`);

  const received = new Map<string, number>();
  const receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const id = String(req.headers['webhook-id']);
      if (!received.has(id)) received.set(id, performance.now());
      res.writeHead(204).end();
    });
  });
  receiver.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const port = (receiver.address() as AddressInfo).port;

  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: adminUrl,
    AKASHIC_SECRET: SECRET,
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'false',
    ROLES: 'worker',
    DATABASE_POOL_MAX: '40',
    WEBHOOK_ALLOW_CIDRS: '127.0.0.1/32',
    WEBHOOK_CONCURRENCY: '128',
  });
  const platform = await createPlatform(config, { bus, mailer: memoryMailer() });
  const { db } = platform.services;
  // The writers' transactions, as the platform's own (same role and statements), on connections of their own.
  const writerPool = new pg.Pool({
    ...(db.pool.options as pg.PoolConfig),
    max: WRITERS,
    idleTimeoutMillis: 0, // kept (with the CPU time of their backends) while the workers drain a backlog
  });
  writerPool.on('connect', (client) => writerClients.add(client));
  const writerDb = createDatabase(writerPool, writerPool);
  const orgs = Array.from({ length: ORGS }, () => randomUUID());
  for (const orgId of orgs) {
    const id = randomUUID();
    await db.transaction({ orgId }, (tx) =>
      tx.client.query(`INSERT INTO webhook_endpoints (id, org_id, url, event_types, secret) VALUES ($1,$2,$3,$4,$5)`, [
        id,
        orgId,
        `http://127.0.0.1:${port}/${orgId}`,
        ['*'],
        sealWebhookSecret(SECRET, id, newWebhookSecret()),
      ]),
    );
  }
  let workers = BACKLOG ? undefined : await startWorkers(platform);

  const admin = new pg.Client({ connectionString: SERVER_URL });
  await admin.connect();
  const profiler = CPU_PROF ? new Session() : undefined;
  // Profiles the first measured run only.
  let profiling = false;
  let profileOpen = false;
  const startProfile = async () => {
    if (!profiler || profiling) return;
    profiling = true;
    profileOpen = true;
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  };
  /** The writers, for `seconds`: each commit's events and when they were committed go into `into`. */
  const write = (seconds: number, into: Map<string, number>, rate: number) => {
    const started = performance.now();
    const until = started + seconds * 1000;
    return Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        // Paced: this writer's k-th transaction starts no earlier than k × PER_TX / (its share of rate) seconds in.
        const perTxMs = rate > 0 ? (PER_TX * 1000 * WRITERS) / rate : 0;
        for (let k = 0; performance.now() < until; k++) {
          const due = started + k * perTxMs + (perTxMs * w) / WRITERS;
          if (due > performance.now()) await new Promise((r) => setTimeout(r, due - performance.now()));
          if (performance.now() >= until) break;
          const orgId = orgs[w % ORGS]!;
          const ids = await writerDb.transaction({ orgId }, async (tx) => {
            const out: string[] = [];
            for (let i = 0; i < PER_TX; i++) {
              const r = await recordChange(tx, {
                orgId,
                actor: { type: 'system', id: null },
                module: 'campaigns',
                action: 'campaign.updated',
                target: { type: 'campaign', id: randomUUID() },
                payload: { n: i },
              });
              out.push(r.eventId);
            }
            return out;
          });
          const at = performance.now();
          for (const id of ids) into.set(id, at);
        }
      }),
    );
  };
  /** Resolves once every event of `events` has been received (or after `ms`). */
  const delivered = async (events: Iterable<string>, ms: number) => {
    const deadline = performance.now() + ms;
    // Each check resumes at the first event not received yet (checking every event from the start, as this bench
    // once did, cost O(events) per check, counted as the pipeline's CPU).
    const ids = [...events];
    let firstMissing = 0;
    const allReceived = () => {
      while (firstMissing < ids.length && received.has(ids[firstMissing]!)) firstMissing++;
      return firstMissing === ids.length;
    };
    while (!allReceived() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  };
  const fixedRate = RATE_SETTING === 'sustained' ? null : RATE_SETTING === 'max' ? 0 : Number(RATE_SETTING);
  if (fixedRate !== null && !(fixedRate >= 0)) throw new Error(`BENCH_RATE must be events/s, max or sustained`);
  if (WARMUP_S > 0) {
    const warm = new Map<string, number>();
    await write(WARMUP_S, warm, fixedRate ?? 0);
    await delivered(warm.keys(), 60_000);
    console.log(`warm-up: ${warm.size} events written and delivered, unmeasured`);
  }

  /** One measured run at offered `rate` events/s (0: as fast as the writers can), printed and returned. */
  const measure = async (rate: number) => {
    const committedAt = new Map<string, number>();
    if (!BACKLOG) await startProfile();
    const tripsBefore = { ...roundTrips };
    const statementsBefore = { ...statements };
    pipelineStatements.clear();
    const backendsBefore = await backendCpu(admin, dbName);
    const natsBefore = natsServerCpu();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await write(DURATION_S, committedAt, rate);
    const committed = committedAt.size;
    const commitS = (performance.now() - started) / 1000;
    console.log(
      `${rate > 0 ? `offered ${rate}/s: ` : ''}committed ${committed} events in ${commitS.toFixed(1)} s ` +
        `(${Math.round(committed / commitS)}/s)`,
    );
    let from = started;
    let drainCpu:
      { node: NodeJS.CpuUsage; backends: Map<number, number>; trips: number; nats: number | null } | undefined;
    if (!workers) {
      drainCpu = {
        node: process.cpuUsage(),
        backends: await backendCpu(admin, dbName),
        trips: roundTrips.pipeline,
        nats: natsServerCpu(),
      };
      await startProfile();
      from = performance.now();
      workers = await startWorkers(platform);
      for (const id of committedAt.keys()) committedAt.set(id, from);
      console.log(`backlog: ${committed} events committed before the workers started; draining it`);
    }
    await delivered(committedAt.keys(), 120_000);
    if (profiler && profileOpen) {
      profileOpen = false;
      const { profile } = await profiler.post('Profiler.stop');
      writeFileSync(CPU_PROF!, JSON.stringify(profile));
      profiler.disconnect();
      console.log(`CPU profile of the measured part: ${CPU_PROF}`);
    }
    const latencies = [...committedAt].filter(([id]) => received.has(id)).map(([id, at]) => received.get(id)! - at);
    latencies.sort((a, b) => a - b);
    // A loop, not Math.max(...all): a backlog of ~150,000 events is more arguments than the stack holds.
    let lastReceipt = 0;
    for (const id of committedAt.keys()) lastReceipt = Math.max(lastReceipt, received.get(id) ?? 0);
    const eventsPerS = latencies.length / ((lastReceipt - from) / 1000);
    const p50 = percentile(latencies, 0.5);
    const p99 = percentile(latencies, 0.99);
    console.log(
      `delivered ${latencies.length}/${committed} events to webhooks: ${Math.round(eventsPerS)} events/s, ` +
        `commit → receipt p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`,
    );
    if (!BACKLOG && committed / commitS > eventsPerS * 1.05)
      console.log(
        `  the writers committed faster than the pipeline delivered (${Math.round(committed / commitS)}/s against ` +
          `${Math.round(eventsPerS)}/s): a backlog grew during the run, so the latencies include its queue`,
      );
    const cpu = process.cpuUsage(cpuBefore);
    for (const [statement, n] of [...pipelineStatements].sort((a, b) => b[1] - a[1]).slice(0, 14)) {
      console.log(`  ${(n / committed).toFixed(3).padStart(7)} statements per event  ${statement}`);
    }
    const backends = await backendCpu(admin, dbName);
    const backendS = cpuSince(backendsBefore, backends);
    const pipelineTrips = (roundTrips.pipeline - tripsBefore.pipeline) / committed;
    if (drainCpu) {
      // The drain alone: the pipeline (relay, consumers, sender) and the receiver, no writer.
      const c = process.cpuUsage(drainCpu.node);
      console.log(
        `drain only, per event: node CPU ${((c.user + c.system) / committed).toFixed(0)} µs ` +
          `(user ${(c.user / committed).toFixed(0)}, system ${(c.system / committed).toFixed(0)}), PostgreSQL backends ` +
          `${((cpuSince(drainCpu.backends, backends) * 1e6) / committed).toFixed(0)} µs, ` +
          `${((roundTrips.pipeline - drainCpu.trips) / committed).toFixed(2)} round trips` +
          (drainCpu.nats !== null
            ? `, NATS server ${((((natsServerCpu() ?? drainCpu.nats) - drainCpu.nats) * 1e6) / committed).toFixed(0)} µs`
            : ''),
      );
    }
    const writerTrips = (roundTrips.writers - tripsBefore.writers) / committed;
    const perEvent = (side: 'writers' | 'pipeline') =>
      ((statements[side] - statementsBefore[side]) / committed).toFixed(2);
    const nodeCpuUs = (cpu.user + cpu.system) / committed;
    const pgCpuUs = (backendS * 1e6) / committed;
    const natsAfter = natsServerCpu();
    const natsCpuUs =
      natsBefore !== null && natsAfter !== null ? ((natsAfter - natsBefore) * 1e6) / committed : undefined;
    console.log(
      `per event: ${pipelineTrips.toFixed(2)} pipeline round trips (relay, dispatcher, sender; ` +
        `${perEvent('pipeline')} statements) + ${writerTrips.toFixed(2)} writer round trips ` +
        `(${perEvent('writers')} statements); node CPU ${nodeCpuUs.toFixed(0)} µs ` +
        `(whole process: writers, pipeline, receiver); PostgreSQL backends of the run's database ` +
        `${pgCpuUs.toFixed(0)} µs (live backends only)` +
        (natsCpuUs !== undefined ? `; NATS server ${natsCpuUs.toFixed(0)} µs (the local nats-server, whole)` : ''),
    );
    return {
      rate,
      committed,
      allDelivered: latencies.length === committed,
      eventsPerS,
      p99,
      pipelineTrips,
      nodeCpuUs,
      pgCpuUs,
      natsCpuUs,
    };
  };

  let result = await measure(BACKLOG ? 0 : (fixedRate ?? 0));
  if (fixedRate === null && !BACKLOG && !(result.allDelivered && result.p99 <= P99_TARGET_MS)) {
    // The writers outran the pipeline: bisect the offered load between half and all of what it delivered.
    let lo = Math.round(result.eventsPerS / 2);
    let hi = Math.round(result.eventsPerS);
    let best: typeof result | undefined;
    for (let step = 0; step < SEARCH_STEPS; step++) {
      const rate = Math.round((lo + hi) / 2);
      const r = await measure(rate);
      const held = r.allDelivered && r.p99 <= P99_TARGET_MS;
      console.log(`  offered ${rate}/s: ${held ? 'sustained' : 'not sustained'} (p99 target ${P99_TARGET_MS} ms)`);
      if (held) {
        best = r;
        lo = rate;
      } else hi = rate;
    }
    if (!best) {
      best = await measure(lo);
      console.log(`  offered ${lo}/s (the search's floor): p99 ${Math.round(best.p99)} ms`);
    }
    result = best;
    console.log(`sustained: ${result.rate}/s offered, ${Math.round(result.eventsPerS)}/s delivered`);
  }

  await workers!.stop();
  await writerPool.end();
  await platform.close();
  await bus.close(); // passed in, so the platform leaves it open
  await new Promise<void>((r) => receiver.close(() => r()));
  receiver.closeAllConnections();
  const nc = await connect({ servers: NATS_URL });
  const jsm = await nc.jetstreamManager();
  for (const s of [stream, ceilingStream]) await jsm.streams.delete(s).catch(() => {});
  await nc.close();
  await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(dbName)} WITH (FORCE)`);
  await admin.end();
  console.log(
    JSON.stringify({
      bench: BACKLOG ? 'events_backlog' : 'events',
      ...(result.rate > 0 ? { offered_per_s: result.rate } : {}),
      events_per_s: Math.round(result.eventsPerS),
      p99_ms: Math.round(result.p99),
      jetstream_publish_per_s: Math.round(jetstreamPerS),
      ratio: Number((result.eventsPerS / jetstreamPerS).toFixed(3)),
      pipeline_round_trips_per_event: Number(result.pipelineTrips.toFixed(2)),
      node_cpu_us_per_event: Math.round(result.nodeCpuUs),
      pg_backend_cpu_us_per_event: Math.round(result.pgCpuUs),
      ...(result.natsCpuUs !== undefined ? { nats_server_cpu_us_per_event: Math.round(result.natsCpuUs) } : {}),
    }),
  );
}

if (process.env.BENCH_EVENTS_CHILD === undefined) {
  const child = spawn(process.execPath, [...NODE_FLAGS, ...process.execArgv, ...process.argv.slice(1)], {
    env: { ...process.env, BENCH_EVENTS_CHILD: '1' },
    stdio: 'inherit',
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

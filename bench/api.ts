/**
 * `npm run bench:api`: our authenticated, RLS-scoped list endpoint against a bare Fastify + pg handler running
 * the same SQL with no auth and no RLS, measured in the same run under autocannon (100 connections).
 *
 * Data: 100 organizations × 1,000 audit entries = 100,000 rows; each request lists 20 of one org's rows.
 * Ours: session cookie → membership → Cedar → RLS transaction → zod-checked response.
 * Target: ours ≥ 0.8× bare requests/s, and p99 ≤ 1.25× bare p99. Last line is JSON.
 *
 * Uses DATABASE_URL (a superuser connection) when set, else an embedded PostgreSQL in a temp directory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import pg from 'pg';
import { SERVER_NODE_FLAGS } from '../apps/server/bin/node-flags.mjs';
import { startEmbeddedPostgres } from '../apps/server/src/db/embedded.js';
import { ensureDatabase } from '../apps/server/src/db/index.js';
import { runMigrations } from '../apps/server/src/db/migrate.js';
import { quoteIdent } from '../apps/server/src/db/roles.js';
import { sha256 } from '../apps/server/src/platform/crypto.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 100);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const SECRET = 'bench-secret-bench-secret-bench-secret-01';
const ORGS = 100;
/** BENCH_OURS_FLAGS overrides the server's flags for ours (e.g. BENCH_OURS_FLAGS= for Node's defaults). */
const oursFlags =
  process.env.BENCH_OURS_FLAGS !== undefined
    ? process.env.BENCH_OURS_FLAGS.split(' ').filter(Boolean)
    : SERVER_NODE_FLAGS;
const PER_ORG = 1000;

async function main() {
  let stopEmbedded: (() => Promise<void>) | undefined;
  let tmp: string | undefined;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'akashic-bench-'));
    chmodSync(tmp, 0o755);
    const emb = await startEmbeddedPostgres(path.join(tmp, 'pgdata'));
    serverUrl = emb.url;
    stopEmbedded = emb.stop;
  }
  const dbName = `akashic_bench_${process.pid}`;
  const adminUrl = await ensureDatabase(serverUrl, dbName);
  const children: ChildProcess[] = [];
  try {
    await runMigrations(adminUrl);
    statsUrl = adminUrl;
    const { orgId, sessionToken } = await seed(adminUrl);
    console.log(`seeded ${ORGS} orgs × ${PER_ORG} audit entries = ${ORGS * PER_ORG} rows`);
    console.log(`ours runs with the server's Node flags [${oursFlags.join(' ')}]; bare with Node's defaults`);

    const ours = await startSide('ours', adminUrl, children);
    const bare = await startSide('bare', adminUrl, children);
    const oursReq = {
      url: `http://127.0.0.1:${ours.port}/api/v1/audit?limit=20`,
      headers: { cookie: `akashic_session=${sessionToken}`, 'x-akashic-org': orgId },
      pid: ours.pid,
      idlePid: bare.pid,
      label: 'ours',
    };
    const bareReq = {
      url: `http://127.0.0.1:${bare.port}/bare/${orgId}/audit`,
      headers: {},
      pid: bare.pid,
      idlePid: ours.pid,
      label: 'bare',
    };

    // Same response shape and size check before measuring.
    const a = (await (await fetch(oursReq.url, { headers: oursReq.headers })).json()) as { items?: unknown[] };
    const b = (await (await fetch(bareReq.url)).json()) as { items?: unknown[] };
    if (a.items?.length !== 20 || b.items?.length !== 20)
      throw new Error(`unexpected responses: ${JSON.stringify(a).slice(0, 300)}`);

    await run({ ...oursReq, label: undefined }, 3);
    await run({ ...bareReq, label: undefined }, 3);
    const o: Result[] = [];
    const r: Result[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      r.push(await run(bareReq, DURATION_S));
      o.push(await run(oursReq, DURATION_S));
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const ours_rps = Math.round(mean(o.map((x) => x.rps)));
    const bare_rps = Math.round(mean(r.map((x) => x.rps)));
    const ours_p99_ms = +mean(o.map((x) => x.p99)).toFixed(2);
    const bare_p99_ms = +mean(r.map((x) => x.p99)).toFixed(2);
    console.log(`bare Fastify + pg (no auth, no RLS): ${bare_rps} req/s, p99 ${bare_p99_ms} ms`);
    console.log(`Akashic (session, Cedar, RLS tx):   ${ours_rps} req/s, p99 ${ours_p99_ms} ms`);
    console.log(
      `ratio ${(ours_rps / bare_rps).toFixed(3)} (target ≥ 0.8); p99 ratio ${(ours_p99_ms / bare_p99_ms).toFixed(3)} (target ≤ 1.25)`,
    );
    console.log(
      JSON.stringify({
        bench: 'api',
        ours_rps,
        bare_rps,
        ratio: +(ours_rps / bare_rps).toFixed(3),
        ours_p99_ms,
        bare_p99_ms,
      }),
    );
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(dbName)} WITH (FORCE)`);
    await admin.end();
    await stopEmbedded?.();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

let statsUrl = '';

interface Result {
  rps: number;
  p99: number;
}

/** CPU seconds used so far by a process (utime + stime from /proc; Linux only, else 0). */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parts = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(parts[11]) + Number(parts[12])) / 100;
  } catch {
    return 0;
  }
}

/** CPU seconds of every running postgres process, by pid (a process that exits mid-run must not count). */
function postgresCpu(): Map<number, number> {
  const out = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres') out.set(Number(d), cpuSeconds(Number(d)));
    } catch {
      /* gone */
    }
  }
  return out;
}

function postgresCpuSince(before: Map<number, number>): number {
  let total = 0;
  for (const [pid, now] of postgresCpu()) total += now - (before.get(pid) ?? 0);
  return total;
}

async function run(
  req: { url: string; headers: Record<string, string>; pid?: number; idlePid?: number; label?: string },
  duration: number,
): Promise<Result> {
  const xacts = async () => {
    const c = new pg.Client({ connectionString: statsUrl });
    await c.connect();
    const r = await c.query(
      'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    await c.end();
    return Number(r.rows[0].n);
  };
  const x0 = req.label ? await xacts() : 0;
  const node0 = req.pid ? cpuSeconds(req.pid) : 0;
  const idle0 = req.idlePid ? cpuSeconds(req.idlePid) : 0;
  const pg0 = postgresCpu();
  const res = await autocannon({ url: req.url, headers: req.headers, connections: CONNECTIONS, duration });
  if (res.non2xx > 0 || res.errors > 0) throw new Error(`${req.url}: ${res.non2xx} non-2xx, ${res.errors} errors`);
  if (req.pid && req.label) {
    const n = res.requests.total;
    const nodeUs = ((cpuSeconds(req.pid) - node0) / n) * 1e6;
    const pgUs = (postgresCpuSince(pg0) / n) * 1e6;
    const perReq = ((await xacts()) - x0 - 1) / n;
    console.log(
      `  ${req.label}: ${Math.round(res.requests.average)} req/s; per request: server CPU ${nodeUs.toFixed(0)} µs, ` +
        `PostgreSQL CPU ${pgUs.toFixed(0)} µs, ${perReq.toFixed(2)} database transactions; latency ms ` +
        `p50 ${res.latency.p50} p90 ${res.latency.p90} p99 ${res.latency.p99} max ${res.latency.max}; ` +
        // The other side is idle meanwhile; CPU it used anyway (e.g. its GC) competed with this run.
        `the idle side used ${((cpuSeconds(req.idlePid!) - idle0) * 1000).toFixed(0)} ms CPU`,
    );
  }
  return { rps: res.requests.average, p99: res.latency.p99 };
}

async function startSide(
  mode: 'ours' | 'bare',
  adminUrl: string,
  children: ChildProcess[],
): Promise<{ port: number; pid: number }> {
  // BENCH_PROFILE=<dir> writes a V8 CPU profile of our server there (for finding hot spots).
  const prof =
    process.env.BENCH_PROFILE && !process.env.BENCH_PROFILE_AFTER_MS
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}/${mode}`]
      : [];
  const child = spawn(
    process.execPath,
    [
      ...prof,
      // Ours runs with the server's own runtime flags, as `npm start` runs it; bare with Node's defaults.
      ...(mode === 'ours' ? oursFlags : []),
      // BENCH_NODE_FLAGS: runtime flags given to both sides alike, for experiments.
      ...(process.env.BENCH_NODE_FLAGS ? process.env.BENCH_NODE_FLAGS.split(' ') : []),
      '--import',
      'tsx',
      path.join(import.meta.dirname, 'api-server.ts'),
      mode,
    ],
    {
      env: { ...process.env, BENCH_ADMIN_URL: adminUrl, BENCH_SECRET: SECRET },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  const rl = createInterface({ input: child.stdout! });
  for await (const line of rl) {
    if (line.startsWith('{')) return { port: (JSON.parse(line) as { port: number }).port, pid: child.pid! };
  }
  throw new Error(`${mode} server did not start`);
}

async function seed(adminUrl: string) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    const userId = '00000000-0000-4000-8000-000000000001';
    const sessionToken = 'bench-session-token-0123456789abcdef';
    await c.query('BEGIN');
    await c.query(
      `INSERT INTO organizations (id, name, slug)
       SELECT ('00000000-0000-4000-9000-' || lpad(g::text, 12, '0'))::uuid, 'Org ' || g, 'org-' || g
       FROM generate_series(1, ${ORGS}) g`,
    );
    await c.query(
      `INSERT INTO users (id, email, name, password_hash) VALUES ($1, 'bench@example.test', 'Bench', 'x')`,
      [userId],
    );
    const orgId = '00000000-0000-4000-9000-000000000001';
    await c.query(`INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, 'owner')`, [orgId, userId]);
    await c.query(
      `INSERT INTO audit_log (org_id, seq, id, occurred_at, actor_type, actor_id, actor_label, action, target_type,
         target_id, before_digest, after_digest, request_id, ip, metadata, prev_hash, hash)
       SELECT o.id, g, gen_random_uuid(), now() - (${PER_ORG} - g) * interval '1 minute', 'user', $1, 'bench@example.test',
              'member.role_changed', 'member', g::text, md5(g::text), md5(g::text || 'x'), 'bench-' || g, '127.0.0.1',
              '{}'::jsonb, sha256(g::text::bytea), sha256((g + 1)::text::bytea)
       FROM organizations o, generate_series(1, ${PER_ORG}) g`,
      [userId],
    );
    await c.query(
      `INSERT INTO sessions (id, token_hash, user_id, current_org_id, expires_at)
                   VALUES (gen_random_uuid(), $1, $2, $3, now() + interval '1 day')`,
      [sha256(sessionToken), userId, orgId],
    );
    await c.query('COMMIT');
    await c.query('ANALYZE');
    return { orgId, sessionToken };
  } finally {
    await c.end();
  }
}

await main();

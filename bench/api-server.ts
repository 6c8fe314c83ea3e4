/**
 * One side of `bench:api`, run as its own process: `ours` is the real platform (session auth, org
 * membership, Cedar, RLS transaction, zod response); `bare` is plain Fastify + pg running the same SQL as the
 * superuser with no auth and no RLS. Prints its port on stdout.
 */
import { generateKeyPairSync } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { loadConfig } from '../apps/server/src/config.js';
import { createPlatform } from '../apps/server/src/server.js';
import { AUDIT_LIST_SQL_BARE } from './api-sql.js';

const [mode] = process.argv.slice(2);

/** BENCH_PROFILE_AFTER_MS: CPU-profile this server from then until SIGTERM (startup excluded). */
async function profileLater(): Promise<void> {
  const after = Number(
    process.env[`BENCH_PROFILE_AFTER_MS_${mode?.toUpperCase()}`] ?? process.env.BENCH_PROFILE_AFTER_MS ?? 0,
  );
  if (!after || !process.env.BENCH_PROFILE) return;
  const { Session } = await import('node:inspector/promises');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  // BENCH_PROFILE_HEAP=1: every allocation; =promoted: only what outlived a scavenge (what makes scavenges costly);
  // =live: only what is still alive when the profile stops (what accumulates in the old generation).
  const heapMode = process.env.BENCH_PROFILE_HEAP;
  const heap = heapMode === '1' || heapMode === 'promoted' || heapMode === 'live';
  const minor = heapMode === '1';
  const major = heapMode !== 'live';
  setTimeout(
    () =>
      void (heap
        ? session.post('HeapProfiler.enable').then(() =>
            session.post('HeapProfiler.startSampling', {
              samplingInterval: 4096,
              includeObjectsCollectedByMinorGC: minor,
              includeObjectsCollectedByMajorGC: major,
            } as never),
          )
        : session.post('Profiler.enable').then(() => session.post('Profiler.start'))),
    after,
  );
  process.on('SIGTERM', async () => {
    if (heap) {
      const { profile } = await session.post('HeapProfiler.stopSampling');
      writeFileSync(`${process.env.BENCH_PROFILE}/${mode}.heapprofile`, JSON.stringify(profile));
    } else {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(`${process.env.BENCH_PROFILE}/${mode}.cpuprofile`, JSON.stringify(profile));
    }
    process.exit(0);
  });
}
await profileLater();

/** BENCH_COUNT_QUERIES=1: count the statements this process sends (by text); SIGUSR2 prints them per request. */
if (process.env.BENCH_COUNT_QUERIES) {
  const counts = new Map<string, number>();
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  (pg.Client.prototype as { query: unknown }).query = function (this: pg.Client, q: unknown, ...rest: unknown[]) {
    const text = typeof q === 'string' ? q : ((q as { text?: string }).text ?? '?');
    const k = text.replace(/\s+/g, ' ').slice(0, 120);
    counts.set(k, (counts.get(k) ?? 0) + 1);
    return original.call(this, q, ...rest);
  };
  process.on('SIGUSR2', () => {
    process.stderr.write(
      JSON.stringify(
        [...counts].sort((a, b) => b[1] - a[1]),
        null,
        1,
      ) + '\n',
    );
    counts.clear();
  });
}
/**
 * BENCH_LOOP_STATS=1: on SIGTERM, print this process's event-loop delay percentiles and its GC pauses by kind
 * (stderr) — where a latency tail comes from when the handler's own time does not explain it.
 */
if (process.env.BENCH_LOOP_STATS) {
  const { monitorEventLoopDelay, PerformanceObserver, constants } = await import('node:perf_hooks');
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const gc = new Map<string, { n: number; ms: number; max: number }>();
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = kinds[(e as { detail?: { kind?: number } }).detail?.kind ?? -1] ?? 'other';
      const g = gc.get(kind) ?? { n: 0, ms: 0, max: 0 };
      g.n++;
      g.ms += e.duration;
      g.max = Math.max(g.max, e.duration);
      gc.set(kind, g);
    }
  }).observe({ entryTypes: ['gc'] });
  // Per scavenge: the young generation's size, what survived it (new space after) and what it promoted (old
  // space growth) — a scavenge's pause grows with what survives, not with the young generation's size.
  const { GCProfiler } = await import('node:v8');
  const profiler = new GCProfiler();
  profiler.start();
  process.once('SIGTERM', () => {
    const ms = (ns: number) => (ns / 1e6).toFixed(1);
    const parts = [...gc].map(([k, g]) => `${k} ${g.n}× ${g.ms.toFixed(0)} ms (max ${g.max.toFixed(1)})`);
    type Spaces = { heapSpaceStatistics: { spaceName: string; spaceSize: number; spaceUsedSize: number }[] };
    const space = (s: Spaces, name: string) => s.heapSpaceStatistics.find((x) => x.spaceName === name)!;
    const scavenges = (profiler.stop()?.statistics ?? []).filter((g) => g.gcType === 'Scavenge') as unknown as {
      beforeGC: Spaces;
      afterGC: Spaces;
    }[];
    if (scavenges.length) {
      const mean = (f: (g: (typeof scavenges)[number]) => number) =>
        (scavenges.reduce((t, g) => t + f(g), 0) / scavenges.length / 2 ** 20).toFixed(1);
      parts.push(
        `per scavenge: young ${mean((g) => space(g.beforeGC, 'new_space').spaceUsedSize)} MB, survived ` +
          `${mean((g) => space(g.afterGC, 'new_space').spaceUsedSize)} MB, promoted ` +
          `${mean((g) => space(g.afterGC, 'old_space').spaceUsedSize - space(g.beforeGC, 'old_space').spaceUsedSize)} MB`,
      );
    }
    process.stderr.write(
      `[${mode}] event-loop delay ms p50 ${ms(loop.percentile(50))} p99 ${ms(loop.percentile(99))} ` +
        `max ${ms(loop.max)}; GC ${parts.join(', ')}; RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB\n`,
    );
    // The bare side has no handler of its own: SIGTERM must still end it.
    if (process.listenerCount('SIGTERM') === 0) process.exit(0);
  });
}
const adminUrl = process.env.BENCH_ADMIN_URL!;
const poolMax = Number(process.env.BENCH_POOL_MAX ?? 20);

if (mode === 'ours') {
  const config = loadConfig({
    NODE_ENV: 'production',
    // Production requires a web push key; a bench sends no push, so a throwaway one per run.
    VAPID_PRIVATE_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }).d!,
    DATABASE_URL: adminUrl,
    // Every request still takes its rate-limit unit (the check's cost is measured), at a rate this load never
    // reaches: the bench measures throughput, not the plan's ceiling.
    RATE_LIMIT_PLANS: JSON.stringify({ free: { requestsPerMinute: 1_000_000, burst: 1_000_000 } }),
    AKASHIC_SECRET: process.env.BENCH_SECRET,
    PUBLIC_URL: 'http://127.0.0.1',
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    DATABASE_POOL_MAX: String(poolMax),
  });
  const platform = await createPlatform(config);
  if (!process.env.BENCH_PROFILE_AFTER_MS)
    process.on('SIGTERM', () => void platform.close().then(() => process.exit(0)));
  await platform.built.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = platform.built.app.server.address();
  console.log(JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 }));
} else if (mode === 'bare') {
  const pool = new pg.Pool({ connectionString: adminUrl, max: poolMax });
  const app = Fastify({ logger: false });
  app.get<{ Params: { org: string } }>('/bare/:org/audit', async (req) => {
    const { rows } = await pool.query(AUDIT_LIST_SQL_BARE, [req.params.org, 21]);
    const items = rows.slice(0, 20);
    return { items, nextCursor: rows.length > 20 ? String(items[19]!.seq) : null };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  console.log(JSON.stringify({ port: typeof addr === 'object' && addr ? addr.port : 0 }));
} else {
  console.error('usage: api-server.ts ours|bare');
  process.exit(2);
}

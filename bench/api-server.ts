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
  // BENCH_PROFILE_HEAP=1: every allocation; =promoted: only what outlived a scavenge (what makes scavenges costly).
  const heap = process.env.BENCH_PROFILE_HEAP === '1' || process.env.BENCH_PROFILE_HEAP === 'promoted';
  const minor = process.env.BENCH_PROFILE_HEAP !== 'promoted';
  setTimeout(
    () =>
      void (heap
        ? session
            .post('HeapProfiler.enable')
            .then(() =>
              session.post('HeapProfiler.startSampling', {
                samplingInterval: 4096,
                includeObjectsCollectedByMinorGC: minor,
                includeObjectsCollectedByMajorGC: true,
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
    const text = typeof q === 'string' ? q : (q as { text?: string }).text ?? '?';
    const k = text.replace(/\s+/g, ' ').slice(0, 120);
    counts.set(k, (counts.get(k) ?? 0) + 1);
    return original.call(this, q, ...rest);
  };
  process.on('SIGUSR2', () => {
    process.stderr.write(JSON.stringify([...counts].sort((a, b) => b[1] - a[1]), null, 1) + '\n');
    counts.clear();
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

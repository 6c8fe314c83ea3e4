/**
 * bench:pwa's sync figures (issue 6, Performance): "initial sync of 100,000 records into a fresh client under 10 s;
 * one mutation's sync round trip p95 under 200 ms on loopback".
 *
 * Seeded through the API as the product writes it: a campaign, a voter file of BENCH_SYNC_VOTERS (default 100,000)
 * voters imported by the import route, a turf over all of them assigned to the signed-up member. Then, in Chromium
 * with a fresh profile on disk (IndexedDB as a phone keeps it) signed in as that member, on the server's origin, the
 * console's own sync client (apps/web/src/sync/bench-client.ts, bundled here with esbuild: `Replica`, the Dexie
 * storage, the HTTP transport) runs:
 * (a) a fresh replica's first sync until no page waits, then counts the entities IndexedDB holds;
 * (b) BENCH_SYNC_MUTATIONS (default 120) canvass results one after another, each from `mutate` until a pull confirms
 *     it (push, then pull: nothing pending): the p95.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { launchChromiumProfile } from '../e2e/browser.js';
import { signUpMember } from './member.js';
import type { InitialSyncResult, RoundTripResult } from '../apps/web/src/sync/bench-client.js';

export const SYNC_TARGET = { initialSyncS: 10, mutationRttP95Ms: 200 };
const VOTERS = Number(process.env.BENCH_SYNC_VOTERS ?? 100_000);
const MUTATIONS = Number(process.env.BENCH_SYNC_MUTATIONS ?? 120);

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

async function seed(baseUrl: string) {
  const { cookies, orgId, api } = await signUpMember(baseUrl, {
    name: 'Sync Bench Canvasser',
    orgName: 'Sync bench org',
  });
  const me = await api('GET', '/api/v1/me');
  const campaign = await api('POST', '/api/v1/campaigns', {
    name: 'Sync bench for Senate',
    type: 'senate',
    jurisdiction: { kind: 'state', state: 'PA' },
    electionDate: '2028-11-07',
  });
  const FIRST = ['Ann', 'Bo', 'Cy', 'Dee', 'Eli', 'Fay', 'Gus', 'Hal', 'Ida', 'Jo'];
  const STREETS = ['Main St', 'Oak Ave', 'Elm St', 'Pine Rd', 'Cedar Ln', 'Maple Dr', 'Birch Way', 'Ash Ct'];
  const PARTIES = ['DEM', 'REP', 'UNA', 'LIB'];
  const rows = ['voter_id,first_name,last_name,birth_year,party,address,city,zip,precinct,GENERAL_2020-11-03'];
  for (let i = 0; i < VOTERS; i++) {
    const house = Math.floor(i / 2);
    rows.push(
      `S${i},${FIRST[i % FIRST.length]},Voter${house},${1940 + (i % 60)},${PARTIES[i % 4]},` +
        `${(house % 2000) + 1} ${STREETS[Math.floor(house / 2000) % STREETS.length]},Durham,2770${i % 10},SYNC-1,` +
        `${i % 3 ? 'X' : ''}`,
    );
  }
  const importStart = performance.now();
  const imp = await api('POST', `/api/v1/campaigns/${campaign.id}/voter-imports`, { fileName: 'sync-bench.csv' });
  const done = await api('PUT', `/api/v1/campaigns/${campaign.id}/voter-imports/${imp.id}/file`, rows.join('\n'));
  const importS = (performance.now() - importStart) / 1000;
  if (done.status !== 'succeeded') throw new Error(`the bench's voter import ended ${done.status}`);
  const turf = await api('POST', `/api/v1/campaigns/${campaign.id}/turfs`, {
    name: 'Everyone',
    precincts: ['SYNC-1'],
    assignedTo: me.user.id,
  });
  return { cookies, orgId, userId: me.user.id as string, campaignId: campaign.id as string, turfId: turf.id, importS };
}

export interface SyncFigures {
  /** Null when fewer than 100,000 voters were synced (BENCH_SYNC_VOTERS). */
  initialSyncS: number | null;
  mutationRttP95Ms: number;
}

export async function benchSync(baseUrl: string): Promise<SyncFigures> {
  console.log(`\nsync: seeding ${VOTERS.toLocaleString('en')} voters (import route) … (load ${load()})`);
  const s = await seed(baseUrl);
  console.log(`  voter import: ${s.importS.toFixed(1)} s through the API`);
  const bundle = await build({
    entryPoints: [path.resolve(import.meta.dirname, '../apps/web/src/sync/bench-client.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
  });
  const script = bundle.outputFiles[0]!.text;
  const profile = mkdtempSync(path.join(os.tmpdir(), 'akashic-bench-sync-'));
  const context = await launchChromiumProfile(profile);
  try {
    const host = new URL(baseUrl).hostname;
    await context.addCookies(
      s.cookies.map((c) => {
        const [name, ...value] = c.split('=');
        return { name: name!, value: value.join('='), domain: host, path: '/', httpOnly: true, sameSite: 'Lax' };
      }),
    );
    const page = await context.newPage();
    // A blank page of the server's origin (the session cookie and the origin's IndexedDB apply), not the console:
    // its own sync hub would sync the same campaign alongside.
    await page.route(`${baseUrl}/bench-sync`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><title>sync bench</title><script>${script}</script>`,
      }),
    );
    await page.goto(`${baseUrl}/bench-sync`);
    const scope = { orgId: s.orgId, userId: s.userId, campaignId: s.campaignId };

    const loadBefore = load();
    const a = (await page.evaluate((sc) => (globalThis as any).benchSync.initialSync(sc), scope)) as InitialSyncResult;
    const pages = a.pages;
    const mb = (b: number) => (b / 1e6).toFixed(1);
    console.log(
      `  initial sync: ${(a.totalMs / 1000).toFixed(2)} s for ${a.storedEntities.toLocaleString('en')} records in ` +
        `IndexedDB (${a.storedVoters.toLocaleString('en')} voters); ${pages.length} pages (largest ` +
        `${Math.max(...pages.map((p) => p.puts))} records), ${mb(sum(pages.map((p) => p.encodedBytes)))} MB sent ` +
        `(${mb(sum(pages.map((p) => p.decodedBytes)))} MB decoded)`,
    );
    console.log(
      `    per page (sum): request ${(sum(pages.map((p) => p.requestMs)) / 1000).toFixed(2)} s (server until the first ` +
        `byte ${(sum(pages.map((p) => p.serverMs)) / 1000).toFixed(2)} s), client apply (replica + IndexedDB) ` +
        `${(sum(pages.map((p) => p.applyMs)) / 1000).toFixed(2)} s (IndexedDB writes ` +
        `${(sum(pages.map((p) => p.storeMs)) / 1000).toFixed(2)} s); load before ${loadBefore}, after ${load()}`,
    );
    if (a.storedEntities < VOTERS) throw new Error(`only ${a.storedEntities} records stored, expected ≥ ${VOTERS}`);

    const rttLoad = load();
    const b = (await page.evaluate(([sc, turfId, n]) => (globalThis as any).benchSync.roundTrips(sc, turfId, n), [
      scope,
      s.turfId,
      MUTATIONS,
    ] as const)) as RoundTripResult;
    const p95 = percentile(b.ms, 95);
    console.log(
      `  mutation round trip (canvass.record, mutate → confirmed by a pull), ${b.ms.length} in a row: ` +
        `p50 ${percentile(b.ms, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...b.ms).toFixed(1)} ms ` +
        `(push p95 ${percentile(b.pushMs, 95).toFixed(1)} ms, pull p95 ${percentile(b.pullMs, 95).toFixed(1)} ms); ` +
        `load before ${rttLoad}, after ${load()}`,
    );
    const measuredS = Math.round(a.totalMs / 10) / 100;
    const mutationRttP95Ms = Math.round(p95 * 10) / 10;
    // The target (and the JSON's `initial_sync_100k_s`) is about 100,000 records: a smaller BENCH_SYNC_VOTERS run
    // prints its time but reports no figure against it.
    const initialSyncS = VOTERS >= 100_000 ? measuredS : null;
    console.log(
      `  targets: initial sync < ${SYNC_TARGET.initialSyncS} s: ${
        initialSyncS === null
          ? `not judged (${VOTERS.toLocaleString('en')} voters, not 100,000)`
          : initialSyncS < SYNC_TARGET.initialSyncS
            ? 'met'
            : 'MISSED'
      }; ` +
        `round trip p95 < ${SYNC_TARGET.mutationRttP95Ms} ms: ${mutationRttP95Ms < SYNC_TARGET.mutationRttP95Ms ? 'met' : 'MISSED'}`,
    );
    return { initialSyncS, mutationRttP95Ms };
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * The sync half of `npm run bench:pwa` (bench/pwa.ts), run in Chromium on the server's origin: the console's own sync
 * client — `Replica` (packages/sync), the IndexedDB storage (storage.ts) and the HTTP transport (loop.ts) — timed as
 * a person's device runs it. Bundled by the benchmark with esbuild; the console never imports it.
 */
import type { SyncPullBody, SyncPullResult, SyncPushBody, SyncPushResult } from '@akashic/contracts';
import { Replica, type SyncStorage, type Transport } from '@akashic/sync';
import { setApiOrg } from '../api.js';
import { httpTransport, replicaKey } from './loop.js';
import { SyncDb, dexieStorage, identityOf } from './storage.js';

export interface PullTiming {
  /** From sending the request until its JSON is parsed (network + server + parse). */
  requestMs: number;
  /** From sending the request until the answer's first byte (server time on loopback). */
  serverMs: number;
  /** Response body bytes as sent (after compression) and decoded. */
  encodedBytes: number;
  decodedBytes: number;
  /** Applying the page: the replica's state and the IndexedDB write. */
  applyMs: number;
  /** Of which the IndexedDB write (storage.ts). */
  storeMs: number;
  puts: number;
}

export interface InitialSyncResult {
  totalMs: number;
  pages: PullTiming[];
  /** Entities IndexedDB holds for the replica once done (read back from it, not taken from the replica). */
  storedEntities: number;
  storedVoters: number;
}

export interface RoundTripResult {
  /** Per mutation, `mutate` until a pull confirmed it (nothing pending). */
  ms: number[];
  pushMs: number[];
  pullMs: number[];
}

/** The transport, timed: each pull's request time, and its Resource Timing entry for server time and bytes. */
function timed(inner: Transport, pages: PullTiming[]): Transport & { pushMs: number; pullMs: number } {
  const t = {
    pushMs: 0,
    pullMs: 0,
    async push(body: SyncPushBody): Promise<SyncPushResult> {
      const start = performance.now();
      const r = await inner.push(body);
      t.pushMs += performance.now() - start;
      return r;
    },
    async pull(body: SyncPullBody): Promise<SyncPullResult> {
      const start = performance.now();
      const r = await inner.pull(body);
      const end = performance.now();
      t.pullMs += end - start;
      const entry = performance
        .getEntriesByType('resource')
        .filter((e): e is PerformanceResourceTiming => e.name.endsWith('/api/v1/sync/pull'))
        .pop();
      pages.push({
        requestMs: end - start,
        serverMs: entry ? entry.responseStart - entry.requestStart : NaN,
        encodedBytes: entry?.encodedBodySize ?? NaN,
        decodedBytes: entry?.decodedBodySize ?? NaN,
        applyMs: 0,
        storeMs: 0,
        puts: r.puts.length,
      });
      return r;
    },
  };
  return t;
}

let replica: Replica | null = null;
/** Time spent in the IndexedDB storage's writes (reset by the caller). */
let storeMs = 0;

/** The replica as loop.ts `openReplica` opens it, its storage's writes timed. */
async function open(scope: { orgId: string; userId: string; campaignId: string }): Promise<Replica> {
  setApiOrg(scope.orgId);
  performance.setResourceTimingBufferSize(100_000);
  if (replica) return replica;
  const db = new SyncDb();
  const key = replicaKey(scope);
  const ids = await identityOf(db, key);
  const inner = dexieStorage(db, key);
  const storage: SyncStorage = {
    read: () => inner.read(),
    async write(c) {
      const start = performance.now();
      const version = await inner.write(c);
      storeMs += performance.now() - start;
      return version;
    },
  };
  replica = await Replica.open({ campaignId: scope.campaignId, userId: scope.userId, ...ids, storage });
  return replica;
}

/** A fresh replica's first sync until no page waits, then the entities IndexedDB holds for it. */
async function initialSync(scope: { orgId: string; userId: string; campaignId: string }): Promise<InitialSyncResult> {
  const start = performance.now();
  const r = await open(scope);
  if (r.hasSynced) throw new Error('bench: the replica has synced before (not a fresh profile)');
  const pages: PullTiming[] = [];
  const transport = timed(httpTransport, pages);
  // Replica.sync, with the time each page takes to apply recorded.
  for (;;) {
    const body = r.pullBody();
    const page = await transport.pull(body);
    const applyStart = performance.now();
    storeMs = 0;
    const more = await r.applyPull(body, page);
    pages[pages.length - 1]!.applyMs = performance.now() - applyStart;
    pages[pages.length - 1]!.storeMs = storeMs;
    if (!more) break;
  }
  const totalMs = performance.now() - start;
  // Read back from IndexedDB by a second connection, as a reload would.
  const db = new SyncDb();
  const stored = await dexieStorage(db, replicaKey(scope)).read();
  db.close();
  const storedEntities = stored?.entities.length ?? 0;
  const storedVoters = stored?.entities.filter(([e]) => e === 'voter').length ?? 0;
  return { totalMs, pages, storedEntities, storedVoters };
}

/**
 * `n` canvass results one after another, each from `mutate` until a sync (push, then pull until no page waits)
 * leaves nothing pending: what the sync loop does when a change is recorded.
 */
async function roundTrips(
  scope: { orgId: string; userId: string; campaignId: string },
  turfId: string,
  n: number,
): Promise<RoundTripResult> {
  const r = await open(scope);
  const voters = r.list('voter').filter((v) => v.turfIds.includes(turfId));
  if (voters.length < n) throw new Error(`bench: only ${voters.length} voters on the turf`);
  const out: RoundTripResult = { ms: [], pushMs: [], pullMs: [] };
  for (let i = 0; i < n; i++) {
    const transport = timed(httpTransport, []);
    const start = performance.now();
    await r.mutate('canvass.record', {
      campaignId: scope.campaignId,
      result: {
        clientId: crypto.randomUUID(),
        voterId: voters[i]!.id,
        turfId,
        outcome: i % 3 ? 'contacted' : 'not_home',
        ...(i % 3 ? { supportLevel: (i % 5) + 1 } : {}),
        recordedAt: new Date().toISOString(),
      },
    });
    await r.sync(transport);
    const ms = performance.now() - start;
    if (r.pendingMutations.length) throw new Error(`bench: mutation ${i + 1} still pending after a sync`);
    if (r.rejected.length) throw new Error(`bench: refused: ${JSON.stringify(r.rejected[0]?.problem)}`);
    out.ms.push(ms);
    out.pushMs.push(transport.pushMs);
    out.pullMs.push(transport.pullMs);
  }
  return out;
}

(globalThis as unknown as { benchSync: unknown }).benchSync = { initialSync, roundTrips };

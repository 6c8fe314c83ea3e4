/**
 * The browser's sync loop for one replica: push what is pending and pull, whenever the device comes back online,
 * the page comes back to the foreground, the realtime stream names the campaign (`poke`), a change is recorded, and
 * every `intervalMs`. One run at a time; a request for another while one runs makes it run once more after.
 * Loaded lazily with the screens that work offline (never on the sign-in path).
 */
import type { SyncPullBody, SyncPushBody } from '@akashic/contracts';
import { Replica, type Transport } from '@akashic/sync';
import { api } from '../api.js';
import { SYNC_DB } from './name.js';
import { SyncDb, dexieStorage, identityOf } from './storage.js';

export interface SyncStatus {
  online: boolean;
  syncing: boolean;
  pending: number;
  /** Refused mutations the person has not dismissed yet. */
  rejected: number;
  /** The last run's failure (network or server), cleared by the next success. */
  error: unknown;
  /** When a sync last completed (ms since epoch). */
  lastSyncedAt: number | null;
}

export const httpTransport: Transport = {
  push: (body: SyncPushBody) => api.post('/api/v1/sync/push', body),
  pull: (body: SyncPullBody) => api.post('/api/v1/sync/pull', body),
};

let db: SyncDb | null = null;

/** A replica's key on the device: one per organization, member and campaign. */
export const replicaKey = (scope: { orgId: string; userId: string; campaignId: string }) =>
  `${scope.orgId}:${scope.userId}:${scope.campaignId}`;

export async function openReplica(scope: { orgId: string; userId: string; campaignId: string }): Promise<Replica> {
  db ??= new SyncDb();
  const key = replicaKey(scope);
  const ids = await identityOf(db, key);
  return Replica.open({ campaignId: scope.campaignId, userId: scope.userId, ...ids, storage: dexieStorage(db, key) });
}

/** Campaigns of this member whose replica on this device holds pending changes or unseen refusals. */
export async function campaignsWithWork(scope: { orgId: string; userId: string }): Promise<string[]> {
  db ??= new SyncDb();
  const prefix = `${scope.orgId}:${scope.userId}:`;
  const rows = await db.replicas.where('replica').startsWith(prefix).toArray();
  return rows.filter((r) => r.pending.length > 0 || r.rejected.length > 0).map((r) => r.replica.slice(prefix.length));
}

export function startSyncLoop(
  replica: Replica,
  onStatus: (s: SyncStatus) => void,
  { transport = httpTransport, intervalMs = 30_000 }: { transport?: Transport; intervalMs?: number } = {},
) {
  let running = false;
  let again = false;
  let stopped = false;
  let error: unknown = null;
  let lastSyncedAt: number | null = null;
  const report = () =>
    onStatus({
      online: navigator.onLine,
      syncing: running,
      pending: replica.waitingMutations.length,
      rejected: replica.rejected.length,
      error,
      lastSyncedAt,
    });
  const run = async () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    report();
    try {
      do {
        again = false;
        if (!navigator.onLine) break;
        await replica.sync(transport);
        error = null;
        lastSyncedAt = Date.now();
      } while (again && !stopped);
    } catch (e) {
      error = e;
    } finally {
      running = false;
      report();
    }
  };
  const onVisible = () => {
    if (document.visibilityState === 'visible') void run();
  };
  const onOffline = () => report();
  window.addEventListener('online', run);
  window.addEventListener('offline', onOffline);
  document.addEventListener('visibilitychange', onVisible);
  const timer = setInterval(() => void run(), intervalMs);
  const unsubscribe = replica.subscribe(report);
  void run();
  return {
    /** Sync now (after a local change, or when the realtime stream names the campaign). */
    poke: () => void run(),
    stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      window.removeEventListener('online', run);
      window.removeEventListener('offline', onOffline);
      document.removeEventListener('visibilitychange', onVisible);
    },
  };
}

/** Closes the replicas' database (before sign-out deletes it: see pwa.ts `clearUserData`). */
export function closeReplicas(): void {
  db?.close();
  db = null;
}

export { SYNC_DB };

/**
 * The device's open replicas, one per campaign of the signed-in member, each with its sync loop: opened when a
 * screen that works offline first asks for one, kept for the rest of the session (so what it queued is sent even
 * after the person moves on), poked by the live stream when it names the campaign, and stopped on sign-out or an
 * organization switch. At start, replicas that kept pending changes or unseen refusals from an earlier visit are
 * reopened so their work goes out and the header shows it. When another document of the device (a second tab, or
 * the page a navigation is leaving) writes the replica, the replica takes what it wrote. Loaded lazily (Dexie is not
 * on the sign-in path).
 */
import type { MutatorArgs, MutatorName } from '@akashic/contracts';
import type { Replica } from '@akashic/sync';
import { errorMessage } from '../api.js';
import { subscribeLive } from '../hooks.js';
import { campaignsWithWork, closeReplicas, openReplica, replicaKey, startSyncLoop } from './loop.js';
import { onReplicaWritten } from './storage.js';
import { onStopSync, reportReplica } from './status.js';

export interface Scope {
  orgId: string;
  userId: string;
  campaignId: string;
}

export interface ReplicaHandle {
  replica: Replica;
  /** Records a change (kept on the device at once) and starts sending it. */
  mutate<N extends MutatorName>(name: N, args: MutatorArgs<N>): Promise<number>;
  /** Sync now. */
  sync(): void;
}

const handles = new Map<string, Promise<ReplicaHandle>>();
const stops = new Set<() => void>();

/** The campaign's replica (opened and syncing on first use). */
export function replicaFor(scope: Scope): Promise<ReplicaHandle> {
  const key = replicaKey(scope);
  let handle = handles.get(key);
  if (!handle) {
    handle = open(scope, key);
    handles.set(key, handle);
    // A failure to open (IndexedDB refused, e.g. a private window that forbids it) is not kept: the next screen
    // that asks tries again.
    handle.catch(() => handles.delete(key));
  }
  return handle;
}

/** Takes another document's writes; a failure to read them is no loss: this replica's next write reads them again. */
const catchUp = (replica: Replica) => void replica.refresh().catch(() => {});

async function open(scope: Scope, key: string): Promise<ReplicaHandle> {
  // Listening before the replica is read, and checking once after: no write of another document falls between.
  let written = 0;
  let replica: Replica | undefined;
  const unlisten = onReplicaWritten(key, (version) => {
    written = Math.max(written, version);
    if (replica && version !== replica.version) catchUp(replica);
  });
  try {
    replica = await openReplica(scope);
  } catch (err) {
    unlisten();
    throw err;
  }
  if (written > replica.version) catchUp(replica);
  const loop = startSyncLoop(replica, (s) =>
    reportReplica(key, {
      campaignId: scope.campaignId,
      syncing: s.syncing,
      pending: s.pending,
      rejected: s.rejected,
      error: s.error ? errorMessage(s.error) : null,
      lastSyncedAt: s.lastSyncedAt,
    }),
  );
  const unsubscribe = subscribeLive((e) => {
    if (e === null || e.campaignId === scope.campaignId) loop.poke();
  });
  stops.add(() => {
    unsubscribe();
    unlisten();
    loop.stop();
  });
  return {
    replica,
    async mutate(name, args) {
      const id = await replica.mutate(name, args);
      loop.poke();
      return id;
    },
    sync: () => loop.poke(),
  };
}

/** Reopens the member's replicas that still have work (after a reload or a restart). */
export async function resumeSync(scope: { orgId: string; userId: string }): Promise<void> {
  for (const campaignId of await campaignsWithWork(scope)) void replicaFor({ ...scope, campaignId });
}

onStopSync(() => {
  for (const stop of stops) stop();
  stops.clear();
  handles.clear();
  closeReplicas();
});

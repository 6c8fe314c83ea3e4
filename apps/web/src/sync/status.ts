/**
 * What the console shows of offline work, for every screen (the header's indicator): whether the device is online,
 * whether a sync runs, how many changes wait on this device and how many the server refused. Each open replica
 * reports here (sync/hub.ts); this module loads no Dexie, so the signed-in shell can read it on every page.
 */
import { useSyncExternalStore } from 'react';

export interface ReplicaReport {
  campaignId: string;
  syncing: boolean;
  pending: number;
  rejected: number;
  /** The last run's failure as a sentence, cleared by the next success. */
  error: string | null;
  /** When a sync last completed (ms since epoch), null before the first. */
  lastSyncedAt: number | null;
}

export interface SyncOverview {
  online: boolean;
  syncing: boolean;
  pending: number;
  rejected: number;
  error: string | null;
  lastSyncedAt: number | null;
  /** Per campaign, for the indicator's detail. */
  replicas: ReplicaReport[];
}

const reports = new Map<string, ReplicaReport>();
const listeners = new Set<() => void>();
const stoppers = new Set<() => void>();
let overview: SyncOverview = summarize();

function online(): boolean {
  return typeof navigator === 'undefined' ? true : navigator.onLine;
}

function summarize(): SyncOverview {
  const list = [...reports.values()];
  const synced = list.map((r) => r.lastSyncedAt).filter((t): t is number => t !== null);
  return {
    online: online(),
    syncing: list.some((r) => r.syncing),
    pending: list.reduce((n, r) => n + r.pending, 0),
    rejected: list.reduce((n, r) => n + r.rejected, 0),
    error: list.find((r) => r.error)?.error ?? null,
    lastSyncedAt: synced.length ? Math.max(...synced) : null,
    replicas: list,
  };
}

function changed() {
  overview = summarize();
  for (const l of listeners) l();
}

if (typeof window !== 'undefined') {
  window.addEventListener('online', changed);
  window.addEventListener('offline', changed);
}

/** A replica's latest state (sync/hub.ts calls this on every change). */
export function reportReplica(key: string, report: ReplicaReport | null): void {
  if (report) reports.set(key, report);
  else reports.delete(key);
  changed();
}

/** The device's offline work as a whole; re-renders when any of it changes. */
export function useSyncOverview(): SyncOverview {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    () => overview,
  );
}

/** Registers how to stop every sync loop (sync/hub.ts, once loaded). */
export function onStopSync(stop: () => void): void {
  stoppers.add(stop);
}

/** Stops every sync loop and forgets their reports: sign-out, an ended session, an organization switch. */
export function stopSync(): void {
  for (const stop of stoppers) stop();
  reports.clear();
  changed();
}

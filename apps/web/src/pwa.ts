/**
 * The page's side of the service worker (src/sw/sw.ts): registration, the "new version" state the update prompt
 * reads, and deleting the signed-in user's cached API reads.
 */
import { useSyncExternalStore } from 'react';
import { Workbox } from 'workbox-window';
import { API_CACHE } from './sw/shared';
import { SYNC_DB } from './sync/name';
import { stopSync } from './sync/status';

let workbox: Workbox | null = null;
let updateWaiting = false;
const listeners = new Set<() => void>();

function setUpdateWaiting(v: boolean) {
  updateWaiting = v;
  for (const l of listeners) l();
}

/**
 * Register `/sw.js` (built console only: `vite dev` has no service worker) once the page has loaded, so installing
 * it — and precaching every chunk of the console — never competes with the page's own first requests. A new version
 * that installs while this page is open waits until the person chooses to reload (`applyUpdate`), so a page is never
 * switched under them.
 */
export function registerServiceWorker(): void {
  if (import.meta.env.DEV || !('serviceWorker' in navigator)) return;
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}

function register() {
  workbox = new Workbox('/sw.js', { scope: '/' });
  workbox.addEventListener('waiting', () => setUpdateWaiting(true));
  // The new version took over (here or in another tab): load the page it belongs to.
  workbox.addEventListener('controlling', (e) => {
    if (e.isUpdate) window.location.reload();
  });
  void workbox.register();
}

/** True while a new version of the console is installed and waiting. */
export function useUpdateWaiting(): boolean {
  return useSyncExternalStore(
    (fn) => {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    () => updateWaiting,
  );
}

/** Let the waiting version take over; the page reloads when it does. */
export function applyUpdate(): void {
  workbox?.messageSkipWaiting();
}

/**
 * Delete the API reads cached for offline use: on sign-out and whenever a session ends or begins, so nothing read
 * by one user is ever answered to the next one on this device.
 */
export async function clearUserData(): Promise<void> {
  stopSync();
  if (typeof caches !== 'undefined') await caches.delete(API_CACHE);
  // The offline replicas (sync/): deleted as the cached reads are, without loading Dexie on this path.
  if (typeof indexedDB !== 'undefined') indexedDB.deleteDatabase(SYNC_DB);
}

/**
 * The header's offline-work indicator: offline, changes waiting on this device, a sync running, the last sync's
 * time, a failed sync, and changes the server refused (a button opening the list of them, each with a Dismiss).
 * It reads sync/status.ts only; the refusals' panel is its own chunk and opens replicas lazily, so neither Dexie nor
 * the sync engine joins the initial bundle.
 */
import { lazy, Suspense } from 'react';
import { useSyncOverview, type SyncOverview } from '../sync/status';
import { Loading } from './layout';
import { Menu } from './Menu';

const RejectionsPanel = lazy(() => import('./SyncRejections'));

const time = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hour: 'numeric', minute: '2-digit' });
const changes = (n: number) => `${n} change${n === 1 ? '' : 's'} waiting`;

/** Short text for the header, and the full sentence for its title and screen readers. */
function describe(s: SyncOverview): { state: string; short: string; long: string } {
  const waiting = s.pending > 0 ? changes(s.pending) : '';
  if (!s.online)
    return {
      state: 'offline',
      short: s.pending ? `Offline · ${s.pending} waiting` : 'Offline',
      long: `Offline${waiting ? `: ${waiting}, sent when back online` : ''}`,
    };
  if (s.syncing) return { state: 'syncing', short: 'Syncing…', long: `Syncing${waiting ? ` (${waiting})` : ''}` };
  if (s.error)
    return {
      state: 'error',
      short: s.pending ? `Not synced · ${s.pending} waiting` : 'Not synced',
      long: `Sync failed: ${s.error}${waiting ? `; ${waiting}` : ''}`,
    };
  if (s.pending) return { state: 'waiting', short: `${s.pending} waiting`, long: changes(s.pending) };
  return {
    state: 'synced',
    short: s.lastSyncedAt ? `Synced ${time(s.lastSyncedAt)}` : 'Synced',
    long: s.lastSyncedAt ? `Everything is synced (last at ${time(s.lastSyncedAt)})` : 'Nothing waiting',
  };
}

export function SyncIndicator() {
  const s = useSyncOverview();
  // Nothing to say until a screen that works offline has opened a replica (or the device goes offline).
  if (s.online && s.replicas.length === 0) return null;
  const d = describe(s);
  const withRefusals = s.replicas.filter((r) => r.rejected > 0).map((r) => r.campaignId);
  return (
    <span className="sync-indicator" data-state={d.state}>
      <span role="status" title={d.long}>
        <span className="sync-mark" aria-hidden="true">
          {d.state === 'offline' ? '⊘' : d.state === 'syncing' ? '↻' : d.state === 'synced' ? '✓' : '!'}
        </span>
        <span className="sync-short" aria-hidden="true">
          {d.short}
        </span>
        {s.pending > 0 && (
          <span className="sync-count" aria-hidden="true">
            {s.pending}
          </span>
        )}
        <span className="sr-only">{d.long}</span>
      </span>
      {s.rejected > 0 && (
        <Menu label="Refused changes:" buttonContent={<span className="sync-refused">{s.rejected} refused</span>}>
          {() => (
            <Suspense fallback={<Loading />}>
              <RejectionsPanel campaignIds={withRefusals} />
            </Suspense>
          )}
        </Menu>
      )}
    </span>
  );
}

/**
 * The walk list and canvass screen, designed for a phone held in one hand (375 px wide) and working with no signal.
 * The header (the turf's name, its progress, links) paints from the REST read of the turf (or the service worker's
 * last answer), with nothing else to load; the walk list (CanvassWalk.tsx: the replica, Dexie, the sync engine) is
 * its own chunk, started once the header is on screen, and then gives the header the replica's turf and progress
 * (this device's results included; the only source offline when the service worker kept no answer).
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { api } from '../../../api';
import { LoadError, Loading, PageHeader } from '../../../components/layout';
import { useResource } from '../../../hooks';
import { Link } from '../../../router';
import { useSyncOverview } from '../../../sync/status';
import type { LocalTurf } from './CanvassWalk';
import { fieldApi, turfsPath, type TurfWithProgress } from './labels';
import '../campaigns.css';
import './field.css';

const CanvassWalk = lazy(() => import('./CanvassWalk').then((m) => ({ default: m.CanvassWalk })));

/**
 * True once `settled` has been painted (or after `maxWaitMs` whatever happens): the walk list's chunk and the replica
 * (a first download can hold a slow phone's main thread for a while) start after the header is on screen.
 */
function useAfterFirstPaint(settled: boolean, maxWaitMs = 1500): boolean {
  const [after, setAfter] = useState(false);
  useEffect(() => {
    if (after) return;
    let timer = setTimeout(() => setAfter(true), maxWaitMs);
    // The frame that paints the settled state, then a task after it.
    const frame = settled
      ? requestAnimationFrame(() => {
          clearTimeout(timer);
          timer = setTimeout(() => setAfter(true), 0);
        })
      : 0;
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [settled, after, maxWaitMs]);
  return after;
}

export function CanvassPage({ campaignId, turfId }: { campaignId: string; turfId: string }) {
  const base = `${fieldApi(campaignId)}/turfs/${turfId}`;
  const { online } = useSyncOverview();
  const rest = useResource((signal) => api.get<TurfWithProgress>(base, { signal }), [base]);
  const [local, setLocal] = useState<LocalTurf | null>(null);
  const start = useAfterFirstPaint(!rest.loading);
  const t = local?.turf ?? rest.data;
  const p = local?.progress ?? rest.data?.progress;
  const opening = <Loading label="Opening the walk list on this phone…" />;
  return (
    <div className="canvass">
      {t ? (
        <PageHeader
          title={t.name}
          lead={
            <>
              {p ? `${p.doorsAttempted}/${p.doors} doors · ${p.votersRemaining} voters left · ` : ''}
              <Link to={turfsPath(campaignId)}>Turfs</Link> ·{' '}
              {online ? (
                <a href={`${base}/walk-list/export`} download>
                  CSV
                </a>
              ) : (
                <span className="muted">CSV export needs signal</span>
              )}
            </>
          }
        />
      ) : rest.loading ? (
        <Loading label="Loading the turf…" />
      ) : (
        // No answer from the server: the walk list below says whether this device has the turf.
        !start && <LoadError error={rest.error} onRetry={rest.reload} />
      )}
      {start ? (
        <Suspense fallback={opening}>
          <CanvassWalk
            campaignId={campaignId}
            turfId={turfId}
            rest={{ data: rest.data ?? null, error: rest.error, reload: rest.reload }}
            onLocal={setLocal}
          />
        </Suspense>
      ) : (
        t && opening
      )}
    </div>
  );
}

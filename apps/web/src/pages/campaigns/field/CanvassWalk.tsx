/**
 * The canvass screen's walk list, working with no signal (loaded after the screen's header has painted: see
 * CanvassPage.tsx). Everything comes from the campaign's replica on this device (sync/use-replica.ts): the walk list
 * is built from its voters and results (packages/sync `walkList`, the server's order) and paged on the device, a
 * result is a `canvass.record` mutation kept on the device at once and sent when there is signal (exactly once: its
 * client id is made when the form opens), a result not sent yet or refused by the server is marked on the voter's
 * row (refusals until dismissed), and the old screen's localStorage queue is moved into the replica once.
 */
import {
  CANVASS_OUTCOMES,
  type CanvassOutcome,
  type CanvassResultBody,
  type SyncVoter,
  type Turf,
  type TurfProgress,
  type WalkVoter,
} from '@akashic/contracts';
import { latestResults, walkList, walkProgress, type LocalRejection, type Replica } from '@akashic/sync';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../../api';
import { useFeedback } from '../../../components/feedback';
import { Badge, LoadError, Loading } from '../../../components/layout';
import { navigate, useLocation } from '../../../router';
import type { ReplicaHandle } from '../../../sync/hub';
import { useSyncOverview } from '../../../sync/status';
import { useReplica } from '../../../sync/use-replica';
import { rejectionText } from '../../../components/SyncRejections';
import { ISSUES, OUTCOME_LABELS, SUPPORT_LABELS, walkListPath, type TurfWithProgress } from './labels';
import { VoterLookup } from './VoterLookup';

/** Households rendered at first and added per "More doors": a turf of thousands of doors is paged on the device. */
const PAGE = 30;

/** The queue of results the screen kept in localStorage before the replica (moved into the replica once). */
const legacyQueueKey = (campaignId: string) => `akashic.canvass-queue.${campaignId}`;
const migrating = new Set<string>();

/** Moves results queued by the earlier screen into the replica as `canvass.record` mutations, then forgets them. */
async function migrateLegacyQueue(
  campaignId: string,
  handle: ReplicaHandle,
): Promise<{ moved: number; failed: string[] }> {
  const key = legacyQueueKey(campaignId);
  const raw = localStorage.getItem(key);
  if (raw === null || migrating.has(key)) return { moved: 0, failed: [] };
  migrating.add(key);
  try {
    let items: CanvassResultBody[] = [];
    try {
      const parsed: unknown = JSON.parse(raw);
      if (Array.isArray(parsed)) items = parsed as CanvassResultBody[];
    } catch {
      // Unreadable: nothing can be recovered from it.
    }
    const queued = new Set(
      handle.replica.pendingMutations.flatMap((m) =>
        m.name === 'canvass.record' ? [(m.args as { result: CanvassResultBody }).result.clientId] : [],
      ),
    );
    let moved = 0;
    const failed: string[] = [];
    for (const result of items) {
      // Already in the replica (sent, or moved by an earlier visit that was interrupted): never twice.
      if (handle.replica.get('canvass_result', result.clientId) || queued.has(result.clientId)) continue;
      try {
        await handle.mutate('canvass.record', { campaignId, result });
        moved++;
      } catch (e) {
        failed.push(errorMessage(e));
      }
    }
    localStorage.removeItem(key);
    return { moved, failed };
  } finally {
    migrating.delete(key);
  }
}

interface VoterMarks {
  /** Voters with a result kept on this device, not yet confirmed by the server. */
  waiting: Set<string>;
  /** Refused results per voter. */
  refused: Map<string, LocalRejection[]>;
}

function marksOf(replica: Replica): VoterMarks {
  const waiting = new Set<string>();
  for (const m of replica.waitingMutations)
    if (m.name === 'canvass.record') waiting.add((m.args as { result: CanvassResultBody }).result.voterId);
  const refused = new Map<string, LocalRejection[]>();
  for (const r of replica.rejected) {
    const voterId =
      r.name === 'canvass.record' ? (r.args as { result?: CanvassResultBody } | undefined)?.result?.voterId : undefined;
    if (!voterId) continue;
    refused.set(voterId, [...(refused.get(voterId) ?? []), r]);
  }
  return { waiting, refused };
}

/** What the header shows from the replica once it has the turf (its name and progress with this device's results). */
export interface LocalTurf {
  turf: Turf;
  progress: TurfProgress;
}

export function CanvassWalk({
  campaignId,
  turfId,
  rest,
  onLocal,
}: {
  campaignId: string;
  turfId: string;
  /** The REST read of the turf (the header's source until the replica has it). */
  rest: { data: TurfWithProgress | null; error: unknown; reload: () => void };
  onLocal: (local: LocalTurf | null) => void;
}) {
  const { query } = useLocation();
  const sync = useSyncOverview();
  const report = sync.replicas.find((r) => r.campaignId === campaignId);
  const state = useReplica(campaignId);
  const ready = state.state === 'ready' ? state : null;
  const [shown, setShown] = useState(PAGE);
  const [open, setOpen] = useState<string | null>(null);
  const [target, setTarget] = useState<string | null>(() => query.get('voter'));
  const { announce } = useFeedback();

  const replicaTurf = ready?.synced ? ready.replica.get('turf', turfId) : undefined;
  const view = useMemo(() => {
    if (!ready?.synced) return null;
    const results = ready.replica.list('canvass_result');
    const households = walkList(turfId, ready.replica.list('voter'), latestResults(results));
    return { households, progress: walkProgress(households, results), marks: marksOf(ready.replica) };
    // `version` moves with every change to the replica.
  }, [ready?.replica, ready?.synced, ready?.version, turfId]);

  useEffect(() => {
    onLocal(replicaTurf && view ? { turf: replicaTurf, progress: view.progress } : null);
  }, [replicaTurf, view, onLocal]);

  // Fresh data on arrival when the replica was already open (a turf cut a moment ago: a just-opened replica syncs by
  // itself), and the old screen's queue moved into the replica.
  const handle = ready?.handle;
  const openedBefore = report?.lastSyncedAt != null;
  useEffect(() => {
    if (!handle) return;
    if (openedBefore) handle.sync();
    void migrateLegacyQueue(campaignId, handle).then(({ moved, failed }) => {
      if (moved) announce(`${moved} result${moved === 1 ? '' : 's'} saved earlier on this phone will be sent.`);
      if (failed.length) announce(`Results saved earlier could not be kept: ${failed.join('; ')}`, 'error');
    });
  }, [handle, campaignId]);

  // A voter to show (from the lookup or a link): page down to their door, open their form, bring it into view.
  const targetIndex = target && view ? view.households.findIndex((h) => h.voters.some((v) => v.id === target)) : -1;
  useEffect(() => {
    if (!target || targetIndex < 0) return;
    if (targetIndex >= shown) {
      setShown(targetIndex + 1);
      return;
    }
    setOpen(target);
    setTarget(null);
    requestAnimationFrame(() => {
      const row = document.getElementById(`voter-${target}`);
      row?.scrollIntoView({ block: 'start' });
      row?.querySelector<HTMLButtonElement>('.walk-voter-head')?.focus({ preventScroll: true });
    });
  }, [target, targetIndex, shown]);

  const pick = (v: SyncVoter) => {
    if (v.turfIds.includes(turfId)) setTarget(v.id);
    else navigate(`${walkListPath(campaignId, v.turfIds[0]!)}?voter=${encodeURIComponent(v.id)}`);
  };

  const replica = ready?.replica;
  const record = useCallback(
    async (result: CanvassResultBody) => {
      if (!handle) return;
      try {
        await handle.mutate('canvass.record', { campaignId, result });
        setOpen(null);
        announce(
          navigator.onLine ? 'Result saved.' : 'Result saved on this phone; it will be sent when there is signal.',
        );
      } catch (e) {
        announce(`The result could not be saved on this phone: ${errorMessage(e)}`, 'error');
      }
    },
    [handle, campaignId, announce],
  );

  // The doors, drawn again only when the replica's content, the paging or the open form change (not on every
  // report of the sync loop): a phone's main thread is short.
  const doors = useMemo(() => {
    if (!view || !replica) return null;
    const { households, marks } = view;
    return (
      <ol className="households">
        {households.slice(0, shown).map((h, i) => (
          <li key={h.key} className="household">
            <h2 className="household-address">
              <span className="door-number">{i + 1}</span> {h.address || 'No address'}
            </h2>
            <ul className="walk-voters">
              {h.voters.map((v) => (
                <li key={v.id} id={`voter-${v.id}`}>
                  <WalkVoterRow
                    voter={v}
                    open={open === v.id}
                    turfId={turfId}
                    waiting={marks.waiting.has(v.id)}
                    refused={marks.refused.get(v.id) ?? []}
                    onDismiss={(r) => void replica.dismiss(r)}
                    onOpen={() => setOpen(open === v.id ? null : v.id)}
                    onRecord={(item) => void record(item)}
                  />
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
    );
  }, [view, replica, shown, open, turfId, record]);

  // Nothing on this device yet, or part of a full copy (the rest on its way). A pull over data already here is not
  // "downloading": the header's indicator says a sync runs.
  const downloading = !ready?.synced || ready.replica.resetInProgress;
  if (state.state === 'failed')
    return (
      <LoadError
        error={new Error(`This browser cannot keep the walk list for offline use: ${errorMessage(state.error)}`)}
      />
    );
  if (!ready) return <Loading label="Opening the walk list on this phone…" />;
  if (!ready.synced)
    return sync.online ? <Loading label="Downloading this turf for offline use…" /> : <NotDownloaded />;
  if (!replicaTurf) {
    if (downloading) return <Loading label="Downloading this turf for offline use…" />;
    if (rest.error) return <LoadError error={rest.error} onRetry={rest.reload} />;
    return <p className="notice notice-info">This turf is not on this phone any more (deleted, or no longer yours).</p>;
  }
  const households = view?.households ?? [];
  return (
    <>
      {downloading && sync.online && (
        <p className="notice notice-info" role="status">
          Downloading the latest for offline use…
        </p>
      )}
      <VoterLookup replica={ready.replica} version={ready.version} turfId={turfId} onPick={pick} />
      {households.length === 0 ? (
        <p className="muted">
          {rest.data && rest.data.progress.voters > 0
            ? 'This turf’s doors are not kept on this phone: only the turfs assigned to you are.'
            : 'No voters in this turf.'}
        </p>
      ) : (
        <>
          {doors}
          {shown < households.length ? (
            <button type="button" className="button secondary block" onClick={() => setShown((n) => n + PAGE)}>
              More doors ({households.length - shown} left)
            </button>
          ) : (
            <p className="muted">End of the walk list.</p>
          )}
        </>
      )}
    </>
  );
}

function NotDownloaded() {
  return (
    <p className="notice notice-info" role="status">
      You are offline, and this campaign’s turfs have not been downloaded to this phone yet. Open this page once with
      signal to keep its walk lists here for offline use.
    </p>
  );
}

const nameOf = (v: WalkVoter) => [v.firstName, v.lastName].filter(Boolean).join(' ') || v.voterId;

function WalkVoterRow({
  voter: v,
  open,
  turfId,
  waiting,
  refused,
  onDismiss,
  onOpen,
  onRecord,
}: {
  voter: WalkVoter;
  open: boolean;
  turfId: string;
  /** A result for them waits on this device. */
  waiting: boolean;
  refused: LocalRejection[];
  onDismiss: (r: LocalRejection) => void;
  onOpen: () => void;
  onRecord: (item: CanvassResultBody) => void;
}) {
  const name = nameOf(v);
  return (
    <div className={`walk-voter${open ? ' is-open' : ''}`}>
      <button type="button" className="walk-voter-head" aria-expanded={open} onClick={onOpen}>
        <span className="walk-voter-name">{name}</span>
        <span className="walk-voter-meta">
          {[v.birthYear && `b. ${v.birthYear}`, v.party].filter(Boolean).join(' · ')}
        </span>
        {v.latest ? (
          <Badge tone={v.latest.outcome === 'contacted' ? 'green' : 'grey'}>
            {OUTCOME_LABELS[v.latest.outcome]}
            {v.latest.supportLevel ? ` · ${v.latest.supportLevel}` : ''}
          </Badge>
        ) : (
          <Badge tone="blue">To knock</Badge>
        )}
        {waiting && <Badge tone="amber">Not sent yet</Badge>}
      </button>
      {refused.map((r) => (
        <div key={`${r.clientId}:${r.mutationId}`} className="refused-result" role="alert">
          <p>
            <strong>Result not saved:</strong> {rejectionText(r)}
          </p>
          <button type="button" className="button secondary small" onClick={() => onDismiss(r)}>
            Dismiss
          </button>
        </div>
      ))}
      {open && <CanvassForm voter={v} name={name} turfId={turfId} onRecord={onRecord} />}
    </div>
  );
}

function CanvassForm({
  voter,
  name,
  turfId,
  onRecord,
}: {
  voter: WalkVoter;
  name: string;
  turfId: string;
  onRecord: (item: CanvassResultBody) => void;
}) {
  // Made once per form: a resubmission of this result is the same result.
  const [clientId] = useState(() => crypto.randomUUID());
  const [outcome, setOutcome] = useState<CanvassOutcome | null>(null);
  const [support, setSupport] = useState<number | null>(null);
  const [issues, setIssues] = useState<string[]>([]);
  const [notes, setNotes] = useState('');
  const toggle = (issue: string) =>
    setIssues((xs) => (xs.includes(issue) ? xs.filter((x) => x !== issue) : [...xs, issue]));
  const submit = () => {
    if (!outcome) return;
    onRecord({
      clientId,
      voterId: voter.id,
      turfId,
      outcome,
      supportLevel: outcome === 'contacted' ? support : null,
      issues,
      notes: notes.trim() || undefined,
      recordedAt: new Date().toISOString(),
    });
  };
  return (
    <div className="canvass-form">
      <fieldset>
        <legend>Outcome for {name}</legend>
        <div className="tap-grid">
          {CANVASS_OUTCOMES.map((o) => (
            <button
              key={o}
              type="button"
              className={`tap${outcome === o ? ' is-on' : ''}`}
              aria-pressed={outcome === o}
              onClick={() => setOutcome(o)}
            >
              {OUTCOME_LABELS[o]}
            </button>
          ))}
        </div>
      </fieldset>
      {outcome === 'contacted' && (
        <>
          <fieldset>
            <legend>Support</legend>
            <div className="tap-row">
              {[1, 2, 3, 4, 5].map((n) => (
                <button
                  key={n}
                  type="button"
                  className={`tap${support === n ? ' is-on' : ''}`}
                  aria-pressed={support === n}
                  aria-label={`${n}: ${SUPPORT_LABELS[n]}`}
                  title={SUPPORT_LABELS[n]}
                  onClick={() => setSupport(support === n ? null : n)}
                >
                  {n}
                </button>
              ))}
            </div>
            <p className="hint">1 strong support … 5 strong against</p>
          </fieldset>
          <fieldset>
            <legend>Issues</legend>
            <div className="chip-row">
              {ISSUES.map((i) => (
                <button
                  key={i}
                  type="button"
                  className={`chip${issues.includes(i) ? ' is-on' : ''}`}
                  aria-pressed={issues.includes(i)}
                  onClick={() => toggle(i)}
                >
                  {i}
                </button>
              ))}
            </div>
          </fieldset>
        </>
      )}
      <div className="field">
        <label htmlFor={`notes-${voter.id}`}>Notes</label>
        <textarea
          id={`notes-${voter.id}`}
          rows={2}
          maxLength={2000}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
        />
      </div>
      <button type="button" className="button primary block tap-submit" disabled={!outcome} onClick={submit}>
        Save result
      </button>
    </div>
  );
}

/**
 * The walk list and canvass screen, designed for a phone held in one hand (375 px wide): households in walking
 * order, each voter with their last result and big outcome buttons, then support level, issue chips and notes.
 * Every result carries a client id made when its form opens, and waits in the device's queue until the server has
 * it: a result recorded without signal is sent (as one batch) when the phone is back online, and a retry can never
 * record it twice.
 */
import {
  CANVASS_OUTCOMES,
  type CanvassOutcome,
  type CanvassResult,
  type CanvassResultBody,
  type Household,
  type WalkVoter,
} from '@akashic/contracts';
import { startTransition, useCallback, useEffect, useState } from 'react';
import { ApiError, api, errorMessage } from '../../../api';
import { useFeedback } from '../../../components/feedback';
import { Badge, LoadError, Loading, PageHeader } from '../../../components/layout';
import { useResource } from '../../../hooks';
import { Link } from '../../../router';
import { ISSUES, OUTCOME_LABELS, SUPPORT_LABELS, fieldApi, turfsPath, type TurfWithProgress } from './labels';
import '../campaigns.css';
import './field.css';

/** Results not yet acknowledged by the server, kept on the device per campaign. */
function useCanvassQueue(campaignId: string) {
  const key = `akashic.canvass-queue.${campaignId}`;
  const read = useCallback((): CanvassResultBody[] => {
    try {
      return JSON.parse(localStorage.getItem(key) ?? '[]') as CanvassResultBody[];
    } catch {
      return [];
    }
  }, [key]);
  const [queued, setQueued] = useState<CanvassResultBody[]>(read);
  const write = (items: CanvassResultBody[]) => {
    localStorage.setItem(key, JSON.stringify(items));
    setQueued(items);
  };
  /**
   * Sends what is queued in one all-or-nothing batch. Without signal (or on a server error) everything stays queued;
   * results the server refuses (named `body.results.<i>`) are dropped, and the rest are sent again.
   */
  const flush = useCallback(async (): Promise<{ sent: CanvassResult[]; error: unknown }> => {
    const items = read().slice(0, 500);
    if (items.length === 0) return { sent: [], error: null };
    try {
      const r = await api.post<{ results: CanvassResult[] }>(`${fieldApi(campaignId)}/canvass-results/batch`, {
        results: items,
      });
      const done = new Set(r.results.map((x) => x.clientId));
      write(read().filter((x) => !done.has(x.clientId)));
      return { sent: r.results, error: null };
    } catch (e) {
      if (!(e instanceof ApiError) || e.status === 0 || e.status >= 500) return { sent: [], error: e };
      const refused = new Set(
        (e.problem.errors ?? []).flatMap((x) => {
          const m = /^body\.results\.(\d+)\./.exec(x.field);
          return m ? [items[Number(m[1])]?.clientId] : [];
        }),
      );
      // A refusal that names no result would be refused again: drop the batch rather than retry it forever.
      write(read().filter((x) => refused.size > 0 && !refused.has(x.clientId)));
      return { sent: [], error: e };
    }
  }, [campaignId, read]);
  const add = (item: CanvassResultBody) => write([...read(), item]);
  return { queued, add, flush };
}

export function CanvassPage({ campaignId, turfId }: { campaignId: string; turfId: string }) {
  const base = `${fieldApi(campaignId)}/turfs/${turfId}`;
  const turf = useResource((signal) => api.get<TurfWithProgress>(base, { signal }), [base]);
  const [households, setHouseholds] = useState<Household[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [open, setOpen] = useState<string | null>(null);
  const queue = useCanvassQueue(campaignId);
  const { announce } = useFeedback();

  const loadMore = useCallback(
    async (from: string | null | undefined, replace = false) => {
      try {
        const page = await api.get<{ items: Household[]; nextCursor: string | null }>(`${base}/walk-list`, {
          query: { limit: 50, cursor: from ?? undefined },
        });
        // A page of doors is a long list to render on a phone: as a transition, rendering it yields to taps and to
        // the turf's header instead of blocking the main thread.
        startTransition(() => {
          setHouseholds((h) => (replace ? page.items : [...h, ...page.items]));
          setCursor(page.nextCursor);
          setLoadError(null);
        });
      } catch (e) {
        setLoadError(e);
      }
    },
    [base],
  );
  useEffect(() => {
    void loadMore(undefined, true);
  }, [loadMore]);

  /** The server's answer replaces the voter's latest result on the list. */
  const apply = useCallback((results: CanvassResult[]) => {
    const byVoter = new Map(results.map((r) => [r.voterId, r]));
    setHouseholds((hs) =>
      hs.map((h) => ({
        ...h,
        voters: h.voters.map((v) => (byVoter.has(v.id) ? { ...v, latest: byVoter.get(v.id)! } : v)),
      })),
    );
  }, []);

  const send = useCallback(async () => {
    const { sent, error } = await queue.flush();
    if (sent.length) {
      apply(sent);
      turf.reload();
      announce(sent.length === 1 ? 'Result saved.' : `${sent.length} results saved.`);
    }
    if (error) announce(`Saved on this phone; not sent yet: ${errorMessage(error)}`, 'error');
  }, [queue.flush, apply]);

  useEffect(() => {
    const online = () => void send();
    window.addEventListener('online', online);
    if (queue.queued.length) void send();
    return () => window.removeEventListener('online', online);
  }, [send]);

  const t = turf.data;
  if (turf.loading && !t) return <Loading label="Loading the turf…" />;
  if (!t) return <LoadError error={turf.error} onRetry={turf.reload} />;
  const p = t.progress;
  return (
    <div className="canvass">
      <PageHeader
        title={t.name}
        lead={
          <>
            {p.doorsAttempted}/{p.doors} doors · {p.votersRemaining} voters left ·{' '}
            <Link to={turfsPath(campaignId)}>Turfs</Link> ·{' '}
            <a href={`${base}/walk-list/export`} download>
              CSV
            </a>
          </>
        }
      />
      {queue.queued.length > 0 && (
        <p className="notice notice-info queue-note">
          {queue.queued.length} result{queue.queued.length === 1 ? '' : 's'} saved on this phone, waiting for signal.{' '}
          <button type="button" className="button secondary small" onClick={() => void send()}>
            Send now
          </button>
        </p>
      )}
      {loadError ? <LoadError error={loadError} onRetry={() => void loadMore(undefined, true)} /> : null}
      <ol className="households">
        {households.map((h, i) => (
          <li key={h.key} className="household">
            <h2 className="household-address">
              <span className="door-number">{i + 1}</span> {h.address || 'No address'}
            </h2>
            <ul className="walk-voters">
              {h.voters.map((v) => (
                <li key={v.id}>
                  <WalkVoterRow
                    voter={v}
                    open={open === v.id}
                    turfId={turfId}
                    onOpen={() => setOpen(open === v.id ? null : v.id)}
                    onRecord={(item) => {
                      queue.add(item);
                      setOpen(null);
                      void send();
                    }}
                  />
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      {cursor ? (
        <button type="button" className="button secondary block" onClick={() => void loadMore(cursor)}>
          More doors
        </button>
      ) : (
        households.length > 0 && <p className="muted">End of the walk list.</p>
      )}
    </div>
  );
}

const nameOf = (v: WalkVoter) => [v.firstName, v.lastName].filter(Boolean).join(' ') || v.voterId;

function WalkVoterRow({
  voter: v,
  open,
  turfId,
  onOpen,
  onRecord,
}: {
  voter: WalkVoter;
  open: boolean;
  turfId: string;
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
      </button>
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

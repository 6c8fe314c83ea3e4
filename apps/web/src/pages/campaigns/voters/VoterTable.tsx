/**
 * The voter table: a virtualized grid (fixed row height, only the visible rows rendered over a spacer) fed by
 * keyset pages fetched as the user scrolls, so a million voters scroll as smoothly as a hundred. Keyboard: the grid
 * is one tab stop; arrows, Page Up/Down, Home/End move the active row, Enter opens it.
 */
import type { Page, SegmentFilter, Voter } from '@akashic/contracts';
import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { api } from '../../../api';
import { LoadError } from '../../../components/layout';
import { CONTACT_STATUS_LABELS, formatCount, percent, voterName, votersApi } from './labels';

export type VoterSource =
  { kind: 'all' } | { kind: 'segment'; id: string; name: string } | { kind: 'filter'; filter: SegmentFilter };

const ROW = 40;
const OVERSCAN = 10;
const PAGE = 250;
/** Fetch the next page when the visible rows come this close to the end of what is loaded. */
const AHEAD = 150;

const COLUMNS = [
  { key: 'id', label: 'Voter id', width: 130 },
  { key: 'name', label: 'Name', width: 220 },
  { key: 'age', label: 'Born (age)', width: 110 },
  { key: 'party', label: 'Party', width: 80 },
  { key: 'place', label: 'Precinct / ZIP', width: 160 },
  { key: 'turnout', label: 'Turnout', width: 90, num: true },
  { key: 'persuasion', label: 'Persuasion', width: 100, num: true },
  { key: 'status', label: 'Contact status', width: 150 },
] as const;
const TEMPLATE = COLUMNS.map((c) => `${c.width}px`).join(' ');
const MIN_WIDTH = COLUMNS.reduce((s, c) => s + c.width, 0);

function fetchPage(campaignId: string, source: VoterSource, cursor: string | undefined, signal: AbortSignal) {
  const base = votersApi(campaignId);
  if (source.kind === 'filter') {
    return api.post<Page<Voter>>(
      `${base}/voter-query`,
      { filter: source.filter, limit: PAGE, ...(cursor ? { cursor } : {}) },
      { signal },
    );
  }
  const path = source.kind === 'segment' ? `${base}/segments/${source.id}/voters` : `${base}/voters`;
  return api.get<Page<Voter>>(path, { query: { limit: PAGE, cursor }, signal });
}

/** The rows loaded so far (kept in a ref: pages are appended without copying a million rows). */
function useKeysetRows(campaignId: string, source: VoterSource, sourceKey: string) {
  const rows = useRef<Voter[]>([]);
  const cursor = useRef<string | null | undefined>(undefined);
  const ctrl = useRef<AbortController | null>(null);
  const [, setVersion] = useState(0);
  const [loading, setLoading] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const sourceRef = useRef(source);
  sourceRef.current = source;

  const loadMore = useCallback(() => {
    if (ctrl.current || cursor.current === null) return;
    const c = new AbortController();
    ctrl.current = c;
    setLoading(true);
    setError(null);
    fetchPage(campaignId, sourceRef.current, cursor.current, c.signal)
      .then((page) => {
        if (c.signal.aborted) return;
        rows.current.push(...page.items);
        cursor.current = page.nextCursor;
        if (page.nextCursor === null) setDone(true);
        setVersion((v) => v + 1);
      })
      .catch((e: unknown) => {
        if (!c.signal.aborted) setError(e);
      })
      .finally(() => {
        if (ctrl.current === c) {
          ctrl.current = null;
          setLoading(false);
        }
      });
  }, [campaignId]);

  useEffect(() => {
    rows.current = [];
    cursor.current = undefined;
    setDone(false);
    setVersion((v) => v + 1);
    loadMore();
    return () => {
      ctrl.current?.abort();
      ctrl.current = null;
    };
  }, [loadMore, sourceKey]);

  const update = useCallback((id: string, change: (v: Voter) => Voter) => {
    const i = rows.current.findIndex((v) => v.id === id);
    if (i >= 0) {
      rows.current[i] = change(rows.current[i]!);
      setVersion((v) => v + 1);
    }
  }, []);

  return { rows: rows.current, loading, done, error, loadMore, update };
}

export interface VoterTableHandle {
  update: (id: string, change: (v: Voter) => Voter) => void;
}

export function VoterTable({
  campaignId,
  source,
  total,
  selectedId,
  onOpen,
  handleRef,
}: {
  campaignId: string;
  source: VoterSource;
  /** How many voters the source holds, when known (for aria-rowcount and the caption). */
  total: number | null;
  selectedId: string | null;
  onOpen: (voter: Voter) => void;
  handleRef?: { current: VoterTableHandle | null };
}) {
  const sourceKey = JSON.stringify(source);
  const { rows, loading, done, error, loadMore, update } = useKeysetRows(campaignId, source, sourceKey);
  if (handleRef) handleRef.current = { update };
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(480);
  const [active, setActive] = useState(0);
  const id = useId();
  const captionId = `${id}-caption`;

  useEffect(() => {
    setActive(0);
    setScrollTop(0);
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [sourceKey]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setHeight(el.clientHeight));
    ro.observe(el);
    setHeight(el.clientHeight);
    return () => ro.disconnect();
  }, []);

  const count = rows.length;
  const first = Math.max(0, Math.floor(scrollTop / ROW) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + height) / ROW) + OVERSCAN);

  // Fetch ahead as the visible rows near the end of what is loaded.
  useEffect(() => {
    if (!done && !loading && !error && last + AHEAD >= count) loadMore();
  }, [last, count, done, loading, error, loadMore]);

  const moveTo = (i: number) => {
    const next = Math.max(0, Math.min(count - 1, i));
    setActive(next);
    const el = scroller.current;
    if (!el) return;
    const header = ROW;
    const top = next * ROW;
    const view = el.clientHeight - header;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW > el.scrollTop + view) el.scrollTop = top + ROW - view;
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (count === 0) return;
    const pageRows = Math.max(1, Math.floor((height - ROW) / ROW) - 1);
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(active + 1),
      ArrowUp: () => moveTo(active - 1),
      PageDown: () => moveTo(active + pageRows),
      PageUp: () => moveTo(active - pageRows),
      Home: () => moveTo(0),
      End: () => moveTo(count - 1),
      Enter: () => rows[active] && onOpen(rows[active]),
      ' ': () => rows[active] && onOpen(rows[active]),
    };
    const k = keys[e.key];
    if (k && !e.altKey && !e.metaKey) {
      e.preventDefault();
      k();
    }
  };

  const visible: Voter[] = rows.slice(first, last);
  const activeRowId = count > 0 ? `${id}-row-${Math.min(active, count - 1)}` : undefined;
  const thisYear = new Date().getFullYear();
  const label =
    source.kind === 'segment'
      ? `Voters in the segment ${source.name}`
      : source.kind === 'filter'
        ? 'Voters matching the filter'
        : 'Voters';

  return (
    <div className="voter-table">
      <p id={captionId} className="muted voter-table-caption" aria-live="polite">
        {label}: {formatCount(count)} loaded
        {total !== null ? ` of ${formatCount(total)}` : done ? '' : '+'}
        {loading ? ' · loading more…' : ''}
      </p>
      <div
        ref={scroller}
        className="voter-grid"
        role="grid"
        aria-label={label}
        aria-describedby={captionId}
        aria-rowcount={total !== null ? total + 1 : done ? count + 1 : -1}
        aria-colcount={COLUMNS.length}
        aria-activedescendant={activeRowId}
        tabIndex={0}
        onKeyDown={onKeyDown}
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div className="voter-grid-inner" style={{ minWidth: MIN_WIDTH }}>
          <div
            className="voter-row voter-head"
            role="row"
            aria-rowindex={1}
            style={{ gridTemplateColumns: TEMPLATE, height: ROW }}
          >
            {COLUMNS.map((c, i) => (
              <div key={c.key} role="columnheader" aria-colindex={i + 1} className={'num' in c ? 'num' : undefined}>
                {c.label}
              </div>
            ))}
          </div>
          <div role="rowgroup" className="voter-body" style={{ height: count * ROW }}>
            {visible.map((v, k) => {
              const i = first + k;
              const age = v.birthYear ? thisYear - v.birthYear : null;
              return (
                <div
                  key={v.id}
                  id={`${id}-row-${i}`}
                  role="row"
                  aria-rowindex={i + 2}
                  aria-selected={v.id === selectedId}
                  className={`voter-row${i === active ? ' active' : ''}${v.id === selectedId ? ' selected' : ''}`}
                  style={{ gridTemplateColumns: TEMPLATE, height: ROW, transform: `translateY(${i * ROW}px)` }}
                  onClick={() => {
                    setActive(i);
                    onOpen(v);
                  }}
                >
                  <div role="gridcell" aria-colindex={1} className="mono">
                    {v.voterId}
                  </div>
                  <div role="gridcell" aria-colindex={2}>
                    {voterName(v)}
                  </div>
                  <div role="gridcell" aria-colindex={3}>
                    {v.birthYear ? `${v.birthYear} (${age})` : '—'}
                  </div>
                  <div role="gridcell" aria-colindex={4}>
                    {v.party ?? '—'}
                  </div>
                  <div role="gridcell" aria-colindex={5}>
                    {[v.precinct, v.zip].filter(Boolean).join(' / ') || '—'}
                  </div>
                  <div role="gridcell" aria-colindex={6} className="num">
                    {percent(v.turnoutScore)}
                  </div>
                  <div role="gridcell" aria-colindex={7} className="num">
                    {percent(v.persuasionScore)}
                  </div>
                  <div role="gridcell" aria-colindex={8}>
                    <span className={`status status-${v.contactStatus}`}>{CONTACT_STATUS_LABELS[v.contactStatus]}</span>
                  </div>
                </div>
              );
            })}
          </div>
          {done && count === 0 && !loading && <p className="empty voter-empty">No voters here.</p>}
        </div>
      </div>
      {error ? <LoadError error={error} onRetry={loadMore} /> : null}
      <p className="hint">
        Click a row, or focus the table and use the arrow keys, Page Up/Down, Home/End and Enter, to open a voter.
      </p>
    </div>
  );
}

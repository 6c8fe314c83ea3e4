/**
 * Segments: the builder (score ranges, geography, party, vote history, contact status) with a live count
 * (debounced `POST voter-count`), saving a segment, and the saved segments with their counts, voters and CSV export.
 */
import { CONTACT_STATUSES, type ContactStatus, type Page, type Segment, type SegmentFilter } from '@akashic/contracts';
import { useEffect, useId, useMemo, useState } from 'react';
import { api, errorMessage } from '../../../api';
import { useFeedback } from '../../../components/feedback';
import { FormError, TextField, useSubmission } from '../../../components/forms';
import { LoadError, Loading, LoadMore, Panel, TableWrap } from '../../../components/layout';
import { formatDate } from '../../../format';
import { useAction, usePages, useResource } from '../../../hooks';
import {
  CONTACT_STATUS_LABELS,
  electionLabel,
  formatCount,
  nestedFieldErrors,
  votersApi,
  type SegmentWithCount,
} from './labels';

const DEBOUNCE_MS = 350;

interface Draft {
  turnoutMin: string;
  turnoutMax: string;
  persuasionMin: string;
  persuasionMax: string;
  countyFips: string;
  precinct: string;
  zip: string;
  congressionalDistrict: string;
  stateSenateDistrict: string;
  stateHouseDistrict: string;
  party: string;
  votedIn: string[];
  notVotedIn: string[];
  generalsMin: string;
  generalsMax: string;
  birthYearMin: string;
  birthYearMax: string;
  contactStatus: ContactStatus[];
}

const EMPTY: Draft = {
  turnoutMin: '',
  turnoutMax: '',
  persuasionMin: '',
  persuasionMax: '',
  countyFips: '',
  precinct: '',
  zip: '',
  congressionalDistrict: '',
  stateSenateDistrict: '',
  stateHouseDistrict: '',
  party: '',
  votedIn: [],
  notVotedIn: [],
  generalsMin: '',
  generalsMax: '',
  birthYearMin: '',
  birthYearMax: '',
  contactStatus: [],
};

const codes = (s: string) => {
  const list = s
    .split(/[,\n]/)
    .map((x) => x.trim())
    .filter(Boolean);
  return list.length > 0 ? list : undefined;
};
const num = (s: string, scale = 1) => (s.trim() === '' ? undefined : Number(s) / scale);
function range(min: number | undefined, max: number | undefined) {
  if (min === undefined && max === undefined) return undefined;
  return { ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
}

type NumberKey =
  | 'turnoutMin'
  | 'turnoutMax'
  | 'persuasionMin'
  | 'persuasionMax'
  | 'generalsMin'
  | 'generalsMax'
  | 'birthYearMin'
  | 'birthYearMax';

/** Checked in the browser before anything is counted: scores are typed as percentages, unlike the API's 0–1. */
function localErrors(d: Draft): Partial<Record<NumberKey, string>> {
  const out: Partial<Record<NumberKey, string>> = {};
  const check = (min: NumberKey, max: NumberKey, lo: number, hi: number, what: string, integer: boolean) => {
    for (const k of [min, max]) {
      const v = d[k].trim();
      if (v === '') continue;
      const n = Number(v);
      if (!Number.isFinite(n) || n < lo || n > hi || (integer && !Number.isInteger(n))) out[k] = `Enter ${what}`;
    }
    if (!out[min] && !out[max] && d[min].trim() !== '' && d[max].trim() !== '' && Number(d[min]) > Number(d[max])) {
      out[max] = 'Must not be below the lower bound';
    }
  };
  check('turnoutMin', 'turnoutMax', 0, 100, 'a percentage from 0 to 100', false);
  check('persuasionMin', 'persuasionMax', 0, 100, 'a percentage from 0 to 100', false);
  check('generalsMin', 'generalsMax', 0, 100, 'a whole number from 0 to 100', true);
  check('birthYearMin', 'birthYearMax', 1880, 2030, 'a year from 1880 to 2030', true);
  return out;
}

/** The filter the draft stands for (scores are typed as percentages). */
export function toFilter(d: Draft): SegmentFilter {
  const f: SegmentFilter = {};
  const set = <K extends keyof SegmentFilter>(k: K, v: SegmentFilter[K] | undefined) => {
    if (v !== undefined) f[k] = v;
  };
  set('turnout', range(num(d.turnoutMin, 100), num(d.turnoutMax, 100)));
  set('persuasion', range(num(d.persuasionMin, 100), num(d.persuasionMax, 100)));
  set('countyFips', codes(d.countyFips));
  set('precinct', codes(d.precinct));
  set('zip', codes(d.zip));
  set('congressionalDistrict', codes(d.congressionalDistrict));
  set('stateSenateDistrict', codes(d.stateSenateDistrict));
  set('stateHouseDistrict', codes(d.stateHouseDistrict));
  set('party', codes(d.party));
  set('votedIn', d.votedIn.length > 0 ? d.votedIn : undefined);
  set('notVotedIn', d.notVotedIn.length > 0 ? d.notVotedIn : undefined);
  set('generalsVoted', range(num(d.generalsMin), num(d.generalsMax)));
  set('birthYear', range(num(d.birthYearMin), num(d.birthYearMax)));
  set('contactStatus', d.contactStatus.length > 0 ? d.contactStatus : undefined);
  return f;
}

/** A plain-language summary of a filter, for the segment list. */
export function describeFilter(f: SegmentFilter): string {
  const parts: string[] = [];
  const r = (label: string, x: { min?: number; max?: number } | undefined, pct = false) => {
    if (!x) return;
    const fmt = (n: number) => (pct ? `${Math.round(n * 100)}%` : String(n));
    parts.push(`${label} ${x.min !== undefined ? fmt(x.min) : '…'}–${x.max !== undefined ? fmt(x.max) : '…'}`);
  };
  r('turnout', f.turnout, true);
  r('persuasion', f.persuasion, true);
  if (f.countyFips) parts.push(`county ${f.countyFips.join(', ')}`);
  if (f.precinct) parts.push(`precinct ${f.precinct.join(', ')}`);
  if (f.zip) parts.push(`ZIP ${f.zip.join(', ')}`);
  if (f.congressionalDistrict) parts.push(`CD ${f.congressionalDistrict.join(', ')}`);
  if (f.stateSenateDistrict) parts.push(`SD ${f.stateSenateDistrict.join(', ')}`);
  if (f.stateHouseDistrict) parts.push(`HD ${f.stateHouseDistrict.join(', ')}`);
  if (f.party) parts.push(`party ${f.party.join(', ')}`);
  if (f.votedIn) parts.push(`voted in ${f.votedIn.map(electionLabel).join(', ')}`);
  if (f.notVotedIn) parts.push(`did not vote in ${f.notVotedIn.map(electionLabel).join(', ')}`);
  r('generals voted', f.generalsVoted);
  r('born', f.birthYear);
  if (f.contactStatus) parts.push(f.contactStatus.map((s) => CONTACT_STATUS_LABELS[s]).join(' or '));
  return parts.length > 0 ? parts.join(' · ') : 'All voters';
}

export function SegmentBuilder({
  campaignId,
  elections,
  onSaved,
  onPreview,
}: {
  campaignId: string;
  elections: string[];
  onSaved: (s: Segment) => void;
  onPreview: (filter: SegmentFilter) => void;
}) {
  const base = votersApi(campaignId);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [name, setName] = useState('');
  const filter = useMemo(() => toFilter(draft), [draft]);
  const local = useMemo(() => localErrors(draft), [draft]);
  const invalid = Object.keys(local).length > 0;
  const filterKey = JSON.stringify(filter);
  const [count, setCount] = useState<{ n: number | null; busy: boolean; error: unknown }>({
    n: null,
    busy: true,
    error: null,
  });
  const sub = useSubmission();
  const { announce } = useFeedback();

  // The live count: debounced, and a newer filter aborts the older request.
  useEffect(() => {
    if (invalid) return;
    const ctrl = new AbortController();
    setCount((c) => ({ ...c, busy: true }));
    const t = window.setTimeout(() => {
      api
        .post<{ count: number }>(
          `${base}/voter-count`,
          { filter: JSON.parse(filterKey) as SegmentFilter },
          { signal: ctrl.signal },
        )
        .then((r) => setCount({ n: r.count, busy: false, error: null }))
        .catch((e: unknown) => {
          if (!ctrl.signal.aborted) setCount({ n: null, busy: false, error: e });
        });
    }, DEBOUNCE_MS);
    return () => {
      ctrl.abort();
      window.clearTimeout(t);
    };
  }, [base, filterKey, invalid]);

  const countErrors = nestedFieldErrors(count.error, 'filter');
  const saveErrors = nestedFieldErrors(sub.error, 'filter');
  const errs = { ...countErrors, ...saveErrors };
  const server: Record<NumberKey, string | undefined> = {
    turnoutMin: errs.turnout,
    turnoutMax: undefined,
    persuasionMin: errs.persuasion,
    persuasionMax: undefined,
    generalsMin: errs.generalsVoted,
    generalsMax: undefined,
    birthYearMin: errs.birthYear,
    birthYearMax: undefined,
  };
  const errOf = (k: NumberKey) => local[k] ?? server[k];
  const field = <K extends keyof Draft>(k: K) => ({
    name: k,
    value: draft[k] as string,
    onChange: (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value })),
  });
  const toggle = (k: 'votedIn' | 'notVotedIn' | 'contactStatus', value: string) =>
    setDraft((d) => {
      const list = d[k] as string[];
      return { ...d, [k]: list.includes(value) ? list.filter((x) => x !== value) : [...list, value] };
    });

  const save = () =>
    void sub.run(async () => {
      if (invalid) throw new Error('Correct the highlighted fields first.');
      const s = await api.post<Segment>(`${base}/segments`, { name: name.trim(), filter });
      announce(`Saved the segment “${s.name}”.`);
      setName('');
      onSaved(s);
    });

  const nameError = sub.fields.name;
  return (
    <Panel
      title="Segment builder"
      id="segment-builder"
      description="Every condition you set must hold; a list matches any of its values."
    >
      <form
        ref={sub.formRef}
        className="stack segment-builder"
        onSubmit={(e) => {
          e.preventDefault();
          save();
        }}
      >
        <fieldset className="builder-group">
          <legend>Scores (0–100%)</legend>
          <div className="filters">
            <TextField
              label="Turnout from"
              type="number"
              min={0}
              max={100}
              step={1}
              inputMode="decimal"
              {...field('turnoutMin')}
              error={errOf('turnoutMin')}
            />
            <TextField
              label="Turnout to"
              type="number"
              min={0}
              max={100}
              step={1}
              inputMode="decimal"
              {...field('turnoutMax')}
              error={errOf('turnoutMax')}
            />
            <TextField
              label="Persuasion from"
              type="number"
              min={0}
              max={100}
              step={1}
              inputMode="decimal"
              {...field('persuasionMin')}
              error={errOf('persuasionMin')}
            />
            <TextField
              label="Persuasion to"
              type="number"
              min={0}
              max={100}
              step={1}
              inputMode="decimal"
              {...field('persuasionMax')}
              error={errOf('persuasionMax')}
            />
          </div>
        </fieldset>
        <fieldset className="builder-group">
          <legend>Geography and party</legend>
          <p className="hint">Separate several values with commas.</p>
          <div className="filters">
            <TextField label="County FIPS" {...field('countyFips')} error={errs.countyFips} />
            <TextField label="Precinct" {...field('precinct')} error={errs.precinct} />
            <TextField label="ZIP code" inputMode="numeric" {...field('zip')} error={errs.zip} />
            <TextField
              label="Congressional district"
              {...field('congressionalDistrict')}
              error={errs.congressionalDistrict}
            />
            <TextField
              label="State senate district"
              {...field('stateSenateDistrict')}
              error={errs.stateSenateDistrict}
            />
            <TextField label="State house district" {...field('stateHouseDistrict')} error={errs.stateHouseDistrict} />
            <TextField label="Party" hint="Codes as in the file" {...field('party')} error={errs.party} />
          </div>
        </fieldset>
        <fieldset className="builder-group">
          <legend>Vote history</legend>
          <div className="filters">
            <TextField
              label="Generals voted, at least"
              type="number"
              min={0}
              max={100}
              {...field('generalsMin')}
              error={errOf('generalsMin')}
            />
            <TextField
              label="Generals voted, at most"
              type="number"
              min={0}
              max={100}
              {...field('generalsMax')}
              error={errOf('generalsMax')}
            />
            <TextField
              label="Born from"
              type="number"
              min={1880}
              max={2030}
              {...field('birthYearMin')}
              error={errOf('birthYearMin')}
            />
            <TextField
              label="Born until"
              type="number"
              min={1880}
              max={2030}
              {...field('birthYearMax')}
              error={errOf('birthYearMax')}
            />
          </div>
          {elections.length === 0 ? (
            <p className="muted">Import a voter file to filter by the elections of its vote history.</p>
          ) : (
            <div className="election-picks">
              <CheckList
                legend="Voted in every one of"
                options={elections}
                label={electionLabel}
                selected={draft.votedIn}
                onToggle={(v) => toggle('votedIn', v)}
                error={errs.votedIn}
              />
              <CheckList
                legend="Voted in none of"
                options={elections}
                label={electionLabel}
                selected={draft.notVotedIn}
                onToggle={(v) => toggle('notVotedIn', v)}
                error={errs.notVotedIn}
              />
            </div>
          )}
        </fieldset>
        <CheckList
          legend="Contact status (any of)"
          options={CONTACT_STATUSES}
          label={(s) => CONTACT_STATUS_LABELS[s as ContactStatus]}
          selected={draft.contactStatus}
          onToggle={(v) => toggle('contactStatus', v)}
          error={errs.contactStatus}
        />
        <div className="live-count" role="status" aria-live="polite" aria-atomic="true">
          {invalid ? (
            <span className="warning-text">Correct the highlighted fields to count the voters.</span>
          ) : count.error ? (
            <span className="warning-text">Cannot count: {errorMessage(count.error)}</span>
          ) : count.n === null ? (
            'Counting…'
          ) : (
            <>
              <strong>{formatCount(count.n)}</strong> voters match{count.busy ? ' (updating…)' : ''}
            </>
          )}
        </div>
        <div className="inline-form-row">
          <TextField
            label="Segment name"
            name="name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={200}
            error={nameError}
            fieldClassName="grow"
          />
          <div className="actions">
            <button type="submit" className="button primary" disabled={sub.busy}>
              Save segment
            </button>
            <button type="button" className="button secondary" onClick={() => onPreview(filter)}>
              Show these voters
            </button>
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                setDraft(EMPTY);
                sub.setError(null);
              }}
            >
              Clear
            </button>
          </div>
        </div>
        <FormError error={sub.error} shown={['name', ...(Object.keys(saveErrors).length > 0 ? ['filter'] : [])]} />
      </form>
    </Panel>
  );
}

function CheckList({
  legend,
  options,
  label,
  selected,
  onToggle,
  error,
}: {
  legend: string;
  options: readonly string[];
  label: (v: string) => string;
  selected: string[];
  onToggle: (v: string) => void;
  error?: string | undefined;
}) {
  const id = useId();
  return (
    <fieldset
      className={`checks-group${error ? ' has-error' : ''}`}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>{legend}</legend>
      <ul>
        {options.map((o) => (
          <li key={o} className="check">
            <input type="checkbox" id={`${id}-${o}`} checked={selected.includes(o)} onChange={() => onToggle(o)} />
            <label htmlFor={`${id}-${o}`}>{label(o)}</label>
          </li>
        ))}
      </ul>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}

export function SegmentList({
  campaignId,
  reloadKey,
  openId,
  onOpen,
}: {
  campaignId: string;
  reloadKey: number;
  openId: string | null;
  onOpen: (s: Segment) => void;
}) {
  const base = votersApi(campaignId);
  const list = usePages<Segment>(
    (cursor, signal) =>
      api.get<Page<Segment>>(`${base}/segments`, { query: { cursor }, ...(signal ? { signal } : {}) }),
    [campaignId, reloadKey],
  );
  const { confirm } = useFeedback();
  const { busy, act } = useAction();

  const remove = async (s: Segment) => {
    const ok = await confirm({
      title: `Delete the segment “${s.name}”?`,
      body: <p>Its voters stay; only the saved filter is deleted.</p>,
      confirmLabel: 'Delete segment',
      danger: true,
    });
    if (ok && (await act(() => api.delete(`${base}/segments/${s.id}`), `Deleted the segment “${s.name}”.`))) {
      list.first.reload();
    }
  };

  return (
    <Panel title="Segments" id="segments" description="Saved filters; counts are live.">
      {list.first.loading && !list.first.data ? (
        <Loading label="Loading segments…" />
      ) : list.first.error ? (
        <LoadError error={list.first.error} onRetry={list.first.reload} />
      ) : list.items.length === 0 ? (
        <p className="muted">No segments yet: build one above and save it.</p>
      ) : (
        <TableWrap label="Segments">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Filter</th>
                <th scope="col" className="num">
                  Voters
                </th>
                <th scope="col">Changed</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.items.map((s) => (
                <tr key={s.id} aria-current={s.id === openId ? 'true' : undefined}>
                  <td data-label="Name">
                    <strong>{s.name}</strong>
                  </td>
                  <td data-label="Filter">{describeFilter(s.filter)}</td>
                  <td data-label="Voters" className="num">
                    <SegmentCount url={`${base}/segments/${s.id}`} version={s.version} />
                  </td>
                  <td data-label="Changed">{formatDate(s.updatedAt)}</td>
                  <td className="actions-cell">
                    <div className="actions">
                      <button type="button" className="button secondary small" onClick={() => onOpen(s)}>
                        Voters<span className="sr-only"> in {s.name}</span>
                      </button>
                      <a className="button secondary small" href={`${base}/segments/${s.id}/export`} download>
                        Export CSV<span className="sr-only"> of {s.name}</span>
                      </a>
                      <button
                        type="button"
                        className="button danger-outline small"
                        disabled={busy}
                        onClick={() => void remove(s)}
                      >
                        Delete<span className="sr-only"> {s.name}</span>
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <LoadMore pages={list} />
    </Panel>
  );
}

function SegmentCount({ url, version }: { url: string; version: number }) {
  const r = useResource((signal) => api.get<SegmentWithCount>(url, { signal }), [url, version]);
  if (r.loading && !r.data) return <span className="muted">…</span>;
  if (r.error || !r.data)
    return (
      <span className="warning-text" title={errorMessage(r.error)}>
        ?
      </span>
    );
  return <>{formatCount(r.data.count)}</>;
}

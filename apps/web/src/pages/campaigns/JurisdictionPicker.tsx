/**
 * Where a campaign is run: a state, a district of a state, or a set of counties. Counties are picked state by state
 * from those in the latest shipped results (named from the map's county names), with a filter by name or FIPS code;
 * the chosen ones are listed as removable chips.
 */
import type { CountyYearResults, Jurisdiction, ReferenceState } from '@akashic/contracts';
import { useId, useMemo, useState, type ReactNode } from 'react';
import { api } from '../../api';
import { SelectField, TextField } from '../../components/forms';
import { LoadError, Loading } from '../../components/layout';
import { useResource } from '../../hooks';
import { loadAtlas } from '../intelligence/atlas';
import { countyName } from '../intelligence/counties';

export interface JurisdictionDraft {
  kind: Jurisdiction['kind'];
  state: string;
  district: string;
  counties: string[];
}

export function draftOf(j: Jurisdiction | undefined): JurisdictionDraft {
  return {
    kind: j?.kind ?? 'state',
    state: j && j.kind !== 'counties' ? j.state : '',
    district: j?.kind === 'district' ? j.district : '',
    counties: j?.kind === 'counties' ? j.counties : [],
  };
}

export function jurisdictionOf(d: JurisdictionDraft): Jurisdiction {
  if (d.kind === 'counties') return { kind: 'counties', counties: d.counties };
  if (d.kind === 'district') return { kind: 'district', state: d.state, district: d.district };
  return { kind: 'state', state: d.state };
}

const KINDS: { kind: Jurisdiction['kind']; label: string }[] = [
  { kind: 'state', label: 'A state' },
  { kind: 'district', label: 'A district of a state' },
  { kind: 'counties', label: 'A set of counties' },
];

interface Props {
  states: ReferenceState[];
  /** The latest year with county results: the counties one can pick. */
  countyYear: number;
  value: JurisdictionDraft;
  onChange: (d: JurisdictionDraft) => void;
  error?: string | undefined;
}

export function JurisdictionPicker({ states, countyYear, value, onChange, error }: Props) {
  const id = useId();
  const set = (patch: Partial<JurisdictionDraft>) => onChange({ ...value, ...patch });
  const stateOptions = (
    <>
      <option value="">Choose a state…</option>
      {states.map((s) => (
        <option key={s.postal} value={s.postal}>
          {s.name}
        </option>
      ))}
    </>
  );
  return (
    <fieldset
      className={`jurisdiction${error ? ' has-error' : ''}`}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>Jurisdiction</legend>
      <div className="kind-choice" role="radiogroup" aria-label="Kind of jurisdiction">
        {KINDS.map((k) => (
          <span key={k.kind} className="check">
            <input
              type="radio"
              id={`${id}-${k.kind}`}
              name={`${id}-kind`}
              checked={value.kind === k.kind}
              onChange={() => set({ kind: k.kind })}
            />
            <label htmlFor={`${id}-${k.kind}`}>{k.label}</label>
          </span>
        ))}
      </div>
      {value.kind !== 'counties' ? (
        <div className="inline-form-row">
          <SelectField label="State" name="state" value={value.state} onChange={(e) => set({ state: e.target.value })}>
            {stateOptions}
          </SelectField>
          {value.kind === 'district' && (
            <TextField
              label="District"
              name="district"
              value={value.district}
              maxLength={20}
              hint="As the state names it: 7, AL (at-large), HD-42…"
              onChange={(e) => set({ district: e.target.value })}
            />
          )}
        </div>
      ) : (
        <CountyChooser
          states={states}
          countyYear={countyYear}
          value={value.counties}
          onChange={(counties) => set({ counties })}
        >
          {stateOptions}
        </CountyChooser>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          <span aria-hidden="true">⚠ </span>
          {error}
        </p>
      )}
    </fieldset>
  );
}

function CountyChooser({
  states,
  countyYear,
  value,
  onChange,
  children,
}: {
  states: ReferenceState[];
  countyYear: number;
  value: string[];
  onChange: (counties: string[]) => void;
  children: ReactNode;
}) {
  const [state, setState] = useState('');
  const [filter, setFilter] = useState('');
  const atlas = useResource(() => loadAtlas(), []);
  const names = atlas.data?.countyNames ?? new Map<string, string>();
  const nameOf = (fips: string) => countyName(fips, names);
  const counties = useResource(
    (signal) =>
      state
        ? api.get<CountyYearResults>('/api/v1/intelligence/counties', { query: { year: countyYear, state }, signal })
        : Promise.resolve(null),
    [state, countyYear],
  );
  const postalOf = useMemo(() => new Map(states.map((s) => [s.fips, s.postal])), [states]);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return (counties.data?.items ?? [])
      .map((c) => ({ fips: c.fips, name: countyName(c.fips, names) }))
      .filter((c) => !f || c.name.toLowerCase().includes(f) || c.fips.includes(f))
      .sort((a, b) => a.name.localeCompare(b.name));
  }, [counties.data, filter, names]);
  const chosen = new Set(value);
  const toggle = (fips: string, on: boolean) =>
    onChange(on ? [...value.filter((x) => x !== fips), fips] : value.filter((x) => x !== fips));

  return (
    <div className="county-chooser">
      {value.length > 0 && (
        <>
          <p className="subheader" id="chosen-counties">
            {value.length} {value.length === 1 ? 'county' : 'counties'} chosen
          </p>
          <ul className="chips" aria-labelledby="chosen-counties">
            {value.map((fips) => (
              <li key={fips}>
                <button type="button" className="button secondary small" onClick={() => toggle(fips, false)}>
                  <span className="sr-only">Remove </span>
                  {nameOf(fips)}, {postalOf.get(fips.slice(0, 2)) ?? ''} <span aria-hidden="true">×</span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="inline-form-row">
        <SelectField
          label="Counties of"
          name="countyState"
          value={state}
          onChange={(e) => {
            setState(e.target.value);
            setFilter('');
          }}
        >
          {children}
        </SelectField>
        {state && (
          <TextField
            label="Filter"
            name="countyFilter"
            value={filter}
            placeholder="Name or FIPS"
            onChange={(e) => setFilter(e.target.value)}
          />
        )}
      </div>
      {state &&
        (counties.loading ? (
          <Loading label="Loading counties…" />
        ) : counties.error ? (
          <LoadError error={counties.error} onRetry={counties.reload} />
        ) : (
          <fieldset className="county-list">
            <legend className="sr-only">Counties of {state}</legend>
            {shown.length === 0 ? (
              <p className="muted">No county matches.</p>
            ) : (
              <ul>
                {shown.map((c) => (
                  <li key={c.fips} className="check">
                    <input
                      type="checkbox"
                      id={`county-${c.fips}`}
                      checked={chosen.has(c.fips)}
                      onChange={(e) => toggle(c.fips, e.target.checked)}
                    />
                    <label htmlFor={`county-${c.fips}`}>
                      {c.name} <span className="muted">{c.fips}</span>
                    </label>
                  </li>
                ))}
              </ul>
            )}
          </fieldset>
        ))}
    </div>
  );
}

/**
 * The poll-based presidential forecast for a past cycle: national win probability and electoral votes, the
 * electoral-vote distribution, a sortable table of states (the accessible alternative to the chart), tipping-point
 * states, paths to victory and a selected state's factors.
 */
import type { StateForecasts } from '@akashic/contracts';
import { useMemo, useState } from 'react';
import { api } from '../../api';
import { SelectField } from '../../components/forms';
import { LoadError, Loading, Panel, TableWrap } from '../../components/layout';
import { useResource } from '../../hooks';
import { EvHistogram } from './EvHistogram';
import { FactorBars } from './FactorBars';
import { pct, prob } from './format';
import { nextSort, SortableHeaderRow } from '../../components/sortable';

export const STATE_CYCLES = [2016, 2012, 2008] as const;

type Key = 'state' | 'electoralVotes' | 'demTwoParty' | 'pDemWin';
const COLUMNS: { key: Key; label: string; numeric?: boolean }[] = [
  { key: 'state', label: 'State' },
  { key: 'electoralVotes', label: 'Electoral votes', numeric: true },
  { key: 'demTwoParty', label: 'Dem. share (80% interval)', numeric: true },
  { key: 'pDemWin', label: 'Dem. win probability', numeric: true },
];

export function StateForecastSection({ stateNames }: { stateNames: ReadonlyMap<string, string> }) {
  const [cycle, setCycle] = useState<number>(STATE_CYCLES[0]);
  const [selected, setSelected] = useState<string | null>(null);
  const res = useResource(
    (signal) => api.get<StateForecasts>('/api/v1/forecasts/states', { query: { cycle }, signal }),
    [cycle],
  );
  const f = res.data;
  const name = (postal: string) => stateNames.get(postal) ?? postal;

  return (
    <>
      <Panel
        title="Presidential forecast by state"
        description="A poll-based forecast as of the eve of the election, simulated state by state."
      >
        <div className="forecast-controls">
          <SelectField
            label="Election"
            name="state-cycle"
            value={cycle}
            onChange={(e) => {
              setCycle(Number(e.target.value));
              setSelected(null);
            }}
          >
            {STATE_CYCLES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </SelectField>
        </div>
        <div aria-live="polite" aria-busy={res.loading}>
          {res.error ? (
            <LoadError error={res.error} onRetry={res.reload} />
          ) : !f || (res.loading && f.cycle !== cycle) ? (
            <Loading label={`Loading the ${cycle} forecast…`} />
          ) : (
            <div className="headline">
              <p className="headline-figure">
                <span className="headline-label">Democratic win probability, {f.cycle}</span>
                <strong>{prob(f.national.pDemWin)}</strong>
              </p>
              <p className="headline-figure">
                <span className="headline-label">Democratic electoral votes (mean)</span>
                <strong>{Math.round(f.national.demEvMean)}</strong>
                <span className="muted">
                  80% interval {f.national.demEvLo80}–{f.national.demEvHi80}
                </span>
              </p>
              <p className="headline-figure">
                <span className="headline-label">National Democratic two-party share</span>
                <strong>{pct(f.national.demTwoParty)}</strong>
                {f.national.pTie > 0 && <span className="muted">Tie {prob(f.national.pTie)}</span>}
              </p>
            </div>
          )}
        </div>
        {f && f.cycle === cycle && (
          <>
            <p className="muted caveat">
              As of {f.asOf}, from {f.pollsUsed.toLocaleString('en-US')} shipped state polls and{' '}
              {f.simulations.toLocaleString('en-US')} simulations (seed {f.seed}). Poll-based forecasts are available
              only for 2008–2016, the cycles with shipped polls; they are a retrospective model check, not a forecast of
              a future election.
            </p>
            <EvHistogram forecast={f} />
          </>
        )}
      </Panel>

      {f && f.cycle === cycle && (
        <>
          <div className="forecast-columns">
            <TippingPoints f={f} name={name} />
            <Paths f={f} name={name} />
          </div>
          <Panel title={`States, ${f.cycle}`} id="state-forecasts" description="Select a state for its key factors.">
            <StatesTable f={f} name={name} selected={selected} onSelect={setSelected} />
          </Panel>
          {selected && <StateFactors f={f} state={selected} name={name} onClose={() => setSelected(null)} />}
        </>
      )}
    </>
  );
}

function TippingPoints({ f, name }: { f: StateForecasts; name: (s: string) => string }) {
  const top = f.tippingPoints.slice(0, 10);
  return (
    <Panel
      title="Tipping-point states"
      description="How often each state cast the decisive electoral vote in the simulations."
    >
      {top.length === 0 ? (
        <p className="muted">No tipping points.</p>
      ) : (
        <ol className="plain-list">
          {top.map((t) => (
            <li key={t.state}>
              <span>{name(t.state)}</span> <strong>{prob(t.probability)}</strong>
            </li>
          ))}
        </ol>
      )}
    </Panel>
  );
}

function Paths({ f, name }: { f: StateForecasts; name: (s: string) => string }) {
  const p = f.pathsToVictory;
  return (
    <Panel
      title="Paths to victory"
      description={`Minimal winning combinations of battleground states for the Democrat, on top of a base of ${p.base.length} states (${p.baseElectoralVotes} electoral votes) carried in at least 95% of simulations.`}
    >
      <p className="muted small">Battleground: {p.battleground.map(name).join(', ') || 'none'}.</p>
      {p.paths.length === 0 ? (
        <p className="muted">No minimal winning combination among the battleground states.</p>
      ) : (
        <ol className="plain-list paths">
          {p.paths.slice(0, 8).map((path) => (
            <li key={path.states.join('-')}>
              <span>{path.states.map(name).join(' + ')}</span> <span className="muted">({path.electoralVotes} EV)</span>{' '}
              <strong>{prob(path.probability)}</strong>
              <span className="sr-only"> joint probability</span>
            </li>
          ))}
        </ol>
      )}
      <p className="muted small">Probability: carrying every state of the path and the base together.</p>
    </Panel>
  );
}

function StatesTable({
  f,
  name,
  selected,
  onSelect,
}: {
  f: StateForecasts;
  name: (s: string) => string;
  selected: string | null;
  onSelect: (s: string) => void;
}) {
  const [sort, setSort] = useState<{ key: Key; dir: 1 | -1 }>({ key: 'pDemWin', dir: -1 });
  const rows = useMemo(() => {
    const { key, dir } = sort;
    return [...f.states].sort((a, b) => {
      const c = key === 'state' ? name(a.state).localeCompare(name(b.state)) : a[key] - b[key];
      return c * dir || a.state.localeCompare(b.state);
    });
  }, [f.states, sort, name]);
  const sortLabel = COLUMNS.find((c) => c.key === sort.key)!.label;
  return (
    <TableWrap label="State forecasts table">
      <table className="table">
        <caption className="sr-only">
          State forecasts, {f.cycle}: Democratic two-party share with its 80% interval, win probability and electoral
          votes, sorted by {sortLabel} {sort.dir === 1 ? 'ascending' : 'descending'}
        </caption>
        <thead>
          <SortableHeaderRow columns={COLUMNS} sort={sort} onSort={(c) => setSort((s) => nextSort(s, c))} />
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr key={s.state} className={selected === s.state ? 'selected' : undefined}>
              <th scope="row">
                <button
                  type="button"
                  className="button link"
                  aria-pressed={selected === s.state}
                  aria-label={`${name(s.state)}: show key factors`}
                  onClick={() => onSelect(s.state)}
                >
                  {name(s.state)}
                </button>
              </th>
              <td className="num">{s.electoralVotes}</td>
              <td className="num">
                {pct(s.demTwoParty)}{' '}
                <span className="muted">
                  ({pct(s.lo80)}–{pct(s.hi80)})
                </span>
              </td>
              <td className="num">{prob(s.pDemWin)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

function StateFactors({
  f,
  state,
  name,
  onClose,
}: {
  f: StateForecasts;
  state: string;
  name: (s: string) => string;
  onClose: () => void;
}) {
  const s = f.states.find((x) => x.state === state);
  if (!s) return null;
  return (
    <Panel
      title={`Key factors: ${name(state)}, ${f.cycle}`}
      id="state-factors"
      description={`Forecast ${pct(s.demTwoParty)} Democratic (80% interval ${pct(s.lo80)}–${pct(s.hi80)}; 95% ${pct(s.lo95)}–${pct(s.hi95)}), win probability ${prob(s.pDemWin)}. Contributions in points of the two-party share; positive favours the Democrat.`}
      actions={
        <button type="button" className="button secondary small" onClick={onClose}>
          Close
        </button>
      }
    >
      <FactorBars factors={s.factors} caption={`Factors in the ${name(state)} forecast, largest effect first`} />
    </Panel>
  );
}

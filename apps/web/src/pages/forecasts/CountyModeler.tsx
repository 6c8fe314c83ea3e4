/**
 * The county scenario modeler: set the national Democratic two-party share (and optionally national turnout)
 * and see every county's conditional forecast on the map and in a table with intervals and expected votes.
 * Requests follow the sliders once they settle; a selected county shows its factors.
 */
import type { CountyForecast, CountyForecasts, ReferenceCatalog } from '@akashic/contracts';
import { memo, useEffect, useId, useMemo, useState } from 'react';
import { api } from '../../api';
import { SelectField, TextField } from '../../components/forms';
import { LoadError, Loading, Panel, TableWrap } from '../../components/layout';
import { useResource } from '../../hooks';
import { loadAtlas, MAP_HEIGHT, MAP_WIDTH, project, type ProjectedMap } from '../intelligence/atlas';
import { countyName } from '../intelligence/counties';
import { ShareLegend } from '../intelligence/ShareLegend';
import { NO_DATA_COLOUR, shareColour } from '../intelligence/scale';
import { FactorBars } from './FactorBars';
import { int, pct } from './format';
import { nextSort, SortableHeaderRow } from '../../components/sortable';

export const COUNTY_CYCLES = [2024, 2020] as const;
const SETTLE_MS = 250;
const PAGE = 100;

export interface ModelerSettings {
  cycle: number;
  nationalDemTwoParty: number;
  nationalTurnoutVep: number | null;
  state: string;
}

interface Props {
  catalog: ReferenceCatalog;
  settings: ModelerSettings;
  onChange: (s: ModelerSettings) => void;
}

export function CountyModeler({ catalog, settings, onChange }: Props) {
  const shareId = useId();
  const turnoutId = useId();
  const turnoutOnId = useId();
  const [applied, setApplied] = useState(settings);
  const [selected, setSelected] = useState<string | null>(null);
  const set = (patch: Partial<ModelerSettings>) => onChange({ ...settings, ...patch });

  useEffect(() => {
    const t = setTimeout(() => setApplied(settings), SETTLE_MS);
    return () => clearTimeout(t);
  }, [settings]);

  const res = useResource(
    (signal) =>
      api.get<CountyForecasts>('/api/v1/forecasts/counties', {
        query: {
          cycle: applied.cycle,
          nationalDemTwoParty: applied.nationalDemTwoParty,
          nationalTurnoutVep: applied.nationalTurnoutVep,
          state: applied.state || undefined,
          topFactors: 4,
        },
        signal,
      }),
    [applied.cycle, applied.nationalDemTwoParty, applied.nationalTurnoutVep, applied.state],
  );
  const atlas = useResource(() => loadAtlas(), []);
  const stateInfo = catalog.states.find((s) => s.postal === applied.state) ?? null;
  const stateNames = useMemo(() => new Map(catalog.states.map((s) => [s.postal, s.name])), [catalog.states]);
  const projected = useMemo(
    () => (atlas.data ? project(atlas.data, stateInfo?.fips ?? null) : null),
    [atlas.data, stateInfo],
  );
  const names = atlas.data?.countyNames;
  const data = res.data;
  const pending = res.loading || applied !== settings;

  const nameOf = (c: CountyForecast) => (names ? countyName(c.fips, names) : `County ${c.fips}`);
  const fills = useMemo(() => {
    const m = new Map<string, string>();
    for (const c of data?.counties ?? []) m.set(c.fips, shareColour(c.demTwoParty));
    return m;
  }, [data]);
  const selectedCounty = data?.counties.find((c) => c.fips === selected) ?? null;

  const where = stateInfo ? stateInfo.name : 'the United States';
  const demCounties = data ? data.counties.filter((c) => c.demTwoParty > 0.5).length : 0;
  const totalVotes = data?.counties.reduce((s, c) => s + (c.totalVotes ?? 0), 0) ?? 0;
  const summary = data
    ? `Forecast for ${data.cycle} in ${where} with a national Democratic two-party share of ${pct(data.nationalDemTwoParty)}` +
      `${data.nationalTurnoutVep !== null ? ` and national turnout of ${pct(data.nationalTurnoutVep)} of the voting-eligible population${data.nationalTurnoutGiven ? '' : ' (forecast)'}` : ''}: ` +
      `the Democrat leads in ${int(demCounties)} of ${int(data.counties.length)} counties` +
      `${totalVotes > 0 ? `; ${int(totalVotes)} votes expected in all` : ''}.`
    : '';

  return (
    <>
      <Panel
        title="County scenario modeler"
        description="What each county would do if the nation voted as you set it. Conditional forecasts from the county model: they take the national result as given."
      >
        <div className="forecast-controls modeler-controls">
          <SelectField
            label="Election"
            name="county-cycle"
            value={settings.cycle}
            onChange={(e) => set({ cycle: Number(e.target.value) })}
          >
            {COUNTY_CYCLES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </SelectField>
          <div className="field slider-field">
            <label htmlFor={shareId}>
              National Democratic two-party share:{' '}
              <output htmlFor={shareId}>{pct(settings.nationalDemTwoParty)}</output>
            </label>
            <input
              id={shareId}
              type="range"
              min={0.4}
              max={0.6}
              step={0.005}
              value={settings.nationalDemTwoParty}
              aria-valuetext={pct(settings.nationalDemTwoParty)}
              onChange={(e) => set({ nationalDemTwoParty: Number(e.target.value) })}
            />
            <div className="year-ends" aria-hidden="true">
              <span>40%</span>
              <span>60%</span>
            </div>
          </div>
          <div className="field slider-field">
            <div className="check">
              <input
                id={turnoutOnId}
                type="checkbox"
                checked={settings.nationalTurnoutVep !== null}
                onChange={(e) => set({ nationalTurnoutVep: e.target.checked ? 0.62 : null })}
              />
              <label htmlFor={turnoutOnId}>Set national turnout (otherwise forecast)</label>
            </div>
            {settings.nationalTurnoutVep !== null && (
              <>
                <label htmlFor={turnoutId}>
                  National VEP turnout: <output htmlFor={turnoutId}>{pct(settings.nationalTurnoutVep)}</output>
                </label>
                <input
                  id={turnoutId}
                  type="range"
                  min={0.45}
                  max={0.75}
                  step={0.005}
                  value={settings.nationalTurnoutVep}
                  aria-valuetext={pct(settings.nationalTurnoutVep)}
                  onChange={(e) => set({ nationalTurnoutVep: Number(e.target.value) })}
                />
              </>
            )}
          </div>
          <SelectField
            label="State"
            name="county-state"
            value={settings.state}
            onChange={(e) => {
              set({ state: e.target.value });
              setSelected(null);
            }}
          >
            <option value="">All states</option>
            {catalog.states.map((s) => (
              <option key={s.postal} value={s.postal}>
                {s.name}
              </option>
            ))}
          </SelectField>
        </div>

        <p className="modeler-status" role="status" aria-live="polite">
          {res.error ? '' : pending ? 'Updating the forecast…' : summary}
        </p>
        {res.error ? <LoadError error={res.error} onRetry={res.reload} /> : null}

        <ShareLegend id="forecast-legend-title" title="Forecast Democratic two-party share" noData="No forecast" />
        {atlas.error ? (
          <LoadError error={atlas.error} onRetry={atlas.reload} />
        ) : !projected ? (
          <Loading label="Loading the county map…" />
        ) : (
          <div className="map-frame" aria-busy={pending}>
            <ForecastMap
              map={projected}
              fills={fills}
              title={`Forecast Democratic two-party share by county, ${where}, ${applied.cycle}`}
              summary={`${summary} The county forecasts table below lists the same figures.`}
              highlight={selected}
              onSelect={(fips) => fills.has(fips) && setSelected(fips)}
            />
            {pending && (
              <p className="map-loading" aria-hidden="true">
                Updating…
              </p>
            )}
          </div>
        )}
        {data && (
          <p className="muted caveat">
            County model fitted through {data.model.lastCycle} ({data.model.specification}). Intervals are the model’s
            80% prediction intervals given the national share; they do not include uncertainty about the national share
            itself. Expected votes need a turnout forecast and are blank where none is available.
          </p>
        )}
      </Panel>

      {selectedCounty && (
        <Panel
          title={`${nameOf(selectedCounty)}, ${stateNames.get(selectedCounty.state) ?? selectedCounty.state}`}
          id="county-factors"
          description={`Forecast ${pct(selectedCounty.demTwoParty)} Democratic (80% interval ${pct(selectedCounty.lo80)}–${pct(selectedCounty.hi80)}), ${int(selectedCounty.totalVotes)} votes expected. Largest contributions to the change from the county’s last result, in points of the two-party share.`}
          actions={
            <button type="button" className="button secondary small" onClick={() => setSelected(null)}>
              Close
            </button>
          }
        >
          <FactorBars factors={selectedCounty.factors} caption={`Factors for ${nameOf(selectedCounty)}`} />
        </Panel>
      )}

      <Panel
        title="County forecasts"
        id="county-forecasts"
        description={stateInfo ? `${stateInfo.name} only.` : 'All states.'}
      >
        {data ? (
          <ForecastTable
            rows={data.counties}
            nameOf={nameOf}
            stateName={(s) => stateNames.get(s) ?? s}
            onSelect={setSelected}
          />
        ) : res.loading ? (
          <Loading label="Loading county forecasts…" />
        ) : null}
      </Panel>
    </>
  );
}

const Shapes = memo(function Shapes({ map, fills }: { map: ProjectedMap; fills: ReadonlyMap<string, string> }) {
  return (
    <g className="county-shapes">
      {map.paths.map((p) => (
        <path key={p.id} d={p.d} fill={fills.get(p.id) ?? NO_DATA_COLOUR} data-fips={p.id} />
      ))}
    </g>
  );
});

/** The choropleth, as on the Intelligence page: one image with a summary; the table is the accessible route. */
function ForecastMap({
  map,
  fills,
  title,
  summary,
  highlight,
  onSelect,
}: {
  map: ProjectedMap;
  fills: ReadonlyMap<string, string>;
  title: string;
  summary: string;
  highlight: string | null;
  onSelect: (fips: string) => void;
}) {
  const id = useId();
  const outline = highlight ? map.paths.find((p) => p.id === highlight)?.d : undefined;
  return (
    <div className="county-map">
      <svg
        viewBox={`0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`}
        role="img"
        aria-labelledby={`${id}-t ${id}-d`}
        onClick={(e) => {
          const f = (e.target as Element).getAttribute('data-fips');
          if (f) onSelect(f);
        }}
      >
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{summary}</desc>
        <Shapes map={map} fills={fills} />
        <path className="state-borders" d={map.borders} />
        {outline && <path className="county-highlight" d={outline} />}
      </svg>
    </div>
  );
}

type Key = 'name' | 'state' | 'demTwoParty' | 'totalVotes';
const COLUMNS: { key: Key; label: string; numeric?: boolean }[] = [
  { key: 'name', label: 'County' },
  { key: 'state', label: 'State' },
  { key: 'demTwoParty', label: 'Dem. share (80% interval)', numeric: true },
  { key: 'totalVotes', label: 'Expected votes (80% interval)', numeric: true },
];

function ForecastTable({
  rows,
  nameOf,
  stateName,
  onSelect,
}: {
  rows: CountyForecast[];
  nameOf: (c: CountyForecast) => string;
  stateName: (s: string) => string;
  onSelect: (fips: string) => void;
}) {
  const [sort, setSort] = useState<{ key: Key; dir: 1 | -1 }>({ key: 'totalVotes', dir: -1 });
  const [filter, setFilter] = useState('');
  const [limit, setLimit] = useState(PAGE);
  const shown = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const named = rows.map((r) => ({ r, name: nameOf(r), state: stateName(r.state) }));
    const matching = q
      ? named.filter(
          (x) => x.r.fips.startsWith(q) || x.name.toLowerCase().includes(q) || x.state.toLowerCase().includes(q),
        )
      : named;
    const { key, dir } = sort;
    const v = (x: (typeof named)[number]) =>
      key === 'name' ? x.name : key === 'state' ? x.state : key === 'demTwoParty' ? x.r.demTwoParty : x.r.totalVotes;
    return matching.sort((a, b) => {
      const va = v(a);
      const vb = v(b);
      if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
      const c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va).localeCompare(String(vb));
      return c * dir || a.r.fips.localeCompare(b.r.fips);
    });
  }, [rows, filter, sort, nameOf, stateName]);
  const sortLabel = COLUMNS.find((c) => c.key === sort.key)!.label;

  return (
    <>
      <div className="table-tools">
        <TextField
          label="Find a county"
          name="forecast-county-filter"
          type="search"
          autoComplete="off"
          hint="By county name, state or FIPS code"
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value);
            setLimit(PAGE);
          }}
        />
        <p className="muted table-count">
          {shown.length === rows.length
            ? `${int(rows.length)} counties`
            : `${int(shown.length)} of ${int(rows.length)} counties match`}
          {shown.length > limit && `, showing the first ${limit}`}
        </p>
      </div>
      <TableWrap label="County forecasts table">
        <table className="table">
          <caption className="sr-only">
            County forecasts: Democratic two-party share and expected total votes with 80% intervals, sorted by{' '}
            {sortLabel} {sort.dir === 1 ? 'ascending' : 'descending'}
          </caption>
          <thead>
            <SortableHeaderRow
              columns={COLUMNS}
              sort={sort}
              onSort={(c) => {
                setSort((s) => nextSort(s, c));
                setLimit(PAGE);
              }}
            />
          </thead>
          <tbody>
            {shown.slice(0, limit).map(({ r, name, state }) => (
              <tr key={r.fips}>
                <th scope="row">
                  <button
                    type="button"
                    className="button link"
                    aria-label={`${name}, ${state}: show factors`}
                    onClick={() => onSelect(r.fips)}
                  >
                    {name}
                  </button>
                </th>
                <td>{state}</td>
                <td className="num">
                  <span className="swatch" style={{ background: shareColour(r.demTwoParty) }} aria-hidden="true" />
                  {pct(r.demTwoParty)}{' '}
                  <span className="muted">
                    ({pct(r.lo80)}–{pct(r.hi80)})
                  </span>
                </td>
                <td className="num">
                  {int(r.totalVotes)}
                  {r.totalVotesLo80 !== null && r.totalVotesHi80 !== null && (
                    <>
                      {' '}
                      <span className="muted">
                        ({int(r.totalVotesLo80)}–{int(r.totalVotesHi80)})
                      </span>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      {shown.length > limit && (
        <div className="load-more">
          <button type="button" className="button secondary" onClick={() => setLimit((l) => l + PAGE * 5)}>
            Show {Math.min(PAGE * 5, shown.length - limit)} more
          </button>
        </div>
      )}
    </>
  );
}

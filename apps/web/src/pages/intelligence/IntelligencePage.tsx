/**
 * Campaign Console → Intelligence: presidential results by county since 1868 on a choropleth with a year slider,
 * the same figures as a sortable, filterable table (the accessible alternative to the map), a county's history,
 * demographics and American Nation, and the sources and licences of all of it.
 */
import type { CountyYearResults, ReferenceCatalog } from '@akashic/contracts';
import { useEffect, useId, useMemo, useState } from 'react';
import { api } from '../../api';
import { SelectField } from '../../components/forms';
import { LoadError, Loading, PageHeader, Panel } from '../../components/layout';
import { useResource } from '../../hooks';
import { Link } from '../../router';
import { loadAtlas, project } from './atlas';
import { CountyDetail } from './CountyDetail';
import { CountyMap, type MapCounty } from './CountyMap';
import { countyName, FORMER_CODES, mapFipsOf } from './counties';
import { CountyTable, type TableRow } from './CountyTable';
import { ShareLegend } from './ShareLegend';
import { Sources } from './Sources';
import './intelligence.css';

/** From 1912 the results cover nearly every county (about 3,000 a year); earlier years are patchier. */
const DEFAULT_FIRST_YEAR = 1912;
const SLIDER_SETTLE_MS = 200;

export function IntelligencePage() {
  const catalog = useResource((signal) => api.get<ReferenceCatalog>('/api/v1/intelligence/datasets', { signal }), []);
  return (
    <>
      <PageHeader
        title="Historical election intelligence"
        lead={
          <>
            Presidential results for every county since 1868, with county demographics and regions. Part of the{' '}
            <Link to="/campaigns">Campaign Console</Link>; public data, the same for every organization.
          </>
        }
      />
      {catalog.loading ? (
        <Loading label="Loading the reference data…" />
      ) : catalog.error || !catalog.data ? (
        <LoadError error={catalog.error} onRetry={catalog.reload} />
      ) : (
        <Explorer catalog={catalog.data} />
      )}
    </>
  );
}

interface Selected {
  fips: string;
  name: string;
  stateName: string;
}

function Explorer({ catalog }: { catalog: ReferenceCatalog }) {
  const years = catalog.years.counties;
  const lastYear = years[years.length - 1] ?? 2020;
  const [early, setEarly] = useState(false);
  const [year, setYear] = useState(lastYear);
  const [shownYear, setShownYear] = useState(lastYear);
  const [state, setState] = useState('');
  const [selected, setSelected] = useState<Selected | null>(null);
  const [highlight, setHighlight] = useState<string | null>(null);
  const sliderId = useId();
  const earlyId = useId();

  const firstYear = early ? (years[0] ?? DEFAULT_FIRST_YEAR) : DEFAULT_FIRST_YEAR;
  const stateInfo = catalog.states.find((s) => s.postal === state) ?? null;
  const stateNames = useMemo(() => new Map(catalog.states.map((s) => [s.postal, s.name])), [catalog.states]);

  // The slider moves freely; the year's data is fetched once it settles.
  useEffect(() => {
    const t = setTimeout(() => setShownYear(year), SLIDER_SETTLE_MS);
    return () => clearTimeout(t);
  }, [year]);

  const atlas = useResource(() => loadAtlas(), []);
  // Years already seen are kept for the visit: sliding back and forth does not refetch them.
  const [yearCache] = useState(() => new Map<number, CountyYearResults>());
  const results = useResource(
    async (signal) => {
      const cached = yearCache.get(shownYear);
      if (cached) return cached;
      const r = await api.get<CountyYearResults>('/api/v1/intelligence/counties', {
        query: { year: shownYear },
        signal,
      });
      yearCache.set(shownYear, r);
      return r;
    },
    [shownYear],
  );

  const projected = useMemo(
    () => (atlas.data ? project(atlas.data, stateInfo?.fips ?? null) : null),
    [atlas.data, stateInfo],
  );
  const names = atlas.data?.countyNames;
  const data = results.data;

  const mapCounties = useMemo(() => {
    const out = new Map<string, MapCounty>();
    if (!projected || !names) return out;
    const byFips = new Map((data?.items ?? []).map((r) => [r.fips, r]));
    for (const { id } of projected.paths) {
      const result =
        byFips.get(id) ?? (FORMER_CODES[id] ?? []).map((f) => byFips.get(f.fips)).find((r) => r !== undefined);
      out.set(id, {
        fips: id,
        name: countyName(id, names),
        stateName: stateNames.get(result?.state ?? '') ?? '',
        result,
      });
    }
    // Shapes without a result still need their state's name for the tooltip.
    for (const c of out.values()) {
      if (!c.stateName) c.stateName = catalog.states.find((s) => s.fips === c.fips.slice(0, 2))?.name ?? '';
    }
    return out;
  }, [projected, names, data, stateNames, catalog.states]);

  const rows = useMemo<TableRow[]>(
    () =>
      (data?.items ?? [])
        .filter((r) => !state || r.state === state)
        .map((r) => ({
          fips: r.fips,
          name: names ? countyName(r.fips, names) : `County ${r.fips}`,
          stateName: stateNames.get(r.state) ?? r.state,
          mapFips: names ? mapFipsOf(r.fips, names) : null,
          result: r,
        })),
    [data, state, names, stateNames],
  );

  const where = stateInfo ? stateInfo.name : 'the United States';
  const summary = useMemo(() => {
    if (!data) return '';
    const withShare = rows.filter((r) => r.result.demShare !== null);
    const dem = withShare.filter((r) => (r.result.demShare ?? 0) > 0.5).length;
    const rep = withShare.filter((r) => (r.result.demShare ?? 1) < 0.5).length;
    const noData = [...mapCounties.values()].filter((c) => !c.result).length;
    return (
      `County map of ${where}, ${data.year}, coloured by the Democratic share of the two-party presidential vote. ` +
      `${rows.length.toLocaleString('en-US')} counties have results: the Democratic candidate led in ` +
      `${dem.toLocaleString('en-US')}, the Republican in ${rep.toLocaleString('en-US')}. ` +
      `${noData.toLocaleString('en-US')} counties on the map have no data for this year. ` +
      'The county results table below lists the same figures.'
    );
  }, [data, rows, mapCounties, where]);

  const openCounty = (row: { fips: string; name: string; stateName: string; mapFips: string | null }) =>
    // A current county's history includes the years recorded under its former codes.
    setSelected({ fips: row.mapFips ?? row.fips, name: row.name, stateName: row.stateName });

  const changeEarly = (on: boolean) => {
    setEarly(on);
    if (!on && year < DEFAULT_FIRST_YEAR) setYear(DEFAULT_FIRST_YEAR);
  };

  return (
    <>
      <Panel
        title="County map"
        description="Democratic share of the two-party (Democratic + Republican) presidential vote."
      >
        <div className="map-controls">
          <div className="field year-field">
            <label htmlFor={sliderId}>
              Election year: <output htmlFor={sliderId}>{year}</output>
            </label>
            <input
              id={sliderId}
              type="range"
              min={firstYear}
              max={lastYear}
              step={4}
              value={year}
              onChange={(e) => setYear(Number(e.target.value))}
            />
            <div className="year-ends" aria-hidden="true">
              <span>{firstYear}</span>
              <span>{lastYear}</span>
            </div>
            <div className="check">
              <input id={earlyId} type="checkbox" checked={early} onChange={(e) => changeEarly(e.target.checked)} />
              <label htmlFor={earlyId}>Include {years[0] ?? 1868}–1908 (fewer counties)</label>
            </div>
          </div>
          <SelectField
            label="State"
            name="state"
            value={state}
            onChange={(e) => {
              setState(e.target.value);
              setHighlight(null);
            }}
            fieldClassName="state-field"
          >
            <option value="">All states</option>
            {catalog.states.map((s) => (
              <option key={s.postal} value={s.postal}>
                {s.name}
              </option>
            ))}
          </SelectField>
        </div>
        <ShareLegend id="legend-title" title="Democratic two-party share" noData="No data" />
        {atlas.error ? (
          <LoadError error={atlas.error} onRetry={atlas.reload} />
        ) : !projected ? (
          <Loading label="Loading the county map…" />
        ) : (
          <div className="map-frame" aria-busy={results.loading}>
            <CountyMap
              map={projected}
              counties={mapCounties}
              title={`Democratic two-party share by county, ${where}, ${data?.year ?? shownYear}`}
              summary={summary}
              highlight={highlight}
              onSelect={(fips) => {
                const c = mapCounties.get(fips);
                if (c)
                  openCounty({ fips: c.result?.fips ?? fips, name: c.name, stateName: c.stateName, mapFips: fips });
              }}
            />
            {results.loading && (
              <p className="map-loading" role="status">
                Loading {shownYear}…
              </p>
            )}
          </div>
        )}
        {results.error ? <LoadError error={results.error} onRetry={results.reload} /> : null}
        <p className="muted map-note">
          Counties use the FIPS codes of each election year. Counties renamed since (Shannon → Oglala Lakota SD, Wade
          Hampton → Kusilvak AK, Dade → Miami-Dade FL, Ormsby → Carson City NV) are drawn in today’s shape; cities
          merged into counties since (such as Bedford city VA) and historical counties have no shape and appear in the
          table only. Alaska reports no county results. Connecticut is drawn with its eight historical counties, which
          the results use (not the 2022 planning regions). Select a county on the map, or its name in the table, for its
          history.
        </p>
      </Panel>

      {selected && (
        <CountyDetail
          key={selected.fips}
          fips={selected.fips}
          name={selected.name}
          stateName={selected.stateName}
          from={firstYear}
          onClose={() => setSelected(null)}
        />
      )}

      <Panel
        title={`Counties in ${data?.year ?? shownYear}`}
        id="county-results"
        description={stateInfo ? `${stateInfo.name} only.` : 'All states.'}
      >
        {!data ? (
          results.loading ? (
            <Loading label="Loading county results…" />
          ) : null
        ) : (
          <CountyTable year={data.year} rows={rows} onSelect={openCounty} onHighlight={setHighlight} />
        )}
      </Panel>

      <Sources datasets={catalog.datasets} />
    </>
  );
}

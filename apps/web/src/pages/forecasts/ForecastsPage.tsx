/**
 * Campaign Console → Forecasts: the poll-based presidential forecast by state for 2008–2016, a county scenario
 * modeler driven by the national vote, and the organization's saved scenarios.
 */
import type { ReferenceCatalog } from '@akashic/contracts';
import { useMemo, useState } from 'react';
import { api } from '../../api';
import { LoadError, Loading, PageHeader } from '../../components/layout';
import { useResource } from '../../hooks';
import { Link } from '../../router';
import { CountyModeler, COUNTY_CYCLES, type ModelerSettings } from './CountyModeler';
import { Scenarios } from './Scenarios';
import { StateForecastSection } from './StateForecast';
import '../intelligence/intelligence.css';
import './forecasts.css';

export function ForecastsPage() {
  const catalog = useResource((signal) => api.get<ReferenceCatalog>('/api/v1/intelligence/datasets', { signal }), []);
  const stateNames = useMemo(
    () => new Map((catalog.data?.states ?? []).map((s) => [s.postal, s.name])),
    [catalog.data],
  );
  const [settings, setSettings] = useState<ModelerSettings>({
    cycle: COUNTY_CYCLES[0],
    nationalDemTwoParty: 0.52,
    nationalTurnoutVep: null,
    state: '',
  });
  return (
    <>
      <PageHeader
        title="Forecasts"
        lead={
          <>
            Presidential forecasts from public data: a poll-based state forecast for past elections (2008–2016, the
            cycles with shipped polls) and a county modeler for what-if national results. Part of the{' '}
            <Link to="/campaigns">Campaign Console</Link>; see <Link to="/campaigns/intelligence">Intelligence</Link>{' '}
            for the results behind them.
          </>
        }
      />
      <StateForecastSection stateNames={stateNames} />
      {catalog.loading ? (
        <Loading label="Loading the reference data…" />
      ) : catalog.error || !catalog.data ? (
        <LoadError error={catalog.error} onRetry={catalog.reload} />
      ) : (
        <>
          <CountyModeler catalog={catalog.data} settings={settings} onChange={setSettings} />
          <Scenarios settings={settings} onLoad={setSettings} />
        </>
      )}
    </>
  );
}

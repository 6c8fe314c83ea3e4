/**
 * Saved scenarios: save the modeler's settings under a name, list the organization's county scenarios, load one
 * back into the modeler, and run two side by side.
 */
import type { Page, Scenario, ScenarioComparison } from '@akashic/contracts';
import { useState, type FormEvent } from 'react';
import { api, errorMessage } from '../../api';
import { useFeedback } from '../../components/feedback';
import { FormError, TextField, useSubmission } from '../../components/forms';
import { LoadError, Loading, Panel, TableWrap } from '../../components/layout';
import { useResource } from '../../hooks';
import type { ModelerSettings } from './CountyModeler';
import { int, pct } from './format';

interface Props {
  settings: ModelerSettings;
  onLoad: (s: ModelerSettings) => void;
}

export function Scenarios({ settings, onLoad }: Props) {
  const { announce } = useFeedback();
  const list = useResource(
    (signal) =>
      api.get<Page<Scenario>>('/api/v1/forecasts/scenarios', { query: { kind: 'counties', limit: 50 }, signal }),
    [],
  );
  const save = useSubmission();
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [comparison, setComparison] = useState<ScenarioComparison | null>(null);
  const [comparing, setComparing] = useState(false);
  const [compareError, setCompareError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await save.run(async () => {
      const created = await api.post<Scenario>('/api/v1/forecasts/scenarios', {
        name,
        cycle: settings.cycle,
        kind: 'counties',
        description: settings.state ? `State filter when saved: ${settings.state}` : null,
        inputs: {
          nationalDemTwoParty: settings.nationalDemTwoParty,
          ...(settings.nationalTurnoutVep !== null ? { nationalTurnoutVep: settings.nationalTurnoutVep } : {}),
        },
      });
      list.setData((prev) => (prev ? { ...prev, items: [created, ...prev.items] } : prev));
    });
    if (ok) {
      announce(`Saved the scenario “${name}”.`);
      setName('');
    }
  };

  const toggle = (id: string, on: boolean) =>
    setPicked((p) => (on ? [...p.filter((x) => x !== id), id].slice(-2) : p.filter((x) => x !== id)));

  const compare = async () => {
    setComparing(true);
    setCompareError(null);
    try {
      setComparison(await api.post<ScenarioComparison>('/api/v1/forecasts/scenarios/compare', { ids: picked }));
    } catch (e) {
      setCompareError(e);
    } finally {
      setComparing(false);
    }
  };

  const items = list.data?.items ?? [];
  return (
    <Panel
      title="Saved scenarios"
      description="Save the modeler’s national share and turnout as a named scenario for your organization, and compare two."
    >
      <form className="scenario-form" onSubmit={submit} ref={save.formRef} noValidate>
        <FormError error={save.error} shown={['name']} />
        <TextField
          label="Scenario name"
          name="name"
          value={name}
          required
          maxLength={120}
          error={save.fields.name}
          hint={`Saves ${settings.cycle}, ${pct(settings.nationalDemTwoParty)} Democratic${settings.nationalTurnoutVep !== null ? `, ${pct(settings.nationalTurnoutVep)} turnout` : ''}.`}
          onChange={(e) => setName(e.target.value)}
        />
        <button type="submit" className="button primary" disabled={save.busy || !name.trim()}>
          {save.busy ? 'Saving…' : 'Save scenario'}
        </button>
      </form>

      {list.loading ? (
        <Loading label="Loading saved scenarios…" />
      ) : list.error ? (
        <LoadError error={list.error} onRetry={list.reload} />
      ) : items.length === 0 ? (
        <p className="muted">No saved county scenarios yet.</p>
      ) : (
        <fieldset className="scenario-list">
          <legend>Choose two scenarios to compare</legend>
          <ul className="plain-list">
            {items.map((s) => (
              <li key={s.id}>
                <span className="check">
                  <input
                    id={`pick-${s.id}`}
                    type="checkbox"
                    checked={picked.includes(s.id)}
                    onChange={(e) => toggle(s.id, e.target.checked)}
                  />
                  <label htmlFor={`pick-${s.id}`}>
                    {s.name}{' '}
                    <span className="muted">
                      ({s.cycle}, {s.inputs.nationalDemTwoParty !== undefined ? pct(s.inputs.nationalDemTwoParty) : '—'}{' '}
                      Dem.
                      {s.inputs.nationalTurnoutVep !== undefined ? `, ${pct(s.inputs.nationalTurnoutVep)} turnout` : ''}
                      )
                    </span>
                  </label>
                </span>
                <button
                  type="button"
                  className="button secondary small"
                  aria-label={`Load “${s.name}” into the modeler`}
                  onClick={() => {
                    onLoad({
                      cycle: s.cycle,
                      nationalDemTwoParty: s.inputs.nationalDemTwoParty ?? settings.nationalDemTwoParty,
                      nationalTurnoutVep: s.inputs.nationalTurnoutVep ?? null,
                      state: settings.state,
                    });
                    announce(`Loaded “${s.name}” into the modeler.`, 'info');
                  }}
                >
                  Load
                </button>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="button secondary"
            disabled={picked.length !== 2 || comparing}
            onClick={compare}
          >
            {comparing ? 'Comparing…' : 'Compare selected'}
          </button>
        </fieldset>
      )}
      {compareError ? (
        <p className="form-error" role="alert">
          {errorMessage(compareError)}
        </p>
      ) : null}
      <div aria-live="polite">{comparison && <Comparison comparison={comparison} />}</div>
    </Panel>
  );
}

function Comparison({ comparison }: { comparison: ScenarioComparison }) {
  const rs = comparison.results;
  const row = (label: string, f: (r: ScenarioComparison['results'][number]) => string) => (
    <tr>
      <th scope="row">{label}</th>
      {rs.map((r) => (
        <td key={r.scenario.id} className="num">
          {f(r)}
        </td>
      ))}
    </tr>
  );
  return (
    <TableWrap label="Scenario comparison">
      <table className="table">
        <caption>Scenarios side by side</caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            {rs.map((r) => (
              <th key={r.scenario.id} scope="col" className="num">
                {r.scenario.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {row('Election', (r) => String(r.scenario.cycle))}
          {row('National Dem. two-party share', (r) => pct(r.demTwoParty))}
          {row('Counties with a Democratic majority', (r) => int(r.countiesDemMajority))}
          {row('National VEP turnout', (r) => (r.nationalTurnoutVep === null ? '—' : pct(r.nationalTurnoutVep)))}
          {row('States with a Democratic majority', (r) => int(r.states.filter((s) => s.demTwoParty > 0.5).length))}
        </tbody>
      </table>
    </TableWrap>
  );
}

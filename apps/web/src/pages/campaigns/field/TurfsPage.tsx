/**
 * A campaign's turfs: cut one from precincts and/or ZIP codes (optionally narrowed by a saved segment), assign it to
 * a canvasser on the team, and follow its progress; each opens its walk list and canvass screen. A voter lookup over
 * the turfs kept on this device (working offline) jumps to the voter on their walk list.
 */
import type { CampaignDetail, Page, Segment, Turf } from '@akashic/contracts';
import { useState, type FormEvent } from 'react';
import { api } from '../../../api';
import { useFeedback } from '../../../components/feedback';
import { FormError, SelectField, TextField, formValue, useSubmission } from '../../../components/forms';
import { LoadError, Loading, PageHeader, Panel } from '../../../components/layout';
import { useAction, useResource } from '../../../hooks';
import { Link, navigate } from '../../../router';
import { useReplica } from '../../../sync/use-replica';
import { CAMPAIGNS_PATH } from '../labels';
import { eventsPath, fieldApi, walkListPath, type TurfWithProgress } from './labels';
import { VoterLookup } from './VoterLookup';
import '../campaigns.css';
import './field.css';

const codes = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean);

export function TurfsPage({ campaignId }: { campaignId: string }) {
  const campaign = useResource(
    (signal) => api.get<CampaignDetail>(`/api/v1/campaigns/${campaignId}`, { signal }),
    [campaignId],
  );
  const turfs = useResource(
    (signal) => api.get<Page<Turf>>(`${fieldApi(campaignId)}/turfs`, { signal, query: { limit: 200 } }),
    [campaignId],
  );
  const [creating, setCreating] = useState(false);
  const c = campaign.data;
  if (campaign.loading && !c) return <Loading label="Loading the campaign…" />;
  if (!c) return <LoadError error={campaign.error} onRetry={campaign.reload} />;
  return (
    <>
      <PageHeader
        title={`Turfs · ${c.name}`}
        lead={
          <>
            <Link to={`${CAMPAIGNS_PATH}/${c.id}`}>Back to the campaign</Link> ·{' '}
            <Link to={eventsPath(c.id)}>Events</Link>
          </>
        }
        actions={
          !creating && (
            <button type="button" className="button primary" onClick={() => setCreating(true)}>
              New turf
            </button>
          )
        }
      />
      {creating && (
        <Panel title="New turf">
          <TurfForm
            campaign={c}
            onDone={(created) => {
              setCreating(false);
              if (created) turfs.reload();
            }}
          />
        </Panel>
      )}
      <TurfVoterLookup campaignId={c.id} />
      <Panel title="Turfs">
        {turfs.error ? (
          <LoadError error={turfs.error} onRetry={turfs.reload} />
        ) : !turfs.data ? (
          <Loading />
        ) : turfs.data.items.length === 0 ? (
          <p className="muted">No turfs yet: cut one from precincts or ZIP codes.</p>
        ) : (
          <ul className="card-list">
            {turfs.data.items.map((t) => (
              <TurfCard key={t.id} campaign={c} turfId={t.id} />
            ))}
          </ul>
        )}
      </Panel>
    </>
  );
}

function TurfForm({ campaign, onDone }: { campaign: CampaignDetail; onDone: (created: boolean) => void }) {
  const submission = useSubmission();
  const { announce } = useFeedback();
  const segments = useResource(
    (signal) => api.get<Page<Segment>>(`${fieldApi(campaign.id)}/segments`, { signal, query: { limit: 200 } }),
    [campaign.id],
  );
  const f = submission.fields;
  const submit = (ev: FormEvent<HTMLFormElement>) => {
    ev.preventDefault();
    const form = new FormData(ev.currentTarget);
    void submission.run(async () => {
      const t = await api.post<Turf>(`${fieldApi(campaign.id)}/turfs`, {
        name: formValue(form, 'name'),
        precincts: codes(formValue(form, 'precincts')),
        zips: codes(formValue(form, 'zips')),
        segmentId: formValue(form, 'segmentId') || null,
        assignedTo: formValue(form, 'assignedTo') || null,
      });
      announce(`Created the turf “${t.name}”.`);
      onDone(true);
    });
  };
  return (
    <form ref={submission.formRef} onSubmit={submit} noValidate className="stack">
      <FormError error={submission.error} shown={['name', 'precincts', 'zips', 'segmentId', 'assignedTo']} />
      <TextField label="Name" name="name" required maxLength={200} error={f.name} />
      <TextField
        label="Precincts"
        name="precincts"
        error={f.precincts}
        hint="Codes as in the voter file, separated by commas"
      />
      <TextField label="ZIP codes" name="zips" inputMode="numeric" error={f.zips} hint="Separated by commas" />
      <SelectField label="Narrow to a segment" name="segmentId" defaultValue="" error={f.segmentId}>
        <option value="">All voters of the area</option>
        {segments.data?.items.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </SelectField>
      <SelectField label="Canvasser" name="assignedTo" defaultValue="" error={f.assignedTo}>
        <option value="">Not assigned</option>
        {campaign.team.map((m) => (
          <option key={m.userId} value={m.userId}>
            {m.name}
          </option>
        ))}
      </SelectField>
      <div className="actions">
        <button type="submit" className="button primary" disabled={submission.busy}>
          Create turf
        </button>
        <button type="button" className="button secondary" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function TurfCard({ campaign, turfId }: { campaign: CampaignDetail; turfId: string }) {
  const turf = useResource(
    (signal) => api.get<TurfWithProgress>(`${fieldApi(campaign.id)}/turfs/${turfId}`, { signal }),
    [campaign.id, turfId],
  );
  const { busy, act } = useAction();
  const t = turf.data;
  if (!t) return <li className="card">{turf.error ? <LoadError error={turf.error} /> : <Loading />}</li>;
  const p = t.progress;
  const assignee = campaign.team.find((m) => m.userId === t.assignedTo);
  const assign = (userId: string) =>
    void act(async () => {
      await api.patch(`${fieldApi(campaign.id)}/turfs/${t.id}`, { version: t.version, assignedTo: userId || null });
      turf.reload();
    }, 'Saved the canvasser.');
  return (
    <li className="card">
      <Link to={walkListPath(campaign.id, t.id)} className="card-title">
        {t.name}
      </Link>
      <p className="muted">
        {[...t.precincts.map((x) => `precinct ${x}`), ...t.zips.map((z) => `ZIP ${z}`)].join(', ')}
        {t.segmentId && ' · narrowed by a segment'}
      </p>
      <p>
        {p.doorsAttempted} of {p.doors} doors knocked ({p.doorsContacted} with a conversation), {p.votersRemaining} of{' '}
        {p.voters} voters left
      </p>
      <progress max={Math.max(1, p.doors)} value={p.doorsAttempted} aria-label={`${t.name}: doors knocked`} />
      <div className="field">
        <label htmlFor={`assign-${t.id}`}>Canvasser</label>
        <select
          id={`assign-${t.id}`}
          value={assignee?.userId ?? ''}
          disabled={busy}
          onChange={(e) => assign(e.target.value)}
        >
          <option value="">Not assigned</option>
          {campaign.team.map((m) => (
            <option key={m.userId} value={m.userId}>
              {m.name}
            </option>
          ))}
        </select>
      </div>
    </li>
  );
}

/** Lookup over the voters of the turfs this device keeps (shown once they are downloaded). */
function TurfVoterLookup({ campaignId }: { campaignId: string }) {
  const state = useReplica(campaignId);
  if (state.state !== 'ready' || !state.synced || !state.replica.list('voter').length) return null;
  return (
    <Panel title="Find a voter">
      <VoterLookup
        replica={state.replica}
        version={state.version}
        onPick={(v) => navigate(`${walkListPath(campaignId, v.turfIds[0]!)}?voter=${encodeURIComponent(v.id)}`)}
      />
    </Panel>
  );
}

/**
 * One campaign: its dashboard first (Dashboard.tsx), then its details (changed, archived, restored or deleted by those
 * allowed), the vote goal with what it rests on, the budget with its weekly burn and spend, and the team. What a person may change follows the
 * campaign's `permissions` (the server decides; the page only hides what would be refused).
 */
import type { Campaign, CampaignDetail, CreateCampaignBody } from '@akashic/contracts';
import { useMemo, useState } from 'react';
import { api } from '../../api';
import { useFeedback } from '../../components/feedback';
import { useSubmission } from '../../components/forms';
import { Badge, LoadError, Loading, PageHeader, Panel } from '../../components/layout';
import { formatDate } from '../../format';
import { useAction, useLiveReload, useResource } from '../../hooks';
import { Link, navigate } from '../../router';
import { BudgetPanel } from './Budget';
import { CampaignForm } from './CampaignForm';
import { DashboardPanels } from './Dashboard';
import { stateNamesOf, useCatalog } from './CampaignsPage';
import { CAMPAIGN_ROLE_LABELS, CAMPAIGNS_PATH, TYPE_LABELS, jurisdictionLabel } from './labels';
import { MessagesPanel } from './messages/MessagesPanel';
import { TeamPanel } from './Team';
import { votersPath } from './voters/labels';
import { eventsPath, turfsPath } from './field/labels';
import { VoteGoalPanel } from './VoteGoal';
import '../intelligence/intelligence.css';
import '../forecasts/forecasts.css';
import './campaigns.css';

export function CampaignDetailPage({ id }: { id: string }) {
  const detail = useResource((signal) => api.get<CampaignDetail>(`/api/v1/campaigns/${id}`, { signal }), [id]);
  const catalog = useCatalog();
  const stateNames = useMemo(() => stateNamesOf(catalog.data), [catalog.data]);
  const [editing, setEditing] = useState(false);
  // Its details, team and budget as others change them (not while the form is open: that would discard edits).
  useLiveReload((e) => e.campaignId === id && !e.type.startsWith('campaigns.message') && !editing, detail.reload);
  const { announce, confirm } = useFeedback();
  const edit = useSubmission();
  const { busy, act } = useAction();

  if (detail.loading && !detail.data) return <Loading label="Loading the campaign…" />;
  if (detail.error || !detail.data) {
    return (
      <>
        <PageHeader title="Campaign" lead={<Link to={CAMPAIGNS_PATH}>Back to campaigns</Link>} />
        <LoadError error={detail.error} onRetry={detail.reload} />
      </>
    );
  }
  const c = detail.data;
  const archived = c.status === 'archived';
  const merge = (updated: Campaign) => detail.setData((d) => d && { ...d, ...updated });

  const save = (body: CreateCampaignBody) =>
    void edit.run(async () => {
      await api.patch<Campaign>(`/api/v1/campaigns/${c.id}`, { ...body, version: c.version });
      setEditing(false);
      detail.reload(); // the vote goal follows the new details
      announce('Saved the campaign.');
    });

  const setStatus = async (status: 'active' | 'archived') => {
    if (status === 'archived') {
      const ok = await confirm({
        title: `Archive ${c.name}?`,
        body: <p>The campaign becomes read-only: its budget, spend and team cannot change until it is restored.</p>,
        confirmLabel: 'Archive campaign',
      });
      if (!ok) return;
    }
    await act(
      async () => merge(await api.patch<Campaign>(`/api/v1/campaigns/${c.id}`, { version: c.version, status })),
      status === 'archived' ? 'Archived the campaign.' : 'Restored the campaign.',
    );
  };

  const remove = async () => {
    const ok = await confirm({
      title: `Delete ${c.name}?`,
      body: <p>The campaign is deleted with its budget lines, spend and team. This cannot be undone.</p>,
      confirmLabel: 'Delete campaign',
      danger: true,
    });
    if (ok && (await act(() => api.delete(`/api/v1/campaigns/${c.id}`), `Deleted the campaign “${c.name}”.`))) {
      navigate(CAMPAIGNS_PATH);
    }
  };

  const canChange = !archived;
  return (
    <>
      <PageHeader
        title={c.name}
        lead={
          <>
            {TYPE_LABELS[c.type]} · {jurisdictionLabel(c.jurisdiction, stateNames)} · election{' '}
            <time dateTime={c.electionDate}>{formatDate(`${c.electionDate}T12:00:00`)}</time>{' '}
            <Badge tone={archived ? 'grey' : 'green'}>{archived ? 'Archived' : 'Active'}</Badge>
            <br />
            {c.myRole ? `You are on the team as ${CAMPAIGN_ROLE_LABELS[c.myRole]}.` : 'You are not on the team.'}{' '}
            <Link to={CAMPAIGNS_PATH}>All campaigns</Link>
          </>
        }
        actions={
          <div className="actions">
            {c.permissions.update && !archived && !editing && (
              <button type="button" className="button secondary" onClick={() => setEditing(true)}>
                Edit details
              </button>
            )}
            {c.permissions.update && (
              <button
                type="button"
                className="button secondary"
                disabled={busy}
                onClick={() => void setStatus(archived ? 'active' : 'archived')}
              >
                {archived ? 'Restore' : 'Archive'}
              </button>
            )}
            {c.permissions.delete && (
              <button type="button" className="button danger-outline" disabled={busy} onClick={() => void remove()}>
                Delete
              </button>
            )}
          </div>
        }
      />
      {archived && (
        <p className="notice notice-info">
          This campaign is archived: it is read-only until {c.permissions.update ? 'you restore it' : 'it is restored'}.
        </p>
      )}
      {editing && (
        <Panel title="Edit details">
          {catalog.data ? (
            <CampaignForm
              catalog={catalog.data}
              campaign={c}
              submission={edit}
              submitLabel="Save changes"
              onSubmit={save}
              onCancel={() => {
                edit.setError(null);
                setEditing(false);
              }}
            />
          ) : catalog.error ? (
            <LoadError error={catalog.error} onRetry={catalog.reload} />
          ) : (
            <Loading />
          )}
        </Panel>
      )}
      <DashboardPanels campaignId={c.id} />
      <VoteGoalPanel goal={c.voteGoal} />
      <BudgetPanel campaign={c} canEdit={c.permissions.budget && canChange} onChanged={detail.reload} />
      <TeamPanel campaign={c} canEdit={c.permissions.team && canChange} onChanged={detail.reload} />
      <MessagesPanel campaignId={c.id} canWrite={canChange && c.myRole !== null} />
      <Panel
        title="Voters"
        description="The voter file with turnout and persuasion scores, contact history, and saved segments."
      >
        <p>
          <Link to={votersPath(c.id)} className="button secondary">
            Open voters and segments
          </Link>
        </p>
      </Panel>
      <Panel
        title="Field"
        description="Events with RSVPs and check-in, turfs with walk lists, and canvassing door to door."
      >
        <p className="actions">
          <Link to={eventsPath(c.id)} className="button secondary">
            Events
          </Link>
          <Link to={turfsPath(c.id)} className="button secondary">
            Turfs and canvassing
          </Link>
        </p>
      </Panel>
    </>
  );
}

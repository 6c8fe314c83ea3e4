/**
 * Campaign Console → Campaigns: the campaigns you are on the team of (owners and admins: all of them), filtered by
 * status and type, a page at a time; and the form for a new one.
 */
import {
  CAMPAIGN_TYPES,
  type Campaign,
  type CampaignStatus,
  type CampaignType,
  type CreateCampaignBody,
  type Page,
  type ReferenceCatalog,
} from '@akashic/contracts';
import { useMemo, useState } from 'react';
import { api } from '../../api';
import { useFeedback } from '../../components/feedback';
import { SelectField, useSubmission } from '../../components/forms';
import { Badge, LoadError, LoadMore, Loading, PageHeader, Panel, TableWrap } from '../../components/layout';
import { formatDate } from '../../format';
import { useLiveReload, usePages, useResource } from '../../hooks';
import { Link, navigate } from '../../router';
import { useSession } from '../../session';
import { CampaignForm } from './CampaignForm';
import { CAMPAIGN_ROLE_LABELS, CAMPAIGNS_PATH, TYPE_LABELS, jurisdictionLabel } from './labels';
import '../intelligence/intelligence.css';
import './campaigns.css';

const PAGE_SIZE = 25;

/** The shipped reference data's catalog: state names for jurisdictions, county years for the picker. */
export function useCatalog() {
  return useResource((signal) => api.get<ReferenceCatalog>('/api/v1/intelligence/datasets', { signal }), []);
}

export function stateNamesOf(catalog: ReferenceCatalog | undefined): ReadonlyMap<string, string> {
  return new Map((catalog?.states ?? []).map((s) => [s.postal, s.name]));
}

export function CampaignsPage() {
  const { org, isAdmin } = useSession();
  const canCreate = org?.role === 'owner' || org?.role === 'admin' || org?.role === 'manager';
  const [status, setStatus] = useState<CampaignStatus | ''>('active');
  const [type, setType] = useState<CampaignType | ''>('');
  const catalog = useCatalog();
  const stateNames = useMemo(() => stateNamesOf(catalog.data), [catalog.data]);
  const pages = usePages(
    (cursor, signal) =>
      api.get<Page<Campaign>>('/api/v1/campaigns', {
        query: { limit: PAGE_SIZE, cursor, status: status || undefined, type: type || undefined },
        signal,
      }),
    [status, type],
  );
  const { first, items } = pages;
  // Campaigns created, changed or removed by others appear as it happens.
  useLiveReload((e) => e.type.startsWith('campaigns.campaign.'), first.reload);

  return (
    <>
      <PageHeader
        title="Campaigns"
        lead={
          <>
            {isAdmin
              ? 'Every campaign of your organization.'
              : 'The campaigns you are on the team of. Owners and admins see every campaign.'}{' '}
            Part of the <Link to="/campaigns">Campaign Console</Link>.
          </>
        }
        actions={
          canCreate ? (
            <Link to={`${CAMPAIGNS_PATH}/new`} className="button primary">
              New campaign
            </Link>
          ) : undefined
        }
      />
      <Panel title="Your campaigns">
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter campaigns">
          <SelectField
            label="Status"
            name="status"
            value={status}
            onChange={(e) => setStatus(e.target.value as CampaignStatus | '')}
          >
            <option value="active">Active</option>
            <option value="archived">Archived</option>
            <option value="">All</option>
          </SelectField>
          <SelectField
            label="Type"
            name="type"
            value={type}
            onChange={(e) => setType(e.target.value as CampaignType | '')}
          >
            <option value="">All types</option>
            {CAMPAIGN_TYPES.map((t) => (
              <option key={t} value={t}>
                {TYPE_LABELS[t]}
              </option>
            ))}
          </SelectField>
        </form>
        {first.loading && !first.data ? (
          <Loading label="Loading campaigns…" />
        ) : first.error ? (
          <LoadError error={first.error} onRetry={first.reload} />
        ) : items.length === 0 ? (
          <p className="empty">
            No campaigns {status ? `${status} ` : ''}here yet.
            {canCreate && (
              <>
                {' '}
                <Link to={`${CAMPAIGNS_PATH}/new`}>Create one</Link>.
              </>
            )}
          </p>
        ) : (
          <>
            <TableWrap label="Campaigns table">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Campaign</th>
                    <th scope="col">Type</th>
                    <th scope="col">Jurisdiction</th>
                    <th scope="col">Election</th>
                    <th scope="col">Your role</th>
                    <th scope="col">Status</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((c) => (
                    <tr key={c.id}>
                      <td data-label="Campaign">
                        <Link to={`${CAMPAIGNS_PATH}/${c.id}`}>
                          <strong>{c.name}</strong>
                        </Link>
                      </td>
                      <td data-label="Type">{TYPE_LABELS[c.type]}</td>
                      <td data-label="Jurisdiction">{jurisdictionLabel(c.jurisdiction, stateNames)}</td>
                      <td data-label="Election" className="nowrap">
                        <time dateTime={c.electionDate}>{formatDate(`${c.electionDate}T12:00:00`)}</time>
                      </td>
                      <td data-label="Your role">{c.myRole ? CAMPAIGN_ROLE_LABELS[c.myRole] : '—'}</td>
                      <td data-label="Status">
                        <Badge tone={c.status === 'active' ? 'green' : 'grey'}>
                          {c.status === 'active' ? 'Active' : 'Archived'}
                        </Badge>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableWrap>
            <LoadMore pages={pages} label="Show more campaigns" />
          </>
        )}
      </Panel>
    </>
  );
}

export function NewCampaignPage() {
  const catalog = useCatalog();
  const s = useSubmission();
  const { announce } = useFeedback();
  const create = (body: CreateCampaignBody) =>
    void s.run(async () => {
      const c = await api.post<Campaign>('/api/v1/campaigns', body);
      announce(`Created the campaign “${c.name}”. You are its manager.`);
      navigate(`${CAMPAIGNS_PATH}/${c.id}`);
    });
  return (
    <>
      <PageHeader
        title="New campaign"
        lead={
          <>
            You become the campaign’s manager and can add your team next.{' '}
            <Link to={CAMPAIGNS_PATH}>Back to campaigns</Link>
          </>
        }
      />
      <Panel title="Campaign details">
        {catalog.loading ? (
          <Loading label="Loading states and counties…" />
        ) : catalog.error || !catalog.data ? (
          <LoadError error={catalog.error} onRetry={catalog.reload} />
        ) : (
          <CampaignForm
            catalog={catalog.data}
            submission={s}
            submitLabel="Create campaign"
            onSubmit={create}
            onCancel={() => navigate(CAMPAIGNS_PATH)}
          />
        )}
      </Panel>
    </>
  );
}

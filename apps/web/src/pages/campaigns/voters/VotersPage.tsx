/**
 * A campaign's voters: import a voter file, browse the voters (virtualized, keyset-paged) and open one, and build,
 * save and export segments. Reached from the campaign page; the server decides every permission.
 */
import {
  CONTACT_OUTCOME_STATUS,
  type CampaignDetail,
  type ContactOutcome,
  type Segment,
  type SegmentFilter,
  type Voter,
} from '@akashic/contracts';
import { useRef, useState } from 'react';
import { api } from '../../../api';
import { LoadError, Loading, PageHeader, Panel } from '../../../components/layout';
import { useResource } from '../../../hooks';
import { Link } from '../../../router';
import { CAMPAIGNS_PATH } from '../labels';
import { SegmentBuilder, SegmentList, describeFilter } from './Segments';
import { ImportPanel } from './VoterImport';
import { VoterDetailPanel } from './VoterDetailPanel';
import { VoterTable, type VoterSource, type VoterTableHandle } from './VoterTable';
import { formatCount, votersApi, type SegmentWithCount, type VotersSummary } from './labels';
import '../campaigns.css';
import './voters.css';

export function VotersPage({ campaignId }: { campaignId: string }) {
  const campaign = useResource(
    (signal) => api.get<CampaignDetail>(`/api/v1/campaigns/${campaignId}`, { signal }),
    [campaignId],
  );
  const summary = useResource(
    (signal) => api.get<VotersSummary>(`${votersApi(campaignId)}/voters/summary`, { signal }),
    [campaignId],
  );
  const [source, setSource] = useState<VoterSource>({ kind: 'all' });
  const [tableKey, setTableKey] = useState(0);
  const [segmentsKey, setSegmentsKey] = useState(0);
  const [open, setOpen] = useState<Voter | null>(null);
  const table = useRef<VoterTableHandle | null>(null);
  const tableHeading = useRef<HTMLDivElement>(null);
  const segmentId = source.kind === 'segment' ? source.id : null;
  const segmentCount = useResource(
    (signal) =>
      segmentId
        ? api.get<SegmentWithCount>(`${votersApi(campaignId)}/segments/${segmentId}`, { signal })
        : Promise.resolve(null),
    [campaignId, segmentId],
  );

  if (campaign.loading && !campaign.data) return <Loading label="Loading the campaign…" />;
  if (campaign.error || !campaign.data) {
    return (
      <>
        <PageHeader title="Voters" lead={<Link to={CAMPAIGNS_PATH}>Back to campaigns</Link>} />
        <LoadError error={campaign.error} onRetry={campaign.reload} />
      </>
    );
  }
  const c = campaign.data;
  const s = summary.data;
  const elections = s?.elections ?? [];

  const show = (next: VoterSource) => {
    setSource(next);
    setOpen(null);
    tableHeading.current?.scrollIntoView({ block: 'start' });
  };
  const total =
    source.kind === 'all' ? (s?.voters ?? null) : source.kind === 'segment' ? (segmentCount.data?.count ?? null) : null;

  return (
    <>
      <PageHeader
        title={`Voters · ${c.name}`}
        lead={
          <>
            {s ? (
              <>
                {formatCount(s.voters)} voters, {formatCount(s.scored)} scored, {s.elections.length} elections of vote
                history.{' '}
              </>
            ) : null}
            <Link to={`${CAMPAIGNS_PATH}/${c.id}`}>Back to {c.name}</Link>
          </>
        }
      />
      {summary.error ? <LoadError error={summary.error} onRetry={summary.reload} /> : null}
      <ImportPanel
        campaignId={c.id}
        defaultElection={`GENERAL_${c.electionDate}`}
        onImported={() => {
          summary.reload();
          setTableKey((k) => k + 1);
        }}
      />
      <Panel
        title="Voter file"
        id="voter-file"
        description={
          source.kind === 'all'
            ? 'Every voter of the campaign, by voter id.'
            : source.kind === 'segment'
              ? `The segment “${source.name}”: ${describeFilter(segmentCount.data?.filter ?? {})}.`
              : `Voters matching the builder’s filter: ${describeFilter(source.filter)}.`
        }
        actions={
          source.kind !== 'all' ? (
            <button type="button" className="button secondary" onClick={() => show({ kind: 'all' })}>
              Show all voters
            </button>
          ) : undefined
        }
      >
        <div ref={tableHeading} className={`voters-layout${open ? ' with-detail' : ''}`}>
          <VoterTable
            key={tableKey}
            campaignId={c.id}
            source={source}
            total={total}
            selectedId={open?.id ?? null}
            onOpen={setOpen}
            handleRef={table}
          />
          {open && (
            <VoterDetailPanel
              campaignId={c.id}
              voterId={open.id}
              elections={elections}
              onClose={() => {
                setOpen(null);
                document.querySelector<HTMLElement>('.voter-grid')?.focus();
              }}
              onContact={(outcome: ContactOutcome) =>
                table.current?.update(open.id, (v) => ({ ...v, contactStatus: CONTACT_OUTCOME_STATUS[outcome] }))
              }
            />
          )}
        </div>
      </Panel>
      <SegmentBuilder
        campaignId={c.id}
        elections={elections}
        onSaved={(seg: Segment) => {
          setSegmentsKey((k) => k + 1);
          show({ kind: 'segment', id: seg.id, name: seg.name });
        }}
        onPreview={(filter: SegmentFilter) => show({ kind: 'filter', filter })}
      />
      <SegmentList
        campaignId={c.id}
        reloadKey={segmentsKey}
        openId={segmentId}
        onOpen={(seg) => show({ kind: 'segment', id: seg.id, name: seg.name })}
      />
    </>
  );
}

/**
 * Changes the server refused (sync rejections), listed per campaign from the device's open replicas: what each
 * change was, the problem's title, detail and field, and a Dismiss. Never dropped silently: a refusal stays until
 * the person dismisses it. Loaded lazily from the header's sync indicator (it opens replicas: Dexie stays out of the
 * initial bundle).
 */
import type { CanvassResultBody } from '@akashic/contracts';
import type { LocalRejection, Replica } from '@akashic/sync';
import { formatDateTime } from '../format';
import { OUTCOME_LABELS } from '../pages/campaigns/field/labels';
import { useReplica } from '../sync/use-replica';
import { LoadError, Loading } from './layout';

/** The problem as a sentence: title, detail and the fields it names. */
export function rejectionText(r: Pick<LocalRejection, 'problem'>): string {
  const p = r.problem;
  const fields = (p.errors ?? []).map((e) => `${e.field}: ${e.message}`);
  return [p.detail && p.detail !== p.title ? `${p.title}: ${p.detail}` : p.title, ...fields].join(' · ');
}

/** What the refused change was, in words (with the names the replica knows). */
export function describeRejection(r: LocalRejection, replica?: Replica): string {
  const a = (r.args ?? {}) as Record<string, unknown>;
  switch (r.name) {
    case 'canvass.record': {
      const result = a.result as CanvassResultBody | undefined;
      if (!result) return 'A canvass result';
      const v = replica?.get('voter', result.voterId);
      const who = v ? [v.firstName, v.lastName].filter(Boolean).join(' ') || v.voterId : 'a voter';
      return `Canvass result for ${who} (${OUTCOME_LABELS[result.outcome]?.toLowerCase() ?? result.outcome}, ${formatDateTime(result.recordedAt)})`;
    }
    case 'event.checkIn':
    case 'event.undoCheckIn': {
      const rsvp = typeof a.rsvpId === 'string' ? replica?.get('rsvp', a.rsvpId) : undefined;
      const event = typeof a.eventId === 'string' ? replica?.get('event', a.eventId) : undefined;
      const verb = r.name === 'event.checkIn' ? 'Check-in' : 'Undone check-in';
      return `${verb}${rsvp ? ` of ${rsvp.name}` : ''}${event ? ` at ${event.title}` : ''}`;
    }
    case 'event.rsvp': {
      const rsvp = a.rsvp as { name?: string } | undefined;
      const event = typeof a.eventId === 'string' ? replica?.get('event', a.eventId) : undefined;
      return `RSVP${rsvp?.name ? ` of ${rsvp.name}` : ''}${event ? ` to ${event.title}` : ''}`;
    }
    case 'message.saveRevision': {
      const m = typeof a.messageId === 'string' ? replica?.get('message', a.messageId) : undefined;
      return `Draft edit${m ? ` of “${m.title}”` : ''}`;
    }
    default:
      return `A change (${r.name})`;
  }
}

/** One refusal with its Dismiss. */
export function RejectionItem({ rejection: r, replica }: { rejection: LocalRejection; replica?: Replica }) {
  return (
    <li className="rejection">
      <p className="rejection-what">{describeRejection(r, replica)}</p>
      <p className="rejection-why">{rejectionText(r)}</p>
      {replica && (
        <button type="button" className="button secondary small" onClick={() => void replica.dismiss(r)}>
          Dismiss
        </button>
      )}
    </li>
  );
}

/** A campaign's refusals, from its replica (opened if need be). */
function CampaignRejections({ campaignId }: { campaignId: string }) {
  const state = useReplica(campaignId);
  if (state.state === 'opening') return <Loading label="Opening the changes kept on this device…" />;
  if (state.state === 'failed') return <LoadError error={state.error} />;
  const { replica } = state;
  if (!replica.rejected.length) return null;
  return (
    <ul className="rejection-list">
      {replica.rejected.map((r) => (
        <RejectionItem key={`${r.clientId}:${r.mutationId}`} rejection={r} replica={replica} />
      ))}
    </ul>
  );
}

/** Every refused change of the device's campaigns. */
export function RejectionsPanel({ campaignIds }: { campaignIds: string[] }) {
  return (
    <div className="rejections-panel">
      <p className="menu-label">Changes the server refused</p>
      {campaignIds.map((id) => (
        <CampaignRejections key={id} campaignId={id} />
      ))}
    </div>
  );
}

export default RejectionsPanel;

/**
 * Which live events a member may receive: exactly those whose change they could read through the API. Each event
 * maps to the read action of what it changed; a campaign's events are decided again on the campaign with the
 * member's place on its team (modules/campaigns/access.ts). Anything not mapped goes to admins only (they read
 * the audit log, which holds every change).
 */
import type { Tx } from '../../db/index.js';
import { memberMayOnCampaign, type CampaignAction, type CampaignMember } from '../../modules/campaigns/access.js';
import type { CampaignRole } from '@akashic/contracts';
import type { BusEvent } from '../events/bus.js';
import { NOTIFICATION_SIGNAL } from '../notifications/consumer.js';
import type { PolicyEngine } from '../policy/engine.js';
import type { OrgRole } from '../tenancy/role.js';

/** What a browser is told about an event: enough to know what to reload, nothing of the change's content. */
export interface LiveEvent {
  id: string;
  type: string;
  occurredAt: string;
  target: { type: string; id: string | null } | null;
  campaignId: string | null;
}

/** An event with what deciding its audience needs, resolved once per process. */
export interface Resolved {
  live: LiveEvent;
  /** The org-level read action (and, with a campaign, the campaign-level one). */
  action: string;
  /** The campaign's team when the event belongs to a campaign. */
  team: Map<string, CampaignRole> | null;
  /** Only this member receives it (a notification signal). */
  recipient?: string;
}

/** First match wins. */
const ORG_ACTIONS: [prefix: string, action: string][] = [
  ['platform.org.', 'org.read'],
  // An invitation, not a member yet.
  ['platform.member.invited', 'invitation.list'],
  ['platform.member.', 'member.list'],
  ['platform.invitation.', 'invitation.list'],
  ['platform.token.', 'token.list_all'],
  ['intelligence.scenario.', 'forecast.read'],
  ['campaigns.messaging_settings.', 'messaging.settings.read'],
];

const MESSAGE_ENTITIES = new Set(['message', 'message_version', 'message_revision', 'message_comment']);
const VOTER_ENTITIES = new Set(['voter_import', 'voter_segment', 'voter_contact']);
const FIELD_ENTITIES = new Set(['field_event', 'rsvp', 'field_reminder', 'turf', 'canvass_result']);

const ADMINS_ONLY = 'audit.read';

function field(payload: Record<string, unknown>, name: string): string | null {
  for (const side of ['after', 'before']) {
    const v = (payload[side] as Record<string, unknown> | undefined)?.[name];
    if (typeof v === 'string') return v;
  }
  return null;
}

function targetOf(payload: Record<string, unknown>): LiveEvent['target'] {
  const t = payload.target as { type?: unknown; id?: unknown } | undefined;
  return t && typeof t.type === 'string' ? { type: t.type, id: typeof t.id === 'string' ? t.id : null } : null;
}

/** The campaign an event of the campaigns module belongs to, from its payload or the rows it names. */
async function campaignOf(tx: Tx, event: BusEvent, target: LiveEvent['target']): Promise<string | null> {
  const direct = field(event.payload, 'campaignId');
  if (direct) return direct;
  if (target?.type === 'campaign' && target.id) return target.id;
  const messageId = field(event.payload, 'messageId');
  const versionId = field(event.payload, 'versionId');
  // RSVPs and reminders name their field event, not the campaign; a canvass result names its voter.
  const fieldEventId = field(event.payload, 'eventId');
  const canvassedVoterId = target?.type === 'canvass_result' ? field(event.payload, 'voterId') : null;
  const [sql, id] = messageId
    ? ['SELECT campaign_id FROM messages WHERE org_id = $1 AND id = $2', messageId]
    : versionId
      ? [
          `SELECT m.campaign_id FROM message_versions v JOIN messages m ON m.org_id = v.org_id AND m.id = v.message_id
            WHERE v.org_id = $1 AND v.id = $2`,
          versionId,
        ]
      : fieldEventId
        ? ['SELECT campaign_id FROM field_events WHERE org_id = $1 AND id = $2', fieldEventId]
        : canvassedVoterId
          ? ['SELECT campaign_id FROM voters WHERE org_id = $1 AND id = $2', canvassedVoterId]
          : [null, null];
  if (!sql) return null;
  const { rows } = await tx.client.query<{ campaign_id: string }>(sql, [event.orgId, id]);
  return rows[0]?.campaign_id ?? null;
}

/** Resolve an event (in a read transaction of its org). */
export async function resolveEvent(tx: Tx, event: BusEvent): Promise<Resolved> {
  const target = targetOf(event.payload);
  const live: LiveEvent = { id: event.id, type: event.type, occurredAt: event.occurredAt, target, campaignId: null };
  if (event.type === NOTIFICATION_SIGNAL) {
    const recipient = typeof event.payload.recipient === 'string' ? event.payload.recipient : '';
    return { live, action: 'notification.read', team: null, recipient };
  }
  const org = ORG_ACTIONS.find(([prefix]) => event.type.startsWith(prefix));
  if (org) return { live, action: org[1], team: null };
  if (!event.type.startsWith('campaigns.')) return { live, action: ADMINS_ONLY, team: null };
  const campaignId = await campaignOf(tx, event, target);
  if (!campaignId) return { live, action: ADMINS_ONLY, team: null };
  const entity = event.type.split('.')[1]!;
  const action: CampaignAction = MESSAGE_ENTITIES.has(entity)
    ? 'message.read'
    : VOTER_ENTITIES.has(entity)
      ? 'campaign.voters.read'
      : FIELD_ENTITIES.has(entity)
        ? 'campaign.field.read'
        : 'campaign.read';
  const { rows } = await tx.client.query<{ user_id: string; role: CampaignRole }>(
    'SELECT user_id, role FROM campaign_team WHERE org_id = $1 AND campaign_id = $2',
    [event.orgId, campaignId],
  );
  return { live: { ...live, campaignId }, action, team: new Map(rows.map((r) => [r.user_id, r.role])) };
}

/** Who is listening: a member of the event's org, through a session or a token (then within its scopes). */
export interface Listener {
  userId: string;
  role: OrgRole;
  tokenScopes?: string[] | undefined;
}

/** Whether `member` may receive the resolved event. */
export function mayReceive(policy: PolicyEngine, orgId: string, member: Listener, r: Resolved): boolean {
  if (member.tokenScopes && !member.tokenScopes.includes(r.action)) return false;
  if (r.recipient !== undefined && r.recipient !== member.userId) return false;
  if (r.live.campaignId && r.team) {
    const m: CampaignMember = {
      userId: member.userId,
      orgRole: member.role,
      campaignRole: r.team.get(member.userId) ?? null,
    };
    return memberMayOnCampaign(policy, orgId, m, r.action as CampaignAction, r.live.campaignId);
  }
  return policy.isAllowed({
    userId: member.userId,
    role: member.role,
    orgId,
    action: r.action,
    resource: { type: 'Org', id: orgId },
    via: 'session',
  });
}

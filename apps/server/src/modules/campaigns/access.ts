/**
 * Per-campaign permissions. A route is first decided on the organization (http/register.ts); the handler then
 * loads the campaign with the acting member's role on its team and asks Cedar again with the campaign as the
 * resource (policies/campaigns.cedar). A campaign the member may not read answers exactly like a missing one (404);
 * one they may read but not change this way is a 403.
 */
import type { Campaign, CampaignPermissions, CampaignRole } from '@akashic/contracts';
import type { z } from 'zod';
import { defineRoute, type OrgCtx, type RouteDef } from '../../http/route.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { Tx } from '../../db/index.js';
import { userRef, type EntityRef, type PolicyEngine } from '../../platform/policy/engine.js';
import type { OrgRole } from '../../platform/tenancy/role.js';
import { readCampaign } from './campaigns.js';

export type CampaignAction =
  | 'campaign.read'
  | 'campaign.update'
  | 'campaign.delete'
  | 'campaign.team.write'
  | 'campaign.budget.write'
  | MessageAction
  | VoterAction
  | FieldAction;

/** Actions that only read (GET routes run in read-only transactions: they lock nothing). */
const READ_ONLY_ACTIONS = new Set<CampaignAction>([
  'campaign.read',
  'message.read',
  'campaign.voters.read',
  'campaign.voters.export',
  'campaign.field.read',
]);

/** A campaign's voter file (policies/voters.cedar). */
export type VoterAction =
  | 'campaign.voters.read'
  | 'campaign.voters.import'
  | 'campaign.voters.contact'
  | 'campaign.voters.export'
  | 'campaign.segments.write';

/** Field work: events, RSVPs and check-in, turfs and walk lists, canvassing (policies/field.cedar). */
export type FieldAction =
  | 'campaign.field.read'
  | 'campaign.events.write'
  | 'campaign.events.checkin'
  | 'campaign.turfs.write'
  | 'campaign.canvass.record';

/** Messaging on a campaign (policies/messaging.cedar). */
export type MessageAction =
  'message.read' | 'message.write' | 'message.comment' | 'message.approve' | 'message.schedule';

/** What a campaign decision needs from the request. */
export type CampaignCtx = Pick<OrgCtx<never>, 'tx' | 'principal' | 'org' | 'services'>;

/** The campaign as a Cedar entity, carrying the acting member's own place on its team. */
export function campaignEntity(campaignId: string, userId: string, role: CampaignRole | null): EntityRef {
  const me = role ? [userRef(userId)] : [];
  return {
    type: 'Campaign',
    id: campaignId,
    attrs: {
      team: me,
      managers: role === 'manager' ? me : [],
      finance: role === 'finance' ? me : [],
      communications: role === 'communications' ? me : [],
      field: role === 'field' ? me : [],
    },
  };
}

/** The Cedar decision on one campaign, a token's scopes included (the same rule as `OrgCtx.can`). */
export function canOnCampaign(ctx: CampaignCtx, action: CampaignAction, c: Pick<Campaign, 'id' | 'myRole'>): boolean {
  const { principal: p, org } = ctx;
  if (p.scopes && !p.scopes.includes(action)) return false;
  return ctx.services.policy.isAllowed({
    userId: p.userId,
    role: org.role,
    orgId: org.id,
    action,
    resource: campaignEntity(c.id, p.userId, c.myRole),
    via: p.via,
  });
}

export function permissionsOn(ctx: CampaignCtx, c: Pick<Campaign, 'id' | 'myRole'>): CampaignPermissions {
  return {
    update: canOnCampaign(ctx, 'campaign.update', c),
    delete: canOnCampaign(ctx, 'campaign.delete', c),
    team: canOnCampaign(ctx, 'campaign.team.write', c),
    budget: canOnCampaign(ctx, 'campaign.budget.write', c),
  };
}

/**
 * The campaign `id` if the member may do `action` on it. Changes lock the campaign row (its own changes for update,
 * its children's against a concurrent archive or delete) and are refused on an archived campaign, except the
 * campaign's own update (which may restore it) and deletion.
 */
export async function campaignFor(ctx: CampaignCtx, id: string, action: CampaignAction): Promise<Campaign> {
  const lock = READ_ONLY_ACTIONS.has(action)
    ? null
    : action === 'campaign.update' || action === 'campaign.delete'
      ? 'update'
      : 'share';
  const c = await readCampaign(ctx.tx, ctx.org.id, ctx.principal.userId, id, lock);
  if (!c || !canOnCampaign(ctx, 'campaign.read', c)) throw notFound('Campaign');
  if (!canOnCampaign(ctx, action, c)) {
    throw new AppError(
      'forbidden',
      `Your roles (organization: ${ctx.org.role}; campaign: ${c.myRole ?? 'not on the team'}) do not allow "${action}" on this campaign`,
    );
  }
  if (lock === 'share' && c.status === 'archived') {
    throw new AppError('conflict', 'The campaign is archived: restore it before changing its budget or team');
  }
  return c;
}

type CampaignSchemas = { params: z.ZodObject; query?: z.ZodObject; body?: z.ZodType; response?: z.ZodType };
type Out<S> = S extends { response: infer R extends z.ZodType } ? z.input<R> : void;

/**
 * Routes on one campaign (`:campaignId`), tagged `tags`: Cedar decides the declared action on the organization, then
 * the same action on the campaign with the member's place on its team, and `run` gets the campaign.
 */
export const campaignRouteIn =
  (tags: string[]) =>
  <S extends CampaignSchemas>(
    def: Omit<RouteDef<S>, 'tags' | 'auth' | 'resource' | 'action' | 'handler'> & {
      action: CampaignAction;
      run: (ctx: OrgCtx<S>, campaign: Campaign) => Promise<Out<S>>;
    },
  ): RouteDef<S> => {
    const { run, action, ...rest } = def;
    return defineRoute<S>({
      ...rest,
      tags,
      auth: 'org',
      action,
      resource: 'Org',
      handler: async (ctx: OrgCtx<S>) => {
        const { campaignId } = ctx.input.params as { campaignId: string };
        return run(ctx, await campaignFor(ctx, campaignId, action));
      },
    });
  };

/** A member as a campaign decision sees them: their organization role and their place on the campaign's team. */
export interface CampaignMember {
  userId: string;
  orgRole: OrgRole;
  campaignRole: CampaignRole | null;
}

/**
 * Whether `m` may do `action` on campaign `campaignId` of `orgId` through the console (a session): the organization
 * gate and the campaign decision, as `campaignFor` makes them for a request. Used where no request is being
 * served — whom to notify, which live events a browser receives.
 */
export function memberMayOnCampaign(
  policy: PolicyEngine,
  orgId: string,
  m: CampaignMember,
  action: CampaignAction,
  campaignId: string,
): boolean {
  const ask = (a: CampaignAction, resource: EntityRef) =>
    policy.isAllowed({ userId: m.userId, role: m.orgRole, orgId, action: a, resource, via: 'session' });
  const campaign = campaignEntity(campaignId, m.userId, m.campaignRole);
  return ask(action, { type: 'Org', id: orgId }) && ask('campaign.read', campaign) && ask(action, campaign);
}

/** The org's members with their place on the campaign's team (in a transaction of that org). */
export async function campaignMembers(tx: Tx, orgId: string, campaignId: string): Promise<CampaignMember[]> {
  const { rows } = await tx.client.query<CampaignMember>(
    `SELECT m.user_id AS "userId", m.role AS "orgRole", t.role AS "campaignRole"
       FROM memberships m
       LEFT JOIN campaign_team t ON t.org_id = m.org_id AND t.campaign_id = $2 AND t.user_id = m.user_id
      WHERE m.org_id = $1`,
    [orgId, campaignId],
  );
  return rows;
}

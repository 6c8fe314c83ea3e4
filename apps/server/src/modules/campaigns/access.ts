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
import { userRef, type EntityRef } from '../../platform/policy/engine.js';
import { readCampaign } from './campaigns.js';

export type CampaignAction =
  | 'campaign.read'
  | 'campaign.update'
  | 'campaign.delete'
  | 'campaign.team.write'
  | 'campaign.budget.write'
  | MessageAction
  | VoterAction;

/** Voter-file actions that only read (GET routes run in read-only transactions: they lock nothing). */
const READ_ONLY_VOTER_ACTIONS = new Set<CampaignAction>(['campaign.voters.read', 'campaign.voters.export']);

/** A campaign's voter file (policies/voters.cedar). */
export type VoterAction =
  | 'campaign.voters.read'
  | 'campaign.voters.import'
  | 'campaign.voters.contact'
  | 'campaign.voters.export'
  | 'campaign.segments.write';

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
  if (p.via === 'token' && !p.tokenScopes?.includes(action)) return false;
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
  const lock =
    action === 'campaign.read' || action === 'message.read' || READ_ONLY_VOTER_ACTIONS.has(action)
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

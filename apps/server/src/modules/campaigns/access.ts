/**
 * Per-campaign permissions. A route is first decided on the organization (http/register.ts); the handler then
 * loads the campaign with the acting member's role on its team and asks Cedar again with the campaign as the
 * resource (policies/campaigns.cedar). A campaign the member may not read answers exactly like a missing one (404);
 * one they may read but not change this way is a 403.
 */
import type { Campaign, CampaignPermissions, CampaignRole } from '@akashic/contracts';
import type { OrgCtx } from '../../http/route.js';
import { AppError, notFound } from '../../platform/errors.js';
import { userRef, type EntityRef } from '../../platform/policy/engine.js';
import { readCampaign } from './campaigns.js';

export type CampaignAction =
  'campaign.read' | 'campaign.update' | 'campaign.delete' | 'campaign.team.write' | 'campaign.budget.write';

/** What a campaign decision needs from the request. */
export type CampaignCtx = Pick<OrgCtx<never>, 'tx' | 'principal' | 'org' | 'services'>;

/** The campaign as a Cedar entity, carrying the acting member's own place on its team. */
export function campaignEntity(campaignId: string, userId: string, role: CampaignRole | null): EntityRef {
  const me = role ? [userRef(userId)] : [];
  return {
    type: 'Campaign',
    id: campaignId,
    attrs: { team: me, managers: role === 'manager' ? me : [], finance: role === 'finance' ? me : [] },
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
    action === 'campaign.read'
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

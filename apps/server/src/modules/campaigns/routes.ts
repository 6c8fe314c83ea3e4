/**
 * Campaigns, their budget (lines and spend), their team and their vote goal. Every route is decided twice by
 * Cedar: on the organization (the declared action, below), then on the campaign with the member's role on its
 * team (access.ts). A campaign the member may not read answers 404, exactly like a missing one.
 *
 * - `campaign.read`: list (the campaigns you are on the team of; all of them with `campaign.list_all`), read one
 *   with its budget summary, team and vote goal, its dashboard, list its spend.
 * - `campaign.create` (org managers and above): create; the creator becomes the campaign's manager.
 * - `campaign.update` (admins, campaign managers): details, vote goal, archive and restore.
 * - `campaign.delete` (admins): delete with everything the campaign holds.
 * - `campaign.team.write` (admins, campaign managers): the team.
 * - `campaign.budget.write` (admins, campaign managers and finance): budget lines and spend.
 */
import {
  AddTeamMemberBody,
  BudgetLine,
  Campaign,
  CampaignDashboard,
  CampaignDetail,
  CampaignListQuery,
  CreateBudgetLineBody,
  CreateCampaignBody,
  CreateSpendBody,
  Id,
  page,
  SpendEntry,
  SpendListQuery,
  TeamMember,
  UpdateBudgetLineBody,
  UpdateCampaignBody,
  UpdateSpendBody,
  UpdateTeamMemberBody,
} from '@akashic/contracts';
import { z } from 'zod';
import { defineRoute, type OrgCtx } from '../../http/route.js';
import { campaignRouteIn, permissionsOn } from './access.js';
import {
  budgetCacheKey,
  cachedBudgetSummary,
  createBudgetLine,
  createSpend,
  deleteBudgetLine,
  deleteSpend,
  listSpend,
  updateBudgetLine,
  updateSpend,
} from './budget.js';
import { campaignDashboard } from './dashboard.js';
import { createCampaign, deleteCampaign, listCampaigns, updateCampaign } from './campaigns.js';
import { addTeamMember, changeTeamRole, listTeam, removeTeamMember } from './team.js';
import { voteGoal } from './vote-goal.js';

const tags = ['Campaigns'];
const base = '/api/v1/campaigns';
const CampaignParams = z.strictObject({ campaignId: Id });
const LineParams = z.strictObject({ campaignId: Id, lineId: Id });
const SpendParams = z.strictObject({ campaignId: Id, entryId: Id });
const TeamParams = z.strictObject({ campaignId: Id, userId: Id });

const campaignRoute = campaignRouteIn(tags);

export const listCampaignsRoute = defineRoute({
  method: 'GET',
  path: base,
  operationId: 'listCampaigns',
  summary: 'The campaigns you are on the team of (admins: every campaign), newest first',
  description:
    'Filter by `status` and `type`. Pass `nextCursor` back as `cursor` for the next page; it is null on the last ' +
    'one. `myRole` is your role on each campaign’s team.',
  tags,
  auth: 'org',
  resource: 'Org',
  action: 'campaign.read',
  schemas: { query: CampaignListQuery, response: page(Campaign) },
  handler: async ({ tx, org, principal, input, can }) =>
    listCampaigns(tx, org.id, principal.userId, {
      ...input.query,
      all: can('campaign.list_all', { type: 'Org', id: org.id }),
    }),
});

export const createCampaignRoute = defineRoute({
  method: 'POST',
  path: base,
  operationId: 'createCampaign',
  summary: 'Create a campaign',
  description:
    'The jurisdiction is a state, a district of a state, or a set of counties; states and county FIPS codes must be ' +
    'in the shipped reference data (the latest county results). You become the campaign’s manager (an API key, ' +
    'not being a member, does not).',
  tags,
  auth: 'org',
  resource: 'Org',
  action: 'campaign.create',
  status: 201,
  schemas: { body: CreateCampaignBody, response: Campaign },
  handler: async ({ tx, org, principal, input, record }) =>
    createCampaign(tx, org.id, { userId: principal.userId, member: principal.via !== 'apikey' }, input.body, record),
});

/**
 * The request's recorder for a change of a campaign's budget or spend, which also drops the campaign's cached budget
 * summary once the change commits: the writer reads its own write at once, other processes when the event arrives.
 */
function budgetChange(ctx: Pick<OrgCtx<never>, 'tx' | 'org' | 'services' | 'record'>, campaignId: string) {
  ctx.tx.afterCommit?.(() =>
    ctx.services.cache.invalidate(budgetCacheKey(ctx.org.id, campaignId)).catch((err: unknown) => {
      ctx.services.log.warn({ err, campaignId }, 'could not drop the cached budget summary (it expires by itself)');
    }),
  );
  return ctx.record;
}

export const getCampaignRoute = campaignRoute({
  method: 'GET',
  path: `${base}/:campaignId`,
  operationId: 'getCampaign',
  summary: 'One campaign with its budget summary, team, vote goal and your permissions on it',
  description:
    'The budget summary has each line’s planned, spent and remaining amounts (cents), the totals and the weekly ' +
    'burn. The vote goal comes from the turnout forecast of the jurisdiction in the election year, with the interval ' +
    'it rests on and its inputs; where there is no data (districts, non-presidential years, primaries) it says so ' +
    'and a manual goal (`voteGoalOverride`) stands in.',
  action: 'campaign.read',
  schemas: { params: CampaignParams, response: CampaignDetail },
  run: async (ctx, c) => ({
    ...c,
    team: await listTeam(ctx.tx, ctx.org.id, c.id),
    budget: await cachedBudgetSummary(ctx.services.cache, ctx.tx, ctx.org.id, c.id),
    voteGoal: voteGoal(c),
    permissions: permissionsOn(ctx, c),
  }),
});

export const campaignDashboardRoute = campaignRoute({
  method: 'GET',
  path: `${base}/:campaignId/dashboard`,
  operationId: 'getCampaignDashboard',
  summary: 'A campaign’s dashboard: vote goal, budget burn, contacts, turfs, upcoming events, forecast',
  description:
    'Read together in one transaction. The vote goal comes with the projection it is set against (expected votes ' +
    'and their 80% interval). Budget burn: spend in each of the last 8 weeks (the current one last), the average ' +
    'weekly rate and where it leads by election day. Contacts: each of the last 30 UTC days by channel, with doors ' +
    '(households) knocked. Upcoming events: the next 5 scheduled ones not yet ended, with their RSVP counts. The ' +
    'forecast summary is the state presidential forecast where it applies; otherwise `unavailable` says why.',
  action: 'campaign.read',
  schemas: { params: CampaignParams, response: CampaignDashboard },
  run: (ctx, c) => campaignDashboard(ctx.tx, ctx.org.id, c, new Date().toISOString().slice(0, 10)),
});

export const updateCampaignRoute = campaignRoute({
  method: 'PATCH',
  path: `${base}/:campaignId`,
  operationId: 'updateCampaign',
  summary: 'Change a campaign, archive or restore it',
  description:
    'Send the `version` you read; when the campaign has changed since, the answer is 409 and nothing is written. ' +
    'Omitted fields keep their value. An archived campaign is read-only until a change sets `status` to `active`.',
  action: 'campaign.update',
  schemas: { params: CampaignParams, body: UpdateCampaignBody, response: Campaign },
  run: (ctx, c) => updateCampaign(ctx.tx, ctx.org.id, ctx.principal.userId, c, ctx.input.body, ctx.record),
});

export const deleteCampaignRoute = campaignRoute({
  method: 'DELETE',
  path: `${base}/:campaignId`,
  operationId: 'deleteCampaign',
  summary: 'Delete a campaign with its budget, spend and team',
  action: 'campaign.delete',
  status: 204,
  schemas: { params: CampaignParams },
  run: (ctx, c) => deleteCampaign(ctx.tx, ctx.org.id, c, ctx.record),
});

// ---- budget ----------------------------------------------------------------------------------------------------

export const createBudgetLineRoute = campaignRoute({
  method: 'POST',
  path: `${base}/:campaignId/budget-lines`,
  operationId: 'createBudgetLine',
  summary: 'Add a budget line (a category and the amount planned for it, in cents)',
  description: 'Categories are unique within a campaign (ignoring case); a campaign has at most 200 lines.',
  action: 'campaign.budget.write',
  status: 201,
  schemas: { params: CampaignParams, body: CreateBudgetLineBody, response: BudgetLine },
  run: (ctx, c) => createBudgetLine(ctx.tx, ctx.org.id, c.id, ctx.input.body, budgetChange(ctx, c.id)),
});

export const updateBudgetLineRoute = campaignRoute({
  method: 'PATCH',
  path: `${base}/:campaignId/budget-lines/:lineId`,
  operationId: 'updateBudgetLine',
  summary: 'Rename a budget line or change what is planned for it',
  description: 'Send the `version` you read; a stale version is a 409 and nothing is written.',
  action: 'campaign.budget.write',
  schemas: { params: LineParams, body: UpdateBudgetLineBody, response: BudgetLine },
  run: (ctx, c) =>
    updateBudgetLine(ctx.tx, ctx.org.id, c.id, ctx.input.params.lineId, ctx.input.body, budgetChange(ctx, c.id)),
});

export const deleteBudgetLineRoute = campaignRoute({
  method: 'DELETE',
  path: `${base}/:campaignId/budget-lines/:lineId`,
  operationId: 'deleteBudgetLine',
  summary: 'Delete a budget line without spend',
  description: 'A line with spend entries is a 409: delete them or move them to another line first.',
  action: 'campaign.budget.write',
  status: 204,
  schemas: { params: LineParams },
  run: (ctx, c) => deleteBudgetLine(ctx.tx, ctx.org.id, c.id, ctx.input.params.lineId, budgetChange(ctx, c.id)),
});

export const listSpendRoute = campaignRoute({
  method: 'GET',
  path: `${base}/:campaignId/spend`,
  operationId: 'listSpend',
  summary: 'A campaign’s spend entries, latest date first',
  description: 'Optionally of one budget line. Pass `nextCursor` back as `cursor` for the next page.',
  action: 'campaign.read',
  schemas: { params: CampaignParams, query: SpendListQuery, response: page(SpendEntry) },
  run: (ctx, c) => listSpend(ctx.tx, ctx.org.id, c.id, ctx.input.query),
});

export const createSpendRoute = campaignRoute({
  method: 'POST',
  path: `${base}/:campaignId/spend`,
  operationId: 'createSpend',
  summary: 'Record money spent from a budget line',
  description: 'The line must be one of the campaign’s (another campaign’s line answers 404, like a missing one).',
  action: 'campaign.budget.write',
  status: 201,
  schemas: { params: CampaignParams, body: CreateSpendBody, response: SpendEntry },
  run: (ctx, c) => createSpend(ctx.tx, ctx.org.id, ctx.principal.userId, c.id, ctx.input.body, budgetChange(ctx, c.id)),
});

export const updateSpendRoute = campaignRoute({
  method: 'PATCH',
  path: `${base}/:campaignId/spend/:entryId`,
  operationId: 'updateSpend',
  summary: 'Change a spend entry (amount, date, vendor, memo, or the line it is booked to)',
  description: 'Send the `version` you read; a stale version is a 409 and nothing is written.',
  action: 'campaign.budget.write',
  schemas: { params: SpendParams, body: UpdateSpendBody, response: SpendEntry },
  run: (ctx, c) =>
    updateSpend(ctx.tx, ctx.org.id, c.id, ctx.input.params.entryId, ctx.input.body, budgetChange(ctx, c.id)),
});

export const deleteSpendRoute = campaignRoute({
  method: 'DELETE',
  path: `${base}/:campaignId/spend/:entryId`,
  operationId: 'deleteSpend',
  summary: 'Delete a spend entry',
  action: 'campaign.budget.write',
  status: 204,
  schemas: { params: SpendParams },
  run: (ctx, c) => deleteSpend(ctx.tx, ctx.org.id, c.id, ctx.input.params.entryId, budgetChange(ctx, c.id)),
});

// ---- team ------------------------------------------------------------------------------------------------------

export const addTeamMemberRoute = campaignRoute({
  method: 'POST',
  path: `${base}/:campaignId/team`,
  operationId: 'addTeamMember',
  summary: 'Put a member of the organization on the campaign’s team, with a campaign role',
  description:
    'Someone who is not a member of the organization answers 404 (“Member not found”); someone already on the ' +
    'team is a 409. The organization role stays a ceiling: a viewer only ever reads, whatever the campaign role.',
  action: 'campaign.team.write',
  status: 201,
  schemas: { params: CampaignParams, body: AddTeamMemberBody, response: TeamMember },
  run: (ctx, c) => addTeamMember(ctx.tx, ctx.org.id, c.id, ctx.input.body, ctx.record),
});

export const changeTeamRoleRoute = campaignRoute({
  method: 'PATCH',
  path: `${base}/:campaignId/team/:userId`,
  operationId: 'changeTeamRole',
  summary: 'Change a team member’s campaign role',
  action: 'campaign.team.write',
  schemas: { params: TeamParams, body: UpdateTeamMemberBody, response: TeamMember },
  run: (ctx, c) => changeTeamRole(ctx.tx, ctx.org.id, c.id, ctx.input.params.userId, ctx.input.body.role, ctx.record),
});

export const removeTeamMemberRoute = campaignRoute({
  method: 'DELETE',
  path: `${base}/:campaignId/team/:userId`,
  operationId: 'removeTeamMember',
  summary: 'Take someone off the campaign’s team',
  action: 'campaign.team.write',
  status: 204,
  schemas: { params: TeamParams },
  run: (ctx, c) => removeTeamMember(ctx.tx, ctx.org.id, c.id, ctx.input.params.userId, ctx.record),
});

export const campaignRoutes = [
  listCampaignsRoute,
  createCampaignRoute,
  getCampaignRoute,
  campaignDashboardRoute,
  updateCampaignRoute,
  deleteCampaignRoute,
  createBudgetLineRoute,
  updateBudgetLineRoute,
  deleteBudgetLineRoute,
  listSpendRoute,
  createSpendRoute,
  updateSpendRoute,
  deleteSpendRoute,
  addTeamMemberRoute,
  changeTeamRoleRoute,
  removeTeamMemberRoute,
];

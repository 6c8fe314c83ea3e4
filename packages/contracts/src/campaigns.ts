/**
 * Campaign Console → campaigns: a campaign's type, jurisdiction and election date, its budget (lines and spend),
 * its team with campaign roles, and the vote goal derived from the turnout forecast. Money is in whole cents.
 */
import { z } from 'zod';
import { Id, Timestamp } from './common.js';
import { IsoDate } from './forecasts.js';
import { Fips } from './intelligence.js';

export const CAMPAIGN_TYPES = [
  'presidential',
  'senate',
  'house',
  'governor',
  'state_legislative',
  'local',
  'ballot_measure',
] as const;
export const CampaignType = z.enum(CAMPAIGN_TYPES);
export type CampaignType = z.infer<typeof CampaignType>;

export const CAMPAIGN_STATUSES = ['active', 'archived'] as const;
export const CampaignStatus = z.enum(CAMPAIGN_STATUSES);
export type CampaignStatus = z.infer<typeof CampaignStatus>;

/** What a member does on one campaign's team (their organization role is a ceiling on it). */
export const CAMPAIGN_ROLES = ['manager', 'communications', 'field', 'finance', 'analyst', 'volunteer'] as const;
export const CampaignRole = z.enum(CAMPAIGN_ROLES);
export type CampaignRole = z.infer<typeof CampaignRole>;

const StatePostal = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be a state postal code, e.g. PA')
  .meta({ examples: ['PA'] });

export const MAX_JURISDICTION_COUNTIES = 500;

/** Where the campaign is run: a state, a district of a state, or a set of counties (validated against the shipped data). */
export const Jurisdiction = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('state'), state: StatePostal }),
  z.strictObject({
    kind: z.literal('district'),
    state: StatePostal,
    district: z
      .string()
      .trim()
      .min(1, 'is required')
      .max(20, 'must be at most 20 characters')
      .meta({ examples: ['7'] })
      .describe('The district as the state names it, e.g. 7, AL (at-large) or HD-42'),
  }),
  z.strictObject({
    kind: z.literal('counties'),
    counties: z
      .array(Fips)
      .min(1, 'name at least one county')
      .max(MAX_JURISDICTION_COUNTIES, `at most ${MAX_JURISDICTION_COUNTIES} counties`),
  }),
]);
export type Jurisdiction = z.infer<typeof Jurisdiction>;

const CampaignName = z.string().trim().min(1, 'is required').max(120);
export const ElectionDate = IsoDate.refine((d) => d >= '1980-01-01' && d <= '2100-12-31', {
  message: 'must be between 1980 and 2100',
}).meta({ examples: ['2028-11-07'] });
/** The margin aimed for, as a fraction of the vote the goal is counted on: 0 is 50% + 1 vote, 0.04 is 52%. */
export const WinMargin = z
  .number()
  .min(0, 'must be at least 0')
  .max(0.5, 'must be at most 0.5')
  .meta({ examples: [0.04] })
  .describe('Margin of victory aimed for (0 = 50% + 1 vote; 0.04 = 52%)');
export const VoteGoalOverride = z
  .number()
  .int()
  .min(1, 'must be at least 1')
  .max(200_000_000, 'must be at most 200,000,000')
  .describe('A vote goal set by hand; it replaces the forecast goal (null to use the forecast again)');

export const CreateCampaignBody = z.strictObject({
  name: CampaignName,
  type: CampaignType,
  jurisdiction: Jurisdiction,
  electionDate: ElectionDate,
  winMargin: WinMargin.optional(),
  voteGoalOverride: VoteGoalOverride.nullable().optional(),
});
export type CreateCampaignBody = z.infer<typeof CreateCampaignBody>;

export const UpdateCampaignBody = z.strictObject({
  /** The version the change is based on; a different current version is a 409. */
  version: z.number().int().min(1),
  name: CampaignName.optional(),
  type: CampaignType.optional(),
  jurisdiction: Jurisdiction.optional(),
  electionDate: ElectionDate.optional(),
  status: CampaignStatus.optional().describe('`archived` makes the campaign read-only until it is `active` again'),
  winMargin: WinMargin.optional(),
  voteGoalOverride: VoteGoalOverride.nullable().optional(),
});
export type UpdateCampaignBody = z.infer<typeof UpdateCampaignBody>;

export const Campaign = z.object({
  id: Id,
  name: z.string(),
  type: CampaignType,
  jurisdiction: Jurisdiction,
  electionDate: z.string(),
  status: CampaignStatus,
  winMargin: z.number(),
  voteGoalOverride: z.number().int().nullable(),
  createdBy: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: z.number().int(),
  /** The requesting member's role on the campaign's team (null when not on it). */
  myRole: CampaignRole.nullable(),
});
export type Campaign = z.infer<typeof Campaign>;

export const CampaignListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  status: CampaignStatus.optional(),
  type: CampaignType.optional(),
});

// ---- team ------------------------------------------------------------------------------------------------------

export const TeamMember = z.object({
  userId: Id,
  name: z.string(),
  email: z.string(),
  role: CampaignRole,
  addedAt: Timestamp,
});
export type TeamMember = z.infer<typeof TeamMember>;

export const AddTeamMemberBody = z.strictObject({
  userId: Id.describe('A member of the organization'),
  role: CampaignRole,
});
export type AddTeamMemberBody = z.infer<typeof AddTeamMemberBody>;
export const UpdateTeamMemberBody = z.strictObject({ role: CampaignRole });

// ---- budget ----------------------------------------------------------------------------------------------------

/** Whole cents, up to ten billion dollars. */
const Cents = z.number().int().max(1_000_000_000_000, 'must be at most 1,000,000,000,000 cents');
const Category = z.string().trim().min(1, 'is required').max(80);

export const CreateBudgetLineBody = z.strictObject({
  category: Category.meta({ examples: ['Digital ads'] }),
  plannedCents: Cents.min(0, 'must be at least 0'),
});
export type CreateBudgetLineBody = z.infer<typeof CreateBudgetLineBody>;

export const UpdateBudgetLineBody = z.strictObject({
  version: z.number().int().min(1),
  category: Category.optional(),
  plannedCents: Cents.min(0, 'must be at least 0').optional(),
});
export type UpdateBudgetLineBody = z.infer<typeof UpdateBudgetLineBody>;

export const BudgetLine = z.object({
  id: Id,
  campaignId: Id,
  category: z.string(),
  plannedCents: z.number().int(),
  spentCents: z.number().int(),
  remainingCents: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: z.number().int(),
});
export type BudgetLine = z.infer<typeof BudgetLine>;

export const BurnWeek = z.object({
  /** Monday of the week (ISO weeks), YYYY-MM-DD. */
  weekStart: z.string(),
  spentCents: z.number().int(),
  cumulativeCents: z.number().int(),
});
export type BurnWeek = z.infer<typeof BurnWeek>;

export const BudgetSummary = z.object({
  plannedCents: z.number().int(),
  spentCents: z.number().int(),
  /** Planned minus spent: negative when the campaign has overspent. */
  remainingCents: z.number().int(),
  lines: z.array(BudgetLine),
  /** Spend per week from the first week with spend to the last, weeks without spend included as 0. */
  burn: z.array(BurnWeek),
});
export type BudgetSummary = z.infer<typeof BudgetSummary>;

const Vendor = z.string().trim().min(1, 'is required').max(120);
const Memo = z.string().trim().max(500);
const SpentOn = IsoDate.refine((d) => d >= '1980-01-01' && d <= '2100-12-31', {
  message: 'must be between 1980 and 2100',
}).meta({ examples: ['2028-03-02'] });

export const CreateSpendBody = z.strictObject({
  lineId: Id.describe('The budget line the money was spent from'),
  amountCents: Cents.min(1, 'must be at least 1'),
  spentOn: SpentOn,
  vendor: Vendor,
  memo: Memo.nullable().optional(),
});
export type CreateSpendBody = z.infer<typeof CreateSpendBody>;

export const UpdateSpendBody = z.strictObject({
  version: z.number().int().min(1),
  lineId: Id.optional(),
  amountCents: Cents.min(1, 'must be at least 1').optional(),
  spentOn: SpentOn.optional(),
  vendor: Vendor.optional(),
  memo: Memo.nullable().optional(),
});
export type UpdateSpendBody = z.infer<typeof UpdateSpendBody>;

export const SpendEntry = z.object({
  id: Id,
  campaignId: Id,
  lineId: Id,
  amountCents: z.number().int(),
  spentOn: z.string(),
  vendor: z.string(),
  memo: z.string().nullable(),
  createdBy: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: z.number().int(),
});
export type SpendEntry = z.infer<typeof SpendEntry>;

export const SpendListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
  lineId: Id.optional().describe('Only the spend of this budget line'),
});

// ---- vote goal -------------------------------------------------------------------------------------------------

export const VoteGoalForecast = z.object({
  /** Presidential cycle of the turnout forecast and the last election it learned from. */
  cycle: z.number().int(),
  lastCycle: z.number().int(),
  /** `state`: the state turnout forecast; `counties`: the sum of the county totals forecast. */
  source: z.enum(['state', 'counties']),
  expectedVotes: z.number().int(),
  /** 80% interval of the expected votes (null when the model has too few earlier cycles to measure its error). */
  expectedVotesLo80: z.number().int().nullable(),
  expectedVotesHi80: z.number().int().nullable(),
  /** What the goal is counted on: the two-party vote (candidate races) or all votes cast (ballot measures). */
  countedOn: z.enum(['two_party', 'all_votes']),
  /** Share of all votes that went to the two major parties in the area's last result (1 for ballot measures). */
  countedShare: z.number(),
  /** 0.5 + winMargin / 2. */
  targetShare: z.number(),
  goal: z.number().int(),
  goalLo80: z.number().int().nullable(),
  goalHi80: z.number().int().nullable(),
});
export type VoteGoalForecast = z.infer<typeof VoteGoalForecast>;

export const VoteGoal = z.object({
  /** The goal in force: the manual override when set, else the forecast goal; null when neither exists. */
  goal: z.number().int().nullable(),
  source: z.enum(['manual', 'forecast', 'none']),
  winMargin: z.number(),
  manual: z.number().int().nullable(),
  forecast: VoteGoalForecast.nullable(),
  /** Why there is no forecast goal (null when there is one), in plain words. */
  unavailable: z.string().nullable(),
  /** The assumptions behind the forecast goal, in plain words. */
  notes: z.array(z.string()),
});
export type VoteGoal = z.infer<typeof VoteGoal>;

export const CampaignPermissions = z.object({
  update: z.boolean(),
  delete: z.boolean(),
  team: z.boolean(),
  budget: z.boolean(),
});
export type CampaignPermissions = z.infer<typeof CampaignPermissions>;

export const CampaignDetail = Campaign.extend({
  team: z.array(TeamMember),
  budget: BudgetSummary,
  voteGoal: VoteGoal,
  /** What the requesting member may change on this campaign. */
  permissions: CampaignPermissions,
});
export type CampaignDetail = z.infer<typeof CampaignDetail>;

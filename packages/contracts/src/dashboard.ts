/**
 * Campaign Console → a campaign's dashboard: its vote goal against the projection, budget burn, contacts per day,
 * turf progress, upcoming events and forecast summary, read together. Money is in whole cents; days are UTC dates.
 */
import { z } from 'zod';
import { VoteGoal } from './campaigns.js';
import { Id } from './common.js';
import { ContactChannel } from './voters.js';
import { EventCounts, EventKind } from './field.js';

export const DashboardBurnWeek = z.object({
  /** Monday of the week (ISO weeks), YYYY-MM-DD. */
  weekStart: z.string(),
  spentCents: z.number().int(),
});

export const DashboardBudget = z.object({
  plannedCents: z.number().int(),
  spentCents: z.number().int(),
  /** Planned minus spent: negative when the campaign has overspent. */
  remainingCents: z.number().int(),
  /** Spend in each of the last 8 weeks, oldest first, the current week last (weeks without spend are 0). */
  weeks: z.array(DashboardBurnWeek),
  /** Average weekly spend over those 8 weeks. */
  weeklyRateCents: z.number().int(),
  /** Spent so far plus the weekly rate until election day: what the campaign will have spent at this pace. */
  projectedAtElectionCents: z.number().int(),
  /** Days from today (UTC) to election day; 0 on the day, negative after it. */
  daysToElection: z.number().int(),
});
export type DashboardBudget = z.infer<typeof DashboardBudget>;

export const ContactDay = z.object({
  day: z.string(),
  /** Voter contacts logged that day, every channel. */
  total: z.number().int(),
  byChannel: z.record(ContactChannel, z.number().int()),
  /** Canvass results recorded that day: doors (households) knocked. */
  doorsKnocked: z.number().int(),
});
export type ContactDay = z.infer<typeof ContactDay>;

export const DashboardTurf = z.object({
  id: Id,
  name: z.string(),
  /** Distinct voters with a canvass result in the turf, and those of them actually reached. */
  votersAttempted: z.number().int(),
  votersContacted: z.number().int(),
});

export const DashboardTurfs = z.object({
  turfs: z.number().int(),
  assigned: z.number().int(),
  votersAttempted: z.number().int(),
  votersContacted: z.number().int(),
  /** The turfs with the most canvassing, at most 5. */
  top: z.array(DashboardTurf),
});

export const DashboardEvent = z.object({
  id: Id,
  title: z.string(),
  kind: EventKind,
  startsAt: z.string(),
  timeZone: z.string(),
  placeName: z.string(),
  capacity: z.number().int().nullable(),
  counts: EventCounts,
});
export type DashboardEvent = z.infer<typeof DashboardEvent>;

export const DashboardForecast = z.object({
  /** Whether the state forecast models this race; when not, `unavailable` says why in plain words. */
  applies: z.boolean(),
  unavailable: z.string().nullable(),
  cycle: z.number().int().nullable(),
  asOf: z.string().nullable(),
  state: z.string().nullable(),
  /** The Democratic candidate's expected two-party share in the state, its 80% interval, and win probability. */
  demTwoParty: z.number().nullable(),
  lo80: z.number().nullable(),
  hi80: z.number().nullable(),
  pDemWin: z.number().nullable(),
});
export type DashboardForecast = z.infer<typeof DashboardForecast>;

export const CampaignDashboard = z.object({
  campaignId: Id,
  /** Today (UTC) as the dashboard counts it. */
  today: z.string(),
  electionDate: z.string(),
  /** The vote goal with the projection (expected votes and their interval) it is set against. */
  voteGoal: VoteGoal,
  budget: DashboardBudget,
  /** The last 30 days, oldest first, today last (days without contacts are 0). */
  contacts: z.array(ContactDay),
  turfs: DashboardTurfs,
  /** The next 5 scheduled events that have not ended, soonest first. */
  upcomingEvents: z.array(DashboardEvent),
  forecast: DashboardForecast,
});
export type CampaignDashboard = z.infer<typeof CampaignDashboard>;

/**
 * A campaign's dashboard: the vote goal against the projection it rests on, budget burn, contacts per day, turf
 * progress, upcoming events and the forecast summary, read in the request's (read-only) transaction with one
 * aggregate query per tile. Days are UTC dates; `today` is passed in so the numbers are reproducible.
 */
import {
  CONTACT_CHANNELS,
  type Campaign,
  type CampaignDashboard,
  type ContactChannel,
  type ContactDay,
  type DashboardBudget,
  type DashboardEvent,
  type DashboardForecast,
} from '@akashic/contracts';
import { electionDay } from '@akashic/forecast';
import type { Tx } from '../../db/index.js';
import { isoDate, isoTimestamp } from '../../db/keyset.js';
import { defaultAsOf, isoDay, pollCycles, stateForecasts, stateRunErrors } from '../intelligence/forecasts/engine.js';
import { NORM } from './field/turfs.js';
import { voteGoal } from './vote-goal.js';

/** Weeks of spend the burn rate is measured on, days of contacts shown, events listed. */
export const BURN_WEEKS = 8;
export const CONTACT_DAYS = 30;
export const UPCOMING_EVENTS = 5;
const TOP_TURFS = 5;

const dayMs = 86_400_000;
const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * dayMs).toISOString().slice(0, 10);
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / dayMs);
/** Midnight UTC of date parameter `p` (timestamptz columns compare with it whatever the session's time zone). */
const utcMidnight = (p: string) => `((${p})::timestamp AT TIME ZONE 'UTC')`;

async function budgetBurn(tx: Tx, orgId: string, c: Campaign, today: string): Promise<DashboardBudget> {
  const totals = await tx.client.query<{ plannedCents: number; spentCents: number }>(
    `SELECT (SELECT coalesce(sum(planned_cents), 0) FROM campaign_budget_lines
              WHERE org_id = $1 AND campaign_id = $2)::float8 AS "plannedCents",
            (SELECT coalesce(sum(amount_cents), 0) FROM campaign_spend_entries
              WHERE org_id = $1 AND campaign_id = $2)::float8 AS "spentCents"`,
    [orgId, c.id],
  );
  const weeks = await tx.client.query<{ weekStart: string; spentCents: number }>(
    `SELECT ${isoDate('w.week')} AS "weekStart", coalesce(sum(s.amount_cents), 0)::float8 AS "spentCents"
       FROM generate_series(date_trunc('week', $3::date) - interval '${BURN_WEEKS - 1} weeks',
                            date_trunc('week', $3::date), interval '1 week') AS w(week)
       LEFT JOIN campaign_spend_entries s
         ON s.org_id = $1 AND s.campaign_id = $2 AND date_trunc('week', s.spent_on) = w.week AND s.spent_on <= $3
      GROUP BY w.week ORDER BY w.week`,
    [orgId, c.id, today],
  );
  const { plannedCents, spentCents } = totals.rows[0]!;
  const weeklyRateCents = Math.round(weeks.rows.reduce((a, w) => a + w.spentCents, 0) / BURN_WEEKS);
  const daysToElection = daysBetween(today, c.electionDate);
  return {
    plannedCents,
    spentCents,
    remainingCents: plannedCents - spentCents,
    weeks: weeks.rows,
    weeklyRateCents,
    projectedAtElectionCents: spentCents + Math.round((weeklyRateCents * Math.max(0, daysToElection)) / 7),
    daysToElection,
  };
}

/** Contacts per UTC day and channel, and doors (distinct households) knocked per day, over the last 30 days. */
async function contactsPerDay(tx: Tx, orgId: string, campaignId: string, today: string): Promise<ContactDay[]> {
  const first = addDays(today, -(CONTACT_DAYS - 1));
  const window = (col: string) => `${col} >= ${utcMidnight('$3::date')} AND ${col} < ${utcMidnight('$4::date + 1')}`;
  const utcDay = (col: string) => isoDate(`(${col} AT TIME ZONE 'UTC')::date`);
  const contacts = await tx.client.query<{ day: string; channel: ContactChannel; n: number }>(
    `SELECT ${utcDay('contacted_at')} AS day, channel, count(*)::int AS n FROM voter_contacts
      WHERE org_id = $1 AND campaign_id = $2 AND ${window('contacted_at')} GROUP BY 1, 2`,
    [orgId, campaignId, first, today],
  );
  const doors = await tx.client.query<{ day: string; n: number }>(
    `SELECT ${utcDay('r.recorded_at')} AS day, count(DISTINCT ${NORM} || '|' || coalesce(v.zip, ''))::int AS n
       FROM canvass_results r JOIN voters v ON v.org_id = r.org_id AND v.id = r.voter_id
      WHERE r.org_id = $1 AND r.campaign_id = $2 AND ${window('r.recorded_at')} GROUP BY 1`,
    [orgId, campaignId, first, today],
  );
  const days = new Map<string, ContactDay>();
  for (let i = 0; i < CONTACT_DAYS; i++) {
    const day = addDays(first, i);
    const byChannel = Object.fromEntries(CONTACT_CHANNELS.map((ch) => [ch, 0])) as Record<ContactChannel, number>;
    days.set(day, { day, total: 0, byChannel, doorsKnocked: 0 });
  }
  for (const r of contacts.rows) {
    const d = days.get(r.day)!;
    d.byChannel[r.channel] = r.n;
    d.total += r.n;
  }
  for (const r of doors.rows) days.get(r.day)!.doorsKnocked = r.n;
  return [...days.values()];
}

async function turfSummary(tx: Tx, orgId: string, campaignId: string): Promise<CampaignDashboard['turfs']> {
  const r = await tx.client.query<{
    id: string;
    name: string;
    assigned: boolean;
    votersAttempted: number;
    votersContacted: number;
  }>(
    `SELECT t.id, t.name, t.assigned_to IS NOT NULL AS assigned,
            count(DISTINCT r.voter_id)::int AS "votersAttempted",
            count(DISTINCT r.voter_id) FILTER (WHERE r.outcome = 'contacted')::int AS "votersContacted"
       FROM field_turfs t LEFT JOIN canvass_results r ON r.org_id = t.org_id AND r.turf_id = t.id
      WHERE t.org_id = $1 AND t.campaign_id = $2
      GROUP BY t.id ORDER BY 4 DESC, lower(t.name), t.id`,
    [orgId, campaignId],
  );
  const sum = (f: (t: (typeof r.rows)[number]) => number) => r.rows.reduce((a, t) => a + f(t), 0);
  return {
    turfs: r.rows.length,
    assigned: r.rows.filter((t) => t.assigned).length,
    votersAttempted: sum((t) => t.votersAttempted),
    votersContacted: sum((t) => t.votersContacted),
    top: r.rows.slice(0, TOP_TURFS).map(({ assigned: _, ...t }) => t),
  };
}

async function upcomingEvents(tx: Tx, orgId: string, campaignId: string): Promise<DashboardEvent[]> {
  const r = await tx.client.query<DashboardEvent>(
    `SELECT e.id, e.title, e.kind, ${isoTimestamp('e.starts_at')} AS "startsAt", e.time_zone AS "timeZone",
            e.place_name AS "placeName", e.capacity,
            json_build_object(
              'confirmed', count(r.id) FILTER (WHERE r.seat = 'confirmed'),
              'waitlisted', count(r.id) FILTER (WHERE r.seat = 'waitlisted'),
              'maybe', count(r.id) FILTER (WHERE r.response = 'maybe'),
              'declined', count(r.id) FILTER (WHERE r.response = 'no'),
              'checkedIn', count(r.id) FILTER (WHERE r.checked_in_at IS NOT NULL),
              'walkIns', count(r.id) FILTER (WHERE r.walk_in)) AS counts
       FROM (SELECT * FROM field_events
              WHERE org_id = $1 AND campaign_id = $2 AND status = 'scheduled' AND ends_at > now()
              ORDER BY starts_at, id LIMIT ${UPCOMING_EVENTS}) e
       LEFT JOIN field_rsvps r ON r.org_id = e.org_id AND r.event_id = e.id
      GROUP BY e.id, e.title, e.kind, e.starts_at, e.time_zone, e.place_name, e.capacity
      ORDER BY e.starts_at, e.id`,
    [orgId, campaignId],
  );
  return r.rows;
}

const noForecast = (unavailable: string): DashboardForecast => ({
  applies: false,
  unavailable,
  cycle: null,
  asOf: null,
  state: null,
  demTwoParty: null,
  lo80: null,
  hi80: null,
  pDemWin: null,
});

/**
 * The state forecast for a presidential campaign in one state, as of today (or the eve of the election once it is
 * past). The engine models the presidential race by state only: every other race says so.
 */
export function forecastSummary(
  c: Pick<Campaign, 'type' | 'jurisdiction' | 'electionDate'>,
  today: string,
): DashboardForecast {
  if (c.type !== 'presidential') {
    return noForecast(
      `The forecast engine models presidential races by state only: there is no model for a ${c.type.replace('_', ' ')} race.`,
    );
  }
  const j = c.jurisdiction;
  if (j.kind !== 'state') {
    return noForecast('The presidential forecast is by state: it does not apply to districts or sets of counties.');
  }
  const year = Number(c.electionDate.slice(0, 4));
  const cycles = pollCycles();
  if (!cycles.includes(year)) {
    return noForecast(`No polls are shipped for ${year}: state forecasts cover ${cycles.join(', ')}.`);
  }
  if (c.electionDate !== isoDay(electionDay(year))) {
    return noForecast(`The state forecast is for the general election on ${isoDay(electionDay(year))}.`);
  }
  const eve = defaultAsOf(year);
  const asOf = today < eve ? today : eve;
  const errors = stateRunErrors(year, asOf, { cycle: 'cycle', asOf: 'asOf' });
  if (errors.length) return noForecast(`There is no state forecast as of ${asOf}: ${errors[0]!.message}.`);
  const f = stateForecasts({ cycle: year, asOf });
  const s = f.states.find((x) => x.state === j.state);
  if (!s) return noForecast(`The state forecast has no result for ${j.state}.`);
  return {
    applies: true,
    unavailable: null,
    cycle: f.cycle,
    asOf: f.asOf,
    state: s.state,
    demTwoParty: s.demTwoParty,
    lo80: s.lo80,
    hi80: s.hi80,
    pDemWin: s.pDemWin,
  };
}

export async function campaignDashboard(
  tx: Tx,
  orgId: string,
  c: Campaign,
  today: string,
): Promise<CampaignDashboard> {
  return {
    campaignId: c.id,
    today,
    electionDate: c.electionDate,
    voteGoal: voteGoal(c),
    budget: await budgetBurn(tx, orgId, c, today),
    contacts: await contactsPerDay(tx, orgId, c.id, today),
    turfs: await turfSummary(tx, orgId, c.id),
    upcomingEvents: await upcomingEvents(tx, orgId, c.id),
    forecast: forecastSummary(c, today),
  };
}

/**
 * The campaign dashboard over HTTP, on real data: budget lines and spend, voter contacts and canvass results,
 * turfs and events made through the API, and the numbers the dashboard adds up from them.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { CAMPAIGN, created } from './support/campaigns.js';
import { eventBody, fieldOf } from './support/field.js';
import { as, signUpActor, type Actor } from './support/http.js';

let app: TestApp;
let owner: Actor;

beforeAll(async () => {
  app = await startTestApp();
  owner = await signUpActor(app.url, 'dashboard-owner');
});
afterAll(async () => {
  await app?.close();
});

const base = (c: string) => `/api/v1/campaigns/${c}`;
const dayMs = 86_400_000;
const today = () => new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * dayMs).toISOString().slice(0, 10);
const dashboard = async (c: string) => {
  const r = await as(owner, 'GET', `${base(c)}/dashboard`);
  expect(r.status, r.text).toBe(200);
  return r.body;
};

describe('campaign dashboard', () => {
  it('adds up the budget burn: totals, the last 8 weeks, the weekly rate and where it leads by election day', async () => {
    const c = await created(owner, '/api/v1/campaigns', CAMPAIGN);
    const digital = await created(owner, `${base(c)}/budget-lines`, { category: 'Digital', plannedCents: 100_000 });
    await created(owner, `${base(c)}/budget-lines`, { category: 'Mail', plannedCents: 50_000 });
    const spend = (amountCents: number, spentOn: string) =>
      created(owner, `${base(c)}/spend`, { lineId: digital, amountCents, spentOn, vendor: 'Vendor' });
    await spend(10_000, today());
    await spend(6_000, daysAgo(7));
    await spend(4_000, daysAgo(70)); // before the 8 weeks: in the totals, not in the rate

    const d = await dashboard(c);
    expect(d.today).toBe(today());
    const b = d.budget;
    expect(b).toMatchObject({ plannedCents: 150_000, spentCents: 20_000, remainingCents: 130_000 });
    expect(b.weeks).toHaveLength(8);
    expect(b.weeks.at(-1).spentCents).toBe(10_000);
    expect(b.weeks.at(-2).spentCents).toBe(6_000);
    expect(b.weeks.slice(0, 6).every((w: { spentCents: number }) => w.spentCents === 0)).toBe(true);
    const monday = new Date(Date.parse(today()) - ((new Date().getUTCDay() + 6) % 7) * dayMs).toISOString();
    expect(b.weeks.at(-1).weekStart).toBe(monday.slice(0, 10));
    expect(b.weeklyRateCents).toBe(2_000);
    const days = Math.round((Date.parse(CAMPAIGN.electionDate) - Date.parse(today())) / dayMs);
    expect(b.daysToElection).toBe(days);
    expect(b.projectedAtElectionCents).toBe(20_000 + Math.round((2_000 * days) / 7));
  });

  it('counts contacts per day by channel and doors knocked, over the last 30 days only', async () => {
    const c = await created(owner, '/api/v1/campaigns', CAMPAIGN);
    const { turfId, voterIds } = await fieldOf(owner, c, 'DSH');
    // fieldOf recorded one canvass result (a door contact) now, for the first voter of the walk list.
    const contact = (voter: string, channel: string, when: Date) =>
      created(owner, `${base(c)}/voters/${voter}/contacts`, {
        channel,
        outcome: 'talked',
        contactedAt: when.toISOString(),
      });
    const now = new Date();
    await contact(voterIds[1]!, 'phone', now);
    await contact(voterIds[2]!, 'phone', now);
    await contact(voterIds[1]!, 'sms', new Date(Date.now() - dayMs));
    await contact(voterIds[2]!, 'email', new Date(Date.now() - 40 * dayMs));
    // Canvass results today for every voter of the walk list's second household (the fixture's is the first).
    const walk = (await as(owner, 'GET', `${base(c)}/turfs/${turfId}/walk-list`)).body;
    const households: { voters: { id: string }[] }[] = walk.items;
    const second = households[1]!.voters.map((v) => v.id);
    for (const voterId of second)
      await created(owner, `${base(c)}/canvass-results`, {
        clientId: randomUUID(),
        voterId,
        turfId,
        outcome: 'not_home',
        recordedAt: now.toISOString(),
      });

    const d = await dashboard(c);
    expect(d.contacts).toHaveLength(30);
    expect(d.contacts.at(-1).day).toBe(today());
    expect(d.contacts[0].day).toBe(daysAgo(29));
    const todays = d.contacts.at(-1);
    expect(todays.byChannel).toEqual({ door: 1 + second.length, phone: 2, sms: 0, email: 0, event: 0, other: 0 });
    expect(todays.total).toBe(3 + second.length);
    // The fixture's door and the second household's: two households, however many voters live there.
    expect(households[0]!.voters[0]!.id).toBe(voterIds[0]);
    expect(todays.doorsKnocked).toBe(2);
    expect(d.contacts.at(-2)).toMatchObject({ total: 1, doorsKnocked: 0 });
    expect(d.contacts.at(-2).byChannel.sms).toBe(1);
    const all = d.contacts.reduce((a: number, x: { total: number }) => a + x.total, 0);
    expect(all).toBe(4 + second.length); // the email of 40 days ago is outside the window

    expect(d.turfs).toMatchObject({ turfs: 1, assigned: 0, votersAttempted: 1 + second.length, votersContacted: 1 });
    expect(d.turfs.top).toEqual([
      { id: turfId, name: 'Fixture turf', votersAttempted: 1 + second.length, votersContacted: 1 },
    ]);
  });

  it('lists the next 5 scheduled events, soonest first, with their RSVP counts; cancelled ones are left out', async () => {
    const c = await created(owner, '/api/v1/campaigns', CAMPAIGN);
    const ids: string[] = [];
    for (const hours of [50, 10, 30, 20, 60, 40])
      ids.push(await created(owner, `${base(c)}/events`, { ...eventBody(hours * 60), title: `In ${hours} hours` }));
    const cancelled = await created(owner, `${base(c)}/events`, { ...eventBody(5 * 60), title: 'Cancelled' });
    const r = await as(owner, 'POST', `${base(c)}/events/${cancelled}/cancel`, { json: { version: 1 } });
    expect(r.status, r.text).toBe(200);
    for (const n of [1, 2])
      await created(owner, `${base(c)}/events/${ids[1]}/rsvps`, {
        name: `Guest ${n}`,
        email: `dash-${n}-${randomUUID()}@example.test`,
        response: n === 1 ? 'yes' : 'maybe',
      });

    const d = await dashboard(c);
    expect(d.upcomingEvents.map((e: { title: string }) => e.title)).toEqual([
      'In 10 hours',
      'In 20 hours',
      'In 30 hours',
      'In 40 hours',
      'In 50 hours',
    ]);
    expect(d.upcomingEvents[0]).toMatchObject({
      id: ids[1],
      kind: 'canvass',
      capacity: 10,
      placeName: 'Field office',
      counts: { confirmed: 1, waitlisted: 0, maybe: 1, declined: 0, checkedIn: 0, walkIns: 0 },
    });
    expect(d.upcomingEvents[1].counts.confirmed).toBe(0);
  });

  it('sets the vote goal against its projection, and says plainly when the forecast does not apply', async () => {
    const c = await created(owner, '/api/v1/campaigns', CAMPAIGN);
    const d = await dashboard(c);
    const detail = (await as(owner, 'GET', base(c))).body;
    expect(d.voteGoal).toEqual(detail.voteGoal);
    expect(d.forecast).toMatchObject({ applies: false, pDemWin: null, demTwoParty: null });
    expect(d.forecast.unavailable).toMatch(/no model for a senate race/);
    expect(d.budget).toMatchObject({ plannedCents: 0, spentCents: 0, weeklyRateCents: 0 });
    expect(d.upcomingEvents).toEqual([]);
    expect(d.turfs).toEqual({ turfs: 0, assigned: 0, votersAttempted: 0, votersContacted: 0, top: [] });

    const county = await created(owner, '/api/v1/campaigns', {
      ...CAMPAIGN,
      type: 'presidential',
      jurisdiction: { kind: 'counties', counties: ['42101'] },
    });
    expect((await dashboard(county)).forecast.unavailable).toMatch(/does not apply to districts or sets of counties/);
  });

  it('gives the state forecast of a presidential campaign in a cycle the engine models', async () => {
    const c = await created(owner, '/api/v1/campaigns', {
      ...CAMPAIGN,
      type: 'presidential',
      electionDate: '2016-11-08',
    });
    const d = await dashboard(c);
    const states = await as(owner, 'GET', '/api/v1/forecasts/states?cycle=2016');
    expect(states.status, states.text).toBe(200);
    const pa = states.body.states.find((s: { state: string }) => s.state === 'PA');
    expect(d.forecast).toEqual({
      applies: true,
      unavailable: null,
      cycle: 2016,
      asOf: states.body.asOf,
      state: 'PA',
      demTwoParty: pa.demTwoParty,
      lo80: pa.lo80,
      hi80: pa.hi80,
      pDemWin: pa.pDemWin,
    });
    expect(d.budget.daysToElection).toBeLessThan(0);
    expect(d.voteGoal.forecast.expectedVotes).toBeGreaterThan(1_000_000);
  });
});

/**
 * /api/v1/campaigns: campaigns with their jurisdiction checked against the reference data, the vote goal from the
 * turnout forecast (and where there is no data for one), budget lines and spend with the weekly burn, the team, per-
 * campaign permissions by campaign role over HTTP, optimistic concurrency, archiving, foreign ids answering 404, and
 * the audit entries and outbox events of every change.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApp, type TestApp } from '../../../test/helpers.js';
import { connect, diffSnapshots, snapshot } from './support/db.js';
import { addMember } from './support/features.js';

let app: TestApp;
let admin: pg.Client;
let owner: Awaited<ReturnType<typeof signUp>>;
/** Org members by org role; the manager creates campaigns (and so manages them). */
let manager: Awaited<ReturnType<typeof addMember>>;
let staff: Awaited<ReturnType<typeof addMember>>;
let viewer: Awaited<ReturnType<typeof addMember>>;

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
  owner = await signUp(app, 'campaign-owner');
  manager = await addMember(app, owner.client, 'manager');
  staff = await addMember(app, owner.client, 'staff');
  viewer = await addMember(app, owner.client, 'viewer');
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

const fieldsOf = (r: { body: any }) => ((r.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
const BASE = '/api/v1/campaigns';
const PA_2028 = {
  name: 'Pennsylvania Senate 2028',
  type: 'senate',
  jurisdiction: { kind: 'state', state: 'PA' },
  electionDate: '2028-11-07',
};

async function newCampaign(client: Client, over: Record<string, unknown> = {}) {
  const r = await client.post(BASE, { ...PA_2028, ...over });
  expect(r.status, r.text).toBe(201);
  return r.body as { id: string; version: number; [k: string]: unknown };
}

async function ok<T = any>(p: Promise<{ status: number; text: string; body: T }>, status = 200): Promise<T> {
  const r = await p;
  expect(r.status, r.text.slice(0, 400)).toBe(status);
  return r.body;
}

describe('creating and reading campaigns', () => {
  it('creates a campaign whose creator manages it, and reads it with team, budget, vote goal and permissions', async () => {
    const c = await newCampaign(manager.client);
    expect(c).toMatchObject({ ...PA_2028, status: 'active', winMargin: 0, voteGoalOverride: null, version: 1 });
    expect(c.myRole).toBe('manager');
    expect(c.createdBy).toBe(manager.userId);

    const d = await ok(manager.client.get(`${BASE}/${c.id}`));
    expect(d.team).toEqual([
      {
        userId: manager.userId,
        name: expect.any(String),
        email: manager.email,
        role: 'manager',
        addedAt: expect.any(String),
      },
    ]);
    expect(d.budget).toEqual({ plannedCents: 0, spentCents: 0, remainingCents: 0, lines: [], burn: [] });
    expect(d.permissions).toEqual({ update: true, delete: false, team: true, budget: true });
    // Owners and admins manage every campaign, on the team or not.
    const asOwner = await ok(owner.client.get(`${BASE}/${c.id}`));
    expect(asOwner.myRole).toBeNull();
    expect(asOwner.permissions).toEqual({ update: true, delete: true, team: true, budget: true });
  });

  it.each([
    [{ jurisdiction: { kind: 'state', state: 'ZZ' } }, 'body.jurisdiction.state'],
    [{ jurisdiction: { kind: 'state', state: 'pa' } }, 'body.jurisdiction.state'],
    [{ jurisdiction: { kind: 'district', state: 'XX', district: '7' } }, 'body.jurisdiction.state'],
    [{ jurisdiction: { kind: 'district', state: 'PA', district: '' } }, 'body.jurisdiction.district'],
    [{ jurisdiction: { kind: 'counties', counties: ['42003', '99999'] } }, 'body.jurisdiction.counties.1'],
    [{ jurisdiction: { kind: 'counties', counties: ['42003', '42003'] } }, 'body.jurisdiction.counties.1'],
    [{ jurisdiction: { kind: 'counties', counties: ['4200'] } }, 'body.jurisdiction.counties.0'],
    [{ jurisdiction: { kind: 'counties', counties: [] } }, 'body.jurisdiction.counties'],
    [{ jurisdiction: { kind: 'town', name: 'x' } }, 'body.jurisdiction.kind'],
    [{ jurisdiction: { kind: 'state', state: 'PA', district: '7' } }, 'body.jurisdiction'],
    [{ type: 'mayoral' }, 'body.type'],
    [{ electionDate: '2028-02-30' }, 'body.electionDate'],
    [{ electionDate: '1900-11-06' }, 'body.electionDate'],
    [{ winMargin: 0.6 }, 'body.winMargin'],
    [{ voteGoalOverride: 0 }, 'body.voteGoalOverride'],
    [{ name: '   ' }, 'body.name'],
  ])('refuses %j naming %s, writing nothing', async (over, field) => {
    const before = await snapshot(admin);
    const r = await manager.client.post(BASE, { ...PA_2028, ...over });
    expect(r.status, r.text).toBe(400);
    expect(r.body.code).toBe('validation_failed');
    expect(fieldsOf(r)).toEqual([field]);
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
  });

  it('lets org managers and above create campaigns, not staff or viewers', async () => {
    expect((await staff.client.post(BASE, PA_2028)).status).toBe(403);
    expect((await viewer.client.post(BASE, PA_2028)).status).toBe(403);
    expect((await owner.client.post(BASE, PA_2028)).status).toBe(201);
  });
});

describe('the vote goal', () => {
  it('comes from the state turnout forecast: 50% + 1 of the two-party vote, with its interval and inputs', async () => {
    const c = await newCampaign(manager.client);
    const g = (await ok(manager.client.get(`${BASE}/${c.id}`))).voteGoal;
    const turnout = await ok(manager.client.get('/api/v1/forecasts/turnout?cycle=2028'));
    const pa = turnout.states.find((s: { state: string }) => s.state === 'PA');
    expect(g.source).toBe('forecast');
    expect(g.unavailable).toBeNull();
    const f = g.forecast;
    expect(f).toMatchObject({
      cycle: 2028,
      lastCycle: 2020,
      source: 'state',
      countedOn: 'two_party',
      targetShare: 0.5,
    });
    expect(f.expectedVotes).toBe(pa.votes);
    expect(f.expectedVotesLo80).toBeLessThan(f.expectedVotes);
    expect(f.expectedVotesHi80).toBeGreaterThan(f.expectedVotes);
    // 2020 in Pennsylvania: 3,458,229 + 3,377,674 of 6,915,283 votes went to the two major parties.
    const share = (3458229 + 3377674) / 6915283;
    expect(f.countedShare).toBeCloseTo(share, 4);
    expect(Math.abs(f.goal - (Math.floor(f.expectedVotes * share * 0.5) + 1))).toBeLessThanOrEqual(2);
    expect(f.goalLo80).toBeLessThan(f.goal);
    expect(f.goalHi80).toBeGreaterThan(f.goal);
    expect(g.goal).toBe(f.goal);
    expect(g.notes.join(' ')).toMatch(/two-party vote.*2020/);
    expect(g.notes.join(' ')).toMatch(/roll-off is not modelled/);
  });

  it('follows the win margin, counts all votes for ballot measures, and sums counties', async () => {
    const even = (await ok(manager.client.get(`${BASE}/${(await newCampaign(manager.client)).id}`))).voteGoal.forecast;
    const wide = (await ok(manager.client.get(`${BASE}/${(await newCampaign(manager.client, { winMargin: 0.1 })).id}`)))
      .voteGoal.forecast;
    expect(wide.targetShare).toBeCloseTo(0.55, 10);
    expect(wide.goal / even.goal).toBeCloseTo(1.1, 3);
    const measure = (
      await ok(manager.client.get(`${BASE}/${(await newCampaign(manager.client, { type: 'ballot_measure' })).id}`))
    ).voteGoal.forecast;
    expect(measure).toMatchObject({ countedOn: 'all_votes', countedShare: 1 });
    expect(measure.goal).toBe(Math.floor(measure.expectedVotes / 2) + 1);

    const counties = await newCampaign(manager.client, {
      type: 'house',
      jurisdiction: { kind: 'counties', counties: ['42003', '42125'] },
    });
    const cg = (await ok(manager.client.get(`${BASE}/${counties.id}`))).voteGoal;
    expect(cg.forecast).toMatchObject({ source: 'counties', cycle: 2028 });
    const county = await ok(
      manager.client.get('/api/v1/forecasts/counties?cycle=2028&nationalDemTwoParty=0.5&state=PA&topFactors=1'),
    );
    const sum = county.counties
      .filter((x: { fips: string }) => ['42003', '42125'].includes(x.fips))
      .reduce((a: number, x: { totalVotes: number }) => a + x.totalVotes, 0);
    expect(Math.abs(cg.forecast.expectedVotes - sum)).toBeLessThanOrEqual(2);
  });

  it.each([
    ['a district', { type: 'house', jurisdiction: { kind: 'district', state: 'PA', district: '7' } }, /district/],
    ['a midterm year', { electionDate: '2026-11-03' }, /presidential general elections only.*2026/],
    ['a primary', { electionDate: '2028-04-25' }, /general election on 2028-11-07/],
  ])('says plainly when there is no data (%s) and takes a manual goal', async (_what, over, reason) => {
    const c = await newCampaign(manager.client, over);
    const d = await ok(manager.client.get(`${BASE}/${c.id}`));
    expect(d.voteGoal).toMatchObject({ goal: null, source: 'none', forecast: null, manual: null });
    expect(d.voteGoal.unavailable).toMatch(reason);
    expect(d.voteGoal.unavailable).toMatch(/by hand/);
    await ok(manager.client.patch(`${BASE}/${c.id}`, { version: 1, voteGoalOverride: 123_456 }));
    const after = (await ok(manager.client.get(`${BASE}/${c.id}`))).voteGoal;
    expect(after).toMatchObject({ goal: 123_456, source: 'manual', manual: 123_456, forecast: null });
  });

  it('prefers a manual goal to the forecast one, and goes back to the forecast when it is cleared', async () => {
    const c = await newCampaign(manager.client, { voteGoalOverride: 4_000_000 });
    const g = (await ok(manager.client.get(`${BASE}/${c.id}`))).voteGoal;
    expect(g).toMatchObject({ goal: 4_000_000, source: 'manual' });
    expect(g.forecast.goal).toBeGreaterThan(3_000_000);
    await ok(manager.client.patch(`${BASE}/${c.id}`, { version: 1, voteGoalOverride: null }));
    const back = (await ok(manager.client.get(`${BASE}/${c.id}`))).voteGoal;
    expect(back).toMatchObject({ source: 'forecast', manual: null });
    expect(back.goal).toBe(g.forecast.goal);
  });
});

describe('listing', () => {
  it('lists the campaigns you are on the team of (admins: all), newest first, by cursor, with filters', async () => {
    const org = await signUp(app, 'campaign-lister');
    const m = await addMember(app, org.client, 'manager');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await newCampaign(m.client, { name: `mine ${i}` })).id);
    const house = await newCampaign(m.client, { type: 'house', name: 'house' });
    const ownerOnly = await newCampaign(org.client, { name: 'not on m’s team' });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await ok(
        m.client.get(`${BASE}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
      );
      seen.push(...page.items.map((x: { id: string }) => x.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([house.id, ...[...ids].reverse()]);

    const all = await ok(org.client.get(`${BASE}?limit=200`));
    expect(all.items.map((x: { id: string }) => x.id)).toEqual([ownerOnly.id, house.id, ...[...ids].reverse()]);
    expect((await ok(m.client.get(`${BASE}?type=house`))).items.map((x: { id: string }) => x.id)).toEqual([house.id]);

    await ok(m.client.patch(`${BASE}/${ids[0]}`, { version: 1, status: 'archived' }));
    const archived = await ok(m.client.get(`${BASE}?status=archived`));
    expect(archived.items.map((x: { id: string }) => x.id)).toEqual([ids[0]]);
    expect((await m.client.get(`${BASE}?cursor=garbage`)).status).toBe(400);
  });
});

describe('updating, archiving and deleting', () => {
  it('refuses a stale version with 409 and writes nothing', async () => {
    const c = await newCampaign(manager.client);
    await ok(manager.client.patch(`${BASE}/${c.id}`, { version: 1, name: 'v2' }));
    const before = await snapshot(admin);
    const stale = await manager.client.patch(`${BASE}/${c.id}`, { version: 1, name: 'lost update' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('conflict');
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
  });

  it('checks a new jurisdiction against the reference data', async () => {
    const c = await newCampaign(manager.client);
    const r = await manager.client.patch(`${BASE}/${c.id}`, {
      version: 1,
      jurisdiction: { kind: 'counties', counties: ['42003', '00000'] },
    });
    expect(r.status).toBe(400);
    expect(fieldsOf(r)).toEqual(['body.jurisdiction.counties.1']);
  });

  it('keeps an archived campaign read-only until it is restored', async () => {
    const c = await newCampaign(manager.client);
    const archived = await ok(manager.client.patch(`${BASE}/${c.id}`, { version: 1, status: 'archived' }));
    expect(archived).toMatchObject({ status: 'archived', version: 2 });
    const before = await snapshot(admin);
    expect((await manager.client.patch(`${BASE}/${c.id}`, { version: 2, name: 'x' })).status).toBe(409);
    const line = await manager.client.post(`${BASE}/${c.id}/budget-lines`, { category: 'TV', plannedCents: 1 });
    expect(line.status).toBe(409);
    const team = await manager.client.post(`${BASE}/${c.id}/team`, { userId: staff.userId, role: 'field' });
    expect(team.status).toBe(409);
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
    const restored = await ok(manager.client.patch(`${BASE}/${c.id}`, { version: 2, status: 'active', name: 'back' }));
    expect(restored).toMatchObject({ status: 'active', name: 'back', version: 3 });
  });

  it('deletes a campaign with its budget, spend and team (admins only)', async () => {
    const c = await newCampaign(manager.client);
    const line = await ok(
      manager.client.post(`${BASE}/${c.id}/budget-lines`, { category: 'TV', plannedCents: 5 }),
      201,
    );
    await ok(
      manager.client.post(`${BASE}/${c.id}/spend`, {
        lineId: line.id,
        amountCents: 5,
        spentOn: '2028-01-03',
        vendor: 'v',
      }),
      201,
    );
    expect((await manager.client.delete(`${BASE}/${c.id}`)).status).toBe(403);
    expect((await owner.client.delete(`${BASE}/${c.id}`)).status).toBe(204);
    expect((await owner.client.get(`${BASE}/${c.id}`)).status).toBe(404);
    for (const t of ['campaign_budget_lines', 'campaign_spend_entries', 'campaign_team']) {
      const r = await admin.query(`SELECT count(*)::int AS n FROM ${t} WHERE campaign_id = $1`, [c.id]);
      expect(r.rows[0].n, t).toBe(0);
    }
  });
});

describe('budget lines and spend', () => {
  it('adds up planned, spent and remaining per line and in total, with the weekly burn', async () => {
    const c = await newCampaign(manager.client);
    const url = `${BASE}/${c.id}`;
    const tv = await ok(manager.client.post(`${url}/budget-lines`, { category: 'TV', plannedCents: 500_000 }), 201);
    const mail = await ok(manager.client.post(`${url}/budget-lines`, { category: 'Mail', plannedCents: 100_000 }), 201);
    expect(tv).toMatchObject({ category: 'TV', plannedCents: 500_000, spentCents: 0, remainingCents: 500_000 });
    const spend = (lineId: string, amountCents: number, spentOn: string) =>
      ok(manager.client.post(`${url}/spend`, { lineId, amountCents, spentOn, vendor: 'Vendor' }), 201);
    await spend(tv.id, 200_000, '2028-03-02'); // Thursday: week of Monday 02-28
    await spend(mail.id, 30_000, '2028-02-28');
    await spend(mail.id, 90_000, '2028-03-14'); // two weeks later: overspends Mail
    const b = (await ok(manager.client.get(url))).budget;
    expect(b).toMatchObject({ plannedCents: 600_000, spentCents: 320_000, remainingCents: 280_000 });
    expect(b.lines.map((l: any) => [l.category, l.spentCents, l.remainingCents])).toEqual([
      ['Mail', 120_000, -20_000],
      ['TV', 200_000, 300_000],
    ]);
    expect(b.burn).toEqual([
      { weekStart: '2028-02-28', spentCents: 230_000, cumulativeCents: 230_000 },
      { weekStart: '2028-03-06', spentCents: 0, cumulativeCents: 230_000 },
      { weekStart: '2028-03-13', spentCents: 90_000, cumulativeCents: 320_000 },
    ]);
    // Spend pages, latest first, optionally by line.
    const page = await ok(manager.client.get(`${url}/spend?limit=2`));
    expect(page.items.map((e: any) => e.spentOn)).toEqual(['2028-03-14', '2028-03-02']);
    const next = await ok(manager.client.get(`${url}/spend?limit=2&cursor=${encodeURIComponent(page.nextCursor)}`));
    expect(next.items.map((e: any) => e.spentOn)).toEqual(['2028-02-28']);
    expect(next.nextCursor).toBeNull();
    const byLine = await ok(manager.client.get(`${url}/spend?lineId=${tv.id}`));
    expect(byLine.items).toHaveLength(1);
  });

  it('changes and deletes lines and spend, with versions, unique categories and lines that keep their spend', async () => {
    const c = await newCampaign(manager.client);
    const url = `${BASE}/${c.id}`;
    const a = await ok(manager.client.post(`${url}/budget-lines`, { category: 'Digital', plannedCents: 10 }), 201);
    const b = await ok(manager.client.post(`${url}/budget-lines`, { category: 'Field', plannedCents: 10 }), 201);
    expect((await manager.client.post(`${url}/budget-lines`, { category: 'digital', plannedCents: 1 })).status).toBe(
      409,
    );
    expect(
      (await manager.client.patch(`${url}/budget-lines/${b.id}`, { version: 1, category: 'DIGITAL' })).status,
    ).toBe(409);
    const renamed = await ok(manager.client.patch(`${url}/budget-lines/${a.id}`, { version: 1, category: 'Online' }));
    expect(renamed).toMatchObject({ category: 'Online', plannedCents: 10, version: 2 });
    expect((await manager.client.patch(`${url}/budget-lines/${a.id}`, { version: 1, plannedCents: 5 })).status).toBe(
      409,
    );

    const e = await ok(
      manager.client.post(`${url}/spend`, { lineId: a.id, amountCents: 7, spentOn: '2028-05-01', vendor: 'Ads Inc' }),
      201,
    );
    const del = await manager.client.delete(`${url}/budget-lines/${a.id}`);
    expect(del.status).toBe(409);
    expect(del.body.detail).toMatch(/1 spend entry/);
    const moved = await ok(manager.client.patch(`${url}/spend/${e.id}`, { version: 1, lineId: b.id, memo: 'moved' }));
    expect(moved).toMatchObject({ lineId: b.id, memo: 'moved', amountCents: 7, vendor: 'Ads Inc', version: 2 });
    expect((await manager.client.patch(`${url}/spend/${e.id}`, { version: 1, amountCents: 9 })).status).toBe(409);
    expect((await manager.client.delete(`${url}/budget-lines/${a.id}`)).status).toBe(204);
    expect((await manager.client.delete(`${url}/spend/${e.id}`)).status).toBe(204);
    expect((await manager.client.delete(`${url}/spend/${e.id}`)).status).toBe(404);
  });

  it('books spend only to the campaign’s own lines: another campaign’s line is a 404, like a missing one', async () => {
    const c1 = await newCampaign(manager.client);
    const c2 = await newCampaign(manager.client);
    const other = await ok(
      manager.client.post(`${BASE}/${c2.id}/budget-lines`, { category: 'TV', plannedCents: 1 }),
      201,
    );
    const before = await snapshot(admin);
    for (const lineId of [other.id, '00000000-0000-4000-8000-000000000000']) {
      const r = await manager.client.post(`${BASE}/${c1.id}/spend`, {
        lineId,
        amountCents: 1,
        spentOn: '2028-01-01',
        vendor: 'v',
      });
      expect(r.status).toBe(404);
      expect((await manager.client.patch(`${BASE}/${c1.id}/budget-lines/${lineId}`, { version: 1 })).status).toBe(404);
      expect((await manager.client.delete(`${BASE}/${c1.id}/budget-lines/${lineId}`)).status).toBe(404);
    }
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
  });
});

describe('the team and per-campaign permissions', () => {
  it('adds org members with campaign roles, changes roles, removes them; only members of the org', async () => {
    const c = await newCampaign(manager.client);
    const url = `${BASE}/${c.id}/team`;
    const added = await ok(manager.client.post(url, { userId: staff.userId, role: 'field' }), 201);
    expect(added).toMatchObject({ userId: staff.userId, email: staff.email, role: 'field' });
    expect((await manager.client.post(url, { userId: staff.userId, role: 'finance' })).status).toBe(409);
    const outsider = await signUp(app, 'campaign-outsider');
    const before = await snapshot(admin);
    for (const userId of [outsider.userId, '00000000-0000-4000-8000-000000000000']) {
      const r = await manager.client.post(url, { userId, role: 'field' });
      expect(r.status).toBe(404);
      expect(r.body.detail).toBe('Member not found');
      expect((await manager.client.patch(`${url}/${userId}`, { role: 'field' })).status).toBe(404);
      expect((await manager.client.delete(`${url}/${userId}`)).status).toBe(404);
    }
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
    expect(await ok(manager.client.patch(`${url}/${staff.userId}`, { role: 'finance' }))).toMatchObject({
      role: 'finance',
    });
    expect((await manager.client.delete(`${url}/${staff.userId}`)).status).toBe(204);
    const team = (await ok(manager.client.get(`${BASE}/${c.id}`))).team;
    expect(team.map((t: { userId: string }) => t.userId)).toEqual([manager.userId]);
  });

  it('lets each campaign role do what it may, and hides the campaign from members who are not on its team', async () => {
    const c = await newCampaign(manager.client);
    const url = `${BASE}/${c.id}`;
    const line = await ok(manager.client.post(`${url}/budget-lines`, { category: 'TV', plannedCents: 10 }), 201);
    const member = async (role: 'staff' | 'viewer', campaignRole: string | null) => {
      const m = await addMember(app, owner.client, role);
      if (campaignRole) await ok(manager.client.post(`${url}/team`, { userId: m.userId, role: campaignRole }), 201);
      return m.client;
    };
    const finance = await member('staff', 'finance');
    const field = await member('staff', 'field');
    const offTeam = await member('staff', null);
    const viewerManager = await member('viewer', 'manager');

    const tries = (cl: Client) => ({
      read: () => cl.get(url),
      spend: () => cl.get(`${url}/spend`),
      update: () => cl.patch(url, { version: 999, name: 'x' }),
      budget: () => cl.patch(`${url}/budget-lines/${line.id}`, { version: 999 }),
      team: () => cl.post(`${url}/team`, { userId: staff.userId, role: 'analyst' }),
      delete: () => cl.delete(url),
    });
    // A 409 means the change was allowed and only the stale version stopped it.
    const expected: [Client, string, Record<keyof ReturnType<typeof tries>, number>][] = [
      [finance, 'finance', { read: 200, spend: 200, update: 403, budget: 409, team: 403, delete: 403 }],
      [field, 'field', { read: 200, spend: 200, update: 403, budget: 403, team: 403, delete: 403 }],
      [offTeam, 'not on the team', { read: 404, spend: 404, update: 404, budget: 404, team: 404, delete: 403 }],
      [viewerManager, 'viewer as manager', { read: 200, spend: 200, update: 403, budget: 403, team: 403, delete: 403 }],
      [manager.client, 'manager', { read: 200, spend: 200, update: 409, budget: 409, team: 201, delete: 403 }],
    ];
    for (const [cl, who, want] of expected) {
      const t = tries(cl);
      for (const [what, status] of Object.entries(want)) {
        const r = await t[what as keyof typeof t]();
        expect(r.status, `${who}: ${what}: ${r.text.slice(0, 200)}`).toBe(status);
      }
    }
    expect((await ok(finance.get(url))).permissions).toEqual({
      update: false,
      delete: false,
      team: false,
      budget: true,
    });
    const listed = await ok(offTeam.get(BASE));
    expect(listed.items.map((x: { id: string }) => x.id)).not.toContain(c.id);
  });

  it('takes people off every team when they leave the organization', async () => {
    const c = await newCampaign(manager.client);
    const m = await addMember(app, owner.client, 'staff');
    await ok(manager.client.post(`${BASE}/${c.id}/team`, { userId: m.userId, role: 'analyst' }), 201);
    expect((await owner.client.delete(`/api/v1/members/${m.userId}`)).status).toBe(204);
    const team = (await ok(manager.client.get(`${BASE}/${c.id}`))).team;
    expect(team.map((t: { userId: string }) => t.userId)).not.toContain(m.userId);
  });

  it('limits a token to its scopes on every campaign', async () => {
    const c = await newCampaign(manager.client);
    const tok = await ok(manager.client.post('/api/v1/tokens', { name: 'read only', scopes: ['campaign.read'] }), 201);
    const script = new Client(app.url);
    script.token = tok.secret;
    const d = await ok(script.get(`${BASE}/${c.id}`));
    expect(d.permissions).toEqual({ update: false, delete: false, team: false, budget: false });
    expect((await script.patch(`${BASE}/${c.id}`, { version: 1, name: 'x' })).status).toBe(403);
  });
});

describe('other organizations', () => {
  it('answers 404 for another org’s campaign (and its lines, spend and team) everywhere, changing nothing', async () => {
    const other = await signUp(app, 'campaign-other');
    const theirs = await newCampaign(other.client);
    const line = await ok(
      other.client.post(`${BASE}/${theirs.id}/budget-lines`, { category: 'TV', plannedCents: 1 }),
      201,
    );
    const entry = await ok(
      other.client.post(`${BASE}/${theirs.id}/spend`, {
        lineId: line.id,
        amountCents: 1,
        spentOn: '2028-01-01',
        vendor: 'v',
      }),
      201,
    );
    const mine = await newCampaign(owner.client);
    const before = await snapshot(admin);
    const url = `${BASE}/${theirs.id}`;
    const attempts = [
      owner.client.get(url),
      owner.client.patch(url, { version: 1, name: 'x' }),
      owner.client.delete(url),
      owner.client.get(`${url}/spend`),
      owner.client.post(`${url}/budget-lines`, { category: 'x', plannedCents: 1 }),
      owner.client.patch(`${url}/budget-lines/${line.id}`, { version: 1 }),
      owner.client.delete(`${url}/spend/${entry.id}`),
      owner.client.post(`${url}/team`, { userId: owner.userId, role: 'field' }),
      owner.client.delete(`${url}/team/${other.userId}`),
      // Their line through my campaign, and their member onto my team.
      owner.client.post(`${BASE}/${mine.id}/spend`, {
        lineId: line.id,
        amountCents: 1,
        spentOn: '2028-01-01',
        vendor: 'v',
      }),
      owner.client.post(`${BASE}/${mine.id}/team`, { userId: other.userId, role: 'field' }),
    ];
    for (const r of await Promise.all(attempts)) {
      expect(r.status, r.text).toBe(404);
      expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    }
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
  });
});

describe('audit and outbox', () => {
  it('records every change as an audit entry and a campaigns.* event', async () => {
    const c = await newCampaign(manager.client, { name: 'audited' });
    const url = `${BASE}/${c.id}`;
    await ok(manager.client.patch(url, { version: 1, winMargin: 0.02 }));
    const line = await ok(manager.client.post(`${url}/budget-lines`, { category: 'TV', plannedCents: 3 }), 201);
    const e = await ok(
      manager.client.post(`${url}/spend`, { lineId: line.id, amountCents: 1, spentOn: '2028-01-01', vendor: 'v' }),
      201,
    );
    await ok(manager.client.post(`${url}/team`, { userId: staff.userId, role: 'field' }), 201);
    await ok(owner.client.patch(`${url}`, { version: 2, status: 'archived' }));
    await ok(owner.client.delete(url), 204);
    const audit = await admin.query(
      `SELECT action, target_type, target_id FROM audit_log WHERE target_id = ANY($1::text[]) ORDER BY seq`,
      [[c.id, line.id, e.id]],
    );
    expect(audit.rows.map((r) => `${r.action} ${r.target_type}`)).toEqual([
      'campaign.created campaign',
      'campaign.member_added campaign',
      'campaign.updated campaign',
      'budget_line.created budget_line',
      'spend.recorded spend_entry',
      'campaign.member_added campaign',
      'campaign.archived campaign',
      'campaign.deleted campaign',
    ]);
    const events = await admin.query(
      `SELECT type, payload FROM outbox WHERE aggregate_id = ANY($1::text[]) ORDER BY position`,
      [[c.id, line.id, e.id]],
    );
    expect(events.rows.map((r) => r.type)).toEqual(audit.rows.map((r) => `campaigns.${r.action}`));
    expect(events.rows[2].payload.after).toMatchObject({ id: c.id, winMargin: 0.02, version: 2 });
    expect(events.rows[5].payload.after).toEqual({ campaignId: c.id, userId: staff.userId, role: 'field' });
  });
});

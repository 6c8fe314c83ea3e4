/**
 * /api/v1/forecasts: county, turnout and state forecasts from the engine (shapes, determinism, validation naming
 * fields), and saved scenarios (roles, tenant isolation, optimistic concurrency, audit + outbox, compare writes
 * nothing).
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, signUp, startTestApp, type TestApp } from '../../../test/helpers.js';
import { connect, diffSnapshots, snapshot } from './support/db.js';
import { addMember } from './support/features.js';

let app: TestApp;
let admin: pg.Client;
let owner: Awaited<ReturnType<typeof signUp>>;
let viewer: Client;
let staff: Client;

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
  owner = await signUp(app, 'forecast-owner');
  viewer = (await addMember(app, owner.client, 'viewer')).client;
  staff = (await addMember(app, owner.client, 'staff')).client;
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

const fieldsOf = (r: { body: any }) => ((r.body?.errors ?? []) as { field: string }[]).map((e) => e.field);
const COUNTY_INPUTS = { nationalDemTwoParty: 0.52 };
const newScenario = (client: Client, over: Record<string, unknown> = {}) =>
  client.post('/api/v1/forecasts/scenarios', {
    name: 'Base case',
    cycle: 2020,
    kind: 'counties',
    inputs: COUNTY_INPUTS,
    ...over,
  });

describe('GET /api/v1/forecasts/counties', () => {
  it('forecasts every county with intervals, totals and Shapley factors; a viewer may read it', async () => {
    const r = await viewer.get('/api/v1/forecasts/counties?cycle=2020&nationalDemTwoParty=0.52');
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(r.body.cycle).toBe(2020);
    expect(r.body.state).toBeNull();
    expect(r.body.model.lastCycle).toBe(2016);
    expect(r.body.nationalTurnoutGiven).toBe(false);
    expect(r.body.counties.length).toBeGreaterThan(3000);
    for (const c of r.body.counties.slice(0, 200)) {
      expect(c.fips).toMatch(/^\d{5}$/);
      expect(c.lo95).toBeLessThanOrEqual(c.lo80);
      expect(c.lo80).toBeLessThanOrEqual(c.demTwoParty);
      expect(c.demTwoParty).toBeLessThanOrEqual(c.hi80);
      expect(c.hi80).toBeLessThanOrEqual(c.hi95);
      expect(c.totalVotesLo80).toBeLessThanOrEqual(c.totalVotes);
      expect(c.totalVotes).toBeLessThanOrEqual(c.totalVotesHi80);
      expect(c.factors.length).toBeGreaterThan(0);
      expect(c.factors.length).toBeLessThanOrEqual(3);
      for (const f of c.factors) expect(Object.keys(f).sort()).toEqual(['contribution', 'name', 'value']);
    }
  });

  it('is deterministic, filters one state, and follows the national share', async () => {
    const q = '/api/v1/forecasts/counties?cycle=2020&nationalDemTwoParty=0.52&state=PA&nationalTurnoutVep=0.65';
    const [a, b] = [await owner.client.get(q), await owner.client.get(q)];
    expect(a.status).toBe(200);
    expect(a.body).toEqual(b.body);
    expect(a.body.state).toBe('PA');
    expect(a.body.nationalTurnoutGiven).toBe(true);
    expect(a.body.nationalTurnoutVep).toBeCloseTo(0.65, 3);
    expect(a.body.counties.length).toBe(67);
    expect(new Set(a.body.counties.map((c: { state: string }) => c.state))).toEqual(new Set(['PA']));
    const lower = await owner.client.get(q.replace('0.52', '0.45'));
    const phila = (r: typeof a) => r.body.counties.find((c: { fips: string }) => c.fips === '42101').demTwoParty;
    expect(phila(lower)).toBeLessThan(phila(a));
  });

  it('has no totals before turnout data allows them', async () => {
    const r = await owner.client.get(
      '/api/v1/forecasts/counties?cycle=1960&nationalDemTwoParty=0.5&state=DE&topFactors=1',
    );
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(r.body.nationalTurnoutVep).toBeNull();
    expect(r.body.counties[0].totalVotes).toBeNull();
    expect(r.body.counties[0].factors).toHaveLength(1);
    const t = await owner.client.get(
      '/api/v1/forecasts/counties?cycle=1960&nationalDemTwoParty=0.5&nationalTurnoutVep=0.6',
    );
    expect(t.status).toBe(400);
    expect(fieldsOf(t)).toEqual(['query.nationalTurnoutVep']);
  });

  it.each([
    ['cycle=2021&nationalDemTwoParty=0.5', 'query.cycle'],
    ['cycle=1872&nationalDemTwoParty=0.5', 'query.cycle'],
    ['nationalDemTwoParty=0.5', 'query.cycle'],
    ['cycle=2020&nationalDemTwoParty=0.9', 'query.nationalDemTwoParty'],
    ['cycle=2020&nationalDemTwoParty=0.1', 'query.nationalDemTwoParty'],
    ['cycle=2020', 'query.nationalDemTwoParty'],
    ['cycle=2020&nationalDemTwoParty=0.5&nationalTurnoutVep=0.95', 'query.nationalTurnoutVep'],
    ['cycle=2020&nationalDemTwoParty=0.5&nationalTurnoutVep=0.2', 'query.nationalTurnoutVep'],
    ['cycle=2020&nationalDemTwoParty=0.5&state=XX', 'query.state'],
  ])('refuses %s naming %s', async (q, field) => {
    const r = await owner.client.get(`/api/v1/forecasts/counties?${q}`);
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('validation_failed');
    expect(fieldsOf(r)).toEqual([field]);
  });
});

describe('GET /api/v1/forecasts/turnout', () => {
  it('forecasts each state’s VEP turnout with intervals and factors, or takes the national rate as given', async () => {
    const r = await viewer.get('/api/v1/forecasts/turnout?cycle=2020');
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(r.body.states).toHaveLength(51);
    expect(r.body.national.given).toBe(false);
    expect(r.body.national.lo80).toBeLessThan(r.body.national.hi80);
    for (const s of r.body.states) {
      expect(s.lo95).toBeLessThanOrEqual(s.lo80);
      expect(s.lo80).toBeLessThanOrEqual(s.vepTurnout);
      expect(s.vepTurnout).toBeLessThanOrEqual(s.hi80);
      expect(s.votes).toBeGreaterThan(0);
      expect(s.factors.length).toBeGreaterThan(0);
    }
    const given = await viewer.get('/api/v1/forecasts/turnout?cycle=2020&nationalTurnoutVep=0.7');
    expect(given.body.national).toMatchObject({ vepTurnout: 0.7, given: true });
  });

  it('refuses cycles without two earlier cycles of turnout data, naming the cycle', async () => {
    const r = await owner.client.get('/api/v1/forecasts/turnout?cycle=1984');
    expect(r.status).toBe(400);
    expect(fieldsOf(r)).toEqual(['query.cycle']);
  });
});

describe('GET /api/v1/forecasts/states', () => {
  it('forecasts from the shipped polls: states, national, EV distribution, tipping points, paths', async () => {
    const r = await viewer.get('/api/v1/forecasts/states?cycle=2012');
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    const b = r.body;
    expect(b.asOf).toBe('2012-11-05');
    expect(b.pollsUsed).toBeGreaterThan(100);
    expect(b.states).toHaveLength(51);
    expect(b.states.reduce((a: number, s: { electoralVotes: number }) => a + s.electoralVotes, 0)).toBe(538);
    expect(b.national.pDemWin).toBeGreaterThan(0.5);
    expect(b.national.demEvLo80).toBeLessThanOrEqual(b.national.demEvMean);
    expect(b.national.demEvMean).toBeLessThanOrEqual(b.national.demEvHi80);
    const total = b.evDistribution.reduce((a: number, x: { probability: number }) => a + x.probability, 0);
    expect(total).toBeCloseTo(1, 2);
    expect(b.tippingPoints.length).toBeGreaterThan(0);
    expect(b.pathsToVictory.paths.length).toBeGreaterThan(0);
    for (const p of b.pathsToVictory.paths) {
      expect(p.electoralVotes).toBeGreaterThanOrEqual(270);
      expect(p.probability).toBeGreaterThanOrEqual(0);
      expect(p.probability).toBeLessThanOrEqual(1);
      for (const s of p.states) expect(b.pathsToVictory.battleground).toContain(s);
    }
    const oh = b.states.find((s: { state: string }) => s.state === 'OH');
    expect(oh.factors.map((f: { name: string }) => f.name)).toContain('national environment');
    // Deterministic: the same request gives the same numbers.
    expect((await owner.client.get('/api/v1/forecasts/states?cycle=2012')).body).toEqual(b);
  });

  it('uses only polls up to asOf', async () => {
    const early = await owner.client.get('/api/v1/forecasts/states?cycle=2016&asOf=2016-07-01');
    const late = await owner.client.get('/api/v1/forecasts/states?cycle=2016');
    expect(early.status, early.text.slice(0, 300)).toBe(200);
    expect(early.body.pollsUsed).toBeLessThan(late.body.pollsUsed);
  });

  it('answers 404 for cycles without shipped polls, and 400 for a bad asOf', async () => {
    const r = await owner.client.get('/api/v1/forecasts/states?cycle=2020');
    expect(r.status).toBe(404);
    expect(r.body.detail).toMatch(/no polls are shipped for 2020.*2008, 2012, 2016/);
    const late = await owner.client.get('/api/v1/forecasts/states?cycle=2012&asOf=2013-01-01');
    expect(late.status).toBe(400);
    expect(fieldsOf(late)).toEqual(['query.asOf']);
    const bad = await owner.client.get('/api/v1/forecasts/states?cycle=2012&asOf=yesterday');
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual(['query.asOf']);
  });
});

describe('saved scenarios', () => {
  it('creates, reads, lists (with a cursor), updates and deletes, staff included', async () => {
    const created = await newScenario(staff, { description: 'a note' });
    expect(created.status, created.text).toBe(201);
    const s = created.body;
    expect(s).toMatchObject({ name: 'Base case', description: 'a note', cycle: 2020, kind: 'counties', version: 1 });
    expect(s.inputs).toEqual(COUNTY_INPUTS);
    expect((await viewer.get(`/api/v1/forecasts/scenarios/${s.id}`)).body).toEqual(s);

    const more = [];
    for (let i = 0; i < 3; i++) more.push((await newScenario(owner.client, { name: `page ${i}` })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await viewer.get(
        `/api/v1/forecasts/scenarios?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      seen.push(...page.body.items.map((x) => x.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.slice(0, 4)).toEqual([...more].reverse().concat(s.id));
    expect(new Set(seen).size).toBe(seen.length);
    const bad = await viewer.get('/api/v1/forecasts/scenarios?cursor=garbage');
    expect(bad.status).toBe(400);
    expect(fieldsOf(bad)).toEqual(['query.cursor']);

    const upd = await staff.patch(`/api/v1/forecasts/scenarios/${s.id}`, {
      version: 1,
      name: 'Swing in the Rust Belt',
      inputs: { nationalDemTwoParty: 0.51, stateShifts: { PA: 0.01, MI: 0.01 }, turnout: { intensity: 1 } },
    });
    expect(upd.status, upd.text).toBe(200);
    expect(upd.body).toMatchObject({ name: 'Swing in the Rust Belt', description: 'a note', version: 2 });

    expect((await staff.delete(`/api/v1/forecasts/scenarios/${s.id}`)).status).toBe(204);
    expect((await viewer.get(`/api/v1/forecasts/scenarios/${s.id}`)).status).toBe(404);
    expect((await staff.delete(`/api/v1/forecasts/scenarios/${s.id}`)).status).toBe(404);
  });

  it('refuses a stale version with 409 and writes nothing', async () => {
    const s = (await newScenario(owner.client)).body;
    expect((await owner.client.patch(`/api/v1/forecasts/scenarios/${s.id}`, { version: 1, name: 'v2' })).status).toBe(
      200,
    );
    const before = await snapshot(admin);
    const stale = await staff.patch(`/api/v1/forecasts/scenarios/${s.id}`, { version: 1, name: 'lost update' });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('conflict');
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
    expect((await owner.client.get(`/api/v1/forecasts/scenarios/${s.id}`)).body).toMatchObject({
      name: 'v2',
      version: 2,
    });
  });

  it('lets a viewer read and compare but not write (403, nothing written)', async () => {
    const s = (await newScenario(owner.client)).body;
    const before = await snapshot(admin);
    expect((await newScenario(viewer)).status).toBe(403);
    expect((await viewer.patch(`/api/v1/forecasts/scenarios/${s.id}`, { version: 1, name: 'x' })).status).toBe(403);
    expect((await viewer.delete(`/api/v1/forecasts/scenarios/${s.id}`)).status).toBe(403);
    const cmp = await viewer.post('/api/v1/forecasts/scenarios/compare', { ids: [s.id] });
    expect(cmp.status, cmp.text).toBe(200);
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
  });

  it.each([
    [{ inputs: {} }, 'body.inputs.nationalDemTwoParty'],
    [{ inputs: { nationalDemTwoParty: 0.95 } }, 'body.inputs.nationalDemTwoParty'],
    [{ inputs: { ...COUNTY_INPUTS, nationalTurnoutVep: 0.1 } }, 'body.inputs.nationalTurnoutVep'],
    [{ inputs: { ...COUNTY_INPUTS, stateShifts: { ZZ: 0.01 } } }, 'body.inputs.stateShifts.ZZ'],
    [{ inputs: { ...COUNTY_INPUTS, stateShifts: { PA: 0.5 } } }, 'body.inputs.stateShifts.PA'],
    [{ inputs: { ...COUNTY_INPUTS, regionShifts: { Midwest: 0.01 } } }, 'body.inputs.regionShifts.Midwest'],
    [{ inputs: { ...COUNTY_INPUTS, nationalShift: 0.01 } }, 'body.inputs.nationalShift'],
    [{ inputs: { ...COUNTY_INPUTS, turnout: { intensity: 9 } } }, 'body.inputs.turnout.intensity'],
    [
      { inputs: { ...COUNTY_INPUTS, turnout: { conditions: { Nowhere: 1 } } } },
      'body.inputs.turnout.conditions.Nowhere',
    ],
    [{ cycle: 2022 }, 'body.cycle'],
    [{ cycle: 1984, inputs: { ...COUNTY_INPUTS, nationalTurnoutVep: 0.6 } }, 'body.inputs.nationalTurnoutVep'],
    [{ kind: 'states', cycle: 2020, inputs: {} }, 'body.cycle'],
    [{ kind: 'states', cycle: 2016, inputs: COUNTY_INPUTS }, 'body.inputs.nationalDemTwoParty'],
    [{ kind: 'states', cycle: 2016, inputs: { asOf: '2017-01-01' } }, 'body.inputs.asOf'],
    [
      { kind: 'states', cycle: 2016, inputs: { regionShifts: { Atlantis: 0.01 } } },
      'body.inputs.regionShifts.Atlantis',
    ],
    [{ name: '' }, 'body.name'],
    [{ kind: 'towns' }, 'body.kind'],
  ])('refuses %j naming %s', async (over, field) => {
    const r = await newScenario(owner.client, over);
    expect(r.status, r.text).toBe(400);
    expect(r.body.code).toBe('validation_failed');
    expect(fieldsOf(r)).toEqual([field]);
  });

  it('checks a PATCH against the merged scenario', async () => {
    const s = (await newScenario(owner.client)).body;
    const r = await owner.client.patch(`/api/v1/forecasts/scenarios/${s.id}`, { version: 1, kind: 'states' });
    expect(r.status).toBe(400);
    expect(fieldsOf(r).sort()).toEqual(['body.cycle', 'body.inputs.nationalDemTwoParty']);
  });

  it('records every change: audit entries and outbox events in the org', async () => {
    const s = (await newScenario(staff, { name: 'audited' })).body;
    await staff.patch(`/api/v1/forecasts/scenarios/${s.id}`, { version: 1, description: 'changed' });
    await staff.delete(`/api/v1/forecasts/scenarios/${s.id}`);
    const audit = await admin.query(
      `SELECT action, target_type, org_id FROM audit_log WHERE target_id = $1 ORDER BY seq`,
      [s.id],
    );
    expect(audit.rows).toEqual(
      ['scenario.created', 'scenario.updated', 'scenario.deleted'].map((action) => ({
        action,
        target_type: 'scenario',
        org_id: owner.orgId,
      })),
    );
    const events = await admin.query(`SELECT type, payload FROM outbox WHERE aggregate_id = $1 ORDER BY position`, [
      s.id,
    ]);
    expect(events.rows.map((e) => e.type)).toEqual([
      'intelligence.scenario.created',
      'intelligence.scenario.updated',
      'intelligence.scenario.deleted',
    ]);
    expect(events.rows[1].payload.after).toMatchObject({ id: s.id, name: 'audited', version: 2 });
  });

  it('compares county and state scenarios side by side, deterministically, writing nothing', async () => {
    const base = (await newScenario(owner.client, { name: 'county base' })).body;
    const swing = (
      await newScenario(owner.client, {
        name: 'county swing',
        inputs: { ...COUNTY_INPUTS, stateShifts: { PA: 0.03 }, regionShifts: { 'THE MIDLANDS': 0.01 } },
      })
    ).body;
    expect(swing.id).toBeDefined();
    const states0 = await newScenario(owner.client, { name: 'states 2016', kind: 'states', cycle: 2016, inputs: {} });
    expect(states0.status, states0.text).toBe(201);
    const states1 = (
      await newScenario(owner.client, {
        name: 'states 2016, +2 in the Midwest',
        kind: 'states',
        cycle: 2016,
        inputs: { regionShifts: { Midwest: 0.02 }, asOf: '2016-11-01' },
      })
    ).body;
    const ids = [base.id, swing.id, states0.body.id, states1.id];
    const before = await snapshot(admin);
    const r = await viewer.post('/api/v1/forecasts/scenarios/compare', { ids });
    expect(r.status, r.text.slice(0, 300)).toBe(200);
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
    const [a, b, c, d] = r.body.results;
    expect(r.body.results.map((x: { scenario: { id: string } }) => x.scenario.id)).toEqual(ids);
    expect(a.demTwoParty).toBeCloseTo(0.52, 2);
    expect(a.pDemWin).toBeNull();
    expect(a.countiesDemMajority).toBeGreaterThan(0);
    const pa = (x: typeof a) => x.states.find((s: { state: string }) => s.state === 'PA').demTwoParty;
    expect(pa(b)).toBeGreaterThan(pa(a));
    expect(c.pDemWin).toBeGreaterThan(0);
    expect(c.countiesDemMajority).toBeNull();
    expect(d.pDemWin).toBeGreaterThan(c.pDemWin);
    const wi = (x: typeof a) => x.states.find((s: { state: string }) => s.state === 'WI').demTwoParty;
    expect(wi(d) - wi(c)).toBeGreaterThan(0.015);
    expect((await viewer.post('/api/v1/forecasts/scenarios/compare', { ids })).body).toEqual(r.body);
  });

  it('answers 404 for another org’s or a missing scenario, everywhere', async () => {
    const mine = (await newScenario(owner.client)).body;
    const other = await signUp(app, 'forecast-other');
    const theirs = (await newScenario(other.client)).body;
    const before = await snapshot(admin);
    for (const id of [theirs.id, '00000000-0000-4000-8000-000000000000']) {
      expect((await owner.client.get(`/api/v1/forecasts/scenarios/${id}`)).status).toBe(404);
      expect((await owner.client.patch(`/api/v1/forecasts/scenarios/${id}`, { version: 1, name: 'x' })).status).toBe(
        404,
      );
      expect((await owner.client.delete(`/api/v1/forecasts/scenarios/${id}`)).status).toBe(404);
      const cmp = await owner.client.post('/api/v1/forecasts/scenarios/compare', { ids: [mine.id, id] });
      expect(cmp.status).toBe(404);
    }
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
    const list = await owner.client.get('/api/v1/forecasts/scenarios?limit=200');
    expect(list.body.items.map((x: { id: string }) => x.id)).not.toContain(theirs.id);
  });
});

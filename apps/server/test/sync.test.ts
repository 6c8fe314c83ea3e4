/**
 * The sync protocol over HTTP on the embedded database: push applies each mutation once and in order through the
 * domain functions (audit and outbox included), refusals are recorded and reported while later mutations continue;
 * pull pages a full copy, then exactly the changes since its cursor — also those of a transaction that was still in
 * flight when the cursor was taken — limited to what the member may read.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncPullResult } from '@akashic/contracts';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { purgeSyncChanges } from '../src/platform/maintenance/worker.js';
import { CAMPAIGN, created } from './support/campaigns.js';
import { addMember } from './support/cli.js';
import { connect } from './support/db.js';
import { eventBody, fieldOf } from './support/field.js';
import { importCsv } from './support/voters.js';
import { BULK_VOTER_ROWS, bulkVoterWrite } from '../src/modules/campaigns/sync/bulk.js';
import { messageWithHistory } from './support/messages.js';
import { as, expectProblem, signInActor, signUpActor, type Actor } from './support/http.js';

let app: TestApp;
let admin: pg.Client;
let owner: Actor;

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
  owner = await signUpActor(app.url, 'sync-owner');
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

const base = (c: string) => `/api/v1/campaigns/${c}`;

interface Client {
  group: string;
  id: string;
  next: number;
}
const newClient = (): Client => ({ group: randomUUID(), id: randomUUID(), next: 1 });

const mutation = (c: Client, name: string, args: unknown, id = c.next++) => ({
  id,
  name,
  args,
  clientTime: new Date().toISOString(),
});

const canvass = (campaignId: string, voterId: string, extra: Record<string, unknown> = {}) => ({
  campaignId,
  result: { clientId: randomUUID(), voterId, outcome: 'not_home', recordedAt: new Date().toISOString(), ...extra },
});

const pushAs = (actor: Actor, c: Client, mutations: unknown[]) =>
  as(actor, 'POST', '/api/v1/sync/push', { json: { clientGroupId: c.group, clientId: c.id, mutations } });

/** Every page of a pull from `cursor`: the merged changes and the last cursor. */
async function pullAll(actor: Actor, c: Client, campaignId: string, cursor: string | null, limit = 1000) {
  const pages: SyncPullResult[] = [];
  for (;;) {
    const r = await as(actor, 'POST', '/api/v1/sync/pull', {
      json: { clientGroupId: c.group, campaignId, cursor, limit },
    });
    expect(r.status, r.text).toBe(200);
    pages.push(r.body);
    cursor = r.body.cursor;
    if (!r.body.more) break;
  }
  const last = pages[pages.length - 1]!;
  const key = (x: { entity: string; id: string }) => `${x.entity}:${x.id}`;
  return {
    pages,
    cursor: last.cursor,
    puts: new Map(pages.flatMap((p) => p.puts.map((x) => [key(x), x.value] as const))),
    deletes: new Set(pages.flatMap((p) => p.deletes.map(key))),
    lastMutationIds: last.lastMutationIds,
    rejected: last.rejected,
  };
}

async function fieldCampaign() {
  const campaignId = await created(owner, '/api/v1/campaigns', CAMPAIGN);
  const field = await fieldOf(owner, campaignId, `S${randomUUID().slice(0, 6)}`);
  return { campaignId, ...field };
}

describe('push', () => {
  it('applies mutations once and in order, records refusals and continues after them', async () => {
    const f = await fieldCampaign();
    const c = newClient();
    const good = canvass(f.campaignId, f.voterIds[1]!);
    const m1 = mutation(c, 'canvass.record', good);
    const m2 = mutation(c, 'canvass.record', canvass(f.campaignId, randomUUID())); // no such voter
    const m3 = mutation(c, 'event.checkIn', { campaignId: f.campaignId, eventId: f.eventId, rsvpId: f.rsvpId });
    const m4 = mutation(c, 'no.such.mutator', {});
    const m5 = mutation(c, 'event.checkIn', { campaignId: f.campaignId, eventId: f.eventId });
    const r = await pushAs(owner, c, [m1, m2, m3, m4, m5]);
    expect(r.status, r.text).toBe(200);
    expect(r.body.lastMutationId).toBe(5);
    expect(r.body.results.map((x: { status: string }) => x.status)).toEqual([
      'applied',
      'rejected',
      'applied',
      'rejected',
      'rejected',
    ]);
    expect(r.body.results[1].problem).toMatchObject({ code: 'validation_failed', status: 400 });
    expect(r.body.results[1].problem.errors).toEqual([
      { field: 'args.result.voterId', message: 'no such voter in this campaign' },
    ]);
    expect(r.body.results[3].problem.errors).toEqual([{ field: 'name', message: 'is not a known mutator' }]);
    expect(r.body.results[4].problem.errors).toEqual([{ field: 'args.rsvpId', message: expect.any(String) }]);

    // The same push again (its answer was lost): nothing is applied twice.
    const again = await pushAs(owner, c, [m1, m2, m3, m4, m5]);
    expect(again.body.results.map((x: { status: string }) => x.status)).toEqual(Array(5).fill('duplicate'));
    const rows = await admin.query('SELECT count(*)::int AS n FROM canvass_results WHERE client_id = $1', [
      good.result.clientId,
    ]);
    expect(rows.rows[0].n).toBe(1);
    // Audit and outbox as the REST routes write them.
    const events = await admin.query(
      `SELECT type FROM outbox WHERE org_id = $1 AND type IN ('campaigns.canvass_result.recorded', 'campaigns.rsvp.checked_in')
         AND (payload->'after'->>'clientId' = $2 OR payload->'after'->>'id' = $3)`,
      [owner.orgId, good.result.clientId, f.rsvpId],
    );
    expect(events.rows.map((x) => x.type).sort()).toEqual([
      'campaigns.canvass_result.recorded',
      'campaigns.rsvp.checked_in',
    ]);
    // A gap is not applied.
    const gap = await pushAs(owner, c, [mutation(c, 'canvass.record', canvass(f.campaignId, f.voterIds[2]!), 7)]);
    expect(gap.body).toEqual({ lastMutationId: 5, results: [{ id: 7, status: 'out_of_order' }] });

    // The refusals come back in a pull, with the client's last mutation id.
    const p = await pullAll(owner, c, f.campaignId, null);
    expect(p.lastMutationIds).toEqual({ [c.id]: 5 });
    expect(p.rejected.map((x) => [x.mutationId, x.name, x.problem.code])).toEqual([
      [2, 'canvass.record', 'validation_failed'],
      [4, 'no.such.mutator', 'validation_failed'],
      [5, 'event.checkIn', 'validation_failed'],
    ]);
    expect(p.puts.get(`canvass_result:${good.result.clientId}`)).toMatchObject({ voterId: f.voterIds[1] });
    expect(p.puts.get(`rsvp:${f.rsvpId}`)).toMatchObject({ checkedInAt: expect.any(String) });
  });

  it('checks a walk-in in on a free seat once, and refuses one when the event is full', async () => {
    const campaignId = await created(owner, '/api/v1/campaigns', CAMPAIGN);
    const eventId = await created(owner, `${base(campaignId)}/events`, eventBody(60, { capacity: 1 }));
    const c = newClient();
    const walkIn = (name: string) => ({ campaignId, eventId, walkIn: { name, email: `${randomUUID()}@example.test` } });
    const m1 = mutation(c, 'event.walkIn', walkIn('Wally Walker'));
    const m2 = mutation(c, 'event.walkIn', walkIn('Late Larry'));
    const r = await pushAs(owner, c, [m1, m2]);
    expect(r.status, r.text).toBe(200);
    expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(['applied', 'rejected']);
    expect(r.body.results[1].problem).toMatchObject({ code: 'conflict', detail: expect.stringMatching(/full/) });
    expect((await pushAs(owner, c, [m1, m2])).body.results.map((x: { status: string }) => x.status)).toEqual([
      'duplicate',
      'duplicate',
    ]);
    const list = await as(owner, 'GET', `${base(campaignId)}/events/${eventId}/rsvps`);
    expect(list.body.items).toEqual([
      expect.objectContaining({
        name: 'Wally Walker',
        walkIn: true,
        seat: 'confirmed',
        checkedInAt: expect.any(String),
      }),
    ]);
  });

  it('refuses a malformed envelope with 400 naming the field, and another member’s client id with 409', async () => {
    const c = newClient();
    const bad = await as(owner, 'POST', '/api/v1/sync/push', {
      json: { clientGroupId: c.group, clientId: c.id, mutations: [mutation(c, 'x', {}), mutation(c, 'x', {}, 9)] },
    });
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.errors).toEqual([{ field: 'body.mutations.1.id', message: 'must follow the previous id by one' }]);

    const f = await fieldCampaign();
    expect(
      (await pushAs(owner, c, [mutation(c, 'canvass.record', canvass(f.campaignId, f.voterIds[0]!))])).status,
    ).toBe(200);
    const { email, password } = await addMember(app.db.adminUrl, owner.orgId, 'staff', 'sync-thief');
    const thief = await signInActor(app.url, email, password, owner.orgId);
    const stolen = await pushAs(thief, c, [mutation(c, 'canvass.record', canvass(f.campaignId, f.voterIds[0]!))]);
    expectProblem(stolen, 409, 'conflict');
  });
});

describe('pull', () => {
  it('pages a full copy, then returns exactly what changed since the cursor', async () => {
    const f = await fieldCampaign();
    await messageWithHistory(owner, f.campaignId);
    const c = newClient();
    const full = await pullAll(owner, c, f.campaignId, null);
    const paged = await pullAll(owner, c, f.campaignId, null, 2);
    expect(paged.pages.length).toBeGreaterThan(5);
    expect(paged.pages[0]!.reset).toBe(true);
    expect(paged.pages.slice(1).every((p) => !p.reset)).toBe(true);
    expect(new Map([...paged.puts].sort())).toEqual(new Map([...full.puts].sort()));
    const kinds = new Set([...full.puts.keys()].map((k) => k.split(':')[0]));
    expect(kinds).toEqual(new Set(['turf', 'event', 'rsvp', 'voter', 'canvass_result', 'message']));
    expect([...full.puts.keys()].filter((k) => k.startsWith('voter:'))).toHaveLength(f.voterIds.length);

    // Nothing changed: nothing comes.
    const none = await pullAll(owner, c, f.campaignId, full.cursor);
    expect(none.puts.size + none.deletes.size).toBe(0);

    // A change through the REST API and a deletion.
    const patched = await as(owner, 'PATCH', `${base(f.campaignId)}/events/${f.eventId}`, {
      json: { title: 'Renamed launch', version: 1 },
    });
    expect(patched.status, patched.text).toBe(200);
    const del = await as(owner, 'DELETE', `${base(f.campaignId)}/events/${f.eventId}/rsvps/${f.rsvpId}`);
    expect(del.status, del.text).toBe(204);
    const changes = await pullAll(owner, c, f.campaignId, none.cursor);
    expect(changes.puts.get(`event:${f.eventId}`)).toMatchObject({ title: 'Renamed launch' });
    expect([...changes.deletes]).toEqual([`rsvp:${f.rsvpId}`]);
    expect([...changes.puts.keys()]).toEqual([`event:${f.eventId}`]);

    // The same changes in pages of one: each page's cursor (carrying the last change sent) is taken back.
    const onePerPage = await pullAll(owner, c, f.campaignId, none.cursor, 1);
    expect(onePerPage.pages.length).toBeGreaterThan(1);
    expect(onePerPage.puts.get(`event:${f.eventId}`)).toMatchObject({ title: 'Renamed launch' });
    expect([...onePerPage.deletes]).toEqual([`rsvp:${f.rsvpId}`]);
  });

  it('never skips a change whose transaction was in flight when the cursor was taken', async () => {
    const f = await fieldCampaign();
    const c = newClient();
    const start = await pullAll(owner, c, f.campaignId, null);
    // T1 writes first (draws its transaction id first) but commits last; T2 writes and commits in between.
    const t1 = await connect(app.db.adminUrl);
    try {
      await t1.query('BEGIN');
      await t1.query(`UPDATE field_events SET title = 'written by T1' WHERE id = $1`, [f.eventId]);
      await t1.query('SELECT pg_current_xact_id()');
      const clientId = randomUUID();
      const r = await as(owner, 'POST', `${base(f.campaignId)}/canvass-results`, {
        json: { clientId, voterId: f.voterIds[3], outcome: 'refused', recordedAt: new Date().toISOString() },
      });
      expect(r.status, r.text).toBe(201);
      const mid = await pullAll(owner, c, f.campaignId, start.cursor);
      expect([...mid.puts.keys()].sort()).toEqual([`canvass_result:${clientId}`, `voter:${f.voterIds[3]}`].sort());
      await t1.query('COMMIT');
      const after = await pullAll(owner, c, f.campaignId, mid.cursor);
      expect([...after.puts.keys()]).toEqual([`event:${f.eventId}`]);
      expect(after.puts.get(`event:${f.eventId}`)).toMatchObject({ title: 'written by T1' });
    } finally {
      await t1.end();
    }
  });

  it('gives a canvasser the voters of their own turfs only, and resets when the assignment changes', async () => {
    const f = await fieldCampaign();
    const { email, password, userId } = await addMember(app.db.adminUrl, owner.orgId, 'staff', 'sync-canvasser');
    const team = await as(owner, 'POST', `${base(f.campaignId)}/team`, { json: { userId, role: 'volunteer' } });
    expect(team.status, team.text).toBe(201);
    const canvasser = await signInActor(app.url, email, password, owner.orgId);
    const c = newClient();
    const before = await pullAll(canvasser, c, f.campaignId, null);
    expect([...before.puts.keys()].filter((k) => k.startsWith('voter:'))).toEqual([]);
    const assign = await as(owner, 'PATCH', `${base(f.campaignId)}/turfs/${f.turfId}`, {
      json: { assignedTo: userId, version: 1 },
    });
    expect(assign.status, assign.text).toBe(200);
    const after = await pullAll(canvasser, c, f.campaignId, before.cursor);
    expect(after.pages[0]!.reset).toBe(true);
    expect([...after.puts.keys()].filter((k) => k.startsWith('voter:')).sort()).toEqual(
      f.voterIds.map((v) => `voter:${v}`).sort(),
    );
    // Each voter names the member's turfs it is on: the device builds the walk list from it.
    for (const v of f.voterIds) expect(after.puts.get(`voter:${v}`)).toMatchObject({ turfIds: [f.turfId] });
  });

  it('names every turf of the scope a voter is on, and deletes a changed voter that left them all', async () => {
    const f = await fieldCampaign();
    const byZip = await created(owner, `${base(f.campaignId)}/turfs`, { name: 'By ZIP', zips: ['27705'] });
    const [both, zipOnly, gone] = f.voterIds as [string, string, string];
    const c = newClient();
    const full = await pullAll(owner, c, f.campaignId, null);
    expect(full.puts.get(`voter:${both}`)).toMatchObject({ turfIds: [f.turfId] });
    // Moved by a writer other than the API (a later import would do the same): the log takes it as it comes.
    await admin.query(`UPDATE voters SET zip = '27705' WHERE id = $1`, [both]);
    await admin.query(`UPDATE voters SET zip = '27705', precinct = 'ELSEWHERE' WHERE id = $1`, [zipOnly]);
    await admin.query(`UPDATE voters SET zip = '99999', precinct = 'ELSEWHERE' WHERE id = $1`, [gone]);
    const changes = await pullAll(owner, c, f.campaignId, full.cursor);
    expect(changes.puts.get(`voter:${both}`)).toMatchObject({ zip: '27705', turfIds: [f.turfId, byZip].sort() });
    expect(changes.puts.get(`voter:${zipOnly}`)).toMatchObject({ turfIds: [byZip] });
    expect([...changes.deletes]).toEqual([`voter:${gone}`]);
    expect(changes.puts.size).toBe(2);
    // A full copy agrees with the changes: each voter once, with all its turfs.
    const again = await pullAll(owner, newClient(), f.campaignId, null);
    expect(again.puts.get(`voter:${both}`)).toMatchObject({ turfIds: [f.turfId, byZip].sort() });
    expect(again.puts.has(`voter:${gone}`)).toBe(false);
  });

  it('purges the change log past its retention, and resets a cursor older than the purge instead of a gap', async () => {
    const f = await fieldCampaign();
    const stale = await pullAll(owner, newClient(), f.campaignId, null);
    const patched = await as(owner, 'PATCH', `${base(f.campaignId)}/events/${f.eventId}`, {
      json: { title: 'Renamed before the purge', version: 1 },
    });
    expect(patched.status, patched.text).toBe(200);
    const fresh = await pullAll(owner, newClient(), f.campaignId, null);
    // Every change of this campaign so far is 40 days old; the rest of the log is recent.
    const aged = await admin.query(
      `UPDATE sync_changes SET created_at = now() - interval '40 days' WHERE campaign_id = $1`,
      [f.campaignId],
    );
    expect(aged.rowCount).toBeGreaterThan(0);
    const retention = { receiptDays: 30, webhookAttemptDays: 30, syncChangeDays: 30 };
    expect(await purgeSyncChanges(app.platform.services.db, retention)).toBe(aged.rowCount);
    const left = await admin.query('SELECT count(*)::int AS n FROM sync_changes WHERE campaign_id = $1', [
      f.campaignId,
    ]);
    expect(left.rows[0].n).toBe(0);
    expect((await admin.query('SELECT count(*)::int AS n FROM sync_changes')).rows[0].n).toBeGreaterThan(0);

    // The cursor taken before the event changed would miss it: a full copy, with the change.
    const resynced = await pullAll(owner, newClient(), f.campaignId, stale.cursor);
    expect(resynced.pages[0]!.reset).toBe(true);
    expect(resynced.puts.get(`event:${f.eventId}`)).toMatchObject({ title: 'Renamed before the purge' });
    expect([...resynced.puts.keys()].filter((k) => k.startsWith('voter:'))).toHaveLength(f.voterIds.length);
    // A cursor taken after every purged change needs none of them: it goes on incrementally.
    const caughtUp = await pullAll(owner, newClient(), f.campaignId, fresh.cursor);
    expect(caughtUp.pages[0]!.reset).toBe(false);
    expect(caughtUp.puts.size + caughtUp.deletes.size).toBe(0);
    // Recent changes stay, and come as usual.
    const renamed = await as(owner, 'PATCH', `${base(f.campaignId)}/events/${f.eventId}`, {
      json: { title: 'Renamed after the purge', version: 2 },
    });
    expect(renamed.status, renamed.text).toBe(200);
    expect(await purgeSyncChanges(app.platform.services.db, retention)).toBe(0);
    const next = await pullAll(owner, newClient(), f.campaignId, caughtUp.cursor);
    expect(next.pages[0]!.reset).toBe(false);
    expect([...next.puts.keys()]).toEqual([`event:${f.eventId}`]);
  });

  it('a large import logs no change per voter: it resets every cursor, and the reset carries the imported voters', async () => {
    const f = await fieldCampaign();
    const c = newClient();
    const before = await pullAll(owner, c, f.campaignId, null);
    const voterChanges = async () =>
      (
        await admin.query(`SELECT count(*)::int AS n FROM sync_changes WHERE campaign_id = $1 AND entity = 'voter'`, [
          f.campaignId,
        ])
      ).rows[0].n as number;
    const logged = await voterChanges();
    const csv = (from: number, n: number) =>
      [
        'voter_id,first_name,last_name,address,city,zip,precinct',
        ...Array.from({ length: n }, (_, i) => `BULK${from + i},Al,Bulk,${i + 1} Elm St,Durham,27701,FIELD-1`),
      ].join('\n');
    const big = await importCsv(owner, f.campaignId, csv(0, BULK_VOTER_ROWS));
    expect(big.reply.status, big.reply.text).toBe(200);
    expect(big.reply.body).toMatchObject({ status: 'succeeded', rowsInserted: BULK_VOTER_ROWS });
    expect(await voterChanges()).toBe(logged);

    // The device synced before the import: its next pull is a full copy with every voter, old and imported.
    const after = await pullAll(owner, c, f.campaignId, before.cursor, 5000);
    expect(after.pages[0]!.reset).toBe(true);
    const voters = [...after.puts.entries()].filter(([k]) => k.startsWith('voter:'));
    expect(voters).toHaveLength(f.voterIds.length + BULK_VOTER_ROWS);
    expect(voters.filter(([, v]) => (v as { voterId: string }).voterId.startsWith('BULK'))).toHaveLength(
      BULK_VOTER_ROWS,
    );
    // Then incrementally again; a small import is logged voter by voter.
    const none = await pullAll(owner, c, f.campaignId, after.cursor);
    expect(none.pages[0]!.reset).toBe(false);
    expect(none.puts.size).toBe(0);
    const small = await importCsv(owner, f.campaignId, csv(BULK_VOTER_ROWS, 3));
    expect(small.reply.status, small.reply.text).toBe(200);
    expect(await voterChanges()).toBe(logged + 3);
    const three = await pullAll(owner, c, f.campaignId, none.cursor);
    expect(three.pages[0]!.reset).toBe(false);
    expect([...three.puts.values()].map((v) => (v as { voterId: string }).voterId).sort()).toEqual(
      [0, 1, 2].map((i) => `BULK${BULK_VOTER_ROWS + i}`),
    );
  });

  it('a bulk write that fails reports its own error, not the aborted transaction after it', async () => {
    const f = await fieldCampaign();
    const orgId = owner.orgId;
    await expect(
      app.platform.services.db.transaction({ orgId }, (tx) =>
        bulkVoterWrite(tx, orgId, f.campaignId, () => tx.client.query('SELECT 1 / 0')),
      ),
    ).rejects.toThrow('division by zero');
  });

  it('answers another organization’s campaign, or a forged cursor, like a missing one / a bad field', async () => {
    const stranger = await signUpActor(app.url, 'sync-stranger');
    const f = await fieldCampaign();
    const c = newClient();
    const r = await as(stranger, 'POST', '/api/v1/sync/pull', {
      json: { clientGroupId: c.group, campaignId: f.campaignId, cursor: null },
    });
    expectProblem(r, 404, 'not_found');
    const pushed = await pushAs(stranger, c, [mutation(c, 'canvass.record', canvass(f.campaignId, f.voterIds[0]!))]);
    expect(pushed.status).toBe(200);
    expect(pushed.body.results[0]).toMatchObject({ status: 'rejected', problem: { code: 'not_found', status: 404 } });
    const forged = await as(owner, 'POST', '/api/v1/sync/pull', {
      json: { clientGroupId: c.group, campaignId: f.campaignId, cursor: 'eyJtIjoiaSJ9' },
    });
    expectProblem(forged, 400, 'validation_failed');
    expect(forged.body.errors).toEqual([{ field: 'body.cursor', message: 'invalid cursor' }]);
  });
});

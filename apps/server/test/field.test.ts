/**
 * Field work over HTTP: capacity under concurrent RSVPs, waitlist promotion, check-in and walk-ins, reminders sent
 * exactly once by two workers (and cancellation notices), walk-list order, idempotent canvass results and
 * all-or-nothing batches, and who may do what on a campaign by their place on its team.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { CanvassResult, Household, SyncPut, SyncVoter } from '@akashic/contracts';
import { latestResults, walkList, walkProgress } from '@akashic/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { sendDueReminders } from '../src/modules/campaigns/field/reminders.js';
import { memoryMailer } from '../src/platform/mail/mailer.js';
import { CAMPAIGN, created } from './support/campaigns.js';
import { addMember } from './support/cli.js';
import { connect } from './support/db.js';
import { addressCsv, eventBody, fieldOf } from './support/field.js';
import { as, expectProblem, signInActor, signUpActor, type Actor } from './support/http.js';
import { importCsv } from './support/voters.js';

let app: TestApp;
let admin: pg.Client;
let owner: Actor;

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
  owner = await signUpActor(app.url, 'field-owner');
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

const newCampaign = () => created(owner, '/api/v1/campaigns', CAMPAIGN);
const base = (c: string) => `/api/v1/campaigns/${c}`;
const rsvp = (c: string, e: string, n: number, response = 'yes') =>
  as(owner, 'POST', `${base(c)}/events/${e}/rsvps`, {
    json: { name: `Guest ${n}`, email: `guest${n}@example.test`, response },
  });
const eventOf = async (c: string, e: string) => (await as(owner, 'GET', `${base(c)}/events/${e}`)).body;

describe('events and RSVPs', () => {
  it('never overbooks under concurrent RSVPs: the rest are waitlisted in order', async () => {
    const c = await newCampaign();
    const e = await created(owner, `${base(c)}/events`, eventBody(600, { capacity: 3 }));
    const replies = await Promise.all(Array.from({ length: 12 }, (_, i) => rsvp(c, e, i)));
    for (const r of replies) expect(r.status, r.text).toBe(201);
    const seats = replies.map((r) => r.body.seat);
    expect(seats.filter((s) => s === 'confirmed')).toHaveLength(3);
    expect(seats.filter((s) => s === 'waitlisted')).toHaveLength(9);
    const positions = replies.filter((r) => r.body.seat === 'waitlisted').map((r) => r.body.waitlistPosition);
    expect(new Set(positions).size).toBe(9);
    const db = await admin.query(
      `SELECT count(*) FILTER (WHERE seat = 'confirmed')::int AS confirmed FROM field_rsvps WHERE event_id = $1`,
      [e],
    );
    expect(db.rows[0].confirmed).toBe(3);
    expect((await eventOf(c, e)).counts).toMatchObject({ confirmed: 3, waitlisted: 9 });
  });

  it('promotes the waitlist in order when a seat frees, and updates a repeated RSVP instead of duplicating it', async () => {
    const c = await newCampaign();
    const e = await created(owner, `${base(c)}/events`, eventBody(600, { capacity: 1 }));
    const first = await rsvp(c, e, 1);
    const second = await rsvp(c, e, 2);
    const third = await rsvp(c, e, 3);
    expect([first.body.seat, second.body.seat, third.body.seat]).toEqual(['confirmed', 'waitlisted', 'waitlisted']);
    expect(third.body.waitlistPosition).toBe(2);
    // The first changes their mind (same email, a different case): the same RSVP, now maybe; guest 2 is promoted.
    const again = await as(owner, 'POST', `${base(c)}/events/${e}/rsvps`, {
      json: { name: 'Guest 1', email: 'GUEST1@example.test', response: 'maybe' },
    });
    expect(again.body).toMatchObject({ id: first.body.id, response: 'maybe', seat: null });
    const g2 = await as(owner, 'GET', `${base(c)}/events/${e}/rsvps/${second.body.id}`);
    expect(g2.body).toMatchObject({ seat: 'confirmed', waitlistPosition: null });
    const g3 = await as(owner, 'GET', `${base(c)}/events/${e}/rsvps/${third.body.id}`);
    expect(g3.body).toMatchObject({ seat: 'waitlisted', waitlistPosition: 1 });
    // Removing guest 2 promotes guest 3; raising the capacity would too.
    expect((await as(owner, 'DELETE', `${base(c)}/events/${e}/rsvps/${second.body.id}`)).status).toBe(204);
    expect((await as(owner, 'GET', `${base(c)}/events/${e}/rsvps/${third.body.id}`)).body.seat).toBe('confirmed');
    const count = await admin.query('SELECT count(*)::int AS n FROM field_rsvps WHERE event_id = $1', [e]);
    expect(count.rows[0].n).toBe(2);
  });

  it('checks in, undoes it, takes walk-ins while seats are free, and refuses them when full', async () => {
    const c = await newCampaign();
    const e = await created(owner, `${base(c)}/events`, eventBody(600, { capacity: 2 }));
    const a = await rsvp(c, e, 1);
    const maybe = await rsvp(c, e, 2, 'maybe');
    const inA = await as(owner, 'POST', `${base(c)}/events/${e}/rsvps/${a.body.id}/check-in`);
    expect(inA.status).toBe(200);
    expect(inA.body.checkedInBy).toBe(owner.userId);
    const undo = await as(owner, 'DELETE', `${base(c)}/events/${e}/rsvps/${a.body.id}/check-in`);
    expect(undo.body).toMatchObject({ checkedInAt: null, seat: 'confirmed' });
    await as(owner, 'POST', `${base(c)}/events/${e}/rsvps/${a.body.id}/check-in`);
    // The maybe turns up: they take the last free seat.
    const inMaybe = await as(owner, 'POST', `${base(c)}/events/${e}/rsvps/${maybe.body.id}/check-in`);
    expect(inMaybe.body).toMatchObject({ response: 'yes', seat: 'confirmed' });
    const walk = await as(owner, 'POST', `${base(c)}/events/${e}/walk-ins`, { json: { name: 'Late Lou' } });
    expectProblem(walk, 409, 'conflict');
    expect((await eventOf(c, e)).counts).toMatchObject({ confirmed: 2, checkedIn: 2, walkIns: 0 });
    await as(owner, 'PATCH', `${base(c)}/events/${e}`, { json: { version: 1, capacity: 3 } });
    const lou = await as(owner, 'POST', `${base(c)}/events/${e}/walk-ins`, { json: { name: 'Late Lou' } });
    expect(lou.status, lou.text).toBe(201);
    expect(lou.body).toMatchObject({ walkIn: true, seat: 'confirmed' });
    expect((await eventOf(c, e)).counts).toMatchObject({ checkedIn: 3, walkIns: 1 });
  });

  it('lists upcoming events soonest first and past ones latest first, in keyset pages', async () => {
    const c = await newCampaign();
    const inDays = [9, 2, 5].map((d) => d * 1440);
    for (const m of inDays) await created(owner, `${base(c)}/events`, eventBody(m, { title: `In ${m / 1440} days` }));
    await created(owner, `${base(c)}/events`, {
      ...eventBody(),
      title: 'Last week',
      startsAt: new Date(Date.now() - 7 * 86_400_000).toISOString(),
      endsAt: new Date(Date.now() - 7 * 86_400_000 + 3_600_000).toISOString(),
    });
    const titles: string[] = [];
    let cursor: string | undefined;
    do {
      const r = await as(owner, 'GET', `${base(c)}/events?when=upcoming&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      titles.push(...r.body.items.map((e: { title: string }) => e.title));
      cursor = r.body.nextCursor ?? undefined;
    } while (cursor);
    expect(titles).toEqual(['In 2 days', 'In 5 days', 'In 9 days']);
    const past = await as(owner, 'GET', `${base(c)}/events?when=past`);
    expect(past.body.items.map((e: { title: string }) => e.title)).toEqual(['Last week']);
  });

  it('refuses an event ending before it starts, an unknown time zone and an RSVP with no way to reach them', async () => {
    const c = await newCampaign();
    const bad = await as(owner, 'POST', `${base(c)}/events`, {
      json: { ...eventBody(), endsAt: new Date(Date.now() - 1000).toISOString(), timeZone: 'Mars/Olympus' },
    });
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.errors.map((x: { field: string }) => x.field).sort()).toEqual(['body.endsAt', 'body.timeZone']);
    const e = await created(owner, `${base(c)}/events`, eventBody());
    const nobody = await as(owner, 'POST', `${base(c)}/events/${e}/rsvps`, { json: { name: 'X', response: 'yes' } });
    expectProblem(nobody, 400, 'validation_failed');
    expect(nobody.body.errors[0].field).toBe('body.email');
  });
});

describe('reminders', () => {
  it('are sent exactly once per RSVP and reminder by two workers at once; phone-only RSVPs are logged as skipped', async () => {
    const c = await newCampaign();
    const e = await created(owner, `${base(c)}/events`, eventBody(60, { capacity: 2 }));
    await rsvp(c, e, 21);
    await rsvp(c, e, 22, 'maybe');
    await rsvp(c, e, 23, 'no');
    await rsvp(c, e, 24); // a seat: yes
    await rsvp(c, e, 25); // waitlisted: no reminder
    await as(owner, 'POST', `${base(c)}/events/${e}/rsvps`, {
      json: { name: 'Phone Only', phone: '+1 (919) 555-0100', response: 'maybe' },
    });
    const one = memoryMailer();
    const two = memoryMailer();
    const db = app.platform.services.db;
    await Promise.all([sendDueReminders(db, one), sendDueReminders(db, two), sendDueReminders(db, one)]);
    // (Other tests' events are due too: this one's RSVPs are guests 21–25.)
    const ours = (m: { to: string }) => /^guest2\d@/.test(m.to);
    const sent = [...one.sent, ...two.sent].filter(ours);
    expect(sent.map((m) => m.to).sort()).toEqual([
      'guest21@example.test',
      'guest22@example.test',
      'guest24@example.test',
    ]);
    expect(sent[0]!.text).toContain('Field office');
    // What makes a concurrent claim lose: the delivery's unique key (a second row for the same reminder is refused).
    const dup = await admin
      .query(
        `INSERT INTO field_reminder_deliveries (id, org_id, campaign_id, event_id, rsvp_id, kind, offset_minutes,
           event_starts_at, status)
         SELECT gen_random_uuid(), org_id, campaign_id, event_id, rsvp_id, kind, offset_minutes, event_starts_at, status
           FROM field_reminder_deliveries WHERE event_id = $1 LIMIT 1`,
        [e],
      )
      .then(
        () => 'inserted',
        (err: { code: string }) => err.code,
      );
    expect(dup).toBe('23505');
    // A second pass finds nothing more due.
    const again = memoryMailer();
    await sendDueReminders(db, again);
    expect(again.sent.filter(ours)).toEqual([]);
    const log = await as(owner, 'GET', `${base(c)}/events/${e}/reminders`);
    expect(log.body.channels).toEqual({ email: 'memory', sms: 'not_configured' });
    expect(log.body.items).toHaveLength(4);
    // Only the nearest due offset (2 h) was sent, never also the 24-hour one.
    for (const d of log.body.items) expect(d).toMatchObject({ kind: 'reminder', offsetMinutes: 120 });
    expect(log.body.items.filter((d: { status: string }) => d.status === 'skipped')).toEqual([
      expect.objectContaining({ to: null, detail: expect.stringContaining('SMS is not configured') }),
    ]);
  });

  it('are due again when the event is rescheduled', async () => {
    const c = await newCampaign();
    const e = await created(owner, `${base(c)}/events`, eventBody(60));
    await rsvp(c, e, 31);
    const ours = (m: { to: string }) => m.to === 'guest31@example.test';
    const mail = memoryMailer();
    await sendDueReminders(app.platform.services.db, mail);
    expect(mail.sent.filter(ours)).toHaveLength(1);
    const later = eventBody(90);
    const moved = await as(owner, 'PATCH', `${base(c)}/events/${e}`, {
      json: { version: 1, startsAt: later.startsAt, endsAt: later.endsAt },
    });
    expect(moved.status, moved.text).toBe(200);
    await sendDueReminders(app.platform.services.db, mail);
    await sendDueReminders(app.platform.services.db, mail);
    expect(mail.sent.filter(ours)).toHaveLength(2);
  });

  it('send a cancellation notice instead once the event is cancelled (waitlist included), once', async () => {
    const c = await newCampaign();
    const e = await created(owner, `${base(c)}/events`, eventBody(3 * 1440, { capacity: 1 }));
    await rsvp(c, e, 11);
    await rsvp(c, e, 12);
    const mail = memoryMailer();
    await sendDueReminders(app.platform.services.db, mail);
    expect(mail.sent.filter((m) => /^guest1[12]@/.test(m.to))).toEqual([]); // nothing due three days out
    const cancel = await as(owner, 'POST', `${base(c)}/events/${e}/cancel`, {
      json: { version: 1, reason: 'Storm warning' },
    });
    expect(cancel.body.status).toBe('cancelled');
    await Promise.all([
      sendDueReminders(app.platform.services.db, mail),
      sendDueReminders(app.platform.services.db, mail),
    ]);
    const notices = mail.sent.filter((m) => m.subject.startsWith('Cancelled:'));
    expect(notices.map((m) => m.to).sort()).toEqual(['guest11@example.test', 'guest12@example.test']);
    expect(notices[0]!.text).toContain('Storm warning');
    expectProblem(await rsvp(c, e, 13), 409, 'conflict');
  });
});

describe('turfs, walk lists and canvassing', () => {
  let c: string;
  let turfId: string;
  beforeAll(async () => {
    c = await newCampaign();
    const { reply } = await importCsv(owner, c, addressCsv('W'));
    expect(reply.status, reply.text).toBe(200);
    // Another precinct's voters stay out of the turf.
    const other = await importCsv(owner, c, addressCsv('X', 'ELSEWHERE'));
    expect(other.reply.status).toBe(200);
    turfId = await created(owner, `${base(c)}/turfs`, { name: 'Main and Oak', precincts: ['FIELD-1'] });
  });

  it('orders households by street, odd side first, then house number, in keyset pages', async () => {
    const pages = [];
    let cursor: string | undefined;
    do {
      const r = await as(
        owner,
        'GET',
        `${base(c)}/turfs/${turfId}/walk-list?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(r.status, r.text).toBe(200);
      pages.push(...r.body.items);
      cursor = r.body.nextCursor ?? undefined;
    } while (cursor);
    expect(pages.map((h) => `${h.street} ${h.houseNumber}`)).toEqual([
      'MAIN ST 3',
      'MAIN ST 7',
      'MAIN ST 10',
      'MAIN ST 12',
      'OAK AVE 5',
      'OAK AVE 14',
    ]);
    // "3 Main St" and "3 main  st" are one household.
    expect(pages[0].voters.map((v: { voterId: string }) => v.voterId).sort()).toEqual(['W3', 'W4']);
    const csv = await as(owner, 'GET', `${base(c)}/turfs/${turfId}/walk-list/export`);
    expect(csv.status).toBe(200);
    const lines = csv.text.trim().split('\r\n');
    expect(lines).toHaveLength(8);
    expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual(['W3', 'W4', 'W5', 'W7', 'W2', 'W6', 'W1']);
    expectProblem(
      await as(owner, 'GET', `${base(c)}/turfs/${turfId}/walk-list?cursor=bm9wZQ`),
      400,
      'validation_failed',
    );
  });

  it('applies a canvass result once per client id; a different body under the same id is a 409', async () => {
    const walk = await as(owner, 'GET', `${base(c)}/turfs/${turfId}/walk-list`);
    const voterId = walk.body.items[0].voters[0].id;
    const body = {
      clientId: randomUUID(),
      voterId,
      turfId,
      outcome: 'contacted',
      supportLevel: 1,
      issues: ['roads'],
      notes: 'Wants a yard sign',
      recordedAt: '2028-06-01T15:04:05.000Z',
    };
    const first = await as(owner, 'POST', `${base(c)}/canvass-results`, { json: body });
    expect(first.status, first.text).toBe(201);
    const retry = await as(owner, 'POST', `${base(c)}/canvass-results`, { json: body });
    expect(retry.body).toEqual(first.body);
    const other = await as(owner, 'POST', `${base(c)}/canvass-results`, { json: { ...body, supportLevel: 5 } });
    expectProblem(other, 409, 'conflict');
    expect(other.body.errors).toEqual([{ field: 'body.clientId', message: expect.any(String) }]);
    const rows = await admin.query('SELECT count(*)::int AS n FROM canvass_results WHERE client_id = $1', [
      body.clientId,
    ]);
    expect(rows.rows[0].n).toBe(1);
    // It is in the voter's contact history, and sets their status.
    const voter = await as(owner, 'GET', `${base(c)}/voters/${voterId}`);
    expect(voter.body.contactStatus).toBe('supporter');
    expect(voter.body.contacts[0]).toMatchObject({ id: first.body.id, channel: 'door', note: 'Wants a yard sign' });
    const bad = await as(owner, 'POST', `${base(c)}/canvass-results`, {
      json: { ...body, clientId: randomUUID(), outcome: 'not_home' },
    });
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.errors[0].field).toBe('body.supportLevel');
  });

  it('applies a batch all or nothing, naming each item at fault, and counts progress', async () => {
    const walk = await as(owner, 'GET', `${base(c)}/turfs/${turfId}/walk-list?limit=100`);
    const ids: string[] = walk.body.items.flatMap((h: { voters: { id: string }[] }) => h.voters.map((v) => v.id));
    const item = (voterId: string, outcome = 'not_home') => ({
      clientId: randomUUID(),
      voterId,
      turfId,
      outcome,
      recordedAt: new Date().toISOString(),
    });
    const before = await admin.query('SELECT count(*)::int AS n FROM canvass_results');
    const bad = await as(owner, 'POST', `${base(c)}/canvass-results/batch`, {
      json: { results: [item(ids[1]!), item(randomUUID()), item(ids[2]!), item(ids[3]!, 'refused')] },
    });
    expectProblem(bad, 400, 'validation_failed');
    expect(bad.body.errors).toEqual([{ field: 'body.results.1.voterId', message: 'no such voter in this campaign' }]);
    expect((await admin.query('SELECT count(*)::int AS n FROM canvass_results')).rows[0].n).toBe(before.rows[0].n);
    const batch = [item(ids[1]!), item(ids[2]!, 'contacted'), item(ids[3]!, 'refused')];
    const ok = await as(owner, 'POST', `${base(c)}/canvass-results/batch`, { json: { results: batch } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.body.results).toHaveLength(3);
    // Replayed after a lost answer: the same results, nothing new.
    const replay = await as(owner, 'POST', `${base(c)}/canvass-results/batch`, { json: { results: batch } });
    expect(replay.body).toEqual(ok.body);
    const turf = await as(owner, 'GET', `${base(c)}/turfs/${turfId}`);
    expect(turf.body.progress.voters).toBe(7);
    expect(turf.body.progress.doors).toBe(6);
    expect(turf.body.progress.votersAttempted).toBeGreaterThanOrEqual(3);
    expect(turf.body.progress.votersRemaining).toBe(7 - turf.body.progress.votersAttempted);
    expect(turf.body.progress.doorsRemaining).toBe(6 - turf.body.progress.doorsAttempted);
  });
});

describe('the walk list a device builds from its replica', () => {
  it('has the server’s households, walking order, voters, latest results and progress for the same voters', async () => {
    const c = await newCampaign();
    const csv = [
      'voter_id,first_name,last_name,address,city,zip,precinct,GENERAL_2020-11-03',
      'O1,Ann,Oak,14 Oak Ave,Durham,27701,ORDER-1,X',
      'O2,bo,de Silva,12B-3 Elm St,Durham,27701,ORDER-1,',
      'O3,Cy,Doe,12 Elm St Apt 4,Durham,27701,ORDER-1,X',
      'O4,Di,Doe,12 elm st #5,Durham,27701,ORDER-1,X',
      'O5,Ed,Émile,9  Elm   St,Durham,27701,ORDER-1,',
      'O6,Fay,Zed,9 Elm St,Durham,27702,ORDER-1,X',
      'O7,Gus,Adams,1000000000 Big St,Durham,27701,ORDER-1,',
      'O8,,,Elm St,Durham,27701,ORDER-1,',
      'O9,Hal,Main,,Durham,,ORDER-1,X',
      'O10,Ida,Main,0 Elm St,Durham,27701,ORDER-1,',
      'O11,Jo,Main,7 Main St Ste 200,Durham,27701,ORDER-1,X',
      'O12,Kit,Main,7 Main St Suite 200,Durham,27701,ORDER-1,X',
      'O13,Lu,Oak,14 OAK AVE,Durham,27701,ORDER-1,X',
      'O14,Mo,Oak,3 Oak Ave,Durham,27701,ORDER-2,X',
    ].join('\n');
    const { reply } = await importCsv(owner, c, csv);
    expect(reply.status, reply.text).toBe(200);
    const turfId = await created(owner, `${base(c)}/turfs`, { name: 'Order', precincts: ['ORDER-1'] });
    await created(owner, `${base(c)}/turfs`, { name: 'Both', precincts: ['ORDER-1', 'ORDER-2'] });
    const server = async () => {
      const items: Household[] = [];
      let cursor: string | undefined;
      do {
        const r = await as(
          owner,
          'GET',
          `${base(c)}/turfs/${turfId}/walk-list?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(r.status, r.text).toBe(200);
        items.push(...r.body.items);
        cursor = r.body.nextCursor ?? undefined;
      } while (cursor);
      return items;
    };
    const device = async () => {
      const r = await as(owner, 'POST', '/api/v1/sync/pull', {
        json: { clientGroupId: randomUUID(), campaignId: c, cursor: null, limit: 5000 },
      });
      expect(r.status, r.text).toBe(200);
      expect(r.body.more).toBe(false);
      // As the replica keeps them: one entity per kind and id (a voter of two turfs is sent with each).
      const kept = new Map((r.body.puts as SyncPut[]).map((p) => [`${p.entity}:${p.id}`, p]));
      const of = (entity: string) => [...kept.values()].filter((p) => p.entity === entity).map((p) => p.value);
      const voters = of('voter') as SyncVoter[];
      const results = of('canvass_result') as CanvassResult[];
      const list = walkList(turfId, voters, latestResults(results));
      return { list, progress: walkProgress(list, results) };
    };

    // Door by door first (a readable difference), then every field.
    const doors = (list: Household[]) =>
      list.map((h) => `${h.key} ${h.address} ${h.zip}: ${h.voters.map((v) => v.voterId).join(' ')}`);
    const before = await server();
    expect(before.length).toBeGreaterThan(8);
    expect(doors((await device()).list)).toEqual(doors(before));
    expect((await device()).list).toEqual(before);

    // Results, two for one voter at the same time (the id decides), then the latest and the progress agree too.
    const voterIds = before.flatMap((h) => h.voters.map((v) => v.id));
    const at = '2028-06-01T15:04:05.000Z';
    for (const [voterId, outcome] of [
      [voterIds[0], 'not_home'],
      [voterIds[0], 'contacted'],
      [voterIds[3], 'refused'],
      [voterIds[5], 'contacted'],
    ] as const)
      await created(owner, `${base(c)}/canvass-results`, {
        clientId: randomUUID(),
        voterId,
        turfId,
        outcome,
        recordedAt: at,
      });
    const after = await server();
    const mine = await device();
    expect(mine.list).toEqual(after);
    expect(mine.progress).toEqual((await as(owner, 'GET', `${base(c)}/turfs/${turfId}`)).body.progress);
  });
});

describe('permissions per campaign role', () => {
  it('lets field plan, volunteers check in and canvass, others on the team only read, and hides it from the rest', async () => {
    const c = await newCampaign();
    const { eventId, rsvpId, turfId, voterIds } = await fieldOf(owner, c, 'P');
    const member = async (orgRole: 'staff' | 'viewer', teamRole: string | null) => {
      const m = await addMember(app.db.adminUrl, owner.orgId, orgRole, `field-${teamRole ?? 'none'}`);
      if (teamRole) {
        const r = await as(owner, 'POST', `${base(c)}/team`, { json: { userId: m.userId, role: teamRole } });
        expect(r.status, r.text).toBe(201);
      }
      return signInActor(app.url, m.email, m.password, owner.orgId);
    };
    const field = await member('staff', 'field');
    const volunteer = await member('staff', 'volunteer');
    const analyst = await member('staff', 'analyst');
    const viewer = await member('viewer', 'volunteer');
    const outsider = await member('staff', null);

    const newEvent = (a: Actor) => as(a, 'POST', `${base(c)}/events`, { json: eventBody(600) });
    const newTurf = (a: Actor) => as(a, 'POST', `${base(c)}/turfs`, { json: { name: 'T', zips: ['27701'] } });
    const checkIn = (a: Actor) => as(a, 'POST', `${base(c)}/events/${eventId}/rsvps/${rsvpId}/check-in`);
    const canvass = (a: Actor) =>
      as(a, 'POST', `${base(c)}/canvass-results`, {
        json: {
          clientId: randomUUID(),
          voterId: voterIds[1],
          outcome: 'not_home',
          recordedAt: new Date().toISOString(),
        },
      });

    expect((await newEvent(field)).status).toBe(201);
    expect((await newTurf(field)).status).toBe(201);
    expect((await checkIn(volunteer)).status).toBe(200);
    expect((await canvass(volunteer)).status).toBe(201);
    expectProblem(await newEvent(volunteer), 403, 'forbidden');
    expectProblem(await newTurf(analyst), 403, 'forbidden');
    expect((await as(analyst, 'GET', `${base(c)}/turfs/${turfId}/walk-list`)).status).toBe(200);
    // A viewer on the team reads, and nothing else.
    expect((await as(viewer, 'GET', `${base(c)}/events/${eventId}`)).status).toBe(200);
    expectProblem(await checkIn(viewer), 403, 'forbidden');
    expectProblem(await canvass(viewer), 403, 'forbidden');
    // Off the team, the campaign is not there at all.
    expectProblem(await as(outsider, 'GET', `${base(c)}/events/${eventId}`), 404, 'not_found');
    expectProblem(await canvass(outsider), 404, 'not_found');
  });
});

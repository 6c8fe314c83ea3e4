/**
 * The realtime stream (GET /api/v1/realtime) on one process with the in-process bus: events reach exactly the
 * members who may read what changed, resume from Last-Event-ID, end promptly on sign-out and removal, obey the
 * per-user connection limit, drop slow clients, and write nothing. (Two processes over NATS: realtime.svc.test.ts.)
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import type { BusEvent } from '../src/platform/events/bus.js';
import { notificationSignal } from '../src/platform/notifications/consumer.js';
import { CAMPAIGN, created } from './support/campaigns.js';
import { addMember } from './support/cli.js';
import { addressCsv, eventBody } from './support/field.js';
import { importCsv } from './support/voters.js';
import { connect, diffSnapshots, snapshot } from './support/db.js';
import { outboxEvents, waitFor } from './support/events.js';
import { as, expectProblem, signInActor, signUpActor, uniqueEmail, type Actor } from './support/http.js';
import { openStream, type SseFrame, type SseStream } from './support/sse.js';

let app: TestApp;
let admin: pg.Client;
let owner: Actor;
let staff: Actor;
let viewer: Actor;
let other: Actor;

const open: SseStream[] = [];
async function stream(actor: Actor, headers: Record<string, string> = {}) {
  const s = await openStream(actor, '/api/v1/realtime', headers);
  open.push(s);
  return s;
}

/** Publish what the last change of `orgId` wrote to its outbox (as the relay will); returns those events. */
let relayed = new Set<string>();
async function relay(orgId: string): Promise<BusEvent[]> {
  const fresh = (await outboxEvents(admin, orgId)).filter((e) => !relayed.has(e.id));
  for (const e of fresh) {
    relayed.add(e.id);
    await app.platform.services.bus.publish(e);
  }
  return fresh;
}

const data = (f: SseFrame) => JSON.parse(f.data) as { id: string; type: string; campaignId: string | null };
const types = (frames: SseFrame[]) => frames.map((f) => (f.event === 'message' ? data(f).type : `event:${f.event}`));

async function member(role: 'staff' | 'viewer', label: string) {
  const m = await addMember(app.db.adminUrl, owner.orgId, role, label);
  return signInActor(app.url, m.email, m.password, owner.orgId);
}

beforeAll(async () => {
  app = await startTestApp({ REALTIME_MAX_CONNECTIONS_PER_USER: '3', REALTIME_HEARTBEAT_MS: '300' });
  admin = await connect(app.db.adminUrl);
  owner = await signUpActor(app.url, 'rt-owner');
  staff = await member('staff', 'rt-staff');
  viewer = await member('viewer', 'rt-viewer');
  other = await signUpActor(app.url, 'rt-other-org');
  relayed = new Set(
    [...(await outboxEvents(admin, owner.orgId)), ...(await outboxEvents(admin, other.orgId))].map((e) => e.id),
  );
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

describe('the realtime stream', () => {
  it('is an event stream that reconnects after 3 s', async () => {
    const s = await stream(owner);
    expect(s.status).toBe(200);
    expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(s.headers.get('cache-control')).toBe('no-cache, no-transform');
    s.close();
  });

  it('carries each change to the members who may read it, and nothing of other orgs', async () => {
    const [o, st, v, x] = await Promise.all([stream(owner), stream(staff), stream(viewer), stream(other)]);
    await waitFor(() => app.platform.services.realtime.connections >= 4, 'four connections');

    // A campaign the staff member is not on (only its team and the org's admins read it).
    const campaignId = await created(owner, '/api/v1/campaigns', CAMPAIGN);
    const campaignEvent = (await relay(owner.orgId)).find((e) => e.type === 'campaigns.campaign.created');
    // An invitation: admins only.
    await as(owner, 'POST', '/api/v1/invitations', { json: { email: uniqueEmail('rt-inv'), role: 'staff' } });
    await relay(owner.orgId);
    // A change of the other org, which nobody here may see.
    await as(other, 'PATCH', '/api/v1/org', { json: { name: 'Other renamed' } });
    await relay(other.orgId);
    // The organization renamed: every member reads that (and it marks the end of what each stream should show).
    await as(owner, 'PATCH', '/api/v1/org', { json: { name: 'Renamed' } });
    await relay(owner.orgId);

    const end = (f: SseFrame) => f.event === 'message' && data(f).type === 'platform.org.updated';
    const ownerSaw = await o.until(end);
    expect(types(ownerSaw)).toEqual([
      'campaigns.campaign.created',
      'campaigns.campaign.member_added',
      'platform.member.invited',
      'platform.org.updated',
    ]);
    expect(ownerSaw[0]!.id).toBe(campaignEvent!.id);
    expect(data(ownerSaw[0]!)).toEqual({
      id: campaignEvent!.id,
      type: 'campaigns.campaign.created',
      occurredAt: campaignEvent!.occurredAt,
      target: { type: 'campaign', id: campaignId },
      campaignId,
    });
    expect(types(await st.until(end))).toEqual(['platform.org.updated']);
    expect(types(await v.until(end))).toEqual(['platform.org.updated']);
    // The other org's owner saw their own rename only.
    const theirs = await x.next();
    expect(types([theirs])).toEqual(['platform.org.updated']);
    await expect(x.next(300)).rejects.toThrow(/timeout/);

    // Put on the team, the staff member now receives the campaign's events.
    await as(owner, 'POST', `/api/v1/campaigns/${campaignId}/team`, { json: { userId: staff.userId, role: 'field' } });
    await relay(owner.orgId);
    expect(types([await st.next()])).toEqual(['campaigns.campaign.member_added']);
    // Field work: an RSVP names its event, not the campaign, and still reaches the campaign's team.
    const ev = await as(owner, 'POST', `/api/v1/campaigns/${campaignId}/events`, { json: eventBody(600) });
    expect(ev.status).toBe(201);
    const rsvp = await as(owner, 'POST', `/api/v1/campaigns/${campaignId}/events/${ev.body.id}/rsvps`, {
      json: { name: 'Live Guest', phone: '+19195550123', response: 'yes' },
    });
    expect(rsvp.status).toBe(201);
    await relay(owner.orgId);
    const [scheduled, rsvped] = [await st.next(), await st.next()];
    expect(types([scheduled, rsvped])).toEqual(['campaigns.field_event.created', 'campaigns.rsvp.created']);
    expect(data(rsvped)).toMatchObject({ campaignId, target: { id: rsvp.body.id } });
    // A canvass result names its voter, not the campaign: it reaches the team too, with the campaign (devices
    // replicating the campaign pull on it).
    expect((await importCsv(owner, campaignId, addressCsv('RT'))).reply.status).toBe(200);
    const voter = (await as(owner, 'GET', `/api/v1/campaigns/${campaignId}/voters?limit=1`)).body.items[0];
    const result = await as(owner, 'POST', `/api/v1/campaigns/${campaignId}/canvass-results`, {
      json: { clientId: randomUUID(), voterId: voter.id, outcome: 'not_home', recordedAt: new Date().toISOString() },
    });
    expect(result.status, result.text).toBe(201);
    await relay(owner.orgId);
    const canvassed = await st.until(
      (f) => f.event === 'message' && data(f).type === 'campaigns.canvass_result.recorded',
    );
    expect(data(canvassed.at(-1)!)).toMatchObject({
      campaignId,
      target: { type: 'canvass_result', id: result.body.id },
    });
    for (const s of [o, st, v, x]) s.close();
  });

  it('signals a new notification to its recipient only', async () => {
    const [o, st] = await Promise.all([stream(owner), stream(staff)]);
    await waitFor(() => app.platform.services.realtime.connections >= 2, 'two connections');
    const id = crypto.randomUUID();
    await app.platform.services.bus.publish(notificationSignal(owner.orgId, id, staff.userId));
    await as(owner, 'PATCH', '/api/v1/org', { json: { name: 'After the notice' } });
    await relay(owner.orgId);
    const end = (f: SseFrame) => data(f).type === 'platform.org.updated';
    const staffSaw = await st.until(end);
    expect(types(staffSaw)).toEqual(['platform.notification.created', 'platform.org.updated']);
    expect(data(staffSaw[0]!)).toMatchObject({ id, target: { type: 'notification', id } });
    expect(types(await o.until(end))).toEqual(['platform.org.updated']);
  });

  it('replays what a reconnecting browser missed (Last-Event-ID), or tells it to reset', async () => {
    const first = await stream(owner);
    await as(owner, 'PATCH', '/api/v1/org', { json: { name: 'Before the drop' } });
    await relay(owner.orgId);
    const seen = await first.next();
    first.close();
    await as(owner, 'PATCH', '/api/v1/org', { json: { name: 'While away 1' } });
    await as(owner, 'PATCH', '/api/v1/org', { json: { name: 'While away 2' } });
    const missed = await relay(owner.orgId);

    const again = await stream(owner, { 'last-event-id': seen.id! });
    expect([(await again.next()).id, (await again.next()).id]).toEqual(missed.map((e) => e.id));
    const lost = await stream(owner, { 'last-event-id': '00000000-0000-4000-8000-000000000000' });
    expect((await lost.next()).event).toBe('reset');
    again.close();
    lost.close();
  });

  it('gives a new stream an id, so a browser that drops before its first event still resumes from where it was', async () => {
    const first = await stream(owner);
    await first.until(() => false, 300).catch(() => []); // the connected block: an id, no event
    const mark = first.lastEventId;
    expect(mark).toMatch(/^[0-9a-f]{12}\.\d+$/);
    first.close();
    await as(owner, 'PATCH', '/api/v1/org', { json: { name: 'While the signal was gone' } });
    const missed = await relay(owner.orgId);
    expect(missed).toHaveLength(1);

    const again = await stream(owner, { 'last-event-id': mark! });
    expect((await again.next()).id).toBe(missed[0]!.id);
    // It keeps the browser's id rather than giving it a new one: what it replays is what the browser now holds.
    expect(again.lastEventId).toBe(missed[0]!.id);
    // A mark of another process (or of this one before a restart), or from beyond what it has sent: reset.
    for (const foreign of ['0123456789ab.0', `${mark!.split('.')[0]}.999999`, `${mark!.split('.')[0]}.x`]) {
      const s = await stream(owner, { 'last-event-id': foreign });
      expect((await s.next()).event).toBe('reset');
      // With the reset, a mark of this process: the next drop resumes from here rather than resetting again.
      expect(s.lastEventId).toMatch(new RegExp(`^${mark!.split('.')[0]}\\.\\d+$`));
      s.close();
    }
  });

  it('answers a resume from a mark older than its ring with a reset', async () => {
    const small = await startTestApp({ REALTIME_RING_SIZE: '2' });
    try {
      const o = await signUpActor(small.url, 'rt-small');
      const before = await openStream(o, '/api/v1/realtime');
      await before.until(() => false, 300).catch(() => []);
      const mark = before.lastEventId!;
      before.close();
      const smallAdmin = await connect(small.db.adminUrl);
      try {
        const seenIds = new Set((await outboxEvents(smallAdmin, o.orgId)).map((e) => e.id));
        for (const name of ['One', 'Two', 'Three']) {
          await as(o, 'PATCH', '/api/v1/org', { json: { name } });
          for (const e of await outboxEvents(smallAdmin, o.orgId)) {
            if (seenIds.has(e.id)) continue;
            seenIds.add(e.id);
            await small.platform.services.bus.publish(e);
          }
        }
      } finally {
        await smallAdmin.end();
      }
      const again = await openStream(o, '/api/v1/realtime', { 'last-event-id': mark });
      try {
        expect((await again.next()).event).toBe('reset');
      } finally {
        again.close();
      }
    } finally {
      await small.close();
    }
  });

  it('ends at once when the session signs out, and when the member is removed', async () => {
    const m = await member('staff', 'rt-leaving');
    const s1 = await stream(m);
    const second = await signInActor(app.url, m.email, m.password, owner.orgId);
    const s2 = await stream(second);
    await as(m, 'POST', '/api/v1/auth/sign-out');
    expect(await s1.next(2000)).toMatchObject({ event: 'closed', data: JSON.stringify({ reason: 'signed_out' }) });
    await s1.ended;
    // The other session of the same user is still live, until the member is removed from the organization.
    await expect(s2.next(300)).rejects.toThrow(/timeout/);
    expect((await as(owner, 'DELETE', `/api/v1/members/${m.userId}`)).status).toBe(204);
    expect(await s2.next(2000)).toMatchObject({ event: 'closed', data: JSON.stringify({ reason: 'not_a_member' }) });
  });

  it('sends heartbeats', async () => {
    const s = await stream(viewer);
    await waitFor(() => s.comments >= 3, 'heartbeats', 3000);
    s.close();
  });

  it('holds at most the configured number of streams per user, and frees them when they close', async () => {
    await waitFor(() => app.platform.services.realtime.connections === 0, 'earlier streams to close');
    const streams = await Promise.all([stream(staff), stream(staff), stream(staff)]);
    const refused = await as(staff, 'GET', '/api/v1/realtime');
    expectProblem(refused, 429, 'rate_limited');
    streams[0]!.close();
    await waitFor(() => app.platform.services.realtime.connections === 2, 'the closed stream to be released');
    const again = await stream(staff);
    expect(again.status).toBe(200);
    for (const s of [...streams, again]) s.close();
  });

  it('writes nothing to the database', async () => {
    const before = await snapshot(admin);
    const s = await stream(owner);
    await waitFor(() => s.comments >= 2, 'a heartbeat with its credential re-check');
    s.close();
    expect(diffSnapshots(before, await snapshot(admin))).toEqual([]);
  });
});

describe('a slow client', () => {
  it('is dropped once its unsent output passes the limit, not buffered without bound', async () => {
    const { realtime, bus } = app.platform.services;
    await waitFor(() => realtime.connections === 0, 'earlier streams to close');
    // A stream nobody reads: what is written stays buffered.
    // Still signed in when a heartbeat re-checks it (on a loaded machine one may fire while the events go out).
    const principal = { userId: owner.userId, email: owner.email, name: 'o', via: 'session', sessionId: 'x' } as const;
    const unread = realtime.connect({
      principal,
      org: { id: owner.orgId, role: 'owner' },
      lastEventId: undefined,
      reauthenticate: async () => principal,
    });
    const id = () => crypto.randomUUID();
    const big = { target: { type: 'org', id: owner.orgId }, after: { pad: 'x'.repeat(100) } };
    for (let i = 0; i < 2000 && !unread.destroyed; i++) {
      await bus.publish({
        id: id(),
        orgId: owner.orgId,
        type: 'platform.org.updated',
        occurredAt: new Date().toISOString(),
        payload: big,
      });
    }
    await waitFor(() => unread.destroyed, 'the slow stream to be dropped');
    expect(unread.readableLength).toBeLessThanOrEqual(262_144 + 1024);
    expect(realtime.connections).toBe(0);
  });
});

describe('a stream closed by a re-check', () => {
  it('takes no more events once its closing frame is written: no push after the end, no stream error', async () => {
    const { realtime, bus } = app.platform.services;
    const unread = realtime.connect({
      principal: { userId: owner.userId, email: owner.email, name: 'o', via: 'session', sessionId: 'gone' },
      org: { id: owner.orgId, role: 'owner' },
      lastEventId: undefined,
      reauthenticate: async () => null, // signed out: the next heartbeat's re-check ends the stream
    });
    // Nobody reads it yet, so its end is not consumed and the stream stays open to (wrong) pushes.
    const errors: Error[] = [];
    unread.on('error', (e) => errors.push(e));
    await new Promise((r) => setTimeout(r, 700)); // two heartbeats: the re-check has ended it
    for (let i = 0; i < 5; i++) {
      await bus.publish({
        id: crypto.randomUUID(),
        orgId: owner.orgId,
        type: 'platform.org.updated',
        occurredAt: new Date().toISOString(),
        payload: { target: { type: 'org', id: owner.orgId } },
      });
    }
    await new Promise((r) => setTimeout(r, 700)); // two more heartbeats and the five events' fan-out
    let text = '';
    unread.on('data', (chunk) => (text += String(chunk)));
    await new Promise<void>((r) => (unread.closed ? r() : unread.once('close', () => r())));
    expect(errors).toEqual([]);
    expect(text.split('event: closed')).toHaveLength(2);
    expect(text.slice(text.indexOf('event: closed'))).not.toContain('\nid: ');
  });
});

/**
 * Notifications: made by the worker's `notifications` consumer from the events the outbox holds (relayed here by
 * the test, as the relay will), exactly once per event; each member lists, counts and marks only their own.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { consumers } from '../src/consumers.js';
import { processDelivery } from '../src/platform/events/consumer.js';
import { CAMPAIGN, created } from './support/campaigns.js';
import { addMember } from './support/cli.js';
import { connect } from './support/db.js';
import { acceptedBy, outboxEvents, relayOutbox, waitFor } from './support/events.js';
import { as, expectProblem, signInActor, signUpActor, type Actor } from './support/http.js';

let app: TestApp;
let admin: pg.Client;
let owner: Actor;
let manager: Actor;
let writer: Actor;
let comms: Actor;
let offTeam: Actor;
let viewer: Actor;
let campaignId: string;

const notifications = consumers.find((c) => c.name === 'notifications')!;
const relay = () => relayOutbox(app, admin, owner.orgId, 'notifications', acceptedBy(notifications));

async function member(role: 'manager' | 'staff' | 'viewer', label: string): Promise<Actor> {
  const m = await addMember(app.db.adminUrl, owner.orgId, role, label);
  return signInActor(app.url, m.email, m.password, owner.orgId);
}

/** Every notification of the org, by recipient, as (type, title) — through the admin connection. */
async function allNotices(): Promise<Map<string, { type: string; title: string; url: string | null }[]>> {
  const { rows } = await admin.query(
    `SELECT user_id, type, title, url FROM notifications WHERE org_id = $1 ORDER BY created_at, type`,
    [owner.orgId],
  );
  const by = new Map<string, { type: string; title: string; url: string | null }[]>();
  for (const r of rows) by.set(r.user_id, [...(by.get(r.user_id) ?? []), { type: r.type, title: r.title, url: r.url }]);
  return by;
}
const typesOf = async (a: Actor) => ((await allNotices()).get(a.userId) ?? []).map((n) => n.type);

async function ok(r: Promise<{ status: number; text: string; body: any }>, status = 200) {
  const x = await r;
  expect(x.status, x.text.slice(0, 300)).toBe(status);
  return x.body;
}

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
  owner = await signUpActor(app.url, 'notify-owner');
  manager = await member('manager', 'notify-manager');
  writer = await member('staff', 'notify-writer');
  comms = await member('staff', 'notify-comms');
  offTeam = await member('staff', 'notify-off-team');
  viewer = await member('viewer', 'notify-viewer');
  campaignId = await created(manager, '/api/v1/campaigns', CAMPAIGN);
  for (const [m, role] of [
    [writer, 'field'],
    [comms, 'communications'],
    [viewer, 'analyst'],
  ] as const) {
    await ok(as(manager, 'POST', `/api/v1/campaigns/${campaignId}/team`, { json: { userId: m.userId, role } }), 201);
  }
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

describe('the notifications consumer', () => {
  it('tells the admins of each new member (not the member), and no one else', async () => {
    await relay();
    const by = await allNotices();
    expect(by.get(owner.userId)?.map((n) => n.title)).toEqual(
      [manager, writer, comms, offTeam, viewer].map(() => expect.stringMatching(/^notify-.* joined the organization$/)),
    );
    for (const m of [manager, writer, comms, offTeam, viewer]) expect(by.get(m.userId), m.email).toBeUndefined();
  });

  it('follows a message through review: approvers, then its author, then its participants', async () => {
    const base = `/api/v1/campaigns/${campaignId}/messages`;
    const m = await ok(as(writer, 'POST', base, { json: { title: 'Door script', channel: 'sms', text: 'Hi!' } }), 201);
    const v = `${base}/${m.id}/versions/${m.versions[0].id}`;
    const revisionId = m.versions[0].head.id;
    await ok(as(writer, 'POST', `${v}/submit`, { json: { revisionId } }));
    await relay();
    // Who may approve on this campaign: its manager and communications, and the org's owner (admins run every
    // campaign's messages); not the author, not staff off the team, not the team's analyst.
    for (const a of [owner, manager, comms]) expect(await typesOf(a), a.email).toContain('message.review_requested');
    for (const a of [writer, offTeam, viewer])
      expect(await typesOf(a), a.email).not.toContain('message.review_requested');
    const review = (await allNotices()).get(comms.userId)!.find((n) => n.type === 'message.review_requested')!;
    expect(review).toEqual({
      type: 'message.review_requested',
      title: 'Review requested: “Door script”',
      url: `/campaigns/list/${campaignId}/messages/${m.id}`,
    });

    await ok(as(comms, 'POST', `${v}/request-changes`, { json: { revisionId, comment: 'Say who we are.' } }));
    await relay();
    expect(await typesOf(writer)).toEqual(['message.changes_requested']);
    expect(await typesOf(comms)).toEqual(['message.review_requested']);

    await ok(as(writer, 'POST', `${v}/comments`, { json: { body: 'Done, have a look.' } }), 201);
    await relay();
    // The comment reaches the participants: comms (who decided and commented), not its own author.
    expect(await typesOf(comms)).toEqual(['message.review_requested', 'message.commented']);
    expect(await typesOf(writer)).toEqual(['message.changes_requested']);
    expect(await typesOf(manager)).toEqual(['message.review_requested']);
  });

  it('signals each new notification on the bus once it is committed (for the recipient’s open consoles)', async () => {
    const { bus } = app.platform.services;
    const signals: { id: string; recipient: unknown }[] = [];
    const sub = await bus.subscribe(
      { module: 'platform', entity: 'notification', verb: 'created' },
      async (e) => void signals.push({ id: e.id, recipient: e.payload.recipient }),
      { durableName: 'test-signals', startAt: 'new' },
    );
    try {
      const m = await member('staff', 'notify-signalled');
      await relay();
      const { rows } = await admin.query(
        `SELECT id, user_id FROM notifications WHERE org_id = $1 AND body LIKE $2 ORDER BY user_id`,
        [owner.orgId, '%notify-signalled%'],
      );
      expect(rows.length).toBeGreaterThan(0);
      await waitFor(() => signals.length === rows.length, 'a signal per notification');
      expect(signals.sort((x, y) => String(x.recipient).localeCompare(String(y.recipient)))).toEqual(
        rows.map((r) => ({ id: r.id, recipient: r.user_id })),
      );
      expect(rows.map((r) => r.user_id)).not.toContain(m.userId);
    } finally {
      await sub.close();
    }
  });

  it('makes each event’s notifications once, however often it is delivered', async () => {
    const before = (await admin.query('SELECT count(*)::int AS n FROM notifications')).rows[0].n;
    expect(before).toBeGreaterThan(0);
    const { services } = app.platform;
    for (const e of (await outboxEvents(admin, owner.orgId)).filter(acceptedBy(notifications))) {
      const again = await processDelivery(services.db, services, notifications, {
        ...e,
        subject: `akashic.${e.orgId}.${e.type}`,
        attempt: 2,
      });
      expect(again, e.type).toBe(false);
    }
    await relay();
    expect((await admin.query('SELECT count(*)::int AS n FROM notifications')).rows[0].n).toBe(before);
  });
});

describe('notification routes', () => {
  it('list a member’s own notifications newest first, in pages, and count the unread', async () => {
    const all = await ok(as(owner, 'GET', '/api/v1/notifications'));
    expect(all.items.length).toBeGreaterThanOrEqual(6);
    expect(all.items[0].title).toMatch(/^notify-signalled.* joined/); // the newest
    const first = await ok(as(owner, 'GET', '/api/v1/notifications?limit=2'));
    const second = await ok(as(owner, 'GET', `/api/v1/notifications?limit=2&cursor=${first.nextCursor}`));
    expect([...first.items, ...second.items].map((n: { id: string }) => n.id)).toEqual(
      all.items.slice(0, 4).map((n: { id: string }) => n.id),
    );
    expect(await ok(as(owner, 'GET', '/api/v1/notifications/unread-count'))).toEqual({ unread: all.items.length });
    expect(await ok(as(offTeam, 'GET', '/api/v1/notifications'))).toEqual({ items: [], nextCursor: null });
    expect(await ok(as(offTeam, 'GET', '/api/v1/notifications/unread-count'))).toEqual({ unread: 0 });
  });

  it('mark one read (once), then all; another member cannot mark them (404)', async () => {
    const [n] = (await ok(as(writer, 'GET', '/api/v1/notifications'))).items;
    expectProblem(await as(comms, 'POST', `/api/v1/notifications/${n.id}/read`), 404, 'not_found');
    expectProblem(await as(owner, 'POST', `/api/v1/notifications/${n.id}/read`), 404, 'not_found');
    const read = await ok(as(writer, 'POST', `/api/v1/notifications/${n.id}/read`));
    expect(read).toMatchObject({ id: n.id, readAt: expect.any(String) });
    const again = await ok(as(writer, 'POST', `/api/v1/notifications/${n.id}/read`));
    expect(again.readAt).toBe(read.readAt);
    expect(await ok(as(writer, 'GET', '/api/v1/notifications/unread-count'))).toEqual({ unread: 0 });

    const unread = (await ok(as(owner, 'GET', '/api/v1/notifications?unread=true'))).items.length;
    expect(unread).toBeGreaterThan(0);
    expect(await ok(as(owner, 'POST', '/api/v1/notifications/read-all'))).toEqual({ marked: unread });
    expect(await ok(as(owner, 'GET', '/api/v1/notifications?unread=true'))).toEqual({ items: [], nextCursor: null });
    // comms' notifications were untouched by the owner's read-all.
    expect((await ok(as(comms, 'GET', '/api/v1/notifications/unread-count'))).unread).toBe(2);
  });
});

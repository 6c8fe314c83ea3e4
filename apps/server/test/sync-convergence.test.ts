/**
 * The client engine (packages/sync) against the real sync endpoints on the embedded database, over random schedules
 * (packages/sync/test/schedule.ts: three members' devices offline and online, pushes delivered late, out of order,
 * twice or with their answers lost, pulls in small pages, reloads). A bounded number of runs: the model-server test
 * in packages/sync runs many more. Every device ends with exactly what a fresh full pull returns and nothing
 * pending; every canvass result accepted is stored exactly once and every refused mutation is reported to its device.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncPullBody, SyncPushBody } from '@akashic/contracts';
import { Replica } from '@akashic/sync';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { memoryStorage } from '../../../packages/sync/src/storage.js';
import { opArb, runSchedule, type World } from '../../../packages/sync/test/schedule.js';
import { CAMPAIGN, created } from './support/campaigns.js';
import { addMember } from './support/cli.js';
import { connect } from './support/db.js';
import { fieldOf } from './support/field.js';
import { as, signInActor, signUpActor, type Actor } from './support/http.js';

let app: TestApp;
let admin: pg.Client;
let world: World;
let owner: Actor;

const transport = (actor: Actor) => ({
  userId: actor.userId,
  push: async (body: SyncPushBody) => {
    const r = await as(actor, 'POST', '/api/v1/sync/push', { json: body });
    if (r.status !== 200) throw new Error(`push: ${r.status} ${r.text}`);
    return r.body;
  },
  pull: async (body: SyncPullBody) => {
    const r = await as(actor, 'POST', '/api/v1/sync/pull', { json: body });
    if (r.status !== 200) throw new Error(`pull: ${r.status} ${r.text}`);
    return r.body;
  },
});

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
  owner = await signUpActor(app.url, 'sync-conv-owner');
  const campaignId = await created(owner, '/api/v1/campaigns', CAMPAIGN);
  const field = await fieldOf(owner, campaignId, 'CONV');
  const rsvps = [field.rsvpId];
  for (let i = 0; i < 2; i++) {
    rsvps.push(
      await created(owner, `/api/v1/campaigns/${campaignId}/events/${field.eventId}/rsvps`, {
        name: `Guest ${i}`,
        email: `conv-${i}-${randomUUID()}@example.test`,
        response: 'yes',
      }),
    );
  }
  const m = await as(owner, 'POST', `/api/v1/campaigns/${campaignId}/messages`, {
    json: { title: 'Door script', channel: 'sms', text: 'Hi there' },
  });
  if (m.status !== 201) throw new Error(`message: ${m.status} ${m.text}`);
  // Two more members, on the campaign's team as managers (they may canvass, check in and write messages).
  const members = [owner];
  for (const label of ['conv-a', 'conv-b']) {
    const u = await addMember(app.db.adminUrl, owner.orgId, 'staff', label);
    const t = await as(owner, 'POST', `/api/v1/campaigns/${campaignId}/team`, {
      json: { userId: u.userId, role: 'manager' },
    });
    if (t.status !== 201) throw new Error(`team: ${t.status} ${t.text}`);
    members.push(await signInActor(app.url, u.email, u.password, owner.orgId));
  }
  world = {
    campaignId,
    voters: field.voterIds.slice(0, 4),
    rsvps: rsvps.map((id) => ({ eventId: field.eventId, id })),
    message: { id: m.body.id, versionId: m.body.versions[0].id },
    missingVoter: randomUUID(),
    missingRsvp: randomUUID(),
    clients: members.map(transport),
  };
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

describe('the replica against the real server', () => {
  it('converges, stores every accepted canvass result and walk-in once and reports every refusal (random schedules)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb(3, 4, 3), { minLength: 10, maxLength: 30 }), async (ops) => {
        const devices = await runSchedule(world, ops, randomUUID, 10);
        // The truth: a fresh full pull by a new client of the first member.
        const fresh = await Replica.open({
          campaignId: world.campaignId,
          clientGroupId: randomUUID(),
          clientId: randomUUID(),
          userId: owner.userId,
          storage: memoryStorage(),
        });
        await fresh.sync(world.clients[0]!);
        const truth = fresh.snapshot();
        for (const d of devices) {
          expect(d.replica.pendingMutations).toEqual([]);
          expect(d.replica.snapshot()).toEqual(truth);
          const refused = await admin.query<{ id: number }>(
            'SELECT mutation_id AS id FROM sync_rejections WHERE client_id = $1',
            [d.id],
          );
          const refusedIds = new Set(refused.rows.map((r) => r.id));
          for (const id of refusedIds)
            expect(d.replica.rejected.some((r) => r.clientId === d.id && r.mutationId === id)).toBe(true);
          const clients = await admin.query<{ last: number }>(
            'SELECT last_mutation_id AS last FROM sync_clients WHERE client_id = $1',
            [d.id],
          );
          expect(clients.rows[0]?.last ?? 0).toBe(d.made.size);
          // Every walk-in the device checked in is on the event once, or (refused) not at all.
          for (const [id, m] of d.made) {
            if (m.name !== 'event.walkIn') continue;
            const { name } = (m.args as { walkIn: { name: string } }).walkIn;
            const n = await admin.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM field_rsvps WHERE name = $1 AND walk_in',
              [name],
            );
            expect(n.rows[0]!.n, `walk-in #${id}`).toBe(refusedIds.has(id) ? 0 : 1);
          }
          // Every canvass result the device recorded is stored once, or (refused) not at all.
          for (const [id, m] of d.made) {
            if (m.name !== 'canvass.record') continue;
            const { clientId } = (m.args as { result: { clientId: string } }).result;
            const n = await admin.query<{ n: number }>(
              'SELECT count(*)::int AS n FROM canvass_results WHERE client_id = $1',
              [clientId],
            );
            expect(n.rows[0]!.n, `canvass #${id}`).toBe(refusedIds.has(id) ? 0 : 1);
          }
        }
      }),
      { numRuns: 4 },
    );
  }, 600_000);
});

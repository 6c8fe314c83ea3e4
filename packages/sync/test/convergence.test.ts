/**
 * Convergence of the client engine against the in-memory model server, over many random schedules of three clients
 * (offline/online, reordered, duplicated and lost deliveries, reloads, a second tab): every client ends with exactly the server's
 * state and nothing pending, every accepted mutation took effect exactly once, every refused one is reported to its
 * client, and each device's queue survived its reloads.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Replica } from '../src/replica.js';
import { memoryStorage } from '../src/storage.js';
import { CAMPAIGN, EVENT, MESSAGE, ModelServer, RSVPS, VERSION, VOTERS, rsvpId, voterId } from './model-server.js';
import { opArb, runSchedule, type World } from './schedule.js';

const USERS = [
  '00000000-0000-4000-8000-900000000001',
  '00000000-0000-4000-8000-900000000002',
  '00000000-0000-4000-8000-900000000003',
];

function modelWorld(server: ModelServer): World {
  return {
    campaignId: CAMPAIGN,
    voters: Array.from({ length: VOTERS }, (_, i) => voterId(i)),
    rsvps: Array.from({ length: RSVPS }, (_, i) => ({ eventId: EVENT, id: rsvpId(i) })),
    message: { id: MESSAGE, versionId: VERSION },
    missingVoter: voterId(99),
    missingRsvp: rsvpId(99),
    clients: USERS.map((userId) => ({
      userId,
      push: (b) => Promise.resolve(JSON.parse(JSON.stringify(server.push(b, userId)))),
      pull: (b) => Promise.resolve(JSON.parse(JSON.stringify(server.pull(b)))),
    })),
  };
}

const counter = () => {
  let n = 0;
  return () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
};

describe('the replica against the model server', () => {
  it('converges, applies every accepted mutation once and reports every refusal (random schedules)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb(3, VOTERS, RSVPS), { maxLength: 60 }), async (ops) => {
        const server = new ModelServer();
        const devices = await runSchedule(modelWorld(server), ops, counter());
        const truth = server.snapshot();
        for (const d of devices) {
          expect(d.replica.pendingMutations).toEqual([]);
          expect(d.replica.snapshot()).toEqual(truth);
          // A second document of the device sees the same, refusals included.
          if (d.second) {
            expect(d.second.pendingMutations).toEqual([]);
            expect(d.second.snapshot()).toEqual(truth);
            expect(d.second.rejected).toEqual(d.replica.rejected);
          }
          for (const [id, { name, args }] of d.made) {
            const effects = server.effects.get(`${d.id}:${id}`) ?? 0;
            const refused = server.rejections.filter((r) => r.clientId === d.id && r.mutationId === id);
            // Exactly one of: took effect once, or refused once (and then reported to the device).
            expect([effects, refused.length], `${name} #${id}`).toEqual(refused.length ? [0, 1] : [1, 0]);
            // Reported with what the mutation was, whether the push's answer or a later pull told it.
            if (refused.length)
              expect(d.replica.rejected.find((r) => r.clientId === d.id && r.mutationId === id)?.args).toEqual(args);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('shows a change at once, keeps it across a reload while offline, and drops it only once the server has it', async () => {
    const server = new ModelServer();
    const [client] = modelWorld(server).clients;
    const storage = memoryStorage();
    const o = { campaignId: CAMPAIGN, clientGroupId: USERS[1]!, clientId: USERS[2]!, userId: USERS[0]!, storage };
    const first = await Replica.open(o);
    await first.sync(client!);
    const result = {
      clientId: USERS[0]!,
      voterId: voterId(1),
      outcome: 'not_home' as const,
      recordedAt: '2026-01-02T00:00:00Z',
    };
    await first.mutate('canvass.record', { campaignId: CAMPAIGN, result });
    expect(first.get('canvass_result', result.clientId)).toMatchObject({ voterId: voterId(1), canvasserId: USERS[0] });
    expect(first.serverSnapshot().has(`canvass_result:${result.clientId}`)).toBe(false);

    const reloaded = await Replica.open(o);
    expect(reloaded.pendingMutations.map((m) => m.name)).toEqual(['canvass.record']);
    expect(reloaded.get('canvass_result', result.clientId)).toBeDefined();
    const push = reloaded.pushBody()!;
    await reloaded.applyPush(server.push(push, USERS[0]!));
    expect(reloaded.pendingMutations).toHaveLength(1); // confirmed by a pull, not by the push's answer
    await reloaded.sync(client!);
    expect(reloaded.pendingMutations).toEqual([]);
    expect(reloaded.get('canvass_result', result.clientId)).toMatchObject({ id: expect.stringMatching(/^server-/) });
    expect(reloaded.get('voter', voterId(1))).toMatchObject({ contactStatus: 'attempted' });
  });
});

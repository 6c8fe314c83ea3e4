/** What the replica tells a screen about refused mutations: what they were, and that they wait for nothing. */
import { describe, expect, it } from 'vitest';
import { Replica } from '../src/replica.js';
import { memoryStorage } from '../src/storage.js';

const CAMPAIGN = '00000000-0000-4000-8000-000000000001';
const VOTER = '00000000-0000-4000-8000-000000000002';
const problem = { type: 'about:blank', title: 'Not found', status: 404, code: 'not_found', detail: 'No such voter' };

const result = (n: number) => ({
  campaignId: CAMPAIGN,
  result: {
    clientId: `00000000-0000-4000-8000-00000000010${n}`,
    voterId: VOTER,
    outcome: 'not_home' as const,
    recordedAt: '2028-06-01T15:04:05.000Z',
  },
});

describe('a refused mutation', () => {
  it('keeps its args, and stops counting as waiting while it stays queued until a pull confirms it', async () => {
    const storage = memoryStorage();
    const open = () =>
      Replica.open({
        campaignId: CAMPAIGN,
        clientGroupId: '00000000-0000-4000-8000-0000000000a1',
        clientId: '00000000-0000-4000-8000-0000000000b1',
        userId: '00000000-0000-4000-8000-0000000000c1',
        storage,
      });
    const replica = await open();
    const first = await replica.mutate('canvass.record', result(1));
    const second = await replica.mutate('canvass.record', result(2));
    await replica.applyPush({
      lastMutationId: second,
      results: [
        { id: first, status: 'rejected', problem },
        { id: second, status: 'applied' },
      ],
    });
    expect(replica.pendingMutations.map((m) => m.id)).toEqual([first, second]);
    expect(replica.waitingMutations.map((m) => m.id)).toEqual([second]);
    // The refused result is gone from what screens read at once; the accepted one stays until a pull confirms it.
    expect(replica.get('canvass_result', result(1).result.clientId)).toBeUndefined();
    expect(replica.get('canvass_result', result(2).result.clientId)?.outcome).toBe('not_home');
    expect(replica.rejected).toEqual([
      { clientId: replica.clientId, mutationId: first, name: 'canvass.record', problem, args: result(1) },
    ]);
    // Kept across a reload.
    const again = await open();
    expect(again.rejected[0]?.args).toEqual(result(1));
    expect(again.waitingMutations.map((m) => m.id)).toEqual([second]);
    expect(again.get('canvass_result', result(1).result.clientId)).toBeUndefined();
  });
});

describe('a pull', () => {
  it('notifies readers when it changes what they see, and not for a page that changes nothing', async () => {
    const replica = await Replica.open({
      campaignId: CAMPAIGN,
      clientGroupId: '00000000-0000-4000-8000-0000000000a2',
      clientId: '00000000-0000-4000-8000-0000000000b2',
      userId: '00000000-0000-4000-8000-0000000000c2',
      storage: memoryStorage(),
    });
    let notified = 0;
    replica.subscribe(() => notified++);
    const page = (cursor: string, puts: { entity: 'voter'; id: string; value: Record<string, unknown> }[] = []) => ({
      cursor,
      more: false,
      reset: false,
      puts,
      deletes: [],
      lastMutationIds: {},
      rejected: [],
    });
    // The first page, even empty: the replica has synced.
    await replica.applyPull(replica.pullBody(), page('c1'));
    expect([notified, replica.hasSynced]).toEqual([1, true]);
    await replica.applyPull(replica.pullBody(), page('c2'));
    expect(notified).toBe(1);
    await replica.applyPull(replica.pullBody(), page('c3', [{ entity: 'voter', id: VOTER, value: { id: VOTER } }]));
    expect(notified).toBe(2);
    // A mutation confirmed by a pull leaves the queue: readers hear of it.
    await replica.mutate('canvass.record', result(3));
    expect(notified).toBe(3);
    await replica.applyPull(replica.pullBody(), { ...page('c4'), lastMutationIds: { [replica.clientId]: 1 } });
    expect([notified, replica.pendingMutations.length]).toEqual([4, 0]);
    expect(replica.pullBody().cursor).toBe('c4');
  });
});

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
    expect(replica.rejected).toEqual([
      { clientId: replica.clientId, mutationId: first, name: 'canvass.record', problem, args: result(1) },
    ]);
    // Kept across a reload.
    const again = await open();
    expect(again.rejected[0]?.args).toEqual(result(1));
    expect(again.waitingMutations.map((m) => m.id)).toEqual([second]);
  });
});

/**
 * A refused mutation stays with its arguments on the device that made it (so a screen can show the refusal where
 * the change was made), whether the refusal arrives in the push answer or, after a lost answer, in a later pull,
 * and across a reload.
 */
import { describe, expect, it } from 'vitest';
import { Replica, memoryStorage, type Transport } from '../src/index.js';
import { CAMPAIGN, EVENT, ModelServer, rsvpId } from './model-server.js';

const USER = '00000000-0000-4000-8000-0000000000aa';
const GROUP = '00000000-0000-4000-8000-0000000000bb';
const CLIENT = '00000000-0000-4000-8000-0000000000cc';
const MISSING = '00000000-0000-4000-8000-2000000000ff';

const open = (storage = memoryStorage()) =>
  Replica.open({ campaignId: CAMPAIGN, clientGroupId: GROUP, clientId: CLIENT, userId: USER, storage });

describe('rejections keep their arguments', () => {
  it('from the push answer, through the pull that drops the mutation, and a reload', async () => {
    const server = new ModelServer();
    const transport: Transport = {
      push: (b) => Promise.resolve(server.push(b, USER)),
      pull: (b) => Promise.resolve(server.pull(b)),
    };
    const storage = memoryStorage();
    const replica = await open(storage);
    await replica.sync(transport);
    await replica.mutate('event.checkIn', { campaignId: CAMPAIGN, eventId: EVENT, rsvpId: rsvpId(0) });
    await replica.mutate('event.checkIn', { campaignId: CAMPAIGN, eventId: EVENT, rsvpId: MISSING });
    await replica.sync(transport);
    expect(replica.pendingMutations).toEqual([]);
    expect(replica.rejected).toHaveLength(1);
    expect(replica.rejected[0]).toMatchObject({
      mutationId: 2,
      name: 'event.checkIn',
      problem: { code: 'not_found' },
      args: { eventId: EVENT, rsvpId: MISSING },
    });
    const reloaded = await open(storage);
    expect(reloaded.rejected[0]?.args).toEqual(replica.rejected[0]?.args);
  });

  it('from a pull when the push answer was lost', async () => {
    const server = new ModelServer();
    let lose = true;
    const transport: Transport = {
      push: (b) => {
        const answer = server.push(b, USER);
        if (lose) return Promise.reject(new Error('connection lost'));
        return Promise.resolve(answer);
      },
      pull: (b) => Promise.resolve(server.pull(b)),
    };
    const replica = await open();
    await replica.mutate('event.undoCheckIn', { campaignId: CAMPAIGN, eventId: EVENT, rsvpId: MISSING });
    await expect(replica.sync(transport)).rejects.toThrow('connection lost');
    expect(replica.rejected).toEqual([]);
    lose = false;
    await replica.sync(transport);
    expect(replica.pendingMutations).toEqual([]);
    expect(replica.rejected).toEqual([
      expect.objectContaining({
        mutationId: 1,
        name: 'event.undoCheckIn',
        args: expect.objectContaining({ rsvpId: MISSING }),
      }),
    ]);
  });
});

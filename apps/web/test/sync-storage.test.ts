/**
 * The browser's sync storage (apps/web/src/sync/storage.ts: Dexie over IndexedDB, here fake-indexeddb's in Node):
 * a replica's identity, queue, cursor, entities and rejections survive closing and reopening the database (a page
 * reload), a reset replaces the entities, and replicas of different campaigns do not see each other's rows.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { Replica } from '@akashic/sync';
import type { SyncPullResult } from '@akashic/contracts';
import { SyncDb, dexieStorage, identityOf } from '../src/sync/storage.js';

const CAMPAIGN = '00000000-0000-4000-8000-000000000001';
const USER = '00000000-0000-4000-8000-000000000009';
const VOTER = '00000000-0000-4000-8000-000000000002';

async function open(name: string, replica: string) {
  const db = new SyncDb(name);
  const ids = await identityOf(db, replica);
  const r = await Replica.open({ campaignId: CAMPAIGN, userId: USER, ...ids, storage: dexieStorage(db, replica) });
  return { db, r, ids };
}

const page = (over: Partial<SyncPullResult>): SyncPullResult => ({
  cursor: 'c1',
  more: false,
  reset: false,
  puts: [],
  deletes: [],
  lastMutationIds: {},
  rejected: [],
  ...over,
});

describe('Dexie sync storage', () => {
  it('keeps identity, queue, cursor, entities and rejections across a reload', async () => {
    const first = await open('sync-test-1', 'org:user:campaign');
    const voter = { id: VOTER, voterId: 'V1', contactStatus: 'not_contacted' };
    await first.r.applyPull(
      first.r.pullBody(),
      page({ reset: true, puts: [{ entity: 'voter', id: VOTER, value: voter }] }),
    );
    const clientId = '00000000-0000-4000-8000-00000000000c';
    await first.r.mutate('canvass.record', {
      campaignId: CAMPAIGN,
      result: { clientId, voterId: VOTER, outcome: 'not_home', recordedAt: '2026-01-01T10:00:00Z' },
    });
    await first.r.applyPush({
      lastMutationId: 1,
      results: [
        { id: 1, status: 'rejected', problem: { type: 't', title: 'x', status: 409, code: 'conflict', detail: 'd' } },
      ],
    });
    first.db.close();

    const again = await open('sync-test-1', 'org:user:campaign');
    expect(again.ids).toEqual(first.ids);
    expect(again.r.hasSynced).toBe(true);
    expect(again.r.pendingMutations.map((m) => [m.id, m.name])).toEqual([[1, 'canvass.record']]);
    expect(again.r.get('voter', VOTER)).toEqual(voter);
    expect(again.r.get('canvass_result', clientId)).toMatchObject({ voterId: VOTER, outcome: 'not_home' });
    expect(again.r.rejected.map((x) => [x.mutationId, x.problem.code])).toEqual([[1, 'conflict']]);
    expect(again.r.pullBody().cursor).toBe('c1');
    // The next mutation continues the numbering.
    expect(
      await again.r.mutate('event.checkIn', {
        campaignId: CAMPAIGN,
        eventId: VOTER,
        rsvpId: VOTER,
      }),
    ).toBe(2);

    // A reset replaces every entity; confirmed mutations leave the queue.
    await again.r.applyPull(
      again.r.pullBody(),
      page({ cursor: 'c2', reset: true, lastMutationIds: { [again.ids.clientId]: 1 } }),
    );
    again.db.close();
    const third = await open('sync-test-1', 'org:user:campaign');
    expect(third.r.serverSnapshot().size).toBe(0);
    expect(third.r.pendingMutations.map((m) => m.id)).toEqual([2]);
    third.db.close();
  });

  it('keeps replicas apart, and reads a replica that never synced as empty', async () => {
    const a = await open('sync-test-2', 'org:user:a');
    await a.r.applyPull(
      a.r.pullBody(),
      page({ reset: true, puts: [{ entity: 'voter', id: VOTER, value: { id: VOTER } }] }),
    );
    const b = await open('sync-test-2', 'org:user:b');
    expect(b.r.hasSynced).toBe(false);
    expect(b.r.serverSnapshot().size).toBe(0);
    expect(b.ids.clientId).not.toBe(a.ids.clientId);
    a.db.close();
    b.db.close();
  });
});

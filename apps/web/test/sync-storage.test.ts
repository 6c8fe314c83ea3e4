/**
 * The browser's sync storage (apps/web/src/sync/storage.ts: Dexie over IndexedDB, here fake-indexeddb's in Node):
 * a replica's identity, queue, cursor, entities and rejections survive closing and reopening the database (a page
 * reload), a reset replaces the entities, and replicas of different campaigns do not see each other's rows. Large
 * writes kept as chunks and small ones as entity records read back as the same state as a plain map of entities
 * (property), and a database written before chunks existed reads as it did.
 */
import 'fake-indexeddb/auto';
import { Dexie } from 'dexie';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Replica, memoryStorage, type ReplicaWrite } from '@akashic/sync';
import type { SyncEntity, SyncPullResult } from '@akashic/contracts';
import { CHUNK_MIN_PUTS, SyncDb, dexieStorage, identityOf } from '../src/sync/storage.js';

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
    // Still queued (until a pull confirms the refusal), but refused: it has no effect on what screens read.
    expect(again.r.get('canvass_result', clientId)).toBeUndefined();
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

  it('reads back what a plain map holds, whatever mix of chunked and small writes, deletes and resets', async () => {
    const KINDS: SyncEntity[] = ['voter', 'rsvp'];
    const write = fc.record({
      clearEntities: fc.boolean().map((b) => b || undefined),
      bulk: fc.boolean(),
      deleteEntities: fc.array(fc.tuple(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 150 }))),
      // Small writes (entity records) and large ones (a chunk when bulk).
      putEntities: fc.oneof(
        fc.array(fc.tuple(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 150 }), fc.integer()), {
          maxLength: 5,
        }),
        fc.array(fc.tuple(fc.constantFrom(...KINDS), fc.integer({ min: 0, max: 150 }), fc.integer()), {
          minLength: CHUNK_MIN_PUTS,
          maxLength: CHUNK_MIN_PUTS + 40,
        }),
      ),
    });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(write, { minLength: 1, maxLength: 8 }), async (writes) => {
        const name = `sync-test-prop-${run++}`;
        const db = new SyncDb(name);
        await identityOf(db, 'r');
        const idb = dexieStorage(db, 'r');
        const mem = memoryStorage();
        const byKey = (xs: [SyncEntity, string, unknown][]) => new Map(xs.map(([e, id, v]) => [`${e}:${id}`, v]));
        // After each write: its version and the state then (what a document that read at that version holds).
        const seen: { version: number; state: Map<string, unknown> }[] = [];
        for (const w of writes) {
          const change: ReplicaWrite = {
            ...(w.clearEntities ? { clearEntities: true } : {}),
            bulk: w.bulk,
            deleteEntities: w.deleteEntities.map(([e, n]) => [e, `id-${n}`] as const),
            putEntities: w.putEntities.map(([e, n, v]) => [e, `id-${n}`, { v }] as const),
          };
          const version = await idb.write(change);
          await mem.write(change);
          seen.push({ version, state: byKey(mem.data.entities) });
        }
        db.close();
        const reopened = new SyncDb(name);
        const storage = dexieStorage(reopened, 'r');
        const got = await storage.read();
        const final = byKey(mem.data.entities);
        expect(byKey(got!.entities)).toEqual(final);
        // A document that read at any earlier version catches up on what was written since (a delta, or all).
        expect(await storage.readSince!(seen.at(-1)!.version)).toBeNull();
        for (const { version, state } of seen.slice(0, -1)) {
          const since = (await storage.readSince!(version))!;
          expect(since.version).toBe(got!.version);
          if ('entities' in since) expect(byKey(since.entities)).toEqual(final);
          else {
            const caught = new Map(state);
            for (const [e, id, v] of since.changes)
              if (v === undefined) caught.delete(`${e}:${id}`);
              else caught.set(`${e}:${id}`, v);
            expect(caught).toEqual(final);
          }
        }
        reopened.close();
        await Dexie.delete(name);
      }),
      { numRuns: 40 },
    );
  });

  it('keeps what two documents of the device record, and each takes what the other stored', async () => {
    // Two tabs: two connections to one database, each with its replica of the same campaign.
    const a = await open('sync-test-tabs', 'org:user:campaign');
    const b = await open('sync-test-tabs', 'org:user:campaign');
    expect(b.ids).toEqual(a.ids);
    const voter = { id: VOTER, voterId: 'V1', contactStatus: 'not_contacted' };
    await a.r.applyPull(a.r.pullBody(), page({ reset: true, puts: [{ entity: 'voter', id: VOTER, value: voter }] }));
    const record = (clientId: string) => ({
      campaignId: CAMPAIGN,
      result: { clientId, voterId: VOTER, outcome: 'not_home' as const, recordedAt: '2026-01-01T10:00:00Z' },
    });
    // B read before A's pull: its first write is refused; it takes A's state (the page) and queues on top of it.
    expect(await b.r.mutate('canvass.record', record('00000000-0000-4000-8000-0000000000b1'))).toBe(1);
    expect(b.r.get('voter', VOTER)).toEqual(voter);
    expect(await a.r.mutate('canvass.record', record('00000000-0000-4000-8000-0000000000a1'))).toBe(2);
    expect(a.r.pendingMutations.map((m) => m.id)).toEqual([1, 2]);
    // B is told (here: asked) and takes A's mutation: a delta, not a full read.
    const since = await dexieStorage(b.db, 'org:user:campaign').readSince!(b.r.version);
    expect(since && 'changes' in since && since.pending.length).toBe(2);
    await b.r.refresh();
    expect(b.r.pendingMutations.map((m) => m.id)).toEqual([1, 2]);
    expect(b.r.version).toBe(a.r.version);
    const stored = await dexieStorage(a.db, 'org:user:campaign').read();
    expect(stored!.pending.map((m) => m.id)).toEqual([1, 2]);
    // A page B pulled from the cursor both had: applied on top of A's state, which had not moved the cursor.
    const next = page({ cursor: 'c2', puts: [{ entity: 'voter', id: VOTER, value: { ...voter, n: 2 } }] });
    const sentByA = a.r.pullBody();
    expect(await b.r.applyPull(b.r.pullBody(), next)).toBe(false);
    // A's answer to the same cursor comes late: A takes B's write and pulls again from there.
    expect(await a.r.applyPull(sentByA, page({ cursor: 'c2' }))).toBe(true);
    expect(a.r.pullBody().cursor).toBe('c2');
    expect(a.r.serverSnapshot()).toEqual(b.r.serverSnapshot());
    a.db.close();
    b.db.close();
    await Dexie.delete('sync-test-tabs');
  });

  it('reads a database written before chunks existed, and chunks only pages of a full copy', async () => {
    const old = new Dexie('sync-test-v1');
    old.version(1).stores({ entities: '[replica+key], replica', replicas: 'replica' });
    await old.table('replicas').put({
      replica: 'r',
      clientGroupId: 'g',
      clientId: 'c',
      cursor: 'c1',
      pending: [],
      nextMutationId: 1,
      rejected: [],
      started: true,
    });
    await old
      .table('entities')
      .bulkPut(
        [1, 2].map((n) => ({ replica: 'r', key: `voter\u0000v${n}`, entity: 'voter', id: `v${n}`, value: { n } })),
      );
    old.close();
    const db = new SyncDb('sync-test-v1');
    const storage = dexieStorage(db, 'r');
    expect((await storage.read())!.entities).toEqual([
      ['voter', 'v1', { n: 1 }],
      ['voter', 'v2', { n: 2 }],
    ]);
    // Writes after the upgrade are newer than the old records.
    await storage.write({ deleteEntities: [['voter', 'v1']], putEntities: [['voter', 'v2', { n: 3 }]] });
    expect((await storage.read())!.entities).toEqual([['voter', 'v2', { n: 3 }]]);
    const many = Array.from({ length: CHUNK_MIN_PUTS }, (_, i) => ['rsvp', `r${i}`, { i }] as const);
    await storage.write({ bulk: true, putEntities: many });
    expect(await db.chunks.count()).toBe(1);
    // Not a full copy's page: a record per entity, nothing kept in a chunk to be superseded.
    await storage.write({ putEntities: many.map(([e, id]) => [e, id, { i: -1 }] as const) });
    expect(await db.chunks.count()).toBe(1);
    const read = (await storage.read())!.entities;
    expect(read).toHaveLength(1 + CHUNK_MIN_PUTS);
    expect(read.filter(([e]) => e === 'rsvp').every(([, , v]) => (v as { i: number }).i === -1)).toBe(true);
    db.close();
  });
});

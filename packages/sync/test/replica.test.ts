/**
 * The replica's own bookkeeping, page by page: the view as an overlay of pending effects on the server state (puts,
 * deletes, new entities, kinds listed apart), a page applied in place only once storage took it, and the page size a
 * reset asks for.
 */
import type { SyncPullResult, SyncRsvp } from '@akashic/contracts';
import { describe, expect, it } from 'vitest';
import { Replica } from '../src/replica.js';
import { memoryStorage, type SyncStorage } from '../src/storage.js';

const CAMPAIGN = '00000000-0000-4000-8000-000000000001';
const EVENT = '00000000-0000-4000-8000-000000000002';
const CLIENT = '00000000-0000-4000-8000-000000000003';
const GROUP = '00000000-0000-4000-8000-000000000004';
const USER = '00000000-0000-4000-8000-000000000005';
const id = (n: number) => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

const rsvp = (n: number, over: Partial<SyncRsvp> = {}): SyncRsvp => ({
  id: id(n),
  eventId: EVENT,
  name: `Guest ${n}`,
  email: `g${n}@example.com`,
  phone: null,
  voterId: null,
  response: 'yes',
  seat: 'confirmed',
  walkIn: false,
  checkedInAt: null,
  checkedInBy: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const page = (p: Partial<SyncPullResult>): SyncPullResult => ({
  cursor: 'c',
  more: false,
  reset: false,
  puts: [],
  deletes: [],
  lastMutationIds: {},
  rejected: [],
  ...p,
});

const open = (storage: SyncStorage, o: { pullLimit?: number; resetPullLimit?: number } = {}) =>
  Replica.open({ campaignId: CAMPAIGN, clientGroupId: GROUP, clientId: CLIENT, userId: USER, storage, ...o });

describe('Replica', () => {
  it('shows pending effects over the server state without changing it, and drops them once confirmed', async () => {
    const r = await open(memoryStorage());
    await r.applyPull(
      r.pullBody(),
      page({
        reset: true,
        cursor: 'c1',
        puts: [
          { entity: 'rsvp', id: id(1), value: rsvp(1) },
          { entity: 'rsvp', id: id(2), value: rsvp(2) },
          { entity: 'event', id: EVENT, value: { id: EVENT } },
        ],
      }),
    );
    await r.mutate('event.checkIn', { campaignId: CAMPAIGN, eventId: EVENT, rsvpId: id(2) });
    await r.mutate('event.rsvp', {
      campaignId: CAMPAIGN,
      eventId: EVENT,
      rsvp: { name: 'Walk-up', email: 'new@example.com', response: 'yes' },
    });

    expect(r.get('rsvp', id(2))?.checkedInAt).toEqual(expect.any(String));
    expect(r.list('rsvp').map((x) => x.id)).toEqual([id(1), id(2), `pending:${CLIENT}:2`]);
    expect(r.count('rsvp')).toBe(3);
    expect(r.count('event')).toBe(1);
    expect(r.snapshot().size).toBe(4);
    // The server state holds none of it.
    expect((r.serverSnapshot().get(`rsvp:${id(2)}`) as SyncRsvp).checkedInAt).toBeNull();
    expect(r.serverSnapshot().size).toBe(3);

    // The server confirms the first mutation and deletes RSVP 1; the second stays pending on top.
    await r.applyPull(
      r.pullBody(),
      page({
        cursor: 'c2',
        deletes: [{ entity: 'rsvp', id: id(1) }],
        puts: [{ entity: 'rsvp', id: id(2), value: rsvp(2, { checkedInAt: '2026-01-02T00:00:00.000Z' }) }],
        lastMutationIds: { [CLIENT]: 1 },
      }),
    );
    expect(r.pendingMutations.map((m) => m.id)).toEqual([2]);
    expect(r.list('rsvp').map((x) => x.id)).toEqual([id(2), `pending:${CLIENT}:2`]);
    expect(r.get('rsvp', id(2))?.checkedInAt).toBe('2026-01-02T00:00:00.000Z');
    expect(r.get('rsvp', id(1))).toBeUndefined();
  });

  it('a pending delete hides the entity, a reset replaces everything', async () => {
    const r = await open(memoryStorage());
    await r.applyPull(
      r.pullBody(),
      page({ reset: true, cursor: 'c1', puts: [{ entity: 'rsvp', id: id(1), value: rsvp(1) }] }),
    );
    await r.applyPull(
      r.pullBody(),
      page({ reset: true, cursor: 'c2', puts: [{ entity: 'rsvp', id: id(3), value: rsvp(3) }] }),
    );
    expect([...r.serverSnapshot().keys()]).toEqual([`rsvp:${id(3)}`]);
    expect(r.list('rsvp').map((x) => x.id)).toEqual([id(3)]);
  });

  it('shares its storage with another document: neither loses what it queued, each takes what the other stored', async () => {
    const storage = memoryStorage();
    const a = await open(storage);
    const b = await open(storage);
    await a.applyPull(
      a.pullBody(),
      page({ reset: true, cursor: 'c1', puts: [{ entity: 'event', id: EVENT, value: { id: EVENT } }] }),
    );
    const checkIn = (n: number) => ({ campaignId: CAMPAIGN, eventId: EVENT, rsvpId: id(n) });
    // B opened before A's pull: its write is refused, and it queues on top of what A stored.
    expect(await b.mutate('event.checkIn', checkIn(1))).toBe(1);
    expect(b.get('event', EVENT)).toEqual({ id: EVENT });
    expect(await a.mutate('event.checkIn', checkIn(2))).toBe(2);
    expect(storage.data.pending.map((m) => m.id)).toEqual([1, 2]);
    const heard: number[] = [];
    b.subscribe(() => heard.push(b.version));
    await b.refresh();
    expect(heard).toEqual([a.version]);
    expect(b.pushBody()!.mutations.map((m) => m.id)).toEqual([1, 2]);
    // A page to a cursor another document has moved past is not applied; the pull goes on from the stored cursor.
    const sent = a.pullBody();
    expect(await b.applyPull(b.pullBody(), page({ cursor: 'c2', lastMutationIds: { [CLIENT]: 1 } }))).toBe(false);
    expect(await a.applyPull(sent, page({ cursor: 'c2' }))).toBe(true);
    expect(a.pullBody().cursor).toBe('c2');
    expect(a.pendingMutations.map((m) => m.id)).toEqual([2]);
    // Nothing stored since B's own write: a refresh changes nothing and tells no one.
    const told = heard.length;
    await b.refresh();
    expect(heard).toHaveLength(told);
    await b.dismiss({ clientId: CLIENT, mutationId: 9 });
    expect(a.serverSnapshot()).toEqual(b.serverSnapshot());
  });

  it('keeps its state when storage refuses a page, and applies the page when sent again', async () => {
    const mem = memoryStorage();
    let fail = false;
    const storage: SyncStorage = {
      read: () => mem.read(),
      write: (c) => (fail ? Promise.reject(new Error('quota exceeded')) : mem.write(c)),
    };
    const r = await open(storage);
    await r.applyPull(
      r.pullBody(),
      page({ reset: true, cursor: 'c1', puts: [{ entity: 'rsvp', id: id(1), value: rsvp(1) }] }),
    );
    fail = true;
    const body = r.pullBody();
    const next = page({
      cursor: 'c2',
      deletes: [{ entity: 'rsvp', id: id(1) }],
      puts: [{ entity: 'rsvp', id: id(2), value: rsvp(2) }],
    });
    await expect(r.applyPull(body, next)).rejects.toThrow('quota exceeded');
    expect([...r.serverSnapshot().keys()]).toEqual([`rsvp:${id(1)}`]);
    expect(r.pullBody().cursor).toBe('c1');
    fail = false;
    await r.applyPull(body, next);
    expect([...r.serverSnapshot().keys()]).toEqual([`rsvp:${id(2)}`]);
    const reloaded = await open(storage);
    expect(reloaded.serverSnapshot()).toEqual(r.serverSnapshot());
  });

  it('asks for large pages while a reset is under way, then for the usual ones; marks its pages bulk', async () => {
    const mem = memoryStorage();
    const bulk: (boolean | undefined)[] = [];
    const storage: SyncStorage = { read: () => mem.read(), write: (c) => (bulk.push(c.bulk), mem.write(c)) };
    const r = await open(storage, { pullLimit: 10, resetPullLimit: 500 });
    expect(r.pullBody()).toMatchObject({ cursor: null, limit: 500 });
    expect(r.resetInProgress).toBe(false);
    await r.applyPull(r.pullBody(), page({ reset: true, more: true, cursor: 'r1' }));
    // Part of the copy is in: a screen says the rest is coming.
    expect(r.hasSynced).toBe(true);
    expect(r.resetInProgress).toBe(true);
    // Later pages of the reset answer `reset: false`: still a reset.
    expect(r.pullBody()).toMatchObject({ cursor: 'r1', limit: 500 });
    await r.applyPull(r.pullBody(), page({ more: true, cursor: 'r2' }));
    expect(r.pullBody().limit).toBe(500);
    await r.applyPull(r.pullBody(), page({ more: false, cursor: 'i1' }));
    expect(r.pullBody()).toMatchObject({ cursor: 'i1', limit: 10 });
    expect(r.resetInProgress).toBe(false);
    // A reset the server starts (the member's scope changed) switches to large pages after its first.
    await r.applyPull(r.pullBody(), page({ reset: true, more: true, cursor: 'r3' }));
    expect(r.pullBody().limit).toBe(500);
    expect(r.resetInProgress).toBe(true);
    await r.applyPull(r.pullBody(), page({ more: false, cursor: 'i2' }));
    expect(r.pullBody().limit).toBe(10);
    await r.applyPull(r.pullBody(), page({ more: false, cursor: 'i3' }));
    // Every page of the two resets is bulk (their last pages too); the incremental page is not.
    expect(bulk).toEqual([true, true, true, true, true, undefined]);
  });
});

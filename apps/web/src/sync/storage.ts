/**
 * The browser's `SyncStorage` (packages/sync): IndexedDB through Dexie, one database for every replica of the
 * device. A replica (one organization, member and campaign) keeps its entities in `entities` and its cursor, queue of
 * pending mutations, next mutation id, unseen rejections and client identity in `replicas`; each write is one
 * IndexedDB transaction, so a reload or a crash mid-pull leaves the previous state or the next one, never a mix.
 *
 * IndexedDB's cost is per record: 100,000 voters as 100,000 records take tens of seconds to write on a phone. So a
 * page of a full copy (`bulk`, with many puts) is kept as one record in `chunks`, and every other write (changes,
 * deletes: tombstones) as records per entity in `entities`. Entities superseded after a reset stay in their chunk
 * until the next reset drops it: at most one full copy's worth. Each write has a sequence number (`nextSeq` of the
 * replica); reading replays chunks and entity records by it, the newest of each entity winning. A reset drops both.
 *
 * `nextSeq` is also the replica's version (packages/sync: a write computed from an older one is refused). After each
 * write the device's other documents are told on a BroadcastChannel (`onReplicaWritten`); one that holds the replica
 * reads only the writes after its own version (`readSince`), unless a reset since makes it read everything.
 */
import type { SyncEntity, SyncRejection } from '@akashic/contracts';
import {
  StaleReplicaError,
  type ReplicaData,
  type ReplicaDelta,
  type StoredMutation,
  type SyncStorage,
} from '@akashic/sync';
import { Dexie, type Table } from 'dexie';
import { SYNC_DB } from './name.js';

interface EntityRow {
  replica: string;
  key: string;
  entity: SyncEntity;
  id: string;
  value: unknown;
  /** The write that stored it (absent: written before chunks existed, older than any chunk). */
  seq?: number;
  /** A tombstone: the entity was deleted by write `seq`. */
  deleted?: true;
}

interface ChunkRow {
  replica: string;
  seq: number;
  entities: [SyncEntity, string, unknown][];
}

interface ReplicaRow {
  replica: string;
  clientGroupId: string;
  clientId: string;
  cursor: string | null;
  pending: StoredMutation[];
  nextMutationId: number;
  rejected: SyncRejection[];
  /** Whether anything but the identity was ever written (a replica that never synced reads as empty). */
  started: boolean;
  /** The next write's sequence number (absent before chunks existed); the replica's version. */
  nextSeq?: number;
  /** The write that last dropped every entity (a reset). */
  clearedSeq?: number;
}

/** A page of a full copy with at least this many puts is stored as one chunk. */
export const CHUNK_MIN_PUTS = 64;

export class SyncDb extends Dexie {
  entities!: Table<EntityRow, [string, string]>;
  replicas!: Table<ReplicaRow, string>;
  chunks!: Table<ChunkRow, [string, number]>;
  constructor(name = SYNC_DB) {
    super(name);
    this.version(1).stores({ entities: '[replica+key], replica', replicas: 'replica' });
    this.version(2).stores({ chunks: '[replica+seq], replica' });
  }
}

const keyOf = (e: SyncEntity, id: string) => `${e}\u0000${id}`;
const versionOf = (row: ReplicaRow | undefined) => row?.nextSeq ?? 0;

/** Tells the device's other documents that a replica was written (each document has one channel). */
const writes: BroadcastChannel | null =
  typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel('akashic-sync-writes');

/** Calls `fn` with the new version whenever another document of the device writes `replica`. */
export function onReplicaWritten(replica: string, fn: (version: number) => void): () => void {
  if (!writes) return () => {};
  const listener = (e: MessageEvent<{ replica: string; version: number }>) => {
    if (e.data?.replica === replica) fn(e.data.version);
  };
  writes.addEventListener('message', listener);
  return () => writes.removeEventListener('message', listener);
}

/** The entity records and chunks written at or after `seq`, as [seq, entity, id, value | undefined (deleted)]. */
async function writtenSince(db: SyncDb, replica: string, seq: number) {
  const chunks = await db.chunks.where('[replica+seq]').between([replica, seq], [replica, Infinity]).toArray();
  const rows = await db.entities
    .where('replica')
    .equals(replica)
    .filter((r) => (r.seq ?? 0) >= seq)
    .toArray();
  const out: [number, number, SyncEntity, string, unknown][] = [];
  // A write puts either a chunk or entity records; its tombstones come first (deletes before puts), as in `read`.
  for (const c of chunks) for (const [e, id, v] of c.entities) out.push([c.seq, 1, e, id, v]);
  for (const r of rows) out.push([r.seq ?? 0, r.deleted ? 0 : 1, r.entity, r.id, r.deleted ? undefined : r.value]);
  out.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return out.map(([, , e, id, v]) => [e, id, v] as [SyncEntity, string, unknown]);
}

/** The replica's client identity, made once per device and replica (survives reloads). */
export async function identityOf(db: SyncDb, replica: string): Promise<{ clientGroupId: string; clientId: string }> {
  return db.transaction('rw', db.replicas, async () => {
    const row = await db.replicas.get(replica);
    if (row) return { clientGroupId: row.clientGroupId, clientId: row.clientId };
    const fresh: ReplicaRow = {
      replica,
      clientGroupId: crypto.randomUUID(),
      clientId: crypto.randomUUID(),
      cursor: null,
      pending: [],
      nextMutationId: 1,
      rejected: [],
      started: false,
    };
    await db.replicas.put(fresh);
    return { clientGroupId: fresh.clientGroupId, clientId: fresh.clientId };
  });
}

export function dexieStorage(db: SyncDb, replica: string): SyncStorage {
  const storage: SyncStorage = {
    async read(): Promise<ReplicaData | null> {
      return db.transaction('r', db.entities, db.replicas, db.chunks, async () => {
        const row = await db.replicas.get(replica);
        if (!row?.started) return null;
        const chunks = await db.chunks.where('[replica+seq]').between([replica, 0], [replica, Infinity]).toArray();
        const rows = await db.entities.where('replica').equals(replica).toArray();
        // Newest write of each entity wins; a chunk wins a tie (a write applies its deletes before its puts).
        const latest = new Map<string, { seq: number; entity: SyncEntity; id: string; value: unknown }>();
        for (const c of chunks)
          for (const [entity, id, value] of c.entities)
            latest.set(keyOf(entity, id), { seq: c.seq, entity, id, value });
        for (const r of rows) {
          const seq = r.seq ?? 0;
          const had = latest.get(r.key);
          if (had && had.seq >= seq) continue;
          if (r.deleted) latest.delete(r.key);
          else latest.set(r.key, { seq, entity: r.entity, id: r.id, value: r.value });
        }
        return {
          version: versionOf(row),
          cursor: row.cursor,
          entities: [...latest.values()].map((e) => [e.entity, e.id, e.value]),
          pending: row.pending,
          nextMutationId: row.nextMutationId,
          rejected: row.rejected,
        };
      });
    },
    async readSince(version): Promise<ReplicaDelta | ReplicaData | null> {
      const delta = await db.transaction('r', db.entities, db.replicas, db.chunks, async () => {
        const row = await db.replicas.get(replica);
        if (!row?.started || versionOf(row) === version) return null;
        // A reset since (or a version from before versions existed): the entities are replaced, read them all.
        if (!version || row.clearedSeq === undefined || row.clearedSeq >= version) return 'all' as const;
        return {
          version: versionOf(row),
          cursor: row.cursor,
          changes: await writtenSince(db, replica, version),
          pending: row.pending,
          nextMutationId: row.nextMutationId,
          rejected: row.rejected,
        };
      });
      return delta === 'all' ? storage.read() : delta;
    },
    async write(c) {
      const version = await db.transaction('rw', db.entities, db.replicas, db.chunks, async () => {
        const row = await db.replicas.get(replica);
        if (!row) throw new Error(`sync: replica ${replica} has no identity (identityOf first)`);
        if (c.ifVersion !== undefined && c.ifVersion !== versionOf(row))
          throw new StaleReplicaError(c.ifVersion, versionOf(row));
        const seq = row.nextSeq ?? 1;
        if (c.clearEntities) {
          await db.entities.where('replica').equals(replica).delete();
          await db.chunks.where('replica').equals(replica).delete();
        }
        if (c.deleteEntities?.length)
          await db.entities.bulkPut(
            c.deleteEntities.map(([entity, id]) => ({
              replica,
              key: keyOf(entity, id),
              entity,
              id,
              value: null,
              seq,
              deleted: true as const,
            })),
          );
        const puts = c.putEntities ?? [];
        if (c.bulk && puts.length >= CHUNK_MIN_PUTS)
          await db.chunks.put({ replica, seq, entities: puts.map(([e, id, v]) => [e, id, v]) });
        else if (puts.length)
          await db.entities.bulkPut(
            puts.map(([entity, id, value]) => ({ replica, key: keyOf(entity, id), entity, id, value, seq })),
          );
        await db.replicas.put({
          ...row,
          started: true,
          nextSeq: seq + 1,
          ...(c.clearEntities ? { clearedSeq: seq } : {}),
          ...(c.cursor !== undefined ? { cursor: c.cursor } : {}),
          ...(c.pending ? { pending: c.pending } : {}),
          ...(c.nextMutationId !== undefined ? { nextMutationId: c.nextMutationId } : {}),
          ...(c.rejected ? { rejected: c.rejected } : {}),
        });
        return seq + 1;
      });
      writes?.postMessage({ replica, version });
      return version;
    },
  };
  return storage;
}

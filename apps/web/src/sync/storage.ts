/**
 * The browser's `SyncStorage` (packages/sync): IndexedDB through Dexie, one database for every replica of the
 * device. A replica (one organization, member and campaign) keeps its entities in `entities` and its cursor, queue of
 * pending mutations, next mutation id, unseen rejections and client identity in `replicas`; each write is one
 * IndexedDB transaction, so a reload or a crash mid-pull leaves the previous state or the next one, never a mix.
 */
import type { SyncEntity, SyncRejection } from '@akashic/contracts';
import type { ReplicaData, StoredMutation, SyncStorage } from '@akashic/sync';
import { Dexie, type Table } from 'dexie';
import { SYNC_DB } from './name.js';

interface EntityRow {
  replica: string;
  key: string;
  entity: SyncEntity;
  id: string;
  value: unknown;
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
}

export class SyncDb extends Dexie {
  entities!: Table<EntityRow, [string, string]>;
  replicas!: Table<ReplicaRow, string>;
  constructor(name = SYNC_DB) {
    super(name);
    this.version(1).stores({ entities: '[replica+key], replica', replicas: 'replica' });
  }
}

const keyOf = (e: SyncEntity, id: string) => `${e}\u0000${id}`;

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
  return {
    async read(): Promise<ReplicaData | null> {
      return db.transaction('r', db.entities, db.replicas, async () => {
        const row = await db.replicas.get(replica);
        if (!row?.started) return null;
        const entities = await db.entities.where('replica').equals(replica).toArray();
        return {
          cursor: row.cursor,
          entities: entities.map((e) => [e.entity, e.id, e.value]),
          pending: row.pending,
          nextMutationId: row.nextMutationId,
          rejected: row.rejected,
        };
      });
    },
    async write(c) {
      await db.transaction('rw', db.entities, db.replicas, async () => {
        const row = await db.replicas.get(replica);
        if (!row) throw new Error(`sync: replica ${replica} has no identity (identityOf first)`);
        if (c.clearEntities) await db.entities.where('replica').equals(replica).delete();
        if (c.deleteEntities?.length)
          await db.entities.bulkDelete(c.deleteEntities.map(([e, id]) => [replica, keyOf(e, id)] as [string, string]));
        if (c.putEntities?.length)
          await db.entities.bulkPut(
            c.putEntities.map(([entity, id, value]) => ({ replica, key: keyOf(entity, id), entity, id, value })),
          );
        await db.replicas.put({
          ...row,
          started: true,
          ...(c.cursor !== undefined ? { cursor: c.cursor } : {}),
          ...(c.pending ? { pending: c.pending } : {}),
          ...(c.nextMutationId !== undefined ? { nextMutationId: c.nextMutationId } : {}),
          ...(c.rejected ? { rejected: c.rejected } : {}),
        });
      });
    },
  };
}

/**
 * Where a replica keeps its state between sessions: the server entities, the cursor, the pending mutations, the
 * next mutation id and the rejections not yet dismissed. One small interface; the browser's is IndexedDB (Dexie, in
 * apps/web), tests use `memoryStorage`. A `write` is atomic: all of it or none.
 */
import type { SyncEntity, SyncRejection } from '@akashic/contracts';

export interface StoredMutation {
  id: number;
  name: string;
  args: unknown;
  clientTime: string;
}

/** A refused mutation as the device keeps it: with its arguments when it knew them, to show what was refused. */
export type LocalRejection = SyncRejection & { args?: unknown };

export interface ReplicaData {
  cursor: string | null;
  entities: [SyncEntity, string, unknown][];
  pending: StoredMutation[];
  nextMutationId: number;
  rejected: LocalRejection[];
}

export interface ReplicaWrite {
  /** Drop every entity first (a reset pull). */
  clearEntities?: boolean;
  deleteEntities?: readonly (readonly [SyncEntity, string])[];
  putEntities?: readonly (readonly [SyncEntity, string, unknown])[];
  /**
   * A page of a full copy (a reset): its puts are kept until the next reset replaces them, so the storage may keep
   * them as one block (the browser's does) instead of a record per entity.
   */
  bulk?: boolean;
  cursor?: string | null;
  /** The whole queue as it now is. */
  pending?: StoredMutation[];
  nextMutationId?: number;
  rejected?: LocalRejection[];
}

export interface SyncStorage {
  read(): Promise<ReplicaData | null>;
  write(change: ReplicaWrite): Promise<void>;
}

/** Storage in memory (kept by the returned object: "reloading" a replica from it restores it). */
export function memoryStorage(): SyncStorage & { data: ReplicaData } {
  const data: ReplicaData = { cursor: null, entities: [], pending: [], nextMutationId: 1, rejected: [] };
  let written = false;
  const key = (e: SyncEntity, id: string) => `${e}\u0000${id}`;
  return {
    data,
    read: () => Promise.resolve(written ? JSON.parse(JSON.stringify(data)) : null),
    write(c) {
      written = true;
      const map = new Map(c.clearEntities ? [] : data.entities.map((x) => [key(x[0], x[1]), x] as const));
      for (const [e, id] of c.deleteEntities ?? []) map.delete(key(e, id));
      for (const [e, id, v] of c.putEntities ?? []) map.set(key(e, id), [e, id, v]);
      data.entities = [...map.values()];
      if (c.cursor !== undefined) data.cursor = c.cursor;
      if (c.pending) data.pending = JSON.parse(JSON.stringify(c.pending));
      if (c.nextMutationId !== undefined) data.nextMutationId = c.nextMutationId;
      if (c.rejected) data.rejected = JSON.parse(JSON.stringify(c.rejected));
      return Promise.resolve();
    },
  };
}

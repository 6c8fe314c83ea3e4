/**
 * Where a replica keeps its state between sessions: the server entities, the cursor, the pending mutations, the
 * next mutation id and the rejections not yet dismissed. One small interface; the browser's is IndexedDB (Dexie, in
 * apps/web), tests use `memoryStorage`. A `write` is atomic: all of it or none.
 *
 * Several documents may hold the same replica at once (two tabs; or, during a navigation, the page going and the
 * page coming). Every write therefore states the version it was computed from (`ifVersion`) and is refused with
 * `StaleReplicaError` when another document wrote since: the replica then reads what that document left and
 * recomputes its change on top. Without it, two tabs queueing a change each would both write "the queue as it now
 * is", and the first change would be lost.
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
  /** Changes with every write: what a write's `ifVersion` names. */
  version: number;
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
  /** Refuse the write (`StaleReplicaError`) unless the stored version is still this one (0: never written). */
  ifVersion?: number;
}

/** What another document wrote since a version: entity changes in write order (`undefined`: deleted), the rest whole. */
export interface ReplicaDelta extends Omit<ReplicaData, 'entities'> {
  changes: [SyncEntity, string, unknown][];
}

export interface SyncStorage {
  /** Everything kept, or null when nothing was ever written. */
  read(): Promise<ReplicaData | null>;
  /** Takes the change; returns the new version. */
  write(change: ReplicaWrite): Promise<number>;
  /**
   * What changed since `version`, when the storage can tell without reading everything: null when nothing did,
   * the whole state when it cannot say (e.g. a full copy replaced the entities since). Optional: without it a
   * replica reads everything.
   */
  readSince?(version: number): Promise<ReplicaDelta | ReplicaData | null>;
}

/** A write computed from a version of the replica that another document has since replaced. */
export class StaleReplicaError extends Error {
  constructor(expected: number, found: number) {
    super(`sync: the replica was written by another document (version ${found}, this one had ${expected})`);
    this.name = 'StaleReplicaError';
  }
}

/** Storage in memory (kept by the returned object: "reloading" a replica from it restores it). */
export function memoryStorage(): SyncStorage & { data: ReplicaData } {
  const data: ReplicaData = { version: 0, cursor: null, entities: [], pending: [], nextMutationId: 1, rejected: [] };
  const key = (e: SyncEntity, id: string) => `${e}\u0000${id}`;
  return {
    data,
    read: () => Promise.resolve(data.version ? JSON.parse(JSON.stringify(data)) : null),
    write(c) {
      if (c.ifVersion !== undefined && c.ifVersion !== data.version)
        return Promise.reject(new StaleReplicaError(c.ifVersion, data.version));
      data.version++;
      const map = new Map(c.clearEntities ? [] : data.entities.map((x) => [key(x[0], x[1]), x] as const));
      for (const [e, id] of c.deleteEntities ?? []) map.delete(key(e, id));
      for (const [e, id, v] of c.putEntities ?? []) map.set(key(e, id), [e, id, v]);
      data.entities = [...map.values()];
      if (c.cursor !== undefined) data.cursor = c.cursor;
      if (c.pending) data.pending = JSON.parse(JSON.stringify(c.pending));
      if (c.nextMutationId !== undefined) data.nextMutationId = c.nextMutationId;
      if (c.rejected) data.rejected = JSON.parse(JSON.stringify(c.rejected));
      return Promise.resolve(data.version);
    },
  };
}

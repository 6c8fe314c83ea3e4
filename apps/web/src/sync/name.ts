/** The IndexedDB database of the sync replicas (its own module: sign-out deletes it without loading Dexie). */
export const SYNC_DB = 'akashic-sync';

/**
 * Persisted queries: the Automatic Persisted Queries protocol (a client sends `extensions.persistedQuery
 * { version: 1, sha256Hash }`; an unknown hash answers PersistedQueryNotFound and the client resends the query with
 * its hash, which registers it), kept per process in a bounded least-recently-used map. In allow-list mode the
 * configured documents are the only ones that run and nothing can be registered.
 */
import type { GraphQLConfig } from '../../config.js';
import { sha256Hex } from '../../platform/crypto.js';

export interface QueryStore {
  /** Allow-list mode: only the configured documents run. */
  readonly allowlistOnly: boolean;
  get(hash: string): string | undefined;
  /** Keep a document the client registered (a no-op in allow-list mode). */
  register(hash: string, query: string): void;
}

export function createQueryStore(config: Pick<GraphQLConfig, 'apqCacheSize' | 'allowlist'>): QueryStore {
  if (config.allowlist) {
    const allowed = new Map(config.allowlist.map((q) => [sha256Hex(q), q]));
    return { allowlistOnly: true, get: (hash) => allowed.get(hash), register() {} };
  }
  const max = config.apqCacheSize;
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  const lru = new Map<string, string>();
  return {
    allowlistOnly: false,
    get(hash) {
      const query = lru.get(hash);
      if (query !== undefined) {
        lru.delete(hash);
        lru.set(hash, query);
      }
      return query;
    },
    register(hash, query) {
      if (max === 0) return;
      lru.delete(hash);
      lru.set(hash, query);
      if (lru.size > max) lru.delete(lru.keys().next().value!);
    },
  };
}

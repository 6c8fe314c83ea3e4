/**
 * Who a session or token belongs to, and members' roles, cached per process for a few seconds so a request
 * does not spend round trips re-reading them. Correctness does not rest on the TTL: database triggers
 * (drizzle/0003_auth_invalidation.sql) NOTIFY every process the moment a session, token, membership or user
 * changes, and the entry is dropped. While the LISTEN connection is down, nothing is cached at all.
 *
 * A read that raced an invalidation is not cached: every notification bumps an epoch, and a value loaded
 * while the epoch moved is used for that request only.
 *
 * Concurrent misses of one key share one load (under load, an expired session or membership would otherwise be
 * re-read by every request in flight at once: a burst of round trips and a latency spike for all of them). A
 * request that arrives after an invalidation never joins a load that started before it: every notification
 * detaches the loads in flight, so the next miss starts a fresh one.
 */
import type { Database } from '../../db/index.js';

export const AUTH_CHANNEL = 'akashic_auth';

interface Entry<V> {
  value: V;
  expires: number;
}

export interface AuthCache {
  /**
   * Cached `load()` under `key`; `tags` are the invalidation keys the value depends on (or a function of the loaded
   * value, when what it depends on is known only once it is read).
   */
  get<V>(key: string, tags: string[] | ((value: V) => string[]), load: () => Promise<V>): Promise<V>;
  /**
   * The cached value under `key` when there is one (fresh, and the listener up), else undefined: the synchronous
   * fast path, for values that are never undefined themselves.
   */
  peek<V>(key: string): V | undefined;
  readonly listening: boolean;
  /**
   * Call `listener` after every invalidation (with its tag: `session:<hash>`, `token:<hash>`,
   * `member:<user>:<org>`, `user:<id>`) and when notifications may have been missed (no tag). Long-lived
   * connections re-check their caller through it. Returns the unsubscribe function.
   */
  onInvalidate(listener: (tag: string | null) => void): () => void;
  close(): Promise<void>;
}

export function createAuthCache(
  db: Database,
  opts: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
): AuthCache {
  const ttl = opts.ttlMs ?? 30_000;
  const maxEntries = opts.maxEntries ?? 20_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Entry<unknown>>();
  /** Loads in flight by key, joined by concurrent misses; emptied by every invalidation (see above). */
  const inflight = new Map<string, Promise<unknown>>();
  /** Invalidation tag → cache keys that depend on it. */
  const byTag = new Map<string, Set<string>>();
  let epoch = 0;
  let listening = false;
  const listeners = new Set<(tag: string | null) => void>();
  const tell = (tag: string | null) => {
    for (const l of listeners) l(tag);
  };

  const evictTag = (tag: string) => {
    const keys = byTag.get(tag);
    if (!keys) return;
    byTag.delete(tag);
    for (const k of keys) entries.delete(k);
  };
  const clear = () => {
    entries.clear();
    byTag.clear();
  };

  const stop = db.listen(
    AUTH_CHANNEL,
    (payload) => {
      epoch++;
      inflight.clear();
      evictTag(payload);
      tell(payload);
    },
    (state) => {
      epoch++;
      inflight.clear();
      listening = state;
      clear();
      tell(null);
    },
  );

  function store<V>(key: string, tags: string[] | ((value: V) => string[]), value: V): void {
    if (entries.size >= maxEntries) {
      const oldest = entries.keys().next().value;
      if (oldest !== undefined) entries.delete(oldest);
    }
    entries.set(key, { value, expires: now() + ttl });
    if (byTag.size > 4 * maxEntries) clear(); // tags of expired entries pile up: start over
    for (const t of typeof tags === 'function' ? tags(value) : tags) {
      let set = byTag.get(t);
      if (!set) byTag.set(t, (set = new Set()));
      set.add(key);
    }
  }

  return {
    get listening() {
      return listening;
    },
    peek<V>(key: string): V | undefined {
      const hit = entries.get(key);
      return hit && hit.expires > now() && listening ? (hit.value as V) : undefined;
    },
    get<V>(key: string, tags: string[] | ((value: V) => string[]), load: () => Promise<V>): Promise<V> {
      const hit = entries.get(key);
      if (hit && hit.expires > now() && listening) return Promise.resolve(hit.value as V);
      if (hit) entries.delete(key);
      // Without the listener nothing is cached, nor shared: each request reads for itself.
      if (!listening) return Promise.resolve().then(load);
      const joined = inflight.get(key);
      if (joined) return joined as Promise<V>;
      const startEpoch = epoch;
      const loading = Promise.resolve()
        .then(load)
        .then(
          (value) => {
            if (inflight.get(key) === loading) inflight.delete(key);
            if (listening && epoch === startEpoch) store(key, tags, value);
            return value;
          },
          (err: unknown) => {
            if (inflight.get(key) === loading) inflight.delete(key);
            throw err;
          },
        );
      inflight.set(key, loading);
      return loading;
    },
    onInvalidate(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close: stop,
  };
}

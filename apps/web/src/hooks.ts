import type { LiveEvent, Page } from '@akashic/contracts';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { cachedReadAt, errorMessage, subscribeCachedReads } from './api';
import { useFeedback } from './components/feedback';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (update: (prev: T | undefined) => T | undefined) => void;
}

/** Load data for a page; reloads when `deps` change and on `reload()`. Stale responses are dropped. */
export function useResource<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Resource<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const loader = useRef(load);
  loader.current = load;

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    loader
      .current(ctrl.signal)
      .then((d) => {
        if (!ctrl.signal.aborted) setDataState(d);
      })
      .catch((e: unknown) => {
        if (!ctrl.signal.aborted) setError(e);
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
    // Callers pass the deps that matter; `load` itself is read through a ref.
  }, [...deps, tick]);

  const reload = useCallback(() => setTick((t) => t + 1), []);
  const setData = useCallback((update: (prev: T | undefined) => T | undefined) => setDataState(update), []);
  return { data, error, loading, reload, setData };
}

export interface Pages<T> {
  /** The first page (reloaded when `deps` change): its loading state, error and `reload`. */
  first: Resource<Page<T>>;
  /** The first page and every page loaded after it, without duplicates. */
  items: T[];
  hasMore: boolean;
  loadMore: () => void;
  /** Loading a further page, and its failure. */
  busy: boolean;
  error: unknown;
}

/** A cursor-paginated list: the first page, and further pages appended by `loadMore` (`nextCursor` → `cursor`). */
export function usePages<T extends { id: string }>(
  load: (cursor: string | undefined, signal?: AbortSignal) => Promise<Page<T>>,
  deps: unknown[],
): Pages<T> {
  const [extra, setExtra] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const loader = useRef(load);
  loader.current = load;
  const first = useResource(async (signal) => {
    const page = await loader.current(undefined, signal);
    if (!signal.aborted) {
      setExtra([]);
      setCursor(page.nextCursor);
      setError(null);
    }
    return page;
  }, deps);
  const items = useMemo(() => {
    const byId = new Map<string, T>();
    for (const x of [...(first.data?.items ?? []), ...extra]) if (!byId.has(x.id)) byId.set(x.id, x);
    return [...byId.values()];
  }, [first.data, extra]);
  const loadMore = useCallback(() => {
    if (!cursor) return;
    setBusy(true);
    setError(null);
    loader
      .current(cursor)
      .then((page) => {
        setExtra((x) => [...x, ...page.items]);
        setCursor(page.nextCursor);
      })
      .catch((e: unknown) => setError(e))
      .finally(() => setBusy(false));
  }, [cursor]);
  return { first, items, hasMore: cursor !== null, loadMore, busy, error };
}

/**
 * A change started from a button in a row: `busy` while it runs, then `done` announced (or the error). Resolves to
 * whether it succeeded.
 */
export function useAction(): {
  busy: boolean;
  act: (action: () => Promise<unknown>, done: string) => Promise<boolean>;
} {
  const { announce } = useFeedback();
  const [busy, setBusy] = useState(false);
  const act = useCallback(
    async (action: () => Promise<unknown>, done: string) => {
      setBusy(true);
      try {
        await action();
        announce(done);
        return true;
      } catch (e) {
        announce(errorMessage(e), 'error');
        return false;
      } finally {
        setBusy(false);
      }
    },
    [announce],
  );
  return { busy, act };
}

/*
 * Live events: one EventSource for the whole app (GET /api/v1/realtime, the session's current organization), shared
 * by every page through the hooks below. The browser reconnects by itself and resumes with Last-Event-ID; when the
 * server can no longer replay what was missed it sends `reset` and every live page reloads.
 */

export type LiveStatus = 'connecting' | 'live' | 'offline';
type LiveMessage = { kind: 'event'; event: LiveEvent } | { kind: 'reset' };

const live = {
  status: 'offline' as LiveStatus,
  statusListeners: new Set<() => void>(),
  listeners: new Set<(m: LiveMessage) => void>(),
};

function setLiveStatus(status: LiveStatus) {
  if (live.status === status) return;
  live.status = status;
  for (const l of live.statusListeners) l();
}

function emitLive(m: LiveMessage) {
  for (const l of live.listeners) l(m);
}

/** Open the app's one live stream while signed in to `orgId` (reopened on an org switch); null closes it. */
export function useLiveConnection(orgId: string | null): void {
  useEffect(() => {
    if (!orgId || typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/realtime');
    setLiveStatus('connecting');
    source.onopen = () => setLiveStatus('live');
    source.onerror = () => setLiveStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    source.onmessage = (m: MessageEvent<string>) => emitLive({ kind: 'event', event: JSON.parse(m.data) as LiveEvent });
    source.addEventListener('reset', () => emitLive({ kind: 'reset' }));
    source.addEventListener('closed', (m) => {
      // Signed out or removed: stop (the next request shows why). A server shutting down: reconnect elsewhere.
      const reason = (JSON.parse((m as MessageEvent<string>).data) as { reason: string }).reason;
      if (reason !== 'shutting_down') {
        source.close();
        setLiveStatus('offline');
      }
    });
    return () => {
      source.close();
      setLiveStatus('offline');
    };
  }, [orgId]);
}

/** Whether the live stream is connected. */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (onChange) => {
      live.statusListeners.add(onChange);
      return () => void live.statusListeners.delete(onChange);
    },
    () => live.status,
  );
}

/**
 * Listen to the live stream outside React (the sync hub's pokes): `fn` gets each event, and null when the stream
 * asks every page to reset. Returns the unsubscribe.
 */
export function subscribeLive(fn: (e: LiveEvent | null) => void): () => void {
  const listener = (m: LiveMessage) => fn(m.kind === 'event' ? m.event : null);
  live.listeners.add(listener);
  return () => void live.listeners.delete(listener);
}

/**
 * Call `reload` when a live event `matches` (or the stream asks every page to reset). Bursts of events (one change
 * often writes several) are coalesced into one reload.
 */
export function useLiveReload(matches: (e: LiveEvent) => boolean, reload: () => void, delayMs = 250): void {
  const current = useRef({ matches, reload });
  current.current = { matches, reload };
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const listener = (m: LiveMessage) => {
      if (m.kind === 'event' && !current.current.matches(m.event)) return;
      clearTimeout(timer);
      timer = setTimeout(() => current.current.reload(), delayMs);
    };
    live.listeners.add(listener);
    return () => {
      clearTimeout(timer);
      live.listeners.delete(listener);
    };
  }, [delayMs]);
}

/** While a read is answered from the offline cache, how often it is tried again (when the device says it is online). */
const CACHED_RETRY_MS = 15_000;

/**
 * When the last answer to a GET of `url` came from the offline cache: the time the server sent it, else null. With
 * `reload`, the read is made again when the device is back online — at once and shortly after, since `online` can
 * come before the network answers — and every CACHED_RETRY_MS while the device claims to be online (the server may
 * have been what was unreachable).
 */
export function useCachedReadAt(url: string, reload?: () => void): string | null {
  const at = useSyncExternalStore(subscribeCachedReads, () => cachedReadAt(url));
  const current = useRef(reload);
  current.current = reload;
  useEffect(() => {
    if (!at) return;
    const retry = () => current.current?.();
    let again: ReturnType<typeof setTimeout> | undefined;
    const online = () => {
      retry();
      clearTimeout(again);
      again = setTimeout(retry, 2_000);
    };
    const timer = setInterval(() => navigator.onLine && retry(), CACHED_RETRY_MS);
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      clearInterval(timer);
      clearTimeout(again);
    };
  }, [at]);
  return at;
}

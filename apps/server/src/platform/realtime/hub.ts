/**
 * The realtime fan-out of one `api` process: Server-Sent Events to signed-in browsers. The process reads the bus
 * through its own consumer (unique name, starting at new events), so a change made through any process reaches
 * the browsers connected to every process. Each event is resolved once (which campaign, which read action:
 * visibility.ts) and written to the connections of its org whose member may read it.
 *
 * - Resume: the last `ringSize` events are kept; a reconnecting browser's `Last-Event-ID` replays what it missed,
 *   or — if that id has left the ring, or another process (or an earlier run of this one) issued it — a `reset`
 *   event tells it to reload everything. A new stream starts with an id of its own (this process's mark of where
 *   the ring stood, sent with no data), so a browser that drops before its first event also resumes from where it
 *   connected rather than losing what happened meanwhile.
 * - Backpressure: a connection whose unsent output exceeds `maxBufferedBytes` is closed (the browser reconnects
 *   and resumes), never buffered without bound.
 * - Heartbeats: a comment every `heartbeatMs` keeps proxies from closing idle streams.
 * - Revocation: on every auth-cache invalidation (sessions, tokens, memberships, users) and at every heartbeat,
 *   each connection re-resolves its credentials and membership through the cache; a signed-out, revoked or
 *   removed caller is disconnected, a changed role applies to the next event.
 * - At most `maxPerUser` connections per user per process.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { Database } from '../../db/index.js';
import { AppError } from '../errors.js';
import type { BusEvent, EventBus, Subscription } from '../events/bus.js';
import type { AuthCache } from '../identity/auth-cache.js';
import { memberRole } from '../identity/authenticate.js';
import type { Principal } from '../identity/principal.js';
import type { PolicyEngine } from '../policy/engine.js';
import type { OrgRole } from '../tenancy/role.js';
import { mayReceive, resolveEvent, type Listener, type LiveEvent, type Resolved } from './visibility.js';
import { coalesced } from '../next-turn.js';

export interface RealtimeOptions {
  ringSize: number;
  maxPerUser: number;
  heartbeatMs: number;
  maxBufferedBytes: number;
}

export interface ConnectInput {
  principal: Principal;
  org: { id: string; role: OrgRole };
  lastEventId: string | undefined;
  reauthenticate: () => Promise<Principal | null>;
}

export interface RealtimeHub {
  /** Subscribe to the bus (the `api` role). */
  start(): Promise<void>;
  /** Open a stream for a member; throws `rate_limited` past the per-user limit. */
  connect(input: ConnectInput): Readable;
  /** Open connections (for /metrics and tests). */
  readonly connections: number;
  close(): Promise<void>;
}

interface Connection extends Listener {
  orgId: string;
  stream: Readable;
  reauthenticate: () => Promise<Principal | null>;
  sessionId: string | undefined;
  tokenId: string | undefined;
  /** Its closing frame is written: nothing more may be (a push after EOF would be an error). */
  ended?: boolean;
}

interface RingEntry {
  event: BusEvent;
  /** Its place among the events this process has fanned out (1, 2, …). */
  seq: number;
  resolved?: Promise<Resolved>;
}

const frame = (e: LiveEvent) => `id: ${e.id}\ndata: ${JSON.stringify(e)}\n\n`;

export function createRealtimeHub(deps: {
  bus: EventBus;
  db: Database;
  authCache: AuthCache;
  policy: PolicyEngine;
  log: Logger;
  options: RealtimeOptions;
}): RealtimeHub {
  const { bus, db, authCache, policy, log, options } = deps;
  const byOrg = new Map<string, Set<Connection>>();
  const perUser = new Map<string, number>();
  const ring: RingEntry[] = [];
  const ringIndex = new Map<string, RingEntry>();
  // Marks are `<epoch>.<seq>`: the epoch tells this process's marks from any other's (ids are never reused).
  const epoch = randomBytes(6).toString('hex');
  let seq = 0;
  let subscription: Subscription | undefined;
  let count = 0;

  const resolve = (entry: RingEntry) =>
    (entry.resolved ??= db
      .read({ orgId: entry.event.orgId }, (tx) => resolveEvent(tx, entry.event))
      .catch((err) => {
        entry.resolved = undefined; // resolved again next time
        throw err;
      }));

  function write(c: Connection, text: string) {
    if (c.stream.destroyed || c.ended) return;
    if (c.stream.readableLength > options.maxBufferedBytes) {
      log.warn({ userId: c.userId, buffered: c.stream.readableLength }, 'realtime: slow client dropped');
      c.stream.destroy();
      return;
    }
    c.stream.push(text);
  }

  function end(c: Connection, reason: string) {
    if (c.stream.destroyed || c.ended) return;
    c.ended = true;
    c.stream.push(`event: closed\ndata: ${JSON.stringify({ reason })}\n\n`);
    c.stream.push(null);
  }

  function remove(c: Connection) {
    const set = byOrg.get(c.orgId);
    if (!set?.delete(c)) return;
    if (set.size === 0) byOrg.delete(c.orgId);
    count--;
    const n = (perUser.get(c.userId) ?? 1) - 1;
    if (n > 0) perUser.set(c.userId, n);
    else perUser.delete(c.userId);
  }

  async function fanOut(event: BusEvent) {
    const entry: RingEntry = { event, seq: ++seq };
    ring.push(entry);
    ringIndex.set(event.id, entry);
    if (ring.length > options.ringSize) ringIndex.delete(ring.shift()!.event.id);
    const listeners = byOrg.get(event.orgId);
    if (!listeners?.size) return;
    const r = await resolve(entry);
    for (const c of listeners) if (mayReceive(policy, c.orgId, c, r)) write(c, frame(r.live));
  }

  /** Is the connection's caller still signed in with the same session or token, and still a member? */
  async function recheck(c: Connection) {
    try {
      const p = await c.reauthenticate();
      if (!p || p.userId !== c.userId || p.sessionId !== c.sessionId || p.tokenId !== c.tokenId) {
        return end(c, 'signed_out');
      }
      const role = await memberRole(db, authCache, c.userId, c.orgId);
      if (!role) return end(c, 'not_a_member');
      c.role = role;
      c.tokenScopes = p.scopes;
    } catch (err) {
      log.warn({ err }, 'realtime: could not re-check a connection; will retry');
    }
  }

  const recheckAll = coalesced(() => {
    for (const set of byOrg.values()) for (const c of set) void recheck(c);
  });
  const stopListening = authCache.onInvalidate(recheckAll);

  const heartbeat = setInterval(() => {
    for (const set of byOrg.values()) {
      for (const c of set) {
        write(c, ': heartbeat\n\n');
        void recheck(c);
      }
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  /** The ring's entries after what `lastEventId` saw, or null when that is not known here (the browser resets). */
  function missedSince(lastEventId: string): RingEntry[] | null {
    const seen = ringIndex.get(lastEventId);
    if (seen) return ring.slice(ring.indexOf(seen) + 1);
    const [markEpoch, markSeq] = lastEventId.split('.');
    const at = Number(markSeq);
    if (markEpoch !== epoch || !Number.isInteger(at) || at < 0 || at > seq) return null;
    // Everything after the mark must still be in the ring.
    if (ring.length > 0 && ring[0]!.seq > at + 1) return null;
    return ring.filter((e) => e.seq > at);
  }

  async function replay(c: Connection, lastEventId: string) {
    const missed = missedSince(lastEventId);
    if (!missed) {
      // The browser reloads everything; from here on it resumes from where the ring stands now.
      write(c, `id: ${epoch}.${seq}\nevent: reset\ndata: {}\n\n`);
      return;
    }
    for (const entry of missed) {
      if (entry.event.orgId !== c.orgId) continue;
      const r = await resolve(entry);
      if (mayReceive(policy, c.orgId, c, r)) write(c, frame(r.live));
    }
  }

  return {
    async start() {
      subscription = await bus.subscribe({}, fanOut, {
        durableName: `realtime-${process.pid}-${randomBytes(6).toString('hex')}`,
        startAt: 'new',
        inactiveThresholdMs: 60_000,
        // Live events are worth nothing late: one attempt, then the next event.
        maxDeliver: 1,
      });
    },

    connect({ principal, org, lastEventId, reauthenticate }) {
      const open = perUser.get(principal.userId) ?? 0;
      if (open >= options.maxPerUser) {
        throw new AppError(
          'rate_limited',
          `At most ${options.maxPerUser} live connections per user: close another tab or window`,
        );
      }
      const stream = new Readable({ read() {} });
      const c: Connection = {
        userId: principal.userId,
        role: org.role,
        tokenScopes: principal.scopes,
        orgId: org.id,
        stream,
        reauthenticate,
        sessionId: principal.sessionId,
        tokenId: principal.tokenId,
      };
      let set = byOrg.get(org.id);
      if (!set) byOrg.set(org.id, (set = new Set()));
      set.add(c);
      perUser.set(principal.userId, open + 1);
      count++;
      stream.on('close', () => remove(c));
      // Reconnect after 3 s when the stream drops; then whatever was missed. A browser that resumes keeps its own
      // last id; a new stream is given the mark of where the ring stands (an id with no data: not an event).
      stream.push(`retry: 3000\n${lastEventId ? '' : `id: ${epoch}.${seq}\n`}: connected\n\n`);
      if (lastEventId) {
        replay(c, lastEventId).catch((err) => {
          log.warn({ err }, 'realtime: replay failed');
          write(c, `event: reset\ndata: {}\n\n`);
        });
      }
      return stream;
    },

    get connections() {
      return count;
    },

    async close() {
      clearInterval(heartbeat);
      stopListening();
      for (const set of byOrg.values()) for (const c of set) end(c, 'shutting_down');
      await subscription?.close();
    },
  };
}

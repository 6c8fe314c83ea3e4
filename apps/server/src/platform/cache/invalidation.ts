/**
 * Cache invalidation from events. Each process subscribes with its own consumer (unique name, new events only):
 * an in-memory cache lives in one process, so every process must hear every event (with Redis they all delete the
 * same key, which is harmless). It writes nothing in the database, so it needs no receipts.
 */
import { randomBytes } from 'node:crypto';
import type { BusEvent, BusLog, EventBus, Subscription } from '../events/bus.js';
import { eventSubject, filterSubject, subjectMatches, type EventFilter } from '../events/subject.js';
import type { Cache } from './cache.js';

export interface CacheInvalidation {
  filter: EventFilter;
  /** The keys an event makes stale. */
  keys(event: BusEvent): string[];
}

export function startCacheInvalidation(
  bus: EventBus,
  cache: Cache,
  rules: CacheInvalidation[],
  log: BusLog,
): Promise<Subscription> {
  const patterns = rules.map((r) => ({ rule: r, pattern: filterSubject('x', r.filter) }));
  return bus
    .subscribe(
      {},
      async (event) => {
        const subject = eventSubject('x', event.orgId, event.type);
        for (const { rule, pattern } of patterns) {
          if (!subjectMatches(pattern, subject)) continue;
          for (const key of rule.keys(event)) await cache.invalidate(key);
        }
      },
      {
        durableName: `cache-${process.pid}-${randomBytes(6).toString('hex')}`,
        startAt: 'new',
        inactiveThresholdMs: 60_000,
        retryDelayMs: 200,
      },
    )
    .catch((err: unknown) => {
      log.warn({ err }, 'cache invalidation could not subscribe');
      throw err;
    });
}

/**
 * The outbox relay (process role `worker`): outbox rows → event bus. PostgreSQL stays the durable log; a row is
 * marked published only after the bus acknowledged it (JetStream: persisted), in the transaction that claimed it.
 *
 * Claims. A batch is claimed with `SELECT … WHERE published_at IS NULL ORDER BY position … FOR UPDATE SKIP LOCKED`
 * in one transaction that stays open while the batch is published, then marks the acknowledged rows and commits.
 * Several worker processes therefore claim disjoint batches; a relay that dies mid-batch releases its locks with
 * its connection and the rows are claimed again — republished with the same `Nats-Msg-Id` (the event id), which
 * the stream drops as a duplicate within its window and consumers absorb through their receipts after it.
 *
 * Late commits. `position` is a bigserial: numbers are taken when a transaction inserts, not when it commits, so
 * position 41 can become visible after 42 has been published. The relay keeps no high-water mark: every pass
 * scans the unpublished rows (a partial index over `published_at IS NULL` keeps that scan small), so a row that
 * commits late is simply found by the next pass — nothing is skipped. The cost is that the bus order across
 * concurrent transactions is commit order rather than position order, which no consumer relies on.
 *
 * Wake-up. An insert into the outbox NOTIFYs `akashic_outbox` (a statement trigger, delivered at commit); the relay
 * LISTENs and runs a pass at once, and polls every `pollMs` anyway (a missed notification, a lost connection, or
 * rows whose publication failed). A full batch is followed straight away by the next one.
 *
 * An event that can never be published (its type has no subject: not `module.entity.verb`) gets `publish_error`
 * and leaves the scan, so it cannot hold up the rows behind it; it stays in the outbox, unpublished, for an operator
 * (logged as an error) and `events replay` once its type is fixed. A failure of the broker is retried instead.
 *
 * The relay connects as its own role, `akashic_relay` (db/roles.ts): the one reader of every org's outbox.
 */
import type pg from 'pg';
import type { BusEvent, EventBus } from '../events/bus.js';
import { InvalidSubjectError } from '../events/subject.js';

export const OUTBOX_CHANNEL = 'akashic_outbox';

export interface RelayLog {
  warn(detail: object, message: string): void;
  error?(detail: object, message: string): void;
}

interface OutboxRow {
  position: string;
  id: string;
  org_id: string;
  type: string;
  occurred_at: Date;
  payload: Record<string, unknown>;
}

const eventOf = (r: OutboxRow): BusEvent => ({
  id: r.id,
  orgId: r.org_id,
  type: r.type,
  occurredAt: r.occurred_at.toISOString(),
  payload: r.payload,
});

export interface PassResult {
  claimed: number;
  published: number;
  /** The broker failed: retried on a later pass. */
  failed: number;
  /** Unpublishable: set aside with `publish_error`. */
  rejected: number;
}

/**
 * One pass: claim up to `batchSize` unpublished rows, publish them (pipelined), mark those the bus acknowledged.
 * Rows whose publication failed stay unpublished for the next pass.
 */
export async function relayPass(pool: pg.Pool, bus: EventBus, batchSize: number, log: RelayLog): Promise<PassResult> {
  const client = await pool.connect();
  let broken = false;
  try {
    // BEGIN and the claim in one round trip (a simple query: the limit is an integer, inlined).
    const begun = (await client.query(
      `BEGIN; SELECT position, id, org_id, type, occurred_at, payload FROM outbox
        WHERE published_at IS NULL AND publish_error IS NULL
        ORDER BY position LIMIT ${Math.max(1, Math.floor(batchSize))} FOR UPDATE SKIP LOCKED`,
    )) as unknown as pg.QueryResult<OutboxRow>[];
    const { rows } = begun[begun.length - 1]!;
    const results = await Promise.allSettled(rows.map((r) => bus.publish(eventOf(r))));
    const done: string[] = [];
    const rejected: Array<{ position: string; error: string }> = [];
    results.forEach((r, i) => {
      const row = rows[i]!;
      if (r.status === 'fulfilled') done.push(row.position);
      else if (r.reason instanceof InvalidSubjectError) {
        rejected.push({ position: row.position, error: r.reason.message });
        (log.error ?? log.warn)(
          { eventId: row.id, type: row.type, err: r.reason.message },
          'outbox relay: unpublishable event set aside',
        );
      } else log.warn({ err: r.reason, eventId: row.id }, 'outbox relay: publish failed; will retry');
    });
    if (rejected.length > 0) {
      await client.query(
        `UPDATE outbox o SET publish_error = r.error
           FROM unnest($1::bigint[], $2::text[]) AS r(position, error) WHERE o.position = r.position`,
        [rejected.map((r) => r.position), rejected.map((r) => r.error)],
      );
    }
    // The acknowledged rows are marked with the COMMIT, in one round trip (positions are the bigints just read).
    if (done.length > 0) {
      if (!done.every((p) => /^\d+$/.test(p))) throw new Error('outbox relay: a position is not an integer');
      await client.query(
        `UPDATE outbox SET published_at = now() WHERE position = ANY('{${done.join(',')}}'::bigint[]); COMMIT`,
      );
    } else await client.query('COMMIT');
    const failed = rows.length - done.length - rejected.length;
    return { claimed: rows.length, published: done.length, failed, rejected: rejected.length };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

export interface RelayOptions {
  /** A pool connected as `akashic_relay`. */
  pool: pg.Pool;
  bus: EventBus;
  /** LISTEN on a channel (Database.listen). */
  listen: (channel: string, onMessage: () => void, onState: (listening: boolean) => void) => () => Promise<void>;
  log: RelayLog;
  /** Rows per pass. Default 500. */
  batchSize?: number;
  /** Pass at least this often without a notification. Default 1 s. */
  pollMs?: number;
}

export interface Relay {
  /** Finish the pass in flight, then stop. */
  stop(): Promise<void>;
}

export function startRelay(options: RelayOptions): Relay {
  const batchSize = options.batchSize ?? 500;
  const pollMs = options.pollMs ?? 1000;
  let stopped = false;
  let pending = true;
  let failures = 0;
  let interrupt: (() => void) | undefined;
  const wake = () => {
    pending = true;
    // While the broker fails, keep backing off rather than retrying on every insert.
    if (failures === 0) interrupt?.();
  };
  // Listening again after a lost connection: notifications may have been missed meanwhile.
  const unlisten = options.listen(OUTBOX_CHANNEL, wake, (listening) => listening && wake());

  const loop = (async () => {
    while (!stopped) {
      pending = false;
      try {
        const pass = await relayPass(options.pool, options.bus, batchSize, options.log);
        failures = pass.failed > 0 ? failures + 1 : 0;
        if (pass.claimed === batchSize && failures === 0) continue;
      } catch (err) {
        failures++;
        options.log.warn({ err }, 'outbox relay: pass failed; will retry');
      }
      if (stopped || (pending && failures === 0)) continue;
      const wait = failures > 0 ? Math.min(pollMs, 50 * 2 ** failures) : pollMs;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        interrupt = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      interrupt = undefined;
    }
  })();

  return {
    async stop() {
      stopped = true;
      interrupt?.();
      await unlisten();
      await loop;
    },
  };
}

export interface ReplayRange {
  from: Date;
  to: Date;
  orgId?: string;
}

/**
 * Publish the outbox events that occurred in [from, to) (of one org, or all) to the bus again, in position order,
 * whatever their `published_at`. Within the stream's duplicate window an event already there is dropped as a
 * duplicate (counted); consumers with receipts ignore events they already processed.
 */
export async function replayOutbox(
  pool: pg.Pool,
  bus: EventBus,
  range: ReplayRange,
  pageSize = 1000,
): Promise<{ events: number; duplicates: number }> {
  let after = '0';
  let events = 0;
  let duplicates = 0;
  for (;;) {
    const { rows } = await pool.query<OutboxRow>(
      `SELECT position, id, org_id, type, occurred_at, payload FROM outbox
        WHERE occurred_at >= $1 AND occurred_at < $2 AND ($3::uuid IS NULL OR org_id = $3) AND position > $4
        ORDER BY position LIMIT $5`,
      [range.from, range.to, range.orgId ?? null, after, pageSize],
    );
    const results = await Promise.all(rows.map((r) => bus.publish(eventOf(r))));
    events += rows.length;
    duplicates += results.filter((r) => r.duplicate).length;
    if (rows.length < pageSize) return { events, duplicates };
    after = rows[rows.length - 1]!.position;
  }
}

/**
 * Durable consumers with exactly-once effects over an at-least-once bus. Events are handled in transactions scoped
 * to their organization (RLS as for a request of that org), a batch of one org's events per transaction: the
 * consumer's receipts (consumer name, event id) for the whole batch are inserted first, in one statement, and only
 * the events whose receipt is new are handled. An event seen again — a redelivery, a republish by the relay, two
 * subscribers racing — finds its receipt (or waits on the first transaction's row lock and then finds it) and is
 * acknowledged without being handled again. A handler that throws rolls its effects and receipts back together,
 * and the bus redelivers.
 *
 * Batching (`startConsumer`). The subscription keeps many events in flight; they queue here, and whatever has
 * queued while the previous batch was being written forms the next one (group commit: no timer, so an event that
 * arrives alone is handled at once — at the end of the event loop's turn, so that a burst read at once is one
 * batch). A batch is split by org — a transaction, and every statement in it, holds one org's events only — and
 * the org groups run concurrently, a few at a time. An event is acknowledged once its group committed. A group
 * that fails is retried event by event, so one poisonous event fails (and is redelivered) alone instead of taking
 * its org's other events with it.
 */
import type { Database, Tx } from '../../db/index.js';
import type { Services } from '../../services.js';
import {
  boundedTasks,
  type BusEvent,
  type Delivery,
  type EventBus,
  type SubscribeOptions,
  type Subscription,
} from './bus.js';
import type { EventFilter } from './subject.js';
import { coalesced } from '../next-turn.js';

export interface ConsumerContext {
  /** A transaction with `app.org_id` set to the events' org (no user). */
  tx: Tx;
  services: Services;
}

interface ConsumerBase {
  /** Durable consumer name (a subject token), e.g. 'webhooks', 'metering'. */
  name: string;
  filter: EventFilter;
  /**
   * Optional: whether this consumer has anything to do for the event at all. An event it does not accept is
   * acknowledged as it arrives — no transaction, no receipt, since there is no effect to make exactly once.
   */
  accepts?(event: BusEvent): boolean;
}

/** A consumer's effect is either code run in the events' transaction or SQL written in the receipts' statement. */
export type Consumer = ConsumerBase &
  (
    | {
        /**
         * Runs inside a transaction scoped to the event's org. The receipt (consumer name, event id) is inserted
         * in the same transaction; if it already exists the event was processed and handle() is not called again.
         */
        handle(event: Delivery, ctx: ConsumerContext): Promise<void>;
        /**
         * Optional set-based form of `handle` for several events of one org (distinct, not processed before), in
         * one transaction scoped to that org. Without it, `handle` is called for each in turn in that transaction.
         */
        handleBatch?(events: Delivery[], ctx: ConsumerContext): Promise<void>;
        batchSql?: undefined;
      }
    | {
        /**
         * The effect written in the receipts' own statement (one round trip for receipts and effect): common table
         * expressions — data-modifying ones included — that read the events whose receipt is new from
         * `fresh(event_id)`, their parameters numbered from `$4`, and optional expressions for the statement's final
         * SELECT (a plain CTE runs only if that SELECT reads it).
         */
        batchSql(orgId: string, events: Delivery[]): BatchSql;
        handle?: undefined;
        handleBatch?: undefined;
      }
  );

export interface BatchSql {
  /** `name AS (…)` each; may read `fresh(event_id)`; parameters from `$4`. */
  ctes: string[];
  /** Extra expressions of the final SELECT (each read once, so a CTE they name runs). */
  select?: string[];
  values: unknown[];
  /** After commit, with the final SELECT's row. */
  committed?(row: Record<string, unknown>): void;
  /** The transaction did not commit. */
  abandoned?(): void;
}

/** The receipts CTE every consumer statement starts with: `$1` org, `$2` consumer, `$3` event ids. */
const RECEIPTS_CTE = `fresh AS (
    INSERT INTO consumer_receipts (org_id, consumer, event_id)
    SELECT $1, $2, e FROM unnest($3::uuid[]) AS e ORDER BY e
    ON CONFLICT DO NOTHING RETURNING event_id)`;

/**
 * Handle `events` of one org with `consumer` in one transaction, each at most once per (consumer, event): resolves
 * with the ids that were handled now (the others had already been processed). Throws — and writes nothing — if
 * the handler throws or an event belongs to another org.
 */
export async function processOrgBatch(
  db: Database,
  services: Services,
  consumer: Consumer,
  orgId: string,
  events: Delivery[],
): Promise<Set<string>> {
  const distinct = new Map<string, Delivery>();
  for (const e of events) {
    if (e.orgId !== orgId) throw new Error(`event ${e.id} of another org in org ${orgId}'s batch`);
    if (!distinct.has(e.id)) distinct.set(e.id, e);
  }
  // Receipts are inserted in event-id order, so concurrent batches sharing events lock them in one order.
  const ids = [...distinct.keys()].sort();
  if (consumer.batchSql) {
    const effect = consumer.batchSql(orgId, [...distinct.values()]);
    let row: Record<string, unknown> & { fresh: string[] };
    try {
      // A transaction of one statement: BEGIN, the statement and COMMIT in one round trip.
      const { rows } = await db.statement<Record<string, unknown> & { fresh: string[] }>(
        { orgId },
        `WITH ${[RECEIPTS_CTE, ...effect.ctes].join(', ')}
         SELECT (SELECT coalesce(array_agg(event_id), '{}') FROM fresh) AS fresh${(effect.select ?? []).map((x) => `, ${x}`).join('')}`,
        [orgId, consumer.name, ids, ...effect.values],
      );
      row = rows[0]!;
    } catch (err) {
      effect.abandoned?.();
      throw err;
    }
    effect.committed?.(row);
    return new Set(row.fresh);
  }
  return db.transaction({ orgId }, async (tx) => {
    const { rows } = await tx.client.query<{ event_id: string }>(`WITH ${RECEIPTS_CTE} SELECT event_id FROM fresh`, [
      orgId,
      consumer.name,
      ids,
    ]);
    const fresh = new Set(rows.map((r) => r.event_id));
    // Handled in the order they arrived.
    const todo = [...distinct.values()].filter((e) => fresh.has(e.id));
    if (todo.length > 0) {
      const ctx = { tx, services };
      if (consumer.handleBatch) await consumer.handleBatch(todo, ctx);
      else for (const e of todo) await consumer.handle(e, ctx);
    }
    return fresh;
  });
}

/**
 * Handle one delivery with `consumer`, at most once per (consumer, event): resolves `true` when `handle` ran and
 * committed, `false` when the event had already been processed.
 */
export async function processDelivery(
  db: Database,
  services: Services,
  consumer: Consumer,
  event: Delivery,
): Promise<boolean> {
  return (await processOrgBatch(db, services, consumer, event.orgId, [event])).has(event.id);
}

export interface ConsumerOptions extends Omit<SubscribeOptions, 'durableName' | 'concurrency'> {
  /**
   * Events per batch at most. Default 1024: a backlog is taken in large batches (a transaction per org and batch),
   * while with no timer an event that arrives alone still goes at once.
   */
  batchSize?: number;
  /** Batches being written at once. Default 2. */
  batchesInFlight?: number;
  /**
   * Org transactions of one batch at once. Default 2: with `batchesInFlight` it bounds the connections a consumer
   * holds (4 by default), which it shares with the process's other consumers and, in one process, its requests.
   */
  orgsInFlight?: number;
}

interface Queued {
  event: Delivery;
  done: (err?: unknown) => void;
}

export function startConsumer(
  bus: EventBus,
  db: Database,
  services: Services,
  consumer: Consumer,
  options: ConsumerOptions = {},
): Promise<Subscription> {
  const { batchSize = 1024, batchesInFlight = 2, orgsInFlight = 2, ...subscribe } = options;
  const queue: Queued[] = [];
  let writing = 0;

  const settleGroup = async (orgId: string, group: Queued[]) => {
    try {
      await processOrgBatch(
        db,
        services,
        consumer,
        orgId,
        group.map((q) => q.event),
      );
      for (const q of group) q.done();
    } catch (err) {
      if (group.length === 1) return group[0]!.done(err);
      for (const q of group) {
        await processDelivery(db, services, consumer, q.event).then(
          () => q.done(),
          (e: unknown) => q.done(e),
        );
      }
    }
  };

  const flush = () => {
    while (writing < batchesInFlight && queue.length > 0) {
      const batch = queue.splice(0, batchSize);
      const byOrg = new Map<string, Queued[]>();
      for (const q of batch) {
        const group = byOrg.get(q.event.orgId);
        if (group) group.push(q);
        else byOrg.set(q.event.orgId, [q]);
      }
      writing++;
      void (async () => {
        const tasks = boundedTasks(orgsInFlight);
        for (const [orgId, group] of byOrg) await tasks.run(() => settleGroup(orgId, group));
        await tasks.drain();
      })().finally(() => {
        writing--;
        flush();
      });
    }
  };

  // A new event starts a batch at the end of this turn of the event loop rather than at once: the other messages of
  // the read that brought it are queued by then and go with it (a burst is one batch, not one event and the rest).
  const flushSoon = coalesced(flush);

  return bus.subscribe(
    consumer.filter,
    (event) =>
      consumer.accepts && !consumer.accepts(event)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            queue.push({ event, done: (err) => (err === undefined ? resolve() : reject(err)) });
            flushSoon();
          }),
    { ...subscribe, durableName: consumer.name, concurrency: batchSize * (batchesInFlight + 1) },
  );
}

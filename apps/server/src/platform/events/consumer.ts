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
import type pg from 'pg';
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

/** `events` of `orgId`, each once (first seen kept, arrival order); throws if one belongs to another org. */
function distinctOfOrg(orgId: string, events: Delivery[]): Map<string, Delivery> {
  const distinct = new Map<string, Delivery>();
  for (const e of events) {
    if (e.orgId !== orgId) throw new Error(`event ${e.id} of another org in org ${orgId}'s batch`);
    if (!distinct.has(e.id)) distinct.set(e.id, e);
  }
  return distinct;
}

/** A `batchSql` consumer's statement for one org's distinct events: its receipts and its effect. */
function batchStatement(consumer: Consumer, orgId: string, distinct: Map<string, Delivery>) {
  const effect = consumer.batchSql!(orgId, [...distinct.values()]);
  return {
    effect,
    text: `WITH ${[RECEIPTS_CTE, ...effect.ctes].join(', ')}
         SELECT (SELECT coalesce(array_agg(event_id), '{}') FROM fresh) AS fresh${(effect.select ?? []).map((x) => `, ${x}`).join('')}`,
    // Receipts are inserted in event-id order, so concurrent batches sharing events lock them in one order.
    values: [orgId, consumer.name, [...distinct.keys()].sort(), ...effect.values],
  };
}

type BatchRow = Record<string, unknown> & { fresh: string[] };

/** A `handle` consumer's receipts and effects in `tx`: resolves with the ids handled now. */
async function handleIn(
  tx: Tx,
  services: Services,
  consumer: Consumer,
  orgId: string,
  distinct: Map<string, Delivery>,
): Promise<Set<string>> {
  const { rows } = await tx.client.query<{ event_id: string }>(`WITH ${RECEIPTS_CTE} SELECT event_id FROM fresh`, [
    orgId,
    consumer.name,
    [...distinct.keys()].sort(),
  ]);
  const fresh = new Set(rows.map((r) => r.event_id));
  // Handled in the order they arrived.
  const todo = [...distinct.values()].filter((e) => fresh.has(e.id));
  if (todo.length > 0) {
    const ctx = { tx, services };
    if (consumer.handleBatch) await consumer.handleBatch(todo, ctx);
    else for (const e of todo) await consumer.handle!(e, ctx);
  }
  return fresh;
}

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
  const distinct = distinctOfOrg(orgId, events);
  if (consumer.batchSql) {
    const { effect, text, values } = batchStatement(consumer, orgId, distinct);
    let row: BatchRow;
    try {
      // A transaction of one statement: BEGIN, the statement and COMMIT in one round trip.
      row = (await db.statement<BatchRow>({ orgId }, text, values)).rows[0]!;
    } catch (err) {
      effect.abandoned?.();
      throw err;
    }
    effect.committed?.(row);
    return new Set(row.fresh);
  }
  return db.transaction({ orgId }, (tx) => handleIn(tx, services, consumer, orgId, distinct));
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

/**
 * Handle `events` of one org with every consumer of `consumers` that takes them (`takes`), in one transaction, each
 * at most once per (consumer, event). With `batchSql` consumers only, their statements are written at once, BEGIN
 * before the first and COMMIT after the last: one round trip for the whole group. Throws — and writes nothing — if
 * any consumer fails.
 */
export async function processGroupBatch(
  db: Database,
  services: Services,
  consumers: readonly Consumer[],
  orgId: string,
  events: Delivery[],
): Promise<void> {
  const all = [...distinctOfOrg(orgId, events).values()];
  const parts = consumers
    .map((consumer) => ({
      consumer,
      distinct: distinctOfOrg(
        orgId,
        all.filter((e) => takes(consumer, e)),
      ),
    }))
    .filter((p) => p.distinct.size > 0);
  if (parts.length === 0) return;
  if (parts.length === 1) {
    const [{ consumer, distinct }] = parts as [(typeof parts)[number]];
    return void (await processOrgBatch(db, services, consumer, orgId, [...distinct.values()]));
  }
  const statements = parts.filter((p) => p.consumer.batchSql).map((p) => batchStatement(p.consumer, orgId, p.distinct));
  const coded = parts.filter((p) => !p.consumer.batchSql);
  let rows: BatchRow[];
  try {
    rows = await db.transaction(
      { orgId },
      async (tx) => {
        if (coded.length === 0) {
          // Pipelined: every statement is written without waiting for the one before, the last with COMMIT.
          const last = statements[statements.length - 1]!;
          const answers = await Promise.allSettled([
            ...statements.slice(0, -1).map((s) => tx.client.query<BatchRow>(s.text, s.values)),
            tx.commitWith!<BatchRow>(last.text, last.values),
          ]);
          const failed = answers.find((a) => a.status === 'rejected');
          if (failed) throw failed.reason;
          return answers.map((a) => (a as PromiseFulfilledResult<pg.QueryResult<BatchRow>>).value.rows[0]!);
        }
        const out: BatchRow[] = [];
        for (const s of statements) out.push((await tx.client.query<BatchRow>(s.text, s.values)).rows[0]!);
        for (const p of coded) await handleIn(tx, services, p.consumer, orgId, p.distinct);
        return out;
      },
      { pipelined: coded.length === 0 },
    );
  } catch (err) {
    for (const s of statements) s.effect.abandoned?.();
    throw err;
  }
  statements.forEach((s, i) => s.effect.committed?.(rows[i]!));
}

/** Whether `event` is for `consumer`: under its filter, and accepted by it. */
export function takes(consumer: Consumer, event: BusEvent): boolean {
  const { filter } = consumer;
  if (filter.orgId !== undefined && filter.orgId !== event.orgId) return false;
  if (filter.module !== undefined || filter.entity !== undefined || filter.verb !== undefined) {
    const [module, entity, verb] = event.type.split('.');
    if (filter.module !== undefined && filter.module !== module) return false;
    if (filter.entity !== undefined && filter.entity !== entity) return false;
    if (filter.verb !== undefined && filter.verb !== verb) return false;
  }
  return !consumer.accepts || consumer.accepts(event);
}

/** The tokens every filter of `filters` agrees on (the broker filter of a group of consumers). */
function commonFilter(filters: readonly EventFilter[]): EventFilter {
  const common: EventFilter = {};
  for (const key of ['orgId', 'module', 'entity', 'verb'] as const) {
    const value = filters[0]?.[key];
    if (value !== undefined && filters.every((f) => f[key] === value)) common[key] = value;
  }
  return common;
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

/** One consumer on a durable subscription of its own (named after it). */
export function startConsumer(
  bus: EventBus,
  db: Database,
  services: Services,
  consumer: Consumer,
  options: ConsumerOptions = {},
): Promise<Subscription> {
  return startConsumerGroup(bus, db, services, { name: consumer.name, consumers: [consumer] }, options);
}

/**
 * Several consumers on one durable subscription (`name`): each event is read from the bus once, and a batch of one
 * org's events is written for all of them in one transaction (`processGroupBatch`). Each consumer keeps its own
 * receipts, so its effects stay once per event, and a batch that fails is retried one event and one consumer at a
 * time: a consumer that keeps failing on an event holds that event back (the bus redelivers it) while the other
 * consumers' effects for it are committed once. Events no consumer takes are acknowledged as they arrive. A
 * consumer added to the group later starts from the group's position, not from the stream's beginning.
 */
export function startConsumerGroup(
  bus: EventBus,
  db: Database,
  services: Services,
  group: { name: string; consumers: readonly Consumer[] },
  options: ConsumerOptions = {},
): Promise<Subscription> {
  const { consumers } = group;
  const { batchSize = 1024, batchesInFlight = 2, orgsInFlight = 2, ...subscribe } = options;
  const queue: Queued[] = [];
  let writing = 0;

  /** Each (event, consumer) in a transaction of its own: the first error, once every one was tried. */
  const oneByOne = async (event: Delivery) => {
    let failure: { err: unknown } | undefined;
    for (const consumer of consumers) {
      if (!takes(consumer, event)) continue;
      await processDelivery(db, services, consumer, event).catch((err: unknown) => {
        failure ??= { err };
      });
    }
    if (failure) throw failure.err;
  };

  const settleGroup = async (orgId: string, queued: Queued[]) => {
    try {
      await processGroupBatch(
        db,
        services,
        consumers,
        orgId,
        queued.map((q) => q.event),
      );
      for (const q of queued) q.done();
    } catch (err) {
      const alone = queued.length === 1 && consumers.filter((c) => takes(c, queued[0]!.event)).length === 1;
      if (alone) return queued[0]!.done(err);
      for (const q of queued) {
        await oneByOne(q.event).then(
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
        const queued = byOrg.get(q.event.orgId);
        if (queued) queued.push(q);
        else byOrg.set(q.event.orgId, [q]);
      }
      writing++;
      void (async () => {
        const tasks = boundedTasks(orgsInFlight);
        for (const [orgId, queued] of byOrg) await tasks.run(() => settleGroup(orgId, queued));
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
    commonFilter(consumers.map((c) => c.filter)),
    (event) =>
      !consumers.some((c) => takes(c, event))
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            queue.push({ event, done: (err) => (err === undefined ? resolve() : reject(err)) });
            flushSoon();
          }),
    { ...subscribe, durableName: group.name, concurrency: batchSize * (batchesInFlight + 1) },
  );
}

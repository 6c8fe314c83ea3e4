/**
 * Durable event consumers with exactly-once effects over an at-least-once bus. Each event is handled in one
 * transaction scoped to the event's organization (RLS as for a request of that org); the consumer's receipt
 * (consumer name, event id) is inserted first in that transaction. An event seen again — a redelivery, a republish
 * by the relay, two subscribers racing — finds the receipt (or waits on the first transaction's row lock and then
 * finds it) and is acknowledged without calling `handle` again. A handler that throws rolls its effect and its
 * receipt back together, and the bus redelivers.
 */
import type { Database, Tx } from '../../db/index.js';
import type { Services } from '../../services.js';
import type { Delivery, EventBus, SubscribeOptions, Subscription } from './bus.js';
import type { EventFilter } from './subject.js';

export interface ConsumerContext {
  /** A transaction with `app.org_id` set to the event's org (no user). */
  tx: Tx;
  services: Services;
}

export interface Consumer {
  /** Durable consumer name (a subject token), e.g. 'webhooks', 'metering'. */
  name: string;
  filter: EventFilter;
  /**
   * Runs inside one transaction scoped to the event's org. The receipt (consumer name, event id) is inserted in the
   * same transaction; if it already exists the event was processed and handle() is not called again.
   */
  handle(event: Delivery, ctx: ConsumerContext): Promise<void>;
}

/**
 * Handle one delivery with `consumer`, at most once per (consumer, event): resolves `true` when `handle` ran and
 * committed, `false` when the event had already been processed.
 */
export function processDelivery(
  db: Database,
  services: Services,
  consumer: Consumer,
  event: Delivery,
): Promise<boolean> {
  return db.transaction({ orgId: event.orgId }, async (tx) => {
    const receipt = await tx.client.query(
      `INSERT INTO consumer_receipts (org_id, consumer, event_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [event.orgId, consumer.name, event.id],
    );
    if (receipt.rowCount === 0) return false;
    await consumer.handle(event, { tx, services });
    return true;
  });
}

export function startConsumer(
  bus: EventBus,
  db: Database,
  services: Services,
  consumer: Consumer,
  options?: Omit<SubscribeOptions, 'durableName'>,
): Promise<Subscription> {
  return bus.subscribe(
    consumer.filter,
    async (event) => {
      await processDelivery(db, services, consumer, event);
    },
    { ...options, durableName: consumer.name },
  );
}

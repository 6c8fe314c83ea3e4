/**
 * The webhook dispatcher: a durable consumer of every event that creates one delivery per (event, enabled endpoint
 * of the event's org whose filters match). It runs in the events' org transaction (consumer.ts), so the endpoints it
 * can see — by its query and by row-level security — are that org's only. The sender (`sender.ts`) attempts them.
 */
import type { Tx } from '../../db/index.js';
import type { BusEvent } from '../events/bus.js';
import type { Consumer } from '../events/consumer.js';
import { filtersMatching } from './filters.js';

export const WEBHOOKS_CHANNEL = 'akashic_webhooks';

export const webhookDispatcher: Consumer = {
  name: 'webhooks',
  filter: {},
  async handle(event, { tx }) {
    await createDeliveries(tx, event.orgId, [event]);
  },
  async handleBatch(events, { tx }) {
    await createDeliveries(tx, events[0]!.orgId, events);
  },
};

/**
 * Deliveries of `events` (of one org) to the org's enabled endpoints that subscribe to their types (or only to
 * `endpointIds`), in one statement: the filters are matched in SQL (`filtersMatching`), and the sender is woken in
 * the same statement when anything was created. An existing delivery of an event to an endpoint is left as it is
 * unless `reset` (a replay): then it is scheduled again from a fresh schedule. Returns how many were created or
 * rescheduled.
 */
export async function createDeliveries(
  tx: Tx,
  orgId: string,
  events: ReadonlyArray<Omit<BusEvent, 'orgId'>>,
  options: { endpointIds?: string[]; reset?: boolean } = {},
): Promise<number> {
  if (events.length === 0) return 0;
  const { rows } = await tx.client.query<{ n: number }>(
    `WITH created AS (
       INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, occurred_at, payload,
                                       next_attempt_at)
       SELECT gen_random_uuid(), $1, e.id, ev.id, ev.type, ev.occurred_at, ev.payload, now()
         FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::jsonb[])
                AS ev(id, type, occurred_at, payload, filters)
         JOIN webhook_endpoints e
           ON e.org_id = $1 AND e.enabled AND ($7::uuid[] IS NULL OR e.id = ANY($7::uuid[]))
          AND e.event_types && ARRAY(SELECT jsonb_array_elements_text(ev.filters))
        ORDER BY ev.id, e.id
       ON CONFLICT (org_id, endpoint_id, event_id) DO ${
         options.reset
           ? `UPDATE SET status = 'pending', next_attempt_at = now(), first_attempt_at = NULL, schedule_attempts = 0`
           : 'NOTHING'
       }
       RETURNING 1)
     -- Delivered at commit: the sender wakes up only for deliveries that exist.
     SELECT n, (SELECT pg_notify('${WEBHOOKS_CHANNEL}', '') WHERE n > 0) FROM (SELECT count(*)::int AS n FROM created) c`,
    [
      orgId,
      events.map((e) => e.id),
      events.map((e) => e.type),
      events.map((e) => e.occurredAt),
      events.map((e) => JSON.stringify(e.payload)),
      events.map((e) => JSON.stringify(filtersMatching(e.type))),
      options.endpointIds ?? null,
    ],
  );
  return rows[0]!.n;
}

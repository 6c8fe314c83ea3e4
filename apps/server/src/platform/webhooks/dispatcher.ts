/**
 * The webhook dispatcher: a durable consumer of every event that creates one delivery per (event, enabled endpoint
 * of the event's org whose filters match). It runs in the events' org transaction (consumer.ts), so the endpoints it
 * can see — by its query and by row-level security — are that org's only. The sender (`sender.ts`) attempts them.
 */
import type { Tx } from '../../db/index.js';
import type { BusEvent } from '../events/bus.js';
import type { Consumer } from '../events/consumer.js';
import { filtersMatching } from './filters.js';
import { reserveLocalSender } from './handoff.js';

export const WEBHOOKS_CHANNEL = 'akashic_webhooks';

export const webhookDispatcher: Consumer = {
  name: 'webhooks',
  filter: {},
  // The deliveries of the events whose receipt is new, written in the receipts' own statement; as many as a sender
  // of this process has free slots for are created leased to it and handed over at commit (handoff.ts).
  batchSql: (orgId, events) => {
    const reservation = reserveLocalSender(events.length * 2);
    const byId = new Map(events.map((e) => [e.id, e]));
    return {
      ctes: [
        `created AS (${insertDeliveries({ from: 4, fresh: true, lease: true })}
           RETURNING id, endpoint_id, event_id, next_attempt_at > now() AS leased)`,
        // The sender is woken (at commit) only for deliveries it has to claim.
        `woken AS (SELECT pg_notify('${WEBHOOKS_CHANNEL}', '') WHERE EXISTS (SELECT FROM created WHERE NOT leased))`,
      ],
      select: [
        '(SELECT count(*) FROM woken) AS woken',
        // The leased deliveries as [id, endpoint, event] triples, and each of their endpoints once (an org's events
        // mostly go to the same few endpoints: no need to repeat an endpoint's URL and secrets per delivery).
        `(SELECT coalesce(json_agg(json_build_array(c.id, c.endpoint_id, c.event_id)), '[]')
            FROM created c WHERE c.leased) AS handed`,
        `(SELECT coalesce(json_object_agg(e.id, json_build_array(e.url, e.secret, e.previous_secret,
                   e.previous_secret_expires_at)), '{}')
            FROM webhook_endpoints e
           WHERE e.org_id = $1 AND e.id IN (SELECT endpoint_id FROM created WHERE leased)) AS endpoints`,
      ],
      values: [...deliveryValues(events), null, reservation?.slots ?? 0, reservation?.leaseMs ?? 0],
      committed(row) {
        if (!reservation) return;
        const endpoints = new Map(
          Object.entries(row.endpoints as Record<string, [string, string, string | null, string | null]>).map(
            ([id, [url, secret, previous, expires]]) => [
              id,
              {
                url,
                secret,
                previous_secret: previous,
                previous_secret_expires_at: expires ? new Date(expires) : null,
              },
            ],
          ),
        );
        reservation.hand(
          orgId,
          (row.handed as Array<[string, string, string]>).map(([id, endpointId, eventId]) => {
            const event = byId.get(eventId)!;
            const e = endpoints.get(endpointId)!;
            return {
              id,
              endpoint_id: endpointId,
              event_id: eventId,
              event_type: event.type,
              occurred_at: new Date(event.occurredAt),
              payload: event.payload,
              attempts: 0,
              schedule_attempts: 0,
              first_attempt_at: null,
              url: e.url,
              enabled: true,
              secret: e.secret,
              previous_secret: e.previous_secret,
              previous_secret_expires_at: e.previous_secret_expires_at,
            };
          }),
        );
      },
      abandoned: () => reservation?.cancel(),
    };
  },
};

/**
 * The INSERT of deliveries for the events in parameters `$from…$from+4` (ids, types, times, payloads, filters) to
 * the enabled endpoints of org `$1` (only those in `$from+5`, when not null) whose filters match, in (event,
 * endpoint) order. `fresh`: only the events whose id the statement's `fresh` CTE returns (the dispatcher's new
 * receipts). `lease`: the first `$from+6` deliveries are created leased for `$from+7` ms (handed to a local sender),
 * the others due now. `reset` (a replay): an existing delivery is scheduled again from a fresh schedule.
 */
function insertDeliveries({
  from,
  reset,
  fresh,
  lease,
}: {
  from: number;
  reset?: boolean;
  fresh?: boolean;
  lease?: boolean;
}): string {
  const p = (i: number) => `$${from + i}`;
  return `INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, occurred_at, payload,
                                       next_attempt_at)
       SELECT gen_random_uuid(), $1, m.endpoint_id, m.id, m.type, m.occurred_at, m.payload,
              ${lease ? `CASE WHEN m.n <= ${p(6)} THEN now() + ${p(7)} * interval '1 millisecond' ELSE now() END` : 'now()'}
         FROM (SELECT ev.id, ev.type, ev.occurred_at, ev.payload, e.id AS endpoint_id${
           lease ? ', row_number() OVER (ORDER BY ev.id, e.id) AS n' : ''
         }
                 FROM unnest(${p(0)}::uuid[], ${p(1)}::text[], ${p(2)}::timestamptz[], ${p(3)}::jsonb[], ${p(4)}::jsonb[])
                        AS ev(id, type, occurred_at, payload, filters)
                 JOIN webhook_endpoints e
                   ON e.org_id = $1 AND e.enabled AND (${p(5)}::uuid[] IS NULL OR e.id = ANY(${p(5)}::uuid[]))
                  AND e.event_types && ARRAY(SELECT jsonb_array_elements_text(ev.filters))
                ${fresh ? 'WHERE ev.id IN (SELECT event_id FROM fresh)' : ''}) m
        ORDER BY m.id, m.endpoint_id
       ON CONFLICT (org_id, endpoint_id, event_id) DO ${
         reset
           ? `UPDATE SET status = 'pending', next_attempt_at = now(), first_attempt_at = NULL, schedule_attempts = 0`
           : 'NOTHING'
       }`;
}

const deliveryValues = (events: ReadonlyArray<Omit<BusEvent, 'orgId'>>) => [
  events.map((e) => e.id),
  events.map((e) => e.type),
  events.map((e) => e.occurredAt),
  events.map((e) => JSON.stringify(e.payload)),
  events.map((e) => JSON.stringify(filtersMatching(e.type))),
];

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
    `WITH created AS (${insertDeliveries({ from: 2, reset: options.reset ?? false })} RETURNING 1)
     -- Delivered at commit: the sender wakes up only for deliveries that exist.
     SELECT n, (SELECT pg_notify('${WEBHOOKS_CHANNEL}', '') WHERE n > 0) FROM (SELECT count(*)::int AS n FROM created) c`,
    [orgId, ...deliveryValues(events), options.endpointIds ?? null],
  );
  return rows[0]!.n;
}

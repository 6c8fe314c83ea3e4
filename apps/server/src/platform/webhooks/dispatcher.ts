/**
 * The webhook dispatcher: a durable consumer of every event that creates one delivery per (event, enabled endpoint
 * of the event's org whose filters match). It runs in the event's org transaction (consumer.ts), so the endpoints it
 * can see — by its query and by row-level security — are that org's only. The sender (`sender.ts`) attempts them.
 */
import { randomUUID } from 'node:crypto';
import type { Tx } from '../../db/index.js';
import type { BusEvent } from '../events/bus.js';
import type { Consumer } from '../events/consumer.js';
import { matchesAny } from './filters.js';

export const WEBHOOKS_CHANNEL = 'akashic_webhooks';

export const webhookDispatcher: Consumer = {
  name: 'webhooks',
  filter: {},
  async handle(event, { tx }) {
    await createDeliveries(tx, event.orgId, event);
  },
};

/**
 * Deliveries of `event` to the org's enabled endpoints that subscribe to its type (or only to `endpointIds`).
 * An existing delivery of the event to an endpoint is left as it is unless `reset` (a replay): then it is
 * scheduled again from a fresh schedule. Returns how many were created or rescheduled.
 */
export async function createDeliveries(
  tx: Tx,
  orgId: string,
  event: Omit<BusEvent, 'orgId'>,
  options: { endpointIds?: string[]; reset?: boolean } = {},
): Promise<number> {
  const { rows } = await tx.client.query<{ id: string; event_types: string[] }>(
    `SELECT id, event_types FROM webhook_endpoints
      WHERE org_id = $1 AND enabled AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))`,
    [orgId, options.endpointIds ?? null],
  );
  const targets = rows.filter((e) => matchesAny(e.event_types, event.type)).map((e) => e.id);
  if (targets.length === 0) return 0;
  const created = await tx.client.query(
    `INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, occurred_at, payload, next_attempt_at)
     SELECT d.id, $1, d.endpoint_id, $4, $5, $6, $7, now()
       FROM unnest($2::uuid[], $3::uuid[]) AS d(id, endpoint_id)
     ON CONFLICT (org_id, endpoint_id, event_id) DO ${
       options.reset
         ? `UPDATE SET status = 'pending', next_attempt_at = now(), first_attempt_at = NULL, schedule_attempts = 0`
         : 'NOTHING'
     }`,
    [
      orgId,
      targets.map(() => randomUUID()),
      targets,
      event.id,
      event.type,
      event.occurredAt,
      JSON.stringify(event.payload),
    ],
  );
  const n = created.rowCount ?? 0;
  // Delivered at commit: the sender wakes up only for deliveries that exist.
  if (n > 0) await tx.client.query(`SELECT pg_notify('${WEBHOOKS_CHANNEL}', '')`);
  return n;
}

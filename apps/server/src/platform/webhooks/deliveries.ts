/**
 * The delivery log of an organization's webhooks: list (newest first, filtered, keyset cursor), one delivery with
 * its attempts, manual redelivery, replay of a time range of the org's events to an endpoint, and a test ping.
 */
import { randomUUID } from 'node:crypto';
import type { Page, WebhookDelivery, WebhookDeliveryDetail } from '@akashic/contracts';
import type { z } from 'zod';
import type { Tx } from '../../db/index.js';
import { isoTimestamp, keysetPage } from '../../db/keyset.js';
import type { RecordInput } from '../audit/record.js';
import { AppError, notFound } from '../errors.js';
import { createDeliveries, WEBHOOKS_CHANNEL } from './dispatcher.js';
import { getEndpoint } from './endpoints.js';

type Recorder = (change: Omit<RecordInput, 'orgId' | 'actor' | 'meta'>) => Promise<void>;

/** Events one replay may schedule; a wider range is refused (narrow it, or replay it in parts). */
export const MAX_REPLAY_EVENTS = 10_000;

export const PING_EVENT_TYPE = 'platform.webhook_endpoint.ping';

const DELIVERY_COLUMNS = `d.id, d.endpoint_id AS "endpointId", d.event_id AS "eventId", d.event_type AS "eventType",
  ${isoTimestamp('d.occurred_at')} AS "occurredAt", d.status, d.attempts,
  ${isoTimestamp('d.next_attempt_at')} AS "nextAttemptAt", ${isoTimestamp('d.last_attempt_at')} AS "lastAttemptAt",
  d.last_status AS "lastStatus", ${isoTimestamp('d.created_at')} AS "createdAt"`;

export interface DeliveryFilter {
  limit: number;
  cursor?: string | undefined;
  endpointId?: string | undefined;
  status?: string | undefined;
  eventType?: string | undefined;
  eventId?: string | undefined;
}

export function listDeliveries(tx: Tx, orgId: string, f: DeliveryFilter): Promise<Page<WebhookDelivery>> {
  return keysetPage<WebhookDelivery>(tx, {
    columns: DELIVERY_COLUMNS,
    from: 'webhook_deliveries d',
    where: 'd.org_id = $1',
    params: [orgId],
    equal: {
      'd.endpoint_id': f.endpointId,
      'd.status': f.status,
      'd.event_type': f.eventType,
      'd.event_id': f.eventId,
    },
    key: { column: 'd.created_at', type: 'timestamptz' },
    id: 'd.id',
    limit: f.limit,
    cursor: f.cursor,
  });
}

export async function getDelivery(tx: Tx, orgId: string, id: string): Promise<z.input<typeof WebhookDeliveryDetail>> {
  const { rows } = await tx.client.query<WebhookDelivery & { payload: Record<string, unknown> }>(
    `SELECT ${DELIVERY_COLUMNS}, d.payload FROM webhook_deliveries d WHERE d.org_id = $1 AND d.id = $2`,
    [orgId, id],
  );
  if (!rows[0]) throw notFound('Webhook delivery');
  const attempts = await tx.client.query(
    `SELECT attempt, ${isoTimestamp('started_at')} AS "startedAt", duration_ms AS "durationMs",
            request_headers AS "requestHeaders", request_body AS "requestBody", response_status AS "responseStatus",
            response_headers AS "responseHeaders", response_body AS "responseBody", error
       FROM webhook_attempts WHERE org_id = $1 AND delivery_id = $2 ORDER BY attempt`,
    [orgId, id],
  );
  return { ...rows[0], attemptLog: attempts.rows };
}

async function enabledEndpoint(tx: Tx, orgId: string, endpointId: string) {
  const endpoint = await getEndpoint(tx, orgId, endpointId, true);
  if (!endpoint.enabled) {
    throw new AppError('conflict', 'The endpoint is disabled: enable it first');
  }
  return endpoint;
}

/** Attempt a delivery again now, from a fresh retry schedule, whatever its status. */
export async function redeliver(tx: Tx, orgId: string, id: string, record: Recorder) {
  const before = await getDelivery(tx, orgId, id);
  await enabledEndpoint(tx, orgId, before.endpointId);
  await tx.client.query(
    `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), first_attempt_at = NULL,
        schedule_attempts = 0
      WHERE org_id = $1 AND id = $2`,
    [orgId, id],
  );
  await tx.client.query(`SELECT pg_notify('${WEBHOOKS_CHANNEL}', '')`);
  const after = await getDelivery(tx, orgId, id);
  await record({
    action: 'webhook_delivery.redelivered',
    target: { type: 'webhook_delivery', id },
    payload: { target: { type: 'webhook_delivery', id }, endpointId: after.endpointId, eventId: after.eventId },
  });
  return after;
}

/**
 * Deliver the org's events that occurred in [from, to) and match the endpoint's filters to it again: a delivery per
 * event, new or rescheduled from a fresh schedule.
 */
export async function replayToEndpoint(
  tx: Tx,
  orgId: string,
  endpointId: string,
  range: { from: string; to: string },
  record: Recorder,
): Promise<{ deliveries: number }> {
  await enabledEndpoint(tx, orgId, endpointId);
  const { rows } = await tx.client.query<{
    id: string;
    type: string;
    occurred_at: Date;
    payload: Record<string, unknown>;
  }>(
    `SELECT id, type, occurred_at, payload FROM outbox
      WHERE org_id = $1 AND occurred_at >= $2 AND occurred_at < $3 ORDER BY position LIMIT $4`,
    [orgId, range.from, range.to, MAX_REPLAY_EVENTS + 1],
  );
  if (rows.length > MAX_REPLAY_EVENTS) {
    throw new AppError('validation_failed', `More than ${MAX_REPLAY_EVENTS} events in the range: narrow it`, {
      fields: [{ field: 'body.from', message: `the range holds more than ${MAX_REPLAY_EVENTS} events` }],
    });
  }
  // The endpoint's filters are applied by createDeliveries, as for the dispatcher.
  const deliveries = await createDeliveries(
    tx,
    orgId,
    rows.map((e) => ({ id: e.id, type: e.type, occurredAt: e.occurred_at.toISOString(), payload: e.payload })),
    { endpointIds: [endpointId], reset: true },
  );
  await record({
    action: 'webhook_endpoint.replayed',
    target: { type: 'webhook_endpoint', id: endpointId },
    payload: { target: { type: 'webhook_endpoint', id: endpointId }, from: range.from, to: range.to, deliveries },
  });
  return { deliveries };
}

/** Send a ping event to the endpoint (whatever its filters): a delivery like any other, with its attempt log. */
export async function pingEndpoint(tx: Tx, orgId: string, endpointId: string, record: Recorder) {
  await enabledEndpoint(tx, orgId, endpointId);
  const id = randomUUID();
  const eventId = randomUUID();
  await tx.client.query(
    `INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, occurred_at, payload, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, now(), $6, now())`,
    [id, orgId, endpointId, eventId, PING_EVENT_TYPE, JSON.stringify({ endpointId, message: 'ping from Akashic' })],
  );
  await tx.client.query(`SELECT pg_notify('${WEBHOOKS_CHANNEL}', '')`);
  await record({
    action: 'webhook_endpoint.pinged',
    target: { type: 'webhook_endpoint', id: endpointId },
    payload: { target: { type: 'webhook_endpoint', id: endpointId }, deliveryId: id, eventId },
  });
  return getDelivery(tx, orgId, id);
}

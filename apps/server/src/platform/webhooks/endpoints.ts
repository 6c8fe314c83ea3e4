/**
 * Webhook endpoints of an organization: create, read, update, delete, rotate the signing secret. Secrets are sealed
 * at rest (`sealSecret`, bound to the endpoint id) and shown only in the answers that create or rotate them.
 */
import { randomUUID } from 'node:crypto';
import type {
  CreateWebhookEndpointBody,
  UpdateWebhookEndpointBody,
  WebhookEndpoint,
  WebhookEndpointWithSecret,
} from '@akashic/contracts';
import type { z } from 'zod';
import type { Tx } from '../../db/index.js';
import { isoTimestamp } from '../../db/keyset.js';
import type { RecordInput } from '../audit/record.js';
import { openSecret, sealSecret } from '../crypto.js';
import { AppError, notFound } from '../errors.js';
import { canonicalIp, refusalOf, type AllowList } from './address.js';
import { newWebhookSecret } from './signature.js';

type Recorder = (change: Omit<RecordInput, 'orgId' | 'actor' | 'meta'>) => Promise<void>;

const SECRET_PURPOSE = 'webhook-signing-secret';

export const sealWebhookSecret = (serverSecret: string, endpointId: string, secret: string) =>
  sealSecret(serverSecret, SECRET_PURPOSE, secret, endpointId);

export const openWebhookSecret = (serverSecret: string, endpointId: string, sealed: string) =>
  openSecret(serverSecret, SECRET_PURPOSE, sealed, endpointId);

export const ENDPOINT_COLUMNS = `id, url, description, event_types AS "eventTypes", enabled,
  disabled_reason AS "disabledReason", ${isoTimestamp('disabled_at')} AS "disabledAt",
  ${isoTimestamp('previous_secret_expires_at')} AS "overlapEndsAt",
  ${isoTimestamp('failing_since')} AS "failingSince",
  ${isoTimestamp('created_at')} AS "createdAt", ${isoTimestamp('updated_at')} AS "updatedAt"`;

/** An IP-literal URL that the SSRF guard would refuse is refused here already (names are checked at delivery). */
function checkUrl(url: string, allow: AllowList): void {
  const host = new URL(url).hostname;
  const ip = canonicalIp(host);
  const reason = ip ? refusalOf(ip, allow) : /^localhost\.?$/i.test(host) ? 'loopback' : null;
  if (reason) {
    throw new AppError('validation_failed', `Webhooks cannot be sent to ${host} (${reason})`, {
      fields: [{ field: 'body.url', message: `not a public address: ${reason}` }],
    });
  }
}

export async function listEndpoints(tx: Tx, orgId: string): Promise<WebhookEndpoint[]> {
  const { rows } = await tx.client.query<WebhookEndpoint>(
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE org_id = $1 ORDER BY created_at, id`,
    [orgId],
  );
  return rows;
}

export async function getEndpoint(tx: Tx, orgId: string, id: string, lock = false): Promise<WebhookEndpoint> {
  const { rows } = await tx.client.query<WebhookEndpoint>(
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE org_id = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`,
    [orgId, id],
  );
  if (!rows[0]) throw notFound('Webhook endpoint');
  return rows[0];
}

export interface EndpointSettings {
  serverSecret: string;
  allow: AllowList;
}

export async function createEndpoint(
  tx: Tx,
  orgId: string,
  body: z.output<typeof CreateWebhookEndpointBody>,
  settings: EndpointSettings,
  record: Recorder,
): Promise<z.input<typeof WebhookEndpointWithSecret>> {
  checkUrl(body.url, settings.allow);
  const id = randomUUID();
  const secret = newWebhookSecret();
  await tx.client.query(
    `INSERT INTO webhook_endpoints (id, org_id, url, description, event_types, secret) VALUES ($1,$2,$3,$4,$5,$6)`,
    [
      id,
      orgId,
      body.url,
      body.description,
      [...new Set(body.eventTypes)],
      sealWebhookSecret(settings.serverSecret, id, secret),
    ],
  );
  const after = await getEndpoint(tx, orgId, id);
  await record({ action: 'webhook_endpoint.created', target: { type: 'webhook_endpoint', id }, after });
  return { ...after, secret };
}

export async function updateEndpoint(
  tx: Tx,
  orgId: string,
  id: string,
  body: z.output<typeof UpdateWebhookEndpointBody>,
  settings: EndpointSettings,
  record: Recorder,
): Promise<WebhookEndpoint> {
  const before = await getEndpoint(tx, orgId, id, true);
  if (body.url !== undefined) checkUrl(body.url, settings.allow);
  const enabled = body.enabled ?? before.enabled;
  await tx.client.query(
    `UPDATE webhook_endpoints SET url = $3, description = $4, event_types = $5, enabled = $6,
        disabled_reason = CASE WHEN $6 THEN NULL WHEN enabled THEN 'manual' ELSE disabled_reason END,
        disabled_at = CASE WHEN $6 THEN NULL WHEN enabled THEN now() ELSE disabled_at END,
        failing_since = CASE WHEN $6 AND NOT enabled THEN NULL ELSE failing_since END,
        updated_at = now()
      WHERE org_id = $1 AND id = $2`,
    [
      orgId,
      id,
      body.url ?? before.url,
      body.description ?? before.description,
      body.eventTypes ? [...new Set(body.eventTypes)] : before.eventTypes,
      enabled,
    ],
  );
  const after = await getEndpoint(tx, orgId, id);
  await record({ action: 'webhook_endpoint.updated', target: { type: 'webhook_endpoint', id }, before, after });
  return after;
}

export async function deleteEndpoint(tx: Tx, orgId: string, id: string, record: Recorder): Promise<void> {
  const before = await getEndpoint(tx, orgId, id, true);
  await tx.client.query('DELETE FROM webhook_endpoints WHERE org_id = $1 AND id = $2', [orgId, id]);
  await record({ action: 'webhook_endpoint.deleted', target: { type: 'webhook_endpoint', id }, before });
}

/**
 * A new signing secret. The current one becomes the previous one and keeps signing deliveries (a second `v1,`
 * signature) for `overlapHours`, so receivers can switch without losing a delivery.
 */
export async function rotateEndpointSecret(
  tx: Tx,
  orgId: string,
  id: string,
  overlapHours: number,
  settings: EndpointSettings,
  record: Recorder,
): Promise<z.input<typeof WebhookEndpointWithSecret>> {
  await getEndpoint(tx, orgId, id, true);
  const secret = newWebhookSecret();
  await tx.client.query(
    `UPDATE webhook_endpoints SET previous_secret = CASE WHEN $4 > 0 THEN secret END,
        previous_secret_expires_at = CASE WHEN $4 > 0 THEN now() + make_interval(hours => $4) END,
        secret = $3, updated_at = now()
      WHERE org_id = $1 AND id = $2`,
    [orgId, id, sealWebhookSecret(settings.serverSecret, id, secret), overlapHours],
  );
  const after = await getEndpoint(tx, orgId, id);
  await record({
    action: 'webhook_endpoint.secret_rotated',
    target: { type: 'webhook_endpoint', id },
    payload: { target: { type: 'webhook_endpoint', id }, overlapEndsAt: after.overlapEndsAt },
  });
  return { ...after, secret };
}

/**
 * Secrets the sender opened, by server secret and (endpoint, sealed value): opening one derives a key (HKDF) and
 * decrypts, on every delivery otherwise. A rotated secret is a new sealed value, so an entry never goes stale; the
 * cache only spares the work, and is dropped whole when it outgrows `OPENED_MAX`.
 */
const opened = new Map<string, Map<string, string>>();
const OPENED_MAX = 10_000;

function openCached(serverSecret: string, endpointId: string, sealed: string): string {
  let bySecret = opened.get(serverSecret);
  if (!bySecret) opened.set(serverSecret, (bySecret = new Map()));
  const key = `${endpointId} ${sealed}`;
  let secret = bySecret.get(key);
  if (secret === undefined) {
    secret = openWebhookSecret(serverSecret, endpointId, sealed);
    if (bySecret.size >= OPENED_MAX) bySecret.clear();
    bySecret.set(key, secret);
  }
  return secret;
}

/** The secrets a delivery is signed with now: the current one, then the previous one while it overlaps. */
export function signingSecrets(
  serverSecret: string,
  endpoint: { id: string; secret: string; previous_secret: string | null; previous_secret_expires_at: Date | null },
  now: Date,
): string[] {
  const secrets = [openCached(serverSecret, endpoint.id, endpoint.secret)];
  if (endpoint.previous_secret && endpoint.previous_secret_expires_at && endpoint.previous_secret_expires_at > now) {
    secrets.push(openCached(serverSecret, endpoint.id, endpoint.previous_secret));
  }
  return secrets;
}

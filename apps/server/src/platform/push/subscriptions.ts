/**
 * Push subscriptions: a member's browsers that receive this organization's notifications. Subscribing again from
 * the same browser (same endpoint) refreshes its keys; from a browser another member of the organization had
 * subscribed, it moves to the new member, so nobody keeps receiving notifications on a device they gave up.
 */
import { randomUUID } from 'node:crypto';
import type { PushSubscribeBody, PushSubscription } from '@akashic/contracts';
import type { z } from 'zod';
import type { Tx } from '../../db/index.js';
import type { RecordInput } from '../audit/record.js';
import { AppError, notFound } from '../errors.js';
import { canonicalIp, refusalOf } from '../webhooks/address.js';
import { PushKeyError, subscriptionKeys } from './webpush.js';

type Recorder = (change: Omit<RecordInput, 'orgId' | 'actor' | 'meta'>) => Promise<void>;
type Subscribe = z.output<typeof PushSubscribeBody>;

interface Row {
  id: string;
  endpoint: string;
  device: string | null;
  created_at: Date;
  last_sent_at: Date | null;
}

const toSubscription = (r: Row): PushSubscription => ({
  id: r.id,
  endpoint: r.endpoint,
  device: r.device,
  createdAt: r.created_at.toISOString(),
  lastSentAt: r.last_sent_at ? r.last_sent_at.toISOString() : null,
});

/** The audit view of a subscription: where it delivers, never its keys. */
const auditView = (userId: string, endpoint: string, device: string | null) => ({
  userId,
  pushService: new URL(endpoint).origin,
  device,
});

/**
 * Why an endpoint is refused before anything is stored: it carries credentials, or names an address the SSRF
 * guard refuses. Host names are resolved (and every address checked) at each delivery.
 */
function endpointRefusal(endpoint: string): string | null {
  const url = new URL(endpoint);
  if (url.username || url.password) return 'must not carry credentials';
  const literal = canonicalIp(url.hostname);
  const reason = literal ? refusalOf(literal) : null;
  return reason ? `must not point at a ${reason} address` : null;
}

export async function subscribe(
  tx: Tx,
  orgId: string,
  userId: string,
  input: Subscribe,
  record: Recorder,
): Promise<PushSubscription> {
  const refused = endpointRefusal(input.endpoint);
  if (refused) {
    throw new AppError('validation_failed', `The endpoint ${refused}`, {
      fields: [{ field: 'body.endpoint', message: refused }],
    });
  }
  try {
    subscriptionKeys(input.keys);
  } catch (err) {
    if (!(err instanceof PushKeyError)) throw err;
    throw new AppError('validation_failed', err.message, {
      fields: [{ field: 'body.keys.p256dh', message: err.message }],
    });
  }
  const device = input.device ?? null;
  const expiresAt = input.expirationTime == null ? null : new Date(input.expirationTime);
  const before = await tx.client.query<{ id: string; user_id: string; device: string | null }>(
    'SELECT id, user_id, device FROM push_subscriptions WHERE org_id = $1 AND endpoint = $2 FOR UPDATE',
    [orgId, input.endpoint],
  );
  const previous = before.rows[0];
  const { rows } = await tx.client.query<Row>(
    `INSERT INTO push_subscriptions (id, org_id, user_id, endpoint, p256dh, auth, device, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (org_id, endpoint) DO UPDATE
       SET user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth, device = excluded.device,
           expires_at = excluded.expires_at
     RETURNING id, endpoint, device, created_at, last_sent_at`,
    [randomUUID(), orgId, userId, input.endpoint, input.keys.p256dh, input.keys.auth, device, expiresAt],
  );
  const row = rows[0]!;
  await record({
    action: previous ? 'push_subscription.renewed' : 'push_subscription.created',
    target: { type: 'push_subscription', id: row.id },
    ...(previous ? { before: auditView(previous.user_id, input.endpoint, previous.device) } : {}),
    after: auditView(userId, input.endpoint, device),
  });
  return toSubscription(row);
}

/** The member's own subscriptions in this organization, newest first. */
export async function listSubscriptions(tx: Tx, orgId: string, userId: string): Promise<PushSubscription[]> {
  const { rows } = await tx.client.query<Row>(
    `SELECT id, endpoint, device, created_at, last_sent_at FROM push_subscriptions
      WHERE org_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC`,
    [orgId, userId],
  );
  return rows.map(toSubscription);
}

/** Remove one of the member's own subscriptions (another member's answers 404, like a missing one). */
export async function unsubscribe(tx: Tx, orgId: string, userId: string, id: string, record: Recorder): Promise<void> {
  const { rows } = await tx.client.query<{ endpoint: string; device: string | null }>(
    'DELETE FROM push_subscriptions WHERE org_id = $1 AND user_id = $2 AND id = $3 RETURNING endpoint, device',
    [orgId, userId, id],
  );
  const gone = rows[0];
  if (!gone) throw notFound('Push subscription');
  await record({
    action: 'push_subscription.deleted',
    target: { type: 'push_subscription', id },
    before: auditView(userId, gone.endpoint, gone.device),
  });
}

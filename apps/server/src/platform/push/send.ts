/**
 * Sending a web push notification to a member's devices (`sendPush`). The member's preference for the notification's
 * type decides first; then each of their subscriptions in the organization gets the message encrypted for it
 * (RFC 8291) with a VAPID authorization (RFC 8292), POSTed behind the webhook SSRF guard (resolved address checked
 * and pinned, no redirects, bounded time). The push service's answer decides what follows:
 * 2xx delivered; 404/410 the subscription is gone and is deleted (audited as the system's change); 429 waits the
 * Retry-After it names and tries once more when that is short enough, else reports it; anything else is a failure.
 * No database connection is held while push services answer: subscriptions are read first, the outcome written after.
 */
import type { NotificationType } from '@akashic/contracts';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Database } from '../../db/index.js';
import { recordChange } from '../audit/record.js';
import { deliverWebhook, type DeliveryOptions } from '../webhooks/deliver.js';
import { wants } from './preferences.js';
import { MAX_PLAINTEXT_BYTES, encryptPushMessage, vapidAuthorization } from './webpush.js';

export interface PushMessage {
  orgId: string;
  userId: string;
  type: NotificationType;
  title: string;
  body: string;
  /** A path of the console, opened when the notification is clicked. */
  url: string;
  /** Replaces an undelivered message of the same topic at the push service (≤ 32 base64url characters). */
  topic?: string;
}

export type Urgency = 'very-low' | 'low' | 'normal' | 'high';

export interface SendOptions {
  /** Seconds the push service keeps an undelivered message. Default 1 day. */
  ttlSeconds?: number;
  urgency?: Urgency;
  /** The longest Retry-After waited before the one retry of a 429. Default 10 s. */
  maxRetryWaitMs?: number;
  /** SSRF guard and transport options (a local push service in tests). */
  delivery?: DeliveryOptions;
}

export interface PushOutcome {
  /** Why nothing was sent, when nothing was. */
  skipped: 'not_member' | 'preference' | 'no_subscriptions' | null;
  delivered: number;
  /** Subscriptions the push service no longer knows (404/410): deleted. */
  removed: number;
  failed: number;
  /** The longest Retry-After (seconds) of a push service still refusing after the retry; null when none did. */
  retryAfterSeconds: number | null;
}

const DEFAULT_TTL_SECONDS = 24 * 3600;
const DEFAULT_MAX_RETRY_WAIT_MS = 10_000;
const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;
const SYSTEM = { type: 'system' as const, id: null, label: 'web push' };

interface Target {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  device: string | null;
}

type Result = { id: string; kind: 'delivered' | 'gone' | 'failed' | 'rate_limited'; retryAfterSeconds?: number };

export async function sendPush(
  services: { db: Database; config: Pick<Config, 'push'>; log: Logger },
  message: PushMessage,
  options: SendOptions = {},
): Promise<PushOutcome> {
  const { db, config, log } = services;
  const { orgId, userId } = message;
  if (message.topic !== undefined && !TOPIC.test(message.topic)) {
    throw new RangeError('a push topic is 1 to 32 base64url characters');
  }
  if (!message.url.startsWith('/') || message.url.startsWith('//'))
    throw new RangeError('a push url is a console path');
  const outcome: PushOutcome = { skipped: null, delivered: 0, removed: 0, failed: 0, retryAfterSeconds: null };

  const found = await db.read({ orgId, userId }, async (tx) => {
    const member = await tx.client.query('SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2', [
      orgId,
      userId,
    ]);
    if (!member.rowCount) return 'not_member' as const;
    if (!(await wants(tx, orgId, userId, message.type, 'push'))) return 'preference' as const;
    const { rows } = await tx.client.query<Target>(
      `SELECT id, endpoint, p256dh, auth, device FROM push_subscriptions
        WHERE org_id = $1 AND user_id = $2 AND (expires_at IS NULL OR expires_at > now())`,
      [orgId, userId],
    );
    return rows.length ? rows : ('no_subscriptions' as const);
  });
  if (typeof found === 'string') return { ...outcome, skipped: found };

  const plaintext = payloadOf(message);
  const results = await Promise.all(found.map((target) => deliverTo(target, plaintext, message, config, options, log)));

  for (const r of results) {
    if (r.kind === 'delivered') outcome.delivered++;
    else if (r.kind === 'gone') outcome.removed++;
    else outcome.failed++;
    if (r.kind === 'rate_limited') {
      outcome.retryAfterSeconds = Math.max(outcome.retryAfterSeconds ?? 0, r.retryAfterSeconds ?? 0);
    }
  }

  const delivered = results.filter((r) => r.kind === 'delivered').map((r) => r.id);
  const gone = found.filter((t) => results.some((r) => r.id === t.id && r.kind === 'gone'));
  if (delivered.length || gone.length) {
    await db.transaction({ orgId }, async (tx) => {
      if (delivered.length) {
        await tx.client.query('UPDATE push_subscriptions SET last_sent_at = now() WHERE org_id = $1 AND id = ANY($2)', [
          orgId,
          delivered,
        ]);
      }
      for (const t of gone) {
        const del = await tx.client.query('DELETE FROM push_subscriptions WHERE org_id = $1 AND id = $2', [
          orgId,
          t.id,
        ]);
        if (!del.rowCount) continue;
        await recordChange(tx, {
          orgId,
          actor: SYSTEM,
          action: 'push_subscription.expired',
          target: { type: 'push_subscription', id: t.id },
          before: { userId, pushService: new URL(t.endpoint).origin, device: t.device },
        });
      }
    });
  }
  return outcome;
}

/** The JSON the service worker reads (apps/web/src/sw/shared.ts PushPayload), the body shortened to fit. */
function payloadOf(m: PushMessage): Buffer {
  const encode = (body: string) =>
    Buffer.from(JSON.stringify({ title: m.title, body, url: m.url, type: m.type }), 'utf8');
  let chars = [...m.body];
  let out = encode(m.body);
  while (out.length > MAX_PLAINTEXT_BYTES && chars.length) {
    chars = chars.slice(0, Math.max(0, chars.length - Math.ceil((out.length - MAX_PLAINTEXT_BYTES) / 4) - 1));
    out = encode(`${chars.join('')}…`);
  }
  if (out.length > MAX_PLAINTEXT_BYTES) throw new RangeError('the notification title does not fit a push message');
  return out;
}

async function deliverTo(
  target: Target,
  plaintext: Buffer,
  message: PushMessage,
  config: Pick<Config, 'push'>,
  options: SendOptions,
  log: Logger,
): Promise<Result> {
  const maxWait = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    const answer = await deliverWebhook(
      {
        url: target.endpoint,
        headers: {
          'content-type': 'application/octet-stream',
          'content-encoding': 'aes128gcm',
          ttl: String(options.ttlSeconds ?? DEFAULT_TTL_SECONDS),
          urgency: options.urgency ?? 'normal',
          ...(message.topic ? { topic: message.topic } : {}),
          authorization: vapidAuthorization(target.endpoint, config.push.vapid),
        },
        body: encryptPushMessage(target, plaintext),
      },
      options.delivery,
    );
    if (answer.ok) return { id: target.id, kind: 'delivered' };
    if (answer.status === 404 || answer.status === 410) return { id: target.id, kind: 'gone' };
    if (answer.status === 429) {
      const seconds = retryAfterSeconds(answer.headers['retry-after']);
      if (attempt === 1 && seconds * 1000 <= maxWait) {
        await new Promise((r) => setTimeout(r, seconds * 1000));
        continue;
      }
      return { id: target.id, kind: 'rate_limited', retryAfterSeconds: seconds };
    }
    log.warn(
      { subscription: target.id, status: answer.status, error: answer.error, message: answer.message },
      'push delivery failed',
    );
    return { id: target.id, kind: 'failed' };
  }
}

/** Retry-After as delay-seconds or an HTTP date; a missing or unreadable one counts as 60 s. */
export function retryAfterSeconds(value: string | undefined, now: number = Date.now()): number {
  if (value && /^\d+$/.test(value.trim())) return Number(value.trim());
  const at = value ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? 60 : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Standard Webhooks signatures (standardwebhooks.com): headers `webhook-id`, `webhook-timestamp` (Unix seconds)
 * and `webhook-signature`, a space-separated list of `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
 * Secrets are `whsec_<base64 key>`. While a secret is being rotated, deliveries are signed with the new and the
 * old secret (one signature each), so a receiver holding either one accepts them.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../crypto.js';

export const SECRET_PREFIX = 'whsec_';
/** The spec's default: a receiver refuses timestamps further than this from its clock, either way. */
export const DEFAULT_TOLERANCE_S = 5 * 60;

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

/** A new signing secret: 32 random bytes (the spec asks for 24 to 64). */
export const newWebhookSecret = (): string => SECRET_PREFIX + randomBytes(32).toString('base64');

function keyOf(secret: string): Buffer {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  if (key.length === 0) throw new WebhookVerificationError('empty signing secret');
  return key;
}

const hmac = (secret: string, id: string, timestamp: number, body: string | Buffer): Buffer =>
  createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.`).update(body).digest();

/** `v1,<base64>` for one secret. */
export const signature = (secret: string, id: string, timestamp: number, body: string | Buffer): string =>
  `v1,${hmac(secret, id, timestamp, body).toString('base64')}`;

/** The three headers of a delivery, signed with every secret given (current first, then those still in overlap). */
export function signWebhook(
  secrets: readonly string[],
  id: string,
  body: string | Buffer,
  timestamp = Math.floor(Date.now() / 1000),
): WebhookHeaders {
  if (secrets.length === 0) throw new WebhookVerificationError('no signing secret');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((s) => signature(s, id, timestamp, body)).join(' '),
  };
}

export interface VerifyOptions {
  /** Seconds a timestamp may differ from `now`. Default 5 min. */
  toleranceS?: number;
  /** Unix seconds. */
  now?: number;
}

/**
 * Check a received delivery against any of `secrets` (rotation overlap): the timestamp within tolerance and at
 * least one `v1` signature matching, compared in constant time. Throws `WebhookVerificationError` otherwise.
 */
export function verifyWebhook(
  secrets: readonly string[],
  headers: Partial<Record<keyof WebhookHeaders, string | undefined>>,
  body: string | Buffer,
  options: VerifyOptions = {},
): void {
  const id = headers['webhook-id'];
  const ts = headers['webhook-timestamp'];
  const sigs = headers['webhook-signature'];
  if (!id || !ts || !sigs) throw new WebhookVerificationError('missing webhook headers');
  if (!/^\d{1,12}$/.test(ts)) throw new WebhookVerificationError('invalid webhook-timestamp');
  const timestamp = Number(ts);
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceS ?? DEFAULT_TOLERANCE_S)) {
    throw new WebhookVerificationError('webhook-timestamp outside the tolerance');
  }
  const offered = sigs
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => Buffer.from(s.slice(3), 'base64'));
  for (const secret of secrets) {
    const expected = hmac(secret, id, timestamp, body);
    if (offered.some((o) => safeEqual(o, expected))) return;
  }
  throw new WebhookVerificationError('no matching signature');
}

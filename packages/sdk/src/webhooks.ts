/**
 * Verifying Akashic webhook deliveries (Standard Webhooks, standardwebhooks.com): headers `webhook-id`,
 * `webhook-timestamp` (Unix seconds) and `webhook-signature`, a space-separated list of
 * `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, with secrets `whsec_<base64 key>`. Web Crypto only,
 * so it runs in Node 20+, browsers and edge runtimes; signatures are checked by `crypto.subtle.verify`, which
 * compares in constant time.
 */

export const SECRET_PREFIX = 'whsec_';
/** A delivery whose timestamp is further than this from the receiver's clock, either way, is refused. */
export const DEFAULT_TOLERANCE_S = 5 * 60;

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

/** A `Headers` object, or a plain record such as Node's `req.headers` (names matched case-insensitively). */
export type WebhookHeaders =
  | Headers
  | { readonly [name: string]: string | readonly string[] | undefined }
  | { readonly 'webhook-id'?: string; readonly 'webhook-timestamp'?: string; readonly 'webhook-signature'?: string };

export interface VerifyOptions {
  /** Seconds the timestamp may differ from `now`. Default 5 minutes. */
  toleranceS?: number;
  /** Unix seconds. Default: the clock. */
  now?: number;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  // Duck-typed: a Headers of another realm or fetch implementation is no `instanceof Headers` here.
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const entry = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  const value: unknown = entry?.[1];
  return Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : undefined;
}

function base64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

const importKey = (secret: string) => {
  const key = base64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  if (!key?.length) throw new WebhookVerificationError('invalid signing secret');
  return crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
};

function signedContent(
  id: string,
  timestamp: string,
  body: string | Uint8Array | ArrayBuffer,
): Uint8Array<ArrayBuffer> {
  const prefix = new TextEncoder().encode(`${id}.${timestamp}.`);
  const payload = typeof body === 'string' ? new TextEncoder().encode(body) : new Uint8Array(body);
  const content = new Uint8Array(prefix.length + payload.length);
  content.set(prefix);
  content.set(payload, prefix.length);
  return content;
}

/**
 * Checks a delivery: the three headers present, the timestamp within the tolerance, and at least one `v1`
 * signature made with one of `secrets` (pass the old and the new one while a secret is being rotated) over the
 * body exactly as received — verify the raw bytes before parsing them. Throws `WebhookVerificationError` when any
 * of this fails; resolves otherwise.
 */
export async function verifyWebhook(
  secrets: string | readonly string[],
  headers: WebhookHeaders,
  body: string | Uint8Array | ArrayBuffer,
  options: VerifyOptions = {},
): Promise<void> {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) throw new WebhookVerificationError('missing webhook headers');
  if (!/^\d{1,12}$/.test(timestamp)) throw new WebhookVerificationError('invalid webhook-timestamp');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (options.toleranceS ?? DEFAULT_TOLERANCE_S)) {
    throw new WebhookVerificationError('webhook-timestamp outside the tolerance');
  }
  const offered = signatures
    .split(' ')
    .filter((s) => s.startsWith('v1,'))
    .map((s) => base64(s.slice(3)))
    .filter((s) => s !== undefined);
  const content = signedContent(id, timestamp, body);
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const key = await importKey(secret);
    for (const signature of offered) {
      if (await crypto.subtle.verify('HMAC', key, signature, content)) return;
    }
  }
  throw new WebhookVerificationError('no matching signature');
}

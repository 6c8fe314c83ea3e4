/**
 * Web Push message encryption (RFC 8291, `aes128gcm` content coding of RFC 8188) and VAPID (RFC 8292), with
 * Node's crypto only.
 *
 * Encryption: a fresh P-256 key pair per message (`as_*`); ECDH with the subscription's `p256dh` key; HKDF-SHA256 with
 * the subscription's `auth` secret into the input keying material; HKDF again with a random 16-byte salt into the
 * AES-128-GCM key and nonce. The message is one record: plaintext, the last-record delimiter 0x02, GCM tag; the
 * body starts with the RFC 8188 header (salt, record size, key id = `as_public`).
 *
 * VAPID: an ES256 JWT (`aud` = the push service's origin, `exp` ≤ 24 h, `sub` = a contact URI) sent as
 * `Authorization: vapid t=<jwt>, k=<application server public key>`.
 */
import { createCipheriv, createECDH, createPrivateKey, hkdfSync, randomBytes, sign } from 'node:crypto';

/** A P-256 key pair as push uses them: the uncompressed public point (65 bytes) and the private scalar (32). */
export interface VapidKeys {
  publicKey: Buffer;
  privateKey: Buffer;
}

/** The keys of a browser's `PushSubscription` (`getKey('p256dh')`, `getKey('auth')`), base64url. */
export interface SubscriptionKeys {
  p256dh: string;
  auth: string;
}

/** Record size announced in the header; one record always holds a push message (at most 4096 bytes in all). */
export const RECORD_SIZE = 4096;
const HEADER_BYTES = 16 + 4 + 1 + 65;
const TAG_BYTES = 16;
/** The largest plaintext one message carries: RFC 8291 §4 caps the whole body at 4096 bytes. */
export const MAX_PLAINTEXT_BYTES = RECORD_SIZE - HEADER_BYTES - TAG_BYTES - 1;

export class PushKeyError extends Error {
  override readonly name = 'PushKeyError';
}

/** Decode and check a subscription's keys: `p256dh` an uncompressed P-256 point, `auth` 16 bytes. */
export function subscriptionKeys(keys: SubscriptionKeys): { uaPublic: Buffer; authSecret: Buffer } {
  const uaPublic = Buffer.from(keys.p256dh, 'base64url');
  const authSecret = Buffer.from(keys.auth, 'base64url');
  if (uaPublic.length !== 65 || uaPublic[0] !== 0x04)
    throw new PushKeyError('p256dh is not an uncompressed P-256 point');
  if (authSecret.length !== 16) throw new PushKeyError('auth is not 16 bytes');
  try {
    const probe = createECDH('prime256v1');
    probe.generateKeys();
    probe.computeSecret(uaPublic);
  } catch {
    throw new PushKeyError('p256dh is not a point on P-256');
  }
  return { uaPublic, authSecret };
}

/** A new VAPID key pair. */
export function generateVapidKeys(): VapidKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { publicKey: ecdh.getPublicKey(), privateKey: ecdh.getPrivateKey() };
}

/** The key pair of a private scalar (32 bytes); throws when it is not a valid P-256 private key. */
export function vapidKeysFrom(privateKey: Buffer): VapidKeys {
  if (privateKey.length !== 32) throw new PushKeyError('a VAPID private key is 32 bytes');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(privateKey);
  return { publicKey: ecdh.getPublicKey(), privateKey };
}

/**
 * Encrypt `plaintext` for a subscription. `salt` and `senderPrivateKey` are random unless given (only the RFC 8291
 * example vector gives them).
 */
export function encryptPushMessage(
  keys: SubscriptionKeys,
  plaintext: Buffer,
  fixed: { salt?: Buffer; senderPrivateKey?: Buffer } = {},
): Buffer {
  if (plaintext.length > MAX_PLAINTEXT_BYTES) {
    throw new RangeError(`a push message carries at most ${MAX_PLAINTEXT_BYTES} bytes`);
  }
  const { uaPublic, authSecret } = subscriptionKeys(keys);
  const ecdh = createECDH('prime256v1');
  if (fixed.senderPrivateKey) ecdh.setPrivateKey(fixed.senderPrivateKey);
  else ecdh.generateKeys();
  const asPublic = ecdh.getPublicKey();
  const ecdhSecret = ecdh.computeSecret(uaPublic);
  const salt = fixed.salt ?? randomBytes(16);

  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0', 'ascii'), uaPublic, asPublic]);
  const ikm = hkdf(ecdhSecret, authSecret, keyInfo, 32);
  const cek = hkdf(ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0', 'ascii'), 16);
  const nonce = hkdf(ikm, salt, Buffer.from('Content-Encoding: nonce\0', 'ascii'), 12);

  const cipher = createCipheriv('aes-128-gcm', cek, nonce);
  const body = Buffer.concat([cipher.update(plaintext), cipher.update(Buffer.from([0x02])), cipher.final()]);

  const header = Buffer.alloc(HEADER_BYTES);
  salt.copy(header, 0);
  header.writeUInt32BE(RECORD_SIZE, 16);
  header[20] = asPublic.length;
  asPublic.copy(header, 21);
  return Buffer.concat([header, body, cipher.getAuthTag()]);
}

const hkdf = (ikm: Buffer, salt: Buffer, info: Buffer, length: number): Buffer =>
  Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

/** How long a VAPID token is valid (RFC 8292 §2: at most 24 hours). */
export const VAPID_TOKEN_TTL_SECONDS = 12 * 3600;

/**
 * The `Authorization` header for a request to `endpoint`: a VAPID JWT signed with ES256 (the raw r‖s signature
 * of JWS) for the push service's origin.
 */
export function vapidAuthorization(
  endpoint: string,
  vapid: VapidKeys & { subject: string },
  now: Date = new Date(),
): string {
  const header = b64json({ typ: 'JWT', alg: 'ES256' });
  const claims = b64json({
    aud: new URL(endpoint).origin,
    exp: Math.floor(now.getTime() / 1000) + VAPID_TOKEN_TTL_SECONDS,
    sub: vapid.subject,
  });
  const signingInput = `${header}.${claims}`;
  const signature = sign('sha256', Buffer.from(signingInput), {
    key: privateKeyObject(vapid),
    dsaEncoding: 'ieee-p1363',
  });
  return `vapid t=${signingInput}.${signature.toString('base64url')}, k=${vapid.publicKey.toString('base64url')}`;
}

const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

function privateKeyObject(vapid: VapidKeys) {
  return createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: vapid.privateKey.toString('base64url'),
      x: vapid.publicKey.subarray(1, 33).toString('base64url'),
      y: vapid.publicKey.subarray(33, 65).toString('base64url'),
    },
  });
}

import { createCipheriv, createDecipheriv, hash, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random secret for a bearer credential, URL-safe. */
export const newSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

// One-shot digests: no Hash object per call (every request hashes its credential).
export const sha256 = (value: string | Buffer): Buffer => hash('sha256', value, 'buffer');

export const sha256Hex = (value: string | Buffer): string => hash('sha256', value, 'hex');

export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** JSON with object keys sorted recursively: the same value always serializes to the same bytes. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Digest of a state snapshot for the audit log (hex sha256 of its canonical JSON), or null when absent. */
export const digestOf = (value: unknown): string | null =>
  value === undefined || value === null ? null : sha256Hex(canonicalJson(value));

/**
 * Secrets kept at rest (such as an organization's AI provider key): AES-256-GCM under a key derived with HKDF-SHA256
 * from the server secret, one key per `purpose`. `context` (such as the organization id) is authenticated but not
 * stored, so a sealed value copied to another row does not open. Format: `v1.` + base64url(iv ‖ tag ‖ ciphertext).
 * A different server secret cannot open it: the value has to be entered again.
 */
export function sealSecret(serverSecret: string, purpose: string, plaintext: string, context = ''): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(serverSecret, purpose), iv).setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** Open a value from `sealSecret`; throws `SealedSecretError` when it was sealed under another secret or context. */
export function openSecret(serverSecret: string, purpose: string, sealed: string, context = ''): string {
  const raw = sealed.startsWith(SEALED_PREFIX) ? Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url') : null;
  if (!raw || raw.length < 28) throw new SealedSecretError('not a sealed value');
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(serverSecret, purpose), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(context)).setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    throw new SealedSecretError('sealed under another server secret or context');
  }
}

export class SealedSecretError extends Error {
  override readonly name = 'SealedSecretError';
}

const SEALED_PREFIX = 'v1.';

const sealKey = (serverSecret: string, purpose: string): Buffer =>
  Buffer.from(hkdfSync('sha256', serverSecret, 'akashic-sealed-secret', purpose, 32));

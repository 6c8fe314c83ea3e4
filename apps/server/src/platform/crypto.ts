import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random secret for a bearer credential, URL-safe. */
export const newSecret = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256 = (value: string | Buffer): Buffer => createHash('sha256').update(value).digest();

export const sha256Hex = (value: string | Buffer): string => sha256(value).toString('hex');

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

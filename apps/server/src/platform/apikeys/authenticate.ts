/**
 * Resolving `Authorization: Bearer akk_…` to the key's principal, through the auth cache (revocation, rotation and
 * changes reach every process through `akashic_auth` notifications, drizzle/0015). The row is found under the
 * bearer-read policy by the hash of whichever secret was presented: the current one, or the previous one until its
 * grace period ends. Last use is written at most once a minute per key, across processes.
 */
import type { Database } from '../../db/index.js';
import { sha256Hex } from '../crypto.js';
import type { AuthCache } from '../identity/auth-cache.js';
import type { Principal } from '../identity/principal.js';
import type { OrgRole } from '../tenancy/role.js';

/** Write last-used time and address at most this often per key. */
export const KEY_TOUCH_INTERVAL_MS = 60_000;

interface CachedKey {
  id: string;
  orgId: string;
  name: string;
  role: OrgRole;
  scopes: string[];
  /** When the presented secret stops working: the key's expiry, or the end of a rotation's grace period. */
  validUntil: number | null;
  lastUsedAt: number | null;
}

export interface ApiKeyResolver {
  resolve(secret: string, ip: string): Promise<Principal | null>;
}

export function createApiKeyResolver(db: Database, cache: AuthCache, now: () => number = Date.now): ApiKeyResolver {
  /** Last time this process wrote a key's last use (the cached row does not see its own writes). */
  const touched = new Map<string, number>();

  async function load(hash: string): Promise<CachedKey | null> {
    return db.transaction({ bearerHash: hash }, async ({ client }) => {
      const { rows } = await client.query<{
        id: string;
        org_id: string;
        name: string;
        role: OrgRole;
        scopes: string[];
        expires_at: Date | null;
        previous: boolean;
        previous_expires_at: Date | null;
        last_used_at: Date | null;
      }>(
        `SELECT id, org_id, name, role, scopes, expires_at, token_hash <> $1 AS previous, previous_expires_at,
                last_used_at
           FROM api_keys
          WHERE (token_hash = $1 OR previous_token_hash = $1) AND revoked_at IS NULL`,
        [Buffer.from(hash, 'hex')],
      );
      const r = rows[0];
      if (!r) return null;
      const ends = [r.expires_at?.getTime(), r.previous ? (r.previous_expires_at?.getTime() ?? 0) : undefined].filter(
        (t): t is number => t !== undefined,
      );
      return {
        id: r.id,
        orgId: r.org_id,
        name: r.name,
        role: r.role,
        scopes: r.scopes,
        validUntil: ends.length ? Math.min(...ends) : null,
        lastUsedAt: r.last_used_at?.getTime() ?? null,
      };
    });
  }

  return {
    async resolve(secret, ip) {
      const hash = sha256Hex(secret);
      const key = `apikey:${hash}`;
      const k = await cache.get(key, [key], () => load(hash));
      const t = now();
      if (!k || (k.validUntil !== null && k.validUntil <= t)) return null;
      const last = Math.max(k.lastUsedAt ?? 0, touched.get(k.id) ?? 0);
      if (t - last > KEY_TOUCH_INTERVAL_MS) {
        if (touched.size > 50_000) touched.clear();
        touched.set(k.id, t);
        // Conditional, so several processes write a key's last use at most once a minute between them.
        await db.transaction({ orgId: k.orgId }, ({ client }) =>
          client.query(
            `UPDATE api_keys SET last_used_at = now(), last_used_ip = $2
              WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= now() - interval '1 minute')`,
            [k.id, ip],
          ),
        );
      }
      return {
        userId: k.id,
        email: '',
        name: k.name,
        via: 'apikey',
        apiKeyId: k.id,
        apiKeyRole: k.role,
        credentialOrgId: k.orgId,
        scopes: k.scopes,
      };
    },
  };
}

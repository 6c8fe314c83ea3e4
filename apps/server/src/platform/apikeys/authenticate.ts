/**
 * Resolving `Authorization: Bearer akk_…` to the key's principal, through the auth cache (revocation, rotation and
 * changes reach every process through `akashic_auth` notifications, drizzle/0015). The row is found under the
 * bearer-read policy by the hash of whichever secret was presented: the current one, or the previous one until its
 * grace period ends. Last use is written at most once a minute per key, across processes.
 *
 * A key never does more than its creator may do now: it acts with the lower of its role ceiling and the creator's
 * current role in the org, and not at all once the creator is no member (removed, or the account deleted, which
 * empties `created_by`). The cached entry depends on the creator's membership and account, whose triggers notify
 * `member:<creator>:<org>` and `user:<creator>` (drizzle/0003), so a demotion or removal applies to the key's next
 * request on every process. Like a fine-grained personal access token on GitHub, the key follows its creator's
 * access rather than being revoked: the creator's promotion back, or an admin's fresh key, restores it; an admin who
 * wants the integration to outlive a person re-creates its key under their own name.
 */
import type { Database } from '../../db/index.js';
import { sha256Hex } from '../crypto.js';
import type { AuthCache } from '../identity/auth-cache.js';
import type { Principal } from '../identity/principal.js';
import type { OrgRole } from '../tenancy/role.js';
import { keyActsAs } from './keys.js';

/** Write last-used time and address at most this often per key. */
export const KEY_TOUCH_INTERVAL_MS = 60_000;

interface CachedKey {
  id: string;
  orgId: string;
  name: string;
  /** The key's role ceiling lowered to its creator's current role. */
  role: OrgRole;
  createdBy: string;
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
        created_by: string | null;
        scopes: string[];
        expires_at: Date | null;
        previous: boolean;
        previous_expires_at: Date | null;
        last_used_at: Date | null;
      }>(
        `SELECT id, org_id, name, role, created_by, scopes, expires_at, token_hash <> $1 AS previous,
                previous_expires_at, last_used_at
           FROM api_keys
          WHERE (token_hash = $1 OR previous_token_hash = $1) AND revoked_at IS NULL`,
        [Buffer.from(hash, 'hex')],
      );
      const r = rows[0];
      if (!r?.created_by) return null;
      // The creator's membership, read in the key's org (the secret proved the key; now its org is known).
      await client.query(`SELECT set_config('app.org_id', $1, true)`, [r.org_id]);
      const m = await client.query<{ role: OrgRole }>(
        'SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2',
        [r.org_id, r.created_by],
      );
      const role = keyActsAs(r.role, m.rows[0]?.role);
      if (!role) return null;
      const ends = [r.expires_at?.getTime(), r.previous ? (r.previous_expires_at?.getTime() ?? 0) : undefined].filter(
        (t): t is number => t !== undefined,
      );
      return {
        id: r.id,
        orgId: r.org_id,
        name: r.name,
        role,
        createdBy: r.created_by,
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
      const k = await cache.get(
        key,
        (v) => (v ? [key, `member:${v.createdBy}:${v.orgId}`, `user:${v.createdBy}`] : [key]),
        () => load(hash),
      );
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

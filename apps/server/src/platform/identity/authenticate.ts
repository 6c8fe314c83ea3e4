/**
 * Resolve the principal of a request: a bearer token (`Authorization: Bearer akp_...`) or the session cookie.
 * Invalid or expired credentials resolve to null; the route's auth mode decides whether that is a 401.
 */
import type { Database } from '../../db/index.js';
import { sha256, sha256Hex } from '../crypto.js';
import type { Principal } from './principal.js';

export const SESSION_COOKIE = 'akashic_session';
export const PERSONAL_TOKEN_PREFIX = 'akp_';
/** Write last-seen / last-used times at most this often, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export async function authenticate(
  db: Database,
  policy: SessionPolicy,
  creds: { bearer?: string | undefined; sessionToken?: string | undefined; ip: string },
): Promise<Principal | null> {
  if (creds.bearer) return creds.bearer.startsWith(PERSONAL_TOKEN_PREFIX) ? resolveToken(db, creds.bearer, creds.ip) : null;
  if (creds.sessionToken) return resolveSession(db, policy, creds.sessionToken);
  return null;
}

async function resolveSession(db: Database, policy: SessionPolicy, token: string): Promise<Principal | null> {
  const { rows } = await db.pool.query<{
    id: string;
    user_id: string;
    current_org_id: string | null;
    last_seen_at: Date;
    email: string;
    name: string;
  }>(
    `SELECT s.id, s.user_id, s.current_org_id, s.last_seen_at, u.email, u.name
       FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
        AND s.last_seen_at > now() - make_interval(secs => $2)`,
    [sha256(token), policy.idleMs / 1000],
  );
  const s = rows[0];
  if (!s) return null;
  if (Date.now() - s.last_seen_at.getTime() > TOUCH_INTERVAL_MS) {
    await db.pool.query('UPDATE sessions SET last_seen_at = now() WHERE id = $1', [s.id]);
  }
  return {
    userId: s.user_id,
    email: s.email,
    name: s.name,
    via: 'session',
    sessionId: s.id,
    sessionOrgId: s.current_org_id,
  };
}

async function resolveToken(db: Database, token: string, ip: string): Promise<Principal | null> {
  const hash = sha256Hex(token);
  // The token row is readable only by whoever presents its secret (bearer-read policy), before any org is known.
  return db.transaction({ bearerHash: hash }, async ({ client }) => {
    const { rows } = await client.query<{
      id: string;
      org_id: string;
      user_id: string;
      scopes: string[];
      last_used_at: Date | null;
      email: string;
      name: string;
    }>(
      `SELECT t.id, t.org_id, t.user_id, t.scopes, t.last_used_at, u.email, u.name
         FROM api_tokens t JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())`,
      [Buffer.from(hash, 'hex')],
    );
    const t = rows[0];
    if (!t) return null;
    if (!t.last_used_at || Date.now() - t.last_used_at.getTime() > TOUCH_INTERVAL_MS) {
      await client.query(`SELECT set_config('app.org_id', $1, true)`, [t.org_id]);
      await client.query('UPDATE api_tokens SET last_used_at = now(), last_used_ip = $2 WHERE id = $1', [t.id, ip]);
    }
    return {
      userId: t.user_id,
      email: t.email,
      name: t.name,
      via: 'token' as const,
      tokenId: t.id,
      tokenOrgId: t.org_id,
      tokenScopes: t.scopes,
    };
  });
}

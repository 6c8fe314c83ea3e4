/**
 * Resolve the principal of a request: a bearer credential (`Authorization: Bearer akp_...` for a personal token,
 * `akk_...` for an organization API key) or the session cookie.
 * Invalid or expired credentials resolve to null; the route's auth mode decides whether that is a 401.
 * Lookups go through the auth cache (auth-cache.ts), which every change to them invalidates at once.
 */
import type { Database } from '../../db/index.js';
import type { OrgRole } from '../tenancy/role.js';
import type { AuthCache } from './auth-cache.js';
import { sha256Hex } from '../crypto.js';
import type { Principal } from './principal.js';
import { API_KEY_PREFIX } from '../apikeys/keys.js';
import type { ApiKeyResolver } from '../apikeys/authenticate.js';

export const SESSION_COOKIE = 'akashic_session';
export const PERSONAL_TOKEN_PREFIX = 'akp_';
/** Write last-seen / last-used times at most this often, not on every request. */
const TOUCH_INTERVAL_MS = 60_000;

export interface SessionPolicy {
  idleMs: number;
  absoluteMs: number;
}

export interface Credentials {
  bearer?: string | undefined;
  sessionToken?: string | undefined;
  ip: string;
}

export async function authenticate(
  db: Database,
  cache: AuthCache,
  apiKeys: ApiKeyResolver,
  policy: SessionPolicy,
  creds: Credentials,
): Promise<Principal | null> {
  if (creds.bearer) {
    if (creds.bearer.startsWith(PERSONAL_TOKEN_PREFIX)) return resolveToken(db, cache, creds.bearer, creds.ip);
    if (creds.bearer.startsWith(API_KEY_PREFIX)) return apiKeys.resolve(creds.bearer, creds.ip);
    return null;
  }
  if (creds.sessionToken) return resolveSession(db, cache, policy, creds.sessionToken);
  return null;
}

interface SessionRow {
  id: string;
  userId: string;
  currentOrgId: string | null;
  lastSeenAt: number;
  expiresAt: number;
  email: string;
  name: string;
}

async function resolveSession(
  db: Database,
  cache: AuthCache,
  policy: SessionPolicy,
  token: string,
): Promise<Principal | null> {
  const hash = sha256Hex(token);
  const key = `session:${hash}`;
  const s = await cache.get<SessionRow | null>(key, [key], async () => {
    const { rows } = await db.pool.query<{
      id: string;
      user_id: string;
      current_org_id: string | null;
      last_seen_at: Date;
      expires_at: Date;
      email: string;
      name: string;
    }>(
      `SELECT s.id, s.user_id, s.current_org_id, s.last_seen_at, s.expires_at, u.email, u.name
         FROM sessions s JOIN users u ON u.id = s.user_id
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL`,
      [Buffer.from(hash, 'hex')],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      id: r.id,
      userId: r.user_id,
      currentOrgId: r.current_org_id,
      lastSeenAt: r.last_seen_at.getTime(),
      expiresAt: r.expires_at.getTime(),
      email: r.email,
      name: r.name,
    };
  });
  const now = Date.now();
  if (!s || s.expiresAt <= now || now - s.lastSeenAt >= policy.idleMs) return null;
  if (now - s.lastSeenAt > TOUCH_INTERVAL_MS) {
    // Marked on the cached row first, so the requests in flight beside this one do not all write it too.
    s.lastSeenAt = now;
    await db.pool.query('UPDATE sessions SET last_seen_at = now() WHERE id = $1', [s.id]);
  }
  return {
    userId: s.userId,
    email: s.email,
    name: s.name,
    via: 'session',
    sessionId: s.id,
    sessionOrgId: s.currentOrgId,
  };
}

interface TokenRow {
  id: string;
  orgId: string;
  userId: string;
  scopes: string[];
  lastUsedAt: number | null;
  expiresAt: number | null;
  email: string;
  name: string;
}

async function resolveToken(db: Database, cache: AuthCache, token: string, ip: string): Promise<Principal | null> {
  const hash = sha256Hex(token);
  const key = `token:${hash}`;
  const t = await cache.get<TokenRow | null>(key, [key], () =>
    // The token row is readable only by whoever presents its secret (bearer-read policy), before any org is known.
    db.transaction({ bearerHash: hash }, async ({ client }) => {
      const { rows } = await client.query<{
        id: string;
        org_id: string;
        user_id: string;
        scopes: string[];
        last_used_at: Date | null;
        expires_at: Date | null;
        email: string;
        name: string;
      }>(
        `SELECT t.id, t.org_id, t.user_id, t.scopes, t.last_used_at, t.expires_at, u.email, u.name
           FROM api_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = $1 AND t.revoked_at IS NULL`,
        [Buffer.from(hash, 'hex')],
      );
      const r = rows[0];
      if (!r) return null;
      return {
        id: r.id,
        orgId: r.org_id,
        userId: r.user_id,
        scopes: r.scopes,
        lastUsedAt: r.last_used_at?.getTime() ?? null,
        expiresAt: r.expires_at?.getTime() ?? null,
        email: r.email,
        name: r.name,
      };
    }),
  );
  const now = Date.now();
  if (!t || (t.expiresAt !== null && t.expiresAt <= now)) return null;
  if (t.lastUsedAt === null || now - t.lastUsedAt > TOUCH_INTERVAL_MS) {
    t.lastUsedAt = now; // as for sessions: one write, not one per request in flight
    await db.transaction({ orgId: t.orgId }, ({ client }) =>
      client.query('UPDATE api_tokens SET last_used_at = now(), last_used_ip = $2 WHERE id = $1', [t.id, ip]),
    );
  }
  return {
    userId: t.userId,
    email: t.email,
    name: t.name,
    via: 'token',
    tokenId: t.id,
    credentialOrgId: t.orgId,
    scopes: t.scopes,
  };
}

/**
 * The caller's role in an org, or null when not a member. Read under the user's own-membership policy, so it
 * needs no org context (and sets none).
 */
export function memberRole(db: Database, cache: AuthCache, userId: string, orgId: string): Promise<OrgRole | null> {
  const key = memberKey(userId, orgId);
  return cache.get(key, [key, `user:${userId}`], () =>
    db.transaction({ userId }, async ({ client }) => {
      const m = await client.query<{ role: OrgRole }>(
        'SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2',
        [orgId, userId],
      );
      return m.rows[0]?.role ?? null;
    }),
  );
}

const memberKey = (userId: string, orgId: string) => `member:${userId}:${orgId}`;

/** The role when the cache holds it (null: cached as not a member), undefined when it must be read (memberRole). */
export const cachedMemberRole = (cache: AuthCache, userId: string, orgId: string): OrgRole | null | undefined =>
  cache.peek<OrgRole | null>(memberKey(userId, orgId));

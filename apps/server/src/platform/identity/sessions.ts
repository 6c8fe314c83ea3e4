import { randomUUID } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Config } from '../../config.js';
import type { Database } from '../../db/index.js';
import { newSecret, sha256 } from '../crypto.js';
import { serializeCookie, setCookie } from '../../http/cookies.js';
import { SESSION_COOKIE } from './authenticate.js';

type CookieReply = Pick<FastifyReply, 'header' | 'getHeader'>;

export interface NewSession {
  id: string;
  token: string;
  expiresAt: Date;
}

export async function createSession(
  db: Database,
  config: Pick<Config, 'session'>,
  input: { userId: string; orgId: string | null; ip: string; userAgent: string | undefined },
): Promise<NewSession> {
  const id = randomUUID();
  const token = newSecret();
  const expiresAt = new Date(Date.now() + config.session.absoluteMs);
  await db.pool.query(
    `INSERT INTO sessions (id, token_hash, user_id, current_org_id, ip, user_agent, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, sha256(token), input.userId, input.orgId, input.ip, input.userAgent?.slice(0, 512) ?? null, expiresAt],
  );
  return { id, token, expiresAt };
}

export function setSessionCookie(
  reply: CookieReply,
  config: Pick<Config, 'publicUrl'>,
  secure: boolean,
  session: NewSession,
): void {
  setCookie(
    reply,
    serializeCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: secure || Boolean(config.publicUrl?.startsWith('https:')),
      path: '/',
      expires: session.expiresAt,
    }),
  );
}

export function clearSessionCookie(reply: CookieReply): void {
  setCookie(reply, serializeCookie(SESSION_COOKIE, '', { path: '/', expires: new Date(0) }));
}

export async function revokeSession(db: Database, sessionId: string): Promise<void> {
  await db.pool.query('UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [sessionId]);
}

/** "Sign out everywhere": every session of the user ends now. Returns how many were ended. */
export async function revokeAllSessions(db: Database, userId: string): Promise<number> {
  const r = await db.pool.query('UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [
    userId,
  ]);
  return r.rowCount ?? 0;
}

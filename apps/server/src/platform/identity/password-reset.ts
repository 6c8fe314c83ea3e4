/**
 * Password reset. Asking never reveals whether an account exists (always 202, same work up to the lookup);
 * asking is rate limited per client IP and per address. The e-mailed link carries a random single-use secret,
 * valid for an hour, of which only the sha256 is stored. Using it sets the new password, clears the lockout,
 * ends every session of the user and writes an audit entry into each organization the user belongs to.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Database } from '../../db/index.js';
import { recordChange } from '../audit/record.js';
import { newSecret, sha256, sha256Hex } from '../crypto.js';
import { AppError } from '../errors.js';
import type { Limit, Limiter } from '../limiter/limiter.js';
import type { Mailer } from '../mail/mailer.js';
import { hashPassword } from './passwords.js';

export const RESET_TTL_MS = 3_600_000;
export const RESET_IP_LIMIT: Limit = { rate: 20, periodMs: 3_600_000, burst: 20 };
export const RESET_EMAIL_LIMIT: Limit = { rate: 5, periodMs: 3_600_000, burst: 5 };

async function take(limiter: Limiter, key: string, limit: Limit, message: string): Promise<void> {
  const r = await limiter.take(key, limit);
  if (!r.allowed) throw new AppError('rate_limited', message, { retryAfter: Math.ceil(r.retryAfterMs / 1000) });
}

/**
 * Ask for a reset link. Returns normally whether or not the account exists; a mail failure is logged, not
 * surfaced, for the same reason.
 */
export async function requestPasswordReset(
  deps: { db: Database; limiter: Limiter; mailer: Mailer; log: Logger },
  email: string,
  link: (secret: string) => string,
  meta: { ip: string },
): Promise<void> {
  const { db, limiter, mailer, log } = deps;
  await take(
    limiter,
    `pwreset:ip:${meta.ip}`,
    RESET_IP_LIMIT,
    'Too many password reset requests from this address; try again later',
  );
  // The address is hashed so limiter keys (possibly in Redis) carry no e-mail addresses.
  await take(
    limiter,
    `pwreset:email:${sha256Hex(email)}`,
    RESET_EMAIL_LIMIT,
    'Too many password reset requests for this address; try again later',
  );

  const u = await db.pool.query<{ id: string; email: string }>('SELECT id, email FROM users WHERE lower(email) = $1', [
    email,
  ]);
  const user = u.rows[0];
  if (!user) return;
  const secret = newSecret();
  await db.pool.query(
    `INSERT INTO password_resets (id, user_id, token_hash, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [randomUUID(), user.id, sha256(secret), RESET_TTL_MS / 1000],
  );
  try {
    await mailer.send({
      to: user.email,
      subject: 'Reset your Akashic password',
      text:
        'Someone (hopefully you) asked to reset the password of your Akashic Intelligence account.\n\n' +
        `Choose a new password:\n${link(secret)}\n\n` +
        'The link works once and expires in one hour. If you did not ask for it, ignore this e-mail: ' +
        'your password stays as it is.\n',
    });
  } catch (err) {
    log.error({ err }, 'password reset e-mail could not be sent');
  }
}

/**
 * Use a reset link: set the password, consume the link (and any other outstanding one), clear the lockout,
 * end every session, and audit it in each of the user's organizations — all in one transaction.
 * Returns the number of sessions ended.
 */
export async function resetPassword(
  db: Database,
  input: { token: string; password: string },
  meta: { requestId: string; ip: string },
): Promise<{ userId: string; endedSessions: number }> {
  const gone = () =>
    new AppError('gone', 'This password reset link is not valid, was already used or has expired; ask for a new one');
  const hash = sha256(input.token);
  const found = await db.pool.query<{ user_id: string }>(
    'SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()',
    [hash],
  );
  const userId = found.rows[0]?.user_id;
  if (!userId) throw gone();
  // Hash (slow) only once the link is known to be good, and outside the transaction.
  const passwordHash = await hashPassword(input.password);

  return db.transaction({ userId }, async (tx) => {
    const locked = await tx.client.query(
      'SELECT 1 FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() FOR UPDATE',
      [hash],
    );
    if (!locked.rowCount) throw gone();
    await tx.client.query('UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [
      userId,
    ]);
    const u = await tx.client.query<{ email: string }>(
      `UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL, updated_at = now()
        WHERE id = $1 RETURNING email`,
      [userId, passwordHash],
    );
    const ended = await tx.client.query(
      'UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL',
      [userId],
    );
    const endedSessions = ended.rowCount ?? 0;
    const orgs = await tx.client.query<{ org_id: string }>(
      'SELECT org_id FROM memberships WHERE user_id = $1 ORDER BY org_id',
      [userId],
    );
    const actor = { type: 'user' as const, id: userId, label: u.rows[0]!.email };
    for (const { org_id: orgId } of orgs.rows) {
      // Each org's audit chain is written under that org's context, as row-level security requires.
      await tx.client.query(`SELECT set_config('app.org_id', $1, true)`, [orgId]);
      await recordChange(tx, {
        orgId,
        actor,
        action: 'user.password_reset',
        target: { type: 'user', id: userId },
        metadata: { endedSessions },
        meta,
      });
    }
    return { userId, endedSessions };
  });
}

/**
 * Sign-up and sign-in. Brute force is held off twice: per account (failed attempts lock the account with a
 * growing delay, recorded in the database so every server process agrees) and per client IP (rate limiter).
 */
import { randomUUID } from 'node:crypto';
import type { Database } from '../../db/index.js';
import { AppError } from '../errors.js';
import type { Limiter } from '../limiter/limiter.js';
import { createOrganizationTx } from '../tenancy/organizations.js';
import { dummyHash, hashPassword, verifyPassword } from './passwords.js';

export const LOCK_AFTER_FAILURES = 5;
const IP_LIMIT = { rate: 30, periodMs: 10 * 60_000, burst: 30 };

export function lockDurationMs(failures: number): number {
  if (failures < LOCK_AFTER_FAILURES) return 0;
  // 1 min after the 5th failure, doubling, capped at an hour.
  return Math.min(60, 2 ** (failures - LOCK_AFTER_FAILURES)) * 60_000;
}

export async function signUp(
  db: Database,
  input: { name: string; email: string; password: string; orgName: string },
  meta: { requestId: string; ip: string },
): Promise<{ userId: string; orgId: string }> {
  const passwordHash = await hashPassword(input.password);
  const userId = randomUUID();
  const orgId = randomUUID();
  return db.transaction({ orgId, userId }, async (tx) => {
    const existing = await tx.client.query('SELECT 1 FROM users WHERE lower(email) = $1', [input.email]);
    if (existing.rowCount) {
      throw new AppError('conflict', 'An account with this email already exists', {
        fields: [{ field: 'body.email', message: 'already registered' }],
      });
    }
    await tx.client.query('INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4)', [
      userId,
      input.email,
      input.name,
      passwordHash,
    ]);
    await createOrganizationTx(tx, { orgId, name: input.orgName, ownerId: userId, ownerEmail: input.email }, meta);
    return { userId, orgId };
  });
}

/** The columns of `users` that password checks read. */
export interface PasswordAccount {
  id: string;
  password_hash: string;
  failed_logins: number;
  locked_until: Date | null;
}

/**
 * Check an account's password under the lockout rules (wherever a password is presented: sign-in, accepting an
 * invitation): a locked account is refused, a wrong password counts a failure, a right one clears the count.
 */
export async function verifyAccountPassword(db: Database, user: PasswordAccount, password: string): Promise<void> {
  if (user.locked_until && user.locked_until.getTime() > Date.now()) {
    throw new AppError('account_locked', 'Too many failed sign-in attempts; try again later or reset your password', {
      retryAfter: Math.ceil((user.locked_until.getTime() - Date.now()) / 1000),
    });
  }
  if (!(await verifyPassword(user.password_hash, password))) {
    const failures = user.failed_logins + 1;
    const lockMs = lockDurationMs(failures);
    await db.pool.query('UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1', [
      user.id,
      failures,
      lockMs ? new Date(Date.now() + lockMs) : null,
    ]);
    throw new AppError('invalid_credentials');
  }
  if (user.failed_logins > 0) {
    await db.pool.query('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [user.id]);
  }
}

export async function signIn(
  db: Database,
  limiter: Limiter,
  input: { email: string; password: string },
  meta: { requestId: string; ip: string },
): Promise<{ userId: string; defaultOrgId: string | null }> {
  const ipCheck = await limiter.take(`signin:ip:${meta.ip}`, IP_LIMIT);
  if (!ipCheck.allowed) {
    throw new AppError('rate_limited', 'Too many sign-in attempts from this address; try again later', {
      retryAfter: Math.ceil(ipCheck.retryAfterMs / 1000),
    });
  }
  const { rows } = await db.pool.query<PasswordAccount>(
    'SELECT id, password_hash, failed_logins, locked_until FROM users WHERE lower(email) = $1',
    [input.email],
  );
  const user = rows[0];
  if (!user) {
    await verifyPassword(await dummyHash(), input.password);
    throw new AppError('invalid_credentials');
  }
  await verifyAccountPassword(db, user, input.password);
  const m = await db.transaction({ userId: user.id }, (tx) =>
    tx.client.query<{ org_id: string }>(
      'SELECT org_id FROM memberships WHERE user_id = $1 ORDER BY created_at ASC LIMIT 1',
      [user.id],
    ),
  );
  return { userId: user.id, defaultOrgId: m.rows[0]?.org_id ?? null };
}

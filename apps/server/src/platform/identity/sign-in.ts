/**
 * Sign-up and sign-in. Brute force is held off twice, for passwords and passkeys (passkeys.ts) alike: per account
 * (failed attempts lock the account with a growing delay, recorded in the database so every server process agrees)
 * and per client IP (rate limiter: one allowance for both ways of signing in).
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
export interface PasswordAccount extends SignInAccount {
  password_hash: string;
}

/** The columns of `users` the lockout reads, whatever the way of signing in (password or passkey). */
export interface SignInAccount {
  id: string;
  failed_logins: number;
  locked_until: Date | null;
}

/** A locked account is refused whatever it presents, a right password or a valid passkey. */
export function refuseIfLocked(user: SignInAccount): void {
  if (user.locked_until && user.locked_until.getTime() > Date.now()) {
    throw new AppError('account_locked', 'Too many failed sign-in attempts; try again later or reset your password', {
      retryAfter: Math.ceil((user.locked_until.getTime() - Date.now()) / 1000),
    });
  }
}

/** Count a failed sign-in of the account (a wrong password, a passkey assertion that fails); lock it past the limit. */
export async function countFailedSignIn(db: Database, user: Pick<SignInAccount, 'id'>): Promise<void> {
  // Counted in the database, so concurrent failures each count.
  const { rows } = await db.pool.query<{ failed_logins: number }>(
    'UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins',
    [user.id],
  );
  const lockMs = lockDurationMs(rows[0]?.failed_logins ?? 0);
  if (lockMs) {
    await db.pool.query('UPDATE users SET locked_until = $2 WHERE id = $1', [user.id, new Date(Date.now() + lockMs)]);
  }
}

/** A successful sign-in clears the account's count of failures. */
export async function clearFailedSignIns(db: Database, user: SignInAccount): Promise<void> {
  if (user.failed_logins > 0) {
    await db.pool.query('UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1', [user.id]);
  }
}

/** One sign-in attempt from `ip`: passwords and passkeys draw on the same allowance. */
export async function takeSignInAttempt(limiter: Limiter, ip: string): Promise<void> {
  const ipCheck = await limiter.take(`signin:ip:${ip}`, IP_LIMIT);
  if (!ipCheck.allowed) {
    throw new AppError('rate_limited', 'Too many sign-in attempts from this address; try again later', {
      retryAfter: Math.ceil(ipCheck.retryAfterMs / 1000),
    });
  }
}

/**
 * Check an account's password under the lockout rules (wherever a password is presented: sign-in, accepting an
 * invitation): a locked account is refused, a wrong password counts a failure, a right one clears the count.
 */
export async function verifyAccountPassword(db: Database, user: PasswordAccount, password: string): Promise<void> {
  refuseIfLocked(user);
  if (!(await verifyPassword(user.password_hash, password))) {
    await countFailedSignIn(db, user);
    throw new AppError('invalid_credentials');
  }
  await clearFailedSignIns(db, user);
}

export async function signIn(
  db: Database,
  limiter: Limiter,
  input: { email: string; password: string },
  meta: { requestId: string; ip: string },
): Promise<{ userId: string; defaultOrgId: string | null }> {
  await takeSignInAttempt(limiter, meta.ip);
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

/**
 * Passkeys (WebAuthn, with @simplewebauthn/server): a signed-in user registers passkeys (discoverable credentials),
 * names, lists and deletes them; anyone signs in with one. Every ceremony starts with a challenge the server issues
 * and stores: it expires after five minutes and is deleted when presented, before the response is verified, so it
 * is used at most once whether verification succeeds or not. The relying party id and the accepted origins come
 * from the configuration. Signature counters must grow (when the authenticator keeps one): a response whose counter
 * does not is refused as a possible cloned authenticator. Changes are audited in each of the user's organizations.
 */
import { randomUUID } from 'node:crypto';
import type { Passkey } from '@akashic/contracts';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { WebAuthnConfig } from '../../config.js';
import type { Database, Tx } from '../../db/index.js';
import { recordChange } from '../audit/record.js';
import { AppError, notFound } from '../errors.js';
import type { Limiter } from '../limiter/limiter.js';
import { clearFailedSignIns, countFailedSignIn, refuseIfLocked, takeSignInAttempt } from './sign-in.js';

export const CHALLENGE_TTL_MS = 5 * 60_000;
const IP_LIMIT = { rate: 30, periodMs: 10 * 60_000, burst: 30 };

type Purpose = 'registration' | 'authentication';
interface Meta {
  requestId: string;
  ip: string;
  /** `<protocol>://<host>` as the request addressed this server. */
  origin: string;
}

interface Row {
  id: string;
  name: string;
  created_at: Date;
  last_used_at: Date | null;
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: boolean;
}

const COLUMNS = 'id, name, created_at, last_used_at, device_type, backed_up';

const toPasskey = (r: Row): Passkey => ({
  id: r.id,
  name: r.name,
  createdAt: r.created_at.toISOString(),
  lastUsedAt: r.last_used_at ? r.last_used_at.toISOString() : null,
  deviceType: r.device_type,
  backedUp: r.backed_up,
});

/** The WebAuthn user handle of a user: their id's 16 bytes (never their email). */
export const userHandle = (userId: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(Buffer.from(userId.replace(/-/g, ''), 'hex'));

/** The origins a response may come from: configured, or (development) the request's own on the relying party. */
function expectedOrigins(config: WebAuthnConfig, requestOrigin: string): string[] {
  if (config.origins) return config.origins;
  return new URL(requestOrigin).hostname === config.rpId ? [requestOrigin] : [];
}

async function issueChallenge(db: Database, challenge: string, purpose: Purpose, userId: string | null) {
  await db.pool.query(
    `WITH purged AS (DELETE FROM webauthn_challenges WHERE expires_at < now())
     INSERT INTO webauthn_challenges (challenge, purpose, user_id, expires_at) VALUES ($1, $2, $3, $4)`,
    [challenge, purpose, userId, new Date(Date.now() + CHALLENGE_TTL_MS)],
  );
}

/** Delete the challenge a response answers; true when it was issued for this purpose (and user) and still valid. */
async function consumeChallenge(
  db: Database,
  clientDataJSON: string,
  purpose: Purpose,
  userId: string | null,
): Promise<string | null> {
  let challenge: unknown;
  try {
    challenge = JSON.parse(Buffer.from(clientDataJSON, 'base64url').toString('utf8')).challenge;
  } catch {
    return null;
  }
  if (typeof challenge !== 'string' || challenge.length > 512) return null;
  const { rows } = await db.pool.query<{ challenge: string }>(
    `DELETE FROM webauthn_challenges
      WHERE challenge = $1 AND purpose = $2 AND user_id IS NOT DISTINCT FROM $3 AND expires_at > now()
      RETURNING challenge`,
    [challenge, purpose, userId],
  );
  return rows[0]?.challenge ?? null;
}

/** Audit a passkey change in each organization of its user (each chain under its own org context). */
async function auditInOrgs(
  tx: Tx,
  user: { id: string; email: string },
  change: { action: string; passkeyId: string; before?: unknown; after?: unknown },
  meta: Pick<Meta, 'requestId' | 'ip'>,
): Promise<void> {
  const orgs = await tx.client.query<{ org_id: string }>(
    'SELECT org_id FROM memberships WHERE user_id = $1 ORDER BY org_id',
    [user.id],
  );
  for (const { org_id: orgId } of orgs.rows) {
    await tx.client.query(`SELECT set_config('app.org_id', $1, true)`, [orgId]);
    await recordChange(tx, {
      orgId,
      actor: { type: 'user', id: user.id, label: user.email },
      action: change.action,
      target: { type: 'passkey', id: change.passkeyId },
      before: change.before,
      after: change.after,
      meta,
    });
  }
}

export async function listPasskeys(db: Database, userId: string): Promise<Passkey[]> {
  const { rows } = await db.pool.query<Row>(
    `SELECT ${COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at DESC, id DESC`,
    [userId],
  );
  return rows.map(toPasskey);
}

/** Options for `navigator.credentials.create()`: a discoverable credential, none of the user's existing ones. */
export async function registrationOptions(
  db: Database,
  config: WebAuthnConfig,
  user: { id: string; email: string; name: string },
) {
  const existing = await db.pool.query<{ credential_id: string; transports: string[] }>(
    'SELECT credential_id, transports FROM passkeys WHERE user_id = $1',
    [user.id],
  );
  const options = await generateRegistrationOptions({
    rpName: config.rpName,
    rpID: config.rpId,
    userID: userHandle(user.id),
    userName: user.email,
    userDisplayName: user.name,
    attestationType: 'none',
    excludeCredentials: existing.rows.map((c) => ({
      id: c.credential_id,
      transports: c.transports as AuthenticatorTransport[],
    })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
  await issueChallenge(db, options.challenge, 'registration', user.id);
  return options;
}

export async function registerPasskey(
  db: Database,
  config: WebAuthnConfig,
  user: { id: string; email: string },
  input: { response: RegistrationResponseJSON; name?: string | undefined },
  meta: Meta,
): Promise<Passkey> {
  const refused = (message: string) =>
    new AppError('validation_failed', message, { fields: [{ field: 'body.response', message }] });
  const challenge = await consumeChallenge(db, input.response.response.clientDataJSON, 'registration', user.id);
  if (!challenge) throw refused('This passkey request expired or was already used; start again');
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response: input.response,
      expectedChallenge: challenge,
      expectedOrigin: expectedOrigins(config, meta.origin),
      expectedRPID: config.rpId,
      requireUserVerification: false,
    });
  } catch (err) {
    throw refused(`The passkey could not be verified: ${(err as Error).message}`);
  }
  if (!verification.verified) throw refused('The passkey could not be verified');
  const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
  const id = randomUUID();
  const name = input.name ?? 'Passkey';
  return db.transaction({ userId: user.id }, async (tx) => {
    const { rows } = await tx.client.query<Row>(
      `INSERT INTO passkeys (id, user_id, credential_id, public_key, counter, transports, device_type, backed_up, name)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (credential_id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        id,
        user.id,
        credential.id,
        Buffer.from(credential.publicKey),
        credential.counter,
        credential.transports ?? input.response.response.transports ?? [],
        credentialDeviceType,
        credentialBackedUp,
        name,
      ],
    );
    if (!rows[0]) throw new AppError('conflict', 'This passkey is already registered');
    await auditInOrgs(
      tx,
      user,
      { action: 'passkey.registered', passkeyId: id, after: { name, deviceType: credentialDeviceType } },
      meta,
    );
    return toPasskey(rows[0]);
  });
}

export async function renamePasskey(
  db: Database,
  user: { id: string; email: string },
  id: string,
  name: string,
  meta: Pick<Meta, 'requestId' | 'ip'>,
): Promise<Passkey> {
  return db.transaction({ userId: user.id }, async (tx) => {
    const before = await tx.client.query<{ name: string }>(
      'SELECT name FROM passkeys WHERE id = $1 AND user_id = $2 FOR UPDATE',
      [id, user.id],
    );
    if (!before.rows[0]) throw notFound('Passkey');
    const { rows } = await tx.client.query<Row>(
      `UPDATE passkeys SET name = $3 WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
      [id, user.id, name],
    );
    await auditInOrgs(
      tx,
      user,
      { action: 'passkey.renamed', passkeyId: id, before: before.rows[0], after: { name } },
      meta,
    );
    return toPasskey(rows[0]!);
  });
}

export async function deletePasskey(
  db: Database,
  user: { id: string; email: string },
  id: string,
  meta: Pick<Meta, 'requestId' | 'ip'>,
): Promise<void> {
  await db.transaction({ userId: user.id }, async (tx) => {
    const { rows } = await tx.client.query<{ name: string }>(
      'DELETE FROM passkeys WHERE id = $1 AND user_id = $2 RETURNING name',
      [id, user.id],
    );
    if (!rows[0]) throw notFound('Passkey');
    await auditInOrgs(tx, user, { action: 'passkey.deleted', passkeyId: id, before: { name: rows[0].name } }, meta);
  });
}

/** Issuing sign-in challenges is limited per address on its own (conditional UI asks for one on every page load). */
async function limitOptionsByIp(limiter: Limiter, ip: string) {
  const check = await limiter.take(`passkey:ip:${ip}`, IP_LIMIT);
  if (!check.allowed) {
    throw new AppError('rate_limited', 'Too many passkey sign-in attempts from this address; try again later', {
      retryAfter: Math.ceil(check.retryAfterMs / 1000),
    });
  }
}

/** Options for `navigator.credentials.get()`: any discoverable passkey of this site (the browser lists them). */
export async function authenticationOptions(db: Database, config: WebAuthnConfig, limiter: Limiter, ip: string) {
  await limitOptionsByIp(limiter, ip);
  const options = await generateAuthenticationOptions({ rpID: config.rpId, userVerification: 'preferred' });
  await issueChallenge(db, options.challenge, 'authentication', null);
  return options;
}

/**
 * Verify a passkey sign-in; the user it signs in, and the organization their session starts in. Held off like a
 * password (sign-in.ts): each attempt draws on the address's sign-in allowance, a locked account is refused, and an
 * assertion that fails for a credential of an account counts as that account's failed sign-in.
 */
export async function signInWithPasskey(
  db: Database,
  config: WebAuthnConfig,
  limiter: Limiter,
  response: AuthenticationResponseJSON,
  meta: Meta,
): Promise<{ userId: string; defaultOrgId: string | null }> {
  await takeSignInAttempt(limiter, meta.ip);
  const refused = () => new AppError('invalid_credentials', 'This passkey could not sign you in');
  const challenge = await consumeChallenge(db, response.response.clientDataJSON, 'authentication', null);
  if (!challenge) throw refused();
  const found = await db.pool.query<{
    id: string;
    user_id: string;
    public_key: Buffer;
    counter: number;
    transports: string[];
    failed_logins: number;
    locked_until: Date | null;
  }>(
    `SELECT p.id, p.user_id, p.public_key, p.counter, p.transports, u.failed_logins, u.locked_until
       FROM passkeys p JOIN users u ON u.id = p.user_id
      WHERE p.credential_id = $1`,
    [response.id],
  );
  const passkey = found.rows[0];
  if (!passkey) throw refused();
  const account = { id: passkey.user_id, failed_logins: passkey.failed_logins, locked_until: passkey.locked_until };
  refuseIfLocked(account);
  const failed = async () => {
    await countFailedSignIn(db, account);
    return refused();
  };
  const handle = response.response.userHandle;
  if (handle !== undefined && handle !== Buffer.from(userHandle(passkey.user_id)).toString('base64url'))
    throw await failed();
  let newCounter: number | null = null;
  try {
    const v = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: expectedOrigins(config, meta.origin),
      expectedRPID: config.rpId,
      credential: {
        id: response.id,
        publicKey: new Uint8Array(passkey.public_key),
        counter: passkey.counter,
        transports: passkey.transports as AuthenticatorTransport[],
      },
      requireUserVerification: false,
    });
    if (v.verified) newCounter = v.authenticationInfo.newCounter;
  } catch {
    // Refused below, as unverified.
  }
  if (newCounter === null) throw await failed();
  // The counter moves forward exactly once per signature (a replayed or cloned one loses the race).
  const used = await db.pool.query(
    `UPDATE passkeys SET counter = $2, last_used_at = now()
      WHERE id = $1 AND (($2 = 0 AND counter = 0) OR counter < $2)`,
    [passkey.id, newCounter],
  );
  if (!used.rowCount) throw await failed();
  await clearFailedSignIns(db, account);
  const m = await db.transaction({ userId: passkey.user_id }, (tx) =>
    tx.client.query<{ org_id: string }>(
      'SELECT org_id FROM memberships WHERE user_id = $1 ORDER BY created_at ASC LIMIT 1',
      [passkey.user_id],
    ),
  );
  return { userId: passkey.user_id, defaultOrgId: m.rows[0]?.org_id ?? null };
}

/**
 * Invitations. An admin invites an email address into the organization with a role; the e-mailed link carries a
 * random secret of which only the sha256 is stored. Whoever holds the link may preview and accept it before any
 * org is known (the bearer-read policy); accepting creates the account when needed, the membership, marks the
 * invitation accepted and writes the audit entry, in one transaction.
 */
import { randomUUID } from 'node:crypto';
import type { Invitation, OrgRole } from '@akashic/contracts';
import type pg from 'pg';
import type { Database, Tx } from '../../db/index.js';
import { recordChange, type RecordInput } from '../audit/record.js';
import { newSecret, sha256Hex } from '../crypto.js';
import { AppError, notFound } from '../errors.js';
import type { Mailer } from '../mail/mailer.js';
import { hashPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { verifyAccountPassword, type PasswordAccount } from './sign-in.js';

type Recorder = (change: Omit<RecordInput, 'orgId' | 'actor' | 'meta'>) => Promise<void>;

export const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

const STATUS = `CASE WHEN i.accepted_at IS NOT NULL THEN 'accepted'
                     WHEN i.revoked_at IS NOT NULL THEN 'revoked'
                     WHEN i.expires_at <= now() THEN 'expired'
                     ELSE 'pending' END`;

const SELECT_INVITATION = `
  SELECT i.id, i.email, i.role, u.email AS "invitedBy", i.created_at AS "createdAt", i.expires_at AS "expiresAt",
         ${STATUS} AS status
    FROM invitations i LEFT JOIN users u ON u.id = i.invited_by`;

type InvitationRow = Omit<Invitation, 'createdAt' | 'expiresAt'> & { createdAt: Date; expiresAt: Date };

const toInvitation = (r: InvitationRow): Invitation => ({
  ...r,
  createdAt: r.createdAt.toISOString(),
  expiresAt: r.expiresAt.toISOString(),
});

/** Every invitation of the organization, newest first, with its current status. */
export async function listInvitations(tx: Tx, orgId: string): Promise<Invitation[]> {
  const { rows } = await tx.client.query<InvitationRow>(
    `${SELECT_INVITATION} WHERE i.org_id = $1 ORDER BY i.created_at DESC, i.id DESC`,
    [orgId],
  );
  return rows.map(toInvitation);
}

/**
 * Invite `email` with `role`. An existing member cannot be invited (409); a pending invitation for the same
 * address is revoked and replaced, so only the newest link works. Returns the invitation and its secret.
 */
export async function createInvitation(
  tx: Tx,
  orgId: string,
  input: { email: string; role: Exclude<OrgRole, 'owner'>; invitedBy: string },
  record: Recorder,
): Promise<{ invitation: Invitation; secret: string; orgName: string }> {
  const email = input.email;
  // Serialize invitations to the same address in this org, so two at once cannot both stay pending.
  await tx.client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`invitation:${orgId}:${email}`]);
  const member = await tx.client.query(
    'SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 AND lower(u.email) = $2',
    [orgId, email],
  );
  if (member.rowCount) {
    throw new AppError('conflict', 'This person is already a member of the organization', {
      fields: [{ field: 'body.email', message: 'already a member' }],
    });
  }
  const superseded = await tx.client.query<{ id: string; role: OrgRole }>(
    `UPDATE invitations SET revoked_at = now()
      WHERE org_id = $1 AND lower(email) = $2 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > now()
      RETURNING id, role`,
    [orgId, email],
  );
  for (const old of superseded.rows) {
    await record({
      action: 'invitation.revoked',
      target: { type: 'invitation', id: old.id },
      before: { email, role: old.role, status: 'pending' },
      after: { email, role: old.role, status: 'revoked' },
      metadata: { reason: 'reissued' },
    });
  }

  const id = randomUUID();
  const secret = newSecret();
  await tx.client.query(
    `INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
    [id, orgId, email, input.role, Buffer.from(sha256Hex(secret), 'hex'), input.invitedBy, INVITATION_TTL_MS / 1000],
  );
  await record({
    action: 'member.invited',
    target: { type: 'invitation', id },
    after: { email, role: input.role },
    ...(superseded.rowCount ? { metadata: { replaces: superseded.rows.map((r) => r.id) } } : {}),
  });
  const { rows } = await tx.client.query<InvitationRow>(`${SELECT_INVITATION} WHERE i.id = $1`, [id]);
  const org = await tx.client.query<{ name: string }>('SELECT name FROM organizations WHERE id = $1', [orgId]);
  return { invitation: toInvitation(rows[0]!), secret, orgName: org.rows[0]!.name };
}

/** Revoke an invitation of this org. Revoking a revoked one changes nothing; an accepted one cannot be revoked. */
export async function revokeInvitation(tx: Tx, orgId: string, id: string, record: Recorder): Promise<void> {
  const cur = await tx.client.query<{
    email: string;
    role: OrgRole;
    accepted_at: Date | null;
    revoked_at: Date | null;
  }>('SELECT email, role, accepted_at, revoked_at FROM invitations WHERE org_id = $1 AND id = $2 FOR UPDATE', [
    orgId,
    id,
  ]);
  const inv = cur.rows[0];
  if (!inv) throw notFound('Invitation');
  if (inv.accepted_at)
    throw new AppError('conflict', 'This invitation has already been accepted; remove the member instead');
  if (inv.revoked_at) return;
  await tx.client.query('UPDATE invitations SET revoked_at = now() WHERE org_id = $1 AND id = $2', [orgId, id]);
  await record({
    action: 'invitation.revoked',
    target: { type: 'invitation', id },
    before: { email: inv.email, role: inv.role },
    after: { email: inv.email, role: inv.role, status: 'revoked' },
  });
}

export async function sendInvitationEmail(
  mailer: Mailer,
  m: { to: string; orgName: string; inviterName: string; role: OrgRole; link: string; expiresAt: string },
): Promise<void> {
  await mailer.send({
    to: m.to,
    subject: `${m.inviterName} invited you to ${m.orgName} on Akashic`,
    text:
      `${m.inviterName} invited you to join ${m.orgName} on Akashic Intelligence as ${m.role}.\n\n` +
      `Accept the invitation:\n${m.link}\n\n` +
      `The link works once and expires on ${m.expiresAt}. If you did not expect this invitation, ignore this e-mail.\n`,
  });
}

interface TokenRow {
  id: string;
  org_id: string;
  email: string;
  role: OrgRole;
  accepted_at: Date | null;
  revoked_at: Date | null;
  expired: boolean;
}

const SELECT_BY_TOKEN = `SELECT id, org_id, email, role, accepted_at, revoked_at, expires_at <= now() AS expired
                           FROM invitations WHERE token_hash = $1`;

/** The invitation behind a link, if it can still be used: unknown → 404, used/revoked/expired → 410. */
function usable(row: TokenRow | undefined): TokenRow {
  if (!row) throw new AppError('not_found', 'This invitation link is not valid; check that you copied all of it');
  if (row.accepted_at) throw new AppError('gone', 'This invitation has already been accepted');
  if (row.revoked_at) throw new AppError('gone', 'This invitation has been revoked; ask for a new one');
  if (row.expired) throw new AppError('gone', 'This invitation has expired; ask for a new one');
  return row;
}

async function findByToken(client: pg.PoolClient, hashHex: string, lock = false): Promise<TokenRow | undefined> {
  const r = await client.query<TokenRow>(SELECT_BY_TOKEN + (lock ? ' FOR UPDATE' : ''), [Buffer.from(hashHex, 'hex')]);
  return r.rows[0];
}

/** What the accept page shows before anyone signs in. */
export async function previewInvitation(
  db: Database,
  secret: string,
): Promise<{ orgName: string; email: string; role: OrgRole; accountExists: boolean }> {
  const hash = sha256Hex(secret);
  // Knowing the secret is what allows reading the row (bearer-read policy), before any org is known.
  return db.transaction({ bearerHash: hash }, async ({ client }) => {
    const inv = usable(await findByToken(client, hash));
    await client.query(`SELECT set_config('app.org_id', $1, true)`, [inv.org_id]);
    const org = await client.query<{ name: string }>('SELECT name FROM organizations WHERE id = $1', [inv.org_id]);
    const account = await client.query('SELECT 1 FROM users WHERE lower(email) = $1', [inv.email]);
    return { orgName: org.rows[0]!.name, email: inv.email, role: inv.role, accountExists: Boolean(account.rowCount) };
  });
}

export interface AcceptedInvitation {
  userId: string;
  email: string;
  name: string;
  orgId: string;
}

/**
 * Accept an invitation. The invited address's account, when it exists, must be the caller's: signed in as it,
 * or proving its password (401 otherwise). Without an account, `name` and `password` create one.
 */
export async function acceptInvitation(
  db: Database,
  input: { token: string; name?: string | undefined; password?: string | undefined },
  principal: Principal | null,
  meta: { requestId: string; ip: string },
): Promise<AcceptedInvitation> {
  const hash = sha256Hex(input.token);
  const inv = await db.transaction({ bearerHash: hash }, async ({ client }) => usable(await findByToken(client, hash)));

  const existing = await db.pool.query<PasswordAccount & { email: string; name: string }>(
    'SELECT id, email, name, password_hash, failed_logins, locked_until FROM users WHERE lower(email) = $1',
    [inv.email],
  );
  const user = existing.rows[0];
  let account: { id: string; email: string; name: string; newPasswordHash: string | null };
  if (user) {
    const signedInAsInvitee = principal?.via === 'session' && principal.userId === user.id;
    if (!signedInAsInvitee) {
      if (!input.password) {
        throw new AppError(
          'unauthenticated',
          `An account for ${inv.email} exists: sign in as it, or enter its password`,
        );
      }
      await verifyAccountPassword(db, user, input.password);
    }
    account = { id: user.id, email: user.email, name: user.name, newPasswordHash: null };
  } else {
    const missing = [
      ...(input.name ? [] : [{ field: 'body.name', message: 'is required to create your account' }]),
      ...(input.password ? [] : [{ field: 'body.password', message: 'is required to create your account' }]),
    ];
    if (missing.length) {
      throw new AppError('validation_failed', 'Choose your name and a password to create your account', {
        fields: missing,
      });
    }
    account = {
      id: randomUUID(),
      email: inv.email,
      name: input.name!,
      newPasswordHash: await hashPassword(input.password!),
    };
  }

  return db.transaction({ orgId: inv.org_id, userId: account.id, bearerHash: hash }, async (tx) => {
    // Check again under the row lock: a concurrent accept or a revocation wins over this one.
    const locked = usable(await findByToken(tx.client, hash, true));
    if (account.newPasswordHash) {
      const created = await tx.client.query(
        'INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [account.id, account.email, account.name, account.newPasswordHash],
      );
      if (!created.rowCount) {
        throw new AppError('conflict', 'An account with this email was just created; sign in and open the link again');
      }
    }
    const joined = await tx.client.query(
      'INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [locked.org_id, account.id, locked.role],
    );
    if (!joined.rowCount) throw new AppError('conflict', 'You are already a member of this organization');
    await tx.client.query('UPDATE invitations SET accepted_at = now(), accepted_by = $2 WHERE id = $1', [
      locked.id,
      account.id,
    ]);
    await recordChange(tx, {
      orgId: locked.org_id,
      actor: { type: 'user', id: account.id, label: account.email },
      action: 'member.joined',
      target: { type: 'member', id: account.id },
      after: { userId: account.id, role: locked.role },
      metadata: { invitationId: locked.id },
      meta,
    });
    return { userId: account.id, email: account.email, name: account.name, orgId: locked.org_id };
  });
}

import type { Member, OrgRole } from '@akashic/contracts';
import type { Tx } from '../../db/index.js';
import type { RecordInput } from '../audit/record.js';
import { AppError, notFound } from '../errors.js';

type Recorder = (change: Omit<RecordInput, 'orgId' | 'actor' | 'meta'>) => Promise<void>;

export async function listMembers(tx: Tx, orgId: string): Promise<Member[]> {
  const { rows } = await tx.client.query<Member & { joinedAt: Date }>(
    `SELECT m.user_id AS "userId", u.email, u.name, m.role, m.created_at AS "joinedAt"
       FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.org_id = $1 ORDER BY u.name ASC, u.email ASC`,
    [orgId],
  );
  return rows.map((r) => ({ ...r, joinedAt: new Date(r.joinedAt).toISOString() }));
}

async function ownerCount(tx: Tx, orgId: string): Promise<number> {
  const r = await tx.client.query<{ n: string }>(
    `SELECT count(*) AS n FROM memberships WHERE org_id = $1 AND role = 'owner'`,
    [orgId],
  );
  return Number(r.rows[0]!.n);
}

/** Only an owner may grant or take away ownership; an org always keeps at least one owner. */
export async function updateMemberRole(
  tx: Tx,
  orgId: string,
  actorRole: OrgRole,
  userId: string,
  role: OrgRole,
  record: Recorder,
): Promise<Member> {
  const cur = await tx.client.query<{ role: OrgRole }>(
    'SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2 FOR UPDATE',
    [orgId, userId],
  );
  const before = cur.rows[0];
  if (!before) throw notFound('Member');
  if ((before.role === 'owner' || role === 'owner') && actorRole !== 'owner') {
    throw new AppError('forbidden', 'Only an owner can grant or remove the owner role');
  }
  if (before.role === 'owner' && role !== 'owner' && (await ownerCount(tx, orgId)) <= 1) {
    throw new AppError('conflict', 'An organization must keep at least one owner');
  }
  await tx.client.query('UPDATE memberships SET role = $3 WHERE org_id = $1 AND user_id = $2', [orgId, userId, role]);
  await record({
    action: 'member.role_changed',
    target: { type: 'member', id: userId },
    before: { userId, role: before.role },
    after: { userId, role },
  });
  const members = await listMembers(tx, orgId);
  return members.find((m) => m.userId === userId)!;
}

export async function removeMember(
  tx: Tx,
  orgId: string,
  actorRole: OrgRole,
  userId: string,
  record: Recorder,
): Promise<void> {
  const cur = await tx.client.query<{ role: OrgRole }>(
    'SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2 FOR UPDATE',
    [orgId, userId],
  );
  const before = cur.rows[0];
  if (!before) throw notFound('Member');
  if (before.role === 'owner') {
    if (actorRole !== 'owner') throw new AppError('forbidden', 'Only an owner can remove an owner');
    if ((await ownerCount(tx, orgId)) <= 1)
      throw new AppError('conflict', 'An organization must keep at least one owner');
  }
  await tx.client.query('DELETE FROM memberships WHERE org_id = $1 AND user_id = $2', [orgId, userId]);
  // Their tokens for this org stop working with the membership.
  await tx.client.query(
    'UPDATE api_tokens SET revoked_at = now() WHERE org_id = $1 AND user_id = $2 AND revoked_at IS NULL',
    [orgId, userId],
  );
  await record({
    action: 'member.removed',
    target: { type: 'member', id: userId },
    before: { userId, role: before.role },
  });
}

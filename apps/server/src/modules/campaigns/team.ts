/**
 * A campaign's team: members of the organization with a campaign role. Every change is recorded on the campaign
 * (`campaigns.campaign.member_added`, `…member_role_changed`, `…member_removed`) in the request's transaction.
 */
import { CAMPAIGN_ROLES, type AddTeamMemberBody, type CampaignRole, type TeamMember } from '@akashic/contracts';
import type { Tx } from '../../db/index.js';
import { isoTimestamp } from '../../db/keyset.js';
import { AppError, notFound } from '../../platform/errors.js';
import { recordTeam, type Recorder } from './campaigns.js';

const ROLE_ORDER = `ARRAY[${CAMPAIGN_ROLES.map((r) => `'${r}'`).join(', ')}]`;

export async function listTeam(tx: Tx, orgId: string, campaignId: string): Promise<TeamMember[]> {
  const r = await tx.client.query<TeamMember>(
    `SELECT t.user_id AS "userId", u.name, u.email, t.role, ${isoTimestamp('t.added_at')} AS "addedAt"
       FROM campaign_team t JOIN users u ON u.id = t.user_id
      WHERE t.org_id = $1 AND t.campaign_id = $2
      ORDER BY array_position(${ROLE_ORDER}, t.role), u.name, u.email`,
    [orgId, campaignId],
  );
  return r.rows;
}

const view = (campaignId: string, userId: string, role: CampaignRole) => ({ campaignId, userId, role });

export async function addTeamMember(
  tx: Tx,
  orgId: string,
  campaignId: string,
  body: AddTeamMemberBody,
  record: Recorder,
): Promise<TeamMember> {
  // Only members of the organization join a team; the lock keeps the membership until this transaction ends.
  const m = await tx.client.query('SELECT 1 FROM memberships WHERE org_id = $1 AND user_id = $2 FOR KEY SHARE', [
    orgId,
    body.userId,
  ]);
  if (!m.rowCount) throw notFound('Member');
  const on = await tx.client.query<{ role: CampaignRole }>(
    'SELECT role FROM campaign_team WHERE org_id = $1 AND campaign_id = $2 AND user_id = $3',
    [orgId, campaignId, body.userId],
  );
  if (on.rows[0]) {
    throw new AppError('conflict', `Already on the team (as ${on.rows[0].role}): change their campaign role instead`);
  }
  await tx.client.query('INSERT INTO campaign_team (org_id, campaign_id, user_id, role) VALUES ($1, $2, $3, $4)', [
    orgId,
    campaignId,
    body.userId,
    body.role,
  ]);
  await recordTeam(record, 'campaign.member_added', campaignId, { after: view(campaignId, body.userId, body.role) });
  return (await listTeam(tx, orgId, campaignId)).find((t) => t.userId === body.userId)!;
}

export async function changeTeamRole(
  tx: Tx,
  orgId: string,
  campaignId: string,
  userId: string,
  role: CampaignRole,
  record: Recorder,
): Promise<TeamMember> {
  const cur = await tx.client.query<{ role: CampaignRole }>(
    'SELECT role FROM campaign_team WHERE org_id = $1 AND campaign_id = $2 AND user_id = $3 FOR UPDATE',
    [orgId, campaignId, userId],
  );
  const before = cur.rows[0];
  if (!before) throw notFound('Team member');
  if (before.role !== role) {
    await tx.client.query(
      'UPDATE campaign_team SET role = $4 WHERE org_id = $1 AND campaign_id = $2 AND user_id = $3',
      [orgId, campaignId, userId, role],
    );
    await recordTeam(record, 'campaign.member_role_changed', campaignId, {
      before: view(campaignId, userId, before.role),
      after: view(campaignId, userId, role),
    });
  }
  return (await listTeam(tx, orgId, campaignId)).find((t) => t.userId === userId)!;
}

export async function removeTeamMember(
  tx: Tx,
  orgId: string,
  campaignId: string,
  userId: string,
  record: Recorder,
): Promise<void> {
  const r = await tx.client.query<{ role: CampaignRole }>(
    'DELETE FROM campaign_team WHERE org_id = $1 AND campaign_id = $2 AND user_id = $3 RETURNING role',
    [orgId, campaignId, userId],
  );
  const before = r.rows[0];
  if (!before) throw notFound('Team member');
  await recordTeam(record, 'campaign.member_removed', campaignId, { before: view(campaignId, userId, before.role) });
}

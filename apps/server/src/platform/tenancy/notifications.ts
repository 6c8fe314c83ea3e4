/** Notification rules for membership events: the organization's admins hear of invitations and of new members. */
import type { NotificationRule, RuleContext } from '../notifications/consumer.js';
import { afterField } from '../notifications/consumer.js';

async function admins(ctx: RuleContext, orgId: string): Promise<string[]> {
  const { rows } = await ctx.tx.client.query<{ user_id: string }>(
    `SELECT user_id FROM memberships WHERE org_id = $1 AND role IN ('owner', 'admin')`,
    [orgId],
  );
  return rows.map((r) => r.user_id);
}

async function nameOf(ctx: RuleContext, userId: string | null | undefined): Promise<string> {
  if (!userId) return 'Someone';
  const { rows } = await ctx.tx.client.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [userId]);
  return rows[0]?.name ?? 'Someone';
}

/** A new member (`how`: through an invitation, or added by an operator): every other admin hears of it. */
const newMember = (type: string, how: string): NotificationRule => ({
  type,
  async notices(event, ctx) {
    const userId = afterField(event, 'userId');
    const who = await nameOf(ctx, userId);
    const role = afterField(event, 'role') ?? 'member';
    return (await admins(ctx, event.orgId))
      .filter((id) => id !== userId)
      .map((id) => ({
        userId: id,
        type: 'member.joined',
        title: `${who} joined the organization`,
        body: `${who} ${how} and joined as ${role}.`,
        url: '/members',
      }));
  },
});

export const membershipNotificationRules: NotificationRule[] = [
  newMember('platform.member.joined', 'accepted an invitation'),
  newMember('platform.member.added', 'was added'),
  {
    type: 'platform.member.invited',
    async notices(event, ctx) {
      const email = afterField(event, 'email') ?? 'someone';
      const who = await nameOf(ctx, ctx.actorId);
      const role = afterField(event, 'role') ?? 'member';
      return (await admins(ctx, event.orgId)).map((id) => ({
        userId: id,
        type: 'member.invited',
        title: `${email} was invited`,
        body: `${who} invited ${email} to join as ${role}.`,
        url: '/members',
      }));
    },
  },
];

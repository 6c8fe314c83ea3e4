/**
 * Notification rules for the message workflow: a version submitted for review goes to the members who may approve
 * it; a decision (approved, changes requested) to the message's author; a comment to the message's participants
 * (its author, those who commented on or decided the version) who may still read it.
 */
import type { Delivery } from '../../../platform/events/bus.js';
import { afterField, type NotificationRule, type RuleContext } from '../../../platform/notifications/consumer.js';
import { campaignMembers, memberMayOnCampaign, type CampaignAction } from '../access.js';

interface MessageFacts {
  messageId: string;
  campaignId: string;
  title: string;
  campaignName: string;
  authorId: string | null;
}

async function messageFacts(ctx: RuleContext, orgId: string, messageId: string): Promise<MessageFacts | undefined> {
  const { rows } = await ctx.tx.client.query<MessageFacts>(
    `SELECT m.id AS "messageId", m.campaign_id AS "campaignId", m.title, c.name AS "campaignName",
            m.created_by AS "authorId"
       FROM messages m JOIN campaigns c ON c.org_id = m.org_id AND c.id = m.campaign_id
      WHERE m.org_id = $1 AND m.id = $2`,
    [orgId, messageId],
  );
  return rows[0];
}

async function versionMessageId(ctx: RuleContext, orgId: string, versionId: string): Promise<string | undefined> {
  const { rows } = await ctx.tx.client.query<{ message_id: string }>(
    'SELECT message_id FROM message_versions WHERE org_id = $1 AND id = $2',
    [orgId, versionId],
  );
  return rows[0]?.message_id;
}

async function nameOf(ctx: RuleContext, userId: string | null): Promise<string> {
  if (!userId) return 'Someone';
  const { rows } = await ctx.tx.client.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [userId]);
  return rows[0]?.name ?? 'Someone';
}

/** Of `userIds`, those who may do `action` on the campaign now (a member removed from its team drops out). */
async function allowed(
  ctx: RuleContext,
  orgId: string,
  campaignId: string,
  action: CampaignAction,
  userIds?: ReadonlySet<string>,
): Promise<string[]> {
  return (await campaignMembers(ctx.tx, orgId, campaignId))
    .filter(
      (m) =>
        (!userIds || userIds.has(m.userId)) && memberMayOnCampaign(ctx.services.policy, orgId, m, action, campaignId),
    )
    .map((m) => m.userId);
}

const editorUrl = (f: MessageFacts) => `/campaigns/list/${f.campaignId}/messages/${f.messageId}`;

/** The message a version event is about (the payload's `after` is the version's view). */
async function ofVersionEvent(event: Delivery, ctx: RuleContext) {
  const messageId = afterField(event, 'messageId');
  return messageId ? messageFacts(ctx, event.orgId, messageId) : undefined;
}

const decision = (type: string, verb: string, notice: string): NotificationRule => ({
  type,
  async notices(event, ctx) {
    const f = await ofVersionEvent(event, ctx);
    if (!f?.authorId) return [];
    const who = await nameOf(ctx, ctx.actorId);
    return (await allowed(ctx, event.orgId, f.campaignId, 'message.read', new Set([f.authorId]))).map((userId) => ({
      userId,
      type: notice,
      title: `“${f.title}” ${verb}`,
      body: `${who} ${verb} your message “${f.title}” (${f.campaignName}).`,
      url: editorUrl(f),
    }));
  },
});

export const messagingNotificationRules: NotificationRule[] = [
  {
    type: 'campaigns.message_version.submitted',
    async notices(event, ctx) {
      const f = await ofVersionEvent(event, ctx);
      if (!f) return [];
      const who = await nameOf(ctx, ctx.actorId);
      return (await allowed(ctx, event.orgId, f.campaignId, 'message.approve')).map((userId) => ({
        userId,
        type: 'message.review_requested',
        title: `Review requested: “${f.title}”`,
        body: `${who} submitted “${f.title}” (${f.campaignName}) for review.`,
        url: editorUrl(f),
      }));
    },
  },
  decision('campaigns.message_version.approved', 'approved', 'message.approved'),
  decision('campaigns.message_version.changes_requested', 'requested changes to', 'message.changes_requested'),
  {
    type: 'campaigns.message_comment.created',
    async notices(event, ctx) {
      const versionId = afterField(event, 'versionId');
      const messageId = versionId && (await versionMessageId(ctx, event.orgId, versionId));
      const f = messageId ? await messageFacts(ctx, event.orgId, messageId) : undefined;
      if (!f) return [];
      const { rows } = await ctx.tx.client.query<{ user_id: string }>(
        `SELECT author_id AS user_id FROM message_comments WHERE org_id = $1 AND version_id = $2 AND author_id IS NOT NULL
         UNION SELECT approver_id FROM message_approvals WHERE org_id = $1 AND version_id = $2 AND approver_id IS NOT NULL`,
        [event.orgId, versionId],
      );
      const participants = new Set(rows.map((r) => r.user_id));
      if (f.authorId) participants.add(f.authorId);
      const who = await nameOf(ctx, ctx.actorId);
      return (await allowed(ctx, event.orgId, f.campaignId, 'message.read', participants)).map((userId) => ({
        userId,
        type: 'message.commented',
        title: `New comment on “${f.title}”`,
        body: `${who} commented on “${f.title}” (${f.campaignName}).`,
        url: editorUrl(f),
      }));
    },
  },
];

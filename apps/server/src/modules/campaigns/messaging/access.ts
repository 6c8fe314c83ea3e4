/**
 * Who may do what in the message workflow. Cedar decides the messaging actions on the campaign (policies/
 * messaging.cedar); the workflow's role ladder (packages/messaging: editor < approver < manager) follows from them:
 * whoever may schedule is a workflow manager, whoever may approve an approver, whoever may write an editor.
 */
import type { Campaign, MessagePermissions, WorkflowEvent, WorkflowRole } from '@akashic/contracts';
import { availableEvents, type MessageStatus } from '@akashic/messaging';
import { canOnCampaign, type CampaignCtx } from '../access.js';

/** The acting member in the workflow: their user id and workflow role (null: reads only). */
export interface WorkflowMember {
  userId: string;
  role: WorkflowRole | null;
}

export function messagePermissions(ctx: CampaignCtx, c: Pick<Campaign, 'id' | 'myRole'>): MessagePermissions {
  const write = canOnCampaign(ctx, 'message.write', c);
  const approve = canOnCampaign(ctx, 'message.approve', c);
  const schedule = canOnCampaign(ctx, 'message.schedule', c);
  return {
    write,
    comment: canOnCampaign(ctx, 'message.comment', c),
    approve,
    schedule,
    workflowRole: schedule ? 'manager' : approve ? 'approver' : write ? 'editor' : null,
  };
}

export const workflowMember = (ctx: CampaignCtx, c: Pick<Campaign, 'id' | 'myRole'>): WorkflowMember => ({
  userId: ctx.principal.userId,
  role: messagePermissions(ctx, c).workflowRole,
});

/** The steps `member` may take from `status` (besides editing), for the editor's buttons. */
export const eventsFor = (status: MessageStatus, member: WorkflowMember): WorkflowEvent[] =>
  member.role
    ? availableEvents(status, { role: member.role, userId: member.userId }).filter(
        (e): e is WorkflowEvent => e !== 'edit',
      )
    : [];

/**
 * The message workflow: draft → in_review → approved → scheduled → sent, as data and one pure transition function.
 *
 * Roles form a ladder (`editor` < `approver` < `manager`: each may do what the ones before it may); the caller maps
 * its campaign roles onto them. `system` is the scheduler, which may only send a scheduled message.
 *
 * Edits: any edit before sending makes a new revision and puts the message back to draft. Approval belongs to the
 * revision that was approved, so editing an approved message revokes its approval (the approved revision keeps it in
 * history) and editing a scheduled one also cancels the send; only a manager may edit a scheduled message, since that
 * stops a send. A sent message is history and cannot change: branch a new version instead.
 * Approving needs someone other than the revision's authors; asking for changes needs a comment.
 */

export const MESSAGE_STATUSES = ['draft', 'in_review', 'approved', 'scheduled', 'sent'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export const WORKFLOW_EVENTS = [
  'edit',
  'submit',
  'withdraw',
  'request_changes',
  'approve',
  'schedule',
  'unschedule',
  'send',
] as const;
export type WorkflowEvent = (typeof WORKFLOW_EVENTS)[number];

export const WORKFLOW_ROLES = ['editor', 'approver', 'manager'] as const;
export type WorkflowRole = (typeof WORKFLOW_ROLES)[number];

export type WorkflowActor = { role: WorkflowRole; userId: string } | { role: 'system' };

/** What the caller must record besides the new status. */
export type WorkflowEffect =
  | 'review_cancelled'
  | 'approval_recorded'
  | 'approval_revoked'
  | 'comment_recorded'
  | 'send_scheduled'
  | 'schedule_cancelled'
  | 'sent_recorded';

export type WorkflowRequirement = 'comment' | 'send_at' | 'not_author';

export interface WorkflowTransition {
  from: MessageStatus;
  event: WorkflowEvent;
  to: MessageStatus;
  /** The least role that may take this transition. */
  role: WorkflowRole;
  /** The scheduler may take it too. */
  system?: true;
  requires: readonly WorkflowRequirement[];
  effects: readonly WorkflowEffect[];
}

const t = (
  from: MessageStatus,
  event: WorkflowEvent,
  to: MessageStatus,
  role: WorkflowRole,
  effects: WorkflowEffect[] = [],
  requires: WorkflowRequirement[] = [],
  system?: true,
): WorkflowTransition => ({ from, event, to, role, requires, effects, ...(system ? { system } : {}) });

export const WORKFLOW_TRANSITIONS: readonly WorkflowTransition[] = [
  t('draft', 'edit', 'draft', 'editor'),
  t('draft', 'submit', 'in_review', 'editor'),
  t('in_review', 'edit', 'draft', 'editor', ['review_cancelled']),
  t('in_review', 'withdraw', 'draft', 'editor', ['review_cancelled']),
  t('in_review', 'request_changes', 'draft', 'approver', ['comment_recorded'], ['comment']),
  t('in_review', 'approve', 'approved', 'approver', ['approval_recorded'], ['not_author']),
  t('approved', 'edit', 'draft', 'editor', ['approval_revoked']),
  t('approved', 'request_changes', 'draft', 'approver', ['approval_revoked', 'comment_recorded'], ['comment']),
  t('approved', 'schedule', 'scheduled', 'manager', ['send_scheduled'], ['send_at']),
  t('approved', 'send', 'sent', 'manager', ['sent_recorded']),
  t('scheduled', 'edit', 'draft', 'manager', ['schedule_cancelled', 'approval_revoked']),
  t('scheduled', 'unschedule', 'approved', 'manager', ['schedule_cancelled']),
  t('scheduled', 'send', 'sent', 'manager', ['sent_recorded'], [], true),
];

export interface TransitionContext {
  /** The authors of the revision under review (for `approve`; approving without them is refused). */
  authorIds?: readonly string[];
  comment?: string;
  sendAt?: Date;
  /** With `sendAt`: a send time must be after this. */
  now?: Date;
}

export type TransitionRefusal =
  'invalid_transition' | 'forbidden' | 'self_approval' | 'comment_required' | 'send_at_required';

export type TransitionResult =
  | { ok: true; to: MessageStatus; effects: readonly WorkflowEffect[]; transition: WorkflowTransition }
  | { ok: false; reason: TransitionRefusal; message: string };

export const findTransition = (from: MessageStatus, event: WorkflowEvent): WorkflowTransition | undefined =>
  WORKFLOW_TRANSITIONS.find((tr) => tr.from === from && tr.event === event);

/** Whether `role` is at least `required` on the ladder. */
export const roleAtLeast = (role: WorkflowRole, required: WorkflowRole): boolean =>
  WORKFLOW_ROLES.indexOf(role) >= WORKFLOW_ROLES.indexOf(required);

const mayTake = (tr: WorkflowTransition, actor: WorkflowActor): boolean =>
  actor.role === 'system' ? tr.system === true : roleAtLeast(actor.role, tr.role);

const LABEL: Record<MessageStatus, string> = {
  draft: 'a draft',
  in_review: 'in review',
  approved: 'approved',
  scheduled: 'scheduled',
  sent: 'sent',
};

export function transition(
  from: MessageStatus,
  event: WorkflowEvent,
  actor: WorkflowActor,
  context: TransitionContext = {},
): TransitionResult {
  const tr = findTransition(from, event);
  if (!tr) {
    const hint = from === 'sent' ? ' A sent message cannot change: branch a new version instead.' : '';
    return refuse('invalid_transition', `Cannot ${event.replace('_', ' ')} a message that is ${LABEL[from]}.${hint}`);
  }
  if (!mayTake(tr, actor)) {
    const who = actor.role === 'system' ? 'The scheduler' : `The ${actor.role} role`;
    return refuse('forbidden', `${who} cannot ${event.replace('_', ' ')} here: it needs ${tr.role} or above.`);
  }
  for (const need of tr.requires) {
    if (need === 'comment' && !context.comment?.trim()) {
      return refuse('comment_required', 'Say what should change: a comment is required.');
    }
    if (need === 'not_author') {
      const userId = actor.role === 'system' ? undefined : actor.userId;
      if (!context.authorIds || userId === undefined || context.authorIds.includes(userId)) {
        return refuse('self_approval', 'A revision must be approved by someone who did not write it.');
      }
    }
    if (need === 'send_at' && (!context.sendAt || (context.now && context.sendAt <= context.now))) {
      return refuse('send_at_required', 'Choose a send time in the future.');
    }
  }
  return { ok: true, to: tr.to, effects: tr.effects, transition: tr };
}

const refuse = (reason: TransitionRefusal, message: string): TransitionResult => ({ ok: false, reason, message });

/** The events this actor may take from a status (for the editor's buttons; context requirements not checked). */
export const availableEvents = (from: MessageStatus, actor: WorkflowActor): WorkflowEvent[] =>
  WORKFLOW_TRANSITIONS.filter((tr) => tr.from === from && mayTake(tr, actor)).map((tr) => tr.event);

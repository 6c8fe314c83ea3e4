/**
 * The review workflow of a version (submit, withdraw, request changes, approve, schedule, unschedule, mark sent),
 * decided by packages/messaging's `transition()` with the member's workflow role, on the version's latest revision;
 * comments and approvals on versions and revisions. Every step is recorded.
 */
import { randomUUID } from 'node:crypto';
import type {
  Approval,
  MessageComment,
  MessageVersion,
  VersionActivity,
  WorkflowBody,
  WorkflowEvent,
} from '@akashic/contracts';
import { transition, type MessageStatus, type TransitionResult } from '@akashic/messaging';
import type { Tx } from '../../../db/index.js';
import { isoTimestamp } from '../../../db/keyset.js';
import { AppError } from '../../../platform/errors.js';
import { recorder, type Recorder } from '../campaigns.js';
import type { WorkflowMember } from './access.js';
import { readRevision, readVersion, recordVersion, withEvents } from './messages.js';

/** `transition()` for a member (one without a workflow role may take no step). */
export function takeTransition(
  from: MessageStatus,
  event: WorkflowEvent | 'edit',
  member: WorkflowMember,
  context: Parameters<typeof transition>[3] = {},
): TransitionResult {
  if (!member.role) {
    return { ok: false, reason: 'forbidden', message: 'Your roles do not allow changing messages on this campaign.' };
  }
  return transition(from, event, { role: member.role, userId: member.userId }, context);
}

/** A refused transition as the API answers it. */
export function refusal(r: Extract<TransitionResult, { ok: false }>): AppError {
  switch (r.reason) {
    case 'invalid_transition':
      return new AppError('conflict', r.message);
    case 'forbidden':
    case 'self_approval':
      return new AppError('forbidden', r.message);
    case 'comment_required':
      return new AppError('validation_failed', r.message, {
        fields: [{ field: 'body.comment', message: 'is required' }],
      });
    case 'send_at_required':
      return new AppError('validation_failed', r.message, {
        fields: [{ field: 'body.sendAt', message: 'must be a time in the future' }],
      });
  }
}

const PAST: Record<WorkflowEvent, string> = {
  submit: 'submitted',
  withdraw: 'withdrawn',
  request_changes: 'changes_requested',
  approve: 'approved',
  schedule: 'scheduled',
  unschedule: 'unscheduled',
  send: 'sent',
};

/** The authors of what is under review: revisions since the last approved one (all of them when none was). */
async function authorsUnderReview(tx: Tx, orgId: string, versionId: string): Promise<string[]> {
  const r = await tx.client.query<{ id: string }>(
    `SELECT DISTINCT r.author_id AS id FROM message_revisions r
      WHERE r.org_id = $1 AND r.version_id = $2 AND r.author_id IS NOT NULL
        AND r.number > coalesce((
          SELECT max(ar.number) FROM message_approvals a
            JOIN message_revisions ar ON ar.org_id = a.org_id AND ar.id = a.revision_id
           WHERE a.org_id = $1 AND a.version_id = $2 AND a.decision = 'approved'), 0)`,
    [orgId, versionId],
  );
  return r.rows.map((x) => x.id);
}

async function insertComment(
  tx: Tx,
  orgId: string,
  v: { id: string; messageId: string },
  authorId: string,
  body: string,
  revisionId: string | null,
  event: 'request_changes' | 'approve' | null,
): Promise<string> {
  const id = randomUUID();
  await tx.client.query(
    `INSERT INTO message_comments (id, org_id, message_id, version_id, revision_id, author_id, body, event)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [id, orgId, v.messageId, v.id, revisionId, authorId, body, event],
  );
  return id;
}

/** Takes `event` on version `versionId` (locked here) for the revision the member saw (`body.revisionId`). */
export async function takeStep(
  tx: Tx,
  orgId: string,
  member: WorkflowMember,
  messageId: string,
  versionId: string,
  event: WorkflowEvent,
  body: WorkflowBody,
  record: Recorder,
): Promise<MessageVersion> {
  const v = await readVersion(tx, orgId, messageId, versionId, true);
  if (!v.head) throw new AppError('conflict', 'Save a first revision of this version before it goes through review');
  if (v.head.id !== body.revisionId) {
    throw new AppError(
      'conflict',
      `This version has a newer revision (${v.head.number}) than the one you saw: reload and read it first`,
    );
  }
  const step = takeTransition(v.status, event, member, {
    authorIds: event === 'approve' ? await authorsUnderReview(tx, orgId, v.id) : [],
    ...(body.comment !== undefined ? { comment: body.comment } : {}),
    ...(body.sendAt !== undefined ? { sendAt: new Date(body.sendAt) } : {}),
    now: new Date(),
  });
  if (!step.ok) throw refusal(step);

  const effects = new Set(step.effects);
  const decision = effects.has('approval_recorded')
    ? 'approved'
    : effects.has('comment_recorded')
      ? 'changes_requested'
      : null;
  if (decision) {
    await tx.client.query(
      `INSERT INTO message_approvals (id, org_id, version_id, revision_id, approver_id, decision, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [randomUUID(), orgId, v.id, v.head.id, member.userId, decision, body.comment ?? null],
    );
  }
  if (body.comment && (event === 'request_changes' || event === 'approve')) {
    await insertComment(tx, orgId, v, member.userId, body.comment, v.head.id, event);
  }
  await tx.client.query(
    `UPDATE message_versions
        SET status = $3, updated_at = now(),
            approved_revision_id = CASE WHEN $4 THEN $5::uuid WHEN $6 THEN NULL ELSE approved_revision_id END,
            send_at = CASE WHEN $7 THEN $8::timestamptz ELSE NULL END,
            sent_at = CASE WHEN $9 THEN now() ELSE sent_at END
      WHERE org_id = $1 AND id = $2`,
    [
      orgId,
      v.id,
      step.to,
      effects.has('approval_recorded'),
      v.head.id,
      effects.has('approval_revoked'),
      step.to === 'scheduled',
      step.to === 'scheduled' ? (body.sendAt ?? v.sendAt) : null,
      effects.has('sent_recorded'),
    ],
  );
  await tx.client.query('UPDATE messages SET updated_at = now() WHERE org_id = $1 AND id = $2', [orgId, messageId]);
  const after = await readVersion(tx, orgId, messageId, versionId);
  await recordVersion(record, `message_version.${PAST[event]}`, v.id, { before: v, after });
  return withEvents(after, member);
}

const COMMENT_COLUMNS = `c.id, c.version_id AS "versionId", c.revision_id AS "revisionId", c.author_id AS "authorId",
  u.name AS "authorName", c.body, c.event, ${isoTimestamp('c.created_at')} AS "createdAt"`;

const recordComment = recorder('message_comment', (c: MessageComment) => ({
  id: c.id,
  versionId: c.versionId,
  revisionId: c.revisionId,
  authorId: c.authorId,
}));

export async function addComment(
  tx: Tx,
  orgId: string,
  userId: string,
  v: { id: string; messageId: string },
  body: { body: string; revisionId?: string | undefined },
  record: Recorder,
): Promise<MessageComment> {
  if (body.revisionId) await readRevision(tx, orgId, v.id, body.revisionId);
  const id = await insertComment(tx, orgId, v, userId, body.body, body.revisionId ?? null, null);
  const r = await tx.client.query<MessageComment>(
    `SELECT ${COMMENT_COLUMNS} FROM message_comments c LEFT JOIN users u ON u.id = c.author_id
      WHERE c.org_id = $1 AND c.id = $2`,
    [orgId, id],
  );
  const comment = r.rows[0]!;
  await recordComment(record, 'message_comment.created', id, { after: comment });
  return comment;
}

/** A version's comments and decisions, oldest first. */
export async function versionActivity(tx: Tx, orgId: string, versionId: string): Promise<VersionActivity> {
  const comments = await tx.client.query<MessageComment>(
    `SELECT ${COMMENT_COLUMNS} FROM message_comments c LEFT JOIN users u ON u.id = c.author_id
      WHERE c.org_id = $1 AND c.version_id = $2 ORDER BY c.created_at, c.id`,
    [orgId, versionId],
  );
  const approvals = await tx.client.query<Approval>(
    `SELECT a.id, a.revision_id AS "revisionId", a.approver_id AS "approverId", u.name AS "approverName", a.decision,
            a.note, ${isoTimestamp('a.created_at')} AS "createdAt"
       FROM message_approvals a LEFT JOIN users u ON u.id = a.approver_id
      WHERE a.org_id = $1 AND a.version_id = $2 ORDER BY a.created_at, a.id`,
    [orgId, versionId],
  );
  return { comments: comments.rows, approvals: approvals.rows };
}

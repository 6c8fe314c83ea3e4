/**
 * Messages, their versions (the base one and one per audience) and revisions. Every edit is a new, immutable revision
 * checked with `checkRevision` against the campaign's rules; saving goes through the workflow's `edit` step, which
 * may put the version back to draft (revoking an approval, cancelling a send). Every change is recorded.
 */
import { randomUUID } from 'node:crypto';
import {
  AMERICAN_NATIONS,
  type CheckResult,
  type CreateMessageBody,
  type CreateVersionBody,
  type Message,
  type MessageChannel,
  type MessageRules,
  type MessageVersion,
  type Page,
  type Revision,
  type RevisionDiff,
} from '@akashic/contracts';
import { checkRevision, diffWords, MESSAGE_STATUSES, type Channel, type MessageStatus } from '@akashic/messaging';
import type { Tx } from '../../../db/index.js';
import { isoTimestamp, keysetPage } from '../../../db/keyset.js';
import { AppError, notFound } from '../../../platform/errors.js';
import { recorder, type Recorder } from '../campaigns.js';
import { eventsFor, type WorkflowMember } from './access.js';
import { refusal, takeTransition } from './workflow.js';

// The contracts' lists and the engine's must agree (a compile error otherwise).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const LISTS_AGREE: Same<Channel, MessageChannel> & Same<MessageStatus, Message['status']> = true;

const MESSAGE_COLUMNS = `m.id, m.campaign_id AS "campaignId", m.title, m.channel, m.created_by AS "createdBy",
  ${isoTimestamp('m.created_at')} AS "createdAt", ${isoTimestamp('m.updated_at')} AS "updatedAt",
  s.status, s.n::int AS "versionCount"`;
/** A message with the least advanced status of its versions. */
const MESSAGE_FROM = `messages m CROSS JOIN LATERAL (
    SELECT (ARRAY[${MESSAGE_STATUSES.map((x) => `'${x}'`).join(', ')}])[min(array_position(ARRAY[${MESSAGE_STATUSES.map((x) => `'${x}'`).join(', ')}], v.status))] AS status,
           count(*) AS n
      FROM message_versions v WHERE v.org_id = m.org_id AND v.message_id = m.id
  ) s`;

const VERSION_COLUMNS = `v.id, v.message_id AS "messageId", v.audience_kind AS "kind", v.audience_key AS "key",
  v.audience_label AS "label", v.audience_description AS "description", v.channel, v.branched_from AS "branchedFrom",
  v.status, v.approved_revision_id AS "approvedRevisionId", ${isoTimestamp('v.send_at')} AS "sendAt",
  ${isoTimestamp('v.sent_at')} AS "sentAt", ${isoTimestamp('v.created_at')} AS "createdAt",
  ${isoTimestamp('v.updated_at')} AS "updatedAt"`;

export const REVISION_COLUMNS = `r.id, r.version_id AS "versionId", r.number, r.text, r.subject, r.author_id AS "authorId",
  u.name AS "authorName", ${isoTimestamp('r.created_at')} AS "createdAt", r.restored_from AS "restoredFrom", r.checks`;
const REVISION_FROM = 'message_revisions r LEFT JOIN users u ON u.id = r.author_id';

type VersionRow = Omit<MessageVersion, 'audience' | 'head' | 'events'> & {
  kind: MessageVersion['audience']['kind'];
  key: string;
  label: string;
  description: string | null;
};
/** A version as the domain works with it: its latest revision, no workflow steps yet. */
export type Version = Omit<MessageVersion, 'events'>;

const messageView = (m: Message) => ({ id: m.id, campaignId: m.campaignId, title: m.title, channel: m.channel });
const recordMessage = recorder('message', messageView);
const versionView = (v: Version) => ({
  id: v.id,
  messageId: v.messageId,
  audience: v.audience,
  channel: v.channel,
  branchedFrom: v.branchedFrom,
  status: v.status,
  headRevisionId: v.head?.id ?? null,
  approvedRevisionId: v.approvedRevisionId,
  sendAt: v.sendAt,
  sentAt: v.sentAt,
});
export const recordVersion = recorder('message_version', versionView);

export const withEvents = (v: Version, member: WorkflowMember): MessageVersion => ({
  ...v,
  events: v.head ? eventsFor(v.status, member) : [],
});

export async function readMessage(tx: Tx, orgId: string, campaignId: string, id: string): Promise<Message> {
  const r = await tx.client.query<Message>(
    `SELECT ${MESSAGE_COLUMNS} FROM ${MESSAGE_FROM} WHERE m.org_id = $1 AND m.campaign_id = $2 AND m.id = $3`,
    [orgId, campaignId, id],
  );
  if (!r.rows[0]) throw notFound('Message');
  return r.rows[0];
}

export function listMessages(
  tx: Tx,
  orgId: string,
  campaignId: string,
  q: { limit: number; cursor?: string | undefined; channel?: MessageChannel | undefined },
): Promise<Page<Message>> {
  return keysetPage<Message>(tx, {
    columns: MESSAGE_COLUMNS,
    from: MESSAGE_FROM,
    where: 'm.org_id = $1 AND m.campaign_id = $2',
    params: [orgId, campaignId],
    equal: { 'm.channel': q.channel },
    key: { column: 'm.updated_at', type: 'timestamptz' },
    id: 'm.id',
    limit: q.limit,
    cursor: q.cursor,
  });
}

/** The versions of a message (one when `versionId` is given, locked for a change when `lock`), base first. */
export async function readVersions(
  tx: Tx,
  orgId: string,
  messageId: string,
  versionId?: string,
  lock = false,
): Promise<Version[]> {
  const r = await tx.client.query<VersionRow>(
    `SELECT ${VERSION_COLUMNS} FROM message_versions v
      WHERE v.org_id = $1 AND v.message_id = $2${versionId ? ' AND v.id = $3' : ''}
      ORDER BY v.audience_kind <> 'base', v.created_at, v.id${lock ? ' FOR UPDATE OF v' : ''}`,
    versionId ? [orgId, messageId, versionId] : [orgId, messageId],
  );
  const heads = await tx.client.query<Revision>(
    `SELECT DISTINCT ON (r.version_id) ${REVISION_COLUMNS} FROM ${REVISION_FROM}
      WHERE r.org_id = $1 AND r.version_id = ANY($2::uuid[]) ORDER BY r.version_id, r.number DESC`,
    [orgId, r.rows.map((v) => v.id)],
  );
  const headOf = new Map(heads.rows.map((h) => [h.versionId, h]));
  return r.rows.map(({ kind, key, label, description, ...v }) => ({
    ...v,
    audience: { kind, key, label, description },
    head: headOf.get(v.id) ?? null,
  }));
}

export async function readVersion(tx: Tx, orgId: string, messageId: string, id: string, lock = false) {
  const [v] = await readVersions(tx, orgId, messageId, id, lock);
  if (!v) throw notFound('Version');
  return v;
}

export async function readRevision(tx: Tx, orgId: string, versionId: string, id: string): Promise<Revision> {
  const r = await tx.client.query<Revision>(
    `SELECT ${REVISION_COLUMNS} FROM ${REVISION_FROM} WHERE r.org_id = $1 AND r.version_id = $2 AND r.id = $3`,
    [orgId, versionId, id],
  );
  if (!r.rows[0]) throw notFound('Revision');
  return r.rows[0];
}

export function checksFor(channel: MessageChannel, text: string, rules: MessageRules): CheckResult {
  return checkRevision({
    channel,
    text,
    rules: {
      disclaimer: rules.disclaimer ?? undefined,
      bannedTerms: rules.bannedTerms,
      mergeFields: rules.mergeFields,
    },
  });
}

async function insertRevision(
  tx: Tx,
  orgId: string,
  v: Version,
  authorId: string,
  text: string,
  subject: string | null,
  rules: MessageRules,
  restoredFrom: string | null = null,
): Promise<Revision> {
  const id = randomUUID();
  await tx.client.query(
    `INSERT INTO message_revisions (id, org_id, message_id, version_id, number, text, subject, author_id, restored_from, checks)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      id,
      orgId,
      v.messageId,
      v.id,
      (v.head?.number ?? 0) + 1,
      text,
      subject,
      authorId,
      restoredFrom,
      JSON.stringify(checksFor(v.channel, text, rules)),
    ],
  );
  return readRevision(tx, orgId, v.id, id);
}

const revisionView = (r: Revision) => ({
  id: r.id,
  versionId: r.versionId,
  number: r.number,
  authorId: r.authorId,
  restoredFrom: r.restoredFrom,
  errors: r.checks.issues.filter((i) => i.severity === 'error').length,
});
const recordRevision = recorder('message_revision', revisionView);

const subjectFor = (channel: MessageChannel, subject: string | null | undefined): string | null => {
  if (subject == null || subject === '') return null;
  if (channel !== 'email') {
    throw new AppError('validation_failed', 'Only email versions have a subject', {
      fields: [{ field: 'body.subject', message: 'only email versions have a subject' }],
    });
  }
  return subject;
};

export interface Editing {
  orgId: string;
  member: WorkflowMember;
  rules: MessageRules;
  record: Recorder;
}

/**
 * Saves `text` as the next revision of version `versionId` (locked here), through the workflow's `edit` step.
 * `baseRevisionId` is the revision the edit started from: a newer one is a 409. The same text and subject again
 * writes nothing.
 */
export async function saveRevision(
  tx: Tx,
  e: Editing,
  messageId: string,
  versionId: string,
  body: { text: string; subject?: string | null | undefined; baseRevisionId: string | null },
  restoredFrom: string | null = null,
): Promise<{ revision: Revision; version: MessageVersion }> {
  const v = await readVersion(tx, e.orgId, messageId, versionId, true);
  if ((v.head?.id ?? null) !== body.baseRevisionId) {
    throw new AppError(
      'conflict',
      `This version has changed since you opened it (it is at revision ${v.head?.number ?? 0}): reload, then save again`,
    );
  }
  const subject = subjectFor(v.channel, body.subject);
  if (v.head && v.head.text === body.text && v.head.subject === subject && !restoredFrom) {
    return { revision: v.head, version: withEvents(v, e.member) };
  }
  const step = takeTransition(v.status, 'edit', e.member);
  if (!step.ok) throw refusal(step);
  const revision = await insertRevision(tx, e.orgId, v, e.member.userId, body.text, subject, e.rules, restoredFrom);
  const effects = new Set(step.effects);
  await tx.client.query(
    `UPDATE message_versions
        SET status = $3, updated_at = now(),
            approved_revision_id = CASE WHEN $4 THEN NULL ELSE approved_revision_id END,
            send_at = CASE WHEN $5 THEN NULL ELSE send_at END
      WHERE org_id = $1 AND id = $2`,
    [e.orgId, v.id, step.to, effects.has('approval_revoked'), effects.has('schedule_cancelled')],
  );
  await touchMessage(tx, e.orgId, messageId);
  await recordRevision(e.record, restoredFrom ? 'message_revision.restored' : 'message_revision.saved', revision.id, {
    after: revision,
  });
  const after = await readVersion(tx, e.orgId, messageId, versionId);
  if (after.status !== v.status) {
    await recordVersion(e.record, 'message_version.reopened', v.id, { before: v, after });
  }
  return { revision, version: withEvents(after, e.member) };
}

const touchMessage = (tx: Tx, orgId: string, id: string) =>
  tx.client.query('UPDATE messages SET updated_at = now() WHERE org_id = $1 AND id = $2', [orgId, id]);

/** Creates a message with its base version (and the base version's first revision when `text` is given). */
export async function createMessage(
  tx: Tx,
  e: Editing,
  campaignId: string,
  body: CreateMessageBody,
): Promise<{ message: Message; versions: MessageVersion[] }> {
  const id = randomUUID();
  await tx.client.query(
    `INSERT INTO messages (id, org_id, campaign_id, title, channel, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
    [id, e.orgId, campaignId, body.title, body.channel, e.member.userId],
  );
  const versionId = await insertVersion(tx, e.orgId, id, e.member.userId, body.channel, {
    kind: 'base',
    key: 'base',
    label: 'Everyone',
  });
  const message = await readMessage(tx, e.orgId, campaignId, id);
  await recordMessage(e.record, 'message.created', id, { after: message });
  if (body.text !== undefined) {
    await saveRevision(tx, e, id, versionId, { text: body.text, subject: body.subject, baseRevisionId: null });
  } else subjectFor(body.channel, body.subject);
  const versions = await readVersions(tx, e.orgId, id);
  return {
    message: await readMessage(tx, e.orgId, campaignId, id),
    versions: versions.map((v) => withEvents(v, e.member)),
  };
}

async function insertVersion(
  tx: Tx,
  orgId: string,
  messageId: string,
  userId: string,
  channel: MessageChannel,
  audience: { kind: string; key: string; label: string; description?: string | undefined },
  branchedFrom: string | null = null,
): Promise<string> {
  const id = randomUUID();
  const taken = await tx.client.query(
    `INSERT INTO message_versions (id, org_id, message_id, audience_kind, audience_key, audience_label,
       audience_description, channel, branched_from, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (message_id, audience_kind, audience_key) DO NOTHING`,
    [
      id,
      orgId,
      messageId,
      audience.kind,
      audience.key,
      audience.label,
      audience.description ?? null,
      channel,
      branchedFrom,
      userId,
    ],
  );
  if (!taken.rowCount) throw new AppError('conflict', `This message already has a version for “${audience.label}”`);
  return id;
}

/**
 * Adds an audience version to `message`, optionally branched from another of its versions: the new version starts
 * from that version's latest text (its first revision), in draft whatever the other's status.
 */
export async function createVersion(
  tx: Tx,
  e: Editing,
  message: Message,
  body: CreateVersionBody,
): Promise<MessageVersion> {
  const source = body.branchedFrom ? await readVersion(tx, e.orgId, message.id, body.branchedFrom) : null;
  const { kind, key, description } = body.audience;
  const label = body.audience.label ?? AMERICAN_NATIONS[key as keyof typeof AMERICAN_NATIONS] ?? key;
  const channel = body.channel ?? message.channel;
  const id = await insertVersion(
    tx,
    e.orgId,
    message.id,
    e.member.userId,
    channel,
    { kind, key, label, description },
    source?.id,
  );
  const created = await readVersion(tx, e.orgId, message.id, id);
  await recordVersion(e.record, 'message_version.created', id, { after: created });
  await touchMessage(tx, e.orgId, message.id);
  if (source?.head) {
    const subject = channel === 'email' ? source.head.subject : null;
    await saveRevision(tx, e, message.id, id, { text: source.head.text, subject, baseRevisionId: null });
  }
  return withEvents(await readVersion(tx, e.orgId, message.id, id), e.member);
}

export function listRevisions(
  tx: Tx,
  orgId: string,
  versionId: string,
  q: { limit: number; cursor?: string | undefined },
): Promise<Page<Revision>> {
  return keysetPage<Revision>(tx, {
    columns: REVISION_COLUMNS,
    from: REVISION_FROM,
    where: 'r.org_id = $1 AND r.version_id = $2',
    params: [orgId, versionId],
    key: { column: 'r.created_at', type: 'timestamptz' },
    id: 'r.id',
    limit: q.limit,
    cursor: q.cursor,
  });
}

/** The diff `from` → `to`; `to` defaults to the latest revision, `from` to the one before `to`. */
export async function diffRevisions(
  tx: Tx,
  orgId: string,
  versionId: string,
  q: { from?: string | undefined; to?: string | undefined },
): Promise<RevisionDiff> {
  const numbered = async (number: string) => {
    const r = await tx.client.query<{ id: string }>(
      `SELECT id FROM message_revisions WHERE org_id = $1 AND version_id = $2 AND number = ${number}`,
      [orgId, versionId],
    );
    if (!r.rows[0]) throw notFound('Revision');
    return r.rows[0].id;
  };
  const to = await readRevision(
    tx,
    orgId,
    versionId,
    q.to ?? (await numbered('(SELECT max(number) FROM message_revisions WHERE org_id = $1 AND version_id = $2)')),
  );
  const from = await readRevision(tx, orgId, versionId, q.from ?? (await numbered(String(to.number - 1))));
  return { from, to, ops: diffWords(from.text, to.text), subjectChanged: from.subject !== to.subject };
}

/** Saves an old revision's text (and subject) as the version's next revision. */
export async function restoreRevision(
  tx: Tx,
  e: Editing,
  messageId: string,
  versionId: string,
  revisionId: string,
  baseRevisionId: string,
) {
  const old = await readRevision(tx, e.orgId, versionId, revisionId);
  return saveRevision(tx, e, messageId, versionId, { text: old.text, subject: old.subject, baseRevisionId }, old.id);
}

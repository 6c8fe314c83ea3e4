/**
 * Per-user in-app notifications. `notify` is the one way to create one (the notifications consumer calls it, then
 * sends each to the recipient's devices when their preferences allow: platform/push); members list theirs, count the unread and mark them
 * read. Row-level security lets a member read and change only their own (platform/notifications/schema.ts), and
 * every query here names the member too.
 */
import { randomUUID } from 'node:crypto';
import type { Notification, Page } from '@akashic/contracts';
import type { Tx } from '../../db/index.js';
import { isoTimestamp, keysetPage } from '../../db/keyset.js';
import { notFound } from '../errors.js';

export interface NotificationInput {
  orgId: string;
  userId: string;
  /** What happened, e.g. `message.review_requested`. */
  type: string;
  title: string;
  body: string;
  /** A path of the console, e.g. `/campaigns/<id>/messages/<id>`. */
  url: string | null;
}

const MAX_TITLE = 200;
const MAX_BODY = 1000;
const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n - 1) + '…' : s);

/**
 * Create a notification for one member (in a transaction of their org). Returns its id. Runs without the
 * recipient's user context, so it never reads the row back (row-level security would hide it).
 */
export async function notify(tx: Tx, n: NotificationInput): Promise<string> {
  const id = randomUUID();
  await tx.client.query(
    `INSERT INTO notifications (id, org_id, user_id, type, title, body, url) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, n.orgId, n.userId, n.type, clip(n.title, MAX_TITLE), clip(n.body, MAX_BODY), n.url],
  );
  return id;
}

const COLUMNS = `id, type, title, body, url, ${isoTimestamp('created_at')} AS "createdAt",
  ${isoTimestamp('read_at')} AS "readAt"`;

export function listNotifications(
  tx: Tx,
  orgId: string,
  userId: string,
  q: { limit: number; cursor?: string | undefined; unread?: boolean | undefined },
): Promise<Page<Notification>> {
  return keysetPage<Notification>(tx, {
    columns: COLUMNS,
    from: 'notifications',
    where: `org_id = $1 AND user_id = $2${q.unread ? ' AND read_at IS NULL' : ''}`,
    params: [orgId, userId],
    key: { column: 'created_at', type: 'timestamptz' },
    id: 'id',
    limit: q.limit,
    cursor: q.cursor,
  });
}

export async function countUnread(tx: Tx, orgId: string, userId: string): Promise<{ unread: number }> {
  const { rows } = await tx.client.query<{ unread: number }>(
    `SELECT count(*)::int AS unread FROM notifications WHERE org_id = $1 AND user_id = $2 AND read_at IS NULL`,
    [orgId, userId],
  );
  return rows[0]!;
}

/** Mark one of the member's notifications read (again: a no-op keeping the first time). */
export async function markRead(tx: Tx, orgId: string, userId: string, id: string): Promise<Notification> {
  const { rows } = await tx.client.query<Notification>(
    `UPDATE notifications SET read_at = coalesce(read_at, now())
      WHERE org_id = $1 AND user_id = $2 AND id = $3 RETURNING ${COLUMNS}`,
    [orgId, userId, id],
  );
  if (!rows[0]) throw notFound('Notification');
  return rows[0];
}

export async function markAllRead(tx: Tx, orgId: string, userId: string): Promise<{ marked: number }> {
  const r = await tx.client.query(
    `UPDATE notifications SET read_at = now() WHERE org_id = $1 AND user_id = $2 AND read_at IS NULL`,
    [orgId, userId],
  );
  return { marked: r.rowCount ?? 0 };
}

/**
 * Reading the audit log: newest first (by chain sequence), filtered, with an opaque keyset cursor. Every
 * filter is served by an index of platform/audit/schema.ts: the primary key (org_id, seq) for plain paging,
 * (org_id, actor_id, seq) and (org_id, action, seq) for those filters, (org_id, occurred_at) for time ranges.
 */
import type { AuditEntry, Page } from '@akashic/contracts';
import type { Tx } from '../../db/index.js';
import { AppError } from '../errors.js';

export interface AuditFilter {
  limit: number;
  cursor?: string | undefined;
  actorId?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** Inclusive lower bound on `occurredAt`. */
  from?: string | undefined;
  /** Exclusive upper bound on `occurredAt`. */
  to?: string | undefined;
}

const CURSOR_PREFIX = 'seq:';

/** The cursor names the last entry of a page; the next page starts below it. */
export const encodeCursor = (seq: number): string => Buffer.from(CURSOR_PREFIX + seq, 'utf8').toString('base64url');

export function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const seq = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isSafeInteger(seq) || seq < 1 || encodeCursor(seq) !== cursor) {
    throw new AppError('validation_failed', 'The cursor is not one this API returned', {
      fields: [{ field: 'query.cursor', message: 'invalid cursor' }],
    });
  }
  return seq;
}

/** The columns a listing reads (also used by bench/api.ts for its bare baseline). */
export const AUDIT_LIST_COLUMNS = `seq::float8 AS seq, id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
  actor_type, actor_id, actor_label, action, target_type, target_id, before_digest, after_digest, request_id, ip,
  metadata, encode(hash, 'hex') AS hash`;

/** Timestamps and hashes arrive already formatted (ISO 8601 UTC, hex): no parsing and re-formatting per row. */
interface Row {
  seq: number;
  id: string;
  occurred_at: string;
  actor_type: AuditEntry['actor']['type'];
  actor_id: string | null;
  actor_label: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  before_digest: string | null;
  after_digest: string | null;
  request_id: string | null;
  ip: string | null;
  metadata: Record<string, unknown>;
  hash: string;
}

export async function listAuditEntries(tx: Tx, orgId: string, q: AuditFilter): Promise<Page<AuditEntry>> {
  if (q.from && q.to && Date.parse(q.from) >= Date.parse(q.to)) {
    throw new AppError('validation_failed', '`to` must be later than `from`', {
      fields: [{ field: 'query.to', message: 'must be later than from' }],
    });
  }
  const where = ['org_id = $1'];
  const params: unknown[] = [orgId];
  // Each filter adds its value and a comparison with that parameter (`push` returns its number).
  if (q.cursor !== undefined) where.push(`seq < $${params.push(decodeCursor(q.cursor))}`);
  if (q.actorId !== undefined) where.push(`actor_id = $${params.push(q.actorId)}`);
  if (q.action !== undefined) where.push(`action = $${params.push(q.action)}`);
  if (q.targetType !== undefined) where.push(`target_type = $${params.push(q.targetType)}`);
  if (q.targetId !== undefined) where.push(`target_id = $${params.push(q.targetId)}`);
  if (q.from !== undefined) where.push(`occurred_at >= $${params.push(q.from)}`);
  if (q.to !== undefined) where.push(`occurred_at < $${params.push(q.to)}`);
  params.push(q.limit + 1);
  const { rows } = await tx.client.query<Row>(
    `SELECT ${AUDIT_LIST_COLUMNS}
       FROM audit_log WHERE ${where.join(' AND ')}
      ORDER BY audit_log.seq DESC LIMIT $${params.length}`,
    params,
  );
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit).map((r): AuditEntry => ({
    seq: r.seq,
    id: r.id,
    occurredAt: r.occurred_at,
    actor: { type: r.actor_type, id: r.actor_id, label: r.actor_label },
    action: r.action,
    target: { type: r.target_type, id: r.target_id },
    beforeDigest: r.before_digest,
    afterDigest: r.after_digest,
    requestId: r.request_id,
    ip: r.ip,
    metadata: r.metadata,
    hash: r.hash,
  }));
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!.seq) : null };
}

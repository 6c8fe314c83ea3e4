/**
 * Principle 5: every change writes its audit entry and its outbox event in the same transaction as the
 * change itself. Domain code calls `recordChange` once per change; it does both.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Tx } from '../../db/index.js';
import { canonicalJson, digestOf, sha256 } from '../crypto.js';
import { eventTypeTokens } from '../events/subject.js';

export interface Actor {
  type: 'user' | 'token' | 'apikey' | 'system';
  id: string | null;
  /** Human label kept with the entry (email, token name) so the log reads well after deletions. */
  label?: string | null;
}

export interface RecordInput {
  orgId: string;
  actor: Actor;
  /** `<entity>.<verb>` in the past tense, e.g. `member.invited`. */
  action: string;
  /** Module that owns the entity: `platform`, `campaigns`, `global`, `risk`. */
  module?: string;
  target: { type: string; id: string | null };
  before?: unknown;
  after?: unknown;
  /** Event payload; defaults to `{ before, after }` views of the target. Never secrets. */
  payload?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  meta?: { requestId?: string; ip?: string };
}

export const GENESIS_HASH = Buffer.alloc(32);

/** The fields an entry's hash covers, in a fixed shape. */
export interface ChainFields {
  orgId: string;
  seq: number;
  id: string;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  actorLabel: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  beforeDigest: string | null;
  afterDigest: string | null;
  requestId: string | null;
  ip: string | null;
  metadata: Record<string, unknown>;
}

export function chainHash(prevHash: Buffer, fields: ChainFields): Buffer {
  return sha256(Buffer.concat([prevHash, Buffer.from(canonicalJson(fields), 'utf8')]));
}

/** Write one chain entry as given (the only INSERT into audit_log; tests use it to forge entries). */
export async function insertAuditEntry(
  client: Pick<pg.ClientBase, 'query'>,
  fields: ChainFields,
  prevHash: Buffer,
  hash: Buffer,
): Promise<void> {
  await client.query(
    `INSERT INTO audit_log (org_id, seq, id, occurred_at, actor_type, actor_id, actor_label, action, target_type,
       target_id, before_digest, after_digest, request_id, ip, metadata, prev_hash, hash)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17)`,
    [
      fields.orgId,
      fields.seq,
      fields.id,
      fields.occurredAt,
      fields.actorType,
      fields.actorId,
      fields.actorLabel,
      fields.action,
      fields.targetType,
      fields.targetId,
      fields.beforeDigest,
      fields.afterDigest,
      fields.requestId,
      fields.ip,
      JSON.stringify(fields.metadata),
      prevHash,
      hash,
    ],
  );
}

export async function recordChange(tx: Tx, input: RecordInput): Promise<{ auditId: string; eventId: string }> {
  const occurredAt = new Date();
  const auditId = randomUUID();
  const eventId = randomUUID();
  const module = input.module ?? 'platform';
  // The event type must be `<module>.<entity>.<verb>`: it becomes the bus subject (platform/events/subject.ts), so a
  // type of any other shape could never be published. Refused here, where the mistake is made, not at the relay.
  eventTypeTokens(`${module}.${input.action}`);

  // Lock this org's chain head (creating it on first use) and read where the chain ends.
  const head = await tx.client.query<{ seq: string; hash: Buffer }>(
    `INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, 0, $2)
     ON CONFLICT (org_id) DO UPDATE SET seq = audit_heads.seq
     RETURNING seq, hash`,
    [input.orgId, GENESIS_HASH],
  );
  const prevSeq = Number(head.rows[0]!.seq);
  const prevHash = head.rows[0]!.hash;
  const fields: ChainFields = {
    orgId: input.orgId,
    seq: prevSeq + 1,
    id: auditId,
    occurredAt: occurredAt.toISOString(),
    actorType: input.actor.type,
    actorId: input.actor.id,
    actorLabel: input.actor.label ?? null,
    action: input.action,
    targetType: input.target.type,
    targetId: input.target.id,
    beforeDigest: digestOf(input.before),
    afterDigest: digestOf(input.after),
    requestId: input.meta?.requestId ?? null,
    ip: input.meta?.ip ?? null,
    metadata: input.metadata ?? {},
  };
  const hash = chainHash(prevHash, fields);

  await insertAuditEntry(tx.client, fields, prevHash, hash);
  await tx.client.query(`UPDATE audit_heads SET seq = $2, hash = $3 WHERE org_id = $1`, [
    input.orgId,
    fields.seq,
    hash,
  ]);

  const payload = input.payload ?? {
    target: input.target,
    ...(input.before !== undefined ? { before: input.before } : {}),
    ...(input.after !== undefined ? { after: input.after } : {}),
  };
  await tx.client.query(
    `INSERT INTO outbox (id, org_id, type, aggregate_type, aggregate_id, payload, actor_id, request_id, occurred_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
    [
      eventId,
      input.orgId,
      `${module}.${input.action}`,
      input.target.type,
      input.target.id,
      JSON.stringify(payload),
      input.actor.type === 'system' ? null : input.actor.id,
      fields.requestId,
      occurredAt,
    ],
  );
  return { auditId, eventId };
}

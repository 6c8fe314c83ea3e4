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

/** An entry's fields as the parameters $1–$15 of the statements below, in the columns' order. */
function entryValues(fields: ChainFields): unknown[] {
  return [
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
  ];
}

/** Write one chain entry as given (tests use it to forge entries; recordChange writes its own in one statement). */
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
    [...entryValues(fields), prevHash, hash],
  );
}

/**
 * The chain head this process last wrote or saw for an org: `recordChange` bets that it is still the head and
 * writes the change in one statement whose UPDATE of `audit_heads` only matches that exact head (seq and hash). If
 * another transaction or process moved the head meanwhile (or a transaction of ours rolled back) nothing is
 * written, and the change is written again behind the head read under its row lock. A stale entry therefore costs
 * two more round trips, never a wrong link. Bounded: cleared when it outgrows `HEAD_CACHE_MAX` orgs.
 */
const knownHeads = new Map<string, { seq: number; hash: Buffer }>();
const HEAD_CACHE_MAX = 10_000;

/** Forget the heads this process knows (tests that rewrite a chain behind its back). */
export function forgetAuditHeads(): void {
  knownHeads.clear();
}

/**
 * The change's audit entry, the move of its org's chain head and its outbox event, in one statement; nothing at all
 * unless the head is still exactly (`seq` − 1, `prev_hash`) — a row lock the UPDATE takes and keeps to commit.
 */
const WRITE_CHANGE = `WITH head AS (
    UPDATE audit_heads SET seq = $2, hash = $17
     WHERE org_id = $1 AND seq = $2::bigint - 1 AND hash = $16
    RETURNING org_id
  ), entry AS (
    INSERT INTO audit_log (org_id, seq, id, occurred_at, actor_type, actor_id, actor_label, action, target_type,
       target_id, before_digest, after_digest, request_id, ip, metadata, prev_hash, hash)
    SELECT org_id, $2::bigint, $3::uuid, $4::timestamptz, $5::text, $6::uuid, $7::text, $8::text, $9::text,
           $10::text, $11::text, $12::text, $13::text, $14::text, $15::jsonb, $16::bytea, $17::bytea FROM head
  ), event AS (
    INSERT INTO outbox (id, org_id, type, aggregate_type, aggregate_id, payload, actor_id, request_id, occurred_at)
    SELECT $18::uuid, org_id, $19::text, $9::text, $10::text, $20::jsonb, $21::uuid, $13::text, $4::timestamptz
      FROM head
  )
  SELECT count(*)::int AS written FROM head`;

export async function recordChange(tx: Tx, input: RecordInput): Promise<{ auditId: string; eventId: string }> {
  const occurredAt = new Date();
  const auditId = randomUUID();
  const eventId = randomUUID();
  const module = input.module ?? 'platform';
  const type = `${module}.${input.action}`;
  // The event type must be `<module>.<entity>.<verb>`: it becomes the bus subject (platform/events/subject.ts), so a
  // type of any other shape could never be published. Refused here, where the mistake is made, not at the relay.
  eventTypeTokens(type);

  const fields: ChainFields = {
    orgId: input.orgId,
    seq: 0,
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
  const payload = JSON.stringify(
    input.payload ?? {
      target: input.target,
      ...(input.before !== undefined ? { before: input.before } : {}),
      ...(input.after !== undefined ? { after: input.after } : {}),
    },
  );
  const actorId = input.actor.type === 'system' ? null : input.actor.id;

  const write = async (prev: { seq: number; hash: Buffer }): Promise<boolean> => {
    fields.seq = prev.seq + 1;
    const hash = chainHash(prev.hash, fields);
    const { rows } = await tx.client.query<{ written: number }>(WRITE_CHANGE, [
      ...entryValues(fields),
      prev.hash,
      hash,
      eventId,
      type,
      payload,
      actorId,
    ]);
    if (rows[0]!.written !== 1) return false;
    if (knownHeads.size >= HEAD_CACHE_MAX && !knownHeads.has(input.orgId)) knownHeads.clear();
    knownHeads.set(input.orgId, { seq: fields.seq, hash });
    return true;
  };

  const known = knownHeads.get(input.orgId);
  if (known && (await write(known))) return { auditId, eventId };
  // Not the head any more (or never seen): lock this org's chain head (creating it on first use), read where the
  // chain ends, and write behind it. The row lock is ours until commit, so this cannot miss.
  const head = await tx.client.query<{ seq: string; hash: Buffer }>(
    `INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, 0, $2)
     ON CONFLICT (org_id) DO UPDATE SET seq = audit_heads.seq
     RETURNING seq, hash`,
    [input.orgId, GENESIS_HASH],
  );
  if (!(await write({ seq: Number(head.rows[0]!.seq), hash: head.rows[0]!.hash }))) {
    throw new Error(`audit chain head of org ${input.orgId} moved while locked`);
  }
  return { auditId, eventId };
}

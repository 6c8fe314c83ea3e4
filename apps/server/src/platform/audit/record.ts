/**
 * Principle 5: every change writes its audit entry and its outbox event in the same transaction as the
 * change itself. Domain code calls `recordChange` once per change; it does both (a transaction's changes of its
 * own org together, in one statement, just before it commits).
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

/**
 * An entry's fields in the columns' order: $1–$15 of `insertAuditEntry`, and (without org and seq) the arrays of
 * `WRITE_CHANGES`.
 */
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

/** Write one chain entry as given (tests use it to forge entries; recordChange writes its own with the head). */
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
 * The chain head this process last wrote or saw for an org: a transaction's changes are written betting that it is
 * still the head, in one statement whose UPDATE of `audit_heads` only matches that exact head (seq and hash). If
 * another transaction or process moved the head meanwhile (or a transaction of ours rolled back) nothing is
 * written, and the changes are written again behind the head read under its row lock. A stale entry therefore
 * costs two more round trips, never a wrong link. Bounded: cleared when it outgrows `HEAD_CACHE_MAX` orgs.
 */
const knownHeads = new Map<string, { seq: number; hash: Buffer }>();
const HEAD_CACHE_MAX = 10_000;

/** Forget the heads this process knows (tests that rewrite a chain behind its back). */
export function forgetAuditHeads(): void {
  knownHeads.clear();
}

/**
 * Changes of one org — their audit entries (seq from `$2` + 1 on, in array order), the move of the org's chain
 * head from (`$2`, `$3`) to (`$2` + their number, `$4`) and their outbox events (positions in array order) — in
 * one statement; nothing at all unless the head is still exactly (`$2`, `$3`): a row lock the UPDATE takes and
 * keeps to commit. Each change's columns are the arrays `$5…$23`.
 */
const WRITE_CHANGES = `WITH head AS (
    UPDATE audit_heads SET seq = $2::bigint + cardinality($5::uuid[]), hash = $4::bytea
     WHERE org_id = $1 AND seq = $2::bigint AND hash = $3::bytea
    RETURNING org_id
  ), c AS (
    SELECT * FROM unnest($5::uuid[], $6::timestamptz[], $7::text[], $8::uuid[], $9::text[], $10::text[], $11::text[],
                         $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::jsonb[], $18::bytea[],
                         $19::bytea[], $20::uuid[], $21::text[], $22::jsonb[], $23::uuid[])
                  WITH ORDINALITY
             AS c(id, occurred_at, actor_type, actor_id, actor_label, action, target_type, target_id, before_digest,
                  after_digest, request_id, ip, metadata, prev_hash, hash, event_id, type, payload, event_actor_id, n)
  ), entry AS (
    INSERT INTO audit_log (org_id, seq, id, occurred_at, actor_type, actor_id, actor_label, action, target_type,
       target_id, before_digest, after_digest, request_id, ip, metadata, prev_hash, hash)
    SELECT head.org_id, $2::bigint + c.n, c.id, c.occurred_at, c.actor_type, c.actor_id, c.actor_label, c.action,
           c.target_type, c.target_id, c.before_digest, c.after_digest, c.request_id, c.ip, c.metadata, c.prev_hash,
           c.hash
      FROM head CROSS JOIN c
  ), event AS (
    INSERT INTO outbox (id, org_id, type, aggregate_type, aggregate_id, payload, actor_id, request_id, occurred_at)
    SELECT c.event_id, head.org_id, c.type, c.target_type, c.target_id, c.payload, c.event_actor_id, c.request_id,
           c.occurred_at
      FROM head CROSS JOIN c ORDER BY c.n
  )
  SELECT count(*)::int AS written FROM head`;

/** A change recorded and not written yet: its entry's fields (seq set when written) and its event. */
interface Change {
  fields: ChainFields;
  eventId: string;
  type: string;
  /** JSON. */
  payload: string;
  actorId: string | null;
}

/**
 * Write `changes` (all of org `orgId`, in order) behind its chain head: one statement when the head this process
 * knows is still the head, else the head is locked (created on first use) and read, and the statement written
 * behind it.
 */
async function writeChanges(client: Pick<pg.ClientBase, 'query'>, orgId: string, changes: Change[]): Promise<void> {
  const write = async (prev: { seq: number; hash: Buffer }): Promise<boolean> => {
    let hash = prev.hash;
    const prevHashes: Buffer[] = [];
    const hashes: Buffer[] = [];
    changes.forEach((c, i) => {
      c.fields.seq = prev.seq + i + 1;
      prevHashes.push(hash);
      hash = chainHash(hash, c.fields);
      hashes.push(hash);
    });
    const column = <T>(f: (c: Change) => T) => changes.map(f);
    // The entries' columns id … metadata ($5…$17): entryValues' order, without org and seq (given once).
    const entries = changes.map((c) => entryValues(c.fields).slice(2));
    const { rows } = await client.query<{ written: number }>(WRITE_CHANGES, [
      orgId,
      prev.seq,
      prev.hash,
      hash,
      ...entries[0]!.map((_, k) => entries.map((e) => e[k])),
      prevHashes,
      hashes,
      column((c) => c.eventId),
      column((c) => c.type),
      column((c) => c.payload),
      column((c) => c.actorId),
    ]);
    if (rows[0]!.written !== 1) return false;
    if (knownHeads.size >= HEAD_CACHE_MAX && !knownHeads.has(orgId)) knownHeads.clear();
    knownHeads.set(orgId, { seq: prev.seq + changes.length, hash });
    return true;
  };

  const known = knownHeads.get(orgId);
  if (known && (await write(known))) return;
  // Not the head any more (or never seen): lock this org's chain head (creating it on first use), read where the
  // chain ends, and write behind it. The row lock is ours until commit, so this cannot miss.
  const head = await client.query<{ seq: string; hash: Buffer }>(
    `INSERT INTO audit_heads (org_id, seq, hash) VALUES ($1, 0, $2)
     ON CONFLICT (org_id) DO UPDATE SET seq = audit_heads.seq
     RETURNING seq, hash`,
    [orgId, GENESIS_HASH],
  );
  if (!(await write({ seq: Number(head.rows[0]!.seq), hash: head.rows[0]!.hash }))) {
    throw new Error(`audit chain head of org ${orgId} moved while locked`);
  }
}

/**
 * What `recordChange` keeps for a transaction: the changes of its org (`Tx.orgId`) not written yet, and whether it
 * wrote changes of another org (under another org's context, which may still be set).
 */
interface Unwritten {
  changes: Change[];
  otherOrgs: boolean;
}
const unwritten = new WeakMap<Tx, Unwritten>();

/**
 * Write the changes `tx` recorded so far now rather than just before it commits (code that reads them back in the
 * transaction): in one statement (two or three round trips when the head is not known). After changes of another
 * org, the transaction's own org context is set again first.
 */
export async function flushChanges(tx: Tx): Promise<void> {
  const state = unwritten.get(tx);
  if (!state || state.changes.length === 0 || !tx.orgId) return;
  const changes = state.changes.splice(0);
  if (state.otherOrgs) await tx.client.query(`SELECT set_config('app.org_id', $1, true)`, [tx.orgId]);
  await writeChanges(tx.client, tx.orgId, changes);
}

/**
 * Forget the changes `tx` recorded and has not written yet: after a rollback to a savepoint taken once they were
 * written (`flushChanges`), the changes recorded since go with the rest of what was rolled back.
 */
function dropChanges(tx: Tx): void {
  unwritten.get(tx)?.changes.splice(0);
}

/**
 * Run `fn` under a savepoint of `tx`: the way to take one in a transaction that records changes. The changes kept so
 * far are written before it and those `fn` records are written inside it, so a failure of `fn` — rolled back to the
 * savepoint, then rethrown — takes its changes with its other writes, and the transaction goes on. Were the changes
 * left kept instead, those of a rolled-back `fn` would still be written at commit.
 */
export async function withSavepoint<T>(tx: Tx, fn: () => Promise<T>): Promise<T> {
  await flushChanges(tx);
  await tx.client.query('SAVEPOINT akashic_savepoint');
  let out: T;
  try {
    out = await fn();
    await flushChanges(tx);
  } catch (err) {
    dropChanges(tx);
    // fn's error is the one to report: if the rollback fails too, the transaction is failing anyway.
    await tx.client.query('ROLLBACK TO SAVEPOINT akashic_savepoint').catch(() => undefined);
    throw err;
  }
  await tx.client.query('RELEASE SAVEPOINT akashic_savepoint');
  return out;
}

/**
 * Record a change in `tx`: its audit entry and outbox event. A change of the org the transaction began with
 * (`Tx.orgId`) is written with the transaction's other changes just before it commits (`Tx.beforeCommit`), so a
 * transaction of n changes writes them in one statement, not n; a transaction that rolls back writes none. A change
 * of another org (code that sets each org's context in turn) is written at once, under the context in effect, as is
 * every change of a `Tx` without `beforeCommit` or `orgId`. The ids are the entry's and the event's, fixed now.
 * Code that rolls back to a savepoint writes the changes before taking it and drops those recorded after it on
 * rollback (`withSavepoint`; sync/push.ts), else they would be written all the same. The kept changes
 * are written under the org context in effect at commit: set back to `Tx.orgId` first when changes of another org
 * were recorded; code that sets another org's context without recording in it sets its own back before commit
 * (today every such code begins without an org, so nothing is kept).
 */
export async function recordChange(tx: Tx, input: RecordInput): Promise<{ auditId: string; eventId: string }> {
  const occurredAt = new Date();
  const auditId = randomUUID();
  const eventId = randomUUID();
  const module = input.module ?? 'platform';
  const type = `${module}.${input.action}`;
  // The event type must be `<module>.<entity>.<verb>`: it becomes the bus subject (platform/events/subject.ts), so a
  // type of any other shape could never be published. Refused here, where the mistake is made, not at the relay.
  eventTypeTokens(type);

  const change: Change = {
    fields: {
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
    },
    eventId,
    type,
    payload: JSON.stringify(
      input.payload ?? {
        target: input.target,
        ...(input.before !== undefined ? { before: input.before } : {}),
        ...(input.after !== undefined ? { after: input.after } : {}),
      },
    ),
    actorId: input.actor.type === 'system' ? null : input.actor.id,
  };

  if (!tx.beforeCommit || !tx.orgId) {
    await writeChanges(tx.client, input.orgId, [change]);
    return { auditId, eventId };
  }
  let state = unwritten.get(tx);
  if (!state) {
    state = { changes: [], otherOrgs: false };
    unwritten.set(tx, state);
    tx.beforeCommit(() => flushChanges(tx));
  }
  if (input.orgId === tx.orgId) state.changes.push(change);
  else {
    state.otherOrgs = true;
    await writeChanges(tx.client, input.orgId, [change]);
  }
  return { auditId, eventId };
}

/**
 * Verify every organization's audit hash chain. Detects an edited entry (its hash no longer matches its
 * content), a deleted or inserted one (a gap or an extra in the sequence, a broken link), reordering (links
 * point to the wrong predecessor) and a truncated tail (the chain head no longer matches the last entry).
 * Reads through an admin connection, since it spans organizations.
 */
import type pg from 'pg';
import { chainHash, GENESIS_HASH, type ChainFields } from './record.js';

export interface VerifyProblem {
  orgId: string;
  seq: number | null;
  entryId: string | null;
  reason: string;
}

export interface VerifyReport {
  orgs: number;
  entries: number;
  problems: VerifyProblem[];
}

/** An audit_log row as selected with `SELECT *`. */
export interface AuditRow {
  org_id: string;
  seq: string;
  id: string;
  occurred_at: Date;
  actor_type: string;
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
  prev_hash: Buffer;
  hash: Buffer;
}

const BATCH = 5000;

/** The fields a stored row's hash covers, exactly as recordChange hashed them. */
export function chainFieldsOf(r: AuditRow): ChainFields {
  return {
    orgId: r.org_id,
    seq: Number(r.seq),
    id: r.id,
    occurredAt: r.occurred_at.toISOString(),
    actorType: r.actor_type,
    actorId: r.actor_id,
    actorLabel: r.actor_label,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    beforeDigest: r.before_digest,
    afterDigest: r.after_digest,
    requestId: r.request_id,
    ip: r.ip,
    metadata: r.metadata,
  };
}

export async function verifyAuditLog(client: pg.ClientBase, opts: { orgId?: string } = {}): Promise<VerifyReport> {
  const orgRows = await client.query<{ org_id: string }>(
    `SELECT org_id FROM audit_heads ${opts.orgId ? 'WHERE org_id = $1' : ''}
     UNION SELECT DISTINCT org_id FROM audit_log ${opts.orgId ? 'WHERE org_id = $1' : ''}
     ORDER BY 1`,
    opts.orgId ? [opts.orgId] : [],
  );
  const report: VerifyReport = { orgs: orgRows.rows.length, entries: 0, problems: [] };
  for (const { org_id: orgId } of orgRows.rows) {
    const problem = await verifyOrg(client, orgId, report);
    if (problem) report.problems.push(problem);
  }
  return report;
}

async function verifyOrg(client: pg.ClientBase, orgId: string, report: VerifyReport): Promise<VerifyProblem | null> {
  let expectedSeq = 1;
  let prevHash: Buffer = GENESIS_HASH;
  let lastSeq = 0;
  for (;;) {
    const { rows } = await client.query<AuditRow>(
      `SELECT * FROM audit_log WHERE org_id = $1 AND seq >= $2 ORDER BY seq ASC LIMIT ${BATCH}`,
      [orgId, expectedSeq],
    );
    for (const r of rows) {
      const seq = Number(r.seq);
      const at = { orgId, seq, entryId: r.id };
      report.entries++;
      if (seq !== expectedSeq) {
        return { ...at, reason: `sequence gap: expected entry ${expectedSeq}, found ${seq} (an entry was deleted)` };
      }
      if (!r.prev_hash.equals(prevHash)) {
        return {
          ...at,
          reason: 'link broken: prev_hash does not match the previous entry (inserted, deleted or reordered entries)',
        };
      }
      const fields = chainFieldsOf(r);
      if (!chainHash(prevHash, fields).equals(r.hash)) {
        return { ...at, reason: 'content altered: the entry no longer matches its hash' };
      }
      prevHash = r.hash;
      lastSeq = seq;
      expectedSeq = seq + 1;
    }
    if (rows.length < BATCH) break;
  }
  const head = await client.query<{ seq: string; hash: Buffer }>(
    'SELECT seq, hash FROM audit_heads WHERE org_id = $1',
    [orgId],
  );
  const h = head.rows[0];
  if (!h) return { orgId, seq: null, entryId: null, reason: 'chain head missing' };
  const headSeq = Number(h.seq);
  if (lastSeq > headSeq) {
    const extra = await client.query<{ id: string }>('SELECT id FROM audit_log WHERE org_id = $1 AND seq = $2', [
      orgId,
      headSeq + 1,
    ]);
    return {
      orgId,
      seq: headSeq + 1,
      entryId: extra.rows[0]?.id ?? null,
      reason: `the log runs past its chain head (${headSeq} entries): entries were appended outside the application`,
    };
  }
  if (lastSeq < headSeq) {
    return {
      orgId,
      seq: lastSeq + 1,
      entryId: null,
      reason: `chain head expects ${headSeq} entries but the log ends at ${lastSeq} (entries removed from the end)`,
    };
  }
  if (!h.hash.equals(prevHash)) {
    const last = await client.query<{ id: string }>('SELECT id FROM audit_log WHERE org_id = $1 AND seq = $2', [
      orgId,
      lastSeq,
    ]);
    return {
      orgId,
      seq: lastSeq,
      entryId: last.rows[0]?.id ?? null,
      reason: 'the last entry does not match the chain head (it was replaced)',
    };
  }
  return null;
}

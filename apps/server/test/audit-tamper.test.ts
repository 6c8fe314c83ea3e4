/**
 * The audit log is tamper-evident: after a realistic history made through the API, `akashic audit verify` passes;
 * then, each on a fresh database, an admin edits, deletes, inserts (with a recomputed, plausible hash) or reorders
 * entries in SQL, and verify must fail naming the first bad entry. The verifier is also tested directly.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { chainHash, insertAuditEntry, type ChainFields } from '../src/platform/audit/record.js';
import { chainFieldsOf, verifyAuditLog } from '../src/platform/audit/verify.js';
import { addMember, cli } from './support/cli.js';
import { connect } from './support/db.js';
import { as, signUpActor, uniqueEmail, type Actor } from './support/http.js';

interface History {
  app: TestApp;
  admin: pg.Client;
  a: Actor;
  b: Actor;
  /** Org A's entries, in chain order. */
  entries: { seq: number; id: string; action: string }[];
}

const open: History[] = [];
afterEach(async () => {
  for (const h of open.splice(0)) {
    await h.admin.end();
    await h.app.close();
  }
});

/** A fresh database with a realistic history in org A (and a second org B) made through the API and the CLI. */
async function history(): Promise<History> {
  const app = await startTestApp();
  const admin = await connect(app.db.adminUrl);
  const a = await signUpActor(app.url, 'audit-a'); // org.created, member.added
  const b = await signUpActor(app.url, 'audit-b');
  const h: History = { app, admin, a, b, entries: [] };
  open.push(h);
  const ok = async (p: Promise<{ status: number; text: string }>, status: number) => {
    const r = await p;
    if (r.status !== status) throw new Error(`history step failed: ${r.status} ${r.text}`);
    return r as Awaited<typeof p> & { body: any };
  };
  await ok(as(a, 'PATCH', '/api/v1/org', { json: { name: 'Renamed campaign' } }), 200); // org.updated
  const member = await addMember(app.db.adminUrl, a.orgId, 'staff', 'audit-member'); // member.added
  await ok(as(a, 'PATCH', `/api/v1/members/${member.userId}`, { json: { role: 'manager' } }), 200); // member.role_changed
  await ok(as(a, 'POST', '/api/v1/invitations', { json: { email: uniqueEmail('audit-inv'), role: 'viewer' } }), 201); // member.invited
  const token = await ok(as(a, 'POST', '/api/v1/tokens', { json: { name: 'ci', scopes: ['org.read'] } }), 201); // token.created
  await ok(as(a, 'DELETE', `/api/v1/tokens/${token.body.token.id}`), 204); // token.revoked
  await ok(as(a, 'PATCH', `/api/v1/members/${member.userId}`, { json: { role: 'admin' } }), 200); // member.role_changed
  await ok(as(a, 'DELETE', `/api/v1/members/${member.userId}`), 204); // member.removed
  await ok(as(b, 'PATCH', '/api/v1/org', { json: { name: 'B renamed' } }), 200);
  const { rows } = await admin.query(`SELECT seq::int, id, action FROM audit_log WHERE org_id = $1 ORDER BY seq`, [
    a.orgId,
  ]);
  h.entries = rows;
  return h;
}

async function verify(h: History, ...args: string[]) {
  return cli(h.app.db.adminUrl, ['audit', 'verify', ...args]);
}

/** The seq the CLI names as the first bad entry of `orgId`. */
function firstBad(stderr: string, orgId: string): number | null {
  const m = new RegExp(`org ${orgId}, first bad entry (\\d+)`).exec(stderr);
  return m ? Number(m[1]) : null;
}

/** The chain fields of a stored row, as the verifier recomputes them. */
async function fieldsOf(admin: pg.Client, orgId: string, seq: number): Promise<{ fields: ChainFields; hash: Buffer }> {
  const { rows } = await admin.query(`SELECT * FROM audit_log WHERE org_id = $1 AND seq = $2`, [orgId, seq]);
  return { hash: rows[0].hash, fields: chainFieldsOf(rows[0]) };
}

/** Insert a forged entry at `seq`, linked to the entry before it and with a correctly recomputed hash. */
async function forge(h: History, seq: number): Promise<string> {
  const prev = await fieldsOf(h.admin, h.a.orgId, seq - 1);
  const id = randomUUID();
  const fields: ChainFields = {
    ...prev.fields,
    seq,
    id,
    occurredAt: new Date().toISOString(),
    action: 'member.role_changed',
    targetType: 'member',
    targetId: h.a.userId,
    metadata: { forged: false },
  };
  const hash = chainHash(prev.hash, fields);
  await insertAuditEntry(h.admin, fields, prev.hash, hash);
  return id;
}

/** Move entries with seq >= from up by one (two steps, so the primary key never collides). */
async function shiftUp(h: History, from: number) {
  await h.admin.query(`UPDATE audit_log SET seq = seq + 1000000 WHERE org_id = $1 AND seq >= $2`, [h.a.orgId, from]);
  await h.admin.query(`UPDATE audit_log SET seq = seq - 999999 WHERE org_id = $1 AND seq >= 1000000`, [h.a.orgId]);
}

async function swap(h: History, x: number, y: number) {
  await h.admin.query(`UPDATE audit_log SET seq = -1 WHERE org_id = $1 AND seq = $2`, [h.a.orgId, x]);
  await h.admin.query(`UPDATE audit_log SET seq = $3 WHERE org_id = $1 AND seq = $2`, [h.a.orgId, y, x]);
  await h.admin.query(`UPDATE audit_log SET seq = $2 WHERE org_id = $1 AND seq = -1`, [h.a.orgId, y]);
}

describe('akashic audit verify', () => {
  it('passes on an untouched history of real changes', async () => {
    const h = await history();
    expect(h.entries.map((e) => e.action)).toEqual([
      'org.created',
      'member.added',
      'org.updated',
      'member.added',
      'member.role_changed',
      'member.invited',
      'token.created',
      'token.revoked',
      'member.role_changed',
      'member.removed',
    ]);
    expect(h.entries.map((e) => e.seq)).toEqual(h.entries.map((_e, i) => i + 1));
    const r = await verify(h);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OK — 13 entries in 2 organizations/);
  });

  const middle = 5;

  it.each([
    ['action', `UPDATE audit_log SET action = 'member.added' WHERE org_id = $1 AND seq = ${middle}`],
    [
      'metadata',
      `UPDATE audit_log SET metadata = metadata || '{"approvedBy":"nobody"}'::jsonb WHERE org_id = $1 AND seq = ${middle}`,
    ],
    ['actor', `UPDATE audit_log SET actor_label = 'someone-else@example.test' WHERE org_id = $1 AND seq = ${middle}`],
    ['time', `UPDATE audit_log SET occurred_at = occurred_at - interval '1 day' WHERE org_id = $1 AND seq = ${middle}`],
    ['after digest', `UPDATE audit_log SET after_digest = repeat('0', 64) WHERE org_id = $1 AND seq = ${middle}`],
  ])('fails when an entry’s %s is edited, naming that entry', async (_what, sql) => {
    const h = await history();
    await h.admin.query(sql, [h.a.orgId]);
    const r = await verify(h);
    expect(r.code).toBe(1);
    expect(firstBad(r.stderr, h.a.orgId), r.stderr).toBe(middle);
    expect(r.stderr).toContain(`(id ${h.entries[middle - 1]!.id})`);
    expect(r.stderr).toMatch(/content altered/);
    expect(r.stderr, 'org B is intact').not.toContain(h.b.orgId);
  });

  it('fails when a middle entry is deleted, naming where the gap is', async () => {
    const h = await history();
    await h.admin.query(`DELETE FROM audit_log WHERE org_id = $1 AND seq = $2`, [h.a.orgId, middle]);
    const r = await verify(h);
    expect(r.code).toBe(1);
    // The first entry still present after the gap is the first one out of place; the message names the missing one.
    expect(firstBad(r.stderr, h.a.orgId), r.stderr).toBe(middle + 1);
    expect(r.stderr).toContain(`expected entry ${middle}`);
  });

  it('fails when the last entry is deleted, naming it', async () => {
    const h = await history();
    const last = h.entries.length;
    await h.admin.query(`DELETE FROM audit_log WHERE org_id = $1 AND seq = $2`, [h.a.orgId, last]);
    const r = await verify(h);
    expect(r.code).toBe(1);
    expect(firstBad(r.stderr, h.a.orgId), r.stderr).toBe(last);
    expect(r.stderr).toMatch(/removed from the end/);
  });

  it('fails when a forged entry with a recomputed hash is appended, naming the forged entry', async () => {
    const h = await history();
    const last = h.entries.length;
    const forgedId = await forge(h, last + 1);
    const r = await verify(h);
    expect(r.code).toBe(1);
    // The chain up to the forgery is consistent; the chain head (not updated by the forger) still ends at `last`.
    expect(firstBad(r.stderr, h.a.orgId), r.stderr).toBe(last + 1);
    expect(r.stderr, 'the message must not call an insertion a removal').not.toMatch(/removed from the end/);
    expect(forgedId).toBeTruthy();
  });

  it('fails when the last entry is replaced by a forged one with a recomputed hash, naming it', async () => {
    const h = await history();
    const last = h.entries.length;
    await h.admin.query(`DELETE FROM audit_log WHERE org_id = $1 AND seq = $2`, [h.a.orgId, last]);
    await forge(h, last);
    const r = await verify(h);
    expect(r.code).toBe(1);
    expect(firstBad(r.stderr, h.a.orgId), r.stderr).toBe(last);
    expect(r.stderr, 'nothing was removed from the end').not.toMatch(/removed from the end/);
  });

  it('fails when a forged entry with a recomputed hash is inserted in the middle', async () => {
    const h = await history();
    await shiftUp(h, middle);
    await forge(h, middle);
    const r = await verify(h);
    expect(r.code).toBe(1);
    // The forgery links correctly to its predecessor; the chain breaks at the genuine entry after it.
    expect(firstBad(r.stderr, h.a.orgId), r.stderr).toBe(middle + 1);
    expect(r.stderr).toMatch(/link broken/);
  });

  it.each([
    [middle, middle + 1],
    [2, 8],
  ])('fails when entries %i and %i swap their seq values, naming the first', async (x, y) => {
    const h = await history();
    await swap(h, x, y);
    const r = await verify(h);
    expect(r.code).toBe(1);
    expect(firstBad(r.stderr, h.a.orgId), r.stderr).toBe(Math.min(x, y));
  });

  it('fails when the chain head is deleted', async () => {
    const h = await history();
    await h.admin.query(`DELETE FROM audit_heads WHERE org_id = $1`, [h.a.orgId]);
    const r = await verify(h);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`org ${h.a.orgId}`);
    expect(r.stderr).toMatch(/chain head missing/);
  });

  it('verifies one organization with --org, and reports only the damaged one', async () => {
    const h = await history();
    await h.admin.query(`UPDATE audit_log SET action = 'org.deleted' WHERE org_id = $1 AND seq = 2`, [h.b.orgId]);
    expect((await verify(h, '--org', h.a.orgId)).code).toBe(0);
    const onlyB = await verify(h, '--org', h.b.orgId);
    expect(onlyB.code).toBe(1);
    expect(firstBad(onlyB.stderr, h.b.orgId)).toBe(2);
    const all = await verify(h);
    expect(all.code).toBe(1);
    expect(all.stderr).not.toContain(h.a.orgId);
  });
});

describe('verifyAuditLog', () => {
  it('reports counts and no problems for an intact log, then the exact problem after an edit', async () => {
    const h = await history();
    const intact = await verifyAuditLog(h.admin);
    expect(intact).toEqual({ orgs: 2, entries: 13, problems: [] });
    expect(await verifyAuditLog(h.admin, { orgId: h.a.orgId })).toEqual({ orgs: 1, entries: 10, problems: [] });

    const target = h.entries[2]!;
    await h.admin.query(`UPDATE audit_log SET target_id = $3 WHERE org_id = $1 AND seq = $2`, [
      h.a.orgId,
      target.seq,
      randomUUID(),
    ]);
    const report = await verifyAuditLog(h.admin);
    expect(report.problems).toEqual([
      { orgId: h.a.orgId, seq: target.seq, entryId: target.id, reason: expect.stringMatching(/content altered/) },
    ]);
    // Entries before the damage were checked; the org's chain stops at the first problem.
    expect(report.entries).toBe(3 + 3);
  });

  it('reports a re-linked chain (prev_hash rewritten) as broken even when each hash is recomputed', async () => {
    const h = await history();
    // Delete entry 3 and rewrite every later entry so its prev_hash and hash chain up again: only the seq gap remains.
    await h.admin.query(`DELETE FROM audit_log WHERE org_id = $1 AND seq = 3`, [h.a.orgId]);
    let prev = (await fieldsOf(h.admin, h.a.orgId, 2)).hash;
    for (let seq = 4; seq <= h.entries.length; seq++) {
      const { fields } = await fieldsOf(h.admin, h.a.orgId, seq);
      const hash = chainHash(prev, fields);
      await h.admin.query(`UPDATE audit_log SET prev_hash = $3, hash = $4 WHERE org_id = $1 AND seq = $2`, [
        h.a.orgId,
        seq,
        prev,
        hash,
      ]);
      prev = hash;
    }
    await h.admin.query(`UPDATE audit_heads SET hash = $2 WHERE org_id = $1`, [h.a.orgId, prev]);
    const report = await verifyAuditLog(h.admin, { orgId: h.a.orgId });
    expect(report.problems).toEqual([
      expect.objectContaining({ seq: 4, reason: expect.stringMatching(/sequence gap/) }),
    ]);
  });
});

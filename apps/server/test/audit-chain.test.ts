/**
 * recordChange writes a transaction's changes — their audit entries, their org's chain head and their outbox events
 * — in one statement before it commits, betting that the head it last saw is still the head. These tests break that
 * bet every way it can break — concurrent transactions of one org, a transaction that rolls back after writing,
 * another process appending behind this one's back — and check that the chain stays exact (`verifyAuditLog`), one
 * outbox row per entry, and that a transaction's changes cost one round trip once the head is known.
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import type { Tx } from '../src/db/index.js';
import {
  chainHash,
  flushChanges,
  withSavepoint,
  forgetAuditHeads,
  insertAuditEntry,
  recordChange,
} from '../src/platform/audit/record.js';
import { chainFieldsOf, verifyAuditLog } from '../src/platform/audit/verify.js';
import { connect } from './support/db.js';

let app: TestApp;
let admin: pg.Client;

beforeAll(async () => {
  app = await startTestApp();
  admin = await connect(app.db.adminUrl);
});
afterAll(async () => {
  await admin?.end();
  await app?.close();
});

const db = () => app.platform.services.db;

const change = (tx: Tx, orgId: string, n: number) =>
  recordChange(tx, {
    orgId,
    actor: { type: 'system', id: null },
    module: 'campaigns',
    action: 'campaign.updated',
    target: { type: 'campaign', id: randomUUID() },
    after: { n },
    payload: { n },
  });

async function expectExact(orgId: string, entries: number) {
  const report = await verifyAuditLog(admin, { orgId });
  expect(report.problems).toEqual([]);
  expect(report.entries).toBe(entries);
  const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE org_id = $1', [orgId]);
  expect(rows[0]!.n).toBe(entries);
  const head = await admin.query<{ seq: string }>('SELECT seq FROM audit_heads WHERE org_id = $1', [orgId]);
  expect(Number(head.rows[0]!.seq)).toBe(entries);
}

describe('recordChange and the audit chain', () => {
  it('keeps one exact chain under concurrent transactions of one org', async () => {
    const orgId = randomUUID();
    await Promise.all(
      Array.from({ length: 12 }, (_, t) =>
        db().transaction({ orgId }, async (tx) => {
          for (let i = 0; i < 5; i++) await change(tx, orgId, t * 10 + i);
        }),
      ),
    );
    await expectExact(orgId, 60);
  });

  it('chains correctly after a transaction that wrote and rolled back', async () => {
    const orgId = randomUUID();
    await db().transaction({ orgId }, (tx) => change(tx, orgId, 1));
    await expect(
      db().transaction({ orgId }, async (tx) => {
        for (let i = 0; i < 3; i++) await change(tx, orgId, 10 + i);
        await flushChanges(tx); // written (and the head moved), then rolled back
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // This process last saw entry 4 as the head; the database's head is entry 1.
    await db().transaction({ orgId }, async (tx) => {
      await change(tx, orgId, 2);
      await change(tx, orgId, 3);
    });
    await expectExact(orgId, 3);
  });

  it('chains behind entries another process appended', async () => {
    const orgId = randomUUID();
    await db().transaction({ orgId }, (tx) => change(tx, orgId, 1));
    // Another process appends entry 2 (as its recordChange would) and moves the head.
    const { rows } = await admin.query('SELECT * FROM audit_log WHERE org_id = $1 AND seq = 1', [orgId]);
    const prev = rows[0];
    const fields = { ...chainFieldsOf(prev), seq: 2, id: randomUUID(), action: 'campaign.deleted' };
    const hash = chainHash(prev.hash, fields);
    await insertAuditEntry(admin, fields, prev.hash, hash);
    await admin.query('UPDATE audit_heads SET seq = 2, hash = $2 WHERE org_id = $1', [orgId, hash]);
    await admin.query(
      `INSERT INTO outbox (id, org_id, type, aggregate_type, payload, occurred_at)
       VALUES ($1, $2, 'campaigns.campaign.deleted', 'campaign', '{}', now())`,
      [randomUUID(), orgId],
    );
    await db().transaction({ orgId }, (tx) => change(tx, orgId, 3));
    await expectExact(orgId, 3);
  });

  it('writes the changes of another org at once, and its own org’s before commit under its own context', async () => {
    const orgA = randomUUID();
    const orgB = randomUUID();
    await db().transaction({ orgId: orgA }, async (tx) => {
      await change(tx, orgA, 1);
      const seen = () =>
        tx.client.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE org_id = $1', [orgA]);
      expect((await seen()).rows[0]!.n).toBe(0); // not written yet
      // Code that audits in several orgs sets each one's context in turn (passkeys, password reset), and may leave
      // another org's context set when it commits.
      await tx.client.query(`SELECT set_config('app.org_id', $1, true)`, [orgB]);
      await change(tx, orgB, 1);
      await change(tx, orgB, 2);
    });
    await expectExact(orgA, 1);
    await expectExact(orgB, 2);
  });

  it('withSavepoint: a failed block takes its changes with it, the transaction goes on', async () => {
    const orgId = randomUUID();
    await db().transaction({ orgId }, async (tx) => {
      await change(tx, orgId, 1);
      const failed = new Error('refused');
      await expect(
        withSavepoint(tx, async () => {
          await change(tx, orgId, 2);
          throw failed;
        }),
      ).rejects.toBe(failed);
      expect(await withSavepoint(tx, async () => (await change(tx, orgId, 3), 'kept'))).toBe('kept');
      await change(tx, orgId, 4);
    });
    await expectExact(orgId, 3);
    const { rows } = await admin.query<{ n: number }>(
      `SELECT (payload->>'n')::int AS n FROM outbox WHERE org_id = $1 ORDER BY position`,
      [orgId],
    );
    expect(rows.map((r) => r.n)).toEqual([1, 3, 4]);
  });

  it('writes a transaction’s changes in one round trip once the head is known, two otherwise', async () => {
    const orgId = randomUUID();
    forgetAuditHeads();
    const trips = async (n: number) =>
      db().transaction({ orgId }, async (tx) => {
        let count = 0;
        const query = tx.client.query.bind(tx.client) as (...args: unknown[]) => unknown;
        (tx.client as { query: unknown }).query = (...args: unknown[]) => {
          count++;
          return query(...args);
        };
        try {
          for (let i = 0; i < n; i++) await change(tx, orgId, i);
          expect(count).toBe(0); // recorded, written before commit
          await flushChanges(tx);
        } finally {
          (tx.client as { query: unknown }).query = query;
        }
        return count;
      });
    // Never seen: the head is created and locked, then the change written.
    expect(await trips(1)).toBe(2);
    expect(await trips(10)).toBe(1);
    forgetAuditHeads();
    // Known by the database but not by this process: one optimistic write cannot be tried, so lock + write.
    expect(await trips(3)).toBe(2);
    await expectExact(orgId, 14);
  });
});

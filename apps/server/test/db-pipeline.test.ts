/**
 * Pipelined transactions (db/index.ts): `statement` sends BEGIN with its context, the statement and COMMIT in one
 * write, before any answer, and commits only what succeeded; `commitWith` does the same for a transaction's last
 * statement; the connection goes back to the pool out of pipeline mode, so COPY (which node-pg refuses on a
 * pipelined connection) still works on it.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../../test/helpers.js';
import { createDatabase, type Database } from '../src/db/index.js';

let app: TestApp;
let pool: pg.Pool;
let db: Database;
/** What each connection was sent, and when the first answer arrived after each send. */
let log: string[] = [];

beforeAll(async () => {
  app = await startTestApp();
  // One connection, as the app role: every transaction below runs on the same one.
  pool = new pg.Pool({ ...(app.platform.services.db.pool.options as pg.PoolConfig), max: 1 });
  db = createDatabase(pool, pool);
  pool.on('acquire', (client) => {
    const query = client.query as (...args: unknown[]) => unknown;
    if ((query as { logged?: true }).logged) return;
    const logged = (...args: unknown[]) => {
      const q = args[0];
      const text = typeof q === 'string' ? q : String((q as { text?: string }).text);
      log.push(`sent ${text.split(/\s+/)[0]}`);
      const r = query.apply(client, args);
      if (r instanceof Promise) {
        void r.then(
          () => log.push('answered'),
          () => log.push('answered'),
        );
      }
      return r;
    };
    (client as { query: unknown }).query = Object.assign(logged, { logged: true as const });
  });
});
afterAll(async () => {
  await pool?.end();
  await app?.close();
});

const counted = async (orgId: string) =>
  (
    await db.transaction({ orgId }, (tx) =>
      tx.client.query<{ n: number }>(`SELECT count(*)::int AS n FROM usage_daily WHERE org_id = $1`, [orgId]),
    )
  ).rows[0]!.n;

const INSERT = `INSERT INTO usage_daily (org_id, day, event_type, events) VALUES ($1, current_date, $2, 1)
  RETURNING current_setting('app.org_id') AS ctx`;

describe('pipelined transactions', () => {
  it('writes BEGIN with the context, the statement and COMMIT before any answer, in the org’s context', async () => {
    const orgId = randomUUID();
    log = [];
    const { rows } = await db.statement<{ ctx: string }>({ orgId }, INSERT, [orgId, 'pipeline.thing.counted']);
    expect(rows).toEqual([{ ctx: orgId }]);
    expect(log.slice(0, 4)).toEqual(['sent BEGIN;', 'sent INSERT', 'sent COMMIT', 'answered']);
    expect(await counted(orgId)).toBe(1);
  });

  it('commits nothing when the statement fails, and leaves the connection ready', async () => {
    const orgId = randomUUID();
    // Row-level security refuses a row of another org than the context's.
    await expect(db.statement({ orgId }, INSERT, [randomUUID(), 'pipeline.thing.counted'])).rejects.toThrow(
      /row-level security/,
    );
    await expect(
      db.transaction(
        { orgId },
        async (tx) => {
          await tx.client.query(INSERT, [orgId, 'pipeline.first.counted']);
          await tx.commitWith!(`SELECT 1 / 0`, []);
        },
        { pipelined: true },
      ),
    ).rejects.toThrow(/division by zero/);
    expect(await counted(orgId)).toBe(0);
    expect(pool.totalCount).toBe(1);
  });

  it('hands the connection back out of pipeline mode: a COPY on it still works', async () => {
    const orgId = randomUUID();
    await db.statement({ orgId }, INSERT, [orgId, 'pipeline.thing.counted']);
    const copied = await db.transaction({ orgId }, async (tx) => {
      expect((tx.client as { pipeline?: boolean }).pipeline).toBe(false);
      await tx.client.query('CREATE TEMP TABLE pipeline_copy (n int) ON COMMIT DROP');
      await pipeline(Readable.from(['1\n', '2\n']), tx.client.query(copyFrom('COPY pipeline_copy FROM STDIN')));
      return (await tx.client.query<{ n: number }>('SELECT count(*)::int AS n FROM pipeline_copy')).rows[0]!.n;
    });
    expect(copied).toBe(2);
  });
});

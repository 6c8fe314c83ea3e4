/**
 * Admin-side database helpers for the security suites: list tables generically (so a new table is covered
 * without touching the tests), snapshot whole databases, and compare snapshots with readable diffs.
 * The admin connection is a superuser and sees every row regardless of row-level security.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import { APP_ROLE, quoteIdent, READ_ONLY } from '../../src/db/roles.js';

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A named prepared statement for `text`: the security suites run the same catalog and snapshot queries around every
 * request, and planning them (a UNION over every table) cost more than running them. The name follows the text, so a
 * changed table list is a new statement; PostgreSQL re-plans a cached one itself after DDL.
 */
const prepared = (text: string, values?: unknown[]): pg.QueryConfig => ({
  name: `akashic_test_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`,
  text,
  values,
});

/** Every ordinary table in schema public. */
export async function publicTables(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    prepared(`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY 1`),
  );
  return rows.map((r) => r.name);
}

/** Tenant-owned tables: every table in schema public with an `org_id` column. */
export async function tenantTables(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.table_name AS name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND c.column_name = 'org_id' AND t.table_type = 'BASE TABLE'
      ORDER BY 1`,
  );
  return rows.map((r) => r.name);
}

export interface ColumnInfo {
  name: string;
  type: string;
  nullable: boolean;
}

export async function columnsOf(client: pg.ClientBase, table: string): Promise<ColumnInfo[]> {
  const { rows } = await client.query<{ name: string; type: string; nullable: string }>(
    `SELECT column_name AS name, udt_name AS type, is_nullable AS nullable FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => ({ name: r.name, type: r.type, nullable: r.nullable === 'YES' }));
}

/** Columns that take part in a primary key or unique constraint/index of `table`. */
export async function uniqueColumns(client: pg.ClientBase, table: string): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT DISTINCT a.attname AS name
       FROM pg_index i
       JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (i.indkey)
      WHERE n.nspname = 'public' AND c.relname = $1 AND (i.indisunique OR i.indisprimary)`,
    [table],
  );
  return new Set(rows.map((r) => r.name));
}

/**
 * Columns that legitimately change while nothing is being written on purpose: "last seen" bookkeeping that
 * authentication touches at most once a minute. Snapshots leave them out.
 */
export const VOLATILE_COLUMNS: Record<string, string[]> = {
  sessions: ['last_seen_at'],
  api_tokens: ['last_used_at', 'last_used_ip'],
  api_keys: ['last_used_at', 'last_used_ip'],
};

/** Table name → its rows as canonical JSON text, sorted. */
export type Snapshot = Record<string, string[]>;

/**
 * Every row of every table in schema public (minus volatile columns), or only rows of `tables`. The read-only
 * reference tables (db/roles.ts READ_ONLY: 100,000+ rows of shipped public data) stand in by the application role's
 * write privileges on them instead: it holds none (intelligence.test.ts checks), so a request cannot change them —
 * an attempt fails with "permission denied", a 5xx the suites catch — and copying or even counting them twice per
 * request would make the security suites crawl.
 */
export async function snapshot(client: pg.ClientBase, tables?: string[]): Promise<Snapshot> {
  const names = tables ?? (await publicTables(client));
  const out: Snapshot = Object.fromEntries(names.map((t) => [t, [] as string[]]));
  const readOnly = names.filter((t) => READ_ONLY.has(t));
  if (readOnly.length > 0) {
    const { rows } = await client.query<{ t: string; w: boolean }>(
      prepared(
        `SELECT t, has_table_privilege($1, t, 'INSERT, UPDATE, DELETE, TRUNCATE') AS w FROM unnest($2::text[]) AS t`,
        [APP_ROLE, readOnly],
      ),
    );
    for (const r of rows) out[r.t] = [`app role may write: ${r.w}`];
  }
  // Every other table in one statement (one round trip and one MVCC snapshot for the whole database, instead of a
  // query per table), prepared once per connection: its rows as canonical JSON text, sorted per table.
  const copied = names.filter((t) => !READ_ONLY.has(t));
  if (copied.length > 0) {
    const selects = copied.map((table, i) => {
      const drop = VOLATILE_COLUMNS[table];
      // Column names of our own (VOLATILE_COLUMNS), as a text[] literal: no parameters, so one plan is kept.
      const row = drop ? `(to_jsonb(t) - '{${drop.join(',')}}'::text[])` : 'to_jsonb(t)';
      return `SELECT ${i} AS i, ${row}::text AS r FROM ${quoteIdent(table)} t`;
    });
    const { rows } = await client.query<{ i: number; r: string }>(
      prepared(`${selects.join('\nUNION ALL ')}\nORDER BY 1, 2`),
    );
    for (const x of rows) out[copied[x.i]!]!.push(x.r);
  }
  return out;
}

/** Row counts of every table in schema public (one statement). */
export async function rowCounts(client: pg.ClientBase): Promise<Record<string, number>> {
  const tables = await publicTables(client);
  const out: Record<string, number> = {};
  if (tables.length === 0) return out;
  const { rows } = await client.query<{ i: number; n: string }>(
    prepared(tables.map((t, i) => `SELECT ${i} AS i, count(*) AS n FROM ${quoteIdent(t)}`).join('\nUNION ALL ')),
  );
  for (const r of rows) out[tables[r.i]!] = Number(r.n);
  return out;
}

/** Human-readable differences between two snapshots; empty when they are equal. */
export function diffSnapshots(before: Snapshot, after: Snapshot): string[] {
  const problems: string[] = [];
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const b = before[table];
    const a = after[table];
    if (!b) {
      problems.push(`table ${table} appeared`);
      continue;
    }
    if (!a) {
      problems.push(`table ${table} disappeared`);
      continue;
    }
    const bs = new Set(b);
    const as = new Set(a);
    // Long enough for a row's last (longest-named) text column to show whole: suites look for stored values here.
    for (const row of b) if (!as.has(row)) problems.push(`${table}: row removed or changed: ${row.slice(0, 1000)}`);
    for (const row of a) if (!bs.has(row)) problems.push(`${table}: row added or changed: ${row.slice(0, 1000)}`);
  }
  return problems;
}

/** Run `fn` and return what it changed in the database (as `diffSnapshots` lines). */
export async function changesDuring<T>(
  client: pg.ClientBase,
  fn: () => Promise<T>,
): Promise<{ result: T; changes: string[] }> {
  const before = await snapshot(client);
  const result = await fn();
  const after = await snapshot(client);
  return { result, changes: diffSnapshots(before, after) };
}

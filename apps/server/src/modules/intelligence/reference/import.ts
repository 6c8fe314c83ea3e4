/**
 * Loads the shipped reference data (data/) into the reference tables, on the admin connection, as part of the
 * migration step (db/migrate.ts): a fresh database gets it on first start, and the test template database
 * includes it, so every test database cloned from the template has it for free.
 *
 * A dataset is (re)imported when it is missing or its checksum — sha256 of the shipped file, IMPORT_FORMAT and the
 * dataset's description — differs from the one recorded in `reference_datasets`. Each dataset is replaced inside one transaction (DELETE,
 * bulk INSERT … SELECT FROM unnest(…) in large batches, then the `reference_datasets` row), so readers see the
 * old rows or the new ones, never half an import.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type pg from 'pg';
import { quoteIdent } from '../../../db/roles.js';
import { DATA_DIR } from '../data.js';
import { DATASETS, type DatasetSpec } from './datasets.js';

/** Bump when the mapping from files to rows changes, so existing databases reimport. */
export const IMPORT_FORMAT = 1;
/** Rows per INSERT statement: large enough that a dataset takes a handful of round trips. */
const BATCH = 20_000;

export interface DatasetImport {
  name: string;
  status: 'imported' | 'unchanged';
  rows: number;
  ms: number;
}

export interface ImportOptions {
  /** Directory holding the data files (tests point it at a modified copy). */
  dir?: string;
  log?: (msg: string) => void;
  datasets?: readonly DatasetSpec[];
}

/** Covers the file, the format version and the dataset's description, so a corrected citation is reloaded too. */
export function checksumOf(spec: DatasetSpec, bytes: Buffer): string {
  const { rows: _rows, ...described } = spec;
  return createHash('sha256')
    .update(`akashic-reference:${IMPORT_FORMAT}\n${JSON.stringify(described)}\n`)
    .update(bytes)
    .digest('hex');
}

/** A value for a PostgreSQL array literal element: missing numbers become NULL. */
function cell(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && !Number.isFinite(v)) return null;
  return v;
}

/**
 * Import every dataset that is missing or changed. `client` is an admin connection outside any transaction;
 * the caller serializes concurrent importers (runMigrations holds its advisory lock).
 */
export async function importReferenceData(client: pg.ClientBase, opts: ImportOptions = {}): Promise<DatasetImport[]> {
  const dir = opts.dir ?? DATA_DIR;
  const { rows: recorded } = await client.query<{ name: string; checksum: string; row_count: number }>(
    'SELECT name, checksum, row_count FROM reference_datasets',
  );
  const known = new Map(recorded.map((r) => [r.name, r]));
  const results: DatasetImport[] = [];
  for (const spec of opts.datasets ?? DATASETS) {
    const started = performance.now();
    const bytes = readFileSync(path.join(dir, spec.file));
    const checksum = checksumOf(spec, bytes);
    const had = known.get(spec.name);
    if (had && had.checksum === checksum) {
      results.push({ name: spec.name, status: 'unchanged', rows: had.row_count, ms: performance.now() - started });
      continue;
    }
    const text = (spec.file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
    const rows = spec.rows(text);
    await replaceDataset(client, spec, rows, checksum);
    const ms = performance.now() - started;
    results.push({ name: spec.name, status: 'imported', rows: rows.length, ms });
    opts.log?.(`reference data: imported ${spec.name} (${rows.length} rows) in ${Math.round(ms)} ms`);
  }
  return results;
}

async function replaceDataset(client: pg.ClientBase, spec: DatasetSpec, rows: unknown[][], checksum: string) {
  const table = quoteIdent(spec.table);
  const names = spec.columns.map(([n]) => quoteIdent(n)).join(', ');
  const arrays = spec.columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const insert = `INSERT INTO ${table} (${names}) SELECT * FROM unnest(${arrays})`;
  await client.query('BEGIN');
  try {
    // DELETE rather than TRUNCATE: other servers reading the table keep seeing the old rows until COMMIT.
    await client.query(`DELETE FROM ${table}`);
    for (let start = 0; start < rows.length; start += BATCH) {
      const batch = rows.slice(start, start + BATCH);
      const columns = spec.columns.map((_c, i) => batch.map((r) => cell(r[i])));
      await client.query(insert, columns);
    }
    let first: number | null = null;
    let last: number | null = null;
    if (spec.yearColumn) {
      const y = quoteIdent(spec.yearColumn);
      const { rows: range } = await client.query<{ first: number | null; last: number | null }>(
        `SELECT min(${y})::int AS first, max(${y})::int AS last FROM ${table}`,
      );
      first = range[0]?.first ?? null;
      last = range[0]?.last ?? null;
    }
    await client.query(
      `INSERT INTO reference_datasets
         (name, title, description, source, source_url, licence, citation, file, row_count, checksum, first_year, last_year, imported_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now())
       ON CONFLICT (name) DO UPDATE SET
         title = EXCLUDED.title, description = EXCLUDED.description, source = EXCLUDED.source,
         source_url = EXCLUDED.source_url, licence = EXCLUDED.licence, citation = EXCLUDED.citation,
         file = EXCLUDED.file, row_count = EXCLUDED.row_count, checksum = EXCLUDED.checksum,
         first_year = EXCLUDED.first_year, last_year = EXCLUDED.last_year, imported_at = EXCLUDED.imported_at`,
      [
        spec.name,
        spec.title,
        spec.description,
        spec.source,
        spec.sourceUrl,
        spec.licence,
        spec.citation,
        spec.file,
        rows.length,
        checksum,
        first,
        last,
      ],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw new Error(`reference data: importing ${spec.name} from ${spec.file} failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  // Fresh statistics for the planner, and a visibility map so reads can be index-only (outside the transaction:
  // VACUUM cannot run inside one).
  await client.query(`VACUUM (ANALYZE) ${table}`);
}

/**
 * Keyset (cursor) pagination, newest first: a page is `limit` rows ordered by (key DESC, id DESC) — or, with
 * `ascending`, oldest first by (key ASC, id ASC) — and its cursor
 * is the last row's (key, id), opaque to clients (base64url). A cursor this API did not issue is refused naming
 * `query.cursor`.
 */
import type { Page } from '@akashic/contracts';
import { AppError } from '../platform/errors.js';
import type { Tx } from './index.js';

/** A timestamptz column as ISO-8601 UTC text with milliseconds, as responses carry timestamps. */
export const isoTimestamp = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A date column as YYYY-MM-DD text. */
export const isoDate = (col: string) => `to_char(${col}, 'YYYY-MM-DD')`;

/** Sort keys: a timestamp (kept to the microsecond, so no two rows' keys collide by rounding) or a date. */
const KEYS = {
  timestamptz: {
    text: (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    pattern: String.raw`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z`,
  },
  date: { text: isoDate, pattern: String.raw`\d{4}-\d{2}-\d{2}` },
} as const;

export interface KeysetQuery {
  /** The SELECT list. */
  columns: string;
  /** Tables and joins. */
  from: string;
  /** Conditions over `params` ($1, $2, …); the filters' and the cursor's conditions are added to them. */
  where: string;
  params: unknown[];
  /** Optional filters: column (SQL written here, never input) = value, each skipped when the value is undefined. */
  equal?: Record<string, unknown>;
  /** The sort key's column and type; `id` breaks ties. */
  key: { column: string; type: keyof typeof KEYS };
  id: string;
  /** Oldest first instead (e.g. upcoming events, soonest first). */
  ascending?: boolean;
  limit: number;
  cursor?: string | undefined;
}

const encode = (key: string, id: string) => Buffer.from(`${key}|${id}`, 'utf8').toString('base64url');

function decode(cursor: string, pattern: string): [string, string] {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = new RegExp(`^(${pattern})\\|([0-9a-f-]{36})$`).exec(text);
  if (!m || encode(m[1]!, m[2]!) !== cursor || Number.isNaN(Date.parse(m[1]!))) {
    throw new AppError('validation_failed', 'The cursor is not one this API returned', {
      fields: [{ field: 'query.cursor', message: 'invalid cursor' }],
    });
  }
  return [m[1]!, m[2]!];
}

/** One page of `q`, with the cursor of the next page (null on the last one). */
export async function keysetPage<T>(tx: Tx, q: KeysetQuery): Promise<Page<T>> {
  const key = KEYS[q.key.type];
  const dir = q.ascending ? 'ASC' : 'DESC';
  const params = [...q.params];
  let where = q.where;
  for (const [column, value] of Object.entries(q.equal ?? {})) {
    if (value === undefined) continue;
    params.push(value);
    where += ` AND ${column} = $${params.length}`;
  }
  if (q.cursor !== undefined) {
    const [at, id] = decode(q.cursor, key.pattern);
    params.push(at, id);
    where += ` AND (${q.key.column}, ${q.id}) ${q.ascending ? '>' : '<'} ($${params.length - 1}::${q.key.type}, $${params.length}::uuid)`;
  }
  params.push(q.limit + 1);
  const r = await tx.client.query<T & { cursorKey: string; cursorId: string }>(
    `SELECT ${q.columns}, ${key.text(q.key.column)} AS "cursorKey", ${q.id} AS "cursorId"
       FROM ${q.from} WHERE ${where} ORDER BY ${q.key.column} ${dir}, ${q.id} ${dir} LIMIT $${params.length}`,
    params,
  );
  const more = r.rows.length > q.limit;
  const rows = r.rows.slice(0, q.limit);
  const last = rows[rows.length - 1];
  return {
    items: rows.map(({ cursorKey: _k, cursorId: _i, ...item }) => item as T),
    nextCursor: more && last ? encode(last.cursorKey, last.cursorId) : null,
  };
}

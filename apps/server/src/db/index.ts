/**
 * The database interface: one `pg` driver everywhere, application pools that connect as the RLS-bound app
 * role, and two ways to run with the tenant context the policies read:
 * - `transaction(ctx, fn)`: BEGIN with transaction-local settings, for anything that writes. Its pool's
 *   connections never keep a context after a transaction.
 * - `read(ctx, fn)`: for reads, on a separate read-only pool whose connections keep a session-level context.
 *   Each connection remembers which context it holds, so a request whose context matches costs no extra
 *   round trip; otherwise the context is set first. Nothing else ever uses that pool.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js';
import { runMigrations } from './migrate.js';
import {
  appRolePassword,
  appUrlFrom,
  ensureAppRole,
  ensureRelayRole,
  quoteIdent,
  RELAY_ROLE,
  relayRolePassword,
} from './roles.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
export type Db = NodePgDatabase<Schema>;

/** A transaction: the typed query builder plus the raw client for hand-written SQL. */
export interface Tx {
  db: Db;
  client: pg.PoolClient;
  /**
   * `transaction` only: the org of the context the transaction began with (null: none). Statements may set another
   * org's context later (`set_config`); this stays the org it began with.
   */
  orgId?: string | null;
  /**
   * Transactions only (`transaction`, `transactionFrom`): run `fn` once this transaction has committed and its
   * connection is released (awaited before the transaction's promise resolves; never run on rollback). If `fn`
   * throws, the caller gets that error although the transaction has committed: use it for work that writes nothing.
   */
  afterCommit?: (fn: () => Promise<void>) => void;
  /**
   * Transactions only: run `fn` in this transaction just before it commits (before `commitWith`'s statement, or
   * before COMMIT), in the order registered; never run if the transaction fails first. If `fn` throws, the
   * transaction rolls back. `recordChange` writes a transaction's changes with it (audit/record.ts).
   */
  beforeCommit?: (fn: () => Promise<void>) => void;
  /**
   * Transactions only: run the transaction's last statement and COMMIT together, in one round trip in a pipelined
   * transaction (one after the other otherwise). Nothing may be run in the transaction after it. Throws, and
   * nothing is committed, if the statement fails.
   */
  commitWith?<R extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<R>>;
}

/** The settings row-level security reads. Values are validated before they reach SQL. */
export interface TxContext {
  orgId?: string | null;
  userId?: string | null;
  /** Hex sha256 of a bearer secret (API token, invitation) whose row may be read without an org. */
  bearerHash?: string | null;
}

export interface Database {
  /** Connections here carry no tenant context outside `transaction`: RLS tables read as empty through it. */
  pool: pg.Pool;
  /**
   * Run read-only `fn` with the tenant context, each statement in its own implicit transaction
   * (a write fails: the pool is read-only).
   */
  read<T>(ctx: TxContext, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Run `fn` in one transaction with the given tenant context; commits on success, rolls back on throw.
   * `pipelined`: its statements are written without waiting for the answers before them (BEGIN goes with the
   * first, COMMIT with the last through `commitWith`), for code that only runs plain statements one after the
   * other (no COPY or cursor: node-pg refuses those on a pipelined connection).
   */
  transaction<T>(ctx: TxContext, fn: (tx: Tx) => Promise<T>, options?: { pipelined?: boolean }): Promise<T>;
  /**
   * The same, but the transaction starts with a caller-built statement (`BEGIN; SELECT ...`, values already
   * validated) whose last result is handed to `fn`: a request can authenticate and set its context in one
   * round trip.
   */
  transactionFrom<T, R extends Record<string, unknown>>(
    begin: string,
    fn: (tx: Tx, begun: R[]) => Promise<T>,
  ): Promise<T>;
  /**
   * One statement in a transaction of its own with the tenant context: BEGIN with the context, the statement and
   * COMMIT in one round trip (a pipelined `transaction` + `commitWith`).
   */
  statement<R extends pg.QueryResultRow>(ctx: TxContext, text: string, values: unknown[]): Promise<pg.QueryResult<R>>;
  /**
   * LISTEN on a channel over a dedicated connection that reconnects by itself. `onState(false)` is called
   * whenever messages may have been missed (disconnected); `onState(true)` once listening again.
   */
  listen(
    channel: string,
    onMessage: (payload: string) => void,
    onState: (listening: boolean) => void,
  ): () => Promise<void>;
  /** Pool gauges for /metrics, per pool. */
  stats(): Record<'write' | 'read', PoolStats>;
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]+$/i;

function settings(ctx: TxContext, local: boolean, all: boolean): string[] {
  const parts: string[] = [];
  const set = (key: string, value: string | null | undefined, pattern: RegExp) => {
    if (value == null) {
      if (all) parts.push(`set_config('${key}', '', ${local})`);
      return;
    }
    if (!pattern.test(value)) throw new TypeError(`invalid ${key} for transaction context`);
    parts.push(`set_config('${key}', '${value}', ${local})`);
  };
  set('app.org_id', ctx.orgId, UUID);
  set('app.user_id', ctx.userId, UUID);
  set('app.bearer_hash', ctx.bearerHash, HEX);
  return parts;
}

/** BEGIN and the context settings in one round trip. Values are checked, so inlining them is safe. */
export function beginStatement(ctx: TxContext): string {
  const parts = settings(ctx, true, false);
  return parts.length ? `BEGIN; SELECT ${parts.join(', ')}` : 'BEGIN';
}

/** Session-level settings for a read connection: every key is set (to '' when absent), none inherited. */
export function readContextStatement(ctx: TxContext): string {
  return `SELECT ${settings(ctx, false, true).join(', ')}`;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

const poolStats = (p: pg.Pool): PoolStats => ({
  total: p.totalCount,
  idle: p.idleCount,
  waiting: p.waitingCount,
  max: (p.options as { max?: number }).max ?? 10,
});

const contextKey = (ctx: TxContext) => `${ctx.orgId ?? ''}|${ctx.userId ?? ''}|${ctx.bearerHash ?? ''}`;

/**
 * Parameterized statements become named prepared statements, parsed and planned once per connection
 * (node-pg keeps the per-connection cache; the name is a hash of the text, so it can never mismatch).
 * Every query of the request path has parameters; statements without them run as simple queries.
 */
const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = 'a' + createHash('sha1').update(text).digest('base64url').slice(0, 20);
    if (statementNames.size < 10_000) statementNames.set(text, name);
  }
  return name;
}

/**
 * The statement is handed to the client as a ready `Query` with its own callback: given a config object instead,
 * node-pg would copy it through property descriptors (a slow, dictionary-mode object) and chain a second promise
 * onto every query, on every request.
 */
function preparing(client: pg.PoolClient): void {
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown, cb?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && cb === undefined) {
      return new Promise((resolve, reject) => {
        const q = new pg.Query(text, values, (err: Error | undefined, res: unknown) =>
          err ? reject(err) : resolve(res),
        );
        (q as { name?: string }).name = statementName(text);
        original(q);
      });
    }
    if (typeof text === 'string' && Array.isArray(values)) {
      return original({ name: statementName(text), text, values }, cb);
    }
    return original(text, values, cb);
  };
}

/**
 * Switch node-pg's pipeline mode for one connection (the client reads the flag each time it sends). Only ever
 * switched with nothing in flight on the connection.
 */
const setPipelined = (client: pg.PoolClient, on: boolean) => void ((client as { pipeline: boolean }).pipeline = on);

/** The socket under a client (node-pg writes each statement's messages to it corked, as one write). */
const streamOf = (client: pg.PoolClient) =>
  (client as unknown as { connection: { stream: { cork(): void; uncork(): void } } }).connection.stream;

export function createDatabase(
  pool: pg.Pool,
  readPool: pg.Pool,
  onClose: () => Promise<void> = async () => {},
): Database {
  pool.on('connect', preparing);
  readPool.on('connect', preparing);
  /** The context each read connection holds right now; absent means unknown (set before use). */
  const held = new WeakMap<pg.PoolClient, string>();
  /**
   * `begin` (BEGIN and the context), `fn`'s statements, COMMIT. Pipelined (node-pg's pipeline mode, switched on
   * for this transaction only: a statement is written without waiting for the answer to the one before), BEGIN
   * goes out with `fn`'s first statement, in one write and one round trip, and `tx.commitWith` does the same for
   * the last statement and COMMIT. The answers still come in order, and PostgreSQL runs each statement only after
   * the one before: a statement behind a BEGIN that failed fails too (or runs with no context, where row-level
   * security shows it nothing), and whatever failed is thrown here and rolled back as before. The pool's
   * connections are otherwise not pipelined, since node-pg refuses COPY and cursors on a pipelined connection.
   */
  async function run<T>(
    begin: string,
    pipelined: boolean,
    fn: (tx: Tx, begun: Record<string, unknown>[]) => Promise<T>,
    orgId?: string | null,
  ): Promise<T> {
    const client = await pool.connect();
    // Switched while nothing is in flight on the connection (just taken from the pool), and back before it returns.
    if (pipelined) setPipelined(client, true);
    let broken = false;
    const after: (() => Promise<void>)[] = [];
    const before: (() => Promise<void>)[] = [];
    const runBefore = async () => {
      while (before.length > 0) await before.shift()!();
    };
    let result: T;
    let begun: Promise<unknown> | undefined;
    try {
      let rows: Record<string, unknown>[] = [];
      if (pipelined) {
        // Written with whatever `fn` sends in this turn of the event loop (its first statement).
        const stream = streamOf(client);
        stream.cork();
        process.nextTick(() => stream.uncork());
        begun = client.query(begin);
        begun.catch(() => {}); // awaited below, after `fn`
      } else {
        const r = (await client.query(begin)) as unknown as pg.QueryResult | pg.QueryResult[];
        rows = (Array.isArray(r) ? r[r.length - 1]! : r).rows;
      }
      let committed = false;
      // The typed builder is made on first use: building it costs more than many a request's queries.
      let typed: Db | undefined;
      const tx: Tx = {
        client,
        ...(orgId !== undefined ? { orgId } : {}),
        get db() {
          return (typed ??= drizzle(client, { schema }));
        },
        afterCommit: (f) => void after.push(f),
        beforeCommit: (f) => {
          if (committed) throw new Error('the transaction is already committed');
          before.push(f);
        },
        commitWith: async <R extends pg.QueryResultRow>(text: string, values: unknown[]) => {
          if (committed) throw new Error('the transaction is already committed');
          committed = true;
          await runBefore();
          if (!pipelined) {
            const r = await client.query<R>(text, values);
            await client.query('COMMIT');
            return r;
          }
          const stream = streamOf(client);
          stream.cork();
          const statement = client.query<R>(text, values);
          const commit = client.query('COMMIT');
          stream.uncork();
          const [r, c] = await Promise.allSettled([statement, commit]);
          if (r.status === 'rejected') throw r.reason; // the COMMIT rolled back
          if (c.status === 'rejected') throw c.reason;
          // COMMIT of a transaction that failed earlier answers ROLLBACK.
          if (c.value.command !== 'COMMIT') throw new Error(`transaction not committed (${c.value.command})`);
          return r.value;
        },
      };
      result = await fn(tx, rows);
      if (begun) await begun;
      if (!committed) {
        committed = true;
        await runBefore();
        await client.query('COMMIT');
      }
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
      throw err;
    } finally {
      if (pipelined) setPipelined(client, false);
      client.release(broken);
    }
    for (const f of after) await f();
    return result;
  }
  return {
    pool,
    async read(ctx, fn) {
      const client = await readPool.connect();
      let broken = false;
      try {
        const key = contextKey(ctx);
        if (held.get(client) !== key) {
          held.delete(client);
          await client.query(readContextStatement(ctx));
          held.set(client, key);
        }
        let typed: Db | undefined;
        return await fn({
          client,
          get db() {
            return (typed ??= drizzle(client, { schema }));
          },
        });
      } catch (err) {
        // Whatever state the connection is in, it is not trusted to hold a known context any more.
        held.delete(client);
        broken = (client as { _ending?: boolean })._ending === true;
        throw err;
      } finally {
        client.release(broken);
      }
    },
    transaction: (ctx, fn, options) =>
      run(beginStatement(ctx), options?.pipelined === true, (tx) => fn(tx), ctx.orgId ?? null),
    transactionFrom: <T, R extends Record<string, unknown>>(begin: string, fn: (tx: Tx, begun: R[]) => Promise<T>) =>
      run(begin, false, (tx, rows) => fn(tx, rows as R[])),
    statement: <R extends pg.QueryResultRow>(ctx: TxContext, text: string, values: unknown[]) =>
      run(beginStatement(ctx), true, (tx) => tx.commitWith!<R>(text, values)),
    stats: () => ({ write: poolStats(pool), read: poolStats(readPool) }),
    listen(channel, onMessage, onState) {
      return listenChannel(pool.options as pg.ClientConfig, channel, onMessage, onState);
    },
    async close() {
      await Promise.all([pool.end(), readPool.end()]);
      await onClose();
    },
  };
}

function listenChannel(
  config: pg.ClientConfig,
  channel: string,
  onMessage: (payload: string) => void,
  onState: (listening: boolean) => void,
): () => Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new TypeError(`invalid channel ${channel}`);
  let client: pg.Client | undefined;
  let stopped = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async () => {
    if (stopped) return;
    const c = new pg.Client(config);
    client = c;
    const lost = () => {
      onState(false);
      c.removeAllListeners();
      c.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect(), 1000);
    };
    c.on('error', lost);
    c.on('end', () => {
      if (!stopped) lost();
    });
    c.on('notification', (n) => {
      if (n.channel === channel && n.payload !== undefined) onMessage(n.payload);
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
      onState(true);
    } catch {
      lost();
    }
  };
  void connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    onState(false);
    await client?.end().catch(() => {});
  };
}

export interface OpenDatabaseOptions {
  adminUrl: string | undefined;
  appUrl: string | undefined;
  /** Connection for the outbox relay's role. Absent: derived from the admin URL with that role. */
  relayUrl?: string | undefined;
  poolMax: number;
  home: string;
  secret: string;
  log: (msg: string) => void;
  /** Progress worth an operator's attention, e.g. reference data being (re)imported. Defaults to `log`. */
  info?: (msg: string) => void;
}

export interface OpenedDatabase {
  database: Database;
  adminUrl: string;
  /** The outbox relay's connection string (role `akashic_relay`: the outbox, nothing else). */
  relayUrl: string;
  embedded: boolean;
}

/**
 * Start (embedded) or reach (DATABASE_URL) PostgreSQL, apply migrations, make sure the app role exists
 * with the right grants, and open the application pool as that role.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<OpenedDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let adminUrl = opts.adminUrl;
  if (!adminUrl) {
    embedded = await startEmbeddedPostgres(path.join(opts.home, 'pgdata'), (l) => opts.log(l));
    adminUrl = await ensureDatabase(embedded.url, 'akashic');
  }
  try {
    await runMigrations(adminUrl, { log: opts.info ?? opts.log });
    const password = opts.appUrl ? null : appRolePassword(opts.secret);
    const relayPassword = opts.relayUrl ? null : relayRolePassword(opts.secret);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    try {
      await ensureAppRole(admin, password);
      await ensureRelayRole(admin, relayPassword);
    } finally {
      await admin.end();
    }
    const appUrl = opts.appUrl ?? appUrlFrom(adminUrl, password!);
    const pool = new pg.Pool({ connectionString: appUrl, max: opts.poolMax, idleTimeoutMillis: 30_000 });
    const readPool = new pg.Pool({
      connectionString: appUrl,
      max: opts.poolMax,
      idleTimeoutMillis: 30_000,
      options: '-c default_transaction_read_only=on',
    });
    for (const p of [pool, readPool]) p.on('error', (err) => opts.log(`idle database client error: ${err.message}`));
    const database = createDatabase(pool, readPool, async () => {
      await embedded?.stop();
    });
    const relayUrl = opts.relayUrl ?? appUrlFrom(adminUrl, relayPassword!, RELAY_ROLE);
    return { database, adminUrl, relayUrl, embedded: Boolean(embedded) };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

/** Create `name` on the server behind `serverUrl` if missing; returns a URL pointing at it. */
export async function ensureDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } finally {
    await client.end();
  }
  const u = new URL(serverUrl);
  u.pathname = '/' + name;
  return u.toString();
}

export { schema };

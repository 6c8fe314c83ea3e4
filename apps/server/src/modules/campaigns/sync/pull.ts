/**
 * Pull: what changed in a campaign since the client's cursor, as puts and deletes per entity, limited to what the
 * member may read, in bounded pages.
 *
 * **Cursors are PostgreSQL snapshots.** Every write to a replicated table appends to `sync_changes` a row stamped with
 * its transaction id (`txid`, see schema.ts). A cursor carries the snapshot `from` of the pull that issued it; the next
 * pull takes a new snapshot `to` and returns the entities of rows written by transactions that `to` sees and `from`
 * did not (`pg_visible_in_snapshot`). A transaction still in flight when `from` was taken — whatever its ids — is
 * invisible to `from`, so its changes come in a later pull once committed: nothing is skipped, which a timestamp or
 * a bigserial high-water mark cannot promise. Entities are read as they are now (at least as new as `to`); one
 * changed again after `to` is sent again by the next pull, which is harmless (puts are idempotent).
 *
 * A first pull (no cursor) is a **reset**: it takes the snapshot `base`, then pages through every entity of the scope
 * by key (keyset pagination, one index range per page), and ends with the cursor `from = base`, so anything committed
 * during the reset arrives in the first incremental pull. The cursor also holds a fingerprint of the scope (which
 * turfs' voters the member replicates, whether they read messages, the campaign's bulk-write epoch): when it
 * changes, the next pull is a reset. The epoch is read before the snapshot is taken, so a bulk write committed in
 * between is either in the reset's data or changes the fingerprint again.
 *
 * The log keeps `SYNC_CHANGE_RETENTION_DAYS`; the purge records per campaign the newest transaction it deleted rows of
 * (`sync_horizons`). A cursor whose snapshot may not have seen that transaction could miss changes: its pull is a
 * reset, never a silent gap.
 *
 * `lastMutationIds` reports a client only when its row's last change is visible in the page's snapshot, so a client
 * never drops a pending mutation whose effect the data it holds may still lack.
 */
import { createHash } from 'node:crypto';
import type {
  Campaign,
  SyncDelete,
  SyncEntity,
  SyncPullResult,
  SyncPut,
  SyncRejection,
  Turf,
} from '@akashic/contracts';
import { z } from 'zod';
import type { OrgCtx } from '../../../http/route.js';
import { isoTimestamp } from '../../../db/keyset.js';
import { AppError } from '../../../platform/errors.js';
import { canOnCampaign } from '../access.js';
import { CANVASS_COLUMNS } from '../field/canvass.js';
import { EVENT_COLUMNS, RSVP_COLUMNS } from '../field/events.js';
import { TURF_COLUMNS, turfVoters } from '../field/turfs.js';
import { syncEpoch } from './bulk.js';

type Ctx = OrgCtx<never>;
type Row = Record<string, unknown> & { _key: string };

// ---- cursor ------------------------------------------------------------------------------------------------------

const Snapshot = z.string().regex(/^\d+:\d+:(\d+(,\d+)*)?$/);
const Cursor = z.discriminatedUnion('m', [
  z.strictObject({
    m: z.literal('r'),
    base: Snapshot,
    scope: z.string(),
    /** Entity kind index, turf index (voters), last key sent. */
    e: z.number().int().min(0),
    t: z.number().int().min(0),
    a: z.uuid().nullable(),
  }),
  z.strictObject({
    m: z.literal('i'),
    from: Snapshot,
    scope: z.string(),
    /** While paging: the snapshot the pages end at and the last change sent. */
    to: Snapshot.optional(),
    /** (txid, seq) of the last change sent, both as decimal text: `seq` is a bigint, which pg returns as text. */
    a: z.tuple([z.string().regex(/^\d+$/), z.string().regex(/^\d+$/)]).optional(),
  }),
]);
type Cursor = z.infer<typeof Cursor>;

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decode(cursor: string): Cursor {
  try {
    const c = Cursor.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (c.success && encode(c.data) === cursor) return c.data;
  } catch {
    // falls through to the refusal
  }
  throw new AppError('validation_failed', 'The cursor is not one this API returned', {
    fields: [{ field: 'body.cursor', message: 'invalid cursor' }],
  });
}

// ---- scope -------------------------------------------------------------------------------------------------------

interface Scope {
  /** Turfs whose voters the member replicates: those assigned to them, every turf for those who plan turfs. */
  turfs: Turf[];
  campaignId: string;
  messages: boolean;
  fingerprint: string;
}

async function scopeOf(ctx: Ctx, c: Campaign): Promise<Scope> {
  const messages = canOnCampaign(ctx, 'message.read', c);
  const all = canOnCampaign(ctx, 'campaign.turfs.write', c);
  const { rows: turfs } = await ctx.tx.client.query<Turf>(
    `SELECT ${TURF_COLUMNS} FROM field_turfs t WHERE t.org_id = $1 AND t.campaign_id = $2
        ${all ? '' : 'AND t.assigned_to = $3'} ORDER BY t.id`,
    all ? [ctx.org.id, c.id] : [ctx.org.id, c.id, ctx.principal.userId],
  );
  // A bulk write of the campaign's voters (bulk.ts) bumps the epoch: every cursor issued before starts a reset.
  const epoch = await syncEpoch(ctx.tx, ctx.org.id, c.id);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ messages, turfs: turfs.map((t) => [t.id, t.version]), ...(epoch ? { epoch } : {}) }))
    .digest('base64url')
    .slice(0, 22);
  return { turfs, campaignId: c.id, messages, fingerprint };
}

// ---- entities ----------------------------------------------------------------------------------------------------

interface Kind {
  entity: Exclude<SyncEntity, 'voter'>;
  from: string;
  columns: string;
  /** The entity's id as the replica keys it (canvass results: the device's client id). */
  key: string;
  alias: string;
  /** Whether the member's scope includes this kind. */
  in?: (s: Scope) => boolean;
}

const MESSAGE_COLUMNS = `m.id, m.campaign_id AS "campaignId", m.title, m.channel,
  ${isoTimestamp('m.updated_at')} AS "updatedAt",
  (SELECT coalesce(json_agg(json_build_object('id', v.id, 'label', v.audience_label, 'status', v.status,
      'head', (SELECT json_build_object('id', r.id, 'number', r.number, 'text', r.text, 'subject', r.subject)
                 FROM message_revisions r WHERE r.org_id = v.org_id AND r.version_id = v.id
                ORDER BY r.number DESC LIMIT 1)) ORDER BY v.created_at, v.id), '[]'::json)
     FROM message_versions v WHERE v.org_id = m.org_id AND v.message_id = m.id) AS versions`;

const VOTER_COLUMNS = `v.id, v.voter_id AS "voterId", v.first_name AS "firstName", v.last_name AS "lastName",
  v.birth_year AS "birthYear", v.party, v.address, v.city, v.zip, v.precinct, v.contact_status AS "contactStatus"`;

/** In reset order; voters come last, turf by turf. */
const KINDS: Kind[] = [
  { entity: 'turf', from: 'field_turfs t', columns: TURF_COLUMNS, key: 't.id', alias: 't' },
  { entity: 'event', from: 'field_events e', columns: EVENT_COLUMNS, key: 'e.id', alias: 'e' },
  { entity: 'rsvp', from: 'field_rsvps r', columns: RSVP_COLUMNS, key: 'r.id', alias: 'r' },
  { entity: 'canvass_result', from: 'canvass_results r', columns: CANVASS_COLUMNS, key: 'r.client_id', alias: 'r' },
  {
    entity: 'message',
    from: 'messages m',
    columns: MESSAGE_COLUMNS,
    key: 'm.id',
    alias: 'm',
    in: (s) => s.messages,
  },
];
const VOTERS = KINDS.length;

function put(entity: SyncEntity, row: Row): SyncPut {
  const { _key, ...value } = row;
  if (entity === 'rsvp') delete value.waitlistPosition;
  return { entity, id: _key, value };
}

/** One kind's rows of the campaign: a keyset page after `after`, or those with the given keys. */
async function readKind(
  ctx: Ctx,
  k: Kind,
  campaignId: string,
  by: { after: string | null; limit: number } | { keys: string[] },
): Promise<Row[]> {
  const params: unknown[] = [ctx.org.id, campaignId];
  let cond: string;
  if ('keys' in by) {
    params.push(by.keys);
    cond = `${k.key} = ANY($3::uuid[])`;
  } else {
    cond = by.after ? `${k.key} > $3::uuid` : 'true';
    if (by.after) params.push(by.after);
  }
  const limit = 'keys' in by ? '' : `ORDER BY ${k.key} LIMIT ${by.limit}`;
  const r = await ctx.tx.client.query<Row>(
    `SELECT ${k.key} AS "_key", ${k.columns} FROM ${k.from}
      WHERE ${k.alias}.org_id = $1 AND ${k.alias}.campaign_id = $2 AND ${cond} ${limit}`,
    params,
  );
  return r.rows;
}

/**
 * Which of the scope's turfs a voter row `v` belongs to (the device builds each turf's walk list from it), as an SQL
 * expression over the row itself: each turf's definition tested in the same scan, no second query. Its parameters are
 * appended to `params`.
 */
function turfIdsOf(ctx: Ctx, scope: Scope, params: unknown[]): string {
  if (!scope.turfs.length) return `'{}'::uuid[]`;
  const tests = scope.turfs.map((turf) => {
    const t = turfVoters(ctx.org.id, turf);
    const shift = params.length;
    params.push(...t.params, turf.id);
    const where = t.where.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + shift}`);
    return `CASE WHEN ${where} THEN $${params.length}::uuid END`;
  });
  // scope.turfs is in id order: so is each voter's list.
  return `array_remove(ARRAY[${tests.join(', ')}], NULL)`;
}

/**
 * Voters with the scope's turfs they are on: a keyset page of one turf's voters after `after` (a reset), or those
 * among `keys` on any of the scope's turfs (a change; the others are out of scope).
 */
async function readVoters(
  ctx: Ctx,
  scope: Scope,
  by: { turf: Turf; after: string | null; limit: number } | { keys: string[] },
): Promise<Row[]> {
  let where: string;
  let params: unknown[];
  if ('keys' in by) {
    params = [ctx.org.id, scope.campaignId, by.keys];
    where = 'v.org_id = $1 AND v.campaign_id = $2 AND v.id = ANY($3::uuid[])';
  } else {
    const base = turfVoters(ctx.org.id, by.turf);
    params = [...base.params];
    where = base.where;
    if (by.after) {
      params.push(by.after);
      where += ` AND v.id > $${params.length}::uuid`;
    }
  }
  const turfIds = turfIdsOf(ctx, scope, params);
  const limit = 'keys' in by ? '' : `ORDER BY v.id LIMIT ${by.limit}`;
  const select = `SELECT v.id AS "_key", ${VOTER_COLUMNS}, ${turfIds} AS "turfIds" FROM voters v WHERE ${where} ${limit}`;
  const r = await ctx.tx.client.query<Row & { turfIds: string[] }>(
    'keys' in by ? `SELECT * FROM (${select}) x WHERE cardinality("turfIds") > 0` : select,
    params,
  );
  return r.rows;
}

// ---- mutations and rejections ------------------------------------------------------------------------------------

async function lastMutationIds(ctx: Ctx, group: string, snapshot: string): Promise<Record<string, number>> {
  const r = await ctx.tx.client.query<{ id: string; last: number }>(
    `SELECT client_id AS id, last_mutation_id AS last FROM sync_clients
      WHERE org_id = $1 AND client_group_id = $2 AND pg_visible_in_snapshot(txid, $3::pg_snapshot)`,
    [ctx.org.id, group, snapshot],
  );
  return Object.fromEntries(r.rows.map((x) => [x.id, x.last]));
}

/** Rejections written after `from` and seen by `to`; with no `from` (a reset) the group's latest hundred. */
async function rejections(ctx: Ctx, group: string, from: string | null, to: string): Promise<SyncRejection[]> {
  const r = await ctx.tx.client.query<SyncRejection>(
    `SELECT client_id AS "clientId", mutation_id AS "mutationId", name, problem FROM (
       SELECT * FROM sync_rejections
        WHERE org_id = $1 AND client_group_id = $2 AND pg_visible_in_snapshot(txid, $3::pg_snapshot)
          ${from ? 'AND NOT pg_visible_in_snapshot(txid, $4::pg_snapshot)' : ''}
        ORDER BY id DESC LIMIT 100) x ORDER BY client_id, mutation_id`,
    from ? [ctx.org.id, group, to, from] : [ctx.org.id, group, to],
  );
  return r.rows;
}

// ---- pull --------------------------------------------------------------------------------------------------------

async function currentSnapshot(ctx: Ctx): Promise<string> {
  const r = await ctx.tx.client.query<{ s: string }>('SELECT pg_current_snapshot()::text AS s');
  return r.rows[0]!.s;
}

async function resetPage(
  ctx: Ctx,
  c: Campaign,
  scope: Scope,
  cur: Extract<Cursor, { m: 'r' }>,
  limit: number,
): Promise<{ puts: SyncPut[]; next: Cursor }> {
  const puts: SyncPut[] = [];
  let { e, t, a } = cur;
  while (puts.length < limit && e <= VOTERS) {
    const want = limit - puts.length;
    if (e === VOTERS) {
      const turf = scope.turfs[t];
      if (!turf) {
        e++;
        continue;
      }
      const rows = await readVoters(ctx, scope, { turf, after: a, limit: want });
      puts.push(...rows.map((r) => put('voter', r)));
      if (rows.length < want) [t, a] = [t + 1, null];
      else a = rows[rows.length - 1]!._key;
      continue;
    }
    const k = KINDS[e]!;
    if (k.in && !k.in(scope)) {
      [e, a] = [e + 1, null];
      continue;
    }
    const rows = await readKind(ctx, k, c.id, { after: a, limit: want });
    puts.push(...rows.map((r) => put(k.entity, r)));
    if (rows.length < want) [e, a] = [e + 1, null];
    else a = rows[rows.length - 1]!._key;
  }
  const done = e > VOTERS;
  return {
    puts,
    next: done ? { m: 'i', from: cur.base, scope: cur.scope } : { ...cur, e, t, a },
  };
}

async function changesPage(
  ctx: Ctx,
  c: Campaign,
  scope: Scope,
  cur: Extract<Cursor, { m: 'i' }>,
  to: string,
  limit: number,
): Promise<{ puts: SyncPut[]; deletes: SyncDelete[]; next: Cursor; more: boolean }> {
  const params: unknown[] = [ctx.org.id, c.id, cur.from, to, limit + 1];
  const after = cur.a ? `AND (txid, seq) > ($6::text::xid8, $7::bigint)` : '';
  if (cur.a) params.push(...cur.a);
  const { rows } = await ctx.tx.client.query<{ entity: SyncEntity; id: string; txid: string; seq: string }>(
    `SELECT entity, entity_id AS id, txid::text AS txid, seq::text AS seq FROM sync_changes
      WHERE org_id = $1 AND campaign_id = $2
        AND txid >= pg_snapshot_xmin($3::pg_snapshot) AND txid < pg_snapshot_xmax($4::pg_snapshot)
        AND NOT pg_visible_in_snapshot(txid, $3::pg_snapshot) AND pg_visible_in_snapshot(txid, $4::pg_snapshot)
        ${after}
      ORDER BY txid, seq LIMIT $5`,
    params,
  );
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const byEntity = new Map<SyncEntity, Set<string>>();
  for (const r of page) {
    const ids = byEntity.get(r.entity) ?? new Set<string>();
    ids.add(r.id);
    byEntity.set(r.entity, ids);
  }
  const puts: SyncPut[] = [];
  const deletes: SyncDelete[] = [];
  for (const [entity, idSet] of byEntity) {
    const keys = [...idSet];
    let found: Row[];
    if (entity === 'voter') {
      found = await readVoters(ctx, scope, { keys });
    } else {
      const k = KINDS.find((x) => x.entity === entity);
      if (!k) continue;
      found = !k.in || k.in(scope) ? await readKind(ctx, k, c.id, { keys }) : [];
    }
    const present = new Set(found.map((r) => r._key));
    puts.push(...found.map((r) => put(entity, r)));
    // Gone, or out of the member's scope: either way the replica must not keep it.
    deletes.push(...keys.filter((id) => !present.has(id)).map((id) => ({ entity, id })));
  }
  const last = page[page.length - 1];
  const next: Cursor = more
    ? { m: 'i', from: cur.from, scope: cur.scope, to, a: [last!.txid, last!.seq] }
    : { m: 'i', from: to, scope: cur.scope };
  return { puts, deletes, next, more };
}

/**
 * Whether the retention purge (sync_purge_changes) may have deleted log rows a cursor taken at `from` has not seen:
 * the campaign's horizon (newest purged transaction) is not older than every transaction `from` did not see.
 */
async function purgedPast(ctx: Ctx, campaignId: string, from: string): Promise<boolean> {
  const r = await ctx.tx.client.query(
    `SELECT 1 FROM sync_horizons
      WHERE org_id = $1 AND campaign_id = $2 AND purged_txid >= pg_snapshot_xmin($3::pg_snapshot)`,
    [ctx.org.id, campaignId, from],
  );
  return r.rowCount !== 0;
}

async function resetCursor(ctx: Ctx, scope: Scope): Promise<Extract<Cursor, { m: 'r' }>> {
  return { m: 'r', base: await currentSnapshot(ctx), scope: scope.fingerprint, e: 0, t: 0, a: null };
}

export async function pull(
  ctx: Ctx,
  c: Campaign,
  body: { clientGroupId: string; cursor: string | null; limit: number },
): Promise<SyncPullResult> {
  const scope = await scopeOf(ctx, c);
  let cur = body.cursor === null ? null : decode(body.cursor);
  let reset = false;
  if (!cur || cur.scope !== scope.fingerprint) {
    cur = await resetCursor(ctx, scope);
    reset = true;
  }
  if (cur.m === 'i') {
    const to = cur.to ?? (await currentSnapshot(ctx));
    const page = await changesPage(ctx, c, scope, cur, to, body.limit);
    // Checked after reading the page: a purge committed before that read has raised the horizon by now.
    if (!(await purgedPast(ctx, c.id, cur.from))) {
      return {
        cursor: encode(page.next),
        more: page.more,
        reset: false,
        puts: page.puts,
        deletes: page.deletes,
        lastMutationIds: await lastMutationIds(ctx, body.clientGroupId, to),
        rejected: page.more ? [] : await rejections(ctx, body.clientGroupId, cur.from, to),
      };
    }
    // Changes this cursor has not seen may be gone: a full copy instead of a gap.
    cur = await resetCursor(ctx, scope);
    reset = true;
  }
  const { puts, next } = await resetPage(ctx, c, scope, cur, body.limit);
  const more = next.m === 'r';
  return {
    cursor: encode(next),
    more,
    reset,
    puts,
    deletes: [],
    lastMutationIds: await lastMutationIds(ctx, body.clientGroupId, cur.base),
    rejected: more ? [] : await rejections(ctx, body.clientGroupId, null, cur.base),
  };
}

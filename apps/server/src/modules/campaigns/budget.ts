/**
 * A campaign's budget: lines (a category and the amount planned for it) and spend entries (money spent from a
 * line). The summary adds them up per line and per week (the burn). Amounts are whole cents (bigint in the
 * database, read as float8: exact below 2^53 cents). Every change is recorded in the request's transaction.
 */
import { cached, type Cache } from '../../platform/cache/cache.js';
import type { CacheInvalidation } from '../../platform/cache/invalidation.js';
import type { BusEvent } from '../../platform/events/bus.js';
import { randomUUID } from 'node:crypto';
import type {
  BudgetLine,
  BudgetSummary,
  BurnWeek,
  CreateBudgetLineBody,
  CreateSpendBody,
  Page,
  SpendEntry,
  UpdateBudgetLineBody,
  UpdateSpendBody,
} from '@akashic/contracts';
import type { Tx } from '../../db/index.js';
import { isoDate, isoTimestamp, keysetPage } from '../../db/keyset.js';
import { AppError, notFound, staleVersion } from '../../platform/errors.js';
import { recorder, type Recorder } from './campaigns.js';

/** A campaign keeps at most this many budget lines (they are all returned with the campaign). */
export const MAX_BUDGET_LINES = 200;

const LINE_COLUMNS = `l.id, l.campaign_id AS "campaignId", l.category, l.planned_cents::float8 AS "plannedCents",
  coalesce(s.spent, 0)::float8 AS "spentCents", (l.planned_cents - coalesce(s.spent, 0))::float8 AS "remainingCents",
  ${isoTimestamp('l.created_at')} AS "createdAt", ${isoTimestamp('l.updated_at')} AS "updatedAt", l.version`;
/** Lines of campaign $2 in org $1 with what was spent from each. */
const LINES_FROM = `campaign_budget_lines l LEFT JOIN (
    SELECT line_id, sum(amount_cents) AS spent FROM campaign_spend_entries
     WHERE org_id = $1 AND campaign_id = $2 GROUP BY line_id
  ) s ON s.line_id = l.id`;

const SPEND_COLUMNS = `id, campaign_id AS "campaignId", line_id AS "lineId", amount_cents::float8 AS "amountCents",
  ${isoDate('spent_on')} AS "spentOn", vendor, memo, created_by AS "createdBy",
  ${isoTimestamp('created_at')} AS "createdAt", ${isoTimestamp('updated_at')} AS "updatedAt", version`;

const lineView = (l: BudgetLine) => ({
  id: l.id,
  campaignId: l.campaignId,
  category: l.category,
  plannedCents: l.plannedCents,
  version: l.version,
});
const recordLine = recorder('budget_line', lineView);
const spendView = (s: SpendEntry) => ({
  id: s.id,
  campaignId: s.campaignId,
  lineId: s.lineId,
  amountCents: s.amountCents,
  spentOn: s.spentOn,
  vendor: s.vendor,
  version: s.version,
});
const recordSpend = recorder('spend_entry', spendView);

async function readLines(tx: Tx, orgId: string, campaignId: string, lineId?: string): Promise<BudgetLine[]> {
  const r = await tx.client.query<BudgetLine>(
    `SELECT ${LINE_COLUMNS} FROM ${LINES_FROM}
      WHERE l.org_id = $1 AND l.campaign_id = $2${lineId ? ' AND l.id = $3' : ''}
      ORDER BY lower(l.category), l.id`,
    lineId ? [orgId, campaignId, lineId] : [orgId, campaignId],
  );
  return r.rows;
}

const dayMs = 86_400_000;
const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * dayMs).toISOString().slice(0, 10);

/** Weekly spend from the first week with spend to the last, the weeks between included as 0. */
function burnOf(weeks: { week: string; spent: number }[]): BurnWeek[] {
  const out: BurnWeek[] = [];
  const spent = new Map(weeks.map((w) => [w.week, w.spent]));
  let total = 0;
  const last = weeks[weeks.length - 1]?.week;
  for (let week = weeks[0]?.week; week !== undefined && last !== undefined && week <= last; week = addDays(week, 7)) {
    const s = spent.get(week) ?? 0;
    total += s;
    out.push({ weekStart: week, spentCents: s, cumulativeCents: total });
  }
  return out;
}

export async function budgetSummary(tx: Tx, orgId: string, campaignId: string): Promise<BudgetSummary> {
  const lines = await readLines(tx, orgId, campaignId);
  const weeks = await tx.client.query<{ week: string; spent: number }>(
    `SELECT ${isoDate(`date_trunc('week', spent_on)`)} AS week, sum(amount_cents)::float8 AS spent
       FROM campaign_spend_entries WHERE org_id = $1 AND campaign_id = $2 GROUP BY 1 ORDER BY 1`,
    [orgId, campaignId],
  );
  const plannedCents = lines.reduce((a, l) => a + l.plannedCents, 0);
  const spentCents = lines.reduce((a, l) => a + l.spentCents, 0);
  return { plannedCents, spentCents, remainingCents: plannedCents - spentCents, lines, burn: burnOf(weeks.rows) };
}

/** Refuses a category another line of the campaign already has (case-insensitively). */
async function checkCategory(tx: Tx, orgId: string, campaignId: string, category: string, except?: string) {
  const r = await tx.client.query(
    `SELECT 1 FROM campaign_budget_lines
      WHERE org_id = $1 AND campaign_id = $2 AND lower(category) = lower($3) AND id IS DISTINCT FROM $4`,
    [orgId, campaignId, category, except ?? null],
  );
  if (r.rowCount) throw new AppError('conflict', `The campaign already has a budget line "${category}"`);
}

export async function createBudgetLine(
  tx: Tx,
  orgId: string,
  campaignId: string,
  body: CreateBudgetLineBody,
  record: Recorder,
): Promise<BudgetLine> {
  const n = await tx.client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM campaign_budget_lines WHERE org_id = $1 AND campaign_id = $2',
    [orgId, campaignId],
  );
  if (n.rows[0]!.n >= MAX_BUDGET_LINES) {
    throw new AppError('conflict', `A campaign has at most ${MAX_BUDGET_LINES} budget lines`);
  }
  await checkCategory(tx, orgId, campaignId, body.category);
  const id = randomUUID();
  await tx.client.query(
    'INSERT INTO campaign_budget_lines (id, org_id, campaign_id, category, planned_cents) VALUES ($1, $2, $3, $4, $5)',
    [id, orgId, campaignId, body.category, body.plannedCents],
  );
  const line = (await readLines(tx, orgId, campaignId, id))[0]!;
  await recordLine(record, 'budget_line.created', id, { after: line });
  return line;
}

/** The line, locked for a change; a missing line (or another campaign's) is a 404. */
async function lockLine(tx: Tx, orgId: string, campaignId: string, id: string): Promise<BudgetLine> {
  const r = await tx.client.query(
    'SELECT 1 FROM campaign_budget_lines WHERE org_id = $1 AND campaign_id = $2 AND id = $3 FOR UPDATE',
    [orgId, campaignId, id],
  );
  if (!r.rowCount) throw notFound('Budget line');
  return (await readLines(tx, orgId, campaignId, id))[0]!;
}

export async function updateBudgetLine(
  tx: Tx,
  orgId: string,
  campaignId: string,
  id: string,
  body: UpdateBudgetLineBody,
  record: Recorder,
): Promise<BudgetLine> {
  const before = await lockLine(tx, orgId, campaignId, id);
  if (before.version !== body.version) throw staleVersion('budget line', body.version, before.version);
  if (body.category !== undefined) await checkCategory(tx, orgId, campaignId, body.category, id);
  await tx.client.query(
    `UPDATE campaign_budget_lines SET category = $4, planned_cents = $5, version = version + 1, updated_at = now()
      WHERE org_id = $1 AND campaign_id = $2 AND id = $3`,
    [orgId, campaignId, id, body.category ?? before.category, body.plannedCents ?? before.plannedCents],
  );
  const after = (await readLines(tx, orgId, campaignId, id))[0]!;
  await recordLine(record, 'budget_line.updated', id, { before, after });
  return after;
}

export async function deleteBudgetLine(
  tx: Tx,
  orgId: string,
  campaignId: string,
  id: string,
  record: Recorder,
): Promise<void> {
  const before = await lockLine(tx, orgId, campaignId, id);
  const n = await tx.client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM campaign_spend_entries WHERE org_id = $1 AND campaign_id = $2 AND line_id = $3',
    [orgId, campaignId, id],
  );
  const entries = n.rows[0]!.n;
  if (entries > 0) {
    throw new AppError(
      'conflict',
      `The budget line has ${entries} spend ${entries === 1 ? 'entry' : 'entries'}: delete them or move them to ` +
        'another line first',
    );
  }
  await tx.client.query('DELETE FROM campaign_budget_lines WHERE org_id = $1 AND campaign_id = $2 AND id = $3', [
    orgId,
    campaignId,
    id,
  ]);
  await recordLine(record, 'budget_line.deleted', id, { before });
}

// ---- spend -----------------------------------------------------------------------------------------------------

/** The line spend is booked to must be one of the campaign's (another's, or a missing one, is a 404). */
async function checkLine(tx: Tx, orgId: string, campaignId: string, lineId: string): Promise<void> {
  const r = await tx.client.query(
    'SELECT 1 FROM campaign_budget_lines WHERE org_id = $1 AND campaign_id = $2 AND id = $3 FOR KEY SHARE',
    [orgId, campaignId, lineId],
  );
  if (!r.rowCount) throw notFound('Budget line');
}

async function readSpend(tx: Tx, orgId: string, campaignId: string, id: string, lock = false) {
  const r = await tx.client.query<SpendEntry>(
    `SELECT ${SPEND_COLUMNS} FROM campaign_spend_entries WHERE org_id = $1 AND campaign_id = $2 AND id = $3
     ${lock ? 'FOR UPDATE' : ''}`,
    [orgId, campaignId, id],
  );
  return r.rows[0];
}

export async function listSpend(
  tx: Tx,
  orgId: string,
  campaignId: string,
  q: { limit: number; cursor?: string | undefined; lineId?: string | undefined },
): Promise<Page<SpendEntry>> {
  return keysetPage<SpendEntry>(tx, {
    columns: SPEND_COLUMNS,
    from: 'campaign_spend_entries',
    where: 'org_id = $1 AND campaign_id = $2',
    params: [orgId, campaignId],
    equal: { line_id: q.lineId },
    key: { column: 'spent_on', type: 'date' },
    id: 'id',
    limit: q.limit,
    cursor: q.cursor,
  });
}

export async function createSpend(
  tx: Tx,
  orgId: string,
  userId: string,
  campaignId: string,
  body: CreateSpendBody,
  record: Recorder,
): Promise<SpendEntry> {
  await checkLine(tx, orgId, campaignId, body.lineId);
  const id = randomUUID();
  await tx.client.query(
    `INSERT INTO campaign_spend_entries (id, org_id, campaign_id, line_id, amount_cents, spent_on, vendor, memo, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [id, orgId, campaignId, body.lineId, body.amountCents, body.spentOn, body.vendor, body.memo ?? null, userId],
  );
  const entry = (await readSpend(tx, orgId, campaignId, id))!;
  await recordSpend(record, 'spend.recorded', id, { after: entry });
  return entry;
}

export async function updateSpend(
  tx: Tx,
  orgId: string,
  campaignId: string,
  id: string,
  body: UpdateSpendBody,
  record: Recorder,
): Promise<SpendEntry> {
  const before = await readSpend(tx, orgId, campaignId, id, true);
  if (!before) throw notFound('Spend entry');
  if (before.version !== body.version) throw staleVersion('spend entry', body.version, before.version);
  if (body.lineId !== undefined) await checkLine(tx, orgId, campaignId, body.lineId);
  await tx.client.query(
    `UPDATE campaign_spend_entries
        SET line_id = $4, amount_cents = $5, spent_on = $6, vendor = $7, memo = $8, version = version + 1,
            updated_at = now()
      WHERE org_id = $1 AND campaign_id = $2 AND id = $3`,
    [
      orgId,
      campaignId,
      id,
      body.lineId ?? before.lineId,
      body.amountCents ?? before.amountCents,
      body.spentOn ?? before.spentOn,
      body.vendor ?? before.vendor,
      body.memo !== undefined ? body.memo : before.memo,
    ],
  );
  const after = (await readSpend(tx, orgId, campaignId, id))!;
  await recordSpend(record, 'spend.updated', id, { before, after });
  return after;
}

export async function deleteSpend(
  tx: Tx,
  orgId: string,
  campaignId: string,
  id: string,
  record: Recorder,
): Promise<void> {
  const r = await tx.client.query<SpendEntry>(
    `DELETE FROM campaign_spend_entries WHERE org_id = $1 AND campaign_id = $2 AND id = $3 RETURNING ${SPEND_COLUMNS}`,
    [orgId, campaignId, id],
  );
  const before = r.rows[0];
  if (!before) throw notFound('Spend entry');
  await recordSpend(record, 'spend.deleted', id, { before });
}

/**
 * The budget summary is read with every campaign page: cached (platform/cache), made stale by the campaign's
 * budget-line and spend events (src/consumers.ts `cacheInvalidations`). The TTL bounds staleness should an event
 * be late.
 */
export const budgetCacheKey = (orgId: string, campaignId: string) => `campaign-budget:${orgId}:${campaignId}`;
const BUDGET_CACHE_TTL_MS = 60_000;

export function cachedBudgetSummary(cache: Cache, tx: Tx, orgId: string, campaignId: string): Promise<BudgetSummary> {
  return cached(cache, budgetCacheKey(orgId, campaignId), BUDGET_CACHE_TTL_MS, () =>
    budgetSummary(tx, orgId, campaignId),
  );
}

const campaignOf = (event: BusEvent): string | undefined => {
  for (const side of ['after', 'before'] as const) {
    const id = (event.payload[side] as { campaignId?: unknown } | undefined)?.campaignId;
    if (typeof id === 'string') return id;
  }
  return undefined;
};

export const budgetCacheInvalidations: CacheInvalidation[] = ['budget_line', 'spend'].map((entity) => ({
  filter: { module: 'campaigns', entity },
  keys: (event) => {
    const campaignId = campaignOf(event);
    return campaignId ? [budgetCacheKey(event.orgId, campaignId)] : [];
  },
}));

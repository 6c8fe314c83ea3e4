/**
 * Campaigns: create, read, list, update (with archive and restore) and delete. Every change is recorded (audit
 * entry + outbox event, `campaigns.campaign.*`) in the request's transaction; updates carry the version they were
 * based on. Jurisdictions are checked against the shipped reference data.
 */
import { randomUUID } from 'node:crypto';
import type {
  Campaign,
  CampaignStatus,
  CampaignType,
  CreateCampaignBody,
  Jurisdiction,
  Page,
  UpdateCampaignBody,
} from '@akashic/contracts';
import type { Tx } from '../../db/index.js';
import { isoDate, isoTimestamp, keysetPage } from '../../db/keyset.js';
import type { RecordInput } from '../../platform/audit/record.js';
import { AppError, staleVersion, type FieldError } from '../../platform/errors.js';

export type Recorder = (change: Omit<RecordInput, 'orgId' | 'actor' | 'meta'>) => Promise<void>;

const MODULE = 'campaigns';

/** A campaign with the acting member's team role; `$2` is the acting user. */
const COLUMNS = `c.id, c.name, c.type, c.jurisdiction, ${isoDate('c.election_date')} AS "electionDate", c.status,
  c.win_margin AS "winMargin", c.vote_goal_override AS "voteGoalOverride", c.created_by AS "createdBy",
  ${isoTimestamp('c.created_at')} AS "createdAt", ${isoTimestamp('c.updated_at')} AS "updatedAt", c.version,
  t.role AS "myRole"`;
const FROM = 'campaigns c LEFT JOIN campaign_team t ON t.campaign_id = c.id AND t.user_id = $2';

/**
 * Records changes of one kind of thing (`type`, described by `view`): the audit entry and the
 * `campaigns.<action>` event, with what it was before and what it is after.
 */
export function recorder<T>(type: string, view: (x: T) => unknown) {
  return (record: Recorder, action: string, id: string, change: { before?: T; after?: T }) =>
    record({
      module: MODULE,
      action,
      target: { type, id },
      ...(change.before !== undefined ? { before: view(change.before) } : {}),
      ...(change.after !== undefined ? { after: view(change.after) } : {}),
    });
}

/** What audit entries and events carry about a campaign. */
const view = (c: Campaign) => ({
  id: c.id,
  name: c.name,
  type: c.type,
  jurisdiction: c.jurisdiction,
  electionDate: c.electionDate,
  status: c.status,
  winMargin: c.winMargin,
  voteGoalOverride: c.voteGoalOverride,
  version: c.version,
});
const recordCampaign = recorder('campaign', view);

/** Team changes are changes of the campaign: who is on it, with which campaign role. */
export const recordTeam = recorder('campaign', (m: { campaignId: string; userId: string; role: string }) => m);

/** The campaign `id` of the org with `userId`'s team role, optionally locked; undefined when there is none. */
export async function readCampaign(
  tx: Tx,
  orgId: string,
  userId: string,
  id: string,
  lock: 'update' | 'share' | null = null,
): Promise<Campaign | undefined> {
  const r = await tx.client.query<Campaign>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE c.org_id = $1 AND c.id = $3${lock ? ` FOR ${lock.toUpperCase()} OF c` : ''}`,
    [orgId, userId, id],
  );
  return r.rows[0];
}

/** Field errors for a jurisdiction the shipped reference data does not know (`at` locates it: `body.jurisdiction`). */
async function jurisdictionErrors(tx: Tx, j: Jurisdiction, at: string): Promise<FieldError[]> {
  if (j.kind !== 'counties') {
    const r = await tx.client.query('SELECT 1 FROM reference_state_results WHERE state = $1 LIMIT 1', [j.state]);
    return r.rowCount ? [] : [{ field: `${at}.state`, message: 'is not a state in the shipped reference data' }];
  }
  const r = await tx.client.query<{ fips: string; year: number }>(
    `SELECT fips, year FROM reference_county_results
      WHERE year = (SELECT max(year) FROM reference_county_results) AND fips = ANY($1::text[])`,
    [j.counties],
  );
  const known = new Set(r.rows.map((x) => x.fips));
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  j.counties.forEach((fips, i) => {
    const field = `${at}.counties.${i}`;
    if (seen.has(fips)) errors.push({ field, message: 'is listed twice' });
    else if (!known.has(fips)) errors.push({ field, message: 'is not a county in the latest shipped results' });
    seen.add(fips);
  });
  return errors;
}

async function checkJurisdiction(tx: Tx, j: Jurisdiction): Promise<void> {
  const fields = await jurisdictionErrors(tx, j, 'body.jurisdiction');
  if (fields.length)
    throw new AppError('validation_failed', 'The jurisdiction is not in the reference data', { fields });
}

/** Creates the campaign with its creator as the campaign's manager. */
/**
 * `creator` becomes the campaign's manager when they are a member; an organization API key (no membership) creates
 * a campaign without joining its team.
 */
export async function createCampaign(
  tx: Tx,
  orgId: string,
  creator: { userId: string; member: boolean },
  body: CreateCampaignBody,
  record: Recorder,
): Promise<Campaign> {
  const { userId } = creator;
  await checkJurisdiction(tx, body.jurisdiction);
  const id = randomUUID();
  await tx.client.query(
    `INSERT INTO campaigns (id, org_id, name, type, jurisdiction, election_date, win_margin, vote_goal_override, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      id,
      orgId,
      body.name,
      body.type,
      JSON.stringify(body.jurisdiction),
      body.electionDate,
      body.winMargin ?? 0,
      body.voteGoalOverride ?? null,
      userId,
    ],
  );
  if (creator.member) {
    await tx.client.query(
      `INSERT INTO campaign_team (org_id, campaign_id, user_id, role) VALUES ($1, $2, $3, 'manager')`,
      [orgId, id, userId],
    );
  }
  const c = (await readCampaign(tx, orgId, userId, id))!;
  await recordCampaign(record, 'campaign.created', id, { after: c });
  if (creator.member) {
    await recordTeam(record, 'campaign.member_added', id, { after: { campaignId: id, userId, role: 'manager' } });
  }
  return c;
}

export async function listCampaigns(
  tx: Tx,
  orgId: string,
  userId: string,
  q: {
    limit: number;
    cursor?: string | undefined;
    status?: CampaignStatus | undefined;
    type?: CampaignType | undefined;
    /** Every campaign of the org, or only those `userId` is on the team of. */
    all: boolean;
  },
): Promise<Page<Campaign>> {
  return keysetPage<Campaign>(tx, {
    columns: COLUMNS,
    from: FROM,
    // Members who may not see every campaign see those they are on the team of.
    where: q.all ? 'c.org_id = $1' : 'c.org_id = $1 AND t.user_id IS NOT NULL',
    params: [orgId, userId],
    equal: { 'c.status': q.status, 'c.type': q.type },
    key: { column: 'c.created_at', type: 'timestamptz' },
    id: 'c.id',
    limit: q.limit,
    cursor: q.cursor,
  });
}

/**
 * Changes `before` (read and locked by the caller). An archived campaign only changes when the same request
 * restores it.
 */
export async function updateCampaign(
  tx: Tx,
  orgId: string,
  userId: string,
  before: Campaign,
  body: UpdateCampaignBody,
  record: Recorder,
): Promise<Campaign> {
  if (before.version !== body.version) throw staleVersion('campaign', body.version, before.version);
  const status = body.status ?? before.status;
  if (before.status === 'archived' && status === 'archived') {
    throw new AppError('conflict', 'The campaign is archived: restore it (status "active") to change it');
  }
  if (body.jurisdiction) await checkJurisdiction(tx, body.jurisdiction);
  await tx.client.query(
    `UPDATE campaigns
        SET name = $3, type = $4, jurisdiction = $5, election_date = $6, status = $7, win_margin = $8,
            vote_goal_override = $9, version = version + 1, updated_at = now()
      WHERE org_id = $1 AND id = $2`,
    [
      orgId,
      before.id,
      body.name ?? before.name,
      body.type ?? before.type,
      JSON.stringify(body.jurisdiction ?? before.jurisdiction),
      body.electionDate ?? before.electionDate,
      status,
      body.winMargin ?? before.winMargin,
      body.voteGoalOverride !== undefined ? body.voteGoalOverride : before.voteGoalOverride,
    ],
  );
  const after = (await readCampaign(tx, orgId, userId, before.id))!;
  const action =
    status === before.status ? 'campaign.updated' : status === 'archived' ? 'campaign.archived' : 'campaign.restored';
  await recordCampaign(record, action, before.id, { before, after });
  return after;
}

/** Deletes the campaign (read and locked by the caller) with its budget, spend and team. */
export async function deleteCampaign(tx: Tx, orgId: string, c: Campaign, record: Recorder): Promise<void> {
  await tx.client.query('DELETE FROM campaigns WHERE org_id = $1 AND id = $2', [orgId, c.id]);
  await recordCampaign(record, 'campaign.deleted', c.id, { before: c });
}

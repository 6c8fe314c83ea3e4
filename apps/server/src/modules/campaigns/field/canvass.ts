/**
 * Canvass results. Each is a door contact in the voter's contact history (voter_contacts, channel `door`, its
 * outcome mapped below so the voter's contact status follows) plus the canvass detail (canvass_results, same id).
 * The device's `clientId` makes a submission idempotent: the same id with the same body returns the stored result,
 * the same id with another body is a 409. A batch (a phone back online) is applied all or nothing.
 */
import { createHash } from 'node:crypto';
import type { CanvassResult, CanvassResultBody, ContactOutcome } from '@akashic/contracts';
import type { Tx } from '../../../db/index.js';
import { isoTimestamp } from '../../../db/keyset.js';
import { AppError, type FieldError } from '../../../platform/errors.js';
import { canonicalJson } from '../../../platform/crypto.js';
import { recorder, type Recorder } from '../campaigns.js';
import { insertContact } from '../voters/voters.js';

export const CANVASS_COLUMNS = `r.id, r.client_id AS "clientId", r.voter_id AS "voterId", r.turf_id AS "turfId", r.outcome,
  r.support_level AS "supportLevel", r.issues, r.notes, r.canvasser_id AS "canvasserId",
  ${isoTimestamp('r.recorded_at')} AS "recordedAt", ${isoTimestamp('r.received_at')} AS "receivedAt"`;

/**
 * The contact outcome a canvass outcome writes. Support levels follow the usual 1–5 ID scale: 1–2 supporter,
 * 3 undecided, 4–5 opposed; contacted without a level is a conversation.
 */
export function contactOutcomeOf(r: Pick<CanvassResultBody, 'outcome' | 'supportLevel'>): ContactOutcome {
  switch (r.outcome) {
    case 'contacted':
      if (r.supportLevel == null) return 'talked';
      return r.supportLevel <= 2 ? 'supporter' : r.supportLevel === 3 ? 'undecided' : 'opposed';
    case 'refused':
      return 'refused';
    case 'moved':
    case 'wrong_address':
      return 'moved';
    case 'deceased':
      return 'do_not_contact';
    case 'not_home':
    case 'inaccessible':
    case 'other':
      return 'no_answer';
  }
}

/** The body as stored for comparison: defaults filled in, the time normalized, issues as given. */
function normalized(b: CanvassResultBody) {
  return {
    clientId: b.clientId,
    voterId: b.voterId,
    turfId: b.turfId ?? null,
    outcome: b.outcome,
    supportLevel: b.supportLevel ?? null,
    issues: b.issues ?? [],
    notes: b.notes ?? null,
    recordedAt: new Date(b.recordedAt).toISOString(),
  };
}

const hashOf = (b: CanvassResultBody) =>
  createHash('sha256')
    .update(canonicalJson(normalized(b)))
    .digest('hex');

const recordResult = recorder('canvass_result', (r: CanvassResult) => r);

async function readResult(tx: Tx, orgId: string, id: string): Promise<CanvassResult> {
  const r = await tx.client.query<CanvassResult>(
    `SELECT ${CANVASS_COLUMNS} FROM canvass_results r WHERE r.org_id = $1 AND r.id = $2`,
    [orgId, id],
  );
  return r.rows[0]!;
}

/** Field errors for voters and turfs that are not the campaign's (`at(i)` locates item i: `body.results.3`). */
async function referenceErrors(
  tx: Tx,
  orgId: string,
  campaignId: string,
  items: CanvassResultBody[],
  at: (i: number) => string,
): Promise<FieldError[]> {
  const voters = await tx.client.query<{ id: string }>(
    'SELECT id FROM voters WHERE org_id = $1 AND campaign_id = $2 AND id = ANY($3::uuid[])',
    [orgId, campaignId, [...new Set(items.map((r) => r.voterId))]],
  );
  const turfIds = [...new Set(items.flatMap((r) => (r.turfId ? [r.turfId] : [])))];
  const turfs = turfIds.length
    ? await tx.client.query<{ id: string }>(
        'SELECT id FROM field_turfs WHERE org_id = $1 AND campaign_id = $2 AND id = ANY($3::uuid[])',
        [orgId, campaignId, turfIds],
      )
    : { rows: [] };
  const knownVoters = new Set(voters.rows.map((r) => r.id));
  const knownTurfs = new Set(turfs.rows.map((r) => r.id));
  const errors: FieldError[] = [];
  items.forEach((r, i) => {
    if (!knownVoters.has(r.voterId))
      errors.push({ field: `${at(i)}.voterId`, message: 'no such voter in this campaign' });
    if (r.turfId && !knownTurfs.has(r.turfId))
      errors.push({ field: `${at(i)}.turfId`, message: 'no such turf in this campaign' });
  });
  return errors;
}

/**
 * Applies canvass results in order, in the caller's transaction. A client id seen before returns its stored result
 * (or, with a different body, fails the whole call with 409 naming the item); nothing is written unless every item
 * is valid.
 */
export async function recordCanvass(
  tx: Tx,
  orgId: string,
  userId: string,
  campaignId: string,
  items: CanvassResultBody[],
  at: (i: number) => string,
  record: Recorder,
): Promise<CanvassResult[]> {
  const errors = await referenceErrors(tx, orgId, campaignId, items, at);
  if (errors.length)
    throw new AppError('validation_failed', 'Some canvass results name unknown voters or turfs', { fields: errors });
  // Submissions of the same client ids (a retry racing the original) wait for each other here, in a fixed order.
  const clientIds = [...new Set(items.map((r) => r.clientId))].sort();
  await tx.client.query(
    `SELECT pg_advisory_xact_lock(hashtextextended($1 || ':' || c, 0)) FROM unnest($2::text[]) c ORDER BY c`,
    [campaignId, clientIds],
  );
  const seen = await tx.client.query<{ clientId: string; id: string; bodyHash: string }>(
    `SELECT client_id AS "clientId", id, body_hash AS "bodyHash" FROM canvass_results
      WHERE org_id = $1 AND campaign_id = $2 AND client_id = ANY($3::uuid[])`,
    [orgId, campaignId, clientIds],
  );
  const known = new Map(seen.rows.map((r) => [r.clientId, r]));
  const conflicts: FieldError[] = [];
  items.forEach((item, i) => {
    const prior = known.get(item.clientId);
    const hash = hashOf(item);
    if (prior && prior.bodyHash !== hash)
      conflicts.push({ field: `${at(i)}.clientId`, message: 'was already used for a different result' });
    else if (!prior) known.set(item.clientId, { clientId: item.clientId, id: '', bodyHash: hash });
  });
  if (conflicts.length)
    throw new AppError('conflict', 'A client id was already used for a different canvass result', {
      fields: conflicts,
    });

  const out: CanvassResult[] = [];
  for (const item of items) {
    const prior = known.get(item.clientId)!;
    if (prior.id) {
      out.push(await readResult(tx, orgId, prior.id));
      continue;
    }
    const b = normalized(item);
    const contact = await insertContact(tx, orgId, userId, campaignId, item.voterId, {
      channel: 'door',
      outcome: contactOutcomeOf(item),
      note: b.notes,
      contactedAt: b.recordedAt,
    });
    await tx.client.query(
      `INSERT INTO canvass_results (id, org_id, campaign_id, client_id, voter_id, turf_id, outcome, support_level,
         issues, notes, canvasser_id, recorded_at, body_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
      [
        contact!.id,
        orgId,
        campaignId,
        b.clientId,
        b.voterId,
        b.turfId,
        b.outcome,
        b.supportLevel,
        b.issues,
        b.notes,
        userId,
        b.recordedAt,
        prior.bodyHash,
      ],
    );
    prior.id = contact!.id;
    const result = await readResult(tx, orgId, contact!.id);
    await recordResult(record, 'canvass_result.recorded', result.id, { after: result });
    out.push(result);
  }
  return out;
}

/**
 * Bulk writes of a campaign's voters without a sync change log row per voter.
 *
 * A voter-file import of a million rows would append a million rows to `sync_changes` through the voters trigger
 * (half again the upsert's own time, and a log nearly as large as the table), and every device would then pull those
 * changes a thousand at a time. Instead, a large import runs its upsert with the campaign named in the
 * transaction-local setting `akashic.sync_bulk_campaign` (the trigger skips that campaign's voters: drizzle migration
 * `sync_bulk_writes`) and bumps the campaign's epoch in `sync_epochs` in the same transaction. The epoch is part of
 * every cursor's scope fingerprint (pull.ts), so each device's next pull is a reset: a full copy in large pages,
 * imported voters included. Small imports keep their per-voter log rows: a handful of changes beats a full copy.
 */
import type { Tx } from '../../../db/index.js';

/** Imports of at least this many rows write their voters in bulk (a reset for every device of the campaign). */
export const BULK_VOTER_ROWS = 5000;

const SETTING = 'akashic.sync_bulk_campaign';

/** Runs `write` (a statement writing the campaign's voters) unlogged, and bumps the campaign's sync epoch. */
export async function bulkVoterWrite<T>(
  tx: Tx,
  orgId: string,
  campaignId: string,
  write: () => Promise<T>,
): Promise<T> {
  await tx.client.query('SELECT set_config($1, $2, true)', [SETTING, campaignId]);
  const reset = () => tx.client.query(`SELECT set_config($1, '', true)`, [SETTING]);
  let out: T;
  try {
    out = await write();
  } catch (err) {
    // The write's own error is the one to report: after a failed statement the transaction refuses every other
    // ("current transaction is aborted"), and the setting is transaction-local, gone with the rollback anyway.
    await reset().catch(() => undefined);
    throw err;
  }
  await reset();
  await tx.client.query(
    `INSERT INTO sync_epochs (org_id, campaign_id, epoch) VALUES ($1, $2, 1)
     ON CONFLICT (org_id, campaign_id) DO UPDATE SET epoch = sync_epochs.epoch + 1, bumped_at = now()`,
    [orgId, campaignId],
  );
  return out;
}

/** The campaign's sync epoch (0 before any bulk write). */
export async function syncEpoch(tx: Tx, orgId: string, campaignId: string): Promise<number> {
  const r = await tx.client.query<{ epoch: number }>(
    'SELECT epoch FROM sync_epochs WHERE org_id = $1 AND campaign_id = $2',
    [orgId, campaignId],
  );
  return r.rows[0]?.epoch ?? 0;
}

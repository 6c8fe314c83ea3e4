-- Row-level security applies to the table's owner too (drizzle-kit cannot express FORCE; see 0001_force_rls.sql).
ALTER TABLE "sync_horizons" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- Sync log retention (platform/maintenance/worker.ts, SYNC_CHANGE_RETENTION_DAYS). The application may only append to
-- sync_changes (db/roles.ts APPEND_ONLY) and only read sync_horizons: this function, run as its owner, deletes at most
-- `max_rows` log rows logged before `before`, of every organization, and raises each affected campaign's horizon to the
-- newest transaction it deleted rows of, in the same statement: a pull that finds its cursor's snapshot may not have
-- seen that transaction answers a reset (modules/campaigns/sync/pull.ts), never a silent gap. It returns the number
-- of rows deleted, nothing of their data. EXECUTE is revoked from PUBLIC here and granted to the application role
-- alone by db/roles.ts.
CREATE FUNCTION sync_purge_changes(before timestamptz, max_rows integer) RETURNS integer
LANGUAGE sql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  WITH gone AS (
    DELETE FROM public.sync_changes
     WHERE seq IN (SELECT seq FROM public.sync_changes WHERE created_at < before LIMIT max_rows)
    RETURNING org_id, campaign_id, txid
  ), raised AS (
    INSERT INTO public.sync_horizons AS h (org_id, campaign_id, purged_txid)
    SELECT org_id, campaign_id, max(txid) FROM gone GROUP BY org_id, campaign_id
    ON CONFLICT (org_id, campaign_id)
      DO UPDATE SET purged_txid = greatest(h.purged_txid, EXCLUDED.purged_txid), purged_at = now()
    RETURNING 1
  )
  SELECT count(*)::integer FROM gone;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION sync_purge_changes(timestamptz, integer) FROM PUBLIC;

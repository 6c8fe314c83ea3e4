-- Row-level security applies to the table's owner too (drizzle-kit cannot express FORCE; see 0001_force_rls.sql).
ALTER TABLE "sync_epochs" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- Bulk voter writes (modules/campaigns/sync/bulk.ts): a large voter-file import writes its campaign's voters without a
-- change log row per voter; it bumps the campaign's sync epoch in the same transaction instead, and every cursor of
-- the campaign starts a reset. The import names the campaign in the transaction-local setting
-- `akashic.sync_bulk_campaign` around its upsert: voters of that campaign are not logged while it is set; every
-- other table, and other campaigns' voters, are logged as before (0028_sync_force_rls.sql).
CREATE OR REPLACE FUNCTION sync_log_changes() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  EXECUTE format(
    'INSERT INTO public.sync_changes (org_id, campaign_id, entity, entity_id)
       SELECT DISTINCT org_id, campaign_id, %L, entity_id
         FROM (SELECT changed.org_id, %s AS campaign_id, %s AS entity_id FROM changed) c
        WHERE campaign_id IS NOT NULL %s',
    TG_ARGV[0], TG_ARGV[2], TG_ARGV[1],
    CASE WHEN TG_ARGV[0] = 'voter'
      THEN 'AND campaign_id IS DISTINCT FROM nullif(current_setting(''akashic.sync_bulk_campaign'', true), '''')::uuid'
      ELSE '' END);
  RETURN NULL;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION sync_log_changes() FROM PUBLIC;

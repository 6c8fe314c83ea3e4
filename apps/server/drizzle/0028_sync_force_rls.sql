-- Row-level security applies to the tables' owner too (drizzle-kit cannot express FORCE; see 0001_force_rls.sql).
ALTER TABLE "sync_clients" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sync_rejections" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sync_changes" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- The sync change log (modules/campaigns/sync/schema.ts): every statement that writes a replicated table appends
-- (org, campaign, entity, id) for the rows it wrote, stamped with the writing transaction's id by the column default.
-- A statement trigger with a transition table costs one INSERT … SELECT per statement, not one per row. It runs as
-- the writer (SECURITY INVOKER): the row-level security of sync_changes applies, so a transaction can log only its own
-- organization's changes. TG_ARGV: entity kind, id expression, campaign expression (SQL written here, never input);
-- rows whose campaign is gone (a message's versions deleted with it) are skipped: their parent logs the change.
CREATE FUNCTION sync_log_changes() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  EXECUTE format(
    'INSERT INTO public.sync_changes (org_id, campaign_id, entity, entity_id)
       SELECT DISTINCT org_id, campaign_id, %L, entity_id
         FROM (SELECT changed.org_id, %s AS campaign_id, %s AS entity_id FROM changed) c
        WHERE campaign_id IS NOT NULL',
    TG_ARGV[0], TG_ARGV[2], TG_ARGV[1]);
  RETURN NULL;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION sync_log_changes() FROM PUBLIC;--> statement-breakpoint
CREATE TRIGGER field_turfs_sync_turf_insert AFTER INSERT ON "field_turfs" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('turf', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER field_turfs_sync_turf_update AFTER UPDATE ON "field_turfs" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('turf', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER field_turfs_sync_turf_delete AFTER DELETE ON "field_turfs" REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('turf', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER field_events_sync_event_insert AFTER INSERT ON "field_events" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('event', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER field_events_sync_event_update AFTER UPDATE ON "field_events" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('event', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER field_events_sync_event_delete AFTER DELETE ON "field_events" REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('event', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER field_rsvps_sync_rsvp_insert AFTER INSERT ON "field_rsvps" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('rsvp', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER field_rsvps_sync_rsvp_update AFTER UPDATE ON "field_rsvps" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('rsvp', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER field_rsvps_sync_rsvp_delete AFTER DELETE ON "field_rsvps" REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('rsvp', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER field_rsvps_sync_event_insert AFTER INSERT ON "field_rsvps" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('event', 'event_id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER field_rsvps_sync_event_update AFTER UPDATE ON "field_rsvps" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('event', 'event_id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER field_rsvps_sync_event_delete AFTER DELETE ON "field_rsvps" REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('event', 'event_id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER voters_sync_voter_insert AFTER INSERT ON "voters" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('voter', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER voters_sync_voter_update AFTER UPDATE ON "voters" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('voter', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER voters_sync_voter_delete AFTER DELETE ON "voters" REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('voter', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER canvass_results_sync_canvass_result_insert AFTER INSERT ON "canvass_results" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('canvass_result', 'client_id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER canvass_results_sync_canvass_result_update AFTER UPDATE ON "canvass_results" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('canvass_result', 'client_id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER canvass_results_sync_canvass_result_delete AFTER DELETE ON "canvass_results" REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('canvass_result', 'client_id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER messages_sync_message_insert AFTER INSERT ON "messages" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('message', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER messages_sync_message_update AFTER UPDATE ON "messages" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('message', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER messages_sync_message_delete AFTER DELETE ON "messages" REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('message', 'id', 'campaign_id');--> statement-breakpoint
CREATE TRIGGER message_versions_sync_message_insert AFTER INSERT ON "message_versions" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('message', 'message_id', '(SELECT m.campaign_id FROM public.messages m WHERE m.org_id = changed.org_id AND m.id = changed.message_id)');--> statement-breakpoint
CREATE TRIGGER message_versions_sync_message_update AFTER UPDATE ON "message_versions" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('message', 'message_id', '(SELECT m.campaign_id FROM public.messages m WHERE m.org_id = changed.org_id AND m.id = changed.message_id)');--> statement-breakpoint
CREATE TRIGGER message_versions_sync_message_delete AFTER DELETE ON "message_versions" REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('message', 'message_id', '(SELECT m.campaign_id FROM public.messages m WHERE m.org_id = changed.org_id AND m.id = changed.message_id)');--> statement-breakpoint
CREATE TRIGGER message_revisions_sync_message_insert AFTER INSERT ON "message_revisions" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('message', 'message_id', '(SELECT m.campaign_id FROM public.messages m WHERE m.org_id = changed.org_id AND m.id = changed.message_id)');--> statement-breakpoint
CREATE TRIGGER message_revisions_sync_message_update AFTER UPDATE ON "message_revisions" REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('message', 'message_id', '(SELECT m.campaign_id FROM public.messages m WHERE m.org_id = changed.org_id AND m.id = changed.message_id)');--> statement-breakpoint
CREATE TRIGGER message_revisions_sync_message_delete AFTER DELETE ON "message_revisions" REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION sync_log_changes('message', 'message_id', '(SELECT m.campaign_id FROM public.messages m WHERE m.org_id = changed.org_id AND m.id = changed.message_id)');

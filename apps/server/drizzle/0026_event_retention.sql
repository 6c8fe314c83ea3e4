-- The maintenance worker (process role `worker`) has no organization: it asks this function which organizations have
-- consumer receipts processed before `receipts_before` or webhook attempts started before `attempts_before`, then
-- deletes them in each organization's own context (RLS applies; platform/maintenance/worker.ts). It runs as its
-- owner to see past RLS and returns organization ids only, nothing of their data. EXECUTE is revoked from PUBLIC
-- here and granted to the application role alone by db/roles.ts.
CREATE FUNCTION event_retention_orgs(receipts_before timestamptz, attempts_before timestamptz) RETURNS SETOF uuid
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT org_id FROM public.consumer_receipts WHERE processed_at < receipts_before
  UNION
  SELECT org_id FROM public.webhook_attempts WHERE started_at < attempts_before;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION event_retention_orgs(timestamptz, timestamptz) FROM PUBLIC;

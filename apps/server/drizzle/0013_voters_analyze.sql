-- Planner statistics after a voter-file import. A million rows written in one transaction leave the planner with
-- none (or stale ones) until autovacuum gets to the table, and the application role cannot ANALYZE a table it does
-- not own. This function runs as its owner (the migrating admin, who owns the tables) and does only that: it takes
-- no argument, reads no tenant data for the caller and returns nothing. EXECUTE is revoked from PUBLIC here and
-- granted to the application role alone by db/roles.ts (the role may not exist yet when migrations run).
CREATE FUNCTION voters_analyze() RETURNS void
LANGUAGE plpgsql
VOLATILE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  ANALYZE public.voters, public.voter_elections;
END;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION voters_analyze() FROM PUBLIC;

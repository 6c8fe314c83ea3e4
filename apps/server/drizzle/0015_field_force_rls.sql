-- Row-level security applies to the tables' owner too (drizzle-kit cannot express FORCE; see 0001_force_rls.sql).
ALTER TABLE "field_turfs" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "field_events" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "field_rsvps" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "field_reminder_deliveries" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "canvass_results" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- The reminder worker (process role `worker`) has no organization: it asks this function which organizations have
-- an event reminder or cancellation notice due, then does the work in each organization's own context (RLS
-- applies). It runs as its owner to see past RLS and returns organization ids only, nothing of their data; the
-- conditions are those of modules/campaigns/field/reminders.ts (DUE_SQL). EXECUTE is revoked from PUBLIC here and
-- granted to the application role alone by db/roles.ts.
CREATE FUNCTION field_reminder_orgs() RETURNS SETOF uuid
LANGUAGE sql
STABLE
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT DISTINCT e.org_id
    FROM public.field_events e
    JOIN public.field_rsvps r ON r.event_id = e.id
   WHERE e.starts_at > now()
     AND (r.response = 'maybe' OR r.seat = 'confirmed' OR (e.status = 'cancelled' AND r.seat = 'waitlisted'))
     AND (
       (e.status = 'cancelled'
         AND NOT EXISTS (SELECT 1 FROM public.field_reminder_deliveries d
                          WHERE d.rsvp_id = r.id AND d.kind = 'cancellation'))
       OR (e.status = 'scheduled'
         AND EXISTS (SELECT 1 FROM unnest(e.reminder_offsets) o WHERE e.starts_at - make_interval(mins => o) <= now())
         AND NOT EXISTS (SELECT 1 FROM public.field_reminder_deliveries d
                          WHERE d.rsvp_id = r.id AND d.kind = 'reminder' AND d.event_starts_at = e.starts_at
                            AND d.offset_minutes = (SELECT min(o) FROM unnest(e.reminder_offsets) o
                                                     WHERE e.starts_at - make_interval(mins => o) <= now())))
     );
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION field_reminder_orgs() FROM PUBLIC;

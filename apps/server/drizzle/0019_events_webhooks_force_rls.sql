-- Row-level security applies to the table's owner too (drizzle-kit cannot express FORCE).
ALTER TABLE "consumer_receipts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- The outbox relay (platform/outbox/relay.ts) LISTENs on akashic_outbox: one notification per inserting statement,
-- delivered at commit (so never for a rolled-back event), identical ones folded within a transaction.
CREATE FUNCTION outbox_notify() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  PERFORM pg_notify('akashic_outbox', '');
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
--> statement-breakpoint
-- Row-level security applies to the tables' owner too (drizzle-kit cannot express FORCE).
ALTER TABLE "webhook_endpoints" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "webhook_attempts" FORCE ROW LEVEL SECURITY;

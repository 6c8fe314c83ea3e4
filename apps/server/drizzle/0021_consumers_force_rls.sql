-- Row-level security applies to the tables' owner too (drizzle-kit cannot express FORCE; see 0001_force_rls.sql).
ALTER TABLE "usage_daily" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notifications" FORCE ROW LEVEL SECURITY;

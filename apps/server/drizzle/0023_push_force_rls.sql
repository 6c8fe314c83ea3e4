-- Row-level security applies to the tables' owner too (drizzle-kit cannot express FORCE; see 0001_force_rls.sql).
ALTER TABLE "push_subscriptions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "notification_preferences" FORCE ROW LEVEL SECURITY;

-- Row-level security applies to the tables' owner too (drizzle-kit cannot express FORCE; see 0001_force_rls.sql).
ALTER TABLE "campaigns" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "campaign_budget_lines" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "campaign_spend_entries" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "campaign_team" FORCE ROW LEVEL SECURITY;

-- Row-level security applies to the tables' owner too (drizzle-kit cannot express FORCE; see 0001_force_rls.sql).
ALTER TABLE "voter_elections" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "voters" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "voter_contacts" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "voter_imports" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "voter_segments" FORCE ROW LEVEL SECURITY;

-- Row-level security applies to the tables' owner too (drizzle-kit cannot express FORCE; see 0001_force_rls.sql).
ALTER TABLE "messages" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "message_versions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "message_revisions" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "message_comments" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "message_approvals" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "messaging_settings" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "campaign_messaging_settings" FORCE ROW LEVEL SECURITY;

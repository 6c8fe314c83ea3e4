CREATE TABLE "campaign_messaging_settings" (
	"org_id" uuid NOT NULL,
	"campaign_id" uuid PRIMARY KEY NOT NULL,
	"disclaimer" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "campaign_messaging_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "message_approvals" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"revision_id" uuid NOT NULL,
	"approver_id" uuid,
	"decision" text NOT NULL,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_approvals_decision_check" CHECK ("message_approvals"."decision" IN ('approved', 'changes_requested'))
);
--> statement-breakpoint
ALTER TABLE "message_approvals" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "message_comments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"revision_id" uuid,
	"author_id" uuid,
	"body" text NOT NULL,
	"event" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_comments_event_check" CHECK ("message_comments"."event" IN ('request_changes', 'approve'))
);
--> statement-breakpoint
ALTER TABLE "message_comments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "message_revisions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"version_id" uuid NOT NULL,
	"number" integer NOT NULL,
	"text" text NOT NULL,
	"subject" text,
	"author_id" uuid,
	"restored_from" uuid,
	"checks" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_revisions_org_version_id_key" UNIQUE("org_id","version_id","id"),
	CONSTRAINT "message_revisions_number_key" UNIQUE("version_id","number"),
	CONSTRAINT "message_revisions_number_check" CHECK ("message_revisions"."number" >= 1)
);
--> statement-breakpoint
ALTER TABLE "message_revisions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "message_versions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"audience_kind" text NOT NULL,
	"audience_key" text NOT NULL,
	"audience_label" text NOT NULL,
	"audience_description" text,
	"channel" text NOT NULL,
	"branched_from" uuid,
	"status" text DEFAULT 'draft' NOT NULL,
	"approved_revision_id" uuid,
	"send_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "message_versions_org_message_id_key" UNIQUE("org_id","message_id","id"),
	CONSTRAINT "message_versions_audience_key" UNIQUE("message_id","audience_kind","audience_key"),
	CONSTRAINT "message_versions_audience_kind_check" CHECK ("message_versions"."audience_kind" IN ('base', 'american_nations_region', 'demographic', 'segment')),
	CONSTRAINT "message_versions_channel_check" CHECK ("message_versions"."channel" IN ('email', 'sms', 'social', 'ad', 'mail', 'call_script', 'door_script')),
	CONSTRAINT "message_versions_status_check" CHECK ("message_versions"."status" IN ('draft', 'in_review', 'approved', 'scheduled', 'sent')),
	CONSTRAINT "message_versions_send_at_check" CHECK (("message_versions"."status" = 'scheduled') = ("message_versions"."send_at" IS NOT NULL))
);
--> statement-breakpoint
ALTER TABLE "message_versions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"title" text NOT NULL,
	"channel" text NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messages_org_id_id_key" UNIQUE("org_id","id"),
	CONSTRAINT "messages_channel_check" CHECK ("messages"."channel" IN ('email', 'sms', 'social', 'ad', 'mail', 'call_script', 'door_script'))
);
--> statement-breakpoint
ALTER TABLE "messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "messaging_settings" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"banned_terms" text[] DEFAULT '{}'::text[] NOT NULL,
	"ai_base_url" text,
	"ai_model" text,
	"ai_sealed_key" text,
	"ai_key_last4" text,
	"ai_updated_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "messaging_settings_ai_check" CHECK (("messaging_settings"."ai_base_url" IS NULL) = ("messaging_settings"."ai_model" IS NULL) AND ("messaging_settings"."ai_base_url" IS NULL) = ("messaging_settings"."ai_sealed_key" IS NULL))
);
--> statement-breakpoint
ALTER TABLE "messaging_settings" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "campaign_messaging_settings" ADD CONSTRAINT "campaign_messaging_settings_campaign_fk" FOREIGN KEY ("org_id","campaign_id") REFERENCES "public"."campaigns"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_approvals" ADD CONSTRAINT "message_approvals_approver_id_users_id_fk" FOREIGN KEY ("approver_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_approvals" ADD CONSTRAINT "message_approvals_revision_fk" FOREIGN KEY ("org_id","version_id","revision_id") REFERENCES "public"."message_revisions"("org_id","version_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_comments" ADD CONSTRAINT "message_comments_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_comments" ADD CONSTRAINT "message_comments_version_fk" FOREIGN KEY ("org_id","message_id","version_id") REFERENCES "public"."message_versions"("org_id","message_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_comments" ADD CONSTRAINT "message_comments_revision_fk" FOREIGN KEY ("org_id","version_id","revision_id") REFERENCES "public"."message_revisions"("org_id","version_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_revisions" ADD CONSTRAINT "message_revisions_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_revisions" ADD CONSTRAINT "message_revisions_version_fk" FOREIGN KEY ("org_id","message_id","version_id") REFERENCES "public"."message_versions"("org_id","message_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_versions" ADD CONSTRAINT "message_versions_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_versions" ADD CONSTRAINT "message_versions_message_fk" FOREIGN KEY ("org_id","message_id") REFERENCES "public"."messages"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_versions" ADD CONSTRAINT "message_versions_branched_from_fk" FOREIGN KEY ("org_id","message_id","branched_from") REFERENCES "public"."message_versions"("org_id","message_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_campaign_fk" FOREIGN KEY ("org_id","campaign_id") REFERENCES "public"."campaigns"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messaging_settings" ADD CONSTRAINT "messaging_settings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "message_approvals_version_idx" ON "message_approvals" USING btree ("org_id","version_id","created_at");--> statement-breakpoint
CREATE INDEX "message_comments_version_idx" ON "message_comments" USING btree ("org_id","version_id","created_at");--> statement-breakpoint
CREATE INDEX "messages_campaign_idx" ON "messages" USING btree ("org_id","campaign_id","updated_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE POLICY "campaign_messaging_settings_tenant_isolation" ON "campaign_messaging_settings" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "message_approvals_tenant_isolation" ON "message_approvals" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "message_comments_tenant_isolation" ON "message_comments" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "message_revisions_tenant_isolation" ON "message_revisions" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "message_versions_tenant_isolation" ON "message_versions" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "messages_tenant_isolation" ON "messages" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "messaging_settings_tenant_isolation" ON "messaging_settings" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
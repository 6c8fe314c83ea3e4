CREATE TABLE "voter_contacts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"voter_id" uuid NOT NULL,
	"contacted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"channel" text NOT NULL,
	"outcome" text NOT NULL,
	"note" text,
	"user_id" uuid,
	CONSTRAINT "voter_contacts_channel_check" CHECK ("voter_contacts"."channel" IN ('door', 'phone', 'sms', 'email', 'event', 'other')),
	CONSTRAINT "voter_contacts_outcome_check" CHECK ("voter_contacts"."outcome" IN ('no_answer', 'left_message', 'talked', 'supporter', 'undecided', 'opposed', 'refused', 'wrong_number', 'moved', 'do_not_contact'))
);
--> statement-breakpoint
ALTER TABLE "voter_contacts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "voter_elections" (
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"number" smallint NOT NULL,
	"key" text NOT NULL,
	CONSTRAINT "voter_elections_campaign_id_number_pk" PRIMARY KEY("campaign_id","number"),
	CONSTRAINT "voter_elections_key_key" UNIQUE("campaign_id","key")
);
--> statement-breakpoint
ALTER TABLE "voter_elections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "voter_imports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"file_name" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"phase" text DEFAULT 'waiting' NOT NULL,
	"mapping" jsonb DEFAULT '{}' NOT NULL,
	"mapping_overrides" jsonb DEFAULT '{}' NOT NULL,
	"elections" jsonb DEFAULT '[]' NOT NULL,
	"target_election" text NOT NULL,
	"bytes_read" bigint DEFAULT 0 NOT NULL,
	"rows_read" integer DEFAULT 0 NOT NULL,
	"rows_imported" integer DEFAULT 0 NOT NULL,
	"rows_inserted" integer DEFAULT 0 NOT NULL,
	"rows_updated" integer DEFAULT 0 NOT NULL,
	"rows_rejected" integer DEFAULT 0 NOT NULL,
	"report" jsonb DEFAULT '{"badRows":[],"reasons":{},"truncated":false}' NOT NULL,
	"scores" jsonb,
	"error" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	CONSTRAINT "voter_imports_status_check" CHECK ("voter_imports"."status" IN ('pending', 'running', 'succeeded', 'failed')),
	CONSTRAINT "voter_imports_phase_check" CHECK ("voter_imports"."phase" IN ('waiting', 'reading', 'writing', 'scoring', 'done'))
);
--> statement-breakpoint
ALTER TABLE "voter_imports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "voter_segments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"name" text NOT NULL,
	"filter" jsonb NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "voter_segments" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "voters" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"voter_id" text NOT NULL,
	"first_name" text,
	"middle_name" text,
	"last_name" text,
	"birth_year" smallint,
	"registration_date" text,
	"party" text,
	"address" text,
	"city" text,
	"zip" text,
	"precinct" text,
	"county_fips" text,
	"congressional_district" text,
	"state_senate_district" text,
	"state_house_district" text,
	"votes" smallint[] DEFAULT '{}' NOT NULL,
	"generals_voted" smallint DEFAULT 0 NOT NULL,
	"turnout_score" real,
	"persuasion_score" real,
	"contact_status" text DEFAULT 'not_contacted' NOT NULL,
	"import_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "voters_campaign_voter_id_key" UNIQUE("campaign_id","voter_id"),
	CONSTRAINT "voters_org_campaign_id_key" UNIQUE("org_id","campaign_id","id"),
	CONSTRAINT "voters_contact_status_check" CHECK ("voters"."contact_status" IN ('not_contacted', 'attempted', 'contacted', 'supporter', 'undecided', 'opposed', 'do_not_contact')),
	CONSTRAINT "voters_turnout_check" CHECK ("voters"."turnout_score" BETWEEN 0 AND 1),
	CONSTRAINT "voters_persuasion_check" CHECK ("voters"."persuasion_score" BETWEEN 0 AND 1)
);
--> statement-breakpoint
ALTER TABLE "voters" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "voter_contacts" ADD CONSTRAINT "voter_contacts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voter_contacts" ADD CONSTRAINT "voter_contacts_voter_fk" FOREIGN KEY ("org_id","campaign_id","voter_id") REFERENCES "public"."voters"("org_id","campaign_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voter_elections" ADD CONSTRAINT "voter_elections_campaign_fk" FOREIGN KEY ("org_id","campaign_id") REFERENCES "public"."campaigns"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voter_imports" ADD CONSTRAINT "voter_imports_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voter_imports" ADD CONSTRAINT "voter_imports_campaign_fk" FOREIGN KEY ("org_id","campaign_id") REFERENCES "public"."campaigns"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voter_segments" ADD CONSTRAINT "voter_segments_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voter_segments" ADD CONSTRAINT "voter_segments_campaign_fk" FOREIGN KEY ("org_id","campaign_id") REFERENCES "public"."campaigns"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "voters" ADD CONSTRAINT "voters_campaign_fk" FOREIGN KEY ("org_id","campaign_id") REFERENCES "public"."campaigns"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "voter_contacts_voter_idx" ON "voter_contacts" USING btree ("voter_id","contacted_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "voter_imports_campaign_idx" ON "voter_imports" USING btree ("org_id","campaign_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "voter_segments_campaign_idx" ON "voter_segments" USING btree ("org_id","campaign_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "voters_county_idx" ON "voters" USING btree ("campaign_id","county_fips");--> statement-breakpoint
CREATE INDEX "voters_precinct_idx" ON "voters" USING btree ("campaign_id","precinct");--> statement-breakpoint
CREATE INDEX "voters_zip_idx" ON "voters" USING btree ("campaign_id","zip");--> statement-breakpoint
CREATE POLICY "voter_contacts_tenant_isolation" ON "voter_contacts" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "voter_elections_tenant_isolation" ON "voter_elections" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "voter_imports_tenant_isolation" ON "voter_imports" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "voter_segments_tenant_isolation" ON "voter_segments" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "voters_tenant_isolation" ON "voters" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
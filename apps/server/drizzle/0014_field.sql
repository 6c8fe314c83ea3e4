CREATE TABLE "canvass_results" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"voter_id" uuid NOT NULL,
	"turf_id" uuid,
	"outcome" text NOT NULL,
	"support_level" smallint,
	"issues" text[] DEFAULT '{}' NOT NULL,
	"notes" text,
	"canvasser_id" uuid,
	"recorded_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"body_hash" text NOT NULL,
	CONSTRAINT "canvass_results_client_key" UNIQUE("campaign_id","client_id"),
	CONSTRAINT "canvass_results_outcome_check" CHECK ("canvass_results"."outcome" IN ('contacted', 'not_home', 'refused', 'moved', 'deceased', 'inaccessible', 'wrong_address', 'other')),
	CONSTRAINT "canvass_results_support_check" CHECK ("canvass_results"."support_level" IS NULL OR ("canvass_results"."support_level" BETWEEN 1 AND 5 AND "canvass_results"."outcome" = 'contacted'))
);
--> statement-breakpoint
ALTER TABLE "canvass_results" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "field_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"description" text,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"time_zone" text NOT NULL,
	"place_name" text NOT NULL,
	"place_address" text NOT NULL,
	"lat" double precision,
	"lng" double precision,
	"capacity" integer,
	"status" text DEFAULT 'scheduled' NOT NULL,
	"cancel_reason" text,
	"turf_id" uuid,
	"reminder_offsets" integer[] DEFAULT '{1440,120}' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "field_events_org_campaign_id_key" UNIQUE("org_id","campaign_id","id"),
	CONSTRAINT "field_events_kind_check" CHECK ("field_events"."kind" IN ('canvass', 'phone_bank', 'rally', 'town_hall', 'fundraiser', 'training', 'meeting', 'other')),
	CONSTRAINT "field_events_status_check" CHECK ("field_events"."status" IN ('scheduled', 'cancelled')),
	CONSTRAINT "field_events_time_check" CHECK ("field_events"."ends_at" > "field_events"."starts_at"),
	CONSTRAINT "field_events_capacity_check" CHECK ("field_events"."capacity" > 0),
	CONSTRAINT "field_events_lat_check" CHECK ("field_events"."lat" BETWEEN -90 AND 90),
	CONSTRAINT "field_events_lng_check" CHECK ("field_events"."lng" BETWEEN -180 AND 180)
);
--> statement-breakpoint
ALTER TABLE "field_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "field_reminder_deliveries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"rsvp_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"offset_minutes" integer NOT NULL,
	"event_starts_at" timestamp with time zone NOT NULL,
	"channel" text DEFAULT 'email' NOT NULL,
	"status" text NOT NULL,
	"detail" text,
	"to_address" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "field_reminder_deliveries_once_key" UNIQUE("rsvp_id","kind","offset_minutes","event_starts_at"),
	CONSTRAINT "field_reminder_deliveries_kind_check" CHECK ("field_reminder_deliveries"."kind" IN ('reminder', 'cancellation')),
	CONSTRAINT "field_reminder_deliveries_status_check" CHECK ("field_reminder_deliveries"."status" IN ('sent', 'skipped')),
	CONSTRAINT "field_reminder_deliveries_channel_check" CHECK ("field_reminder_deliveries"."channel" = 'email')
);
--> statement-breakpoint
ALTER TABLE "field_reminder_deliveries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "field_rsvps" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"event_id" uuid NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"phone" text,
	"voter_id" uuid,
	"response" text NOT NULL,
	"seat" text,
	"waitlisted_at" timestamp with time zone,
	"walk_in" boolean DEFAULT false NOT NULL,
	"checked_in_at" timestamp with time zone,
	"checked_in_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "field_rsvps_org_campaign_id_key" UNIQUE("org_id","campaign_id","id"),
	CONSTRAINT "field_rsvps_response_check" CHECK ("field_rsvps"."response" IN ('yes', 'maybe', 'no')),
	CONSTRAINT "field_rsvps_seat_check" CHECK (("field_rsvps"."response" = 'yes') = ("field_rsvps"."seat" IS NOT NULL) AND ("field_rsvps"."seat" IS NULL OR "field_rsvps"."seat" IN ('confirmed', 'waitlisted'))),
	CONSTRAINT "field_rsvps_waitlist_check" CHECK (("field_rsvps"."seat" = 'waitlisted') = ("field_rsvps"."waitlisted_at" IS NOT NULL)),
	CONSTRAINT "field_rsvps_reachable_check" CHECK ("field_rsvps"."email" IS NOT NULL OR "field_rsvps"."phone" IS NOT NULL OR "field_rsvps"."walk_in")
);
--> statement-breakpoint
ALTER TABLE "field_rsvps" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "field_turfs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"name" text NOT NULL,
	"precincts" text[] DEFAULT '{}' NOT NULL,
	"zips" text[] DEFAULT '{}' NOT NULL,
	"segment_id" uuid,
	"filter" jsonb,
	"assigned_to" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "field_turfs_org_campaign_id_key" UNIQUE("org_id","campaign_id","id"),
	CONSTRAINT "field_turfs_geography_check" CHECK (cardinality("field_turfs"."precincts") + cardinality("field_turfs"."zips") > 0)
);
--> statement-breakpoint
ALTER TABLE "field_turfs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "canvass_results" ADD CONSTRAINT "canvass_results_turf_id_field_turfs_id_fk" FOREIGN KEY ("turf_id") REFERENCES "public"."field_turfs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "canvass_results" ADD CONSTRAINT "canvass_results_canvasser_id_users_id_fk" FOREIGN KEY ("canvasser_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "canvass_results" ADD CONSTRAINT "canvass_results_contact_fk" FOREIGN KEY ("id") REFERENCES "public"."voter_contacts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "canvass_results" ADD CONSTRAINT "canvass_results_voter_fk" FOREIGN KEY ("org_id","campaign_id","voter_id") REFERENCES "public"."voters"("org_id","campaign_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_events" ADD CONSTRAINT "field_events_turf_id_field_turfs_id_fk" FOREIGN KEY ("turf_id") REFERENCES "public"."field_turfs"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_events" ADD CONSTRAINT "field_events_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_events" ADD CONSTRAINT "field_events_campaign_fk" FOREIGN KEY ("org_id","campaign_id") REFERENCES "public"."campaigns"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_reminder_deliveries" ADD CONSTRAINT "field_reminder_deliveries_rsvp_fk" FOREIGN KEY ("org_id","campaign_id","rsvp_id") REFERENCES "public"."field_rsvps"("org_id","campaign_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_rsvps" ADD CONSTRAINT "field_rsvps_checked_in_by_users_id_fk" FOREIGN KEY ("checked_in_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_rsvps" ADD CONSTRAINT "field_rsvps_event_fk" FOREIGN KEY ("org_id","campaign_id","event_id") REFERENCES "public"."field_events"("org_id","campaign_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_rsvps" ADD CONSTRAINT "field_rsvps_voter_fk" FOREIGN KEY ("org_id","campaign_id","voter_id") REFERENCES "public"."voters"("org_id","campaign_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_turfs" ADD CONSTRAINT "field_turfs_assigned_to_users_id_fk" FOREIGN KEY ("assigned_to") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_turfs" ADD CONSTRAINT "field_turfs_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "field_turfs" ADD CONSTRAINT "field_turfs_campaign_fk" FOREIGN KEY ("org_id","campaign_id") REFERENCES "public"."campaigns"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "canvass_results_voter_idx" ON "canvass_results" USING btree ("voter_id","recorded_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "canvass_results_turf_idx" ON "canvass_results" USING btree ("turf_id");--> statement-breakpoint
CREATE INDEX "field_events_campaign_idx" ON "field_events" USING btree ("org_id","campaign_id","starts_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "field_events_starts_idx" ON "field_events" USING btree ("starts_at");--> statement-breakpoint
CREATE INDEX "field_reminder_deliveries_event_idx" ON "field_reminder_deliveries" USING btree ("event_id","at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "field_rsvps_email_key" ON "field_rsvps" USING btree ("event_id","email") WHERE "field_rsvps"."email" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "field_rsvps_phone_key" ON "field_rsvps" USING btree ("event_id","phone") WHERE "field_rsvps"."phone" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "field_rsvps_event_idx" ON "field_rsvps" USING btree ("event_id","created_at","id");--> statement-breakpoint
CREATE INDEX "field_turfs_campaign_idx" ON "field_turfs" USING btree ("org_id","campaign_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE POLICY "canvass_results_tenant_isolation" ON "canvass_results" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "field_events_tenant_isolation" ON "field_events" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "field_reminder_deliveries_tenant_isolation" ON "field_reminder_deliveries" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "field_rsvps_tenant_isolation" ON "field_rsvps" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "field_turfs_tenant_isolation" ON "field_turfs" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
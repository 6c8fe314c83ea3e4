CREATE TABLE "campaign_budget_lines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"category" text NOT NULL,
	"planned_cents" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "campaign_budget_lines_org_campaign_id_key" UNIQUE("org_id","campaign_id","id"),
	CONSTRAINT "campaign_budget_lines_planned_check" CHECK ("campaign_budget_lines"."planned_cents" >= 0)
);
--> statement-breakpoint
ALTER TABLE "campaign_budget_lines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "campaign_spend_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"line_id" uuid NOT NULL,
	"amount_cents" bigint NOT NULL,
	"spent_on" date NOT NULL,
	"vendor" text NOT NULL,
	"memo" text,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "campaign_spend_entries_amount_check" CHECK ("campaign_spend_entries"."amount_cents" > 0)
);
--> statement-breakpoint
ALTER TABLE "campaign_spend_entries" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "campaign_team" (
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"added_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "campaign_team_campaign_id_user_id_pk" PRIMARY KEY("campaign_id","user_id"),
	CONSTRAINT "campaign_team_role_check" CHECK ("campaign_team"."role" IN ('manager', 'communications', 'field', 'finance', 'analyst', 'volunteer'))
);
--> statement-breakpoint
ALTER TABLE "campaign_team" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "campaigns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"jurisdiction" jsonb NOT NULL,
	"election_date" date NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"win_margin" double precision DEFAULT 0 NOT NULL,
	"vote_goal_override" integer,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "campaigns_org_id_id_key" UNIQUE("org_id","id"),
	CONSTRAINT "campaigns_type_check" CHECK ("campaigns"."type" IN ('presidential', 'senate', 'house', 'governor', 'state_legislative', 'local', 'ballot_measure')),
	CONSTRAINT "campaigns_status_check" CHECK ("campaigns"."status" IN ('active', 'archived')),
	CONSTRAINT "campaigns_win_margin_check" CHECK ("campaigns"."win_margin" >= 0 AND "campaigns"."win_margin" <= 0.5),
	CONSTRAINT "campaigns_vote_goal_override_check" CHECK ("campaigns"."vote_goal_override" > 0)
);
--> statement-breakpoint
ALTER TABLE "campaigns" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "campaign_budget_lines" ADD CONSTRAINT "campaign_budget_lines_campaign_fk" FOREIGN KEY ("org_id","campaign_id") REFERENCES "public"."campaigns"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_spend_entries" ADD CONSTRAINT "campaign_spend_entries_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_spend_entries" ADD CONSTRAINT "campaign_spend_entries_campaign_fk" FOREIGN KEY ("org_id","campaign_id") REFERENCES "public"."campaigns"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_spend_entries" ADD CONSTRAINT "campaign_spend_entries_line_fk" FOREIGN KEY ("org_id","campaign_id","line_id") REFERENCES "public"."campaign_budget_lines"("org_id","campaign_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_team" ADD CONSTRAINT "campaign_team_campaign_fk" FOREIGN KEY ("org_id","campaign_id") REFERENCES "public"."campaigns"("org_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaign_team" ADD CONSTRAINT "campaign_team_membership_fk" FOREIGN KEY ("org_id","user_id") REFERENCES "public"."memberships"("org_id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "campaigns" ADD CONSTRAINT "campaigns_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "campaign_budget_lines_category_idx" ON "campaign_budget_lines" USING btree ("campaign_id",lower("category"));--> statement-breakpoint
CREATE INDEX "campaign_spend_entries_campaign_idx" ON "campaign_spend_entries" USING btree ("org_id","campaign_id","spent_on" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "campaign_spend_entries_line_idx" ON "campaign_spend_entries" USING btree ("org_id","campaign_id","line_id");--> statement-breakpoint
CREATE INDEX "campaign_team_user_idx" ON "campaign_team" USING btree ("org_id","user_id");--> statement-breakpoint
CREATE INDEX "campaigns_org_created_idx" ON "campaigns" USING btree ("org_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE POLICY "campaign_budget_lines_tenant_isolation" ON "campaign_budget_lines" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "campaign_spend_entries_tenant_isolation" ON "campaign_spend_entries" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "campaign_team_tenant_isolation" ON "campaign_team" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "campaigns_tenant_isolation" ON "campaigns" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
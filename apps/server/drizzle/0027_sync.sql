CREATE TABLE "sync_changes" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"entity" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sync_changes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sync_clients" (
	"org_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"client_group_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"last_mutation_id" integer DEFAULT 0 NOT NULL,
	"txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_clients_org_id_client_id_pk" PRIMARY KEY("org_id","client_id")
);
--> statement-breakpoint
ALTER TABLE "sync_clients" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sync_rejections" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"client_group_id" uuid NOT NULL,
	"client_id" uuid NOT NULL,
	"mutation_id" integer NOT NULL,
	"name" text NOT NULL,
	"problem" jsonb NOT NULL,
	"txid" "xid8" DEFAULT pg_current_xact_id() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sync_rejections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sync_clients" ADD CONSTRAINT "sync_clients_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_rejections" ADD CONSTRAINT "sync_rejections_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "sync_changes_scan_idx" ON "sync_changes" USING btree ("org_id","campaign_id","txid","seq");--> statement-breakpoint
CREATE INDEX "sync_clients_group_idx" ON "sync_clients" USING btree ("org_id","client_group_id");--> statement-breakpoint
CREATE INDEX "sync_rejections_group_idx" ON "sync_rejections" USING btree ("org_id","client_group_id","txid");--> statement-breakpoint
CREATE POLICY "sync_changes_tenant_isolation" ON "sync_changes" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "sync_clients_tenant_isolation" ON "sync_clients" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "sync_clients_own_rows" ON "sync_clients" AS RESTRICTIVE FOR ALL TO public USING (user_id = nullif(current_setting('app.user_id', true), '')::uuid) WITH CHECK (user_id = nullif(current_setting('app.user_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "sync_rejections_tenant_isolation" ON "sync_rejections" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "sync_rejections_own_rows" ON "sync_rejections" AS RESTRICTIVE FOR ALL TO public USING (user_id = nullif(current_setting('app.user_id', true), '')::uuid) WITH CHECK (user_id = nullif(current_setting('app.user_id', true), '')::uuid);
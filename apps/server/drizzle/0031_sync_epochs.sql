CREATE TABLE "sync_epochs" (
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"epoch" integer NOT NULL,
	"bumped_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_epochs_org_id_campaign_id_pk" PRIMARY KEY("org_id","campaign_id")
);
--> statement-breakpoint
ALTER TABLE "sync_epochs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY "sync_epochs_tenant_isolation" ON "sync_epochs" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
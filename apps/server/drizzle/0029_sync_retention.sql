CREATE TABLE "sync_horizons" (
	"org_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"purged_txid" "xid8" NOT NULL,
	"purged_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_horizons_org_id_campaign_id_pk" PRIMARY KEY("org_id","campaign_id")
);
--> statement-breakpoint
ALTER TABLE "sync_horizons" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "sync_changes" ADD COLUMN "created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "sync_changes_created_brin" ON "sync_changes" USING brin ("created_at");--> statement-breakpoint
CREATE POLICY "sync_horizons_tenant_isolation" ON "sync_horizons" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);
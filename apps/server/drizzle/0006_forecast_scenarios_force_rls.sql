-- Row-level security applies to the table's owner too (drizzle-kit cannot express FORCE; see 0001_force_rls.sql).
ALTER TABLE "forecast_scenarios" FORCE ROW LEVEL SECURITY;

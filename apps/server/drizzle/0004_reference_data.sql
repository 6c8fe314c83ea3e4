CREATE TABLE "reference_county_demographics" (
	"fips" text NOT NULL,
	"vintage" smallint NOT NULL,
	"population" integer,
	"pct_white" double precision,
	"pct_black" double precision,
	"pct_asian" double precision,
	"pct_hispanic" double precision,
	"pct_bachelors" double precision,
	"median_income" integer,
	"density" double precision,
	"rucc" smallint,
	CONSTRAINT "reference_county_demographics_fips_vintage_pk" PRIMARY KEY("fips","vintage")
);
--> statement-breakpoint
CREATE TABLE "reference_county_nations" (
	"fips" text PRIMARY KEY NOT NULL,
	"nation" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reference_county_results" (
	"fips" text NOT NULL,
	"year" smallint NOT NULL,
	"state" text NOT NULL,
	"dem_votes" integer NOT NULL,
	"rep_votes" integer NOT NULL,
	"total_votes" integer NOT NULL,
	CONSTRAINT "reference_county_results_fips_year_pk" PRIMARY KEY("fips","year")
);
--> statement-breakpoint
CREATE TABLE "reference_datasets" (
	"name" text PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"description" text NOT NULL,
	"source" text NOT NULL,
	"source_url" text,
	"licence" text NOT NULL,
	"citation" text NOT NULL,
	"file" text NOT NULL,
	"row_count" integer NOT NULL,
	"checksum" text NOT NULL,
	"first_year" smallint,
	"last_year" smallint,
	"imported_at" timestamp (3) with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reference_state_results" (
	"state" text NOT NULL,
	"year" smallint NOT NULL,
	"dem_votes" integer NOT NULL,
	"rep_votes" integer NOT NULL,
	"total_votes" integer NOT NULL,
	CONSTRAINT "reference_state_results_state_year_pk" PRIMARY KEY("state","year")
);
--> statement-breakpoint
CREATE TABLE "reference_state_turnout" (
	"state" text NOT NULL,
	"year" smallint NOT NULL,
	"name" text NOT NULL,
	"total_ballots" integer,
	"highest_office_votes" integer NOT NULL,
	"vep" integer NOT NULL,
	"vap" integer,
	"vep_turnout_pct" double precision,
	"vap_turnout_pct" double precision,
	CONSTRAINT "reference_state_turnout_state_year_pk" PRIMARY KEY("state","year")
);
--> statement-breakpoint
CREATE INDEX "reference_county_results_year_idx" ON "reference_county_results" USING btree ("year","state");
-- Row-level security applies to the tables' owner too (drizzle-kit cannot express FORCE; see 0001_force_rls.sql).
ALTER TABLE "api_keys" FORCE ROW LEVEL SECURITY;--> statement-breakpoint
-- Every server process caches API keys by secret hash (and organizations' plans, for rate limits); tell them all
-- the moment one changes, as 0003_auth_invalidation.sql does for sessions and tokens. A key row answers to two
-- secrets during a rotation's grace period, so each hash it has or had is invalidated.
CREATE OR REPLACE FUNCTION akashic_notify_auth() RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
DECLARE
  r record;
  h bytea;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_TABLE_NAME = 'sessions' THEN
    PERFORM pg_notify('akashic_auth', 'session:' || encode(r.token_hash, 'hex'));
  ELSIF TG_TABLE_NAME = 'api_tokens' THEN
    PERFORM pg_notify('akashic_auth', 'token:' || encode(r.token_hash, 'hex'));
  ELSIF TG_TABLE_NAME = 'api_keys' THEN
    FOREACH h IN ARRAY ARRAY[OLD.token_hash, OLD.previous_token_hash, NEW.token_hash, NEW.previous_token_hash] LOOP
      IF h IS NOT NULL THEN
        PERFORM pg_notify('akashic_auth', 'apikey:' || encode(h, 'hex'));
      END IF;
    END LOOP;
  ELSIF TG_TABLE_NAME = 'organizations' THEN
    PERFORM pg_notify('akashic_auth', 'plan:' || r.id::text);
  ELSIF TG_TABLE_NAME = 'memberships' THEN
    PERFORM pg_notify('akashic_auth', 'member:' || r.user_id::text || ':' || r.org_id::text);
    IF TG_OP = 'UPDATE' AND (OLD.user_id, OLD.org_id) IS DISTINCT FROM (NEW.user_id, NEW.org_id) THEN
      PERFORM pg_notify('akashic_auth', 'member:' || OLD.user_id::text || ':' || OLD.org_id::text);
    END IF;
  ELSIF TG_TABLE_NAME = 'users' THEN
    PERFORM pg_notify('akashic_auth', 'user:' || r.id::text);
  END IF;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
-- Not on last_used_at / last_used_ip: recording a key's use (once a minute) must not empty every process's cache.
CREATE TRIGGER api_keys_notify_auth
  AFTER UPDATE OF name, role, scopes, token_hash, previous_token_hash, previous_expires_at, expires_at, revoked_at
     OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION akashic_notify_auth();
--> statement-breakpoint
CREATE TRIGGER organizations_notify_plan AFTER UPDATE OF plan OR DELETE ON organizations
  FOR EACH ROW EXECUTE FUNCTION akashic_notify_auth();

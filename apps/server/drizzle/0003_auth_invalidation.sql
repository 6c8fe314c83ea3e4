-- Every server process caches who a session or token belongs to and members' roles for a few seconds. These
-- triggers tell every process (LISTEN akashic_auth) the moment one of them changes, so a revoked session or
-- token, or a changed role, stops working at once everywhere. NOTIFY is transactional: sent on commit only.
CREATE FUNCTION akashic_notify_auth() RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  IF TG_TABLE_NAME = 'sessions' THEN
    PERFORM pg_notify('akashic_auth', 'session:' || encode(r.token_hash, 'hex'));
  ELSIF TG_TABLE_NAME = 'api_tokens' THEN
    PERFORM pg_notify('akashic_auth', 'token:' || encode(r.token_hash, 'hex'));
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
CREATE TRIGGER sessions_notify_auth AFTER UPDATE OR DELETE ON sessions
  FOR EACH ROW EXECUTE FUNCTION akashic_notify_auth();
--> statement-breakpoint
CREATE TRIGGER api_tokens_notify_auth AFTER UPDATE OR DELETE ON api_tokens
  FOR EACH ROW EXECUTE FUNCTION akashic_notify_auth();
--> statement-breakpoint
CREATE TRIGGER memberships_notify_auth AFTER INSERT OR UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION akashic_notify_auth();
--> statement-breakpoint
CREATE TRIGGER users_notify_auth AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION akashic_notify_auth();

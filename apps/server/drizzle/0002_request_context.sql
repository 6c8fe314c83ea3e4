-- One round trip to start an organization request authenticated by a session cookie: find the live session,
-- touch it (at most once a minute), set the RLS context (app.user_id, app.org_id) for the current transaction,
-- and read the caller's role in the requested org (or the session's current org); the org is set only for a member. SECURITY INVOKER: it runs
-- as the application role, under the same row-level security as every other query.
CREATE FUNCTION begin_session_request(p_token_hash bytea, p_org uuid, p_idle_seconds double precision)
RETURNS TABLE (
  session_id uuid,
  user_id uuid,
  email text,
  name text,
  session_org_id uuid,
  org_id uuid,
  role org_role
)
LANGUAGE plpgsql
VOLATILE
SECURITY INVOKER
SET search_path = public, pg_temp
AS $$
DECLARE
  s record;
  v_org uuid;
  v_role org_role;
BEGIN
  SELECT se.id, se.user_id, se.current_org_id, se.last_seen_at, u.email, u.name
    INTO s
    FROM sessions se JOIN users u ON u.id = se.user_id
   WHERE se.token_hash = p_token_hash
     AND se.revoked_at IS NULL
     AND se.expires_at > now()
     AND se.last_seen_at > now() - make_interval(secs => p_idle_seconds);
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF s.last_seen_at < now() - interval '1 minute' THEN
    UPDATE sessions SET last_seen_at = now() WHERE id = s.id;
  END IF;
  v_org := coalesce(p_org, s.current_org_id);
  PERFORM set_config('app.user_id', s.user_id::text, true);
  IF v_org IS NOT NULL THEN
    -- The membership is read under the user's own-membership policy; the org context is set only when it
    -- exists, so a caller who is not a member never gets that org's rows, whatever the application does next.
    SELECT m.role INTO v_role FROM memberships m WHERE m.org_id = v_org AND m.user_id = s.user_id;
    IF v_role IS NOT NULL THEN
      PERFORM set_config('app.org_id', v_org::text, true);
    END IF;
  END IF;
  RETURN QUERY SELECT s.id, s.user_id, s.email, s.name, s.current_org_id, v_org, v_role;
END;
$$;

-- An API key's service identity (a `users` row whose id is the key's, platform/apikeys/keys.ts) belongs to the key:
-- when the key row goes, so does the identity, in the same transaction. Keys are never deleted one by one (revoked
-- ones stay for their history); they go with their organization's cascade, which would otherwise leave behind
-- users that nothing names. Deleting the user cascades to nothing more (the key row is already gone), and the
-- users trigger of 0003 tells every process, as for any deleted account.
CREATE FUNCTION akashic_delete_api_key_identity() RETURNS trigger
LANGUAGE plpgsql
SET search_path = public, pg_temp
AS $$
BEGIN
  DELETE FROM users WHERE id = OLD.id;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER api_keys_delete_identity AFTER DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION akashic_delete_api_key_identity();

/**
 * Organization API keys: `akk_` + a random secret, for integrations rather than people. Only the sha256 of a
 * secret is stored; the secret is shown once, at creation or rotation. A key acts with a role ceiling (never above
 * its creator's role) and within its scopes (Cedar actions that role may perform through a key). Each key has its
 * own service identity in `users` (id = the key's id, no membership, a password that never verifies), so rows it
 * creates name it, and the Cedar principal of its requests is that identity with `context.via == "apikey"`.
 */
import { randomUUID } from 'node:crypto';
import type { ApiKey, CreateApiKeyBody, UpdateApiKeyBody } from '@akashic/contracts';
import type { Tx } from '../../db/index.js';
import type { RecordInput } from '../audit/record.js';
import { newSecret, sha256 } from '../crypto.js';
import { AppError, notFound, type FieldError } from '../errors.js';
import type { Scope } from '../identity/tokens.js';
import type { PolicyEngine } from '../policy/engine.js';
import { ORG_ROLES, type OrgRole } from '../tenancy/role.js';

export const API_KEY_PREFIX = 'akk_';
/** Length of the non-secret start of a key kept for display (`akk_` and 8 characters). */
export const KEY_DISPLAY_PREFIX_LENGTH = 12;
/** A service identity's password hash: not a valid hash, so no password ever verifies against it. */
const NO_PASSWORD = '!api-key';

type Recorder = (change: Omit<RecordInput, 'orgId' | 'actor' | 'meta'>) => Promise<void>;

/** Whether `role` is at most `ceiling` on the ladder (owner > admin > manager > staff > viewer). */
export const roleAtMost = (role: OrgRole, ceiling: OrgRole) => ORG_ROLES.indexOf(role) >= ORG_ROLES.indexOf(ceiling);

/** The role a key acts with: its ceiling lowered to its creator's current role; null when the creator is no member. */
export const keyActsAs = (ceiling: OrgRole, creatorRole: OrgRole | null | undefined): OrgRole | null =>
  creatorRole ? (roleAtMost(ceiling, creatorRole) ? ceiling : creatorRole) : null;

/** Org-level decisions depend only on (role, action, channel): any principal id gives the same answer. */
const ANY_KEY = '00000000-0000-4000-8000-000000000000';

/** The actions a key with role ceiling `role` may be granted: what that role may do through a key. */
export function grantableKeyScopes(policy: PolicyEngine, orgId: string, role: OrgRole): Scope[] {
  const scopes: Scope[] = [];
  for (const action of policy.actions) {
    const allowed = policy.isAllowed({
      userId: ANY_KEY,
      role,
      orgId,
      action,
      resource: { type: 'Org', id: orgId },
      via: 'apikey',
    });
    if (allowed) scopes.push({ action, description: policy.descriptions.get(action) ?? action });
  }
  return scopes;
}

interface KeyRow {
  id: string;
  name: string;
  role: OrgRole;
  scopes: string[];
  prefix: string;
  previous_prefix: string | null;
  previous_expires_at: Date | null;
  created_at: Date;
  created_by: string | null;
  creator_email: string | null;
  creator_role: OrgRole | null;
  rotated_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
  last_used_ip: string | null;
  now: Date;
}

const SELECT_KEY = `
  SELECT k.id, k.name, k.role, k.scopes, k.prefix, k.previous_prefix, k.previous_expires_at, k.created_at,
         k.created_by, u.email AS creator_email, k.rotated_at, k.expires_at, k.revoked_at, k.last_used_at,
         k.last_used_ip, m.role AS creator_role, now() AS now
    FROM api_keys k LEFT JOIN users u ON u.id = k.created_by
    LEFT JOIN memberships m ON m.org_id = k.org_id AND m.user_id = k.created_by`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toApiKey(r: KeyRow): ApiKey {
  const graceLive = r.previous_prefix !== null && r.previous_expires_at !== null && r.previous_expires_at > r.now;
  return {
    id: r.id,
    name: r.name,
    role: r.role,
    scopes: r.scopes,
    prefix: r.prefix,
    previous:
      graceLive && !r.revoked_at
        ? { prefix: r.previous_prefix!, expiresAt: r.previous_expires_at!.toISOString() }
        : null,
    status: r.revoked_at ? 'revoked' : r.expires_at && r.expires_at <= r.now ? 'expired' : 'active',
    createdAt: r.created_at.toISOString(),
    actsAs: keyActsAs(r.role, r.creator_role),
    createdBy: r.created_by ? { id: r.created_by, email: r.creator_email ?? '' } : null,
    rotatedAt: iso(r.rotated_at),
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
    lastUsedAt: iso(r.last_used_at),
    lastUsedIp: r.last_used_ip,
  };
}

/** The org's keys, newest first (revoked ones included, so their history stays visible). */
export async function listApiKeys(tx: Tx, orgId: string): Promise<ApiKey[]> {
  const { rows } = await tx.client.query<KeyRow>(
    `${SELECT_KEY} WHERE k.org_id = $1 ORDER BY k.created_at DESC, k.id DESC`,
    [orgId],
  );
  return rows.map(toApiKey);
}

export async function getApiKey(tx: Tx, orgId: string, id: string): Promise<ApiKey> {
  const { rows } = await tx.client.query<KeyRow>(`${SELECT_KEY} WHERE k.org_id = $1 AND k.id = $2`, [orgId, id]);
  if (!rows[0]) throw notFound('API key');
  return toApiKey(rows[0]);
}

/** Scopes outside what `role` may grant, named by their index in the body. */
function checkScopes(scopes: string[], grantable: ReadonlySet<string>, role: OrgRole, fields: FieldError[]) {
  scopes.forEach((scope, i) => {
    if (!grantable.has(scope)) {
      fields.push({
        field: `body.scopes.${i}`,
        message: `"${scope}" is not an action a key with role ${role} can hold`,
      });
    }
  });
}

function checkExpiry(expiresAt: string | null | undefined, fields: FieldError[]) {
  if (expiresAt && Date.parse(expiresAt) <= Date.now()) {
    fields.push({ field: 'body.expiresAt', message: 'must be in the future' });
  }
}

function fail(fields: FieldError[]) {
  if (fields.length) throw new AppError('validation_failed', 'The API key has invalid fields', { fields });
}

const newKeySecret = () => {
  const secret = API_KEY_PREFIX + newSecret();
  return { secret, prefix: secret.slice(0, KEY_DISPLAY_PREFIX_LENGTH), hash: sha256(secret) };
};

export async function createApiKey(
  tx: Tx,
  policy: PolicyEngine,
  org: { id: string; role: OrgRole },
  creatorId: string,
  input: CreateApiKeyBody,
  record: Recorder,
): Promise<{ key: ApiKey; secret: string }> {
  const fields: FieldError[] = [];
  if (!roleAtMost(input.role, org.role)) {
    fields.push({ field: 'body.role', message: `must not be above your own role (${org.role})` });
  } else {
    checkScopes(
      input.scopes,
      new Set(grantableKeyScopes(policy, org.id, input.role).map((s) => s.action)),
      input.role,
      fields,
    );
  }
  checkExpiry(input.expiresAt, fields);
  fail(fields);
  const scopes = [...new Set(input.scopes)];

  const id = randomUUID();
  const { secret, prefix, hash } = newKeySecret();
  // The key's service identity: named after the key, reachable by no e-mail, and no password verifies against it.
  await tx.client.query('INSERT INTO users (id, email, name, password_hash) VALUES ($1, $2, $3, $4)', [
    id,
    `${id}@api-keys.akashic.invalid`,
    `API key: ${input.name}`,
    NO_PASSWORD,
  ]);
  await tx.client.query(
    `INSERT INTO api_keys (id, org_id, name, role, scopes, prefix, token_hash, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [id, org.id, input.name, input.role, scopes, prefix, hash, creatorId, input.expiresAt ?? null],
  );
  const key = await getApiKey(tx, org.id, id);
  await record({
    action: 'apikey.created',
    target: { type: 'api_key', id },
    after: { name: key.name, role: key.role, scopes, prefix, expiresAt: key.expiresAt },
  });
  return { key, secret };
}

export async function updateApiKey(
  tx: Tx,
  policy: PolicyEngine,
  org: { id: string; role: OrgRole },
  id: string,
  input: UpdateApiKeyBody,
  record: Recorder,
): Promise<ApiKey> {
  const before = await lockedKey(tx, org.id, id);
  const fields: FieldError[] = [];
  if (before.revokedAt) throw new AppError('conflict', 'The API key is revoked');
  // A key is only changed by someone who could have created it: an admin cannot edit an owner's key.
  if (!roleAtMost(before.role, org.role)) {
    throw new AppError('forbidden', `The key's role (${before.role}) is above your own (${org.role})`);
  }
  if (input.scopes) {
    checkScopes(
      input.scopes,
      new Set(grantableKeyScopes(policy, org.id, before.role).map((s) => s.action)),
      before.role,
      fields,
    );
  }
  checkExpiry(input.expiresAt, fields);
  fail(fields);
  const scopes = input.scopes ? [...new Set(input.scopes)] : before.scopes;
  const name = input.name ?? before.name;
  const expiresAt = input.expiresAt === undefined ? before.expiresAt : input.expiresAt;
  await tx.client.query('UPDATE api_keys SET name = $3, scopes = $4, expires_at = $5 WHERE org_id = $1 AND id = $2', [
    org.id,
    id,
    name,
    scopes,
    expiresAt,
  ]);
  if (name !== before.name) {
    await tx.client.query('UPDATE users SET name = $2, updated_at = now() WHERE id = $1', [id, `API key: ${name}`]);
  }
  const after = await getApiKey(tx, org.id, id);
  await record({
    action: 'apikey.updated',
    target: { type: 'api_key', id },
    before: { name: before.name, scopes: before.scopes, expiresAt: before.expiresAt },
    after: { name: after.name, scopes: after.scopes, expiresAt: after.expiresAt },
  });
  return after;
}

/**
 * A new secret for the key; the current one keeps working for `graceMinutes` (0: stops at once). A secret still in
 * an earlier rotation's grace period stops now: a key answers to at most two secrets.
 */
export async function rotateApiKey(
  tx: Tx,
  org: { id: string; role: OrgRole },
  id: string,
  graceMinutes: number,
  record: Recorder,
): Promise<{ key: ApiKey; secret: string }> {
  const before = await lockedKey(tx, org.id, id);
  if (before.revokedAt) throw new AppError('conflict', 'The API key is revoked');
  if (!roleAtMost(before.role, org.role)) {
    throw new AppError('forbidden', `The key's role (${before.role}) is above your own (${org.role})`);
  }
  const { secret, prefix, hash } = newKeySecret();
  await tx.client.query(
    `UPDATE api_keys
        SET previous_prefix = CASE WHEN $4::int > 0 THEN prefix END,
            previous_token_hash = CASE WHEN $4::int > 0 THEN token_hash END,
            previous_expires_at = CASE WHEN $4::int > 0 THEN now() + make_interval(mins => $4::int) END,
            prefix = $3, token_hash = $5, rotated_at = now()
      WHERE org_id = $1 AND id = $2`,
    [org.id, id, prefix, graceMinutes, hash],
  );
  const key = await getApiKey(tx, org.id, id);
  await record({
    action: 'apikey.rotated',
    target: { type: 'api_key', id },
    before: { prefix: before.prefix },
    after: { prefix, previousPrefix: key.previous?.prefix ?? null, previousExpiresAt: key.previous?.expiresAt ?? null },
  });
  return { key, secret };
}

/** Revoke a key now, both of its secrets, on every server process. Revoking twice changes nothing. */
export async function revokeApiKey(tx: Tx, org: { id: string; role: OrgRole }, id: string, record: Recorder) {
  const before = await lockedKey(tx, org.id, id);
  if (before.revokedAt) return;
  if (!roleAtMost(before.role, org.role)) {
    throw new AppError('forbidden', `The key's role (${before.role}) is above your own (${org.role})`);
  }
  await tx.client.query('UPDATE api_keys SET revoked_at = now() WHERE org_id = $1 AND id = $2', [org.id, id]);
  await record({
    action: 'apikey.revoked',
    target: { type: 'api_key', id },
    before: { name: before.name, prefix: before.prefix, role: before.role },
  });
}

async function lockedKey(tx: Tx, orgId: string, id: string): Promise<ApiKey> {
  const { rows } = await tx.client.query<KeyRow>(`${SELECT_KEY} WHERE k.org_id = $1 AND k.id = $2 FOR UPDATE OF k`, [
    orgId,
    id,
  ]);
  if (!rows[0]) throw notFound('API key');
  return toApiKey(rows[0]);
}

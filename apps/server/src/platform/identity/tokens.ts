/**
 * Personal API tokens: `akp_` + a random secret, acting for their user in one organization within their scopes.
 * Only the sha256 of the secret is stored; the secret is shown once, at creation. A scope is a Cedar action,
 * and a token may only carry actions its owner's role allows through a token (so never `token.create`).
 */
import { randomUUID } from 'node:crypto';
import type { ApiToken } from '@akashic/contracts';
import type { Tx } from '../../db/index.js';
import type { RecordInput } from '../audit/record.js';
import { newSecret, sha256 } from '../crypto.js';
import { AppError, notFound, type FieldError } from '../errors.js';
import type { PolicyEngine } from '../policy/engine.js';
import type { OrgRole } from '../tenancy/role.js';
import { PERSONAL_TOKEN_PREFIX } from './authenticate.js';

type Recorder = (change: Omit<RecordInput, 'orgId' | 'actor' | 'meta'>) => Promise<void>;

/** Length of the non-secret start of a token kept for display (`akp_` and 8 characters). */
export const TOKEN_DISPLAY_PREFIX_LENGTH = 12;

export interface Scope {
  action: string;
  description: string;
}

/** The actions `role` may perform in `orgId` through a token: what a token of this member may be granted. */
export function grantableScopes(
  policy: PolicyEngine,
  member: { userId: string; orgId: string; role: OrgRole },
): Scope[] {
  const scopes: Scope[] = [];
  for (const action of policy.actions) {
    const allowed = policy.isAllowed({
      userId: member.userId,
      role: member.role,
      orgId: member.orgId,
      action,
      resource: { type: 'Org', id: member.orgId },
      via: 'token',
    });
    if (allowed) scopes.push({ action, description: policy.descriptions.get(action) ?? action });
  }
  return scopes;
}

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
  last_used_ip: string | null;
  revoked_at: Date | null;
  user_id: string;
  email: string;
}

const SELECT_TOKEN = `
  SELECT t.id, t.name, t.prefix, t.scopes, t.created_at, t.expires_at, t.last_used_at, t.last_used_ip, t.revoked_at,
         t.user_id, u.email
    FROM api_tokens t JOIN users u ON u.id = t.user_id`;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

const toApiToken = (r: TokenRow): ApiToken => ({
  id: r.id,
  name: r.name,
  prefix: r.prefix,
  scopes: r.scopes,
  createdAt: r.created_at.toISOString(),
  expiresAt: iso(r.expires_at),
  lastUsedAt: iso(r.last_used_at),
  lastUsedIp: r.last_used_ip,
  revokedAt: iso(r.revoked_at),
  owner: { id: r.user_id, email: r.email },
});

/** Tokens of the org, newest first: the caller's own, or everyone's when `all`. */
export async function listTokens(tx: Tx, orgId: string, opts: { userId: string; all: boolean }): Promise<ApiToken[]> {
  const { rows } = await tx.client.query<TokenRow>(
    `${SELECT_TOKEN} WHERE t.org_id = $1 ${opts.all ? '' : 'AND t.user_id = $2'} ORDER BY t.created_at DESC, t.id DESC`,
    opts.all ? [orgId] : [orgId, opts.userId],
  );
  return rows.map(toApiToken);
}

export async function createToken(
  tx: Tx,
  orgId: string,
  input: { userId: string; name: string; scopes: string[]; expiresInDays?: number | undefined },
  grantable: ReadonlySet<string>,
  record: Recorder,
): Promise<{ token: ApiToken; secret: string }> {
  const fields: FieldError[] = [];
  input.scopes.forEach((scope, i) => {
    if (!grantable.has(scope)) {
      fields.push({ field: `body.scopes.${i}`, message: `"${scope}" is not an action your role can grant to a token` });
    }
  });
  if (fields.length) throw new AppError('validation_failed', 'Some scopes cannot be granted', { fields });
  const scopes = [...new Set(input.scopes)];

  const id = randomUUID();
  const secret = PERSONAL_TOKEN_PREFIX + newSecret();
  const prefix = secret.slice(0, TOKEN_DISPLAY_PREFIX_LENGTH);
  await tx.client.query(
    `INSERT INTO api_tokens (id, org_id, user_id, name, prefix, token_hash, scopes, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $8::int IS NULL THEN NULL ELSE now() + make_interval(days => $8::int) END)`,
    [id, orgId, input.userId, input.name, prefix, sha256(secret), scopes, input.expiresInDays ?? null],
  );
  const { rows } = await tx.client.query<TokenRow>(`${SELECT_TOKEN} WHERE t.id = $1`, [id]);
  const token = toApiToken(rows[0]!);
  await record({
    action: 'token.created',
    target: { type: 'api_token', id },
    after: { name: token.name, prefix, scopes, expiresAt: token.expiresAt, ownerId: input.userId },
  });
  return { token, secret };
}

/** The owner of a token of this org (404 when it is not one). */
export async function tokenOwner(tx: Tx, orgId: string, id: string): Promise<string> {
  const r = await tx.client.query<{ user_id: string }>('SELECT user_id FROM api_tokens WHERE org_id = $1 AND id = $2', [
    orgId,
    id,
  ]);
  if (!r.rows[0]) throw notFound('API token');
  return r.rows[0].user_id;
}

/** Revoke a token now; the next request presenting it is unauthenticated. Revoking twice changes nothing. */
export async function revokeToken(tx: Tx, orgId: string, id: string, record: Recorder): Promise<void> {
  const r = await tx.client.query<{ name: string; prefix: string; user_id: string }>(
    `UPDATE api_tokens SET revoked_at = now() WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL
     RETURNING name, prefix, user_id`,
    [orgId, id],
  );
  const t = r.rows[0];
  if (!t) return;
  await record({
    action: 'token.revoked',
    target: { type: 'api_token', id },
    before: { name: t.name, prefix: t.prefix, ownerId: t.user_id },
  });
}

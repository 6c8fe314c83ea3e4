import { z } from 'zod';
import { Id, OrgRole, Timestamp } from './common.js';

/** Organization API keys (`akk_…`): an integration's own credential, managed by admins. */
export const ApiKey = z.object({
  id: Id,
  name: z.string(),
  /** The role ceiling the key acts with. */
  role: OrgRole,
  scopes: z.array(z.string()),
  /** The non-secret start of the current secret. */
  prefix: z.string(),
  /** The secret replaced by the last rotation, still accepted until `expiresAt` (null once the grace has ended). */
  previous: z.object({ prefix: z.string(), expiresAt: Timestamp }).nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
  /**
   * The role the key acts with now: its ceiling lowered to its creator's current role; null while its creator is no
   * member of the organization (the key is refused until an admin makes a new one or the creator is back).
   */
  actsAs: OrgRole.nullable(),
  createdAt: Timestamp,
  createdBy: z.object({ id: Id, email: z.string() }).nullable(),
  rotatedAt: Timestamp.nullable(),
  expiresAt: Timestamp.nullable(),
  revokedAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable(),
  lastUsedIp: z.string().nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

const KeyName = z.string().trim().min(1, 'is required').max(100);
const KeyScopes = z.array(z.string().min(1).max(100)).min(1, 'at least one scope').max(100);
/** When the key stops working; null: never. */
const KeyExpiry = Timestamp.nullable().describe('When the key stops working; null: never');

export const CreateApiKeyBody = z.strictObject({
  name: KeyName,
  /** The role ceiling: at most the creator's own role. */
  role: OrgRole,
  scopes: KeyScopes,
  expiresAt: KeyExpiry.optional(),
});
export type CreateApiKeyBody = z.input<typeof CreateApiKeyBody>;

export const UpdateApiKeyBody = z.strictObject({
  name: KeyName.optional(),
  scopes: KeyScopes.optional(),
  expiresAt: KeyExpiry.optional(),
});
export type UpdateApiKeyBody = z.input<typeof UpdateApiKeyBody>;

export const RotateApiKeyBody = z.strictObject({
  /** How long the replaced secret keeps working (0: it stops at once). At most a week. */
  graceMinutes: z.number().int().min(0).max(10_080).default(60),
});
export type RotateApiKeyBody = z.input<typeof RotateApiKeyBody>;

export const CreatedApiKey = z.object({
  key: ApiKey,
  /** The secret, shown exactly once. */
  secret: z.string(),
});
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const ApiKeyScopesQuery = z.strictObject({
  /** The role ceiling to list grantable scopes for; defaults to your own role. */
  role: OrgRole.optional(),
});

import { z } from 'zod';
import { Email, Id, Name, OrgRole, Password, Timestamp } from './common.js';

export const OrgSummary = z.object({
  id: Id,
  name: z.string(),
  slug: z.string(),
  role: OrgRole,
});
export type OrgSummary = z.infer<typeof OrgSummary>;

export const Me = z.object({
  user: z.object({ id: Id, email: z.string(), name: z.string() }),
  via: z.enum(['session', 'token']),
  currentOrgId: Id.nullable(),
  orgs: z.array(OrgSummary),
});
export type Me = z.infer<typeof Me>;

export const SignUpBody = z.strictObject({
  name: Name,
  email: Email,
  password: Password,
  orgName: z.string().trim().min(1, 'is required').max(120),
});
export type SignUpBody = z.input<typeof SignUpBody>;

export const SignInBody = z.strictObject({
  email: Email,
  password: z.string().min(1, 'is required').max(256),
});
export type SignInBody = z.input<typeof SignInBody>;

export const CreateOrgBody = z.strictObject({ name: z.string().trim().min(1, 'is required').max(120) });
export const SwitchOrgBody = z.strictObject({ orgId: Id });

export const Member = z.object({
  userId: Id,
  email: z.string(),
  name: z.string(),
  role: OrgRole,
  joinedAt: Timestamp,
});
export type Member = z.infer<typeof Member>;

export const UpdateMemberBody = z.strictObject({ role: OrgRole });

export const Invitation = z.object({
  id: Id,
  email: z.string(),
  role: OrgRole,
  invitedBy: z.string().nullable(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
});
export type Invitation = z.infer<typeof Invitation>;

export const CreateInvitationBody = z.strictObject({ email: Email, role: OrgRole.exclude(['owner']) });

export const InvitationPreview = z.object({
  orgName: z.string(),
  email: z.string(),
  role: OrgRole,
  accountExists: z.boolean(),
});

export const AcceptInvitationBody = z.strictObject({
  token: z.string().min(10).max(200),
  /** Required when the invited email has no account yet. */
  name: Name.optional(),
  password: Password.optional(),
});

export const PasswordResetRequestBody = z.strictObject({ email: Email });
export const PasswordResetBody = z.strictObject({ token: z.string().min(10).max(200), password: Password });

export const ApiToken = z.object({
  id: Id,
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: Timestamp,
  expiresAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable(),
  lastUsedIp: z.string().nullable(),
  revokedAt: Timestamp.nullable(),
  owner: z.object({ id: Id, email: z.string() }),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const CreateApiTokenBody = z.strictObject({
  name: z.string().trim().min(1, 'is required').max(100),
  scopes: z.array(z.string().min(1).max(100)).min(1, 'at least one scope').max(100),
  /** Days until expiry; omit for no expiry. */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const CreatedApiToken = z.object({
  token: ApiToken,
  /** The secret, shown exactly once. */
  secret: z.string(),
});

export const Scopes = z.object({ scopes: z.array(z.object({ action: z.string(), description: z.string() })) });

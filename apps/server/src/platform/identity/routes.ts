import type { Principal } from './principal.js';
import { randomUUID } from 'node:crypto';
import {
  AcceptInvitationBody,
  ApiToken,
  CreateApiTokenBody,
  CreatedApiToken,
  CreateInvitationBody,
  CreateOrgBody,
  Id,
  Invitation,
  InvitationPreview,
  Me,
  PasswordResetBody,
  PasswordResetRequestBody,
  Scopes,
  SignInBody,
  SignUpBody,
  SwitchOrgBody,
  Passkey,
  PasskeySignInBody,
  RegisterPasskeyBody,
  RenamePasskeyBody,
  WebAuthnOptions,
} from '@akashic/contracts';
import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { AppError } from '../errors.js';
import { consoleLink } from '../mail/links.js';
import { userRef } from '../policy/engine.js';
import { createOrganizationTx } from '../tenancy/organizations.js';
import {
  acceptInvitation,
  createInvitation,
  listInvitations,
  previewInvitation,
  revokeInvitation,
  sendInvitationEmail,
} from './invitations.js';
import { describeMe, listMyOrgs } from './me.js';
import {
  authenticationOptions,
  deletePasskey,
  listPasskeys,
  registerPasskey,
  registrationOptions,
  renamePasskey,
  signInWithPasskey,
} from './passkeys.js';
import { requestPasswordReset, resetPassword } from './password-reset.js';
import { clearSessionCookie, createSession, revokeAllSessions, revokeSession, setSessionCookie } from './sessions.js';
import { signIn, signUp } from './sign-in.js';
import { createToken, grantableScopes, listTokens, revokeToken, tokenOwner } from './tokens.js';

const tags = ['Identity'];

export const signUpRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/sign-up',
  operationId: 'signUp',
  summary: 'Create an account and its organization, and sign in',
  tags,
  auth: 'public',
  status: 201,
  schemas: { body: SignUpBody, response: Me },
  async handler({ input, services, meta, reply }) {
    const { db, config } = services;
    const { userId, orgId } = await signUp(db, input.body, meta);
    const session = await createSession(db, config, { userId, orgId, ip: meta.ip, userAgent: meta.userAgent });
    setSessionCookie(reply, config, meta.secure, session);
    return describeMe(db, {
      userId,
      email: input.body.email,
      name: input.body.name,
      via: 'session',
      sessionId: session.id,
      sessionOrgId: orgId,
    });
  },
});

export const signInRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/sign-in',
  operationId: 'signIn',
  summary: 'Sign in with email and password (sets the session cookie)',
  tags,
  auth: 'public',
  schemas: { body: SignInBody, response: Me },
  async handler({ input, services, meta, reply }) {
    const { db, config, limiter } = services;
    const { userId, defaultOrgId } = await signIn(db, limiter, input.body, meta);
    const session = await createSession(db, config, {
      userId,
      orgId: defaultOrgId,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    setSessionCookie(reply, config, meta.secure, session);
    const u = await db.pool.query<{ email: string; name: string }>('SELECT email, name FROM users WHERE id = $1', [
      userId,
    ]);
    return describeMe(db, {
      userId,
      email: u.rows[0]!.email,
      name: u.rows[0]!.name,
      via: 'session',
      sessionId: session.id,
      sessionOrgId: defaultOrgId,
    });
  },
});

export const signOutRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/sign-out',
  operationId: 'signOut',
  summary: 'End this session',
  tags,
  auth: 'public',
  status: 204,
  schemas: {},
  async handler({ principal, services, reply }) {
    if (principal?.sessionId) await revokeSession(services.db, principal.sessionId);
    clearSessionCookie(reply);
  },
});

export const signOutEverywhereRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/sign-out-everywhere',
  operationId: 'signOutEverywhere',
  summary: 'End every session of the signed-in user',
  tags,
  auth: 'user',
  schemas: { response: z.object({ endedSessions: z.number().int() }) },
  async handler({ principal, services, reply }) {
    const endedSessions = await revokeAllSessions(services.db, principal.userId);
    clearSessionCookie(reply);
    return { endedSessions };
  },
});

export const meRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/me',
  operationId: 'getMe',
  summary: 'The signed-in user, their organizations and the current one',
  tags,
  auth: 'user',
  schemas: { response: Me },
  handler: async ({ principal, services }) => describeMe(services.db, principal),
});

export const switchOrgRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/me/current-org',
  operationId: 'switchOrg',
  summary: 'Make an organization the session’s current one',
  tags,
  auth: 'user',
  schemas: { body: SwitchOrgBody, response: Me },
  async handler({ principal, services, input }) {
    if (principal.via !== 'session') throw new AppError('forbidden', 'Tokens act in their own organization');
    const orgs = await listMyOrgs(services.db, principal.userId);
    if (!orgs.some((o) => o.id === input.body.orgId)) throw new AppError('not_found', 'Organization not found');
    await services.db.pool.query('UPDATE sessions SET current_org_id = $2 WHERE id = $1', [
      principal.sessionId,
      input.body.orgId,
    ]);
    return describeMe(services.db, { ...principal, sessionOrgId: input.body.orgId });
  },
});

export const createOrgRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/orgs',
  operationId: 'createOrg',
  summary: 'Create another organization, owned by the signed-in user',
  tags: ['Organizations'],
  auth: 'user',
  status: 201,
  schemas: { body: CreateOrgBody, response: Me },
  async handler({ principal, services, input, meta }) {
    if (principal.via !== 'session') throw new AppError('forbidden', 'Tokens cannot create organizations');
    const orgId = randomUUID();
    await services.db.transaction({ orgId, userId: principal.userId }, (tx) =>
      createOrganizationTx(
        tx,
        { orgId, name: input.body.name, ownerId: principal.userId, ownerEmail: principal.email },
        meta,
      ),
    );
    await services.db.pool.query('UPDATE sessions SET current_org_id = $2 WHERE id = $1', [principal.sessionId, orgId]);
    return describeMe(services.db, { ...principal, sessionOrgId: orgId });
  },
});

export const identityRoutes = [
  signUpRoute,
  signInRoute,
  signOutRoute,
  signOutEverywhereRoute,
  meRoute,
  switchOrgRoute,
  createOrgRoute,
];

// Invitations

const IdParams = z.strictObject({ id: Id });
const InvitationToken = z.string().min(10).max(200);

export const listInvitationsRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/invitations',
  operationId: 'listInvitations',
  summary: 'Invitations of the organization, newest first',
  tags: ['Organizations'],
  auth: 'org',
  action: 'invitation.list',
  resource: 'Org',
  schemas: { response: z.object({ items: z.array(Invitation) }) },
  handler: async ({ tx, org }) => ({ items: await listInvitations(tx, org.id) }),
});

export const createInvitationRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/invitations',
  operationId: 'createInvitation',
  summary: 'Invite someone by e-mail (replaces a pending invitation to the same address)',
  tags: ['Organizations'],
  auth: 'org',
  action: 'member.invite',
  resource: 'Org',
  status: 201,
  schemas: { body: CreateInvitationBody, response: Invitation },
  async handler({ tx, org, input, principal, services, meta, record }) {
    const link = consoleLink(services.config, meta, 'accept-invite');
    const { invitation, secret, orgName } = await createInvitation(
      tx,
      org.id,
      { email: input.body.email, role: input.body.role, invitedBy: principal.userId },
      record,
    );
    await sendInvitationEmail(services.mailer, {
      to: invitation.email,
      orgName,
      inviterName: principal.name,
      role: invitation.role,
      link: link({ token: secret }),
      expiresAt: invitation.expiresAt,
    });
    return invitation;
  },
});

export const revokeInvitationRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/invitations/:id',
  operationId: 'revokeInvitation',
  summary: 'Revoke an invitation',
  tags: ['Organizations'],
  auth: 'org',
  action: 'invitation.revoke',
  resource: 'Invitation',
  status: 204,
  schemas: { params: IdParams },
  handler: async ({ tx, org, input, record }) => revokeInvitation(tx, org.id, input.params.id, record),
});

export const previewInvitationRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/invitations/preview',
  operationId: 'previewInvitation',
  summary: 'What an invitation link invites to (404 unknown link, 410 used, revoked or expired)',
  tags,
  auth: 'public',
  schemas: { query: z.strictObject({ token: InvitationToken }), response: InvitationPreview },
  handler: async ({ input, services }) => previewInvitation(services.db, input.query.token),
});

export const acceptInvitationRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/invitations/accept',
  operationId: 'acceptInvitation',
  summary: 'Accept an invitation (creating the account when needed) and sign in',
  description:
    'When the invited address already has an account, the caller must be signed in as it or send its `password`. ' +
    'Otherwise `name` and `password` create the account.',
  tags,
  auth: 'public',
  schemas: { body: AcceptInvitationBody, response: Me },
  async handler({ input, principal, services, meta, reply }) {
    const { db, config } = services;
    const joined = await acceptInvitation(db, input.body, principal, meta);
    let sessionId: string;
    if (principal?.via === 'session' && principal.userId === joined.userId && principal.sessionId) {
      sessionId = principal.sessionId;
      await db.pool.query('UPDATE sessions SET current_org_id = $2 WHERE id = $1', [sessionId, joined.orgId]);
    } else {
      const session = await createSession(db, config, {
        userId: joined.userId,
        orgId: joined.orgId,
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
      setSessionCookie(reply, config, meta.secure, session);
      sessionId = session.id;
    }
    return describeMe(db, {
      userId: joined.userId,
      email: joined.email,
      name: joined.name,
      via: 'session',
      sessionId,
      sessionOrgId: joined.orgId,
    });
  },
});

export const invitationRoutes = [
  listInvitationsRoute,
  createInvitationRoute,
  revokeInvitationRoute,
  previewInvitationRoute,
  acceptInvitationRoute,
];

// Password reset

export const requestPasswordResetRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/password-reset/request',
  operationId: 'requestPasswordReset',
  summary: 'E-mail a password reset link (always 202: never tells whether the account exists)',
  tags,
  auth: 'public',
  status: 202,
  schemas: { body: PasswordResetRequestBody },
  async handler({ input, services, meta }) {
    const link = consoleLink(services.config, meta, 'reset-password');
    await requestPasswordReset(services, input.body.email, (secret) => link({ token: secret }), meta);
  },
});

export const resetPasswordRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/password-reset',
  operationId: 'resetPassword',
  summary: 'Set a new password with a reset link (ends every session of the account)',
  tags,
  auth: 'public',
  status: 204,
  schemas: { body: PasswordResetBody },
  async handler({ input, services, meta, reply }) {
    await resetPassword(services.db, input.body, meta);
    clearSessionCookie(reply);
  },
});

export const passwordResetRoutes = [requestPasswordResetRoute, resetPasswordRoute];

// Personal API tokens

const tokenTags = ['API tokens'];

export const listTokenScopesRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/tokens/scopes',
  operationId: 'listTokenScopes',
  summary: 'The scopes (Cedar actions) your role can grant to a token in this organization',
  tags: tokenTags,
  auth: 'org',
  action: 'token.list',
  resource: 'Org',
  schemas: { response: Scopes },
  handler: async ({ services, org, principal }) => ({
    scopes: grantableScopes(services.policy, { userId: principal.userId, orgId: org.id, role: org.role }),
  }),
});

export const listTokensRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/tokens',
  operationId: 'listTokens',
  summary: 'Your API tokens in this organization (admins: every member’s)',
  tags: tokenTags,
  auth: 'org',
  action: 'token.list',
  resource: 'Org',
  schemas: { response: z.object({ items: z.array(ApiToken) }) },
  handler: async ({ tx, org, principal, can }) => ({
    items: await listTokens(tx, org.id, {
      userId: principal.userId,
      all: can('token.list_all', { type: 'Org', id: org.id }),
    }),
  }),
});

export const createTokenRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/tokens',
  operationId: 'createToken',
  summary: 'Create a personal API token (the secret is returned once)',
  tags: tokenTags,
  auth: 'org',
  action: 'token.create',
  resource: 'Org',
  status: 201,
  schemas: { body: CreateApiTokenBody, response: CreatedApiToken },
  async handler({ tx, org, principal, services, input, record }) {
    const grantable = grantableScopes(services.policy, { userId: principal.userId, orgId: org.id, role: org.role });
    return createToken(
      tx,
      org.id,
      { userId: principal.userId, ...input.body },
      new Set(grantable.map((s) => s.action)),
      record,
    );
  },
});

export const revokeTokenRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/tokens/:id',
  operationId: 'revokeToken',
  summary: 'Revoke an API token (your own; admins: anyone’s)',
  tags: tokenTags,
  auth: 'org',
  action: 'token.revoke',
  resource: 'ApiToken',
  status: 204,
  schemas: { params: IdParams },
  async handler({ tx, org, input, authorize, record }) {
    const owner = await tokenOwner(tx, org.id, input.params.id);
    authorize('token.revoke', { type: 'ApiToken', id: input.params.id, attrs: { owner: userRef(owner) } });
    await revokeToken(tx, org.id, input.params.id, record);
  },
});

export const tokenRoutes = [listTokenScopesRoute, listTokensRoute, createTokenRoute, revokeTokenRoute];

// Passkeys

const passkeyTags = ['Passkeys'];

/** Passkeys are managed from a signed-in session, never with an API token or key. */
function sessionOnly(principal: Pick<Principal, 'via'>): void {
  if (principal.via !== 'session') throw new AppError('forbidden', 'Passkeys are managed from a signed-in session');
}

export const listPasskeysRoute = defineRoute({
  method: 'GET',
  path: '/api/v1/passkeys',
  operationId: 'listPasskeys',
  summary: 'Your passkeys',
  tags: passkeyTags,
  auth: 'user',
  schemas: { response: z.object({ items: z.array(Passkey) }) },
  async handler({ principal, services }) {
    sessionOnly(principal);
    return { items: await listPasskeys(services.db, principal.userId) };
  },
});

export const passkeyRegistrationOptionsRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/passkeys/registration-options',
  operationId: 'passkeyRegistrationOptions',
  summary: 'Start registering a passkey: options for navigator.credentials.create() (valid 5 minutes, once)',
  tags: passkeyTags,
  auth: 'user',
  schemas: { response: WebAuthnOptions },
  async handler({ principal, services }) {
    sessionOnly(principal);
    return {
      ...(await registrationOptions(services.db, services.config.webauthn, {
        id: principal.userId,
        email: principal.email,
        name: principal.name,
      })),
    };
  },
});

export const registerPasskeyRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/passkeys',
  operationId: 'registerPasskey',
  summary: 'Finish registering a passkey with the authenticator’s response',
  tags: passkeyTags,
  auth: 'user',
  status: 201,
  schemas: { body: RegisterPasskeyBody, response: Passkey },
  async handler({ principal, services, input, meta }) {
    sessionOnly(principal);
    return registerPasskey(
      services.db,
      services.config.webauthn,
      { id: principal.userId, email: principal.email },
      input.body,
      meta,
    );
  },
});

export const renamePasskeyRoute = defineRoute({
  method: 'PATCH',
  path: '/api/v1/passkeys/:id',
  operationId: 'renamePasskey',
  summary: 'Rename one of your passkeys',
  tags: passkeyTags,
  auth: 'user',
  schemas: { params: IdParams, body: RenamePasskeyBody, response: Passkey },
  async handler({ principal, services, input, meta }) {
    sessionOnly(principal);
    return renamePasskey(
      services.db,
      { id: principal.userId, email: principal.email },
      input.params.id,
      input.body.name,
      meta,
    );
  },
});

export const deletePasskeyRoute = defineRoute({
  method: 'DELETE',
  path: '/api/v1/passkeys/:id',
  operationId: 'deletePasskey',
  summary: 'Delete one of your passkeys (it no longer signs you in)',
  tags: passkeyTags,
  auth: 'user',
  status: 204,
  schemas: { params: IdParams },
  async handler({ principal, services, input, meta }) {
    sessionOnly(principal);
    await deletePasskey(services.db, { id: principal.userId, email: principal.email }, input.params.id, meta);
  },
});

export const passkeySignInOptionsRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/passkey/options',
  operationId: 'passkeySignInOptions',
  summary: 'Start a passkey sign-in: options for navigator.credentials.get() (valid 5 minutes, once)',
  tags,
  auth: 'public',
  schemas: { response: WebAuthnOptions },
  async handler({ services, meta }) {
    const { db, config, limiter } = services;
    return { ...(await authenticationOptions(db, config.webauthn, limiter, meta.ip)) };
  },
});

export const passkeySignInRoute = defineRoute({
  method: 'POST',
  path: '/api/v1/auth/passkey/sign-in',
  operationId: 'passkeySignIn',
  summary: 'Sign in with a passkey (sets the session cookie)',
  tags,
  auth: 'public',
  schemas: { body: PasskeySignInBody, response: Me },
  async handler({ input, services, meta, reply }) {
    const { db, config, limiter } = services;
    const { userId, defaultOrgId } = await signInWithPasskey(db, config.webauthn, limiter, input.body.response, meta);
    const session = await createSession(db, config, {
      userId,
      orgId: defaultOrgId,
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
    setSessionCookie(reply, config, meta.secure, session);
    const u = await db.pool.query<{ email: string; name: string }>('SELECT email, name FROM users WHERE id = $1', [
      userId,
    ]);
    return describeMe(db, {
      userId,
      email: u.rows[0]!.email,
      name: u.rows[0]!.name,
      via: 'session',
      sessionId: session.id,
      sessionOrgId: defaultOrgId,
    });
  },
});

export const passkeyRoutes = [
  passkeySignInOptionsRoute,
  passkeySignInRoute,
  listPasskeysRoute,
  passkeyRegistrationOptionsRoute,
  registerPasskeyRoute,
  renamePasskeyRoute,
  deletePasskeyRoute,
];

import { randomUUID } from 'node:crypto';
import { CreateOrgBody, Me, SignInBody, SignUpBody, SwitchOrgBody } from '@akashic/contracts';
import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { AppError } from '../errors.js';
import { createOrganizationTx } from '../tenancy/organizations.js';
import { describeMe, listMyOrgs } from './me.js';
import { clearSessionCookie, createSession, revokeAllSessions, revokeSession, setSessionCookie } from './sessions.js';
import { signIn, signUp } from './sign-in.js';

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
      createOrganizationTx(tx, { orgId, name: input.body.name, ownerId: principal.userId, ownerEmail: principal.email }, meta),
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

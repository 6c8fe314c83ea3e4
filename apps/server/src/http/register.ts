/**
 * The route pipeline and the REST routes over it. `createRouteExecutor` enforces a declaration: input validation,
 * authentication, organization membership inside the org's RLS transaction, token scopes, the Cedar decision, and
 * the response schema; REST (`registerRoutes`) and GraphQL (`http/graphql`) both run every operation through it.
 * Handlers only ever see typed, checked input.
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError, type FieldError } from '../platform/errors.js';
import { recordChange, type Actor } from '../platform/audit/record.js';
import type { Tx } from '../db/index.js';
import { sha256Hex } from '../platform/crypto.js';
import { authenticate, cachedMemberRole, memberRole, SESSION_COOKIE } from '../platform/identity/authenticate.js';
import type { Principal } from '../platform/identity/principal.js';
import type { PolicyEngine } from '../platform/policy/engine.js';
import type { OrgRole } from '../platform/tenancy/role.js';
import type { Services } from '../services.js';
import { cookieValue } from './cookies.js';
import { compileProjector, type Projector } from './project.js';
import type { AnyRoute, Input, OrgCtx, RequestMeta } from './route.js';

export const ORG_HEADER = 'x-akashic-org';
const JSON_TYPE = 'application/json; charset=utf-8';
const UUID = z.uuid();

export function fieldErrors(location: string, error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({
    field: [location, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}

/** PostgreSQL text cannot hold U+0000: refuse it up front, naming the field, rather than fail in SQL. */
function findNul(value: unknown, path: string, errors: FieldError[]): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) errors.push({ field: path, message: 'must not contain the NUL character' });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => findNul(v, `${path}.${i}`, errors));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) findNul(v, `${path}.${k}`, errors);
  }
}

function parsePart<T extends z.ZodType | undefined>(schema: T, value: unknown, location: string, errors: FieldError[]) {
  if (!schema) return undefined;
  const before = errors.length;
  findNul(value, location, errors);
  if (errors.length > before) return undefined;
  const r = schema.safeParse(value ?? (location === 'body' ? undefined : {}));
  if (!r.success) {
    errors.push(...fieldErrors(location, r.error));
    return undefined;
  }
  return r.data;
}

export function actorOf(p: Principal): Actor {
  if (p.via === 'apikey') return { type: 'apikey', id: p.apiKeyId!, label: p.name };
  return p.via === 'token'
    ? { type: 'token', id: p.userId, label: p.email }
    : { type: 'user', id: p.userId, label: p.email };
}

function bearerOf(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw new AppError('unauthenticated', 'Authorization header must be "Bearer <token>"');
  return m[1];
}

/** What the pipeline reads of a route's input: REST passes the Fastify request itself, GraphQL the field's arguments. */
export interface RawInput {
  params?: unknown;
  query?: unknown;
  headers?: unknown;
  body?: unknown;
}

export type RouteReply = Pick<FastifyReply, 'header' | 'getHeader'>;

/** A declaration prepared once at boot: its success status and, when it answers with a body, its projector. */
export interface PreparedRoute {
  route: AnyRoute;
  status: number;
  /** Absent for routes that answer without a body (204). */
  responseSchema: z.ZodType | undefined;
  project: Projector | undefined;
}

/**
 * Runs one route through the whole pipeline — input validation, authentication, org membership inside the RLS
 * transaction (writes) or on the read pool (reads), token scopes, Cedar, the handler, the response check and
 * projection — and resolves to the JSON body REST writes (undefined for routes without one). `req` is the HTTP
 * request carrying the credentials and the org header; for GraphQL that is the request to /api/graphql.
 */
export type ExecuteRoute = (
  prepared: PreparedRoute,
  raw: RawInput,
  req: FastifyRequest,
  reply: RouteReply,
) => Promise<string | Readable | undefined>;

/** Checks every org route's Cedar action against the policy schema and compiles the response projectors. */
export function prepareRoutes(routes: AnyRoute[], policy: PolicyEngine): PreparedRoute[] {
  return routes.map((route) => {
    if (route.auth === 'org' && !policy.actions.has(route.action)) {
      throw new Error(`${route.method} ${route.path} declares unknown Cedar action "${route.action}"`);
    }
    const status = route.status ?? 200;
    const responseSchema = status !== 204 ? route.schemas.response : undefined;
    // Only the fields the response schema declares are ever written, whatever the handler returned.
    return { route, status, responseSchema, project: responseSchema ? compileProjector(responseSchema) : undefined };
  });
}

/** REST: one Fastify route per declaration, each running the shared pipeline on its own request. */
export function registerRoutes(app: FastifyInstance, routes: PreparedRoute[], executeRoute: ExecuteRoute): void {
  for (const prepared of routes) {
    const { route, status } = prepared;
    const json = prepared.responseSchema !== undefined;
    // A streamed body gets its own scope, where its media type is handed over unparsed.
    const scope = (fn: (s: FastifyInstance) => void) =>
      route.consumes
        ? void app.register(async (s) => {
            s.addContentTypeParser(route.consumes!, (_req, payload, done) => done(null, payload));
            fn(s);
          })
        : fn(app);
    scope((s) =>
      s.route({
        method: route.method,
        url: route.path,
        ...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
        // Status and type are set up front (an error replaces both); Fastify sends the resolved body as it is.
        handler: (req: FastifyRequest, reply: FastifyReply) => {
          reply.status(status);
          if (json) reply.type(JSON_TYPE);
          else if (route.produces) reply.type(route.produces);
          return executeRoute(prepared, req, req, reply);
        },
      }),
    );
  }
}

/** The pipeline over the services, shared by REST (`registerRoutes`) and GraphQL (`http/graphql`). */
export function createRouteExecutor(services: Services): ExecuteRoute {
  const { db, policy, config, authCache, apiKeys, requestLimiter } = services;
  const limited = requestLimiter.enabled;
  const checkResponses = config.env !== 'production';

  const executeRoute: ExecuteRoute = async (prepared, raw, req, reply) => {
    const route = prepared.route;
    const errors: FieldError[] = [];
    const input = {
      params: parsePart(route.schemas.params, raw.params, 'params', errors),
      query: parsePart(route.schemas.query, raw.query, 'query', errors),
      headers: parsePart(route.schemas.headers, raw.headers, 'headers', errors),
      body: route.consumes
        ? raw.body instanceof Readable
          ? raw.body
          : undefined
        : parsePart(route.schemas.body, raw.body, 'body', errors),
    };
    if (errors.length) throw new AppError('validation_failed', 'The request has invalid fields', { fields: errors });

    const meta: RequestMeta = {
      requestId: String(req.id),
      ip: req.ip,
      userAgent: req.headers['user-agent'],
      secure: req.protocol === 'https',
      // Few handlers need it: resolved (proxy headers and all) only when read.
      get origin() {
        return `${req.protocol}://${req.host}`;
      },
    };
    const bearer = bearerOf(req);
    const sessionToken = cookieValue(req.headers.cookie, SESSION_COOKIE);
    // Methods, not arrow functions in variables: the per-request closures then get no `name` defined at run time
    // (the server runs through tsx, whose keepNames wraps every named function expression in a defineProperty).
    const base = {
      input,
      meta,
      services,
      reply,
      reauthenticate() {
        return authenticate(db, authCache, apiKeys, config.session, { bearer, sessionToken, ip: req.ip });
      },
    };

    let result: unknown;
    if (route.auth === 'org' && route.method === 'GET') {
      // Reads: cached principal and role, then the read pool, where a matching context costs nothing.
      const principal = await authenticate(db, authCache, apiKeys, config.session, {
        bearer,
        sessionToken,
        ip: req.ip,
      });
      if (!principal) throw new AppError('unauthenticated');
      result = await runRead(route, principal, req, base);
    } else if (route.auth === 'org' && !bearer && sessionToken) {
      // Writes from the console: the session is re-checked in the database, the RLS context set and the role
      // read, in one round trip.
      result = await runInOrgWithSession(route, sessionToken, req, base);
    } else {
      const principal = await authenticate(db, authCache, apiKeys, config.session, {
        bearer,
        sessionToken,
        ip: req.ip,
      });
      result = await runAuthenticated(route, principal, req, base);
    }

    if (route.produces) return result as Readable;
    const { responseSchema, project } = prepared;
    if (!responseSchema) return undefined;
    if (!checkResponses) return JSON.stringify(project!(result));
    // Outside production every response is also checked against its zod schema, so tests catch a handler
    // that returns the wrong shape.
    const out = responseSchema.safeParse(result);
    if (!out.success) {
      req.log.error({ issues: out.error.issues, route: route.operationId }, 'response failed its schema');
      throw new AppError('internal');
    }
    return JSON.stringify(project!(out.data));
  };

  type Base = Omit<OrgCtx<never>, 'input' | 'principal' | 'org' | 'tx' | 'authorize' | 'can' | 'record'> & {
    input: Input<any>;
  };

  async function runAuthenticated(route: AnyRoute, principal: Principal | null, req: FastifyRequest, base: Base) {
    let result: unknown;
    if (route.auth === 'public') {
      result = await route.handler({ ...base, principal });
    } else {
      if (!principal) throw new AppError('unauthenticated');
      if (route.auth === 'user') {
        if (principal.via === 'apikey') throw new AppError('forbidden', 'API keys act only on organization routes');
        // Account routes have no organization: the user's own bucket, at the default plan's rate.
        if (limited) await requestLimiter.take(`user:${principal.userId}`, 'free', base.reply);
        result = await route.handler({ ...base, principal });
      } else {
        result = await runInOrg(route, principal, req, base);
      }
    }
    return result;
  }

  function requestedOrg(req: FastifyRequest): string | undefined {
    const requested = req.headers[ORG_HEADER];
    if (requested === undefined) return undefined;
    // A malformed org id is just an org that does not exist.
    if (typeof requested !== 'string' || !UUID.safeParse(requested).success) {
      throw new AppError('not_found', 'Organization not found');
    }
    return requested;
  }

  async function runInOrgWithSession(
    route: Extract<AnyRoute, { auth: 'org' }>,
    sessionToken: string,
    req: FastifyRequest,
    base: Base,
  ): Promise<unknown> {
    const requested = requestedOrg(req);
    const begin =
      `BEGIN; SELECT * FROM begin_session_request('\\x${sha256Hex(sessionToken)}'::bytea, ` +
      `${requested ? `'${requested}'::uuid` : 'NULL'}, ${Number(config.session.idleMs / 1000)})`;
    return db.transactionFrom<unknown, SessionBegin>(begin, async (tx, rows) => {
      const s = rows[0];
      if (!s) throw new AppError('unauthenticated');
      const principal: Principal = {
        userId: s.user_id,
        email: s.email,
        name: s.name,
        via: 'session',
        sessionId: s.session_id,
        sessionOrgId: s.session_org_id,
      };
      if (!s.org_id) throw noOrgSelected();
      // Not a member answers exactly like an org that does not exist.
      if (!s.role) throw new AppError('not_found', 'Organization not found');
      // The user is known only now, inside the transaction: the plan is cached (or read here, in context).
      if (limited) {
        const pending = takeRequest(principal, s.org_id, base, tx);
        if (pending) await pending;
      }
      return inOrg(route, principal, s.org_id, s.role, tx, base);
    });
  }

  async function runRead(
    route: Extract<AnyRoute, { auth: 'org' }>,
    principal: Principal,
    req: FastifyRequest,
    base: Base,
  ): Promise<unknown> {
    const orgId = orgFor(route, principal, req);
    const role =
      principal.via === 'apikey'
        ? principal.apiKeyRole!
        : (cachedMemberRole(authCache, principal.userId, orgId) ??
          (await memberRole(db, authCache, principal.userId, orgId)));
    // Not a member answers exactly like an org that does not exist.
    if (!role) throw new AppError('not_found', 'Organization not found');
    if (limited) {
      const pending = takeRequest(principal, orgId, base);
      if (pending) await pending;
    }
    return db.read({ orgId, userId: principal.userId }, (tx) => inOrg(route, principal, orgId, role, tx, base));
  }

  async function runInOrg(
    route: Extract<AnyRoute, { auth: 'org' }>,
    principal: Principal,
    req: FastifyRequest,
    base: Base,
  ): Promise<unknown> {
    const org = orgFor(route, principal, req);
    if (principal.via === 'apikey') {
      // A key belongs to its org (orgFor checked it) and has no membership: it acts with its role ceiling.
      if (limited) {
        const pending = takeRequest(principal, org, base);
        if (pending) await pending;
      }
      return db.transaction({ orgId: org, userId: principal.userId }, (tx) =>
        inOrg(route, principal, org, principal.apiKeyRole!, tx, base),
      );
    }
    if (limited) {
      const pending = takeRequest(principal, org, base);
      if (pending) await pending;
    }
    return db.transaction({ userId: principal.userId }, async (tx) => {
      // The org context is set by the same statement, and only when the membership exists.
      const m = await tx.client.query<{ role: OrgRole }>(
        `SELECT role, set_config('app.org_id', $3, true) FROM memberships WHERE org_id = $1 AND user_id = $2`,
        [org, principal.userId, org],
      );
      const role = m.rows[0]?.role;
      // Not a member answers exactly like an org that does not exist.
      if (!role) throw new AppError('not_found', 'Organization not found');
      return inOrg(route, principal, org, role, tx, base);
    });
  }

  /**
   * One request of the principal against its organization's plan: an API key has its own bucket, a user (through
   * a session or a personal token) one per organization.
   */
  function takeRequest(principal: Principal, orgId: string, base: Base, tx?: Tx): void | Promise<void> {
    const subject = principal.via === 'apikey' ? `key:${principal.apiKeyId}` : `user:${principal.userId}:${orgId}`;
    // The usual case — plan cached, limiter in memory — answers at once, without a promise.
    const plan = requestLimiter.cachedPlan(orgId);
    if (plan) return requestLimiter.take(subject, plan, base.reply);
    // Read in the request's own context, so the read connection is left holding what the request needs next.
    return requestLimiter
      .planOf(orgId, tx, { orgId, userId: principal.userId })
      .then((p) => requestLimiter.take(subject, p, base.reply));
  }

  /** The org a request acts in: a token's or key's own org, else the header, else the session's current org. */
  function orgFor(route: Extract<AnyRoute, { auth: 'org' }>, principal: Principal, req: FastifyRequest): string {
    const requested = requestedOrg(req);
    let orgId: string | null | undefined;
    if (principal.credentialOrgId) {
      orgId = principal.credentialOrgId;
      if (typeof requested === 'string' && requested !== orgId)
        throw new AppError('not_found', 'Organization not found');
      if (!principal.scopes?.includes(route.action)) {
        throw new AppError('forbidden', `This ${credential(principal)}'s scopes do not include "${route.action}"`);
      }
    } else {
      orgId = typeof requested === 'string' ? requested : principal.sessionOrgId;
    }
    if (!orgId) throw noOrgSelected();
    return orgId;
  }

  /** A further Cedar decision inside a handler, on a resource it loaded. */
  function allowedHere(
    principal: Principal,
    role: OrgRole,
    orgId: string,
    action: string,
    resource: { type: string; id: string; attrs?: Record<string, unknown> },
  ): boolean {
    return policy.isAllowed({
      userId: principal.userId,
      role,
      orgId,
      action,
      resource: resource as never,
      via: principal.via,
    });
  }

  /** Inside the org's transaction, with a known role: the Cedar decision, then the handler. */
  function inOrg(
    route: Extract<AnyRoute, { auth: 'org' }>,
    principal: Principal,
    orgId: string,
    role: OrgRole,
    tx: Tx,
    base: Base,
  ): Promise<unknown> {
    const org = { id: orgId, role };
    const allowed = policy.isAllowed({
      userId: principal.userId,
      role,
      orgId,
      action: route.action,
      resource: { type: 'Org', id: orgId },
      via: principal.via,
    });
    if (!allowed) throw new AppError('forbidden', `Your role (${role}) does not allow "${route.action}"`);
    // A literal rather than a spread of `base`: one object shape, built without copying properties one by one;
    // methods rather than arrow-function properties, for the reason given in executeRoute.
    const ctx = {
      input: base.input,
      meta: base.meta,
      services: base.services,
      reply: base.reply,
      reauthenticate: base.reauthenticate,
      principal,
      org,
      tx,
      authorize(action, resource) {
        if (principal.scopes && !principal.scopes.includes(action)) {
          throw new AppError('forbidden', `This ${credential(principal)}'s scopes do not include "${action}"`);
        }
        if (!allowedHere(principal, role, orgId, action, resource)) {
          throw new AppError('forbidden', `Your role (${role}) does not allow "${action}" here`);
        }
      },
      can(action, resource) {
        if (principal.scopes && !principal.scopes.includes(action)) return false;
        return allowedHere(principal, role, orgId, action, resource);
      },
      record(change) {
        return recordChange(tx, {
          ...change,
          orgId,
          actor: actorOf(principal),
          metadata: {
            ...(principal.tokenId ? { tokenId: principal.tokenId } : {}),
            ...(principal.apiKeyId ? { apiKeyId: principal.apiKeyId } : {}),
            ...change.metadata,
          },
          meta: { requestId: base.meta.requestId, ip: base.meta.ip },
        }).then(() => undefined);
      },
    } as OrgCtx<never>;
    return route.handler(ctx);
  }

  return executeRoute;
}

interface SessionBegin extends Record<string, unknown> {
  session_id: string;
  user_id: string;
  email: string;
  name: string;
  session_org_id: string | null;
  org_id: string | null;
  role: OrgRole | null;
}

const credential = (p: Principal) => (p.via === 'apikey' ? 'API key' : 'token');

function noOrgSelected(): AppError {
  return new AppError('validation_failed', `No organization selected: send the ${ORG_HEADER} header`, {
    fields: [{ field: `headers.${ORG_HEADER}`, message: 'required' }],
  });
}

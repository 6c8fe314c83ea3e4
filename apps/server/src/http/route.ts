/**
 * One route, one declaration: method and path, zod schemas for params, query, body and response, the auth
 * mode, and — for organization routes — the Cedar action and resource type it needs. The HTTP layer
 * (http/register.ts) enforces all of it; OpenAPI (http/openapi.ts) is generated from the same objects.
 */
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { Tx } from '../db/index.js';
import type { Principal } from '../platform/identity/principal.js';
import type { OrgRole } from '../platform/tenancy/role.js';
import type { RecordInput } from '../platform/audit/record.js';
import type { Services } from '../services.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * - `public`: anyone; a signed-in principal is still resolved when present.
 * - `user`: a signed-in user (session or token), no organization context.
 * - `org`: a member of the organization the request acts in; runs in that org's RLS transaction and
 *   must name the Cedar action it performs.
 */
export type AuthMode = 'public' | 'user' | 'org';

export type ResourceType = 'Org' | 'Member' | 'Invitation' | 'ApiToken' | 'AuditLog';

export interface RequestMeta {
  requestId: string;
  ip: string;
  userAgent: string | undefined;
  /** Whether the request arrived over https (decides the cookie's Secure flag). */
  secure: boolean;
  /** `<protocol>://<host>` as the request addressed this server; e-mailed links use it when PUBLIC_URL is unset. */
  origin: string;
}

interface Schemas {
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the handler reads (lower-case names), e.g. `last-event-id`. REST only. */
  headers?: z.ZodObject;
  body?: z.ZodType;
  response?: z.ZodType;
}

type Infer<S, K extends keyof Schemas> = S extends { [P in K]: infer T extends z.ZodType } ? z.output<T> : undefined;

export interface Input<S extends Schemas> {
  params: Infer<S, 'params'>;
  query: Infer<S, 'query'>;
  headers: Infer<S, 'headers'>;
  body: Infer<S, 'body'>;
}

interface BaseCtx<S extends Schemas> {
  input: Input<S>;
  meta: RequestMeta;
  services: Services;
  reply: Pick<FastifyReply, 'header' | 'getHeader'>;
  /**
   * Resolve the request's credentials again, through the auth cache (never exposing them): a long-lived response
   * (the realtime stream) re-checks that its caller is still signed in.
   */
  reauthenticate(): Promise<Principal | null>;
}

export interface PublicCtx<S extends Schemas> extends BaseCtx<S> {
  principal: Principal | null;
}

export interface UserCtx<S extends Schemas> extends BaseCtx<S> {
  principal: Principal;
}

export interface OrgCtx<S extends Schemas> extends BaseCtx<S> {
  principal: Principal;
  org: { id: string; role: OrgRole };
  /** The request's transaction, scoped to `org.id` by row-level security. */
  tx: Tx;
  /** Check a further Cedar action on a loaded resource; throws 403 when denied. */
  authorize(action: string, resource: { type: ResourceType; id: string; attrs?: Record<string, unknown> }): void;
  /** The same decision as `authorize` (token scopes included), as a boolean. */
  can(action: string, resource: { type: ResourceType; id: string; attrs?: Record<string, unknown> }): boolean;
  /** Write the audit entry and the outbox event for a change, in this transaction. */
  record(change: Omit<RecordInput, 'orgId' | 'actor' | 'meta'>): Promise<void>;
}

type Output<S extends Schemas> = S extends { response: infer R extends z.ZodType } ? z.input<R> : void;

interface Common<S extends Schemas> {
  method: HttpMethod;
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  schemas: S;
  /** Success status; 204 routes have no response schema. */
  status?: 200 | 201 | 202 | 204;
  /** Per-route body limit in bytes (defaults to the server's). */
  bodyLimit?: number;
  /**
   * The body is not JSON but a stream of this media type: it reaches the handler unparsed, as the Readable
   * `input.body` (undefined when the request has another content type); the handler enforces `bodyLimit`.
   * Streamed routes are REST only (not GraphQL fields).
   */
  consumes?: 'text/csv';
  /**
   * The response is not JSON: the handler returns a Readable of this media type, sent as it is read
   * (`text/event-stream`: a Server-Sent Events stream that stays open).
   */
  produces?: 'text/csv' | 'text/event-stream';
}

export type RouteDef<S extends Schemas = Schemas> =
  | (Common<S> & { auth: 'public'; handler: (ctx: PublicCtx<S>) => Promise<Output<S>> })
  | (Common<S> & { auth: 'user'; handler: (ctx: UserCtx<S>) => Promise<Output<S>> })
  | (Common<S> & {
      auth: 'org';
      action: string;
      resource: ResourceType;
      handler: (ctx: OrgCtx<S>) => Promise<Output<S>>;
    });

/** Identity function that keeps the declaration's types precise. */
export function defineRoute<S extends Schemas>(def: RouteDef<S>): RouteDef<S> {
  return def;
}

export type AnyRoute = RouteDef<any>;

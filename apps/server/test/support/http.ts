/**
 * HTTP for the security suites: an `Actor` sends requests with fixed credentials (a session cookie or a bearer
 * token, and the org header) and never absorbs cookies from responses, so a request that happens to succeed
 * (say, a sign-up) cannot silently change who the next request runs as.
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { ERROR_CODES } from '../../src/platform/errors.js';

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface SendOptions {
  /** A JSON value to send as the body (serialized with JSON.stringify). */
  json?: unknown;
  /** A raw body, sent as is. */
  raw?: string | Uint8Array;
  /** Content type for `raw` (default application/json). `null`: send no content-type header. */
  contentType?: string | null;
  headers?: Record<string, string>;
}

export async function send(baseUrl: string, method: string, path: string, opts: SendOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | Uint8Array | undefined;
  if (opts.raw !== undefined) body = opts.raw;
  else if (opts.json !== undefined) body = JSON.stringify(opts.json);
  if (
    body !== undefined &&
    opts.contentType !== null &&
    !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
  ) {
    headers['content-type'] = opts.contentType ?? 'application/json';
  }
  const res = await fetch(baseUrl + path, { method, headers, body: body as string | undefined });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export interface Actor {
  baseUrl: string;
  userId: string;
  orgId: string;
  email: string;
  password: string;
  /** `akashic_session=...` */
  cookie?: string;
  /** A personal API token (sent as Bearer instead of the cookie). */
  token?: string;
}

/** Credentials (cookie or bearer) plus the org header, unless `org: null`. */
export function authHeaders(actor: Actor, org: string | null = actor.orgId): Record<string, string> {
  const h: Record<string, string> = {};
  if (actor.token) h.authorization = `Bearer ${actor.token}`;
  else if (actor.cookie) h.cookie = actor.cookie;
  if (org !== null) h['x-akashic-org'] = org;
  return h;
}

export function as(
  actor: Actor,
  method: string,
  path: string,
  opts: SendOptions & { org?: string | null } = {},
): Promise<Reply> {
  const { org, ...rest } = opts;
  return send(actor.baseUrl, method, path, { ...rest, headers: { ...authHeaders(actor, org), ...rest.headers } });
}

export function sessionCookieOf(res: { headers: Headers }): string {
  const c = res.headers.getSetCookie().find((h) => h.startsWith('akashic_session='));
  if (!c) throw new Error('no session cookie in the response');
  return c.split(';')[0]!;
}

let counter = 0;
export const uniqueEmail = (label = 'u') => `${label}-${++counter}-${randomBytes(4).toString('hex')}@example.test`;

/** Sign up a new user with their own organization (they are its owner). */
export async function signUpActor(baseUrl: string, label = 'owner'): Promise<Actor> {
  const email = uniqueEmail(label);
  const password = `pw-${randomBytes(10).toString('hex')}`;
  const r = await send(baseUrl, 'POST', '/api/v1/auth/sign-up', {
    json: { name: `${label} ${counter}`, email, password, orgName: `${label} org ${counter}` },
  });
  if (r.status !== 201) throw new Error(`sign-up failed: ${r.status} ${r.text}`);
  return { baseUrl, userId: r.body.user.id, orgId: r.body.currentOrgId, email, password, cookie: sessionCookieOf(r) };
}

/** Sign in an existing user; the actor acts in `orgId`. */
export async function signInActor(baseUrl: string, email: string, password: string, orgId: string): Promise<Actor> {
  const r = await send(baseUrl, 'POST', '/api/v1/auth/sign-in', { json: { email, password } });
  if (r.status !== 200) throw new Error(`sign-in failed: ${r.status} ${r.text}`);
  return { baseUrl, userId: r.body.user.id, orgId, email, password, cookie: sessionCookieOf(r) };
}

/** A problem+json answer with the given status, a known stable code, and the problem fields. */
export function expectProblem(r: Reply, status: number, code?: keyof typeof ERROR_CODES, context = ''): void {
  const where = context ? `${context}: ` : '';
  expect(r.status, `${where}status (body: ${r.text.slice(0, 300)})`).toBe(status);
  expect(r.headers.get('content-type') ?? '', `${where}content-type`).toMatch(/^application\/problem\+json/);
  expect(Object.keys(ERROR_CODES), `${where}code "${r.body?.code}" is a known error code`).toContain(r.body?.code);
  expect(ERROR_CODES[r.body.code as keyof typeof ERROR_CODES].status, `${where}code matches status`).toBe(status);
  expect(r.body, `${where}problem shape`).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
  });
  if (code) expect(r.body.code, `${where}code`).toBe(code);
}

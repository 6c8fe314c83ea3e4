/**
 * The API client: JSON over fetch with the session cookie (same-origin), the current organization in
 * `x-akashic-org`, and problem+json errors turned into `ApiError`.
 */
import type { Problem } from '@akashic/contracts';

import { CACHED_AT_HEADER, ORG_HEADER } from './sw/shared.js';

export { ORG_HEADER };

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'ApiError';
    this.status = problem.status;
    this.problem = problem;
  }

  get code(): string {
    return this.problem.code;
  }

  /**
   * Field errors keyed by the input they belong to: `body.email` → `email`, `query.actorId` → `actorId`,
   * `body.scopes.0` → `scopes`.
   */
  get fields(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of this.problem.errors ?? []) {
      const parts = e.field.split('.');
      if (['body', 'query', 'params', 'headers'].includes(parts[0] ?? '') && parts.length > 1) parts.shift();
      const key = parts[0] || e.field;
      out[key] ??= sentence(e.message);
    }
    return out;
  }
}

function sentence(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

let currentOrgId: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** The organization requests act in now. */
export function currentApiOrg(): string | null {
  return currentOrgId;
}

/** The organization sent with every request (set by the session when it loads or switches). */
export function setApiOrg(orgId: string | null): void {
  currentOrgId = orgId;
}

/** Called when a signed-in request comes back 401 (the session ended or expired). */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

export interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined | null>;
  /** false for sign-in, sign-up and the other pages that work without a session: a 401 is then just an error. */
  session?: boolean;
  signal?: AbortSignal;
  /** A body sent as is (a File is streamed by the browser), with its content type; instead of `body`. */
  raw?: { body: BodyInit; type: string };
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
  if (opts.raw) headers['content-type'] = opts.raw.type;
  else if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (currentOrgId && opts.session !== false) headers[ORG_HEADER] = currentOrgId;
  let url = path;
  if (opts.query) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
    const qs = q.toString();
    if (qs) url += `?${qs}`;
  }
  const body = opts.raw ? opts.raw.body : opts.body === undefined ? undefined : JSON.stringify(opts.body);
  let res: Response;
  try {
    for (let attempt = 1; ; attempt++) {
      res = await fetch(url, { method, headers, credentials: 'same-origin', body, signal: opts.signal });
      const wait = retryAfterMs(res, attempt, body);
      if (wait === null) break;
      await sleep(wait, opts.signal);
    }
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError({
      type: 'about:blank',
      title: 'Network error',
      status: 0,
      code: 'network',
      detail: 'The server could not be reached. Check your connection and try again.',
    });
  }
  if (method === 'GET') noteCachedRead(url, res.headers.get(CACHED_AT_HEADER));
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const data: unknown = type.includes('json') ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const problem = isProblem(data)
      ? data
      : {
          type: 'about:blank',
          title: res.statusText || 'Request failed',
          status: res.status,
          code: res.status >= 500 ? 'internal' : 'error',
          detail: `The server answered ${res.status} ${res.statusText}`.trim(),
        };
    const err = new ApiError(problem);
    if (res.status === 401 && opts.session !== false) onUnauthenticated?.();
    throw err;
  }
  return data as T;
}

/*
 * Reads answered by the service worker's cache while offline (see sw/sw.ts), by URL: when the server sent each. A
 * read the network answers again clears its entry.
 */
const cachedReads = new Map<string, string>();
const cachedReadListeners = new Set<() => void>();

function noteCachedRead(url: string, cachedAt: string | null) {
  if ((cachedReads.get(url) ?? null) === cachedAt) return;
  if (cachedAt) cachedReads.set(url, cachedAt);
  else cachedReads.delete(url);
  for (const l of cachedReadListeners) l();
}

/** When the server sent the last answer to a GET of `url` if it came from the offline cache, else null. */
export function cachedReadAt(url: string): string | null {
  return cachedReads.get(url) ?? null;
}

export function subscribeCachedReads(fn: () => void): () => void {
  cachedReadListeners.add(fn);
  return () => void cachedReadListeners.delete(fn);
}

/** Rate-limited requests are retried this many times at most, each after the server's `Retry-After`. */
const RATE_LIMIT_RETRIES = 3;
/** A longer `Retry-After` than this is shown to the user instead of waited out. */
const RATE_LIMIT_MAX_WAIT_MS = 10_000;

/**
 * How long to wait before sending the request again, or null to take this response. A 429 is refused before the
 * server does any work, so any method may be repeated; a streamed body cannot be sent twice.
 */
function retryAfterMs(res: Response, attempt: number, body: BodyInit | undefined): number | null {
  if (res.status !== 429 || attempt > RATE_LIMIT_RETRIES || body instanceof ReadableStream) return null;
  const seconds = Number(res.headers.get('retry-after'));
  if (!Number.isFinite(seconds) || seconds < 0 || seconds * 1000 > RATE_LIMIT_MAX_WAIT_MS) return null;
  return seconds * 1000;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });
}

function isProblem(x: unknown): x is Problem {
  return typeof x === 'object' && x !== null && 'status' in x && 'detail' in x && 'code' in x;
}

export const api = {
  get: <T>(path: string, opts?: Omit<RequestOptions, 'body'>) => request<T>('GET', path, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, { ...opts, body }),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }),
  /** PUT a raw body (e.g. a File, which the browser streams from disk) with its content type. */
  upload: <T>(path: string, body: BodyInit, type: string, opts?: Omit<RequestOptions, 'body' | 'raw'>) =>
    request<T>('PUT', path, { ...opts, raw: { body, type } }),
  delete: <T = void>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, opts),
};

/** A message for any thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

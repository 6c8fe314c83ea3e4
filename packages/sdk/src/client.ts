/**
 * The hand-written runtime behind the generated methods: base URL, authentication (an API token as
 * `Authorization: Bearer`, or the browser's session cookie), the organization header, an injectable `fetch`,
 * problem+json errors as `AkashicApiError`, and cursor pagination. Web APIs only: Node 20+ and browsers.
 */
import { operations, type Operations, type Problem } from './generated.js';

export const ORG_HEADER = 'x-akashic-org';

/** The server's stable error codes (`code` of a problem+json body). */
export type ErrorCode = Problem['code'];

export interface ClientOptions {
  /** Where the server is, e.g. `https://akashic.example.org`; `''` for the page's own origin in a browser. */
  baseUrl: string;
  /**
   * A personal token (`akp_…`) or an organization API key (`akk_…`), sent as `Authorization: Bearer`. Without one,
   * requests rely on the session cookie.
   */
  token?: string;
  /** The organization to act in (`x-akashic-org`) with session auth; a token always acts in its own. */
  org?: string;
  /** `fetch`'s credentials mode: `'include'` sends the session cookie to another origin (CORS permitting). */
  credentials?: RequestInit['credentials'];
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Sent with every request. */
  headers?: Record<string, string>;
}

export interface RequestOptions {
  signal?: AbortSignal;
  /** Overrides the client's `org` for this request. */
  org?: string;
  headers?: Record<string, string>;
}

export interface RequestInput {
  params?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
}

/** A request body sent as it is (a CSV upload), not as JSON. */
export type RawBody = string | Blob | ArrayBuffer | Uint8Array<ArrayBuffer>;

/** Sends one request; `rawBodyType` is the media type of a body that is not JSON. */
export type Send = <R>(
  method: string,
  path: string,
  input: RequestInput,
  options?: RequestOptions,
  rawBodyType?: string,
) => Promise<R>;

export interface FieldError {
  /** Where the fault is, prefixed by its location: `body.email`, `query.limit`. */
  field: string;
  message: string;
}

/** A request the server refused or failed: the problem+json body's `code`, `status` and field errors. */
export class AkashicApiError extends Error {
  override readonly name = 'AkashicApiError';
  /** The server's stable error code; `unexpected_response` when the answer was not problem+json (e.g. a proxy's). */
  readonly code: ErrorCode | 'unexpected_response';
  readonly status: number;
  readonly fields: FieldError[];
  readonly requestId: string | undefined;
  /** Seconds to wait before retrying (the `Retry-After` header of a 429 or 503). */
  readonly retryAfter: number | undefined;
  readonly problem: Problem | undefined;

  constructor(status: number, problem: Problem | undefined, retryAfter?: number) {
    super(problem?.detail ?? `Unexpected response: HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.code = problem?.code ?? 'unexpected_response';
    this.fields = problem?.errors ?? [];
    this.requestId = problem?.requestId;
    this.retryAfter = retryAfter;
  }
}

function url(baseUrl: string, template: string, input: RequestInput): string {
  const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const value = input.params?.[name];
    if (value === undefined) throw new TypeError(`Missing path parameter ${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(input.query ?? {})) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v !== undefined && v !== null) query.append(name, String(v));
    }
  }
  const qs = query.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${qs ? `?${qs}` : ''}`;
}

async function failure(res: Response): Promise<AkashicApiError> {
  const retryAfter = res.headers.get('retry-after');
  const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : undefined;
  const type = res.headers.get('content-type') ?? '';
  let problem: Problem | undefined;
  if (/^application\/(problem\+)?json/.test(type)) {
    const body = (await res.json().catch(() => undefined)) as Problem | undefined;
    if (body && typeof body === 'object' && typeof body.code === 'string') problem = body;
  }
  return new AkashicApiError(res.status, problem, seconds);
}

export type AkashicClient = Operations & {
  /** Sends any request (for an operation newer than this SDK); resolves to the parsed JSON body. */
  request: Send;
};

export function createClient(options: ClientOptions): AkashicClient {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const send: Send = async <R>(
    method: string,
    path: string,
    input: RequestInput,
    request: RequestOptions = {},
    rawBodyType?: string,
  ) => {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers, ...request.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const org = request.org ?? options.org;
    if (org) headers[ORG_HEADER] = org;
    if (input.body !== undefined) headers['content-type'] = rawBodyType ?? 'application/json';
    const res = await doFetch(url(options.baseUrl, path, input), {
      method,
      headers,
      body: input.body === undefined || rawBodyType ? (input.body as RawBody | undefined) : JSON.stringify(input.body),
      credentials: options.credentials,
      signal: request.signal,
    });
    if (!res.ok) throw await failure(res);
    const text = await res.text();
    // JSON is parsed; anything else (a CSV export) is the text itself; no content (204) is undefined.
    if (!text) return undefined as R;
    return (/[/+]json\b/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text) : text) as R;
  };
  return { ...operations(send), request: send };
}

/** A page of a cursor-paginated list: `nextCursor` is null on the last one. */
export interface Page {
  nextCursor: string | null;
}

/** A generated method of a cursor-paginated list (its query takes `cursor`, its page has `nextCursor`). */
type PaginatedList = (input: { query?: { cursor?: string } }, options?: RequestOptions) => Promise<Page>;

/**
 * Every page of a cursor-paginated list, fetched one after another as the loop asks for them:
 * `for await (const page of paginate(client.listAuditEntries, { query: { limit: 200 } })) …`.
 */
export async function* paginate<L extends PaginatedList>(
  list: L,
  input?: Parameters<L>[0],
  options?: RequestOptions,
): AsyncGenerator<Awaited<ReturnType<L>>, void, undefined> {
  let query = input?.query;
  for (;;) {
    const page = (await list({ ...input, query }, options)) as Awaited<ReturnType<L>>;
    yield page;
    if (!page.nextCursor) return;
    query = { ...query, cursor: page.nextCursor };
  }
}

/**
 * Errors as codes. Domain code throws `AppError` with a stable code; this file is the one place that maps
 * a code to its HTTP status and title, to problem+json and to GraphQL errors (and, later, to sync errors).
 */
export const ERROR_CODES = {
  validation_failed: { status: 400, title: 'The request is not valid' },
  malformed_body: { status: 400, title: 'The request body could not be parsed' },
  unauthenticated: { status: 401, title: 'Sign-in required' },
  invalid_credentials: { status: 401, title: 'Email or password is incorrect' },
  forbidden: { status: 403, title: 'Not allowed' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'Conflict' },
  gone: { status: 410, title: 'No longer valid' },
  payload_too_large: { status: 413, title: 'Request body too large' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  rate_limited: { status: 429, title: 'Too many requests' },
  account_locked: { status: 429, title: 'Too many failed sign-in attempts' },
  invalid_query: { status: 400, title: 'The GraphQL document is not valid' },
  query_too_complex: { status: 400, title: 'The GraphQL query exceeds its depth or complexity limit' },
  // The message the Automatic Persisted Queries protocol expects: clients then resend the query with its hash.
  persisted_query_not_found: { status: 400, title: 'PersistedQueryNotFound' },
  internal: { status: 500, title: 'Internal error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldError {
  /** JSON pointer-ish dotted path to the field at fault, prefixed by its location: `body.email`. */
  field: string;
  message: string;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldError[] | undefined;
  /** Seconds, for 429/503. */
  readonly retryAfter: number | undefined;

  constructor(code: ErrorCode, message?: string, opts: { fields?: FieldError[]; retryAfter?: number } = {}) {
    super(message ?? ERROR_CODES[code].title);
    this.name = 'AppError';
    this.code = code;
    this.fields = opts.fields;
    this.retryAfter = opts.retryAfter;
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

export const notFound = (what = 'Resource') => new AppError('not_found', `${what} not found`);

/** An update based on a version that is no longer current (optimistic concurrency): 409, nothing written. */
export const staleVersion = (what: string, sent: number, current: number) =>
  new AppError(
    'conflict',
    `The ${what} has changed since version ${sent} (it is at version ${current}): reload and retry`,
  );

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: FieldError[];
}

export function toProblem(err: AppError, requestId?: string, instance?: string): Problem {
  const def = ERROR_CODES[err.code];
  return {
    type: `https://akashic.dev/problems/${err.code.replace(/_/g, '-')}`,
    title: def.title,
    status: def.status,
    code: err.code,
    detail: err.message,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...(err.fields?.length ? { errors: err.fields } : {}),
  };
}

/** A GraphQL error as sent: `extensions` carries the same code, status and field errors as its problem+json. */
export interface GraphQLErrorBody {
  message: string;
  locations?: readonly { line: number; column: number }[];
  path?: readonly (string | number)[];
  extensions: { code: ErrorCode; status: number; fields?: FieldError[]; retryAfter?: number };
}

export function toGraphQLError(
  err: AppError,
  at: { locations?: GraphQLErrorBody['locations']; path?: GraphQLErrorBody['path'] } = {},
): GraphQLErrorBody {
  return {
    message: err.message,
    ...(at.locations ? { locations: at.locations } : {}),
    ...(at.path ? { path: at.path } : {}),
    extensions: {
      code: err.code,
      status: ERROR_CODES[err.code].status,
      ...(err.fields?.length ? { fields: err.fields } : {}),
      ...(err.retryAfter !== undefined ? { retryAfter: err.retryAfter } : {}),
    },
  };
}

/** PostgreSQL SQLSTATEs meaning the database went away under us (shutdown, failover, lost connection). */
const DB_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006', '53300']);

/**
 * Any error as an `AppError`: our own pass through; database and framework errors map to their code; anything
 * else is `internal` (its message is never shown).
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (!(err instanceof Error)) return new AppError('internal');
  const e = err as Error & { code?: string; statusCode?: number };
  const sqlState = e.code;
  if (sqlState && DB_UNAVAILABLE.has(sqlState)) {
    return new AppError('unavailable', 'The database is unavailable; try again shortly', { retryAfter: 1 });
  }
  if (/Connection terminated|ECONNREFUSED|ECONNRESET/.test(e.message)) {
    return new AppError('unavailable', 'The database is unavailable; try again shortly', { retryAfter: 1 });
  }
  // A unique constraint lost to a concurrent request: the client's request conflicts with current state.
  if (sqlState === '23505') return new AppError('conflict', 'This conflicts with an existing record');
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', e.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('unsupported_media_type', e.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('malformed_body', e.message);
  }
  if (e instanceof SyntaxError || e.statusCode === 400) return new AppError('malformed_body', e.message);
  if (e.statusCode === 413) return new AppError('payload_too_large', e.message);
  if (e.statusCode === 415) return new AppError('unsupported_media_type', e.message);
  if (e.statusCode === 404) return new AppError('not_found', e.message);
  if (e.statusCode === 405) return new AppError('method_not_allowed', e.message);
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) return new AppError('validation_failed', e.message);
  return new AppError('internal');
}

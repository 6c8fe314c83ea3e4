/**
 * Errors as codes. Domain code throws `AppError` with a stable code; this file is the one place that maps
 * a code to its HTTP status and title (and, later, to GraphQL and sync errors).
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

// The one table of error codes (fastify's lib/errors.js idea). Every failure
// that hotpath raises carries one of these codes and an HTTP status; errors
// cross thread boundaries as plain { code, message, details } and are rebuilt
// here with the same class and code. test/errors.test.ts keeps this table and
// docs/errors.md in step.

export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
}

export const ERRORS = {
  HP_ERR_INVALID_ARGUMENT: { status: 400, message: 'Invalid argument' },
  HP_ERR_INVALID_K: { status: 400, message: 'k must be a positive integer within the allowed range' },
  HP_ERR_NON_FINITE: { status: 400, message: 'Input contains NaN or Infinity' },
  HP_ERR_DIMENSION_MISMATCH: { status: 400, message: 'Vector length does not match the catalog dimension' },
  HP_ERR_INVALID_SAMPLE_RATE: { status: 400, message: 'Sample rate must be an integer in range' },
  HP_ERR_UNKNOWN_ITEM: { status: 404, message: 'Unknown catalog item' },
  HP_ERR_CATALOG_NOT_FOUND: { status: 500, message: 'Catalog file is missing or unreadable' },
  HP_ERR_CATALOG_INVALID: { status: 500, message: 'Catalog file is not a valid float32/float64 [N, D] .npy array' },
  HP_ERR_UNKNOWN_KERNEL: { status: 400, message: 'Unknown kernel' },
  HP_ERR_INVALID_PLACEMENT: { status: 400, message: 'Unknown placement' },
  HP_ERR_ABORTED: { status: 499, message: 'The operation was aborted' },
  HP_ERR_QUEUE_FULL: { status: 503, message: 'The pool queue is full' },
  HP_ERR_OVERLOADED: { status: 503, message: 'The deadline cannot be met from the current queue' },
  HP_ERR_POOL_CLOSED: { status: 503, message: 'The pool is closed' },
  HP_ERR_DEADLINE: { status: 504, message: 'The deadline passed before the task finished' },
  HP_ERR_WORKER_CRASHED: { status: 500, message: 'The worker running the task died' },
  HP_ERR_NATIVE: { status: 500, message: 'The native kernel failed' },
  HP_ERR_KERNEL_FAILED: { status: 500, message: 'The kernel threw an error that is not a KernelError' },
  HP_ERR_INVALID_KERNEL: { status: 500, message: 'A kernel given to createPool is not valid' },
  HP_ERR_PROFILING_DISABLED: { status: 403, message: 'On-demand profiling is off (start the service with --debug-profile)' },
  HP_ERR_PROFILE_BUSY: { status: 409, message: 'A profile capture is already running' },
  HP_ERR_BAD_REQUEST: { status: 400, message: 'The request does not match the route: wrong type, missing or unknown field, bad query parameter' },
  HP_ERR_INVALID_JSON: { status: 400, message: 'The body is not valid JSON' },
  HP_ERR_INVALID_WAV: { status: 400, message: 'The body is not a complete WAV file' },
  HP_ERR_NOT_FOUND: { status: 404, message: 'No such route' },
  HP_ERR_BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than the route allows' },
  HP_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type or audio format' },
  HP_ERR_NOT_READY: { status: 503, message: 'The service is starting or draining' },
  HP_ERR_INTERNAL: { status: 500, message: 'Unexpected error (a bug: please report it)' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class HotpathError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message ?? ERRORS[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    // DESIGN.md: an aborted task rejects with an error named AbortError whose
    // cause is the signal's reason (what fetch and timers/promises do too).
    this.name = code === 'HP_ERR_ABORTED' ? 'AbortError' : 'HotpathError';
    this.code = code;
    this.status = ERRORS[code].status;
    this.details = options?.details;
  }
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(ERRORS, code);
}

/** A plain, structured-clone-safe form of an error, for postMessage. */
export interface WireError {
  code: ErrorCode | string;
  message: string;
  name?: string;
  details?: Record<string, unknown>;
}

export function toWire(err: unknown): WireError {
  if (err instanceof HotpathError) {
    return { code: err.code, message: err.message, name: err.name, details: err.details };
  }
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return { code: typeof code === 'string' ? code : 'HP_ERR_NATIVE', message: err.message, name: err.name };
  }
  return { code: 'HP_ERR_NATIVE', message: String(err) };
}

/** Rebuilds a typed error from its wire form (or from an error the addon threw). */
export function fromWire(wire: WireError, cause?: unknown): HotpathError {
  const code: ErrorCode = isErrorCode(wire.code) ? wire.code : 'HP_ERR_NATIVE';
  return new HotpathError(code, wire.message, { details: wire.details, cause });
}

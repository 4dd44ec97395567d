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
  HP_ERR_REMOTE_UNAVAILABLE: { status: 503, message: 'Redis cannot be reached for the remote placement' },
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
  HP_ERR_BAD_HTTP: { status: 400, message: 'The request is not well-formed HTTP/1.1' },
  HP_ERR_REQUEST_TIMEOUT: { status: 408, message: 'The request did not arrive in time' },
  HP_ERR_URI_TOO_LONG: { status: 414, message: 'The request URL or a path parameter is too long' },
  HP_ERR_EXPECTATION_FAILED: { status: 417, message: 'The Expect header asks for something other than 100-continue' },
  HP_ERR_HEADERS_TOO_LARGE: { status: 431, message: 'The request line and headers are larger than the server takes' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class HotpathError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; details?: Record<string, unknown> }) {
    super(message ?? ERRORS[code].message, options?.cause === undefined ? undefined : { cause: options.cause });
    // An aborted task rejects with an error named AbortError whose
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

const KERNEL_ERROR = Symbol.for('hotpath.KernelError');

/**
 * A kernel's own coded failure: thrown by validate, run or a native function
 * (an Error with a string `code` there), it reaches the caller as a
 * KernelError with the same code, message and status from every placement.
 * `status` is the HTTP status a service answers with: 400..599, default 400.
 */
export class KernelError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (typeof code !== 'string' || code.length === 0 || code.startsWith('HP_ERR_')) {
      throw new TypeError(`KernelError code must be a non-empty string not starting with HP_ERR_ (reserved), got ${String(code)}`);
    }
    const status = options?.status ?? 400;
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new TypeError(`KernelError status must be an integer in 400..599, got ${String(status)}`);
    this.name = 'KernelError';
    this.code = code;
    this.status = status;
    (this as { [KERNEL_ERROR]?: true })[KERNEL_ERROR] = true;
  }

  // Two copies of hotpath (a kernel module importing another install) still agree.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [KERNEL_ERROR]?: unknown })[KERNEL_ERROR] === true;
  }
}

/** A plain, structured-clone-safe form of an error, for postMessage. */
export interface WireError {
  code: ErrorCode | string;
  message: string;
  name?: string;
  /** KernelError only. */
  status?: number;
  details?: Record<string, unknown>;
}

const statusOf = (value: unknown): number | undefined =>
  Number.isInteger(value) && (value as number) >= 400 && (value as number) <= 599 ? (value as number) : undefined;

/**
 * What a kernel's throw becomes for its caller. Ours and KernelErrors pass;
 * a native function's Error with a string code becomes a KernelError (ours,
 * HP_ERR_*, a HotpathError); anything else is HP_ERR_KERNEL_FAILED, or
 * HP_ERR_NATIVE from a native function, with the original message.
 */
export function kernelFailure(err: unknown, fromNative: boolean): HotpathError | KernelError {
  if (err instanceof HotpathError || err instanceof KernelError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  if (isErrorCode(code)) return new HotpathError(code, message);
  if (fromNative && typeof code === 'string' && code.length > 0) {
    if (!code.startsWith('HP_ERR_')) return new KernelError(code, message, { status: statusOf((err as { status?: unknown }).status), cause: err });
  }
  return new HotpathError(fromNative ? 'HP_ERR_NATIVE' : 'HP_ERR_KERNEL_FAILED', message, { cause: err });
}

export function toWire(err: unknown): WireError {
  if (err instanceof HotpathError) {
    return { code: err.code, message: err.message, name: err.name, details: err.details };
  }
  if (err instanceof KernelError) return { code: err.code, message: err.message, name: 'KernelError', status: err.status };
  return toWire(kernelFailure(err, false));
}

/** Rebuilds a typed error from its wire form. */
export function fromWire(wire: WireError, cause?: unknown): HotpathError | KernelError {
  if (wire.name === 'KernelError' && typeof wire.code === 'string' && !wire.code.startsWith('HP_ERR_') && wire.code.length > 0) {
    return new KernelError(wire.code, wire.message, { status: statusOf(wire.status), cause });
  }
  const code: ErrorCode = isErrorCode(wire.code) ? wire.code : 'HP_ERR_KERNEL_FAILED';
  return new HotpathError(code, wire.message, { details: wire.details, cause });
}

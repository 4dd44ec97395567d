// Every failure becomes the contract's JSON error, {"error": {"code", "message"}},
// with the status of its code in src/errors.ts. Fastify's own errors (bad JSON,
// schema mismatch, body too large, unknown content type) are mapped onto our
// codes here, so a client sees one vocabulary. Each error is logged once, with
// its code: 5xx at error (a 500 is a bug), 503/504 at warn, 4xx at info.
import { retryAfterSeconds } from '../fastify/plugin.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERRORS, HotpathError, type ErrorCode } from '../errors.js';
import type { Pool } from '../pool/pool.js';
import { drainRequest } from './body.js';

export interface HttpError {
  status: number;
  code: ErrorCode;
  message: string;
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export function errorBody(code: ErrorCode, message: string): ErrorBody {
  return { error: { code, message } };
}

/** A HotpathError with one of our codes, raised by the HTTP layer itself. */
export function httpError(code: ErrorCode, message: string): HotpathError {
  return new HotpathError(code, message);
}

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

// Schema mismatches get the code of the field they are about: k has its own
// code in the library, and so do placement and sampleRate. A Map, not an
// object literal: the field name comes from the client, and a plain object
// would answer `constructor`, `toString` or `__proto__` from its prototype.
const FIELD_CODES: ReadonlyMap<string, ErrorCode> = new Map<string, ErrorCode>([
  ['k', 'HP_ERR_INVALID_K'],
  ['placement', 'HP_ERR_INVALID_PLACEMENT'],
  ['sampleRate', 'HP_ERR_INVALID_SAMPLE_RATE'],
]);

/** The value at an Ajv instancePath ('/vector/3') of the validated data, own properties only. */
function valueAt(data: unknown, instancePath: string): unknown {
  let v = data;
  for (const part of instancePath.split('/').slice(1)) {
    if (typeof v !== 'object' || v === null || !Object.hasOwn(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

function fromValidation(err: FastifyError & { validation?: AjvError[]; validationContext?: string }, request?: FastifyRequest): HttpError {
  const first = err.validation?.[0];
  const where = err.validationContext ?? 'request';
  if (first === undefined) return { status: 400, code: 'HP_ERR_BAD_REQUEST', message: err.message };
  if (first.keyword === 'additionalProperties') {
    // An unknown field is a bad request whatever its name: '?k=' where the
    // route takes no k is not an invalid k.
    const unknown = String(first.params.additionalProperty);
    return { status: 400, code: 'HP_ERR_BAD_REQUEST', message: `${where} has an unknown field '${unknown}' (unknown fields are refused, not ignored)` };
  }
  if (where === 'body' && first.keyword === 'type' && /^\/vector\/\d+$/.test(first.instancePath) &&
      typeof valueAt(request?.body, first.instancePath) === 'number') {
    // JSON.parse reads 1e309 as Infinity, which the schema's 'number' refuses:
    // it is a value beyond float32, like 1e39, not a wrong type.
    return { status: 400, code: 'HP_ERR_NON_FINITE', message: `body${first.instancePath.replaceAll('/', '.')} is beyond the float64 range (parsed as Infinity)` };
  }
  let field = first.instancePath.split('/')[1] ?? '';
  let message: string;
  if (first.keyword === 'required') {
    field = String(first.params.missingProperty);
    message = `${where} must have '${field}'`;
  } else if (first.keyword === 'pattern') {
    const path = `${where}${first.instancePath.replaceAll('/', '.')}`;
    message = `${path} must be a non-negative integer written in decimal digits (no sign, space, exponent or leading zero)`;
  } else {
    const path = first.instancePath.length > 0 ? `${where}${first.instancePath.replaceAll('/', '.')}` : where;
    message = `${path} ${first.message ?? 'is invalid'}`;
  }
  const code = FIELD_CODES.get(field) ?? 'HP_ERR_BAD_REQUEST';
  return { status: ERRORS[code].status, code, message };
}

export function toHttpError(err: unknown, request?: FastifyRequest): HttpError {
  if (err instanceof HotpathError) return { status: err.status, code: err.code, message: err.message };
  const fe = err as FastifyError;
  switch (fe?.code) {
    case 'FST_ERR_VALIDATION':
      return fromValidation(fe, request);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, code: 'HP_ERR_BODY_TOO_LARGE', message: 'request body is larger than this route allows (docs/http.md)' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415, code: 'HP_ERR_UNSUPPORTED_MEDIA_TYPE',
        message: `content-type '${request?.headers['content-type'] ?? '(none)'}' is not accepted by ${request?.method ?? ''} ${request?.routeOptions.url ?? 'this route'} (docs/http.md)`,
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, code: 'HP_ERR_INVALID_JSON', message: "body is empty but content-type is 'application/json'" };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, code: 'HP_ERR_INVALID_JSON', message: 'body is not valid JSON (NaN and Infinity are not JSON)' };
    case 'FST_ERR_BAD_URL':
      return { status: 400, code: 'HP_ERR_BAD_REQUEST', message: `${fe.message} (a percent-escape that is not UTF-8)` };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return { status: 414, code: 'HP_ERR_URI_TOO_LONG', message: 'a path parameter is longer than 100 characters' };
  }
  // Other client errors Fastify raises (bad URL, bad content-length, ...).
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: 400, code: 'HP_ERR_BAD_REQUEST', message: fe.message };
  }
  return { status: 500, code: 'HP_ERR_INTERNAL', message: 'unexpected error (a bug): see the server log for this x-request-id' };
}

/** Fastify error handler: maps, logs once, sets Retry-After on 503, answers the contract's JSON. */
export function errorHandler(pool: Pool) {
  return async (err: unknown, request: FastifyRequest, reply: FastifyReply): Promise<ErrorBody> => {
    const e = toHttpError(err, request);
    if (e.code === 'HP_ERR_BODY_TOO_LARGE') await drainRequest(request);
    if (e.status === 503 && err instanceof HotpathError) reply.header('retry-after', String(retryAfterSeconds(err, pool)));
    const log = { code: e.code, status: e.status, url: request.url };
    if (e.code === 'HP_ERR_INTERNAL') request.log.error({ ...log, err }, 'request failed');
    else if (e.status >= 500) request.log.warn(log, e.message);
    else request.log.info(log, e.message);
    reply.code(e.status);
    return errorBody(e.code, e.message);
  };
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  void reply.code(404).send(errorBody('HP_ERR_NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`));
}

/**
 * Errors Fastify's router raises before any route runs (frameworkErrors):
 * a bad percent-escape in the path (FST_ERR_BAD_URL), a path parameter over
 * maxParamLength (FST_ERR_MAX_PARAM_LENGTH). The error handler is not called
 * for them, nor the onRequest hook, so this answers and sets the request id.
 */
export function frameworkErrorHandler(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const e = toHttpError(err, request);
  request.log.info({ code: e.code, status: e.status, url: request.url }, e.message);
  void reply.code(e.status).header('x-request-id', request.id).send(errorBody(e.code, e.message));
}

/** What Node's HTTP parser (llhttp) or its timers reported, as our code and status. */
export function fromClientError(err: Error & { code?: string; reason?: string }): HttpError {
  const detail = typeof err.reason === 'string' && err.reason.length > 0 ? err.reason : err.message;
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'HP_ERR_REQUEST_TIMEOUT', message: 'the request line, headers and body did not all arrive within the request timeout (docs/http.md)' };
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'HP_ERR_HEADERS_TOO_LARGE', message: 'the request line and headers are over 16 KiB' };
    default:
      return { status: 400, code: 'HP_ERR_BAD_HTTP', message: `not well-formed HTTP/1.1: ${err.code ?? 'error'}: ${detail}`.slice(0, 300) };
  }
}

const answered = new WeakSet<Socket>();

const STATUS_TEXT = new Map<number, string>([[400, 'Bad Request'], [408, 'Request Timeout'], [431, 'Request Header Fields Too Large']]);

/**
 * Fastify's clientErrorHandler: Node calls it when its parser refuses what
 * arrived (bad request line, bad or duplicate content-length, content-length
 * with transfer-encoding, a bad chunk size, CR/LF/NUL in a header, a TLS or
 * HTTP/2 preface, an unknown method), when the headers pass 16 KiB, and when
 * the request timeout expires. There is no request or reply object: the
 * answer is written on the socket as raw HTTP, in the contract's shape, and
 * the connection is closed (its byte stream cannot be trusted any more).
 * Unless a response is already on its way on this socket: writing then would
 * corrupt it, so the socket is only closed.
 */
export function clientErrorHandler(this: FastifyInstance, err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // After our answer the client's FIN reaches the parser as one more error: nothing more to say.
  if (answered.has(socket)) {
    socket.destroy();
    return;
  }
  answered.add(socket);
  const e = fromClientError(err);
  this.log.info({ code: e.code, status: e.status, parserCode: err.code }, e.message);
  const inFlight = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
  if (!socket.writable || (inFlight !== undefined && inFlight !== null && inFlight.headersSent)) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(errorBody(e.code, e.message));
  socket.end(
    `HTTP/1.1 ${e.status} ${STATUS_TEXT.get(e.status) ?? 'Bad Request'}\r\n` +
    `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  // end() sends the answer, then FIN; a client that never closes its side is cut after 1 s.
  const timer = setTimeout(() => socket.destroy(), 1000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Node's 'checkExpectation': an Expect header other than 100-continue. Node's
 * own answer is a bare 417; this one carries the contract's body, and closes
 * the connection, since the client may send its body anyway.
 */
export function expectationFailed(request: IncomingMessage, response: ServerResponse): void {
  const body = JSON.stringify(errorBody('HP_ERR_EXPECTATION_FAILED', `expect: '${String(request.headers.expect).slice(0, 100)}' is not supported (only 100-continue)`));
  response.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  response.end(body);
}

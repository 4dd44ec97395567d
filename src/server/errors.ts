// Every failure becomes the contract's JSON error, {"error": {"code", "message"}},
// with the status of its code in src/errors.ts. Fastify's own errors (bad JSON,
// schema mismatch, body too large, unknown content type) are mapped onto our
// codes here, so a client sees one vocabulary. Each error is logged once, with
// its code: 5xx at error (a 500 is a bug), 503/504 at warn, 4xx at info.
import { retryAfterSeconds } from '../fastify/plugin.js';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
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
// code in the library, and so do placement and sampleRate.
const FIELD_CODES: Record<string, ErrorCode> = {
  k: 'HP_ERR_INVALID_K',
  placement: 'HP_ERR_INVALID_PLACEMENT',
  sampleRate: 'HP_ERR_INVALID_SAMPLE_RATE',
};

function fromValidation(err: FastifyError & { validation?: AjvError[]; validationContext?: string }): HttpError {
  const first = err.validation?.[0];
  const where = err.validationContext ?? 'request';
  if (first === undefined) return { status: 400, code: 'HP_ERR_BAD_REQUEST', message: err.message };
  let field = first.instancePath.split('/')[1] ?? '';
  let message: string;
  if (first.keyword === 'additionalProperties') {
    field = String(first.params.additionalProperty);
    message = `${where} has an unknown field '${field}' (unknown fields are refused, not ignored)`;
  } else if (first.keyword === 'required') {
    field = String(first.params.missingProperty);
    message = `${where} must have '${field}'`;
  } else if (first.keyword === 'pattern') {
    const path = `${where}${first.instancePath.replaceAll('/', '.')}`;
    message = `${path} must be a non-negative integer written in decimal digits (no sign, space, exponent or leading zero)`;
  } else {
    const path = first.instancePath.length > 0 ? `${where}${first.instancePath.replaceAll('/', '.')}` : where;
    message = `${path} ${first.message ?? 'is invalid'}`;
  }
  const code = FIELD_CODES[field] ?? 'HP_ERR_BAD_REQUEST';
  return { status: ERRORS[code].status, code, message };
}

export function toHttpError(err: unknown, request?: FastifyRequest): HttpError {
  if (err instanceof HotpathError) return { status: err.status, code: err.code, message: err.message };
  const fe = err as FastifyError;
  switch (fe?.code) {
    case 'FST_ERR_VALIDATION':
      return fromValidation(fe);
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

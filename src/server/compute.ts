// The one path from a route to the pool: placement and deadline from the
// request, cancellation when the client goes away, metrics, and the response
// headers that say where and how long it ran. Nothing here logs per task: a
// log line per request at info level halves throughput.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HotpathError } from '../errors.js';
import type { AnyKernel, InputOf, ResultOf } from '../kernels/define.js';
import { PLACEMENTS, type Placement, type RunResult } from '../pool/types.js';

/** Query parameters every compute route takes. */
export const placementQuery = {
  placement: { type: 'string', maxLength: 32 },
} as const;

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** `?placement=` or header `x-hotpath-placement`; both must agree when both are sent. */
export function requestedPlacement(request: FastifyRequest): Placement | undefined {
  const q = (request.query as { placement?: string } | undefined)?.placement;
  const h = header(request, 'x-hotpath-placement');
  if (q !== undefined && h !== undefined && q !== h) {
    throw new HotpathError('HP_ERR_INVALID_PLACEMENT', `?placement=${q} and header x-hotpath-placement: ${h} disagree`);
  }
  const p = q ?? h;
  if (p === undefined) return undefined;
  if (!PLACEMENTS.includes(p as Placement)) {
    throw new HotpathError('HP_ERR_INVALID_PLACEMENT', `unknown placement '${p}'; use one of ${PLACEMENTS.join(', ')}`);
  }
  return p as Placement;
}

const MAX_DEADLINE_MS = 2 ** 31 - 1; // setTimeout's limit

/** Header `x-hotpath-deadline-ms`: a positive integer of ms (queue wait + run). */
export function requestedDeadline(request: FastifyRequest): number | undefined {
  const h = header(request, 'x-hotpath-deadline-ms');
  if (h === undefined) return undefined;
  if (!/^[1-9][0-9]{0,9}$/.test(h) || Number(h) > MAX_DEADLINE_MS) {
    throw new HotpathError('HP_ERR_BAD_REQUEST', `x-hotpath-deadline-ms must be an integer in 1..${MAX_DEADLINE_MS}, got '${h}'`);
  }
  return Number(h);
}

/**
 * Runs a kernel for a request. A client that disconnects before the answer
 * aborts its task (a queued one leaves the queue, a running one stops through
 * its cancel flag): no core burns for nobody.
 */
export async function compute<K extends AnyKernel>(
  app: FastifyInstance, request: FastifyRequest, reply: FastifyReply, kernel: K, input: InputOf<K>,
): Promise<RunResult<ResultOf<K>>> {
  const placement = requestedPlacement(request);
  const deadlineMs = requestedDeadline(request);
  const ac = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) ac.abort(new HotpathError('HP_ERR_ABORTED', 'the client closed the connection'));
  };
  reply.raw.once('close', onClose);
  try {
    const res = await app.hotpath.run(kernel, input, { placement, deadlineMs, signal: ac.signal });
    void reply.header('x-hotpath-placement', res.placement);
    if (res.fallback) void reply.header('x-hotpath-fallback', 'native addon not loaded: ran the TypeScript twin');
    // Server-Timing (W3C): durations in ms; browsers' devtools show them.
    void reply.header('server-timing', `queue;dur=${res.timing.waitMs.toFixed(3)}, run;dur=${res.timing.runMs.toFixed(3)}`);
    return res;
  } finally {
    reply.raw.off('close', onClose);
  }
}

/** Integer query parameter written as digits only: "10", not " 10", "1e1" or "10.0". */
export const digits = { type: 'string', pattern: '^(0|[1-9][0-9]{0,9})$' } as const;

/** k over HTTP: 1..1000, default 10. */
export const HTTP_MAX_K = 1000;
export const DEFAULT_K = 10;

export function queryInt(value: string | undefined, name: string, code: 'HP_ERR_INVALID_K' | 'HP_ERR_INVALID_SAMPLE_RATE' | 'HP_ERR_BAD_REQUEST', min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^[0-9]{1,10}$/.test(value) || n < min || n > max) {
    throw new HotpathError(code, `?${name} must be an integer in ${min}..${max}, got '${value}'`);
  }
  return n;
}

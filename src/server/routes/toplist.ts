// POST /v1/toplist — the k most frequent ids in a list of play events.
// Body: JSON {"events": [uint32...], "k": n} (at most 8 MiB) or
// application/octet-stream of uint32 little-endian ids with ?k= (at most 64 MiB).
import type { FastifyInstance } from 'fastify';
import { HotpathError } from '../../errors.js';
import { acceptOnly, addBinaryParser, addJsonParser, LIMITS, requireBinary, typedView, type BinaryBody } from '../body.js';
import { compute, DEFAULT_K, digits, HTTP_MAX_K, placementQuery, queryInt } from '../compute.js';
import { toplistKernel } from '../../kernels/toplist/kernel.js';

interface Query {
  placement?: string;
  k?: string;
}

interface JsonBody {
  events: unknown[];
  k?: number;
}

// Each event is at least 2 bytes of JSON ("1,"): 8 MiB cannot hold more.
const MAX_JSON_EVENTS = LIMITS.toplistJson / 2;

const jsonBody = {
  type: 'object',
  additionalProperties: false,
  required: ['events'],
  properties: {
    // Items are checked by the kernel's validation (uint32), in the same pass
    // that copies them into a Uint32Array: a second pass here would double it.
    events: { type: 'array', maxItems: MAX_JSON_EVENTS },
    k: { type: 'integer', minimum: 1, maximum: HTTP_MAX_K },
  },
} as const;

const response = {
  200: {
    type: 'object',
    properties: {
      items: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, count: { type: 'integer' } } } },
    },
  },
} as const;

export async function toplistRoutes(app: FastifyInstance): Promise<void> {
  acceptOnly(app);
  // Two limits on one route: each parser has its own (no route bodyLimit, which would override both).
  addJsonParser(app, LIMITS.toplistJson);
  addBinaryParser(app, ['application/octet-stream'], 'octet', LIMITS.binary);

  app.post<{ Querystring: Query; Body: JsonBody | BinaryBody }>('/v1/toplist', {
    schema: {
      querystring: { type: 'object', additionalProperties: false, properties: { ...placementQuery, k: digits } },
      body: { content: { 'application/json': { schema: jsonBody }, 'application/octet-stream': { schema: {} } } },
      response,
    },
  }, async (request, reply) => {
    const queryK = queryInt(request.query.k, 'k', 'HP_ERR_INVALID_K', 1, HTTP_MAX_K);
    let events: Uint32Array | unknown[];
    let k: number;
    if (Buffer.isBuffer((request.body as BinaryBody).bytes)) {
      events = typedView(requireBinary(request.body).bytes, Uint32Array, 'uint32 events');
      k = queryK ?? DEFAULT_K;
    } else {
      if (queryK !== undefined) throw new HotpathError('HP_ERR_BAD_REQUEST', "with a JSON body, 'k' goes in the body, not in ?k=");
      const b = request.body as JsonBody;
      events = b.events;
      k = b.k ?? DEFAULT_K;
    }
    const res = await compute(app, request, reply, toplistKernel, { events: events as number[], k });
    return { items: res.items };
  });
}

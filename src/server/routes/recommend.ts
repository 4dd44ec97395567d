// POST /v1/recommend — items like a query vector or like a catalog item (topk).
// Exactly one of `vector` (catalog dimension, finite numbers) or `itemId`
// (an integer id in the catalog; the item itself is excluded), plus `k`.
import type { FastifyInstance } from 'fastify';
import { HotpathError } from '../../errors.js';
import { acceptOnly, addJsonParser, LIMITS } from '../body.js';
import { compute, DEFAULT_K, HTTP_MAX_K, placementQuery } from '../compute.js';
import { topkKernel } from '../../kernels/topk/kernel.js';

interface Body {
  vector?: number[];
  itemId?: number;
  k?: number;
}

// Vectors longer than this are refused by the schema before any copy; the
// exact dimension is checked by the kernel (HP_ERR_DIMENSION_MISMATCH).
const MAX_DIMS = 65_536;

const body = {
  type: 'object',
  additionalProperties: false,
  properties: {
    vector: { type: 'array', items: { type: 'number' }, minItems: 1, maxItems: MAX_DIMS },
    itemId: { type: 'integer', minimum: 0 },
    k: { type: 'integer', minimum: 1, maximum: HTTP_MAX_K },
  },
} as const;

const response = {
  200: {
    type: 'object',
    properties: {
      items: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, score: { type: 'number' } } } },
    },
  },
} as const;

export async function recommendRoutes(app: FastifyInstance): Promise<void> {
  acceptOnly(app);
  addJsonParser(app, LIMITS.recommend);
  app.post<{ Body: Body }>('/v1/recommend', {
    schema: { body, querystring: { type: 'object', additionalProperties: false, properties: placementQuery }, response },
  }, async (request, reply) => {
    const { catalog } = app.service;
    const { vector, itemId, k = DEFAULT_K } = request.body;
    if ((vector === undefined) === (itemId === undefined)) {
      throw new HotpathError('HP_ERR_BAD_REQUEST', "send exactly one of 'vector' or 'itemId'");
    }
    let query: Float32Array | number[];
    let exclude: number[] | undefined;
    if (itemId !== undefined) {
      if (itemId >= catalog.items) {
        throw new HotpathError('HP_ERR_UNKNOWN_ITEM', `item ${itemId} is not in the catalog (ids 0..${catalog.items - 1})`);
      }
      // A copy of the row (128 floats): the catalog's shared buffer must never move to a worker.
      query = catalog.data.slice(itemId * catalog.dims, (itemId + 1) * catalog.dims);
      exclude = [itemId];
    } else {
      query = vector!;
    }
    const res = await compute(app, request, reply, topkKernel, { vector: query, k, exclude });
    return { items: res.items };
  });
}

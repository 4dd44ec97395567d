// GET /v1/items/:id — a catalog row's metadata. The catalog holds vectors
// only, so the metadata is derived from the id and the row, deterministic and
// O(1): a title, a category (a hash of the id into 16 names: a stand-in for
// the product data a real service would join here) and the vector's L2 norm.
import type { FastifyInstance } from 'fastify';
import { HotpathError } from '../../errors.js';

const CATEGORIES = [
  'ambient', 'blues', 'classical', 'country', 'electronic', 'folk', 'hip-hop', 'jazz',
  'latin', 'metal', 'pop', 'punk', 'reggae', 'rock', 'soul', 'world',
] as const;

/** The top 4 bits of a multiplicative hash of the id (Knuth's golden-ratio constant). */
export function categoryOf(id: number): string {
  return CATEGORIES[Math.imul(id, 0x9e3779b1) >>> 28];
}

/** Item ids in the path: decimal digits, no sign, no leading zeros ("-1", "1.5", "007" are 400). */
const idParam = { type: 'string', pattern: '^(0|[1-9][0-9]{0,15})$' } as const;

export async function itemRoutes(app: FastifyInstance): Promise<void> {
  app.get<{ Params: { id: string } }>('/v1/items/:id', {
    schema: {
      params: { type: 'object', properties: { id: idParam }, required: ['id'] },
      // No query parameters: an unknown one is a 400, as on every route that has a schema.
      querystring: { type: 'object', properties: {}, additionalProperties: false },
      response: {
        200: {
          type: 'object',
          properties: {
            id: { type: 'integer' }, title: { type: 'string' }, category: { type: 'string' },
            norm: { type: 'number' }, dims: { type: 'integer' },
          },
        },
      },
    },
  }, async (request) => {
    const { catalog } = app.service;
    const id = Number(request.params.id);
    if (id >= catalog.items) {
      throw new HotpathError('HP_ERR_UNKNOWN_ITEM', `item ${id} is not in the catalog (ids 0..${catalog.items - 1})`);
    }
    return { id, title: `Item ${id}`, category: categoryOf(id), norm: catalog.norms[id], dims: catalog.dims };
  });
}

// topk as a pool kernel, through the same defineKernel a user's kernel uses.
// The catalog is the pool's (shared with every worker once, at start), not
// part of a call's input.
import type { Catalog } from '../../catalog/catalog.js';
import { HotpathError } from '../../errors.js';
import { addonPath, type NativeBinding } from '../../native/binding.js';
import { requireObject } from '../common.js';
import { defineKernel } from '../define.js';
import { topkResult } from './index.js';
import { topkTs } from './ts.js';
import type { TopkArgs } from './types.js';
import { validateTopk } from './validate.js';

/** topk through the pool: the pool's catalog is implied. */
export interface PoolTopkInput {
  vector: Float32Array | Float64Array | readonly number[];
  k?: number;
  exclude?: Uint32Array | readonly number[];
}
type Args = Omit<TopkArgs, 'catalog'>;

const addon = (a: unknown): NativeBinding => a as unknown as NativeBinding;

function requireCatalog(catalog: Catalog | undefined): Catalog {
  if (catalog === undefined) throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'this pool has no catalog: pass one to createPool() to run topk');
  return catalog;
}

export const topkKernel = defineKernel({
  url: import.meta.url,
  name: 'topk',
  validate: (input: PoolTopkInput, pool): Args => {
    const { vector, k, exclude } = validateTopk({ ...requireObject(input, 'topk input'), catalog: requireCatalog(pool.catalog) });
    return { vector, k, exclude };
  },
  run: (a, ctx) => topkTs({ ...a, catalog: requireCatalog(ctx.catalog) }, ctx.flag),
  result: topkResult,
  native: {
    addon: addonPath(),
    // Named: the profiler finds native time on this call line (src/profile/native.ts).
    fn: function runTopk(lib, a, ctx) {
      const c = requireCatalog(ctx.catalog);
      return addon(lib).topk(c.data, c.norms, c.dims, a.vector, a.k, a.exclude, ctx.flag);
    },
    fnAsync: (lib, a, ctx) => {
      const c = requireCatalog(ctx.catalog);
      return addon(lib).topkAsync(c.data, c.norms, c.dims, a.vector, a.k, a.exclude, ctx.flag);
    },
  },
  // Rows x dims: constant for a pool's catalog.
  size: (_a, pool) => (pool.catalog === undefined ? 1 : pool.catalog.items * pool.catalog.dims),
});

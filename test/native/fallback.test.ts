// When the addon cannot load, everything still works on the TS twins, and the
// process is told once (a warning with a code), never crashed.
import { describe, expect, it } from 'vitest';

describe('native fallback', () => {
  it('runs the TS twins and warns exactly once when the addon will not load', async () => {
    process.env.HOTPATH_ADDON_PATH = '/nonexistent/hotpath.node';
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      // A fresh module graph per test file (vitest isolates files), so the
      // binding loads here for the first time, with the bad path.
      const { topk, toplist, nativeAvailable, nativeLoadError, syntheticCatalog } = await import('../../src/index.js');
      const catalog = syntheticCatalog({ items: 100, dims: 8, seed: 5 });
      const vector = catalog.data.slice(0, 8);
      const viaNative = topk({ catalog, vector, k: 3 }, { impl: 'native' });
      const viaTs = topk({ catalog, vector, k: 3 }, { impl: 'ts' });
      expect(viaNative).toEqual(viaTs);
      expect(viaNative.items[0].id).toBe(0);
      expect(toplist({ events: [4, 4, 2], k: 1 }, { impl: 'native' }).items).toEqual([{ id: 4, count: 2 }]);
      expect(nativeAvailable()).toBe(false);
      expect(nativeLoadError()?.message).toMatch(/nonexistent/);
      await new Promise((resolve) => setImmediate(resolve)); // emitWarning delivers on a later tick
      const ours = warnings.filter((w) => (w as { code?: string }).code === 'HP_WARN_NATIVE_UNAVAILABLE');
      expect(ours).toHaveLength(1);
    } finally {
      process.off('warning', onWarning);
      delete process.env.HOTPATH_ADDON_PATH;
    }
  });
});

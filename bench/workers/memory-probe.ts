// Child process of the memory suite: RSS before and after a catalog, then
// after a pool of N workers over it has run topk in every worker. One
// process per measurement, so nothing else in the bench inflates the RSS.
// Usage: node memory-probe.js ITEMS THREADS  -> one JSON line on stdout.
import { syntheticCatalog } from '../../src/catalog/synthetic.js';
import { createPool } from '../../src/pool/pool.js';

const [items, threads] = process.argv.slice(2).map(Number);
const mib = () => process.memoryUsage().rss / 2 ** 20;
const base = mib();
const catalog = syntheticCatalog({ items, dims: 128, seed: 42 });
const withCatalog = mib();
const pool = await createPool({ catalog, threads });
const vector = catalog.data.slice(0, 128);
// Enough tasks in flight that every worker runs some, TS and native alike:
// each reads the whole catalog, so a per-worker copy would be resident now.
const tasks: Promise<unknown>[] = [];
for (let i = 0; i < threads * 4; i++) {
  for (const placement of ['native-worker', 'ts-worker'] as const) tasks.push(pool.run('topk', { vector, k: 10 }, { placement, transfer: false }));
}
await Promise.all(tasks);
const withPool = mib();
await pool.close();
console.log(JSON.stringify({ base, withCatalog, withPool, catalogMiB: (catalog.data.byteLength + catalog.norms.byteLength) / 2 ** 20 }));

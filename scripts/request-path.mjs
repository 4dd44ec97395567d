// Which of our source files one request runs through, on the event loop:
// POST /v1/recommend with a placement (default auto), after a warm-up,
// measured with V8's precise coverage (functions called at least once during
// that request). Worker threads are not covered here: what they load is
// worker/'s imports.
//
// Usage: node scripts/request-path.mjs [REPO] [PLACEMENT]   (REPO: a built checkout, default .)
import { Session } from 'node:inspector/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repo = resolve(process.argv[2] ?? '.');
const placement = process.argv[3] ?? 'auto';
const dist = pathToFileURL(`${repo}/dist/src/`).href;
const { syntheticCatalog } = await import(`${dist}catalog/synthetic.js`);
const { createPool } = await import(`${dist}pool/pool.js`);
const { buildApp } = await import(`${dist}server/app.js`);
const { pino } = await import('pino');

const catalog = syntheticCatalog({ items: 1000, dims: 32, seed: 7 });
const pool = await createPool({ catalog, threads: 1 });
const app = buildApp({ pool, catalog, logger: pino({ level: 'silent' }) });
await app.ready();
const request = () => app.inject({ method: 'POST', url: `/v1/recommend?placement=${placement}`, payload: { itemId: 3, k: 5 } });
for (let i = 0; i < 200; i++) await request();

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
await session.post('Profiler.takePreciseCoverage'); // counts start from here
const res = await request();
const { result } = await session.post('Profiler.takePreciseCoverage');
await session.post('Profiler.stopPreciseCoverage');
session.disconnect();

const files = result
  .filter((s) => s.url.startsWith(dist) && s.functions.some((f) => f.ranges[0].count > 0))
  .map((s) => s.url.slice(dist.length))
  .sort();
console.log(`${placement}: ${res.statusCode}, ${JSON.parse(res.body).items?.length ?? 0} items; ${files.length} files of ${repo}/dist/src on the event loop:`);
for (const f of files) console.log(`  ${f}`);
await app.close();
await pool.close();

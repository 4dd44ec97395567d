// The architecture as a rule on imports (undici's layering check, in spirit):
// each top-level folder of src/ imports only from folders below it, and inside
// the pool, the worker, the dispatcher and the planner stay apart. A new
// import that crosses a line fails here with the file and the line.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

/** Layers, lowest first: a folder may import its own layer's files and any lower layer. */
const LAYERS: string[][] = [
  ['errors.ts', 'paths.ts', 'causes.ts'],
  ['native', 'catalog'],
  ['kernels'],
  ['pool'],
  ['remote', 'metrics', 'profile'],
  ['fastify'],
  ['server'],
  ['cli', 'index.ts'],
];

/** Imports that go up a layer on purpose, each with its reason. */
const ALLOWED_UP = new Map<string, string>([
  // The remote placement's client is one of the pool's lanes; its worker side (remote/worker.ts) sits above the pool.
  ['pool -> remote/client.ts', 'the remote lane'],
]);

/** Inside src/pool: what each part may import from the others (the facade at the top of pool/ may import all of them). */
const POOL_PARTS: Record<string, (target: string) => boolean> = {
  // A worker thread loads only the wire format, the slots, the kernel specs and the clock: no main-thread code.
  worker: (t) => t.startsWith('worker/') || ['dispatch/wire.ts', 'dispatch/slots.ts', 'dispatch/transfer.ts', 'registry.ts', 'clock.ts'].includes(t),
  // The dispatcher reaches auto only through the Planner interface.
  dispatch: (t) => !t.startsWith('auto/') && !t.startsWith('worker/') && t !== 'pool.ts',
  // The planner reads the lanes; it never sends, and knows nothing of workers.
  auto: (t) => !t.startsWith('worker/') && !['dispatch/dispatch.ts', 'dispatch/channels.ts', 'pool.ts', 'placement.ts'].includes(t),
};

/** Outside src/pool, only the facade's files and worker/profiling.ts (the profiler's control channel) may be imported. */
const POOL_OPEN = (t: string) => !t.includes('/') || t === 'worker/profiling.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.c?ts$/.test(e.name) ? [join(dir, e.name)] : []);
}

interface Edge { from: string; to: string; line: number }

function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of sourceFiles(src)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((text, i) => {
      for (const m of text.matchAll(/(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+)'/g)) {
        const to = relative(src, resolve(dirname(file), m[1])).replace(/\.js$/, '.ts').replace(/\.cjs$/, '.cts');
        out.push({ from: relative(src, file), to, line: i + 1 });
      }
    });
  }
  return out;
}

const top = (p: string) => p.split('/')[0];
const layerOf = (p: string) => LAYERS.findIndex((l) => l.includes(top(p)));
const poolPath = (p: string) => p.slice('pool/'.length);

describe('layering', () => {
  const all = edges();

  it('finds the imports it checks', () => {
    expect(all.length).toBeGreaterThan(200);
    for (const e of all) expect(layerOf(e.from), `${e.from} is in no layer`).toBeGreaterThanOrEqual(0);
  });

  it('each folder of src/ imports only its own layer and those below', () => {
    const bad = all.filter((e) => {
      if (layerOf(e.to) <= layerOf(e.from)) return false;
      return !ALLOWED_UP.has(`${top(e.from)} -> ${e.to}`);
    });
    expect(bad.map((e) => `${e.from}:${e.line} imports ${e.to}`)).toEqual([]);
  });

  it('inside the pool, worker/, dispatch/ and auto/ import only what their rule allows', () => {
    const bad = all.filter((e) => {
      if (top(e.from) !== 'pool' || top(e.to) !== 'pool') return false;
      const from = poolPath(e.from);
      const part = from.includes('/') ? from.split('/')[0] : undefined;
      const to = poolPath(e.to);
      if (part === undefined || to.startsWith(`${part}/`)) return false;
      return !POOL_PARTS[part](to);
    });
    expect(bad.map((e) => `${e.from}:${e.line} imports ${e.to}`)).toEqual([]);
  });

  it("outside the pool, only its facade is imported (and the profiler's channel)", () => {
    const bad = all.filter((e) => top(e.from) !== 'pool' && top(e.to) === 'pool' && !POOL_OPEN(poolPath(e.to)));
    expect(bad.map((e) => `${e.from}:${e.line} imports ${e.to}`)).toEqual([]);
  });

  it('the rules bite: an import from the worker into the dispatcher would fail', () => {
    expect(POOL_PARTS.worker('dispatch/channels.ts')).toBe(false);
    expect(POOL_PARTS.dispatch('auto/planner.ts')).toBe(false);
    expect(layerOf('kernels/x.ts') < layerOf('pool/pool.ts')).toBe(true);
  });
});

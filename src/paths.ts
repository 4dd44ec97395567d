// Locating files of the installed package, from src/ (tests run the TS
// sources) or from dist/src/ (the built package).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the nearest folder above this file that has binding.gyp. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'binding.gyp'))) return dir;
    dir = dirname(dir);
  }
  throw new Error(`hotpath: cannot find the package root above ${fileURLToPath(import.meta.url)}`);
}

/**
 * A compiled module of ours by its path under src/ (e.g. 'pool/worker.js').
 * Worker threads need plain JS: when running from the TS sources (vitest),
 * this resolves to the build in dist/ (npm test builds it first).
 */
export function compiledModule(relative: string): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return join(dirname(here), relative);
  return join(packageRoot(), 'dist', 'src', relative);
}

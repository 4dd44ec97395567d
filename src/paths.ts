// Locating files of the installed package, from src/ (tests run the TS
// sources) or from dist/src/ (the built package).
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

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

/**
 * The URL a worker imports for a kernel module. Workers load plain JS: a
 * module of ours under src/ (tests run the TS sources) maps to its build.
 */
export function workerModuleUrl(url: string): string {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return url;
  const file = fileURLToPath(url);
  const src = join(packageRoot(), 'src');
  if (!file.startsWith(src + sep)) return url;
  return pathToFileURL(compiledModule(file.slice(src.length + 1).replace(/\.ts$/, '.js'))).href;
}

/** The folder holding hotpath.h, for addon authors' binding.gyp (`node -p "require('hotpath').includeDir"`). */
export const includeDir = join(packageRoot(), 'include');

// What callers pass to createPool and run, checked once, the same way
// whatever the placement: one coded error (HP_ERR_INVALID_ARGUMENT, or
// HP_ERR_INVALID_KERNEL for a kernel) per bad option.
import { isCatalog } from '../catalog/catalog.js';
import { HotpathError } from '../errors.js';
import { isKernel } from '../kernels/define.js';
import { BUILTIN_KERNELS, DIAGNOSTIC_KERNELS } from './registry.js';
import type { PoolOptions, RunOptions } from './types.js';

/** Most threads a pool takes: each costs a V8 isolate (about 10 MB); past this it is a mistake, not a pool. */
export const MAX_THREADS = 256;

/** Test hook: the worker entry Piscina loads (a fault-injecting wrapper of ours). Not public. */
export const WORKER_FILE = Symbol('hotpath.workerFile');
/** Benchmarks only: `'simple'` makes auto the simple rule (auto/simple.ts), its yardstick. */
export const PLANNER = Symbol.for('hotpath.planner');

/** A non-negative number of ms (a timer's range), or the fallback when undefined. */
export function ms(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0) || value > 2 ** 31 - 1) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `${name} must be a number of ms in 0..${2 ** 31 - 1}, got ${String(value)}`);
  }
  return value;
}

/** run()'s options, checked the same way whatever the placement (one coded error per bad option). */
export function checkRunOptions(options: RunOptions): void {
  if (typeof options !== 'object' || options === null) throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'run options must be an object');
  const { signal, deadlineMs, transfer } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'signal must be an AbortSignal');
  if (deadlineMs !== undefined && (typeof deadlineMs !== 'number' || !(deadlineMs > 0) || deadlineMs > 2 ** 31 - 1)) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `deadlineMs must be a number of ms in (0, ${2 ** 31 - 1}], got ${String(deadlineMs)}`);
  }
  if (transfer !== undefined && typeof transfer !== 'boolean') throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'transfer must be a boolean');
}

export function positiveInt(value: unknown, name: string, fallback: number, max = 2 ** 31 - 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new HotpathError('HP_ERR_INVALID_ARGUMENT', `${name} must be an integer in 1..${max}, got ${String(value)}`);
  }
  return value;
}

/** createPool's options that are checked before anything starts (the numbers are read where they are used). */
export function checkPoolOptions(options: PoolOptions): void {
    if (typeof options !== 'object' || options === null) throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'createPool options must be an object');
    if (options.catalog !== undefined && !isCatalog(options.catalog)) {
      throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'catalog must be a Catalog (syntheticCatalog, loadCatalog or createCatalog)');
    }
    if (options.builtins !== undefined && typeof options.builtins !== 'boolean') throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'builtins must be a boolean');
    if (options.resourceLimits !== undefined && (typeof options.resourceLimits !== 'object' || options.resourceLimits === null)) {
      throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'resourceLimits must be an object');
    }
    if ((options as { workerFile?: unknown }).workerFile !== undefined) {
      throw new HotpathError('HP_ERR_INVALID_ARGUMENT', 'workerFile is not an option: run your own code as kernels (defineKernel, createPool({ kernels }))');
    }
}

/**
 * Each user kernel's module must export it: workers find it there by name.
 * Checked once here, on the caller's thread, so that a wrong `url` fails
 * createPool with the kernel's name instead of every worker's start.
 */
export async function checkModules(kernels: unknown): Promise<void> {
  if (!Array.isArray(kernels)) return;
  const ours = new Set<unknown>([...DIAGNOSTIC_KERNELS, ...BUILTIN_KERNELS]);
  for (const k of kernels as unknown[]) {
    if (!isKernel(k) || ours.has(k)) continue;
    let mod: Record<string, unknown>;
    try {
      mod = (await import(k.url)) as Record<string, unknown>;
    } catch (err) {
      throw new HotpathError('HP_ERR_INVALID_KERNEL', `kernel ${k.name}: cannot import its url ${k.url}: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    }
    if (!Object.values(mod).some((v) => isKernel(v) && v.name === k.name)) {
      throw new HotpathError('HP_ERR_INVALID_KERNEL', `kernel ${k.name}: its module ${k.url} exports no kernel named ${k.name} (export the defineKernel() result)`);
    }
  }
}

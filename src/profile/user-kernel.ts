// A user's kernel for `hotpath bench --kernels` and `hotpath profile
// --kernels`: the module at a path (resolved against the working directory),
// the kernel it exports (defineKernel results, found with isKernel), and one
// input read from a JSON file. Every failure is the caller's argument, so it
// carries `usage: true` (the commands exit 2 on it).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fsCause, UsageError } from '../causes.js';
import { isKernel, type AnyKernel } from '../kernels/define.js';

export interface UserKernel {
  kernel: AnyKernel;
  /** The path as given and the module's file URL. */
  path: string;
  url: string;
  /** Names of every kernel the module exports. */
  names: string[];
}

/** Imports `path` and picks the kernel named `name` (optional when the module exports exactly one). */
export async function loadUserKernel(path: string, name?: string, cwd = process.cwd()): Promise<UserKernel> {
  const url = pathToFileURL(resolve(cwd, path)).href;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(url)) as Record<string, unknown>;
  } catch (err) {
    const e = err as Error & { code?: string };
    const why = e.code === 'ERR_MODULE_NOT_FOUND' && (e.message ?? '').includes(url.replace(/^file:\/\//, '')) ? 'no such file' : e.message ?? String(err);
    throw new UsageError(`--kernels ${path}: cannot import it: ${why}`);
  }
  const kernels: AnyKernel[] = [];
  for (const v of Object.values(mod)) if (isKernel(v) && !kernels.includes(v)) kernels.push(v);
  const names = kernels.map((k) => k.name);
  if (kernels.length === 0) {
    throw new UsageError(`--kernels ${path}: the module exports no kernel (export the result of defineKernel())`);
  }
  if (name === undefined) {
    if (kernels.length > 1) throw new UsageError(`--kernels ${path} exports ${kernels.length} kernels (${names.join(', ')}): choose one with --kernel NAME`);
    return { kernel: kernels[0], path, url, names };
  }
  const kernel = kernels.find((k) => k.name === name);
  if (kernel === undefined) throw new UsageError(`--kernel ${name}: ${path} exports no kernel of that name; it exports: ${names.join(', ')}`);
  return { kernel, path, url, names };
}

/** One input, parsed from the JSON file at `path`. */
export function readInput(path: string, cwd = process.cwd()): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (err) {
    throw new UsageError(`--input ${path}: cannot read it: ${fsCause(err)}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new UsageError(`--input ${path}: not JSON: ${(err as Error).message}`);
  }
}

/** A hint for an input shaped like several inputs ({"inputs": [...]}), which the commands do not take; else ''. */
export function severalInputsHint(input: unknown): string {
  const keys = typeof input === 'object' && input !== null && !Array.isArray(input) ? Object.keys(input) : [];
  return keys.length === 1 && keys[0] === 'inputs' && Array.isArray((input as { inputs: unknown }).inputs)
    ? ' (one input per run: {"inputs": [...]} is taken as a single input; run once per input file)'
    : '';
}

/** A kernel's result without what the pool adds (placement, fallback, timing, choice): what two placements must agree on. */
export function kernelOutput(result: unknown): unknown {
  if (typeof result !== 'object' || result === null) return result;
  const { placement: _p, fallback: _f, timing: _t, choice: _c, ...rest } = result as Record<string, unknown>;
  return rest;
}

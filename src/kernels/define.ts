// defineKernel: how any kernel, ours or a user's, tells the pool what it is.
// A kernel is an ES module export: the caller's thread uses the object (to
// validate and to type calls), every worker imports the module at `url` and
// finds the export by `name` (functions do not cross postMessage).
import type { Catalog } from '../catalog/catalog.js';
import { HotpathError } from '../errors.js';

/** What the pool shares with every kernel: today its catalog (createPool's `catalog`). */
export interface PoolContext {
  readonly catalog: Catalog | undefined;
}

/** Handed to `run` (and a native adapter): the task's cancel flag and the pool's context. */
export interface KernelContext extends PoolContext {
  /** True once the caller aborted or the deadline passed. */
  cancelled(): boolean;
  /** Throws the task's abort (HP_ERR_ABORTED) once cancelled(): call it every few ms of work. */
  throwIfCancelled(): void;
  /** The shared flag native code polls (element 0 non-zero = stop); undefined for inline runs. */
  readonly flag: Int32Array | undefined;
}

/** An addon's exports, as `require` returns them. */
export type NativeAddon = Record<string, unknown>;

/**
 * A native form: `addon` is the .node file; `fn` and `fnAsync` name its
 * exports, called as `fn(args, cancel)` (sync, inline or in a worker) and
 * `fnAsync(args, cancel)` (returns a Promise: libuv's pool, `native-async`).
 * Either may instead be an adapter `(addon, args, ctx) => ...` when the
 * addon's calling convention differs.
 */
export interface NativeForm<A, W> {
  addon: string | URL;
  fn?: string | ((addon: NativeAddon, args: A, ctx: KernelContext) => W);
  fnAsync?: string | ((addon: NativeAddon, args: A, ctx: KernelContext) => Promise<W>);
}

export interface KernelDefinition<I, A, W extends object, R extends object> {
  /** Where workers import this module from: `import.meta.url`. */
  url: string | URL;
  /** Unique in a pool, /^[a-z][a-z0-9-]*$/: stats and metrics label it. */
  name: string;
  /** Checks and normalises input on the caller's thread; throws KernelError. Default: input as is. */
  validate?(input: I, pool: PoolContext): A;
  /** The work, synchronous: inline or in a worker. Returns an object, or a value `result` maps to one (structured-clone values). */
  run(args: A, ctx: KernelContext): W;
  /** Maps what run returned, after it crossed threads, to the caller's result. Default: as is. */
  result?(raw: W): R;
  native?: NativeForm<A, W>;
  /** What run time grows with (auto's cost model). Default: 1 for every call. */
  size?(args: A, pool: PoolContext): number;
}

const BRAND = Symbol.for('hotpath.kernel');
const NAME = /^[a-z][a-z0-9-]*$/;

/** A kernel made by defineKernel. The type parameters carry input and result types to pool.run. */
export interface Kernel<I = unknown, A = unknown, W extends object = object, R extends object = W>
  extends Readonly<KernelDefinition<I, A, W, R>> {
  readonly url: string;
  readonly [BRAND]: true;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyKernel = Kernel<any, any, any, any>;
/** The input pool.run takes: validate's parameter type, or its result type when that parameter is `unknown`. */
export type InputOf<K> = K extends Kernel<infer I, infer A, infer _W, infer _R> ? (unknown extends I ? A : I) : never;
/** The result pool.run resolves to (before the pool adds placement and timing). */
export type ResultOf<K> = K extends Kernel<infer _I, infer _A, infer _W, infer R> ? R : never;

function invalid(message: string): HotpathError {
  return new HotpathError('HP_ERR_INVALID_KERNEL', message);
}

/** Defines a kernel: see KernelDefinition. Throws HP_ERR_INVALID_KERNEL on a malformed definition. */
export function defineKernel<A, W extends object, I = unknown, R extends object = W>(
  def: KernelDefinition<I, A, W, R>,
): Kernel<I, A, W, R> {
  if (typeof def !== 'object' || def === null) throw invalid('defineKernel takes an object');
  if (typeof def.name !== 'string' || !NAME.test(def.name)) throw invalid(`kernel name must match ${NAME}, got ${String(def.name)}`);
  const url = def.url instanceof URL ? def.url.href : def.url;
  if (typeof url !== 'string' || !URL.canParse(url)) throw invalid(`${def.name}: url must be the module's import.meta.url`);
  if (typeof def.run !== 'function') throw invalid(`${def.name}: run must be a function`);
  for (const hook of ['validate', 'result', 'size'] as const) {
    if (def[hook] !== undefined && typeof def[hook] !== 'function') throw invalid(`${def.name}: ${hook} must be a function`);
  }
  if (def.native !== undefined) {
    const { addon, fn, fnAsync } = def.native;
    if (typeof addon !== 'string' && !(addon instanceof URL)) throw invalid(`${def.name}: native.addon must be a path or a file URL`);
    for (const f of [fn, fnAsync]) {
      if (f !== undefined && typeof f !== 'string' && typeof f !== 'function') throw invalid(`${def.name}: native.fn and fnAsync are export names or functions`);
    }
  }
  return Object.freeze({ ...def, url, [BRAND]: true as const });
}

export function isKernel(value: unknown): value is AnyKernel {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

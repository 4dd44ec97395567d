// The kernels of one pool, by name and by wire code, and how the pool calls
// each: the same table on the caller's thread and in every worker (built
// from the same list, in the same order, so a code means the same kernel on
// both sides). Ours are kernels like any other (src/kernels/*/kernel.ts).
import { HotpathError, kernelFailure } from '../errors.js';
import { abortedError, type Impl } from '../kernels/common.js';
import { isKernel, type AnyKernel, type KernelContext, type NativeAddon, type PoolContext } from '../kernels/define.js';
import { echoKernel, spinKernel } from '../kernels/diagnostics.js';
import { fingerprintKernel } from '../kernels/fingerprint/kernel.js';
import { topkKernel } from '../kernels/topk/kernel.js';
import { toplistKernel } from '../kernels/toplist/kernel.js';
import { loadAddon } from '../native/binding.js';
import { mapViews, movable } from './dispatch/transfer.js';

/** Every pool has these (createPool warms its workers with echo; the bench measures with both). */
export const DIAGNOSTIC_KERNELS = [echoKernel, spinKernel] as const;
/** Ours, in every pool unless `builtins: false`. */
export const BUILTIN_KERNELS = [topkKernel, toplistKernel, fingerprintKernel] as const;

type Call = (args: unknown, ctx: KernelContext) => unknown;

/** Prefix of the frame a user kernel's native call shows in a CPU profile. */
export const NATIVE_FRAME_PREFIX = 'native_';

/** One kernel as the pool calls it. */
export class KernelSpec {
  private readonly nativeCall: Call | undefined;
  private readonly nativeAsync: Call | undefined;

  constructor(readonly kernel: AnyKernel, readonly code: number, private readonly pool: PoolContext) {
    const form = kernel.native;
    const addon = form === undefined ? null : loadAddon(form.addon, `hotpath: kernel ${kernel.name}`);
    this.nativeCall = addon === null ? undefined : bind(addon, form!.fn, kernel.name);
    this.nativeAsync = addon === null ? undefined : bind(addon, form!.fnAsync, kernel.name);
  }

  get name(): string {
    return this.kernel.name;
  }

  /** Native forms that loaded: `fn` (inline, workers) and `fnAsync` (libuv). */
  get hasSync(): boolean {
    return this.nativeCall !== undefined;
  }

  get hasAsync(): boolean {
    return this.nativeAsync !== undefined;
  }

  /** On the caller's thread: what goes to the kernel. Throws HotpathError or KernelError. */
  validate(input: unknown): unknown {
    if (this.kernel.validate === undefined) return input;
    try {
      return this.kernel.validate(input, this.pool);
    } catch (err) {
      throw kernelFailure(err, false);
    }
  }

  size(args: unknown): number {
    return this.kernel.size === undefined ? 1 : this.kernel.size(args, this.pool);
  }

  /** The input as it crosses to a worker; buffers to move go to `list`. */
  toWire(args: unknown, transfer: boolean, list: ArrayBuffer[]): unknown {
    return mapViews(args, movable, transfer, list);
  }

  /** Runs synchronously, natively when asked and possible. Throws HotpathError or KernelError. */
  run(args: unknown, impl: Impl, ctx: KernelContext): unknown {
    const fromNative = impl === 'native' && this.nativeCall !== undefined;
    try {
      return fromNative ? this.nativeCall!(args, ctx) : this.kernel.run(args, ctx);
    } catch (err) {
      throw kernelFailure(err, fromNative);
    }
  }

  /** native-async: the addon's fnAsync on libuv's pool. */
  async runAsync(args: unknown, ctx: KernelContext): Promise<unknown> {
    try {
      return await this.nativeAsync!(args, ctx);
    } catch (err) {
      throw kernelFailure(err, true);
    }
  }

  /**
   * On the caller's thread: the public result, an object (the pool adds its
   * fields to it). What run returned crossed threads as it is: a kernel may
   * return a plain value and wrap it here, as echo does (one object fewer to
   * clone per task: echo cost the event loop 5.6 us a task with { value }
   * crossing, 4.1 with the bare value; bench/ab.ts, 2 cores).
   */
  result(raw: unknown): object {
    let out: unknown;
    try {
      out = this.kernel.result === undefined ? raw : this.kernel.result(raw);
    } catch (err) {
      throw kernelFailure(err, false);
    }
    if (typeof out !== 'object' || out === null) {
      throw new HotpathError('HP_ERR_KERNEL_FAILED', `${this.name}: run must return an object (or result() map it to one), got ${out === null ? 'null' : typeof out}`);
    }
    return out;
  }
}

function bind(addon: NativeAddon, fn: unknown, name: string): Call | undefined {
  if (typeof fn === 'function') return (args, ctx) => (fn as (a: NativeAddon, b: unknown, c: KernelContext) => unknown)(addon, args, ctx);
  if (typeof fn !== 'string') return undefined;
  const f = addon[fn];
  if (typeof f !== 'function') {
    throw new HotpathError('HP_ERR_INVALID_KERNEL', `kernel ${name}: its addon exports no function ${fn}`);
  }
  return namedCall(f as (args: unknown, flag: Int32Array | undefined) => unknown, name);
}

/**
 * The call of an addon export, as a function named after its kernel
 * (`native_sum_to`): V8 puts a native call's samples on the JS function
 * that makes it, so a profile shows whose native time it is
 * (src/profile/native.ts). Kernel names are /^[a-z][a-z0-9-]*$/: the
 * identifier is safe to build.
 */
function namedCall(f: (args: unknown, flag: Int32Array | undefined) => unknown, kernel: string): Call {
  const id = `${NATIVE_FRAME_PREFIX}${kernel.replace(/-/g, '_')}`;
  return new Function('f', `return function ${id}(args, ctx) { return f(args, ctx.flag); }`)(f) as Call;
}

/** A pool's kernels by name and code. */
export class Registry {
  readonly specs: KernelSpec[];
  private readonly byName = new Map<string, KernelSpec>();

  constructor(kernels: readonly AnyKernel[], pool: PoolContext) {
    this.specs = kernels.map((k, code) => new KernelSpec(k, code, pool));
    for (const spec of this.specs) this.byName.set(spec.name, spec);
  }

  /** By kernel object or name; HP_ERR_UNKNOWN_KERNEL for anything not registered. */
  get(kernel: unknown): KernelSpec {
    const name = isKernel(kernel) ? kernel.name : kernel;
    const spec = typeof name === 'string' ? this.byName.get(name) : undefined;
    if (spec === undefined) {
      const hint = isKernel(kernel) ? ' (pass it to createPool({ kernels }))' : '';
      throw new HotpathError('HP_ERR_UNKNOWN_KERNEL', `unknown kernel ${String(name)}${hint}; known: ${[...this.byName.keys()].join(', ')}`);
    }
    return spec;
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }
}

/**
 * The kernel list of a pool, checked: the diagnostics first (fixed codes 0
 * and 1), then ours unless left out, then the user's. Throws
 * HP_ERR_INVALID_KERNEL for anything not from defineKernel or a duplicate name.
 */
export function poolKernels(user: unknown, builtins: boolean): AnyKernel[] {
  if (user !== undefined && !Array.isArray(user)) throw new HotpathError('HP_ERR_INVALID_KERNEL', 'kernels must be an array of defineKernel() results');
  const list: AnyKernel[] = [...DIAGNOSTIC_KERNELS, ...(builtins ? BUILTIN_KERNELS : [])];
  const names = new Set(list.map((k) => k.name));
  for (const [i, k] of ((user ?? []) as unknown[]).entries()) {
    if (!isKernel(k)) throw new HotpathError('HP_ERR_INVALID_KERNEL', `kernels[${i}] was not made by defineKernel()`);
    if (list.includes(k)) continue;
    if (names.has(k.name)) {
      const reserved = DIAGNOSTIC_KERNELS.some((d) => d.name === k.name) || BUILTIN_KERNELS.some((b) => b.name === k.name);
      throw new HotpathError('HP_ERR_INVALID_KERNEL', reserved && !list.includes(k)
        ? `kernel name ${k.name} is taken by a kernel of hotpath's${builtins ? ' (pass builtins: false to free topk, toplist and fingerprint)' : ''}`
        : `two kernels are named ${k.name}`);
    }
    names.add(k.name);
    list.push(k);
  }
  return list;
}

/** The context a run gets: one per cancel flag, reused (no allocation per task). */
export function kernelContext(pool: PoolContext, flag: Int32Array | undefined): KernelContext {
  const cancelled = flag === undefined ? () => false : () => Atomics.load(flag, 0) !== 0;
  return {
    catalog: pool.catalog,
    flag,
    cancelled,
    throwIfCancelled: () => {
      if (cancelled()) throw abortedError('task');
    },
  };
}

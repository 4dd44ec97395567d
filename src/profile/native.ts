// Attributing time that V8 puts on a call line: native kernel time, and
// time in JS code compiled before the profiler started.
//
// The V8 profiler never sees inside the addon (seen on Node 20.20). What it shows, seen
// here on Node 20.20 (topk native-worker, 50k x 128, 1 s, 2 workers): no
// frame named after the addon function at all; the samples taken during the
// native call land on the JS function that calls the addon (runTopk, 443 of
// 715 samples of one worker), and V8's per-line ticks (positionTicks) put
// them on the line of the call (`addon.topk(...)`: 403 of 403 ticks; 438 of
// 439 in another run), while
// with the TS placement runTopk's few self ticks sit on the line that calls
// topkTs (13 ticks, 1.7%). So the native part of a caller's self time is its
// share of ticks on the addon-call line. Where V8 does show a frame named
// after an addon function with no script (other V8 builds), that frame's
// time is native whole.
//
// The same thing happens to JS: code that V8 compiled before the profiler
// started is not in the profiler's code map when it is on-stack-replacement
// (OSR) code, the optimized body of a hot loop. Its samples land on the
// caller's call line too. Seen here: topk ts-worker, 100k x 128, profiled
// after 0.5 s of unprofiled load: runTopk 44% of busy time, all of it on
// `return topkTs(args, cancel)`, and topkTs 55%; profiled from the first
// call: topkTs 97%, runTopk 0.6%. A live service is always profiled late, so
// self ticks on a line that calls a function which is also the node's child
// in the tree are moved to that child (calleeSplit), and the summary says so.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CpuProfile } from '../pool/worker/profiling.js';
import { NATIVE_FRAME_PREFIX } from '../pool/registry.js';

type ProfileNode = CpuProfile['nodes'][number];

export interface NativeSplit {
  kernel: string;
  /** Share of the node's self time spent in the native kernel, 0..1. */
  share: number;
  /** How it was attributed, in words (goes into the summary). */
  method: string;
  /**
   * The node is V8's frame for the addon call itself, named after whichever
   * addon export V8 picked (threadCpuUs, fingerprintAsync for a topk call):
   * the name is not a caller, so views show the kernel in its place.
   */
  addonFrame?: boolean;
}

interface Caller {
  kernel: string;
  fn: string;
  file: RegExp;
  call: RegExp;
}

// The JS functions that call the addon (src/kernels/<kernel>/kernel.ts) and
// how the call reads in their source. native-async calls are not here: they
// run on libuv threads, which no V8 profile samples (use --native: perf).
const CALLERS: readonly Caller[] = [
  { kernel: 'topk', fn: 'runTopk', file: /\/kernels\/topk\/(kernel|index)\.[jt]s$/, call: /\.topk\(/ },
  { kernel: 'toplist', fn: 'runToplist', file: /\/kernels\/toplist\/(kernel|index)\.[jt]s$/, call: /\.toplist\(/ },
  { kernel: 'fingerprint', fn: 'runFingerprint', file: /\/kernels\/fingerprint\/(kernel|index)\.[jt]s$/, call: /\.fingerprint\(/ },
];
// Every function the addon exports (native/addon.cc). V8 may name the frame
// of a native call after any of them: they share one C++ entry point, and
// with the addon loaded when the worker starts, a topk call showed up here
// as a frame named `fingerprintAsync` (Node 20.20, 2026-11).
// threadCpuUs (the pool's CPU clock, not a kernel) counts as a kernel only
// under a kernel's caller: a topk call showed up as `threadCpuUs` once the
// addon exported it.
const ADDON_FRAMES = new Set(['topk', 'topkAsync', 'memread', 'simd', 'toplist', 'toplistAsync', 'fingerprint', 'fingerprintAsync', 'threadCpuUs']);
const NOT_KERNELS = new Set(['threadCpuUs']);

const sources = new Map<string, string | undefined>();

/** Reads a file:// script once; undefined when it cannot (another machine, a deleted build). */
export function readLocalSource(url: string): string | undefined {
  if (!sources.has(url)) {
    let text: string | undefined;
    try {
      text = url.startsWith('file:') ? readFileSync(fileURLToPath(url), 'utf8') : undefined;
    } catch {
      text = undefined;
    }
    sources.set(url, text);
  }
  return sources.get(url);
}

// Split source lines, per reader and url: a profile asks for the same few
// files once per node.
const lineCache = new WeakMap<(url: string) => string | undefined, Map<string, string[] | undefined>>();

function linesOf(url: string, readSource: (url: string) => string | undefined): string[] | undefined {
  let byUrl = lineCache.get(readSource);
  if (byUrl === undefined) lineCache.set(readSource, (byUrl = new Map()));
  if (!byUrl.has(url)) byUrl.set(url, readSource(url)?.split('\n'));
  return byUrl.get(url);
}

function addonCallLines(url: string, caller: Caller, readSource: (url: string) => string | undefined): Set<number> | undefined {
  const text = linesOf(url, readSource);
  if (text === undefined) return undefined;
  const lines = new Set<number>();
  text.forEach((line, i) => {
    if (caller.call.test(line)) lines.add(i + 1); // positionTicks lines are 1-based
  });
  return lines.size === 0 ? undefined : lines;
}

export function nativeCallerOf(node: ProfileNode): Caller | undefined {
  const { functionName, url } = node.callFrame;
  return CALLERS.find((c) => c.fn === functionName && c.file.test(url));
}

/** The native part of a node's self time, or undefined when the node is not a native call. */
export function nativeSplit(
  node: ProfileNode, readSource: (url: string) => string | undefined = readLocalSource, parent?: ProfileNode,
): NativeSplit | undefined {
  const { functionName, url } = node.callFrame;
  // A user kernel's native call (src/pool/registry.ts namedCall): a
  // one-line function made at run time, so all its self time is the addon's.
  // V8 shows the addon's own frame under it (named after any export of the
  // addon: a sum-to run showed up as sumToAsync), or none.
  const named = url === '' && functionName.startsWith(NATIVE_FRAME_PREFIX) ? functionName
    : url === '' && parent?.callFrame.url === '' && parent.callFrame.functionName.startsWith(NATIVE_FRAME_PREFIX) ? parent.callFrame.functionName
      : undefined;
  if (named !== undefined) {
    const kernel = named.slice(NATIVE_FRAME_PREFIX.length).replace(/_/g, '-');
    return { kernel, share: 1, method: `frames in or under ${named}, the pool's call of the kernel's addon export: all native`, addonFrame: named !== functionName };
  }
  if (url === '' && ADDON_FRAMES.has(functionName)) {
    // The frame's name may be another export's: the kernel is its caller's.
    const caller = parent === undefined ? undefined : nativeCallerOf(parent);
    if (caller === undefined && NOT_KERNELS.has(functionName)) return undefined;
    const kernel = caller?.kernel ?? functionName.replace(/Async$/, '');
    return {
      kernel, share: 1, addonFrame: true,
      method: caller === undefined
        ? `frames named after an addon function (${functionName}) with no script: all native`
        : `frames with no script named after an addon function (V8 named it ${functionName}; the addon's functions share one entry point) under ${caller.fn}: all native, attributed to ${caller.kernel}`,
    };
  }
  const caller = nativeCallerOf(node);
  if (caller === undefined) return undefined;
  const file = url.slice(url.lastIndexOf('/') + 1);
  const ticks = node.positionTicks ?? [];
  const lines = addonCallLines(url, caller, readSource);
  if (ticks.length === 0 || lines === undefined) {
    return {
      kernel: caller.kernel,
      share: 1,
      method: `all self time of ${caller.fn} (${file}): its per-line ticks or source were not available, so its own JS time (about 2% with the TS placement) counts as native too`,
    };
  }
  let on = 0;
  let all = 0;
  for (const t of ticks) {
    all += t.ticks;
    if (lines.has(t.line)) on += t.ticks;
  }
  return {
    kernel: caller.kernel,
    share: all > 0 ? on / all : 0,
    method: `self time of ${caller.fn} on the line that calls the addon (${file}:${[...lines].join(',')}), from V8's per-line ticks: ` +
      'V8 shows a native call as time in its JS caller',
  };
}

export interface CalleeShare {
  /** The child node that gets the ticks. */
  childId: number;
  /** Share of the caller's self time moved to it, 0..1. */
  share: number;
}

/**
 * Self ticks of `node` on lines that call one of its children by name (see
 * the note at the top): the share of its self time that belongs to each
 * child. Lines that call the addon are left to nativeSplit.
 */
export function calleeSplit(node: ProfileNode, children: readonly ProfileNode[], readSource: (url: string) => string | undefined = readLocalSource): CalleeShare[] {
  const ticks = node.positionTicks ?? [];
  if (ticks.length === 0 || children.length === 0 || !node.callFrame.url.startsWith('file:')) return [];
  const lines = linesOf(node.callFrame.url, readSource);
  if (lines === undefined) return [];
  const native = nativeCallerOf(node);
  let all = 0;
  for (const t of ticks) all += t.ticks;
  const moved = new Map<number, number>();
  for (const t of ticks) {
    const line = lines[t.line - 1];
    if (line === undefined || (native !== undefined && native.call.test(line))) continue;
    const callee = children.find((c) => {
      const name = c.callFrame.functionName;
      return name !== '' && c.callFrame.url !== '' && new RegExp(`(^|[^\\w$])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\(`).test(line);
    });
    if (callee !== undefined) moved.set(callee.id, (moved.get(callee.id) ?? 0) + t.ticks);
  }
  return [...moved].map(([childId, n]) => ({ childId, share: all > 0 ? n / all : 0 }));
}

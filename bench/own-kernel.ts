// hotpath bench --kernels ./k.js --kernel NAME --input input.json: a user's
// own kernel under every placement of a hotpath pool and through plain
// Piscina running the same function, side by side. Each case is a closed
// loop (each caller calls again as soon as its last call settled) at 1 and
// at C calls in flight for a fixed window; per case: calls/s, latency
// percentiles, how much of the window the event loop was busy and its
// longest stall, what actually ran, and whether the result equals ts-inline's.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { Piscina } from 'piscina';
import type { AnyKernel } from '../src/kernels/define.js';
import { native } from '../src/native/binding.js';
import { createPool } from '../src/pool/pool.js';
import { PLACEMENTS, type Placement } from '../src/pool/types.js';
import { UsageError } from '../src/causes.js';
import { kernelOutput, loadUserKernel, readInput, severalInputsHint } from '../src/profile/user-kernel.js';
import { describeMachine, machineInfo, type MachineInfo } from './lib/machine.js';
import { textTable, wrapLines } from './lib/table.js';

export const OWN_CASES = [...PLACEMENTS, 'piscina'] as const;
export type OwnCase = (typeof OWN_CASES)[number];

export interface OwnKernelOptions {
  /** The module's path (resolved against the working directory) and the kernel's name (optional when it exports one). */
  modulePath: string;
  kernelName?: string;
  inputPath: string;
  threads: number;
  /** Measured time per case, ms, in up to 5 rounds that interleave the cases (a quarter of it, at most 250 ms, warms each up first). */
  durationMs: number;
  /** Calls in flight of the loaded cases (the other row of each case has 1). */
  concurrency: number;
  /** Called before each case is measured (progress). */
  onCase?: (name: OwnCase, inflight: number, round: number, rounds: number) => void;
}

export interface OwnRow {
  /** A placement asked of the hotpath pool, or 'piscina'. */
  case: OwnCase;
  inflight: number;
  /** Windows measured (roundsOf(durationMs)), each durationMs / rounds long. */
  rounds: number;
  calls: number;
  errors: number;
  firstError?: string;
  /** The median round's calls per second. */
  callsPerSec: number;
  /** (fastest - slowest round) / median: how much the machine moved under this case. */
  spread: number;
  p50Ms: number;
  p99Ms: number;
  /** Share of the window the event loop was busy (performance.eventLoopUtilization), 0..1. */
  loopBusy: number;
  /** Longest the event loop could not run a timer, ms (monitorEventLoopDelay max). */
  loopMaxDelayMs: number;
  /** Where the calls ran (result.placement; 'piscina' for Piscina) -> calls. */
  ran: Record<string, number>;
  /** Some call of a native placement ran the kernel's TS run instead (no native form, or its addon did not load). */
  fallback: boolean;
  /** The result (less placement, fallback, timing, choice) deep-equals ts-inline's; null when either failed. */
  sameAsTsInline: boolean | null;
}

export interface OwnKernelReport {
  schema: 'hotpath-bench-kernel/1';
  machine: MachineInfo;
  kernel: string;
  module: string;
  input: string;
  /** The kernel declares a native form, and whether its addon loaded here. */
  native: 'none' | 'loaded' | 'not loaded';
  threads: number;
  durationMs: number;
  rounds: number;
  concurrency: number;
  rows: OwnRow[];
}

interface Outcome {
  placement?: string;
  fallback?: boolean;
}

/** One window of one case: what its calls took, and what the event loop did meanwhile. */
interface Segment {
  lat: number[];
  elapsedMs: number;
  errors: number;
  firstError?: string;
  activeMs: number;
  idleMs: number;
  maxDelayMs: number;
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

// Event-loop turns, counted in the check phase by one pending setImmediate at
// a time: a caller whose call settled without a turn (an inline run) gives
// the loop one, as a service's requests come through it. An inline case then
// stalls the loop for one turn's calls (up to one per caller), not for the
// whole window; a worker call already took turns and pays nothing more.
let turns = 0;
let tickPending = false;
function watchTurn(): void {
  if (tickPending) return;
  tickPending = true;
  setImmediate(() => {
    tickPending = false;
    turns++;
  });
}

type Loop = (end: number, lat: number[] | undefined, errs: { n: number; first?: string }) => Promise<void>;

function callers(call: () => Promise<unknown>, seen: (r: unknown) => void): Loop {
  return async (end, lat, errs) => {
    while (performance.now() < end) {
      const turn = turns;
      watchTurn();
      const s = performance.now();
      try {
        const r = await call();
        if (lat !== undefined) {
          lat.push(performance.now() - s);
          seen(r);
        }
      } catch (err) {
        errs.n++;
        errs.first ??= (err as Error)?.message ?? String(err);
      }
      if (turns === turn) await yieldToLoop();
    }
  };
}

/** `inflight` callers, each calling again as soon as its last call settled, for `durationMs`. */
async function window(loop: Loop, inflight: number, durationMs: number): Promise<Segment> {
  // Resolution 1 ms: a stall shorter than that is not one a service notices.
  // The monitor records the time between two of its ticks: its first tick
  // must come before the window, or a stall at its start would go unrecorded.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const lat: number[] = [];
  const errs: { n: number; first?: string } = { n: 0 };
  delay.enable();
  await sleep(2);
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: inflight }, () => loop(t0 + durationMs, lat, errs)));
  const elapsedMs = performance.now() - t0;
  const elu = performance.eventLoopUtilization(elu0);
  // ...and the tick that records a stall at its end comes once the loop is back.
  await sleep(5);
  delay.disable();
  const seg: Segment = {
    lat, elapsedMs, errors: errs.n, activeMs: elu.active, idleMs: elu.idle,
    maxDelayMs: delay.count > 0 && Number.isFinite(delay.max) ? delay.max / 1e6 : 0,
  };
  if (errs.first !== undefined) seg.firstError = errs.first;
  return seg;
}

/** Windows per case: on a shared machine a neighbour's burst then hits every case alike (rounds interleave the cases). */
export function roundsOf(durationMs: number): number {
  return Math.max(1, Math.min(5, Math.floor(durationMs / 200)));
}

interface Case {
  name: OwnCase;
  inflight: number;
  loop: Loop;
  ran: Record<string, number>;
  fallback: boolean;
  same: boolean | null;
  checkError?: string;
  segments: Segment[];
}

function rowOf(c: Case): OwnRow {
  const lat = c.segments.flatMap((s) => s.lat).sort((a, b) => a - b);
  const at = (q: number) => (lat.length === 0 ? 0 : lat[Math.min(lat.length - 1, Math.floor(lat.length * q))]);
  // The median round's rate: one round a neighbour disturbed moves it least.
  const rates = c.segments.map((s) => (s.lat.length / s.elapsedMs) * 1000).sort((a, b) => a - b);
  const active = c.segments.reduce((t, s) => t + s.activeMs, 0);
  const idle = c.segments.reduce((t, s) => t + s.idleMs, 0);
  const errors = c.segments.reduce((t, s) => t + s.errors, 0);
  const firstError = c.segments.find((s) => s.firstError !== undefined)?.firstError ?? c.checkError;
  const row: OwnRow = {
    case: c.name, inflight: c.inflight, rounds: c.segments.length, calls: lat.length, errors: errors === 0 && c.checkError !== undefined ? 1 : errors,
    callsPerSec: rates[Math.floor(rates.length / 2)], spread: rates[0] > 0 ? (rates[rates.length - 1] - rates[0]) / rates[Math.floor(rates.length / 2)] : 0,
    p50Ms: at(0.5), p99Ms: at(0.99), loopBusy: active + idle > 0 ? Math.min(1, active / (active + idle)) : 0,
    loopMaxDelayMs: Math.max(...c.segments.map((s) => s.maxDelayMs)), ran: c.ran, fallback: c.fallback, sameAsTsInline: c.same,
  };
  if (firstError !== undefined) row.firstError = firstError;
  return row;
}

/** Measures the kernel under every placement and through Piscina. Throws UsageError on a bad module, name or input. */
export async function benchOwnKernel(o: OwnKernelOptions): Promise<OwnKernelReport> {
  const { kernel } = await loadUserKernel(o.modulePath, o.kernelName);
  const input = readInput(o.inputPath);
  const validate = (value: unknown): unknown => (kernel.validate === undefined ? value : kernel.validate(value, { catalog: undefined }));
  try {
    validate(input);
  } catch (err) {
    throw new UsageError(`--input ${o.inputPath}: ${kernel.name}'s validate refused it: ${(err as Error)?.message ?? String(err)}${severalInputsHint(input)}`);
  }
  const addon = native();
  const machine = machineInfo({ simd: addon?.simd() ?? 'none', native: addon !== null });
  const pool = await createPool({ kernels: [kernel], threads: o.threads, builtins: false, maxQueue: Math.max(256, o.concurrency) });
  const piscina = new Piscina({
    filename: new URL('./workers/own-kernel-worker.js', import.meta.url).href,
    minThreads: o.threads, maxThreads: o.threads, workerData: { url: kernel.url, name: kernel.name },
  });
  const rounds = roundsOf(o.durationMs);
  const cases: Case[] = [];
  let nativeState: OwnKernelReport['native'] = kernel.native === undefined ? 'none' : 'not loaded';
  try {
    // Piscina gets args validated here, per call, as the pool validates each call on this thread.
    const viaPiscina = async (): Promise<unknown> => {
      const raw = (await piscina.run(validate(input))) as object;
      return kernel.result === undefined ? raw : (kernel as AnyKernel).result!(raw);
    };
    const callOf = (c: OwnCase) => (c === 'piscina' ? viaPiscina : () => pool.run(kernel, input, { placement: c as Placement }));
    // Once each, unmeasured: the result to compare (and the threads started).
    const first = async (c: OwnCase): Promise<{ out?: unknown; error?: string }> => {
      try {
        const r = await callOf(c)();
        if (c === 'native-inline' && (r as Outcome).fallback === false) nativeState = 'loaded';
        return { out: kernelOutput(r) };
      } catch (err) {
        return { error: (err as Error)?.message ?? String(err) };
      }
    };
    const reference = await first('ts-inline');
    for (const name of OWN_CASES) {
      const check = name === 'ts-inline' ? reference : await first(name);
      const same = reference.error !== undefined || check.error !== undefined ? null : isDeepStrictEqual(check.out, reference.out);
      for (const inflight of [1, o.concurrency]) {
        const c: Case = { name, inflight, ran: {}, fallback: false, same, segments: [], loop: undefined! };
        if (check.error !== undefined) c.checkError = check.error;
        c.loop = callers(callOf(name), (r) => {
          const where = name === 'piscina' ? 'piscina' : String((r as Outcome).placement);
          c.ran[where] = (c.ran[where] ?? 0) + 1;
          if ((r as Outcome).fallback === true) c.fallback = true;
        });
        cases.push(c);
      }
    }
    // Warm-up, unmeasured: the JIT's tiers, the workers' first calls.
    const warmMs = Math.min(250, o.durationMs / 4);
    for (const c of cases) {
      const end = performance.now() + warmMs;
      await Promise.all(Array.from({ length: c.inflight }, () => callers(callOf(c.name), () => {})(end, undefined, { n: 0 })));
    }
    for (let round = 0; round < rounds; round++) {
      for (const c of cases) {
        o.onCase?.(c.name, c.inflight, round, rounds);
        c.segments.push(await window(c.loop, c.inflight, o.durationMs / rounds));
      }
    }
  } finally {
    await Promise.allSettled([pool.close(), piscina.destroy()]);
  }
  const rows = cases.map(rowOf).sort((a, b) => a.inflight - b.inflight || OWN_CASES.indexOf(a.case) - OWN_CASES.indexOf(b.case));
  return {
    schema: 'hotpath-bench-kernel/1', machine, kernel: kernel.name, module: o.modulePath, input: o.inputPath, native: nativeState,
    threads: o.threads, durationMs: o.durationMs, rounds, concurrency: o.concurrency, rows,
  };
}

function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);
}

/** What ran: the one placement, or each with its share (auto). */
function ranText(r: OwnRow): string {
  const entries = Object.entries(r.ran).sort((a, b) => b[1] - a[1]);
  if (entries.length === 0) return '-';
  const text = entries.length === 1 ? entries[0][0] : entries.map(([p, n]) => `${p} ${n / r.calls < 0.01 ? '<1' : Math.round((n / r.calls) * 100)}%`).join(', ');
  return r.fallback ? `${text} (fallback)` : text;
}

/** The side-by-side table, naming the machine: within 120 columns (report.ts textTable), the prose wrapped. */
export function ownKernelText(rep: OwnKernelReport): string {
  const nativeNote = rep.native === 'none' ? 'no native form (native placements run its TS run: fallback)'
    : rep.native === 'loaded' ? 'native form loaded' : 'native form declared but its addon did not load (fallback)';
  const rows = rep.rows.map((r) => [
    r.case, String(r.inflight), r.calls === 0 ? '-' : r.callsPerSec.toFixed(0), r.rounds > 1 ? `${(r.spread * 100).toFixed(0)}%` : '-', ms(r.p50Ms), ms(r.p99Ms),
    `${(r.loopBusy * 100).toFixed(0)}%`, ms(r.loopMaxDelayMs), ranText(r),
    r.sameAsTsInline === null ? 'n/a' : r.sameAsTsInline ? 'yes' : 'NO',
  ]);
  const head = [
    `hotpath bench: kernel ${rep.kernel} from ${rep.module}, input ${rep.input}`,
    `machine: ${describeMachine(rep.machine)}`,
    `${rep.threads} worker thread${rep.threads === 1 ? '' : 's'} (hotpath and Piscina alike), closed loop for ${rep.durationMs} ms per case${rep.rounds > 1 ? ` (${rep.rounds} rounds of ${(rep.durationMs / rep.rounds).toFixed(0)} ms, cases interleaved)` : ''} at 1 and ${rep.concurrency} in flight; ${nativeNote}`,
    '',
  ];
  const left = new Set([0, 8, 9]);
  const table = textTable(['case', 'in flight', 'calls/s', 'spread', 'p50 ms', 'p99 ms', 'loop busy', 'loop max ms', 'ran', 'same as ts-inline'], rows, { left: (i) => left.has(i) });
  const errors = rep.rows.filter((r) => r.errors > 0).map((r) => `${r.case} x${r.inflight}: ${r.errors} calls failed: ${r.firstError}`);
  return [...wrapLines(head), table, ...wrapLines(errors)].join('\n');
}

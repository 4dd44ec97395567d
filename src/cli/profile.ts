// hotpath profile: CPU profiles of every thread and a per-task breakdown,
// for a workload run here against a pool (one of ours, or the user's own
// kernel with --kernels), or for a running service (--url).
// Writes main.cpuprofile, worker-<threadId>.cpuprofile, summary.md,
// summary.json and flame.svg to --out (docs/profiling.md).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createPool } from '../pool/pool.js';
import { PLACEMENTS, type Placement } from '../pool/types.js';
import { writeProfileFiles } from '../profile/archive.js';
import { startCapture } from '../profile/capture.js';
import { perfUnavailable, recordUnderPerf, reportPerf } from '../profile/perf.js';
import { profileRemote } from '../profile/remote.js';
import type { ProfileSummary } from '../profile/summary.js';
import { UsageError } from '../causes.js';
import { loadUserKernel, readInput, severalInputsHint } from '../profile/user-kernel.js';
import { fsCause, netCause, reportError, reportUsage } from './messages.js';
import { driveWorkload, WORKLOAD_DEFAULTS, WORKLOAD_KERNELS, workloadCall, workloadCatalog, type WorkloadKernel, type WorkloadOptions } from '../profile/workload.js';

const HELP = `Usage: hotpath profile [options]      (npm run profile -- [options])

Profiles the main thread and every worker while a workload runs, and writes to --out:
one .cpuprofile per thread (Chrome DevTools, speedscope), summary.md and summary.json
(top functions, native kernel share, per-task time breakdown) and flame.svg.

Workload, run here against a new pool:
  --kernel K          topk | toplist | fingerprint | spin               [topk]
  --placement P       ${PLACEMENTS.join(' | ')}  [native-worker]
  --duration S        seconds of profiled load                          [5]
  --concurrency N     calls in flight                                   [threads]
  --threads N         pool worker threads                               [cores - 1]
  --items N, --dims N topk's synthetic catalog                          [100000, 128]
  --k N               k for topk and toplist                            [10]
  --events N          toplist: play events per call                     [100000]
  --audio-seconds S   fingerprint: seconds of 16 kHz audio per call     [5]
  --spin-us N         spin: µs of busy work per call                    [1000]
  --warmup S          unprofiled load before the capture (see docs)     [0]

Your own kernel instead (docs/profiling.md, "Your own kernel"):
  --kernels FILE      an ES module exporting defineKernel() results (path from the working directory)
  --kernel NAME       which of its kernels (may be left out when it exports one)
  --input FILE        one input, as JSON: every call gets it
  --placement P       as above                                          [native-worker if it has a native form, else ts-worker]
  --duration-ms MS    milliseconds of profiled load (instead of --duration)
  (--threads, --concurrency, --warmup, --out, --interval-us and --native apply too)

A running service instead (it must enable POST /debug/profile; off by default):
  --url URL           e.g. http://127.0.0.1:3000; autocannon drives the kernel's route
  --connections N     autocannon connections                            [8]

Output:
  --out DIR           [out/profile]
  --interval-us N     sampling interval, µs                             [1000]
  --native            also record with Linux perf (--perf-basic-prof): C++ frames by name
                      (native.md, flame-native.svg, perf.data)
  -h, --help`;

const OPTIONS = {
  kernel: { type: 'string' },
  placement: { type: 'string' },
  duration: { type: 'string' },
  'duration-ms': { type: 'string' },
  kernels: { type: 'string' },
  input: { type: 'string' },
  concurrency: { type: 'string' },
  threads: { type: 'string' },
  items: { type: 'string', default: String(WORKLOAD_DEFAULTS.items) },
  dims: { type: 'string', default: String(WORKLOAD_DEFAULTS.dims) },
  k: { type: 'string', default: String(WORKLOAD_DEFAULTS.k) },
  events: { type: 'string', default: String(WORKLOAD_DEFAULTS.events) },
  'audio-seconds': { type: 'string', default: String(WORKLOAD_DEFAULTS.audioSeconds) },
  'spin-us': { type: 'string', default: String(WORKLOAD_DEFAULTS.spinUs) },
  warmup: { type: 'string', default: '0' },
  url: { type: 'string' },
  connections: { type: 'string', default: '8' },
  out: { type: 'string', default: 'out/profile' },
  'interval-us': { type: 'string', default: '1000' },
  native: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

function num(values: Values, name: keyof Values, min: number, integer = true): number {
  const raw = values[name];
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min}, got ${String(raw)}`);
  return v;
}

function headline(s: ProfileSummary, dir: string): string {
  const lines = [`wrote ${s.files.length} files to ${dir}`];
  lines.push(`workers (${s.workers.threads}, merged): ${(s.workers.idleShare * 100).toFixed(1)}% idle; top by self time:`);
  for (const r of s.workers.top.slice(0, 5)) {
    lines.push(`  ${(r.busyShare * 100).toFixed(1).padStart(5)}% busy  ${r.name}${r.where ? `  ${r.where}` : ''}`);
  }
  const nat = Object.entries(s.workers.native.ms);
  if (nat.length > 0) lines.push(`native kernels: ${(s.workers.native.busyShare * 100).toFixed(1)}% of worker busy time`);
  const b = s.breakdown;
  if (b.tasks > 0) {
    const p = b.parts;
    lines.push(`${b.tasks} tasks, mean ${p.total.mean.toFixed(2)} ms = main ${p.main.mean.toFixed(3)} + queue ${p.queue.mean.toFixed(2)} + transfer ${p.transfer.mean.toFixed(3)} + ` +
      `run ${p.run.mean.toFixed(2)} + return ${p.return.mean.toFixed(3)}; bound by ${b.bound}`);
  }
  for (const n of s.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}

/** --duration S or --duration-ms MS (one of them), in ms. */
function durationMs(values: Values, fallbackS: number): number {
  if (values.duration !== undefined && values['duration-ms'] !== undefined) throw new UsageError('--duration and --duration-ms: give one');
  if (values['duration-ms'] !== undefined) return num(values, 'duration-ms', 100, false);
  return values.duration === undefined ? fallbackS * 1000 : num(values, 'duration', 0.1, false) * 1000;
}

/** --kernels: the user's kernel, one input for every call, on a pool of its own. */
async function profileOwnKernel(values: Values, out: string): Promise<void> {
  for (const flag of ['items', 'dims', 'k', 'events', 'audio-seconds', 'spin-us'] as const) {
    if (values[flag] !== OPTIONS[flag].default) throw new UsageError(`--${flag} shapes the built-in workloads; with --kernels the input comes from --input`);
  }
  if (values.input === undefined) throw new UsageError('--kernels needs --input FILE: one input for the kernel, as JSON');
  const { kernel, path } = await loadUserKernel(values.kernels!, values.kernel);
  const input = readInput(values.input);
  const placement = (values.placement ?? (kernel.native === undefined ? 'ts-worker' : 'native-worker')) as Placement;
  if (!PLACEMENTS.includes(placement)) throw new UsageError(`--placement must be one of ${PLACEMENTS.join(', ')}`);
  const threads = values.threads === undefined ? undefined : num(values, 'threads', 1);
  const ms = durationMs(values, 5);
  const pool = await createPool({ kernels: [kernel], builtins: false, threads, maxQueue: 1024 });
  try {
    const concurrency = values.concurrency === undefined ? pool.threads : num(values, 'concurrency', 1);
    // One unmeasured call: a bad input fails here with the kernel's message, and it says where the calls run.
    let first: { placement: Placement; fallback: boolean };
    try {
      first = await pool.run(kernel, input, { placement });
    } catch (err) {
      throw new UsageError(`--input ${values.input}: ${kernel.name} failed on it: ${(err as Error)?.message ?? String(err)}${severalInputsHint(input)}`);
    }
    const call = () => pool.run(kernel, input, { placement });
    const warm = await driveWorkload(call, { durationMs: num(values, 'warmup', 0, false) * 1000, concurrency });
    if (warm.errors > 0) throw new Error(`the workload fails: ${warm.firstError}`);
    const workload = {
      kernel: kernel.name, module: path, input: values.input, placement, ran: first.placement, fallback: first.fallback,
      seconds: ms / 1000, concurrency, threads: pool.threads,
    };
    const capture = await startCapture(pool, { intervalUs: num(values, 'interval-us', 50), workload });
    const run = await driveWorkload(call, { durationMs: ms, concurrency }, capture.recordMeasured);
    const { files, summary } = await capture.stop({ tasksPerSec: Math.round(run.opsPerSec), errors: run.errors });
    writeProfileFiles(out, files);
    const ran = first.placement === placement ? placement : `${placement}, ran ${first.placement}${first.fallback ? ' (fallback: no native form loaded)' : ''}`;
    console.log(`kernel ${kernel.name} from ${path} at ${ran}: ${pool.threads} worker thread${pool.threads === 1 ? '' : 's'}, ` +
      `${concurrency} in flight, ${Math.round(run.opsPerSec)} calls/s${run.errors > 0 ? `, ${run.errors} failed: ${run.firstError}` : ''}`);
    console.log(headline(summary, out));
  } finally {
    await pool.close();
  }
}

async function profileHere(values: Values, out: string): Promise<void> {
  if (values.kernels !== undefined) return profileOwnKernel(values, out);
  if (values.input !== undefined) throw new UsageError('--input is the input of your own kernel: it needs --kernels FILE');
  const kernel = (values.kernel ?? 'topk') as WorkloadKernel;
  if (!WORKLOAD_KERNELS.includes(kernel)) throw new UsageError(`--kernel must be one of ${WORKLOAD_KERNELS.join(', ')}`);
  const placement = (values.placement ?? 'native-worker') as Placement;
  if (!PLACEMENTS.includes(placement)) throw new UsageError(`--placement must be one of ${PLACEMENTS.join(', ')}`);
  const threads = values.threads === undefined ? undefined : num(values, 'threads', 1);
  const o: Omit<WorkloadOptions, 'concurrency'> = {
    kernel, placement, durationMs: durationMs(values, 5),
    items: num(values, 'items', 1), dims: num(values, 'dims', 1), k: num(values, 'k', 1), events: num(values, 'events', 1),
    audioSeconds: num(values, 'audio-seconds', 0.1, false), spinUs: num(values, 'spin-us', 0),
  };
  const pool = await createPool({ catalog: workloadCatalog(o), threads, maxQueue: 1024 });
  try {
    const w: WorkloadOptions = { ...o, concurrency: values.concurrency === undefined ? pool.threads : num(values, 'concurrency', 1) };
    const call = workloadCall(pool, w);
    const warm = await driveWorkload(call, { durationMs: num(values, 'warmup', 0, false) * 1000, concurrency: w.concurrency });
    if (warm.errors > 0) throw new Error(`the workload fails: ${warm.firstError}`);
    const workload = {
      kernel, placement, seconds: w.durationMs / 1000, concurrency: w.concurrency, threads: pool.threads,
      ...(kernel === 'topk' ? { catalog: `${w.items} x ${w.dims}`, k: w.k } : kernel === 'toplist' ? { events: w.events, k: w.k } : kernel === 'fingerprint' ? { audioSeconds: w.audioSeconds } : { spinUs: w.spinUs }),
    };
    const capture = await startCapture(pool, { intervalUs: num(values, 'interval-us', 50), workload });
    const run = await driveWorkload(call, w, capture.recordMeasured);
    const { files, summary } = await capture.stop({ tasksPerSec: Math.round(run.opsPerSec), errors: run.errors });
    writeProfileFiles(out, files);
    console.log(headline(summary, out));
  } finally {
    await pool.close();
  }
}

async function profileService(values: Values, out: string): Promise<void> {
  const kernel = (values.kernel ?? 'topk') as WorkloadKernel;
  const placement = values.placement ?? 'native-worker';
  let url: URL;
  try {
    url = new URL(values.url!);
  } catch {
    throw new UsageError(`--url ${values.url}: not a URL (e.g. http://127.0.0.1:3000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url ${values.url}: must be http:// or https://`);
  const options = {
    url: values.url!, kernel, placement, seconds: values.duration === undefined ? 5 : num(values, 'duration', 1), connections: num(values, 'connections', 1),
    k: num(values, 'k', 1), events: Math.min(num(values, 'events', 1), 100_000), audioSeconds: num(values, 'audio-seconds', 0.1, false),
  };
  let captured: Awaited<ReturnType<typeof profileRemote>>;
  try {
    captured = await profileRemote(options);
  } catch (err) {
    // undici says only "fetch failed"; the address and the reason are what the user needs.
    if ((err as Error)?.message === 'fetch failed') throw new Error(`cannot reach ${values.url}: ${netCause(err)}`, { cause: err });
    throw err;
  }
  const { files, load } = captured;
  files.set('load.json', Buffer.from(JSON.stringify({ url: values.url, kernel, placement, ...load }, null, 2) + '\n'));
  writeProfileFiles(out, files);
  const summary = JSON.parse(files.get('summary.json')?.toString('utf8') ?? 'null') as ProfileSummary | null;
  console.log(`load: ${load.requestsPerSec.toFixed(0)} req/s, p50 ${load.latencyMs.p50} ms, p99 ${load.latencyMs.p99} ms, ${load.errors} errors, ${load.non2xx} non-2xx`);
  if (summary !== null) console.log(headline(summary, out));
}

export async function main(argv: string[]): Promise<void> {
  let values: Values;
  try {
    values = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    reportUsage('profile', err);
    return;
  }
  if (values.help) {
    console.log(HELP);
    return;
  }
  const out = resolve(values.out);
  try {
    if (values.kernels !== undefined && values.url !== undefined) {
      throw new UsageError('--kernels profiles your kernel here; --url profiles a running service: choose one');
    }
    if (values.native && values.url !== undefined) {
      throw new UsageError('--native records this process; for a service, run the service itself under perf (docs/profiling.md)');
    }
    if (values.native) {
      const why = perfUnavailable();
      if (why !== undefined) {
        console.error(`hotpath profile: --native skipped: ${why}. Profiling without it.`);
      } else {
        // Re-run this command under perf, without --native; the child writes
        // the V8 profiles, we add perf's view of the same run.
        const script = process.argv[1] ?? fileURLToPath(new URL('./hotpath.js', import.meta.url));
        mkdirSync(out, { recursive: true });
        const code = await recordUnderPerf(out, script, ['profile', ...argv.filter((a) => a !== '--native')]);
        if (code !== 0) throw new Error(`the profile run under perf exited with ${code}`);
        const r = reportPerf(out, 'hotpath, all threads (perf)');
        console.log(`perf: ${r.samples} samples, ${(r.addonShare * 100).toFixed(1)}% with the addon on the stack; top: ` +
          r.top.slice(0, 3).map((t) => `${t.sym} ${(t.share * 100).toFixed(1)}%`).join(', ') + ` (native.md, flame-native.svg)`);
        return;
      }
    }
    if (values.url !== undefined && values['duration-ms'] !== undefined) throw new UsageError('--duration-ms is for a workload run here; with --url give --duration S');
    // Before the run, not after it: an --out that cannot be made would otherwise cost the whole workload.
    try {
      mkdirSync(out, { recursive: true });
    } catch (err) {
      throw new UsageError(`--out ${values.out}: cannot create it: ${fsCause(err)}`);
    }
    if (values.url !== undefined) await profileService(values, out);
    else await profileHere(values, out);
  } catch (err) {
    reportError('profile', err);
  }
}

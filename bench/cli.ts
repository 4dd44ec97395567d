// hotpath bench [options]: the command line of the bench (src/cli/bench.ts
// hands it argv). With --kernels it measures a user's kernel instead of the
// suites (own-kernel.ts). Exit codes: 0 done; 1 a suite failed, --compare
// found a regression, or a user kernel's calls failed; 2 bad arguments.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { compareResults, comparisonText } from './lib/compare.js';
import { machineInfo } from './lib/machine.js';
import { benchOwnKernel, ownKernelText } from './own-kernel.js';
import { SUITE_NAMES, type BenchResults, type ProfileName, type SuiteName } from './lib/results.js';
import { RESULTS_JSON_SCHEMA } from './lib/schema.js';
import { runBench, writeOutputs } from './run.js';
import { fsCause, reportError } from '../src/cli/messages.js';

export const HELP = `Usage: hotpath bench [options]      (npm run bench -- [options])

Runs the benchmark suites side by side and writes results.json, report.md
and SVG charts. Every result names the machine. docs/bench.md explains each
suite, the results.json schema and how to read the charts.

Options:
  --quick            shorter windows and fewer sizes: under 2 minutes on 2 cores
  --smoke            the quick bench's smallest cases (what npm test runs): proves the tool, measures nothing
  --out DIR          where to write (default bench/results/<date>-<short sha>/)
  --only SUITE,...   run only these suites: ${SUITE_NAMES.join(', ')}
  --threads N        worker threads of the pools (default: the core count, ${availableParallelism()} here)
  --compare OLD.json after the run, print the change per case against OLD and flag regressions (exit 1 on one)
  --from NEW.json    with --compare: compare two saved runs, run nothing
  --render RUN.json  redraw report.md and the charts of a saved run (beside it, or in --out), measure nothing
  --quiet            no progress line
  --schema           print the JSON Schema of results.json and exit
  -h, --help         this text

Your own kernel instead of the suites (docs/bench.md, "Your own kernel"):
  --kernels FILE     an ES module exporting defineKernel() results (path from the working directory)
  --kernel NAME      which of its kernels (may be left out when it exports one)
  --input FILE       one input for it, as JSON (what pool.run(kernel, input) gets)
  --threads N        worker threads of the hotpath pool and of Piscina alike
  --duration-ms MS   measured window per case (default 1000; --smoke: 100)
  --concurrency C    calls in flight of the loaded row (default threads x 4)
  --json             print the rows as JSON instead of the table

Suites:
  kernels     each kernel x impl (TS, native) at small/medium/large inputs; topk vs a plain read of the same bytes
  placements  each kernel x placement at a sweep of sizes, 1 and threads x 4 in flight; best per size
  pool        dispatch overhead: hotpath vs Piscina, tinypool, workerpool, poolifier, raw worker_threads
  scaling     topk throughput at 1..cores worker threads, efficiency per thread
  http        the service in a child process under autocannon per route x placement, /healthz beside it
  memory      RSS with 1 and N workers over the default catalog (shared, not copied)
  remote      the remote placement (own redis-server, one hotpath worker) against ts-worker: per-task overhead`;

function fail(message: string): never {
  const err = new Error(message) as Error & { usage: true };
  err.usage = true;
  throw err;
}

/** A saved results.json named by `flag`: one that cannot be read or parsed is a usage error. */
function readResults(path: string, flag: string): BenchResults {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    fail(`--${flag} ${path}: cannot read it: ${fsCause(err)}`);
  }
  let r: BenchResults;
  try {
    r = JSON.parse(text) as BenchResults;
  } catch (err) {
    fail(`--${flag} ${path}: not JSON: ${(err as Error).message}`);
  }
  if (r?.schema !== 'hotpath-bench/1') fail(`--${flag} ${path}: not a hotpath bench results.json (schema ${String(r?.schema)})`);
  return r;
}

function defaultOut(): string {
  const sha = machineInfo({ simd: '', native: false }).gitSha;
  return `bench/results/${new Date().toISOString().slice(0, 10)}-${sha}`;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv, allowPositionals: false, strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
      out: { type: 'string' },
      only: { type: 'string' },
      threads: { type: 'string' },
      compare: { type: 'string' },
      from: { type: 'string' },
      render: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      schema: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
      kernels: { type: 'string' },
      kernel: { type: 'string' },
      input: { type: 'string' },
      'duration-ms': { type: 'string' },
      concurrency: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (values.schema) {
    console.log(JSON.stringify(RESULTS_JSON_SCHEMA, null, 2));
    return 0;
  }
  if (values.kernels !== undefined) return ownKernel(values);
  for (const flag of ['kernel', 'input', 'duration-ms', 'concurrency'] as const) {
    if (values[flag] !== undefined) fail(`--${flag} measures your own kernel: it needs --kernels FILE`);
  }
  if (values.json) fail('--json prints the rows of --kernels: it needs --kernels FILE');
  if (values.render !== undefined) {
    const saved = readResults(values.render, 'render');
    await writeOutputs(saved, values.out ?? dirname(values.render), { results: false, print: (t) => console.log(t), note: (t) => console.error(t) });
    return 0;
  }
  if (values.from !== undefined) {
    if (values.compare === undefined) fail('--from needs --compare OLD.json');
    const c = compareResults(readResults(values.compare, 'compare'), readResults(values.from, 'from'));
    console.log(comparisonText(c));
    return c.rows.some((r) => r.verdict === 'regression') ? 1 : 0;
  }
  const old = values.compare === undefined ? undefined : readResults(values.compare, 'compare');
  const suites = (values.only?.split(',').map((s) => s.trim()).filter(Boolean) ?? [...SUITE_NAMES]) as SuiteName[];
  for (const s of suites) if (!SUITE_NAMES.includes(s)) fail(`unknown suite '${s}'; suites: ${SUITE_NAMES.join(', ')}`);
  const threads = values.threads === undefined ? availableParallelism() : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1) fail(`--threads must be a positive integer, got ${String(values.threads)}`);
  if (values.quick && values.smoke) fail('--quick and --smoke: choose one');
  const profile: ProfileName = values.smoke ? 'smoke' : values.quick ? 'quick' : 'full';
  const { results } = await runBench({ profile, suites, threads, out: values.out ?? defaultOut(), quiet: values.quiet, argv });
  let code = results.suites.some((s) => s.status === 'failed') ? 1 : 0;
  if (old !== undefined) {
    const c = compareResults(old, results);
    console.log(`\ncompared with ${values.compare}:\n${comparisonText(c)}`);
    if (c.rows.some((r) => r.verdict === 'regression')) code = 1;
  }
  return code;
}

function positive(raw: string | undefined, flag: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(v) || v < 1) fail(`--${flag} must be a positive integer, got ${raw}`);
  return v;
}

/** --kernels: the user's kernel under every placement and through Piscina. */
async function ownKernel(values: {
  kernels?: string; kernel?: string; input?: string; threads?: string; 'duration-ms'?: string; concurrency?: string;
  json: boolean; smoke: boolean; quick: boolean; quiet: boolean; out?: string; only?: string; compare?: string; from?: string; render?: string;
}): Promise<number> {
  for (const flag of ['out', 'only', 'compare', 'from', 'render'] as const) {
    if (values[flag] !== undefined) fail(`--${flag} is for the suites; with --kernels it does not apply`);
  }
  if (values.quick) fail('--quick is for the suites; with --kernels use --duration-ms');
  if (values.input === undefined) fail('--kernels needs --input FILE: one input for the kernel, as JSON');
  const threads = positive(values.threads, 'threads', availableParallelism());
  const durationMs = positive(values['duration-ms'], 'duration-ms', values.smoke ? 100 : 1000);
  const concurrency = positive(values.concurrency, 'concurrency', threads * 4);
  const report = await benchOwnKernel({
    modulePath: values.kernels!, kernelName: values.kernel, inputPath: values.input, threads, durationMs, concurrency,
    onCase: values.quiet || values.json || !process.stderr.isTTY ? undefined : (c, n, round, rounds) => process.stderr.write(`\r\x1b[Kround ${round + 1}/${rounds}: ${c} x${n}`),
  });
  if (!values.quiet && !values.json && process.stderr.isTTY) process.stderr.write('\r\x1b[K');
  console.log(values.json ? JSON.stringify(report, null, 2) : ownKernelText(report));
  return report.rows.some((r) => r.errors > 0) ? 1 : 0;
}

/** Runs `hotpath bench` with these arguments; sets process.exitCode. */
export async function benchMain(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (err) {
    // A usage error exits 2, anything else 1: one line each (src/cli/messages.ts).
    reportError('bench', err);
  }
}

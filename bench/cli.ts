// hotpath bench [options]: the command line of the bench (src/cli/bench.ts
// hands it argv). Exit codes: 0 done; 1 a suite failed, or --compare found
// a regression; 2 bad arguments.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { compareResults, comparisonText } from './lib/compare.js';
import { machineInfo } from './lib/machine.js';
import { SUITE_NAMES, type BenchResults, type ProfileName, type SuiteName } from './lib/results.js';
import { RESULTS_JSON_SCHEMA } from './lib/schema.js';
import { runBench, writeOutputs } from './run.js';

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

Suites:
  kernels     each kernel x impl (TS, native) at small/medium/large inputs; topk vs a plain read of the same bytes
  placements  each kernel x placement at a sweep of sizes, 1 and threads x 4 in flight; best per size
  pool        dispatch overhead: hotpath vs Piscina, tinypool, workerpool, poolifier, raw worker_threads
  scaling     topk throughput at 1..cores worker threads, efficiency per thread
  http        the service in a child process under autocannon per route x placement, /healthz beside it
  memory      RSS with 1 and N workers over the default catalog (shared, not copied)`;

function fail(message: string): never {
  const err = new Error(message) as Error & { usage: true };
  err.usage = true;
  throw err;
}

function readResults(path: string): BenchResults {
  const r = JSON.parse(readFileSync(path, 'utf8')) as BenchResults;
  if (r.schema !== 'hotpath-bench/1') fail(`${path}: not a hotpath bench results.json (schema ${String(r.schema)})`);
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
  if (values.render !== undefined) {
    const saved = readResults(values.render);
    await writeOutputs(saved, values.out ?? dirname(values.render), { results: false, print: (t) => console.log(t), note: (t) => console.error(t) });
    return 0;
  }
  if (values.from !== undefined) {
    if (values.compare === undefined) fail('--from needs --compare OLD.json');
    const c = compareResults(readResults(values.compare), readResults(values.from));
    console.log(comparisonText(c));
    return c.rows.some((r) => r.verdict === 'regression') ? 1 : 0;
  }
  const old = values.compare === undefined ? undefined : readResults(values.compare);
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

/** Runs `hotpath bench` with these arguments; sets process.exitCode. */
export async function benchMain(argv: string[]): Promise<void> {
  try {
    process.exitCode = await main(argv);
  } catch (err) {
    const e = err as Error & { usage?: boolean; code?: string };
    if (e.usage === true || (e.code ?? '').startsWith('ERR_PARSE_ARGS')) {
      console.error(`hotpath bench: ${e.message}\n\n${HELP}`);
      process.exitCode = 2;
      return;
    }
    throw err;
  }
}

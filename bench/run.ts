// The bench runner: runs the chosen suites in order, prints each suite's
// table as soon as it is done, and writes results.json, report.md and the
// SVG charts. A suite that throws is recorded as failed (with its message)
// and the others still run; one that cannot run here says why (skipped).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { native } from '../src/native/binding.js';
import { renderCharts } from './lib/charts.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import { profile as profileOf, type Profile } from './lib/profile.js';
import { stderrProgress, type Progress } from './lib/progress.js';
import { reportMarkdown, suiteText } from './lib/report.js';
import { SCHEMA_ID, type BenchResults, type ProfileName, type SuiteName, type SuiteResult } from './lib/results.js';
import type { Suite } from './lib/suite.js';
import { httpSuite } from './suites/http.js';
import { kernelsSuite } from './suites/kernels.js';
import { memorySuite } from './suites/memory.js';
import { placementsSuite } from './suites/placements.js';
import { poolSuite } from './suites/pool.js';
import { remoteSuite } from './suites/remote.js';
import { scalingSuite } from './suites/scaling.js';

export const SUITES: readonly Suite[] = [kernelsSuite, placementsSuite, poolSuite, scalingSuite, httpSuite, memorySuite, remoteSuite];

export interface RunOptions {
  profile: ProfileName;
  suites: SuiteName[];
  threads: number;
  /** Where to write results.json, report.md and the charts; undefined writes nothing. */
  out?: string;
  /** No progress line (tests). */
  quiet?: boolean;
  /** Where the tables go (default: stdout). */
  print?: (text: string) => void;
  argv?: string[];
  /** Adjusts the profile (the bench:pool shortcut's --seconds, --rounds, --inflight). */
  tune?: (p: Profile) => Profile;
}

async function runSuite(suite: Suite, run: () => ReturnType<Suite['run']>, progress: Progress): Promise<SuiteResult> {
  const t0 = performance.now();
  try {
    const outcome = await run();
    return { name: suite.name, title: suite.title, ...outcome, durationMs: performance.now() - t0 };
  } catch (err) {
    progress.note(`${suite.name}: failed: ${(err as Error).stack ?? String(err)}`);
    return {
      name: suite.name, title: suite.title, status: 'failed', reason: (err as Error).message, params: {},
      durationMs: performance.now() - t0, cases: [], verdicts: [], ratios: [],
    };
  } finally {
    progress.clear();
  }
}

export async function runBench(opts: RunOptions): Promise<{ results: BenchResults; files: string[] }> {
  const print = opts.print ?? ((t: string) => console.log(t));
  const addon = native();
  const machine = machineInfo({ simd: addon?.simd() ?? 'none', native: addon !== null });
  const base = profileOf(opts.profile);
  const profile = opts.tune ? opts.tune(structuredClone(base)) : base;
  const progress = stderrProgress(opts.quiet === true);
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  print(`hotpath bench (${opts.profile}): ${opts.suites.join(', ')}\nmachine: ${describeMachine(machine)}\n`);
  const suites: SuiteResult[] = [];
  for (const name of opts.suites) {
    const suite = SUITES.find((s) => s.name === name)!;
    const res = await runSuite(suite, () => suite.run({ profile, threads: opts.threads, machine, progress }), progress);
    suites.push(res);
    print(`${suiteText(res)}\n`);
  }
  const results: BenchResults = {
    schema: SCHEMA_ID, machine, startedAt, durationMs: performance.now() - t0,
    params: { profile: opts.profile, suites: opts.suites, threads: opts.threads, argv: opts.argv ?? [] },
    suites,
  };
  const files = opts.out === undefined ? [] : await writeOutputs(results, opts.out, { results: true, print, note: (t) => progress.note(t) });
  print(`total ${(results.durationMs / 1000).toFixed(1)} s`);
  return { results, files };
}

/**
 * Writes report.md and the SVG charts (and results.json when `results`) into
 * `out`. Also how `hotpath bench --render` redraws a saved run with this
 * version's report and charts, without measuring again.
 */
export async function writeOutputs(
  results: BenchResults, out: string, o: { results: boolean; print: (t: string) => void; note: (t: string) => void },
): Promise<string[]> {
  const files: string[] = [];
  mkdirSync(out, { recursive: true });
  const write = (file: string, text: string) => {
    writeFileSync(join(out, file), text);
    files.push(file);
  };
  if (o.results) write('results.json', `${JSON.stringify(results, null, 2)}\n`);
  const { svgs, note } = await renderCharts(results);
  if (note !== undefined) o.note(note);
  for (const [file, svg] of svgs) write(file, svg);
  write('report.md', reportMarkdown(results, new Set(svgs.keys())));
  o.print(`wrote ${out}: ${files.join(', ')}`);
  return files;
}

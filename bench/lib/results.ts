// The shape of results.json (schema 'hotpath-bench/1', documented in
// docs/bench.md and checked by RESULTS_JSON_SCHEMA in schema.ts). Stable
// across versions: within /1 fields are only added, never renamed or
// removed; a case's `id` never changes meaning, so --compare can match runs
// made months apart.
import type { MachineInfo } from './machine.js';
import type { Metric } from './stats.js';

export const SCHEMA_ID = 'hotpath-bench/1';

export const SUITE_NAMES = ['kernels', 'placements', 'pool', 'scaling', 'http', 'memory', 'remote'] as const;
export type SuiteName = (typeof SUITE_NAMES)[number];

export type ProfileName = 'smoke' | 'quick' | 'full';

export interface CaseResult {
  /** Unique in a run and stable across versions, e.g. 'kernels/topk/medium/native'. */
  id: string;
  /** What the case is (kernel, impl, size, placement, pool, threads, ...): the table columns. */
  labels: Record<string, string | number>;
  /** Every measured quantity, each from repeated samples. */
  metrics: Record<string, Metric>;
  /** The metric that --compare and the winner rule use. */
  primary: string;
  /** The primary metric's spread is too wide (stats.ts NOISY_SPREAD) to trust a small difference. */
  noisy: boolean;
}

/** The winner of a group of cases (e.g. best placement for topk at 100k items, 8 in flight). */
export interface Verdict {
  group: string;
  metric: string;
  /** null when the spread is too wide to name one. */
  best: string | null;
  runnerUp: string | null;
  note: string;
}

/** A headline ratio, with the target it is held to when it has one. */
export interface Ratio {
  name: string;
  value: number;
  target?: string;
  met?: boolean;
}

export interface SuiteResult {
  name: SuiteName;
  title: string;
  status: 'ok' | 'skipped' | 'failed';
  /** Why it was skipped or failed. */
  reason?: string;
  /** The suite's parameters (sizes, threads, in-flight depth, durations, rounds). */
  params: Record<string, unknown>;
  durationMs: number;
  cases: CaseResult[];
  verdicts: Verdict[];
  ratios: Ratio[];
}

export interface BenchResults {
  schema: typeof SCHEMA_ID;
  machine: MachineInfo;
  /** ISO 8601 time the run started. */
  startedAt: string;
  durationMs: number;
  params: {
    profile: ProfileName;
    suites: SuiteName[];
    /** Worker threads of the pools in the placements and pool suites (scaling sweeps 1..cores; http uses the service's default). */
    threads: number;
    /** The command line, for re-running it. */
    argv: string[];
  };
  suites: SuiteResult[];
}

/** What a suite's run returns; the runner adds name, title and duration. */
export type SuiteOutcome = Pick<SuiteResult, 'status' | 'params' | 'cases' | 'verdicts' | 'ratios'> & { reason?: string };

export function skipped(reason: string, params: Record<string, unknown> = {}): SuiteOutcome {
  return { status: 'skipped', reason, params, cases: [], verdicts: [], ratios: [] };
}

/** Checks a ratio against a target written '>= 8' or '<= 1.5'. */
export function ratio(name: string, value: number, target?: string): Ratio {
  if (target === undefined) return { name, value };
  const bound = Number(target.slice(3));
  const met = target.startsWith('>=') ? value >= bound : value <= bound;
  return { name, value, target, met };
}

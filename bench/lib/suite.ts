// What a suite is: a name, a title, and a run that returns cases, verdicts
// and ratios (results.ts). The runner (bench/run.ts) gives each the same
// context: profile, threads, machine, progress.
import type { MachineInfo } from './machine.js';
import type { Profile } from './profile.js';
import type { Progress } from './progress.js';
import type { SuiteName, SuiteOutcome } from './results.js';

export interface SuiteContext {
  profile: Profile;
  /** Worker threads for pools (default: the core count). */
  threads: number;
  machine: MachineInfo;
  progress: Progress;
}

export interface Suite {
  name: SuiteName;
  title: string;
  run(ctx: SuiteContext): Promise<SuiteOutcome>;
}

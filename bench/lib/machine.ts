// Every benchmark result names the machine it came from.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { packageRoot } from '../../src/paths.js';

export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number;
  node: string;
  platform: string;
  hotpath: string;
  gitSha: string;
  simd: string;
  native: boolean;
}

function gitSha(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return 'unknown';
  }
}

export function machineInfo(extra: { simd: string; native: boolean }): MachineInfo {
  // packageRoot() works from bench/lib (vitest) and dist/bench/lib alike.
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    hotpath: pkg.version,
    gitSha: gitSha(),
    ...extra,
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node} (${m.platform}), hotpath ${m.hotpath} @ ${m.gitSha}, ` +
    `native ${m.native ? `yes (${m.simd})` : 'no'}`;
}

// `hotpath profile` as a user runs it: the built CLI (npm test builds dist/
// first), a short run, the files it promises.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { perfUnavailable } from '../../src/profile/perf.js';
import type { ProfileSummary } from '../../src/profile/summary.js';
import { addonOrSkip } from '../fixtures/native.js';

const cli = join(packageRoot(), 'dist', 'src', 'cli', 'hotpath.js');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function run(args: string[]) {
  return spawnSync(process.execPath, [cli, 'profile', ...args], { encoding: 'utf8', timeout: 60_000 });
}

function outDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'hotpath-profile-'));
  dirs.push(d);
  return d;
}

describe('hotpath profile', () => {
  it('--help prints usage; a bad flag exits 2', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/Usage: hotpath profile[\s\S]*--kernel[\s\S]*--url[\s\S]*--native/);
    const bad = run(['--kernal', 'topk']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--kernal/);
    expect(run(['--placement', 'nowhere', '--out', outDir()]).stderr).toMatch(/--placement must be one of/);
  });

  it('writes a profile per thread, the summaries and the flame graph', () => {
    const out = outDir();
    const r = run(['--kernel', 'topk', '--placement', 'ts-worker', '--duration', '1', '--items', '20000', '--threads', '2', '--out', out]);
    expect(r.stderr).not.toMatch(/hotpath profile:/);
    expect(r.status).toBe(0);
    const files = readdirSync(out).sort();
    expect(files.filter((f) => f.endsWith('.cpuprofile'))).toHaveLength(3);
    expect(files).toEqual(expect.arrayContaining(['flame.svg', 'main.cpuprofile', 'summary.json', 'summary.md']));
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as ProfileSummary;
    expect(summary.workers.top[0].name).toBe('topkTs');
    expect(summary.workload).toMatchObject({ kernel: 'topk', placement: 'ts-worker', threads: 2, errors: 0 });
    expect(r.stdout).toMatch(/top by self time:\n\s+[\d.]+% busy\s+topkTs/);
  });

  // Needs Linux perf with permission to record (not installed by default) and the addon; where
  // either is missing the CLI prints why and profiles without perf, which the test above covers.
  it.skipIf(addonOrSkip() === null || perfUnavailable() !== undefined)('--native names the C++ frames with perf', () => {
    const out = outDir();
    const r = run(['--kernel', 'topk', '--placement', 'native-worker', '--duration', '1', '--items', '20000', '--threads', '1', '--native', '--out', out]);
    expect(r.status).toBe(0);
    const md = readFileSync(join(out, 'native.md'), 'utf8');
    // The addon's own symbols (namespace hotpath), from hotpath.node.
    expect(md).toMatch(/`hotpath::[^`]+` \| hotpath\.node \|/);
    expect(existsSync(join(out, 'flame-native.svg'))).toBe(true);
    expect(existsSync(join(out, 'summary.json'))).toBe(true);
    // --perf-basic-prof's per-thread V8 logs: not left in the output, nor in the working directory (the repo root).
    const v8logs = (dir: string) => readdirSync(dir).filter((f) => /^isolate-.*-v8\.log$/.test(f));
    expect(v8logs(out)).toEqual([]);
    expect(v8logs(process.cwd())).toEqual([]);
  });
});

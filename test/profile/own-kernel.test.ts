// `hotpath profile --kernels`: a user's kernel (the collatz fixture, a plain
// .mjs) profiled as the built-in workloads are, through the built CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import type { ProfileSummary } from '../../src/profile/summary.js';

const root = packageRoot();
const cli = join(root, 'dist', 'src', 'cli', 'hotpath.js');
const dir = mkdtempSync(join(tmpdir(), 'hotpath-profile-own-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function profile(args: string[]) {
  return spawnSync(process.execPath, [cli, 'profile', ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
}

describe('hotpath profile --kernels', () => {
  it('profiles collatz.mjs in every worker thread, with the per-task breakdown', () => {
    const input = join(dir, 'collatz.json');
    writeFileSync(input, JSON.stringify({ n: 2000 }));
    const out = join(dir, 'out');
    const r = profile(['--kernels', 'test/fixtures/kernels/collatz.mjs', '--kernel', 'collatz', '--input', input, '--duration-ms', '600', '--threads', '2', '--out', out]);
    expect(r.stderr).not.toMatch(/hotpath profile:/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/kernel collatz from test\/fixtures\/kernels\/collatz\.mjs at ts-worker: 2 worker threads/);
    expect(r.stdout).toMatch(/workers \(2, merged\)/);
    expect(r.stdout).toMatch(/\d+ tasks, mean [\d.]+ ms = main/);
    const files = readdirSync(out);
    expect(files.filter((f) => /^worker-\d+\.cpuprofile$/.test(f))).toHaveLength(2);
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as ProfileSummary;
    expect(summary.workload).toMatchObject({ kernel: 'collatz', placement: 'ts-worker', ran: 'ts-worker', threads: 2, errors: 0 });
    expect(summary.workers.threads).toBe(2);
    expect(summary.breakdown.tasks).toBeGreaterThan(0);
    // The kernel's own function is where the workers spend their time.
    expect(summary.workers.top.some((t) => t.name === 'run' && (t.where ?? '').includes('collatz.mjs'))).toBe(true);
  }, 20_000);

  it('exits 2 naming the known kernels on a bad --kernel, and on a missing --input', () => {
    const bad = profile(['--kernels', 'test/fixtures/kernels/collatz.mjs', '--kernel', 'colatz', '--input', 'x.json', '--out', join(dir, 'bad')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/it exports: collatz, ramp/);
    const noInput = profile(['--kernels', 'test/fixtures/kernels/collatz.mjs', '--kernel', 'collatz', '--out', join(dir, 'bad')]);
    expect(noInput.status).toBe(2);
    expect(noInput.stderr).toMatch(/--input FILE/);
  });
});

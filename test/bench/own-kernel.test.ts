// `hotpath bench --kernels` as a user runs it: the built CLI (npm test builds
// dist/ first) in a child process, the collatz fixture (a plain .mjs kernel
// with no native form) for 100 ms a case. Structure, not speed.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { PLACEMENTS } from '../../src/pool/types.js';

const root = packageRoot();
const cli = join(root, 'dist', 'src', 'cli', 'hotpath.js');
const dir = mkdtempSync(join(tmpdir(), 'hotpath-own-kernel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES = [...PLACEMENTS, 'piscina'];
const NATIVE = ['native-inline', 'native-worker', 'native-async'];

interface Row {
  case: string;
  inflight: number;
  calls: number;
  errors: number;
  callsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  loopBusy: number;
  ran: Record<string, number>;
  fallback: boolean;
  sameAsTsInline: boolean | null;
}

function input(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
}

async function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, 'bench', ...args], { cwd: root, timeout: 30_000, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** Every case at 1 and at threads x 4 in flight, each with calls and the ts-inline result. */
function expectEveryCase(rows: Row[], threads: number): void {
  expect(rows.map((r) => `${r.case} x${r.inflight}`).sort()).toEqual(CASES.flatMap((c) => [`${c} x1`, `${c} x${threads * 4}`]).sort());
  for (const r of rows) {
    expect(r.errors, `${r.case} x${r.inflight}`).toBe(0);
    expect(r.callsPerSec, `${r.case} x${r.inflight}`).toBeGreaterThan(0);
    expect(r.p99Ms).toBeGreaterThanOrEqual(r.p50Ms);
    expect(r.loopBusy).toBeGreaterThanOrEqual(0);
    expect(r.loopBusy).toBeLessThanOrEqual(1);
    expect(r.sameAsTsInline, `${r.case} x${r.inflight}`).toBe(true);
  }
  // Inline runs hold the event loop for the whole window.
  for (const r of rows.filter((x) => x.case === 'ts-inline')) expect(r.loopBusy).toBeGreaterThan(0.9);
}

describe('hotpath bench --kernels', () => {
  it('measures collatz.mjs under every placement and through Piscina; native placements fall back', async () => {
    const r = await bench(['--kernels', 'test/fixtures/kernels/collatz.mjs', '--kernel', 'collatz', '--input', input('collatz.json', { n: 2000 }), '--threads', '2', '--smoke', '--json']);
    expect(r.stderr).not.toMatch(/hotpath bench:/);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { kernel: string; native: string; machine: { cores: number; node: string }; rows: Row[] };
    expect(report).toMatchObject({ kernel: 'collatz', native: 'none', machine: { node: process.version } });
    expectEveryCase(report.rows, 2);
    for (const r of report.rows) {
      if (NATIVE.includes(r.case)) {
        expect(r.fallback, r.case).toBe(true);
        expect(Object.keys(r.ran).every((p) => p.startsWith('ts-')), r.case).toBe(true);
      } else {
        expect(r.fallback, r.case).toBe(false);
      }
    }
    expect(report.rows.find((x) => x.case === 'piscina')!.ran).toEqual({ piscina: expect.any(Number) });
  }, 20_000);

  it('prints a table naming the machine; a bad --kernel exits 2 naming the known kernels', async () => {
    const path = input('collatz.json', { n: 500 });
    const table = await bench(['--kernels', 'test/fixtures/kernels/collatz.mjs', '--kernel', 'collatz', '--input', path, '--threads', '1', '--duration-ms', '20']);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`Node ${process.version}`);
    // Within 120 columns: the headers may take two lines ('loop' over 'busy').
    const lines = table.stdout.split('\n');
    expect(lines.filter((l) => l.length > 120)).toEqual([]);
    const head = lines.slice(0, lines.findIndex((l) => /^-+ /.test(l))).join(' ');
    for (const h of ['case', 'in', 'flight', 'calls/s', 'spread', 'p50', 'p99', 'loop', 'busy', 'max ms', 'ran', 'same as', 'ts-inline']) expect(head).toContain(h);
    expect(table.stdout).toMatch(/^piscina\s+4\s+\d+/m);
    const bad = await bench(['--kernels', 'test/fixtures/kernels/collatz.mjs', '--kernel', 'colatz', '--input', path]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--kernel colatz: .* it exports: collatz, ramp/);
    const none = await bench(['--kernels', 'test/fixtures/kernels/not-exported.mjs', '--input', path]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/exports no kernel/);
    writeFileSync(join(dir, 'broken.json'), '{"n": 5');
    const broken = await bench(['--kernels', 'test/fixtures/kernels/collatz.mjs', '--kernel', 'collatz', '--input', join(dir, 'broken.json')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/not JSON/);
    const several = await bench(['--kernels', 'test/fixtures/kernels/collatz.mjs', '--kernel', 'collatz', '--input', input('several.json', { inputs: [{ n: 5 }, { n: 50 }] })]);
    expect(several.code).toBe(2);
    expect(several.stderr).toMatch(/validate refused it: .*one input per run/);
  }, 20_000);
});

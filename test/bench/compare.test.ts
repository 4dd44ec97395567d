// The rules that turn samples into claims: when two measurements differ
// (a winner, a regression) and when they are a tie; `hotpath bench
// --compare` end to end on saved runs; the README section generator.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { compareResults, judge } from '../../bench/lib/compare.js';
import { END, readmeSection, replaceSection, START } from '../../bench/lib/readme.js';
import type { BenchResults, CaseResult } from '../../bench/lib/results.js';
import { metric, pickBest, separated } from '../../bench/lib/stats.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../dist/src/cli/hotpath.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hotpath-compare-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ops = (...xs: number[]) => metric(xs, 'ops/s', 'higher');

function results(cases: CaseResult[]): BenchResults {
  return {
    schema: 'hotpath-bench/1',
    machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 4, node: 'v20.20.2', platform: 'linux-x64', hotpath: '0.1.0', gitSha: 'abc1234', simd: 'avx2', native: true },
    startedAt: '2025-01-01T00:00:00.000Z', durationMs: 1000,
    params: { profile: 'quick', suites: ['pool'], threads: 2, argv: [] },
    suites: [{ name: 'pool', title: 'Dispatch', status: 'ok', params: {}, durationMs: 1, cases, verdicts: [], ratios: [] }],
  };
}
const poolCase = (id: string, m: ReturnType<typeof ops>): CaseResult => ({ id, labels: { workload: 'trivial', pool: id }, metrics: { 'ops/s': m }, primary: 'ops/s', noisy: false });

describe('separated and pickBest', () => {
  it('names a winner only when the medians clear the wider half-range', () => {
    expect(separated(ops(100, 102, 104), ops(120, 121, 122))).toBe(true);
    // 100..140 has a half-range of 20: a median 10 higher is a tie.
    expect(separated(ops(100, 110, 140), ops(118, 120, 122))).toBe(false);
    expect(pickBest([{ name: 'a', metric: ops(100, 102, 104) }, { name: 'b', metric: ops(120, 121, 122) }]).best).toBe('b');
    const tie = pickBest([{ name: 'a', metric: ops(100, 110, 140) }, { name: 'b', metric: ops(118, 120, 122) }]);
    expect(tie.best).toBe(null);
    expect(tie.note).toMatch(/^tie: b ≈ a/);
  });

  it('follows the metric direction (lower latency wins)', () => {
    const lat = (...xs: number[]) => metric(xs, 'ms', 'lower');
    expect(pickBest([{ name: 'slow', metric: lat(5, 5.1, 5.2) }, { name: 'fast', metric: lat(1, 1.1, 1.2) }]).best).toBe('fast');
  });
});

describe('judge (the --compare rule)', () => {
  it('flags a drop beyond both spreads and 5% as a regression, a rise as an improvement', () => {
    expect(judge(ops(100, 101, 102), ops(80, 81, 82))).toBe('regression');
    expect(judge(ops(80, 81, 82), ops(100, 101, 102))).toBe('improvement');
    expect(judge(metric([1, 1.01, 1.02], 'ms', 'lower'), metric([1.5, 1.51, 1.52], 'ms', 'lower'))).toBe('regression');
  });

  it('calls a change inside the spread, or under 5%, noise', () => {
    expect(judge(ops(60, 100, 140), ops(80, 85, 90))).toBe('within noise');
    expect(judge(ops(100, 100.1, 100.2), ops(97, 97.1, 97.2))).toBe('within noise');
  });

  it('matches cases by id, and lists those only one run has', () => {
    const c = compareResults(results([poolCase('pool/a', ops(1, 1, 1)), poolCase('pool/old', ops(1, 1, 1))]), results([poolCase('pool/a', ops(2, 2, 2)), poolCase('pool/new', ops(1, 1, 1))]));
    expect(c.rows.map((r) => [r.id, r.verdict])).toEqual([['pool/a', 'improvement']]);
    expect(c.onlyOld).toEqual(['pool/old']);
    expect(c.onlyNew).toEqual(['pool/new']);
  });
});

describe('hotpath bench --compare OLD --from NEW', () => {
  const old = join(dir, 'old.json');
  const same = join(dir, 'same.json');
  const worse = join(dir, 'worse.json');
  writeFileSync(old, JSON.stringify(results([poolCase('pool/trivial/hotpath', ops(100, 101, 102))])));
  writeFileSync(same, JSON.stringify(results([poolCase('pool/trivial/hotpath', ops(99, 101, 103))])));
  writeFileSync(worse, JSON.stringify(results([poolCase('pool/trivial/hotpath', ops(60, 61, 62))])));

  it('exits 0 and reports no regression for a run within noise', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'bench', '--compare', old, '--from', same]);
    expect(stdout).toContain('0 regressions');
  });

  it('exits 1 and names the regressed case', async () => {
    const err = await run(process.execPath, [CLI, 'bench', '--compare', old, '--from', worse]).then(() => null, (e: { code: number; stdout: string }) => e);
    expect(err?.code).toBe(1);
    expect(err?.stdout).toMatch(/REGRESSION pool\/trivial\/hotpath: ops\/s 101 -> 61/);
  });

  it('refuses a file that is not a results.json, with exit 2', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schema":"other"}');
    const err = await run(process.execPath, [CLI, 'bench', '--compare', bad, '--from', old]).then(() => null, (e: { code: number; stderr: string }) => e);
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain('not a hotpath bench results.json');
  });
});

describe('README Performance section', () => {
  const r = results([poolCase('pool/trivial/hotpath', ops(100, 101, 102))]);

  it('names the machine and the results it came from, and replaces only what is between its markers', () => {
    const body = readmeSection(r, 'bench/results/x/');
    expect(body).toContain('Test CPU, 2 cores');
    expect(body).toContain('bench/results/x/results.json');
    const readme = `# title\n\ntext\n\n## Performance\n\n${START}\nold figures\n${END}\n\n## Next\n`;
    const once = replaceSection(readme, body);
    expect(once).not.toContain('old figures');
    expect(once.startsWith('# title\n\ntext\n\n## Performance\n\n')).toBe(true);
    expect(once.endsWith(`${END}\n\n## Next\n`)).toBe(true);
    expect(replaceSection(once, body)).toBe(once);
  });

  it('is what the committed results say (npm run readme:performance -- --check)', async () => {
    const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
    if (!readme.includes(START)) return; // no section yet: nothing to hold to its results
    const script = fileURLToPath(new URL('../../scripts/readme-performance.mjs', import.meta.url));
    const { stdout } = await run(process.execPath, [script, '--check']);
    expect(stdout).toContain('matches');
  });
});

// `hotpath bench --smoke` end to end, as a user runs it (the compiled CLI in
// a child process): every suite and case present, every number finite and
// positive, results.json valid against its schema, report.md with a table
// per suite, the SVG charts well-formed XML. Structure, not speed: the
// smoke profile's windows are 10-150 ms and prove nothing about speed.
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Ajv } from 'ajv';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { native } from '../../src/native/binding.js';
import { PLACEMENTS } from '../../src/pool/types.js';
import { SYSTEM_NAMES } from '../../bench/lib/peers.js';
import { profile } from '../../bench/lib/profile.js';
import { CHARTS_OF } from '../../bench/lib/report.js';
import { SUITE_NAMES, type BenchResults, type SuiteResult } from '../../bench/lib/results.js';
import { RESULTS_JSON_SCHEMA } from '../../bench/lib/schema.js';

const run = promisify(execFile);
const CLI = fileURLToPath(new URL('../../dist/src/cli/hotpath.js', import.meta.url));
const smoke = profile('smoke');
const out = mkdtempSync(join(tmpdir(), 'hotpath-bench-'));
let results: BenchResults;
let stdout: string;

beforeAll(async () => {
  // About 25 s on 2 idle cores (the http suite's server start and 18 short windows are most of it; remote ~5 s).
  ({ stdout } = await run(process.execPath, [CLI, 'bench', '--smoke', '--quiet', '--out', out], { timeout: 150_000, maxBuffer: 16 << 20 }));
  results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as BenchResults;
}, 160_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

// The remote suite needs redis-server, as test/remote does: without it (and
// without HOTPATH_REQUIRE_REDIS=1) it is skipped, saying how to install it.
const REDIS = spawnSync('/bin/sh', ['-c', 'command -v redis-server']).status === 0 || process.env.HOTPATH_REQUIRE_REDIS === '1';
const expectedStatus = (name: string) => (name === 'remote' && !REDIS ? 'skipped' : 'ok');

const suite = (name: string): SuiteResult => results.suites.find((s) => s.name === name)!;
const ids = (name: string) => suite(name).cases.map((c) => c.id).sort();

describe('hotpath bench --smoke', () => {
  it('writes results.json that matches its JSON Schema', () => {
    const validate = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true }).compile(RESULTS_JSON_SCHEMA);
    expect(validate.errors ?? null).toBe(null);
    const ok = validate(results);
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('names the machine and the parameters', () => {
    expect(results.machine.cores).toBe(availableParallelism());
    expect(results.machine.node).toBe(process.version);
    expect(results.machine.cpu.length).toBeGreaterThan(0);
    expect(results.params).toMatchObject({ profile: 'smoke', suites: [...SUITE_NAMES] });
    expect(stdout).toContain(`Node ${process.version}`);
  });

  it('runs every suite, in order, and none fails', () => {
    expect(results.suites.map((s) => s.name)).toEqual([...SUITE_NAMES]);
    for (const s of results.suites) {
      if (expectedStatus(s.name) === 'skipped') {
        expect(s.status, s.name).toBe('skipped');
        expect(s.reason, s.name).toContain('apt-get install redis-server');
      } else {
        expect(`${s.name}: ${s.status} ${s.reason ?? ''}`).toBe(`${s.name}: ok `);
      }
    }
  });

  it('has every case of every suite', () => {
    const impls = native() ? ['ts', 'native'] : ['ts'];
    const kernels = ['topk', 'toplist', 'fingerprint'];
    expect(ids('kernels')).toEqual([
      ...kernels.flatMap((k) => impls.map((i) => `kernels/${k}/small/${i}`)),
      ...(native() ? ['kernels/topk/small/memread'] : []),
    ].sort());
    const depths = [1, results.params.threads * 4];
    expect(ids('placements')).toEqual(kernels.flatMap((k) => [...PLACEMENTS, 'simple'].flatMap((p) => depths.map((d) => `placements/${k}/tiny/${p}/inflight-${d}`))).sort());
    expect(suite('placements').verdicts).toHaveLength(kernels.length * depths.length * 2);
    // auto measured again beside each group's best fixed placement within the
    // loop budget (tiny inputs: every group has one), held to auto's 1.1 target.
    // Beside it, in the same rounds: auto against the simple rule, the simple
    // rule against the fixed placement, and that placement against itself (A/A).
    const again = suite('placements').ratios.filter((r) => r.name.includes(', re-measured'));
    const held = again.filter((r) => / auto vs best fixed/.test(r.name));
    expect(held).toHaveLength(kernels.length * depths.length);
    for (const r of held) expect(r.target, r.name).toBe('<= 1.10');
    for (const what of ['auto vs the simple rule', 'the simple rule vs best fixed', 'A/A, ']) {
      expect(again.filter((r) => r.name.includes(what)), what).toHaveLength(kernels.length * depths.length);
    }
    // Every peer pool ran (they are devDependencies: installed here).
    expect(new Set(suite('pool').cases.map((c) => c.labels.pool))).toEqual(new Set(SYSTEM_NAMES));
    expect(new Set(suite('pool').cases.map((c) => c.labels.workload))).toEqual(new Set(['trivial', 'toplist 1 event', 'toplist 4 KB', 'busy 100us', 'lone trivial']));
    expect(suite('pool').cases).toHaveLength(SYSTEM_NAMES.length * 5);
    const threads = Array.from({ length: availableParallelism() }, (_, i) => i + 1);
    expect(ids('scaling')).toEqual(['native-worker', 'ts-worker'].flatMap((p) => threads.map((t) => `scaling/topk/${p}/threads-${t}`)).sort());
    expect(ids('http')).toEqual(['recommend', 'toplist', 'fingerprint'].flatMap((r) => PLACEMENTS.map((p) => `http/${r}/${p}`)).sort());
    expect(ids('memory')).toEqual(['memory/per-extra-worker', 'memory/workers-1', 'memory/workers-2']);
    if (REDIS) {
      expect(ids('remote')).toEqual(['echo', 'toplist-4kb'].flatMap((w) => ['local', 'remote'].map((p) => `remote/${w}/${p}`)).sort());
      expect(suite('remote').ratios.map((r) => r.name)).toEqual(['echo', 'toplist'].flatMap((w) => [
        `${w} 4 KB: remote - local p50 (ms per task)`, `${w} 4 KB: remote / local ops/s, 16 in flight`,
      ]));
    } else {
      expect(ids('remote')).toEqual([]);
    }
  });

  it('has only finite, positive numbers (utilization may be 0), and the primary metric of each case', () => {
    for (const c of results.suites.flatMap((s) => s.cases)) {
      expect(c.metrics[c.primary], `${c.id}: primary ${c.primary}`).toBeDefined();
      for (const [name, m] of Object.entries(c.metrics)) {
        for (const x of [...m.samples, m.median, m.min, m.max, m.spread]) expect(Number.isFinite(x), `${c.id} ${name}: ${x}`).toBe(true);
        const floor = m.unit === '0..1' ? 0 : Number.MIN_VALUE;
        expect(m.min, `${c.id} ${name}`).toBeGreaterThanOrEqual(floor);
        expect(m.samples, `${c.id} ${name}`).toHaveLength(c.id.startsWith('kernels/') ? smoke.kernels.samples : smoke.rounds);
      }
    }
    for (const r of results.suites.flatMap((s) => s.ratios)) expect(r.value, r.name).toBeGreaterThan(0);
  });

  it('writes report.md with a section and a table per suite (its reason where skipped)', () => {
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain(results.machine.cpu);
    for (const s of results.suites) {
      const at = md.indexOf(`## ${s.title}`);
      expect(at, s.name).toBeGreaterThan(0);
      if (s.status !== 'ok') expect(md.slice(at), s.name).toContain(`*${s.status}: ${s.reason ?? ''}*`);
      else expect(md.slice(at).split('\n').some((l) => /^\| --- \|/.test(l)), s.name).toBe(true);
    }
  });

  it('draws one well-formed SVG chart per suite that ran, named in report.md', () => {
    const svgs = readdirSync(out).filter((f) => f.endsWith('.svg')).sort();
    expect(svgs).toEqual(results.suites.filter((s) => s.status === 'ok').flatMap((s) => CHARTS_OF[s.name]).sort());
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    for (const f of svgs) {
      const text = readFileSync(join(out, f), 'utf8');
      expect(XMLValidator.validate(text), f).toBe(true);
      const doc = new XMLParser({ ignoreAttributes: false }).parse(text) as { svg?: Record<string, unknown> };
      expect(doc.svg, f).toBeDefined();
      expect(Number(doc.svg!['@_width']), f).toBeGreaterThan(100);
      // Marks were drawn, not only axes: vega names its mark groups 'mark-<type>'.
      expect(text, f).toMatch(/class="mark-(rect|symbol|line|rule)/);
      expect(md).toContain(`](${f})`);
    }
  });

  it('redraws the same report and charts from the saved results.json (--render)', async () => {
    const again = join(out, 'again');
    await run(process.execPath, [CLI, 'bench', '--render', join(out, 'results.json'), '--out', again]);
    expect(readFileSync(join(again, 'report.md'), 'utf8')).toBe(readFileSync(join(out, 'report.md'), 'utf8'));
    expect(readdirSync(again).filter((f) => f.endsWith('.svg')).sort()).toEqual(readdirSync(out).filter((f) => f.endsWith('.svg')).sort());
  });
});

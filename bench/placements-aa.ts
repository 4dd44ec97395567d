// The placements suite's re-measured check (suites/placements-check.ts) with
// the same fixed placement on both sides: an A/A control. What it prints is
// the check's resolution on this machine: how far from 1 a ratio lands when
// nothing differs. If A/A ratios reach 1.1, a miss of auto's 1.1 target says
// nothing about auto.
// Usage: node dist/bench/placements-aa.js RESULTS.json [--threads N] [--rounds 6] [--window-ms 300]
// RESULTS.json: a full bench run; its groups and their best in-budget fixed
// placements are measured again (about 100 s for 22 groups on 2 cores).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { createPool, type Pool } from '../src/pool/pool.js';
import { native } from '../src/native/binding.js';
import { drive } from './lib/drive.js';
import { describeMachine, machineInfo } from './lib/machine.js';
import type { BenchResults } from './lib/results.js';
import { BENCH_KERNELS, benchCatalog, poolInput, SIZES, type SizeName } from './lib/sizes.js';
import type { SuiteContext } from './lib/suite.js';
import { checkAuto, type CheckGroup } from './suites/placements-check.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { threads: { type: 'string' }, rounds: { type: 'string', default: '6' }, 'window-ms': { type: 'string', default: '300' } },
});
if (positionals.length !== 1) {
  console.error('Usage: node dist/bench/placements-aa.js RESULTS.json [--threads N] [--rounds 6] [--window-ms 300]');
  process.exit(2);
}
const results = JSON.parse(readFileSync(positionals[0], 'utf8')) as BenchResults;
const suite = results.suites.find((s) => s.name === 'placements');
if (suite === undefined || suite.status !== 'ok') throw new Error(`${positionals[0]}: no placements suite`);
const threads = Number(values.threads ?? suite.params.threads ?? availableParallelism());

const pools = new Map<SizeName, Pool>();
const groups: CheckGroup[] = [];
try {
  for (const r of suite.ratios) {
    const m = /^(.*), (\d+) in flight: auto vs .* \(([a-z-]+)\), re-measured/.exec(r.name);
    if (m === null) continue;
    const [, what, depth, fixed] = m;
    const kernel = BENCH_KERNELS.find((k) => what.startsWith(`${k} `))!;
    const size = (Object.keys(SIZES[kernel]) as SizeName[]).find((z) => `${kernel} ${SIZES[kernel][z].label}` === what)!;
    if (!pools.has(size)) pools.set(size, await createPool({ catalog: benchCatalog(SIZES.topk[size].units), threads }));
    const pool = pools.get(size)!;
    const input = poolInput(kernel, size);
    const submit = () => pool.run(kernel, input as never, { placement: fixed, transfer: false } as never);
    groups.push({ group: `${what}, ${depth} in flight`, fixed, depth: Number(depth), primary: depth === '1' ? 'p50' : 'ops/s', submitFixed: submit, submitAuto: submit });
  }
  console.log(describeMachine(machineInfo({ simd: native()?.simd() ?? 'none', native: native() !== null })));
  for (const g of groups) await drive(g.submitFixed, g.depth, 100);
  const quiet = { begin() {}, step() {} } as unknown as SuiteContext['progress'];
  const ctx = { progress: quiet } as SuiteContext;
  const { ratios } = await checkAuto(ctx, groups, Number(values.rounds), Number(values['window-ms']), 'itself', '<= 1.10');
  for (const r of ratios) console.log(`${r.value.toFixed(3)} ${r.met ? '    ' : 'OVER'} ${r.name.replace(': auto vs itself', ': A/A')}`);
  const v = ratios.map((r) => r.value).sort((a, b) => a - b);
  console.log(`A/A over ${v.length} groups (${threads} threads, ${values.rounds} pairs of ${values['window-ms']} ms): min ${v[0].toFixed(3)}, median ${v[v.length >> 1].toFixed(3)}, max ${v.at(-1)!.toFixed(3)}; over 1.1: ${v.filter((x) => x > 1.1).length}`);
} finally {
  await Promise.all([...pools.values()].map((p) => p.close()));
}

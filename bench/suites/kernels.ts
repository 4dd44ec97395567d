// Suite `kernels`: each kernel x impl (TS twin, native) called directly on
// the calling thread at small, medium and large inputs: ms/op, throughput in
// the kernel's unit, speedup over TS; for topk also a plain sequential read
// of the same catalog bytes (memread), the memory-bandwidth yardstick: a
// native topk within 1.5x of it is as fast as the memory lets it be.
// All cases are interleaved sample by sample (measure.ts), so a neighbour's
// burst hits every case alike and the per-round ratios stay honest.
import { runFingerprint } from '../../src/kernels/fingerprint/index.js';
import { runTopk } from '../../src/kernels/topk/index.js';
import { runToplist } from '../../src/kernels/toplist/index.js';
import type { Impl } from '../../src/kernels/common.js';
import { native } from '../../src/native/binding.js';
import { measure, type Case } from '../lib/measure.js';
import { ratio, type CaseResult, type Ratio, type SuiteOutcome } from '../lib/results.js';
import { benchCatalog, poolInput, SIZES, UNIT, BENCH_KERNELS, type BenchKernel, type SizeName } from '../lib/sizes.js';
import { metric, noisy } from '../lib/stats.js';
import type { Suite, SuiteContext } from '../lib/suite.js';

/** Targets quoted in issue notes (bench:kernels prints them). */
export const KERNEL_TARGETS: Record<string, string> = {
  'topk 20k x 128, k=10: native speedup over ts': '>= 8',
  'topk 100k x 128, k=10: native / memread of the same bytes': '<= 1.5',
};

function kernelCall(kernel: BenchKernel, size: SizeName, impl: Impl): () => unknown {
  const input = poolInput(kernel, size);
  if (kernel === 'topk') {
    const args = { catalog: benchCatalog(SIZES.topk[size].units), vector: input.vector as Float32Array, k: 10, exclude: undefined };
    return () => runTopk(args, impl);
  }
  if (kernel === 'toplist') {
    const args = { events: input.events as Uint32Array, k: 10 };
    return () => runToplist(args, impl);
  }
  const args = { samples: input.samples as Float32Array, sampleRate: input.sampleRate as number };
  return () => runFingerprint(args, impl);
}

/** Per-round ratio a[i] / b[i]: both were sampled in the same round. */
function pairwise(a: number[], b: number[]): number[] {
  return a.map((x, i) => x / b[i]);
}

async function run(ctx: SuiteContext): Promise<SuiteOutcome> {
  const addon = native();
  const impls: Impl[] = addon ? ['ts', 'native'] : ['ts'];
  const { sizes, sampleMs, samples } = ctx.profile.kernels;
  const cases: (Case & { kernel: BenchKernel; size: SizeName; impl: string })[] = [];
  for (const kernel of BENCH_KERNELS) {
    for (const size of sizes) {
      for (const impl of impls) cases.push({ name: `${kernel}/${size}/${impl}`, kernel, size, impl, fn: kernelCall(kernel, size, impl) });
      if (kernel === 'topk' && addon) {
        const data = benchCatalog(SIZES.topk[size].units).data;
        cases.push({ name: `${kernel}/${size}/memread`, kernel, size, impl: 'memread', fn: () => addon.memread(data) });
      }
    }
  }
  ctx.progress.begin('kernels', cases.length * samples);
  // measure() is synchronous for its whole run (seconds); the progress line
  // is drawn from inside it, so the user still sees it move.
  const stats = measure(cases, { samples, sampleMs, onSample: (name, ms) => ctx.progress.step(name, `${ms.toFixed(3)} ms/op`) });

  const out: CaseResult[] = [];
  const ratios: Ratio[] = [];
  for (const c of cases) {
    const s = stats.get(c.name)!;
    const size = SIZES[c.kernel][c.size];
    const ms = metric(s.times, 'ms', 'lower');
    const metrics: CaseResult['metrics'] = { 'ms/op': ms };
    if (c.impl === 'memread') {
      const bytes = size.units * 128 * 4;
      metrics['GB/s'] = metric(s.times.map((t) => bytes / t / 1e6), 'GB/s', 'higher');
    } else {
      metrics.throughput = metric(s.times.map((t) => (size.units / t) * 1000), `${UNIT[c.kernel]}/s`, 'higher');
      const ts = stats.get(`${c.kernel}/${c.size}/ts`)!.times;
      if (c.impl !== 'ts') metrics['speedup over ts'] = metric(pairwise(ts, s.times), 'x', 'higher');
      const mem = stats.get(`${c.kernel}/${c.size}/memread`);
      if (mem !== undefined) metrics['vs memread'] = metric(pairwise(s.times, mem.times), 'x', 'lower');
    }
    out.push({
      id: `kernels/${c.name}`,
      labels: { kernel: c.kernel, size: c.size, input: size.label, impl: c.impl },
      metrics, primary: 'ms/op', noisy: noisy(ms),
    });
    if (c.impl === 'native') {
      const label = `${c.kernel} ${size.label}`;
      const sp = metrics['speedup over ts'].median;
      const name = `${label}: native speedup over ts`;
      ratios.push(ratio(name, sp, KERNEL_TARGETS[name]));
      if (metrics['vs memread'] !== undefined) {
        const m = `${label}: native / memread of the same bytes`;
        ratios.push(ratio(m, metrics['vs memread'].median, KERNEL_TARGETS[m]));
      }
    }
  }
  return {
    status: 'ok',
    params: { sizes: sizes.map((s) => ({ size: s, ...Object.fromEntries(BENCH_KERNELS.map((k) => [k, SIZES[k][s].label])) })), impls, samples, sampleMs },
    cases: out, verdicts: [], ratios,
  };
}

export const kernelsSuite: Suite = { name: 'kernels', title: 'Kernels: TS twin vs native, on the calling thread', run };

// Reading profiles by hand-made examples: consistency checks, self and total
// time, merging by function, native and call-line attribution, percentiles,
// the flame graph and the zip.
import { describe, expect, it } from 'vitest';
import type { CpuProfile } from '../../src/pool/worker/profiling.js';
import { packProfile, unpackProfile } from '../../src/profile/archive.js';
import { BreakdownRecorder, dist } from '../../src/profile/breakdown.js';
import { analyzeProfile, functionKey, mergeAnalyses, sampleDurations, validateProfile } from '../../src/profile/cpuprofile.js';
import { flameTree, renderFlameSvg } from '../../src/profile/flamegraph.js';
import { kernelAncestors } from '../fixtures/flame.js';
import type { TaskTrace } from '../../src/pool/types.js';

const TOPK = 'file:///app/dist/src/kernels/topk/index.js';

const frame = (functionName: string, url = '', lineNumber = -1) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '1' });

// (root) -> run -> runTopk -> topkTs ; (root) -> (idle). Samples every 1 ms.
function profile(over: Partial<CpuProfile> = {}): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 5] },
      { id: 2, callFrame: frame('run', 'file:///app/dist/src/pool/registry.js', 40), children: [3] },
      { id: 3, callFrame: frame('runTopk', TOPK, 9), children: [4], positionTicks: [{ line: 13, ticks: 3 }, { line: 10, ticks: 1 }] },
      { id: 4, callFrame: frame('topkTs', 'file:///app/dist/src/kernels/topk/ts.js', 4) },
      { id: 5, callFrame: frame('(idle)') },
    ],
    startTime: 0,
    endTime: 10_000,
    samples: [3, 3, 3, 3, 4, 4, 5, 5, 2, 4],
    timeDeltas: [500, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
    ...over,
  };
}
// Line 10 calls topkTs, line 13 the addon (1-based, as positionTicks count).
const source = (url: string) => (url === TOPK ? [...Array(9).fill('//'), '  return topkTs(args, cancel);', '', '', '  return addon.topk(a, b);'].join('\n') : undefined);

describe('validateProfile', () => {
  it('accepts a consistent profile and names what is wrong with others', () => {
    expect(validateProfile(profile())).toEqual([]);
    expect(validateProfile(profile({ timeDeltas: [1] }))).toEqual(expect.arrayContaining([expect.stringMatching(/10 samples but 1 timeDeltas/)]));
    expect(validateProfile(profile({ samples: [3, 3, 3, 3, 4, 4, 5, 5, 2, 99] }))).toEqual([expect.stringMatching(/unknown node 99/)]);
    expect(validateProfile(profile({ endTime: 5000 }))).toEqual([expect.stringMatching(/outside/)]);
    const orphan = profile();
    orphan.nodes.push({ id: 6, callFrame: frame('lost') });
    expect(validateProfile(orphan)).toEqual([expect.stringMatching(/2 roots/)]);
  });
});

describe('analyzeProfile', () => {
  it('times each sample by the gap to the next one, the last by the gap to endTime', () => {
    expect([...sampleDurations(profile())]).toEqual([1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 500]);
  });

  it('splits the native call line of runTopk off as the kernel and moves the call line of topkTs to topkTs', () => {
    const a = analyzeProfile(profile(), source);
    const by = Object.fromEntries(a.functions.map((f) => [f.name, f]));
    // runTopk's 4 ms: 3 ticks on the addon line -> native 3 ms; 1 on `topkTs(` -> topkTs.
    expect(a.nativeMs).toEqual({ topk: 3 });
    expect(by['topk (native kernel)']).toMatchObject({ selfMs: 3, nativeKernel: 'topk' });
    expect(by.runTopk?.selfMs ?? 0).toBeCloseTo(0, 9); // nothing left: not listed
    expect(by.topkTs.selfMs).toBeCloseTo(3.5, 9); // 2 ms + 0.5 ms last sample + 1 ms moved
    expect(by.run).toMatchObject({ selfMs: 1, totalMs: 7.5 });
    expect(a.idleMs).toBe(2);
    expect(a.durationMs).toBe(9.5);
    expect(a.functions.map((f) => f.name)).not.toContain('(idle)');
    expect(a.movedToCallee).toEqual([{ from: 'runTopk', to: 'topkTs', ms: 1 }]);
    expect(a.nativeMethod[0]).toMatch(/line that calls the addon \(index\.js:13\)/);
  });

  it('without the source, counts all of the caller\'s self time as native and says so', () => {
    const a = analyzeProfile(profile(), () => undefined);
    expect(a.nativeMs.topk).toBe(4);
    expect(a.nativeMethod[0]).toMatch(/source were not available/);
  });

  it('merges threads by name + url + line, keeping same-named functions of other files apart', () => {
    const other = profile();
    other.nodes[3] = { ...other.nodes[3], callFrame: frame('topkTs', 'file:///elsewhere/ts.js', 4) };
    const m = mergeAnalyses([analyzeProfile(profile(), source), analyzeProfile(profile(), source), analyzeProfile(other, source)]);
    const topkTs = m.functions.filter((f) => f.name === 'topkTs');
    expect(topkTs.map((f) => f.selfMs).sort()).toEqual([3.5, 7]);
    expect(m.nativeMs.topk).toBe(9);
    expect(m.samples).toBe(30);
    expect(m.movedToCallee).toEqual([{ from: 'runTopk', to: 'topkTs', ms: 3 }]);
  });
});

describe('breakdown', () => {
  it('takes nearest-rank percentiles', () => {
    const d = dist(Array.from({ length: 100 }, (_, i) => 100 - i));
    expect(d).toEqual({ count: 100, mean: 50.5, p50: 50, p90: 90, p99: 99, max: 100 });
  });

  it('leaves out tasks that failed or never ran, and its parts add up to the total', () => {
    const r = new BreakdownRecorder();
    const t = (o: Partial<TaskTrace>): TaskTrace => ({
      kernel: 'topk', placement: 'ts-worker', outcome: 'ok', calledAt: 100, enqueuedAt: 101, dispatchedAt: 103, startedAt: 104, endedAt: 110, settledAt: 112, ...o,
    });
    r.onTrace(t({}));
    r.onTrace(t({ enqueuedAt: 100.5, endedAt: 120, settledAt: 121 }));
    r.onTrace(t({ outcome: 'aborted', startedAt: 0, endedAt: 0 }));
    r.onTrace(t({ outcome: 'ok', startedAt: 0 }));
    const b = r.result();
    expect(b.tasks).toBe(2);
    expect(b.excluded).toBe(2);
    expect(b.parts.main.mean).toBeCloseTo(0.75, 9);
    expect(b.parts.run.max).toBe(16);
    expect(b.parts.total.mean).toBeCloseTo(16.5, 9);
    const sum = b.parts.main.mean + b.parts.queue.mean + b.parts.transfer.mean + b.parts.run.mean + b.parts.return.mean;
    expect(sum).toBeCloseTo(b.parts.total.mean, 9);
    expect(b.bound).toBe('kernel');
    expect(b.measured).toBeUndefined();
  });
});

describe('flame graph and zip', () => {
  it('renders a self-contained SVG with the native kernel as a child of its caller', () => {
    const tree = flameTree([profile(), profile()], 'workers');
    expect(tree.value).toBeCloseTo(15, 9); // 2 x 9.5 ms, idle left out -> 2 x 7.5
    const svg = renderFlameSvg(tree, 'sub <&>');
    expect(svg).toMatch(/^<\?xml[^]*<svg [^]*<\/svg>\n$/);
    expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/); // no network
    expect(svg).toContain('sub &lt;&amp;&gt;');
    expect(svg).toMatch(/<title>topk \(native kernel\) \(addon\): /);
    expect(svg).not.toContain('(idle)');
  });

  it('puts the kernel in place of V8\'s addon frame, never under threadCpuUs', () => {
    // V8 names a native call's frame after any addon export; a topk call seen
    // as `threadCpuUs` (the pool's CPU clock) under runTopk, with a child.
    const p = profile({
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 5] },
        { id: 2, callFrame: frame('run', 'file:///app/dist/src/pool/registry.js', 40), children: [3, 7] },
        { id: 3, callFrame: frame('runTopk', TOPK, 9), children: [6] },
        { id: 6, callFrame: frame('threadCpuUs'), children: [8] },
        { id: 8, callFrame: frame('(garbage collector)') },
        // The clock read itself, from the pool's code: a frame of its own, no kernel.
        { id: 7, callFrame: frame('', 'file:///app/dist/src/pool/clock.js', 18), children: [4] },
        { id: 4, callFrame: frame('threadCpuUs') },
        { id: 5, callFrame: frame('(idle)') },
      ],
      samples: [6, 6, 6, 6, 8, 4, 5, 5, 2, 6],
    });
    const tree = flameTree([p], 'workers');
    expect(kernelAncestors(tree)).toEqual([['workers', 'run', 'runTopk']]);
    const kernel = tree.children.get([...tree.children.keys()][0])!.children.get(functionKey('runTopk', TOPK, 10))!.children.get('native:topk')!;
    expect(kernel.value).toBeCloseTo(5.5, 9); // 4.5 ms on the addon frame + 1 ms of GC under it
    expect(tree.value).toBeCloseTo(7.5, 9);
  });

  it('packs files into a zip and back', () => {
    const files = new Map([['summary.md', '# hi\n'], ['main.cpuprofile', JSON.stringify(profile())]]);
    const z = packProfile({ files });
    expect(z.contentType).toBe('application/zip');
    expect(z.fileName).toMatch(/^hotpath-profile-.*\.zip$/);
    expect(z.body.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
    const back = unpackProfile(z.body);
    expect([...back.keys()].sort()).toEqual(['main.cpuprofile', 'summary.md']);
    expect(back.get('summary.md')!.toString()).toBe('# hi\n');
  });
});

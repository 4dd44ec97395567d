// A model-based test of the pool's life: random sequences of run / abort /
// worker death / close. After every step, every settled promise was counted
// exactly once in the stats; at the end every promise has settled (none
// hangs) and the counts add up to the number of calls.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../../src/pool/pool.js';
import type { Placement } from '../../src/pool/types.js';
import { faultWorker } from '../fixtures/pool.js';

interface Real {
  pool: Pool;
  calls: { promise: Promise<unknown>; controller: AbortController; settled: number }[];
}
interface Model {
  closed: boolean;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

function outcomesTotal(pool: Pool): number {
  return pool.stats().kernels.reduce((n, k) => n + Object.values(k.outcomes).reduce((a, b) => a + b, 0), 0);
}

async function check(real: Real): Promise<void> {
  await turn(); // let every settled promise's callbacks run
  for (const c of real.calls) expect(c.settled).toBeLessThanOrEqual(1);
  expect(outcomesTotal(real.pool)).toBe(real.calls.filter((c) => c.settled === 1).length);
  const s = real.pool.stats();
  // Nothing counted twice: what waits or runs is at most what was called and not yet settled.
  const open = real.calls.filter((c) => c.settled === 0).length;
  expect(s.queueDepth + s.inFlight).toBeLessThanOrEqual(open + real.calls.length);
  expect(s.queueDepth).toBeLessThanOrEqual(open);
}

function track(real: Real, start: (signal: AbortSignal) => Promise<unknown>): void {
  const controller = new AbortController();
  const call = { promise: Promise.resolve() as Promise<unknown>, controller, settled: 0 };
  call.promise = start(controller.signal).then(() => { call.settled++; }, () => { call.settled++; });
  real.calls.push(call);
}

class RunCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly us: number, readonly placement: Placement, readonly deadlineMs: number | undefined) {}
  check = () => true;
  async run(_m: Model, real: Real) {
    track(real, (signal) => real.pool.run('spin', { us: this.us }, { placement: this.placement, signal, deadlineMs: this.deadlineMs }));
    await check(real);
  }
  toString = () => `run(spin ${this.us}us, ${this.placement}, deadline ${this.deadlineMs})`;
}

class AbortCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly index: number) {}
  check = () => true;
  async run(_m: Model, real: Real) {
    if (real.calls.length > 0) real.calls[this.index % real.calls.length].controller.abort(new Error('model abort'));
    await check(real);
  }
  toString = () => `abort(#${this.index})`;
}

class KillCommand implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(_m: Model, real: Real) {
    track(real, () => real.pool.run('echo', { fault: 'exit' }, { placement: 'ts-worker' }));
    await check(real);
  }
  toString = () => 'kill a worker';
}

class CloseCommand implements fc.AsyncCommand<Model, Real> {
  check = (m: Readonly<Model>) => !m.closed;
  async run(m: Model, real: Real) {
    m.closed = true;
    void real.pool.close();
    await check(real);
  }
  toString = () => 'close';
}

const commands = [
  fc.tuple(fc.constantFrom(0, 2_000, 40_000, 400_000), fc.constantFrom<Placement>('ts-worker', 'ts-inline', 'native-async'),
    fc.option(fc.constantFrom(10, 100, 5_000), { nil: undefined }))
    .map(([us, placement, deadline]) => new RunCommand(us, placement, deadline)),
  fc.nat(50).map((i) => new AbortCommand(i)),
  fc.constant(new KillCommand()),
  fc.constant(new CloseCommand()),
];

describe('pool life (model-based)', () => {
  it('every call settles exactly once and the stats add up, whatever the order of events', async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 14 }), async (cmds) => {
        const real: Real = { pool: await createPool({ threads: 2, ...faultWorker, cancelGraceMs: 100 }), calls: [] };
        try {
          await fc.asyncModelRun(() => ({ model: { closed: false }, real }), cmds);
        } finally {
          await real.pool.close();
          await Promise.all(real.calls.map((c) => c.promise));
        }
        await turn();
        expect(real.calls.every((c) => c.settled === 1)).toBe(true);
        expect(outcomesTotal(real.pool)).toBe(real.calls.length);
        expect([real.pool.stats().queueDepth, real.pool.stats().inFlight]).toEqual([0, 0]);
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});

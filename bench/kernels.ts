// npm run bench:kernels — the `kernels` suite of `hotpath bench` alone: each
// kernel x impl at small, medium and large inputs, the native speedup over
// the TS twin and, for topk, the ratio to a plain sequential read of the
// same catalog bytes; then the target ratios quoted in issue notes.
// Usage: node dist/bench/kernels.js [--quick] [--json FILE]
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { runBench } from './run.js';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log('Usage: node dist/bench/kernels.js [--quick] [--json FILE]   (the kernels suite of hotpath bench)');
  process.exit(0);
}
const { results } = await runBench({ profile: args.quick ? 'quick' : 'full', suites: ['kernels'], threads: availableParallelism(), argv: process.argv.slice(2) });
if (args.json) {
  writeFileSync(args.json, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${args.json}`);
}
if (results.suites.some((s) => s.status === 'failed')) process.exitCode = 1;

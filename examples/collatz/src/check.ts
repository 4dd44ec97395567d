// Runs collatz once through every placement and checks that they agree.
// Prints one JSON line; exits 1 if any result differs, or if a native
// placement fell back to TypeScript (the addon did not load: `npm run build`).
import { createPool } from 'hotpath';
import { collatz } from './collatz.js';

const PLACEMENTS = ['ts-inline', 'native-inline', 'ts-worker', 'native-worker', 'native-async', 'auto'] as const;
const N = 100_000;

const pool = await createPool({ kernels: [collatz] });
const results: Record<string, { best: number; steps: number; placement: string; fallback: boolean }> = {};
try {
  for (const placement of PLACEMENTS) {
    const r = await pool.run(collatz, { n: N }, { placement });
    results[placement] = { best: r.best, steps: r.steps, placement: r.placement, fallback: r.fallback };
  }
} finally {
  await pool.close();
}

console.log(JSON.stringify({ results }));
const answers = new Set(Object.values(results).map((r) => `${r.best}:${r.steps}`));
const fellBack = Object.entries(results).filter(([p, r]) => p.startsWith('native') && r.fallback);
if (answers.size !== 1) console.error(`check: placements disagree: ${[...answers].join(', ')}`);
if (fellBack.length > 0) console.error(`check: no native addon, ${fellBack.map(([p]) => p).join(', ')} ran TypeScript`);
if (answers.size !== 1 || fellBack.length > 0) process.exitCode = 1;

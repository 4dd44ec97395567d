#!/usr/bin/env node
// npm run readme:performance [-- RESULTS.json] [--check]
// Regenerates the README's "## Performance" section (between its markers)
// from a results.json written by `npm run bench`: by default the newest run
// under bench/results/. --check exits 1 when the README is not what the
// results say (for CI: no hand-edited figures). Needs the build (dist/).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { readmeSection, replaceSection } = await import(join(root, 'dist/bench/lib/readme.js'));

const args = process.argv.slice(2);
const check = args.includes('--check');
let file = args.find((a) => !a.startsWith('--'));
if (file === undefined) {
  const base = join(root, 'bench/results');
  // Folders are named <date>-<sha>, and several runs share a date: the
  // newest is the one whose run started last (its startedAt).
  const runs = existsSync(base) ? readdirSync(base).filter((d) => existsSync(join(base, d, 'results.json'))) : [];
  if (runs.length === 0) {
    console.error('readme-performance: no bench/results/*/results.json; run npm run bench first (or name a results.json)');
    process.exit(2);
  }
  const startedAt = (d) => Date.parse(JSON.parse(readFileSync(join(base, d, 'results.json'), 'utf8')).startedAt ?? '') || 0;
  runs.sort((a, b) => startedAt(a) - startedAt(b) || (a < b ? -1 : 1));
  file = join(base, runs[runs.length - 1], 'results.json');
}
const results = JSON.parse(readFileSync(file, 'utf8'));
if (results.schema !== 'hotpath-bench/1') {
  console.error(`readme-performance: ${file} is not a hotpath bench results.json`);
  process.exit(2);
}
const readmePath = join(root, 'README.md');
const dir = `${relative(root, dirname(resolve(file))).split('\\').join('/')}/`;
const before = readFileSync(readmePath, 'utf8');
const after = replaceSection(before, readmeSection(results, dir));
if (check) {
  if (before !== after) {
    console.error(`README.md's Performance section is not generated from ${relative(root, file)}: run npm run readme:performance`);
    process.exit(1);
  }
  console.log(`README.md's Performance section matches ${relative(root, file)}`);
} else {
  writeFileSync(readmePath, after);
  console.log(`README.md: Performance section regenerated from ${relative(root, file)}`);
}

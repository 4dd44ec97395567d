#!/usr/bin/env node
// npm run readme:performance [-- RESULTS.json] [--check]
// Regenerates the README's "## Performance" headline and docs/performance.md
// (each between its markers) from a results.json written by `npm run bench`:
// by default the newest run under bench/results/. --check exits 1 when either
// is not what the results say (for CI: no hand-edited figures). Needs the
// build (dist/).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { END, START, readmeHeadline, readmeSection, replaceSection } = await import(join(root, 'dist/bench/lib/readme.js'));

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
const runDir = relative(root, dirname(resolve(file))).split('\\').join('/');

// The README is a tour: of the headline's rows it keeps five, one per
// question a reader asks first (native against TS, auto against the best
// fixed placement, the smallest real call against Piscina and against a raw
// worker_threads pool, memory per worker). Every ratio stays in
// docs/performance.md.
const HEADLINE = [/^kernels: .*native speedup over ts \|/, /^placements: `auto`/, /^pool: toplist 1 event: hotpath \/ piscina ops\/s \|/,
  /^pool: toplist 1 event: hotpath \/ raw ops\/s \|/, /^memory: /];
function fiveRows(body) {
  const lines = body.split('\n');
  const row = (l) => /^\| (?!what \||---)/.test(l);
  const rows = lines.filter(row).map((l) => l.slice(2));
  const keep = new Set(HEADLINE.map((re) => rows.find((r) => re.test(r))).filter((r) => r !== undefined));
  if (keep.size === 0) return body; // results of another shape: the whole headline
  return lines.filter((l) => !row(l) || keep.has(l.slice(2))).join('\n');
}

const targets = [
  { path: join(root, 'README.md'), body: fiveRows(readmeHeadline(results, `${runDir}/`, 'docs/performance.md')) },
  { path: join(root, 'docs', 'performance.md'), body: readmeSection(results, `../${runDir}/`) },
];
let stale = 0;
for (const { path, body } of targets) {
  const name = relative(root, path);
  const before = existsSync(path) ? readFileSync(path, 'utf8') : `# Performance\n\nThe full tables of the run the README cites, written by \`npm run readme:performance\`.\n\n${START}\n${END}\n`;
  const after = replaceSection(before, body);
  if (!check) {
    writeFileSync(path, after);
    console.log(`${name}: regenerated from ${relative(root, file)}`);
  } else if (before !== after) {
    console.error(`${name} is not generated from ${relative(root, file)}: run npm run readme:performance`);
    stale++;
  } else {
    console.log(`${name} matches ${relative(root, file)}`);
  }
}
if (stale > 0) process.exit(1);

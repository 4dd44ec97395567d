// The suite must leave no files behind in the repository: what git would
// show as new (untracked or ignored) after the run, beyond the build outputs
// below, fails it. A test that writes files works in a temp folder instead.
import { spawnSync } from 'node:child_process';

/** Build outputs the suite (or npm test's build step) makes on purpose. */
const BUILT = [/^node_modules\//, /^dist\//, /^build\//, /^build-asan\//, /^examples\/collatz\/(build|dist|node_modules)\//, /^test\/fixtures\/plain-addon\/build\//];

function newPaths(): Set<string> | undefined {
  const r = spawnSync('git', ['status', '--porcelain', '--ignored', '--untracked-files=normal'], { encoding: 'utf8' });
  if (r.status !== 0) return undefined; // not a git checkout (an installed package): nothing to compare
  return new Set(r.stdout.split('\n').filter((l) => l.startsWith('?? ') || l.startsWith('!! ')).map((l) => l.slice(3)));
}

export default function setup(): () => void {
  const before = newPaths();
  return () => {
    const after = newPaths();
    if (before === undefined || after === undefined) return;
    const left = [...after].filter((p) => !before.has(p) && !BUILT.some((re) => re.test(p)));
    if (left.length === 0) return;
    // A throw here is printed but does not fail the run: set the exit code.
    console.error(`hotpath: the tests left files in the repository: ${left.join(', ')}`);
    process.exitCode = 1;
  };
}

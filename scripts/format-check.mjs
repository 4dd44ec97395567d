// npm run format:check — clang-format --dry-run --Werror over the C++ sources
// (.clang-format at the root holds the style); `npm run format` rewrites them.
// Not part of `npm test`, which must not need clang-format; .ci/run runs it.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

// Folders whose .cc and .h files are checked (not recursive: build output
// and node_modules sit beside them).
const DIRS = ['native', 'include', 'examples/collatz/native', 'test/fixtures/plain-addon'];

const files = DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((name) => /\.(cc|h)$/.test(name))
    .sort()
    .map((name) => join(dir, name)),
);
const fix = process.argv.includes('--fix');
const args = fix ? ['-i', ...files] : ['--dry-run', '--Werror', ...files];
const run = spawnSync(process.env.CLANG_FORMAT ?? 'clang-format', args, { stdio: 'inherit' });
if (run.error) {
  console.error(`format: could not run clang-format (${run.error.message}); install it, or set CLANG_FORMAT`);
  process.exit(1);
}
if (run.status === 0 && !fix) console.log(`format: ${files.length} files clean`);
process.exit(run.status ?? 1);

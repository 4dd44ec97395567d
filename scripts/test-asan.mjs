// npm run test:asan — builds the addon with AddressSanitizer + UBSan into
// build-asan/ (the normal build/ is left alone) and runs the native tests
// against it. Under node, libasan must come first: LD_PRELOAD it (node is not built with ASan).
// Leak detection is off: V8 keeps allocations alive until exit by design.
import { spawnSync, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, symlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const dir = join(root, 'build-asan');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir);
cpSync(join(root, 'binding.gyp'), join(dir, 'binding.gyp'));
cpSync(join(root, 'native'), join(dir, 'native'), { recursive: true });
symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));

const gyp = join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const build = spawnSync(process.execPath, [gyp, 'rebuild', '--', '-Dsanitize=1'], { cwd: dir, stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const addon = join(dir, 'build', 'Release', 'hotpath.node');
if (!existsSync(addon)) {
  console.error(`test:asan: ${addon} was not built`);
  process.exit(1);
}
const libasan = execFileSync('gcc', ['-print-file-name=libasan.so']).toString().trim();
const env = {
  ...process.env,
  LD_PRELOAD: libasan,
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1',
  UBSAN_OPTIONS: 'halt_on_error=1:print_stacktrace=1',
  HOTPATH_ADDON_PATH: addon,
  HOTPATH_REQUIRE_NATIVE: '1',
};
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', 'test/kernels', 'test/native', 'test/pool'], { stdio: 'inherit', env });
process.exit(run.status ?? 1);

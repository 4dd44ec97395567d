// `npm install` hook: builds the addon with node-gyp. A failed build must not
// fail the install: hotpath then runs every kernel on its TypeScript twin and
// says so once at load time (HP_WARN_NATIVE_UNAVAILABLE). CI sets
// HOTPATH_REQUIRE_NATIVE=1 to turn a failed build into a failed install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

if (process.env.HOTPATH_SKIP_NATIVE === '1') {
  console.warn('hotpath: HOTPATH_SKIP_NATIVE=1, not building the native addon');
  process.exit(0);
}

// Our devDependency when developing; npm's bundled node-gyp for a consumer's install.
const local = join(process.cwd(), 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
const gyp = existsSync(local) ? local : process.env.npm_config_node_gyp;
const result = gyp
  ? spawnSync(process.execPath, [gyp, 'rebuild'], { stdio: 'inherit' })
  : { status: 1, error: new Error('node-gyp not found') };

if (result.status !== 0) {
  const why = result.error ? result.error.message : `node-gyp exited with ${result.status}`;
  if (process.env.HOTPATH_REQUIRE_NATIVE === '1') {
    console.error(`hotpath: native addon build failed (${why}) and HOTPATH_REQUIRE_NATIVE=1`);
    process.exit(1);
  }
  console.warn(`hotpath: native addon build failed (${why}); falling back to the TypeScript kernels`);
}

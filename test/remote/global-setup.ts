// Without redis-server the remote tests cannot run: say so in one line at the
// end of the run (they are skipped, not failed), unless HOTPATH_REQUIRE_REDIS=1,
// where they run and fail.
import { spawnSync } from 'node:child_process';

export default function setup(): (() => void) | undefined {
  const found = spawnSync('/bin/sh', ['-c', 'command -v redis-server']).status === 0;
  if (found || process.env.HOTPATH_REQUIRE_REDIS === '1') return undefined;
  return () => {
    console.log('hotpath: the remote tests (test/remote/remote.test.ts, faults.test.ts, batch.test.ts) could not run: no redis-server on PATH; ' +
      'install it (apt-get install redis-server) to run them; HOTPATH_REQUIRE_REDIS=1 makes its absence a failure');
  };
}

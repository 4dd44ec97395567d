import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Says in one line when the remote tests could not run (no redis-server);
    // fails the run if the tests left files in the repository.
    globalSetup: ['test/remote/global-setup.ts', 'test/leftovers.setup.ts'],
    // Forks, not threads: the suite itself starts worker threads and loads the
    // addon, and the ASan run needs LD_PRELOAD to reach every test process.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

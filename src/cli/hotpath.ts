#!/usr/bin/env node
// hotpath <command> [options]: one line per command in COMMANDS. Each command
// module is loaded only when asked for (serve does not pay for bench's imports).
const COMMANDS: Record<string, { about: string; load: () => Promise<{ main(argv: string[]): Promise<void> }> }> = {
  serve: { about: 'run the HTTP service (docs/http.md)', load: () => import('./serve.js') },
  bench: { about: 'benchmarks side by side: kernels, placements, pools, scaling, http, memory (docs/bench.md)', load: () => import('./bench.js') },
  profile: { about: 'CPU profiles of every thread and a per-task breakdown (docs/profiling.md)', load: () => import('./profile.js') },
  batch: { about: 'batch toplist: a file of events split into remote jobs, merged exactly (docs/remote.md)', load: () => import('./batch.js') },
  worker: { about: 'take remote jobs from Redis and run them in a local pool (docs/remote.md)', load: () => import('./worker.js') },
};

function usage(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.about}`);
  return [
    'Usage: hotpath <command> [options]', '', 'Commands:', ...rows, '',
    'Options:', '  -v, --version  print the version', '  -h, --help     this text', '',
    'hotpath <command> --help for its options.', '',
    'Exit codes, every command: 0 done; 1 it failed while running (a file or URL',
    'it could not reach, a failed run, a regression found by bench --compare);',
    '2 usage error (unknown command or option, a bad or missing value, a file',
    'named in an option that cannot be read). Errors are one line on stderr;',
    'HOTPATH_DEBUG=1 adds the stack.',
  ].join('\n');
}

/** The version in the package.json beside dist/ (read only when asked for). */
async function version(): Promise<string> {
  const [{ readFileSync }, { join }, { packageRoot }] = await Promise.all([import('node:fs'), import('node:path'), import('../paths.js')]);
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
  console.log(usage());
} else if (name === '--version' || name === '-v') {
  console.log(await version());
} else if (!Object.prototype.hasOwnProperty.call(COMMANDS, name)) {
  const what = name.startsWith('-') ? `unknown option ${name}` : `unknown command '${name}'`;
  console.error(`hotpath: ${what} (hotpath --help lists the commands)`);
  process.exitCode = 2;
} else {
  let command: Awaited<ReturnType<(typeof COMMANDS)[string]['load']>>;
  try {
    command = await COMMANDS[name].load();
  } catch (err) {
    // The service's and the bench's packages are optional peers: installing
    // hotpath to embed the pool does not pull them in.
    const missing = /Cannot find package '([^']+)'/.exec((err as Error)?.message ?? '')?.[1];
    if ((err as { code?: string })?.code !== 'ERR_MODULE_NOT_FOUND' || missing === undefined) throw err;
    console.error(`hotpath ${name}: needs the package '${missing}', an optional peer dependency of hotpath.\n` +
      `Install what the CLI uses beside it: npm install fastify pino prom-client wavefile autocannon` +
      (name === 'worker' ? ' bullmq' : ''));
    process.exit(1);
  }
  try {
    await command.main(rest);
  } catch (err) {
    // Whatever a command did not turn into its own message: one line, not a stack.
    const { reportError } = await import('./messages.js');
    reportError(name, err);
  }
}

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
  return ['Usage: hotpath <command> [options]', '', 'Commands:', ...rows, '', 'hotpath <command> --help for its options.'].join('\n');
}

const [name, ...rest] = process.argv.slice(2);
if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
  console.log(usage());
} else if (!Object.prototype.hasOwnProperty.call(COMMANDS, name)) {
  console.error(`hotpath: unknown command '${name}'\n\n${usage()}`);
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
  await command.main(rest);
}

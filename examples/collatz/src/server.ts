// POST /collatz { n } -> { best, steps, placement }, on a hotpath pool.
import Fastify from 'fastify';
import { createPool } from 'hotpath';
import hotpath from 'hotpath/fastify';
import { collatz } from './collatz.js';

const pool = await createPool({ kernels: [collatz] });
const app = Fastify({ logger: true });
// app.hotpath is the pool; a KernelError answers with its status; app.close()
// closes the pool. Metrics want prom-client (an optional peer of hotpath):
// install it and pass its Registry as `metrics` to have them.
await app.register(hotpath, { pool, metrics: false });

// The Body type is what the kernel takes: its validate checks the real body
// on every call, and a bad n answers 400 {"error":{"code":"COLLATZ_BAD_N",...}}.
app.post<{ Body: { n: number } }>('/collatz', async (request) => {
  const r = await app.hotpath.run(collatz, request.body, { placement: 'auto' });
  return { best: r.best, steps: r.steps, placement: r.placement };
});

// Stops accepting, lets requests in flight finish, then closes the pool.
process.once('SIGTERM', () => {
  app.close().catch((err: unknown) => {
    app.log.error(err);
    process.exitCode = 1;
  });
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) });

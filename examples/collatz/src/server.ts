// POST /collatz { n } -> { best, steps, placement }, on a hotpath pool.
import Fastify from 'fastify';
import { createPool } from 'hotpath';
import hotpath from 'hotpath/fastify';
import { collatz } from './collatz.js';

const pool = await createPool({ kernels: [collatz] });
const app = Fastify({ logger: true });
await app.register(hotpath, { pool });

app.post('/collatz', async (request) => {
  // The kernel's validate checks the body: a bad n answers 400 COLLATZ_BAD_N.
  const r = await app.hotpath.run(collatz, request.body, { placement: 'auto' });
  return { best: r.best, steps: r.steps, placement: r.placement };
});

process.once('SIGTERM', () => {
  // Stops accepting, lets requests in flight finish, then the pool.
  app.close().then(() => pool.close()).catch((err) => {
    app.log.error(err);
    process.exitCode = 1;
  });
});

await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 3000) });

// The running service: catalog, pool, app, listen, and the graceful drain on
// SIGTERM/SIGINT. The process handles its signals itself: run it as
// `node dist/src/cli/hotpath.js serve` in production (npm start does not pass
// SIGTERM on here: npm signals its `sh -c`, and dash does not forward it).
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { Catalog } from '../catalog/catalog.js';
import { loadCatalog } from '../catalog/npy.js';
import { syntheticCatalog } from '../catalog/synthetic.js';
import { nativeAvailable } from '../native/binding.js';
import { fingerprintKernel } from '../kernels/fingerprint/kernel.js';
import { topkKernel } from '../kernels/topk/kernel.js';
import { toplistKernel } from '../kernels/toplist/kernel.js';
import { createPool, type Pool } from '../pool/pool.js';
import { buildApp } from './app.js';
import type { ServerConfig } from './config.js';

export interface RunningServer {
  app: FastifyInstance;
  pool: Pool;
  catalog: Catalog;
  /** http://host:port actually bound (port 0 resolved). */
  url: string;
  /** Drain: /readyz 503, stop accepting, finish in-flight requests, close connections, close the pool. */
  drain(): Promise<void>;
}

export async function startServer(config: ServerConfig, logger: Logger = pino({ level: config.logLevel })): Promise<RunningServer> {
  const catalog = config.catalog !== undefined
    ? await loadCatalog(config.catalog)
    : syntheticCatalog({ items: config.catalogItems, dims: config.catalogDims, seed: 42 });
  // Our kernels, registered as a user registers theirs.
  const kernels = [topkKernel, toplistKernel, fingerprintKernel];
  const pool = await createPool({ kernels, builtins: false, catalog, threads: config.threads, maxQueue: config.maxQueue });
  pool.on('workerError', (err: unknown) => logger.error({ err, code: 'HP_ERR_WORKER_CRASHED' }, 'pool worker error'));
  const app = buildApp({ pool, catalog, logger, debugProfile: config.debugProfile, requestTimeoutMs: config.requestTimeoutMs });
  const native = nativeAvailable();
  // The one startup line: where, how many threads, which catalog, native or not.
  const url = await app.listen({
    port: config.port,
    host: config.host,
    listenTextResolver: (address) =>
      `hotpath listening on ${address} (threads ${pool.threads}, catalog ${catalog.items} x ${catalog.dims} ${catalog.source}, ` +
      `native addon ${native ? 'loaded' : 'not loaded: native placements run their TypeScript twins'})`,
  });
  let draining: Promise<void> | undefined;
  const drain = () => {
    draining ??= (async () => {
      app.service.state.draining = true;
      // server.close() stops accepting and (Node >= 19) closes idle keep-alive
      // sockets; busy ones close after their response (connection: close, app.ts).
      await app.close();
      await pool.close();
    })();
    return draining;
  };
  return { app, pool, catalog, url, drain };
}

/**
 * Runs until SIGTERM/SIGINT, then drains and exits 0; the drain timeout exits
 * 1, and a second signal ends the process at once, by that signal.
 *
 * Why a second signal re-raises itself instead of calling process.exit(1):
 * process.exit joins libuv's thread pool on its way out, so a pool thread
 * blocked for good (an open or a read that never returns: a FIFO nobody
 * writes to, a hung network mount) holds the exiting process alive, and while
 * our handlers are installed a signal only queues JavaScript that will never
 * run. So every exit first removes the handlers (a later signal then has its
 * default action: the process ends), and a second signal removes them and
 * sends itself again, which nothing in the process can hold up.
 */
export async function serve(config: ServerConfig): Promise<void> {
  const logger = pino({ level: config.logLevel });
  // The last words before a forced end go out synchronously: an asynchronous
  // write still in flight would be lost with the process.
  const lastWords = pino({ level: config.logLevel }, pino.destination({ dest: 1, sync: true }));
  let server: RunningServer | undefined;
  let signalled: NodeJS.Signals | undefined;
  // Handlers first: a signal during start-up (catalog loading can take
  // seconds) drains as soon as the server is up instead of killing it midway.
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled !== undefined) {
      lastWords.error({ signal, firstSignal: signalled }, `second signal (${signal}) ${server === undefined ? 'during start-up' : 'while draining'}: forced exit`);
      removeHandlers();
      process.kill(process.pid, signal);
      return;
    }
    signalled = signal;
    if (server !== undefined) stop(server, signal);
    else logger.info({ signal }, `${signal} during start-up: draining once up (a second signal ends the process now)`);
  };
  const removeHandlers = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
  const exit = (code: number): never => {
    removeHandlers();
    return process.exit(code);
  };
  const stop = (s: RunningServer, signal: NodeJS.Signals) => {
    const { inFlight, queueDepth } = s.pool.stats();
    logger.info({ signal, inFlight, queueDepth }, `${signal}: draining (readyz 503, no new connections, finishing in-flight requests)`);
    const timer = setTimeout(() => {
      lastWords.error({ drainTimeoutMs: config.drainTimeoutMs }, `drain took over ${config.drainTimeoutMs} ms: forced exit`);
      exit(1);
    }, config.drainTimeoutMs);
    s.drain().then(() => {
      clearTimeout(timer);
      logger.info('drained: exiting');
      exit(0);
    }, (err: unknown) => {
      lastWords.error({ err }, 'drain failed: forced exit');
      exit(1);
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  try {
    server = await startServer(config, logger);
  } catch (err) {
    // A catalog that cannot be loaded is the whole story in its message (the
    // file and why); other errors keep their stack in the log.
    const code = (err as { code?: string }).code;
    const catalog = code?.startsWith('HP_ERR_CATALOG') === true;
    lastWords.fatal(catalog ? { code } : { err, code }, `hotpath could not start: ${catalog ? 'catalog ' : ''}${(err as Error).message}`);
    exit(1);
  }
  if (signalled !== undefined) stop(server!, signalled);
}

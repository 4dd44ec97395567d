// The worker entry Piscina loads (compiled to dist/src/pool/worker.js:
// workers load plain JS, no TS loader in production). Tasks come over the
// worker's own channel (worker-port.ts), not through Piscina's task port, so
// the module exports no handler.
import { serve } from './worker-port.js';
import { runMessage } from './worker-run.js';

serve(runMessage);

/**
 * Piscina looks for a handler when a worker starts: require() of this ES
 * module (Node 20 has require(esm)), then, if that gives no function, a
 * second load through import(). The second load went with a fatal V8 error
 * in about 1 run in 4 of the ASan suite ("IsGraphAsync must be used on an
 * instantiated module"); a default export ends the lookup at the first.
 * Piscina never calls it: no task goes through Piscina.run.
 */
export default function unused(): never {
  throw new Error('hotpath: tasks reach this worker over its own channel, not through Piscina.run');
}

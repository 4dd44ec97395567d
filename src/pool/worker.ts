// The worker entry Piscina loads (compiled to dist/src/pool/worker.js:
// workers load plain JS, no TS loader in production). Tasks come over the
// worker's own channel (worker-port.ts), not through Piscina's task port, so
// the module exports no handler.
import { serve } from './worker-port.js';
import { runMessage } from './worker-run.js';

serve(runMessage);

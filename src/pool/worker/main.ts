// The worker proper, loaded by worker/entry.cts (the file Piscina loads:
// compiled to dist/, workers load plain JS, no TS loader in production).
// Tasks come over the worker's own channel (worker/port.ts), not through
// Piscina's task port.
import { serve } from './port.js';
import { loadKernels, runMessage } from './run.js';

await loadKernels();
serve(runMessage);

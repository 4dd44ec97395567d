// poolifier's worker for the dispatch benchmark: the same task as
// piscina-worker.ts (return the input, or be busy for `us` µs first).
import { ThreadWorker } from 'poolifier';
import task from './piscina-worker.js';

export default new ThreadWorker((input?: { us?: number; v?: unknown; events?: Uint32Array; k?: number }) => task(input ?? {}));

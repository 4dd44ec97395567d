// workerpool's worker for the dispatch benchmark: the same task as
// piscina-worker.ts (return the input, or be busy for `us` µs first).
import { worker } from 'workerpool';
import task from './piscina-worker.js';

worker({ task });

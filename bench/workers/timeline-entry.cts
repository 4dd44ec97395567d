// Piscina's file for bench/timeline.ts: CommonJS, loading the worker proper
// with import(), as src/pool/worker/entry.cts does.
module.exports = function unused(): never {
  throw new Error('hotpath: tasks reach this worker over its own channel');
};
void import('./timeline-worker.js');

// The file Piscina loads in each worker: CommonJS on purpose. Piscina finds a
// task handler with require() first, and on Node 20 require() of an ES module
// (require(esm)) instantiates it synchronously: a worker ended during that
// (pool.close() right after a worker died and Piscina started another) took
// the whole process down with a fatal V8 error ("IsGraphAsync must be used
// on an instantiated module"; the model test, about 1 ASan run in 4). This
// file is required without the ES module loader; it loads the worker proper
// (ES modules, main.ts) with import(), which a thread being ended simply
// abandons. A module that fails to load rejects that import: the rejection
// is unhandled, so the thread dies and the pool sees a worker that could not
// start (pool.ts).
module.exports = function unused(): never {
  // Piscina stops looking once it has a function; it never calls it: tasks
  // come over the worker's own channel (channels.ts), not through Piscina.run.
  throw new Error('hotpath: tasks reach this worker over its own channel');
};
void import('./main.js');

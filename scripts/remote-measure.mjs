#!/usr/bin/env node
// Numbers for docs/remote.md: the wire form of a 4 MB Float32Array (JSON as
// BullMQ would store it, msgpackr, base64, ours) and the per-task overhead of
// the remote placement over a local worker thread (a redis-server on a free
// port and one `hotpath worker`, both on this machine). Needs redis-server
// and the build (npm run build). Prints markdown.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { Packr } from 'msgpackr';
import { createPool } from '../dist/src/index.js';
import { decode, encode } from '../dist/src/remote/codec.js';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
function time(fn, runs = 7) {
  const ms = [];
  let out;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    out = fn();
    ms.push(performance.now() - t);
  }
  return { out, ms: median(ms) };
}

console.log(`Machine: ${cpus()[0].model}, ${cpus().length} cores, Node ${process.version}\n`);

// Codec.
const f = new Float32Array(1 << 20).map((_, i) => Math.sin(i) * 1000);
const value = { vector: f };
const packr = new Packr({ moreTypes: true, useRecords: false });
const rows = [];
const row = (name, enc, dec, size) => {
  const e = time(enc, 5);
  const d = time(() => dec(e.out), 5);
  rows.push(`| ${name} | ${(size(e.out) / 1e6).toFixed(2)} MB | ${e.ms.toFixed(1)} | ${d.ms.toFixed(1)} |`);
};
row('JSON of the typed array (what BullMQ stores for job data)', () => JSON.stringify(value), (s) => JSON.parse(s), (s) => Buffer.byteLength(s));
row('JSON of Array.from(array)', () => JSON.stringify({ vector: Array.from(f) }), (s) => Float32Array.from(JSON.parse(s).vector), (s) => Buffer.byteLength(s));
row('msgpackr (moreTypes)', () => packr.pack(value), (b) => packr.unpack(b), (b) => b.length);
row('base64 of the bytes, in JSON', () => JSON.stringify({ vector: Buffer.from(f.buffer).toString('base64') }),
  (s) => new Float32Array(new Uint8Array(Buffer.from(JSON.parse(s).vector, 'base64')).buffer), (s) => Buffer.byteLength(s));
row('hotpath codec (Buffer in a Redis key)', () => encode(value), (b) => decode(b), (b) => b.length);
row('hotpath codec, base64 (inline in the job)', () => encode(value).toString('base64'), (s) => decode(Buffer.from(s, 'base64')), (s) => s.length);
console.log('| form of { vector: Float32Array(1M) } (4.19 MB of floats) | size | encode ms | decode ms |\n| --- | --- | --- | --- |');
console.log(rows.join('\n'));

// Remote vs local per task.
const port = await new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});
const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 300));
const url = `redis://127.0.0.1:${port}`;
const worker = spawn(process.execPath, ['dist/src/cli/hotpath.js', 'worker', '--redis', url, '--threads', '1', '--log-level', 'warn'], { stdio: 'ignore' });
await new Promise((r) => setTimeout(r, 2500));
const pool = await createPool({ threads: 1, remote: { redis: url } });
async function serial(placement, input, n) {
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await pool.run('echo', input, { placement, transfer: false });
    ms.push(performance.now() - t);
  }
  return ms;
}
async function throughput(placement, input, n, depth) {
  const t = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: depth }, async () => {
    while (next++ < n) await pool.run('echo', input, { placement });
  }));
  return n / ((performance.now() - t) / 1000);
}
const small = { x: 1 };
const big = { v: new Float32Array(1 << 18) };
await serial('remote', small, 50);
await serial('ts-worker', small, 50);
const out = [];
for (const [label, input, n] of [['echo {x: 1}', small, 500], ['echo 1 MB Float32Array', big, 50]]) {
  for (const placement of ['ts-worker', 'remote']) {
    const ms = await serial(placement, input, n);
    out.push(`| ${label} | ${placement} | ${median(ms).toFixed(3)} | ${pct(ms, 99).toFixed(3)} |`);
  }
}
console.log('\n| task | placement | round trip p50 ms | p99 ms |\n| --- | --- | --- | --- |');
console.log(out.join('\n'));
const tl = await throughput('ts-worker', small, 5000, 16);
const tr = await throughput('remote', small, 2000, 16);
console.log(`\nThroughput, echo {x: 1}, 16 in flight, one worker thread: ts-worker ${tl.toFixed(0)}/s, remote ${tr.toFixed(0)}/s`);
await pool.close();
worker.kill('SIGTERM');
await new Promise((r) => worker.once('exit', r));
redis.kill('SIGKILL');

// hotpath batch toplist --events FILE --k K --partitions P --redis URL: the
// exact top K tracks of a file of play events, computed by `hotpath worker`
// processes (src/remote/batch.ts). Prints {"items":[{"id","count"}]}.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createPool } from '../pool/pool.js';
import { remoteToplist } from '../remote/batch.js';
import { describeError, fsCause, reportUsage, UsageError } from './messages.js';

const HELP = `Usage: hotpath batch toplist --events FILE --redis redis://HOST:PORT [options]

The exact top K tracks of FILE (raw little-endian uint32 track ids, one per
play), split by a hash of the track id into P parts that run as remote
toplist jobs on \`hotpath worker\` processes, merged exactly (count
descending, ties by lower id). Prints {"items":[{"id":n,"count":n},...]}.

Options:
  --events FILE      raw little-endian uint32 track ids (required)
  --redis URL        the workers' Redis (required)
  --k K              how many tracks [10]
  --partitions P     parts (jobs) [16]
  --prefix S         queue prefix, as the workers' --prefix [hotpath]
  --progress         progress lines on stderr even when it is not a terminal
  --help`;

function int(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer in ${min}..${max}, got ${value}`);
  return n;
}

/** The file as track ids: little-endian whatever this machine's byte order. */
async function readEvents(file: string): Promise<Uint32Array> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    throw new UsageError(`--events ${file}: cannot read it: ${fsCause(err)}`);
  }
  if (buf.length % 4 !== 0) throw new UsageError(`--events ${file}: ${buf.length} bytes is not a whole number of uint32 events`);
  const events = new Uint32Array(buf.length / 4);
  for (let i = 0; i < events.length; i++) events[i] = buf.readUInt32LE(i * 4);
  return events;
}

export async function main(argv: string[]): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  let events: Uint32Array;
  let k: number;
  let partitions: number;
  try {
    const parsed = parseArgs({
      args: argv, strict: true, allowPositionals: true,
      options: {
        events: { type: 'string' }, redis: { type: 'string' }, k: { type: 'string' }, partitions: { type: 'string' },
        prefix: { type: 'string' }, progress: { type: 'boolean' }, help: { type: 'boolean' },
      },
    });
    values = parsed.values;
    if (values.help === true) {
      console.log(HELP);
      return;
    }
    if (parsed.positionals.length !== 1 || parsed.positionals[0] !== 'toplist') throw new Error('the one batch job is toplist: hotpath batch toplist ...');
    if (typeof values.events !== 'string') throw new Error('--events is required');
    if (typeof values.redis !== 'string') throw new Error('--redis is required');
    k = int(values.k as string | undefined, 'k', 10, 1, 1_000_000);
    partitions = int(values.partitions as string | undefined, 'partitions', 16, 1, 65_536);
    events = await readEvents(values.events);
  } catch (err) {
    reportUsage('batch', err);
    return;
  }
  const tty = process.stderr.isTTY === true;
  const progress = tty || values.progress === true;
  const started = performance.now();
  let pool;
  try {
    pool = await createPool({ threads: 1, remote: { redis: values.redis as string, prefix: values.prefix as string | undefined } });
  } catch (err) {
    console.error(`hotpath batch: ${describeError(err)}`);
    process.exit(1);
  }
  try {
    const result = await remoteToplist(pool, events, {
      k, partitions,
      onProgress: progress ? (done, total) => {
        const line = `batch toplist: ${done}/${total} parts, ${((performance.now() - started) / 1000).toFixed(1)} s`;
        process.stderr.write(tty ? `\r${line}${done === total ? '\n' : ''}` : `${line}\n`);
      } : undefined,
    });
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } catch (err) {
    console.error(`hotpath batch: ${(err as { code?: string }).code ?? 'error'}: ${describeError(err)}`);
    process.exitCode = 1;
  } finally {
    await pool.close();
  }
}

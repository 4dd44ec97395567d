// End to end: the built CLI in a child process, real sockets, real signals.
// Synchronised on events only: the listening line, 100 Continue (the server
// has parsed a request), the draining line, socket closes and the exit.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { Agent, request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/src/cli/hotpath.js', import.meta.url));

interface Server {
  child: ChildProcess;
  url: URL;
  lines: Record<string, unknown>[];
  /** Resolves with the first log line (past or future) whose msg matches. */
  line(re: RegExp): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startServer(extra: string[] = [], nodeArgs: string[] = [], env: Record<string, string> = {}): Promise<Server> {
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'serve', '--port', '0', '--threads', '1', '--catalog-items', '2000', '--catalog-dims', '16', ...extra], {
    env: { ...process.env, LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters: { re: RegExp; resolve: (l: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const l = JSON.parse(text) as Record<string, unknown>;
    lines.push(l);
    for (const w of [...waiters]) {
      if (w.re.test(String(l.msg))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(l);
      }
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })));
  const line = (re: RegExp) => {
    const seen = lines.find((l) => re.test(String(l.msg)));
    if (seen) return Promise.resolve(seen);
    return Promise.race([
      new Promise<Record<string, unknown>>((resolve) => waiters.push({ re, resolve })),
      exited.then(({ code }) => { throw new Error(`server exited (${code}) before a line matching ${re}`); }),
    ]);
  };
  const listening = await line(/listening on/);
  const url = new URL(/listening on (\S+)/.exec(String(listening.msg))![1]);
  return { child, url, lines, line, exited };
}

interface Held {
  /** Resolves when the server has parsed the request (it sent 100 Continue). */
  parsed: Promise<void>;
  send(): void;
  response: Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>;
}

/** A POST whose body is sent only when send() is called, after the server said 100 Continue. */
function held(url: URL, path: string, body: string, agent: Agent): Held {
  let onContinue!: () => void;
  const parsed = new Promise<void>((r) => (onContinue = r));
  const req = request(new URL(path, url), {
    method: 'POST', agent, headers: { 'content-type': 'application/json', expect: '100-continue', 'content-length': Buffer.byteLength(body) },
  });
  req.on('continue', onContinue);
  const response = new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
  });
  req.flushHeaders();
  return { parsed, response, send: () => req.end(body) };
}

describe('hotpath serve, end to end', () => {
  it('logs one line with where it listens, threads, catalog shape and native status', async () => {
    const s = await startServer();
    const msg = String((await s.line(/listening on/)).msg);
    expect(msg).toMatch(/^hotpath listening on http:\/\/127\.0\.0\.1:\d+ \(threads 1, catalog 2000 x 16 synthetic:2000x16:seed=42, native addon (loaded|not loaded)/);
    expect(s.lines.filter((l) => /listening/.test(String(l.msg)))).toHaveLength(1);
    s.child.kill('SIGINT');
    expect((await s.exited).code).toBe(0);
  });

  it('SIGTERM: in-flight requests are answered, idle keep-alive sockets closed, exit 0', async () => {
    const s = await startServer();
    // An idle keep-alive connection: it must not hold the process for 72 s.
    const idleAgent = new Agent({ keepAlive: true });
    const idleClosed = new Promise<void>((resolve, reject) => {
      const req = request(new URL('/healthz', s.url), { agent: idleAgent }, (res) => {
        res.resume();
        res.on('end', () => req.socket!.once('close', () => resolve()));
      });
      req.on('error', reject);
      req.end();
    });
    // Requests in flight at the signal: the server parsed them, their bodies come after it.
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const early = Array.from({ length: 3 }, (_, i) => held(s.url, '/v1/recommend', JSON.stringify({ itemId: i, k: 5 }), agent));
    const late = Array.from({ length: 3 }, (_, i) => held(s.url, '/v1/recommend', JSON.stringify({ itemId: 10 + i, k: 5 }), agent));
    await Promise.all([...early, ...late].map((r) => r.parsed));
    for (const r of early) r.send();
    s.child.kill('SIGTERM');
    await s.line(/draining/);
    for (const r of late) r.send();

    const answers = await Promise.all([...early, ...late].map((r) => r.response));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect((JSON.parse(a.body) as { items: unknown[] }).items).toHaveLength(5);
    }
    // Answered after the signal: told to close, so keep-alive cannot pin the process.
    for (const a of answers.slice(early.length)) expect(a.headers.connection).toBe('close');
    await idleClosed;
    const { code } = await s.exited;
    expect(code).toBe(0);
    expect(s.lines.some((l) => /drained: exiting/.test(String(l.msg)))).toBe(true);
    idleAgent.destroy();
    agent.destroy();
  });

  it('a second signal while draining ends the process at once, by that signal, with a log line', async () => {
    const s = await startServer();
    const agent = new Agent({ keepAlive: false });
    const stuck = held(s.url, '/v1/recommend', '{"itemId": 1}', agent);
    stuck.response.catch(() => undefined);
    await stuck.parsed;
    s.child.kill('SIGTERM');
    await s.line(/draining/);
    s.child.kill('SIGINT');
    expect(await s.exited).toEqual({ code: null, signal: 'SIGINT' });
    expect(s.lines.some((l) => /second signal \(SIGINT\) while draining: forced exit/.test(String(l.msg)) && l.level === 50)).toBe(true);
  });

  it('a thread blocked for good in a read (a FIFO nobody writes to) cannot keep the process alive past a second signal', async () => {
    // Node's exit joins libuv's thread pool: with one of its threads stuck in
    // open() of a FIFO, process.exit(1) never finishes, so a second SIGTERM
    // that called it logged "forced exit" and left the process alive.
    const fifo = join(mkdtempSync(join(tmpdir(), 'hotpath-sig-')), 'stuck.fifo');
    execFileSync('mkfifo', [fifo]);
    const block = `data:text/javascript,import { open } from 'node:fs/promises'; open(process.env.HOTPATH_TEST_FIFO, 'r');`;
    const s = await startServer([], ['--import', block], { HOTPATH_TEST_FIFO: fifo });
    s.child.kill('SIGTERM');
    await s.line(/draining/);
    s.child.kill('SIGTERM');
    const guard = new Promise<string>((resolve) => setTimeout(() => resolve('still alive 10 s after the second SIGTERM'), 10_000).unref());
    const outcome = await Promise.race([s.exited, guard]);
    if (typeof outcome === 'string') s.child.kill('SIGKILL');
    expect(outcome).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('a drain that outlasts --drain-timeout-ms forces exit 1, with a log line', async () => {
    const s = await startServer(['--drain-timeout-ms', '300']);
    const stuck = held(s.url, '/v1/recommend', '{"itemId": 1}', new Agent({ keepAlive: false }));
    stuck.response.catch(() => undefined);
    await stuck.parsed;
    s.child.kill('SIGTERM');
    expect((await s.exited).code).toBe(1);
    expect(s.lines.some((l) => /drain took over 300 ms: forced exit/.test(String(l.msg)))).toBe(true);
  });
});

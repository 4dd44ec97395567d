// The built CLI: help, --version, unknown commands and bad flags, the exit
// codes and one-line messages of every command, a catalog that cannot load.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/src/cli/hotpath.js', import.meta.url));
const KERNELS = fileURLToPath(new URL('../fixtures/kernels/collatz.mjs', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'hotpath-cli-'));
  dirs.push(d);
  return d;
};
// Commands run in a scratch folder: a default output path (profile's
// out/profile, made before the run) must not land in the repository.
const CWD = tempDir();
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: CWD, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });

describe('hotpath CLI', () => {
  it('lists its commands', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/serve\s+run the HTTP service/);
  });

  it('serve --help lists the flags and their environment variables', () => {
    const r = run(['serve', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--port <value>\s+PORT/);
    expect(r.stdout).toMatch(/--catalog <value>\s+HOTPATH_CATALOG/);
  });

  it('an unknown command or a bad flag exits 2 with a message', () => {
    expect(run(['frobnicate']).status).toBe(2);
    const bad = run(['serve', '--port', 'eighty']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--port must be a port number/);
    const unknown = run(['serve', '--prot', '80']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option --prot/);
  });

  it('a catalog that cannot be loaded: one fatal line with its code, exit 1', () => {
    const r = run(['serve', '--port', '0'], { HOTPATH_CATALOG: '/nonexistent/embeddings.npy' });
    expect(r.status).toBe(1);
    const line = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { level: number; code: string; msg: string };
    expect(line).toMatchObject({ level: 60, code: 'HP_ERR_CATALOG_NOT_FOUND' });
    expect(line.msg).toMatch(/could not start/);
  });

  it('a FIFO nobody writes to as HOTPATH_CATALOG: HP_ERR_CATALOG_INVALID and exit 1, not a hang', () => {
    const fifo = join(tempDir(), 'catalog.npy');
    execFileSync('mkfifo', [fifo]);
    const r = run(['serve', '--port', '0'], { HOTPATH_CATALOG: fifo });
    expect(r.error).toBeUndefined(); // spawnSync's timeout did not fire
    expect(r.status).toBe(1);
    const line = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { level: number; code: string; msg: string };
    expect(line).toMatchObject({ level: 60, code: 'HP_ERR_CATALOG_INVALID' });
    expect(line.msg).toMatch(/FIFO/);
  });

  it('--version and -v print the package version and exit 0; --help mentions it', () => {
    const { version } = JSON.parse(readFileSync(fileURLToPath(new URL('../../package.json', import.meta.url)), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const r = run([flag]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${version}\n`);
    }
    expect(run(['--help']).stdout).toMatch(/-v, --version/);
  });

  it('--help states the exit codes', () => {
    expect(run(['--help']).stdout).toMatch(/Exit codes[^]*1 it failed while running[^]*2 usage error/);
  });

  // Usage errors exit 2 and run-time failures 1, each as one line on stderr
  // naming the command: no stack, no help text dumped after it.
  const oneLine = (r: ReturnType<typeof run>, command: string, message: RegExp) => {
    const lines = r.stderr.trim().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^hotpath${command === '' ? '' : ` ${command}`}: `));
    expect(lines[0]).toMatch(message);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  };
  // NODE_NO_WARNINGS: a machine where the addon did not build warns once on stderr; not what these look at.
  const quiet = { NODE_NO_WARNINGS: '1' };

  it('an unknown option of any command: exit 2, one line pointing to its --help', () => {
    oneLine(run(['--bogus'], quiet), '', /unknown option --bogus/);
    expect(run(['--bogus'], quiet).status).toBe(2);
    for (const command of ['serve', 'bench', 'profile', 'batch', 'worker']) {
      const r = run([command, '--bogus'], quiet);
      expect(r.status, command).toBe(2);
      oneLine(r, command, new RegExp(`unknown option --bogus \\(hotpath ${command} --help lists them\\)`));
    }
  });

  it('bad or missing option values: exit 2, one line', () => {
    const cases: [string[], string, RegExp][] = [
      [['serve', '--port'], 'serve', /--port needs a value/],
      [['bench', '--quick=yes'], 'bench', /--quick takes no value/],
      [['bench', '--threads', 'x'], 'bench', /--threads must be a positive integer/],
      [['profile', '--threads', 'x'], 'profile', /--threads must be an integer/],
      [['profile', '--kernel', 'nope'], 'profile', /--kernel must be one of/],
      [['profile', '--url', 'nope'], 'profile', /--url nope: not a URL/],
      [['profile', 'extra'], 'profile', /unexpected argument 'extra'/],
      [['worker'], 'worker', /--redis is required/],
      [['worker', '--redis', 'redis://127.0.0.1:1', '--threads', '0'], 'worker', /--threads must be an integer >= 1/],
      [['worker', '--redis', 'redis://127.0.0.1:1', '--log-level', 'loud'], 'worker', /--log-level must be one of/],
      [['batch', 'toplist', '--redis', 'redis://127.0.0.1:1'], 'batch', /--events is required/],
    ];
    for (const [args, command, message] of cases) {
      const r = run(args, quiet);
      expect(r.status, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(2);
      oneLine(r, command, message);
    }
  });

  it('a file named in an option that is not there (or an --out that cannot be made): exit 2, one line naming it and why', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), '');
    const cases: [string[], string, RegExp][] = [
      [['profile', '--out', join(dir, 'a-file', 'out')], 'profile', /--out \S*a-file\/out: cannot create it: .*\(ENOTDIR\)/],
      [['bench', '--render', join(dir, 'missing.json')], 'bench', /--render \S*missing\.json: cannot read it: no such file or directory \(ENOENT\)/],
      [['bench', '--compare', join(dir, 'missing.json'), '--from', join(dir, 'b.json')], 'bench', /--compare \S*missing\.json: cannot read it: no such file/],
      [['bench', '--kernels', join(dir, 'missing.js'), '--input', 'x.json'], 'bench', /--kernels \S*missing\.js: cannot import it: no such file/],
      [['profile', '--kernels', join(dir, 'missing.js'), '--input', 'x.json'], 'profile', /--kernels \S*missing\.js: cannot import it: no such file/],
      [['profile', '--kernels', KERNELS, '--kernel', 'collatz', '--input', join(dir, 'missing.json')], 'profile', /--input \S*missing\.json: cannot read it: no such file or directory \(ENOENT\) \(hotpath \w+ --help\)$/],
      [['bench', '--kernels', KERNELS, '--kernel', 'collatz', '--input', join(dir, 'missing.json')], 'bench', /--input \S*missing\.json: cannot read it: no such file or directory \(ENOENT\) \(hotpath \w+ --help\)$/],
      [['worker', '--redis', 'redis://127.0.0.1:1', '--kernels', join(dir, 'missing.js')], 'worker', /--kernels \S*missing\.js: cannot import it: no such file/],
      [['batch', 'toplist', '--events', join(dir, 'missing.bin'), '--redis', 'redis://127.0.0.1:1'], 'batch', /--events \S*missing\.bin: cannot read it: no such file or directory \(ENOENT\)/],
    ];
    for (const [args, command, message] of cases) {
      const r = run(args, quiet);
      expect(r.status, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(2);
      oneLine(r, command, message);
      expect(r.stderr).not.toMatch(/ENOENT[^]*ENOENT/); // the cause once, not Node's message after ours
    }
  });

  it('profile --url of a service that is down: exit 1, one line naming the URL and the cause, not "fetch failed"', async () => {
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = run(['profile', '--url', `http://127.0.0.1:${port}`, '--duration', '1'], quiet);
    expect(r.status).toBe(1);
    oneLine(r, 'profile', new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port}: connection refused .*ECONNREFUSED`));
    expect(r.stderr).not.toMatch(/fetch failed/);
  });

  it('serve with a catalog that is not there: the fatal line names it and the cause once, no stack', () => {
    const r = run(['serve', '--port', '0', '--catalog', '/nonexistent/missing.npy']);
    expect(r.status).toBe(1);
    const line = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { msg: string; err?: unknown };
    expect(line.msg).toBe('hotpath could not start: catalog /nonexistent/missing.npy: no such file or directory (ENOENT)');
    expect(line.err).toBeUndefined();
  });

  it('serve --help lists --request-timeout-ms', () => {
    expect(run(['serve', '--help']).stdout).toMatch(/--request-timeout-ms <value>\s+HOTPATH_REQUEST_TIMEOUT_MS/);
  });
});

// examples/collatz as a user gets it: copied to a scratch folder, hotpath
// installed from its packed tarball (what the registry would serve), the
// example's own addon built by its binding.gyp, its check and its service
// run. Also: a project that installs hotpath for the pool alone gets none of
// the service's packages.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'hotpath-example-'));
const app = join(scratch, 'collatz');
// The scratch copy runs hotpath's built-ins on this checkout's addon (the
// tarball is installed without scripts: no second build of ours).
const env = { ...process.env, HOTPATH_ADDON_PATH: join(root, 'build', 'Release', 'hotpath.node') };
let tarball: string;

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 240_000 });
}

beforeAll(() => {
  // dist/ is built by npm test before vitest runs; pack it as it is.
  const packed = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', scratch], root)) as { filename: string }[];
  tarball = join(scratch, packed[0].filename);
  cpSync(join(root, 'examples', 'collatz'), app, {
    recursive: true,
    filter: (src) => !/[/\\](node_modules|build|dist)$/.test(src),
  });
  const pkg = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  pkg.dependencies.hotpath = `file:${tarball}`;
  writeFileSync(join(app, 'package.json'), JSON.stringify(pkg, null, 2));
  npm(['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], app);
  npm(['run', 'build'], app);
}, 300_000);

describe('examples/collatz from a scratch folder', () => {
  it('ships hotpath.h and builds its own addon against it', () => {
    expect(existsSync(join(app, 'node_modules', 'hotpath', 'include', 'hotpath.h'))).toBe(true);
    expect(existsSync(join(app, 'build', 'Release', 'collatz.node'))).toBe(true);
  });

  it('gets identical results on every placement, the native ones from its own addon', () => {
    const out = execFileSync(process.execPath, ['dist/check.js'], { cwd: app, env, encoding: 'utf8' });
    const { results } = JSON.parse(out.trim().split('\n').pop()!) as { results: Record<string, { best: number; steps: number; placement: string; fallback: boolean }> };
    expect(Object.keys(results).sort()).toEqual(['auto', 'native-async', 'native-inline', 'native-worker', 'ts-inline', 'ts-worker']);
    for (const [placement, r] of Object.entries(results)) {
      expect([r.best, r.steps], placement).toEqual([77031, 350]);
      expect(r.fallback, placement).toBe(false);
      if (placement !== 'auto') expect(r.placement).toBe(placement);
    }
  });

  it('serves POST /collatz through hotpath/fastify: results, a KernelError as 400, SIGTERM closes', async () => {
    const child = spawn(process.execPath, ['dist/server.js'], { cwd: app, env: { ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        log += d.toString();
        const m = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(log);
        if (m) resolve(m[1]);
      });
      child.once('exit', (code) => reject(new Error(`server exited ${code}: ${log}`)));
    });
    const post = (body: string) => fetch(`${url}/collatz`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const ok = await post('{"n":1000000}');
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ best: 837799, steps: 524 });
    const bad = await post('{"n":-1}');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'COLLATZ_BAD_N' } });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 30_000);
});

describe('a project that embeds only the pool', () => {
  it('installs none of fastify, pino, prom-client, autocannon, wavefile or bullmq', () => {
    const dir = join(scratch, 'pool-only');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'pool-only', private: true, type: 'module', dependencies: { hotpath: `file:${tarball}` } }));
    npm(['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], dir);
    // npm lists the optional peers it did not install as UNMET: those are the point.
    const tree = npm(['ls', '--all', '--omit=dev', '--omit=optional', '--omit=peer'], dir).split('\n').filter((l) => !l.includes('UNMET')).join('\n');
    for (const name of ['fastify', 'pino', 'prom-client', 'autocannon', 'wavefile', 'bullmq', 'ioredis']) expect(tree).not.toMatch(new RegExp(`\\b${name}@`));
    const installed = readdirSync(join(dir, 'node_modules'));
    for (const name of ['fastify', 'pino', 'prom-client', 'autocannon', 'wavefile', 'bullmq', 'ioredis']) expect(installed).not.toContain(name);
    expect(installed).toContain('piscina');
  }, 120_000);
});

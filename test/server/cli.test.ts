// The built CLI: help, unknown commands and bad flags, a catalog that cannot load.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/src/cli/hotpath.js', import.meta.url));
const run = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 20_000 });

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
    expect(unknown.stderr).toMatch(/Unknown option '--prot'/);
  });

  it('a catalog that cannot be loaded: one fatal line with its code, exit 1', () => {
    const r = run(['serve', '--port', '0'], { HOTPATH_CATALOG: '/nonexistent/embeddings.npy' });
    expect(r.status).toBe(1);
    const line = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { level: number; code: string; msg: string };
    expect(line).toMatchObject({ level: 60, code: 'HP_ERR_CATALOG_NOT_FOUND' });
    expect(line.msg).toMatch(/could not start/);
  });

  it('a FIFO nobody writes to as HOTPATH_CATALOG: HP_ERR_CATALOG_INVALID and exit 1, not a hang', () => {
    const fifo = join(mkdtempSync(join(tmpdir(), 'hotpath-cli-')), 'catalog.npy');
    execFileSync('mkfifo', [fifo]);
    const r = run(['serve', '--port', '0'], { HOTPATH_CATALOG: fifo });
    expect(r.error).toBeUndefined(); // spawnSync's timeout did not fire
    expect(r.status).toBe(1);
    const line = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { level: number; code: string; msg: string };
    expect(line).toMatchObject({ level: 60, code: 'HP_ERR_CATALOG_INVALID' });
    expect(line.msg).toMatch(/FIFO/);
  });

  it('serve --help lists --request-timeout-ms', () => {
    expect(run(['serve', '--help']).stdout).toMatch(/--request-timeout-ms <value>\s+HOTPATH_REQUEST_TIMEOUT_MS/);
  });
});

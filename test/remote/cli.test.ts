// `hotpath worker` and `hotpath batch` refuse bad command lines with exit 2
// and one line pointing to their --help, before touching Redis. No Redis needed.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from './redis.js';

const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 20_000 });

describe('remote CLI usage', () => {
  it('hotpath worker needs --redis', () => {
    const r = run('worker');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^hotpath worker: --redis is required \(hotpath worker --help\)$/m);
  });

  it('hotpath batch takes toplist, --events and --redis, and a file of whole uint32s', () => {
    expect(run('batch', '--events', 'x', '--redis', 'redis://127.0.0.1:1').stderr).toMatch(/hotpath batch toplist/);
    expect(run('batch', 'toplist', '--redis', 'redis://127.0.0.1:1').stderr).toMatch(/--events is required/);
    const bad = run('batch', 'toplist', '--events', CLI, '--redis', 'redis://127.0.0.1:1', '--k', '0');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--k must be an integer/);
  });

  it('both list in hotpath --help', () => {
    const help = run('--help').stdout;
    expect(help).toMatch(/^ {2}batch +batch toplist/m);
    expect(help).toMatch(/^ {2}worker +take remote jobs/m);
  });
});

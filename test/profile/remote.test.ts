// On-demand capture in a running service: a stand-in service (plain
// node:http, so this test does not depend on src/server) serves a compute
// route and POST /debug/profile through captureProfile + packProfile, and the
// CLI's --url mode drives it with autocannon and unpacks the zip.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { syntheticCatalog } from '../../src/catalog/synthetic.js';
import { createPool, type Pool } from '../../src/pool/pool.js';
import type { Placement } from '../../src/pool/types.js';
import { packProfile } from '../../src/profile/archive.js';
import { captureProfile } from '../../src/profile/capture.js';
import { profileRemote } from '../../src/profile/remote.js';
import type { ProfileSummary } from '../../src/profile/summary.js';

const catalog = syntheticCatalog({ items: 10_000, dims: 64, seed: 3 });
let pool: Pool;
let server: Server;
let url: string;

beforeAll(async () => {
  pool = await createPool({ catalog, threads: 2 });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const fail = (err: unknown) => {
        res.writeHead(500).end(String(err));
      };
      if (u.pathname === '/debug/profile') {
        captureProfile(pool, { seconds: Number(u.searchParams.get('seconds')) }).then((r) => {
          const z = packProfile(r);
          res.writeHead(200, { 'content-type': z.contentType, 'content-disposition': `attachment; filename="${z.fileName}"` }).end(z.body);
        }, fail);
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { itemId: number; k: number };
      const vector = catalog.data.slice(body.itemId * 64, body.itemId * 64 + 64);
      pool.run('topk', { vector, k: body.k }, { placement: req.headers['x-hotpath-placement'] as Placement }).then((out) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: out.items }));
      }, fail);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await pool.close();
});

it('captures a running service without a restart and unpacks its zip', async () => {
  const { files, load } = await profileRemote({ url, kernel: 'topk', placement: 'ts-worker', seconds: 1, connections: 2, k: 10, events: 1000, audioSeconds: 1, rampSeconds: 0.3 });
  expect(load.requestsPerSec).toBeGreaterThan(0);
  expect(load.errors + load.non2xx).toBe(0);
  const names = [...files.keys()].sort();
  expect(names).toEqual(expect.arrayContaining(['flame.svg', 'main.cpuprofile', 'summary.json', 'summary.md']));
  expect(names.filter((n) => n.startsWith('worker-'))).toHaveLength(2);
  const summary = JSON.parse(files.get('summary.json')!.toString('utf8')) as ProfileSummary;
  expect(summary.breakdown.tasks).toBeGreaterThan(10);
  expect(summary.breakdown.mix).toEqual({ 'topk/ts-worker': summary.breakdown.tasks });
  expect(summary.workers.top.map((f) => f.name)).toContain('topkTs');
});

it('says why when the service does not expose the route', async () => {
  const other = createServer((_req, res) => res.writeHead(404).end('{"error":{"code":"HP_ERR_NOT_FOUND"}}'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const at = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
  try {
    await expect(profileRemote({ url: at, kernel: 'topk', placement: 'ts-worker', seconds: 1, connections: 1, k: 10, events: 10, audioSeconds: 1, rampSeconds: 0 }))
      .rejects.toThrow(/answered 404[\s\S]*enabled/);
  } finally {
    other.closeAllConnections();
    await new Promise((resolve) => other.close(resolve));
  }
});

// Over a real socket (app.listen on an ephemeral port): an oversized upload
// receives its 413 instead of a reset connection, and a client that hangs up
// cancels its queued task.
import { request } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../fixtures/wait.js';
import { harness, type Harness } from './helpers.js';

let h: Harness;
let port: number;
beforeAll(async () => {
  h = await harness();
  await h.app.listen({ port: 0, host: '127.0.0.1' });
  port = (h.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await h.close();
});

const MiB = 1024 * 1024;

/**
 * POSTs `total` bytes over a raw socket and reads nothing until all is sent,
 * as a simple client does: a server that answers and closes early makes the
 * kernel reset the connection, and the reset throws away the unread answer.
 * Resolves with the raw response text or rejects with the socket error.
 */
function upload(path: string, total: number, chunked: boolean): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.pause();
    socket.on('error', reject);
    const head = `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
      (chunked ? 'transfer-encoding: chunked\r\n' : `content-length: ${total}\r\n`) + 'connection: close\r\n\r\n';
    const size = 64 * 1024;
    const chunk = chunked
      ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), Buffer.alloc(size, 0x20), Buffer.from('\r\n')])
      : Buffer.alloc(size, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += size;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (chunked) socket.write('0\r\n\r\n');
      let text = '';
      socket.setEncoding('latin1');
      socket.on('data', (c: string) => (text += c));
      socket.on('end', () => {
        const [headers, body = ''] = text.split('\r\n\r\n');
        const chunkedReply = /^transfer-encoding: chunked$/im.test(headers);
        resolve({ status: Number(headers.split(' ')[1]), body: chunkedReply ? body.split('\r\n')[1] : body });
      });
      socket.resume();
    };
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
  });
}

describe('over a real socket', () => {
  it('an upload over the limit with content-length receives 413, not EPIPE or a reset', async () => {
    const res = await upload('/v1/recommend', 8 * MiB, false);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe('HP_ERR_BODY_TOO_LARGE');
  });

  it('a chunked upload over the limit receives 413 too', async () => {
    const res = await upload('/v1/recommend', 4 * MiB, true);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe('HP_ERR_BODY_TOO_LARGE');
  });

  it('a client that hangs up cancels its queued task (outcome aborted), freeing the queue', async () => {
    const ac = new AbortController();
    const busy = h.pool.run('spin', { us: 10_000_000 }, { placement: 'ts-worker', signal: ac.signal }).catch(() => undefined);
    const req = request({
      host: '127.0.0.1', port, path: '/v1/recommend?placement=native-worker', method: 'POST', agent: false, headers: { 'content-type': 'application/json' },
    });
    req.on('error', () => undefined);
    req.end('{"itemId": 1}');
    const kernel = () => h.pool.stats().kernels.find((k) => k.kernel === 'topk');
    await waitFor(() => h.pool.stats().queueDepth === 1, { what: 'the request\'s task queued' });
    req.destroy();
    await waitFor(() => (kernel()?.outcomes.aborted ?? 0) === 1, { what: 'the task aborted' });
    expect(h.pool.stats().queueDepth).toBe(0);
    ac.abort();
    await busy;
  });
});

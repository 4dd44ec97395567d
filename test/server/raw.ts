// Raw HTTP over a TCP socket (node:net): for requests no HTTP client would
// send (bad request lines, CR/LF/NUL in headers, content-length games) and
// for reading exactly what the server wrote, connection close included.
import { connect } from 'node:net';

export interface RawResponse {
  /** NaN when no status line arrived. */
  status: number;
  headers: Map<string, string>;
  body: string;
  /** The server closed the connection (rather than us, after a complete answer). */
  closedByServer: boolean;
  /** Everything received, latin1. */
  text: string;
}

/**
 * Writes `request` (in one write, or chunk by chunk) and reads one response:
 * resolves once the status line, headers and content-length (or chunked) body
 * are in, or when the server closes. Rejects after `timeoutMs` (a guard
 * against a hang, not a way to wait).
 */
export function rawRequest(port: number, request: string | Buffer | (string | Buffer)[], timeoutMs = 10_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let got = Buffer.alloc(0);
    let done = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms; got ${JSON.stringify(got.toString('latin1').slice(0, 200))}`));
    }, timeoutMs);
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parse(got), closedByServer, text: got.toString('latin1') });
    };
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (complete(got)) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    // A reset after the answer arrived (the server closed with our bytes unread) still counts as the answer.
    socket.on('error', () => finish(true));
    for (const part of Array.isArray(request) ? request : [request]) socket.write(part);
  });
}

function split(buf: Buffer): { head: string; body: Buffer } | undefined {
  const at = buf.indexOf('\r\n\r\n');
  if (at < 0) return undefined;
  return { head: buf.subarray(0, at).toString('latin1'), body: buf.subarray(at + 4) };
}

function headersOf(head: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of head.split('\r\n').slice(1)) {
    const c = line.indexOf(':');
    if (c > 0) out.set(line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim());
  }
  return out;
}

function dechunk(body: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = parseInt(body.subarray(at, eol).toString('latin1'), 16);
    if (!Number.isFinite(size)) return undefined;
    if (size === 0) return Buffer.concat(parts);
    if (body.length < eol + 2 + size + 2) return undefined;
    parts.push(body.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

function complete(buf: Buffer): boolean {
  let s = split(buf);
  while (s !== undefined && /^HTTP\/1\.1 1\d\d /.test(s.head)) s = split(s.body);
  if (s === undefined) return false;
  const headers = headersOf(s.head);
  if (/^HTTP\/1\.1 (204|304) /.test(s.head)) return true;
  if (headers.get('transfer-encoding') === 'chunked') return dechunk(s.body) !== undefined;
  const length = headers.get('content-length');
  return length !== undefined && s.body.length >= Number(length);
}

function parse(buf: Buffer): Omit<RawResponse, 'closedByServer' | 'text'> {
  let s = split(buf);
  // Skip interim 100 Continue answers.
  while (s !== undefined && /^HTTP\/1\.1 1\d\d /.test(s.head)) s = split(s.body);
  if (s === undefined) return { status: Number.NaN, headers: new Map(), body: '' };
  const headers = headersOf(s.head);
  const body = headers.get('transfer-encoding') === 'chunked' ? dechunk(s.body) ?? s.body : s.body;
  return { status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(s.head)?.[1]), headers, body: body.toString('utf8') };
}

/** The error code of a contract error body, or undefined when the body is not one. */
export function codeOf(res: RawResponse): string | undefined {
  try {
    const parsed = JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } };
    const code = parsed.error?.code;
    return typeof code === 'string' && typeof parsed.error?.message === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

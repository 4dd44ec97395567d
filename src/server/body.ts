// Request bodies: limits, binary parsers, typed-array views, and delivering a
// 413 instead of a reset connection.
import { endianness } from 'node:os';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HotpathError } from '../errors.js';

const MiB = 1024 * 1024;

/** Body limits per route (docs/http.md, "Body limits and 413"). */
export const LIMITS = {
  recommend: 1 * MiB,
  toplistJson: 8 * MiB,
  binary: 64 * MiB,
} as const;

/** WAV media types seen in the wild; audio/wav is the registered one (RFC 2361). */
export const WAV_TYPES = ['audio/wav', 'audio/wave', 'audio/x-wav', 'audio/vnd.wave'];

/** A binary body and the parser that took it. */
export interface BinaryBody {
  type: 'wav' | 'octet';
  bytes: Buffer;
}

/**
 * Registers a parser that hands the handler the raw body as one Buffer. Fastify
 * concatenates the chunks into a fresh Buffer (one copy, unavoidable with a
 * chunked socket); bodies of 4 KiB or more then own their ArrayBuffer, so a
 * typed-array view over them is moved to a worker without another copy.
 */
export function addBinaryParser(app: FastifyInstance, types: string[], type: BinaryBody['type'], bodyLimit: number): void {
  app.addContentTypeParser(types, { parseAs: 'buffer', bodyLimit }, (_req: FastifyRequest, bytes: Buffer, done) => {
    done(null, { type, bytes } satisfies BinaryBody);
  });
}

/**
 * Makes this plugin scope take only the content types it registers after
 * this call: anything else is a 415 from Fastify, before any body is read
 * (a text/plain body would otherwise reach the handler as a string).
 */
export function acceptOnly(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
}

/**
 * The charset parameter of a content-type, lower-cased and unquoted;
 * undefined when there is none. Media type parameters are
 * `; name=value` or `; name="value"` (RFC 9110, section 5.6.6).
 */
export function charsetOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  let charset: string | undefined;
  for (const param of contentType.split(';').slice(1)) {
    const eq = param.indexOf('=');
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    let value = param.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    charset = value.toLowerCase();
  }
  return charset;
}

// Outside strings, the only characters that open or close a container or a string.
const STRUCTURAL = ['"', '{', '}', '[', ']'] as const;

/**
 * The first key that appears twice in one object of a JSON text, or
 * undefined. `text` must be valid JSON (run it after JSON.parse): JSON.parse
 * keeps the last of duplicate keys, other parsers the first, so a body that
 * has them means different things to different readers, and is refused.
 * Keys compare after unescaping ("a" and "\u0061" are the same key). The
 * scan jumps from one quote or bracket to the next with String#indexOf (one
 * cached position per character, so each stretch of text is searched once
 * per character): a long array of numbers costs a few memchr-speed scans,
 * about 1 us for a 128-dim vector body and 5 ms for 10 MB of events, against
 * 85 ms for JSON.parse of the latter.
 */
export function duplicateKey(text: string): string | undefined {
  const objects: (Set<string> | null)[] = [];
  const next = STRUCTURAL.map((c) => text.indexOf(c));
  let pos = 0;
  for (;;) {
    let which = -1;
    let at = Number.POSITIVE_INFINITY;
    for (let w = 0; w < STRUCTURAL.length; w++) {
      let p = next[w];
      if (p !== -1 && p < pos) p = next[w] = text.indexOf(STRUCTURAL[w], pos);
      if (p !== -1 && p < at) {
        at = p;
        which = w;
      }
    }
    if (which < 0) return undefined;
    pos = at + 1;
    if (which === 1) objects.push(new Set());
    else if (which === 3) objects.push(null);
    else if (which !== 0) objects.pop();
    else {
      let end = at;
      for (;;) {
        end = text.indexOf('"', end + 1);
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c) slashes++;
        if (slashes % 2 === 0) break;
      }
      pos = end + 1;
      const keys = objects[objects.length - 1];
      if (keys === undefined || keys === null) continue;
      let after = end + 1;
      while (after < text.length && ' \t\r\n'.includes(text[after])) after++;
      if (text.charCodeAt(after) !== 0x3a) continue; // a string value, not a key
      const raw = text.slice(at + 1, end);
      const key = raw.includes('\\') ? (JSON.parse(text.slice(at, end + 1)) as string) : raw;
      if (keys.has(key)) return key;
      keys.add(key);
    }
  }
}

/**
 * The stock JSON parser (secure-json-parse: a `__proto__` or
 * `constructor.prototype` key is an error) with this scope's limit. Its error
 * does not say what was wrong; on that (rare) path we parse again with
 * JSON.parse to tell the client where. Also refused: a charset other than
 * UTF-8 (415: the body would be decoded as UTF-8 regardless), and a key that
 * appears twice in an object (HP_ERR_INVALID_JSON).
 */
export function addJsonParser(app: FastifyInstance, bodyLimit: number): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit }, (req, body, done) => {
    const charset = charsetOf(req.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return done(new HotpathError('HP_ERR_UNSUPPORTED_MEDIA_TYPE', `charset '${charset.slice(0, 40)}' is not supported: JSON bodies are UTF-8`), undefined);
    }
    parse(req, body as string, (err: Error | null, value?: unknown) => {
      if (err === null) {
        const dup = duplicateKey(body as string);
        if (dup !== undefined) {
          return done(new HotpathError('HP_ERR_INVALID_JSON', `body has the key '${dup.slice(0, 60)}' twice in one object (refused: parsers disagree on which one wins)`), undefined);
        }
        return done(null, value);
      }
      if ((err as { code?: string } | null)?.code !== 'FST_ERR_CTP_INVALID_JSON_BODY') return done(err, value);
      let why = "a '__proto__' or 'constructor.prototype' key (refused: prototype poisoning)";
      try {
        JSON.parse(body as string);
      } catch (syntax) {
        why = (syntax as Error).message.slice(0, 160);
      }
      done(new HotpathError('HP_ERR_INVALID_JSON', `body is not valid JSON (NaN and Infinity are not JSON either): ${why}`), undefined);
    });
  });
}

/** The binary body of a request, refusing an empty one (almost surely a client bug, not an empty input). */
export function requireBinary(body: unknown): BinaryBody {
  const b = body as BinaryBody | undefined;
  if (b === undefined || b === null || !Buffer.isBuffer(b.bytes) || b.bytes.length === 0) {
    throw new HotpathError('HP_ERR_BAD_REQUEST', 'body is empty');
  }
  return b;
}

const LITTLE_ENDIAN = endianness() === 'LE';

/**
 * A little-endian body as Float32Array or Uint32Array: a view (no copy) when
 * the bytes are 4-aligned on a little-endian host, else one copy.
 */
export function typedView<T extends Float32Array | Uint32Array>(body: Buffer, Ctor: { new(b: ArrayBuffer, o: number, n: number): T; new(n: number): T }, what: string): T {
  if (body.length % 4 !== 0) {
    throw new HotpathError('HP_ERR_BAD_REQUEST', `${what}: body length ${body.length} is not a multiple of 4 bytes`);
  }
  const n = body.length / 4;
  if (LITTLE_ENDIAN && body.byteOffset % 4 === 0) return new Ctor(body.buffer as ArrayBuffer, body.byteOffset, n);
  const out = new Ctor(n);
  const dv = new DataView(body.buffer, body.byteOffset, body.length);
  const float = out instanceof Float32Array;
  for (let i = 0; i < n; i++) out[i] = float ? dv.getFloat32(i * 4, true) : dv.getUint32(i * 4, true);
  return out;
}

// What we read of an oversized body before answering anyway: a client that
// declares 10 GB gets its 413 after 64 MiB or 5 s, on a closed connection.
const DRAIN_BYTES = 64 * MiB;
const DRAIN_MS = 5_000;

/**
 * Reads the rest of a request body and throws it away. Answering while the
 * client is still sending makes it see EPIPE or a reset instead of our 413
 * (test/server/socket.test.ts shows it): Fastify answers body errors with `connection: close` and the
 * socket closes under the upload. Reading it to the end first lets the
 * client finish writing and read the answer.
 */
export function drainRequest(request: FastifyRequest): Promise<void> {
  const raw = request.raw;
  if (raw.readableEnded || raw.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    let seen = 0;
    const finish = () => {
      clearTimeout(timer);
      raw.off('data', onData);
      raw.off('end', finish);
      raw.off('close', finish);
      raw.off('error', finish);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_BYTES) finish();
    };
    const timer = setTimeout(finish, DRAIN_MS);
    raw.on('data', onData);
    raw.once('end', finish);
    raw.once('close', finish);
    raw.once('error', finish);
    raw.resume();
  });
}

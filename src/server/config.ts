// The service's configuration: one table drives the flags (node:util
// parseArgs), the environment variables they mirror and the --help text, so
// the three cannot drift apart. Flags win over the environment.
import { HotpathError } from '../errors.js';

export interface ServerConfig {
  port: number;
  host: string;
  /** Pool worker threads; undefined: the pool's default (cores - 1, at least 1). */
  threads: number | undefined;
  /** Tasks that may wait in the pool's queue; undefined: the pool's default (256). */
  maxQueue: number | undefined;
  /** Path to a float32 [N, D] .npy catalog; undefined: the synthetic one. */
  catalog: string | undefined;
  /** Shape of the synthetic catalog (tests use a small one). */
  catalogItems: number;
  catalogDims: number;
  logLevel: string;
  /** After SIGTERM/SIGINT, how long in-flight requests may take before a forced exit. */
  drainTimeoutMs: number;
  /** POST /debug/profile answers (off by default: it exposes code and timing of the process). */
  debugProfile: boolean;
  /** Time a client has to send a whole request (line, headers, body) before a 408. */
  requestTimeoutMs: number;
}

interface Option {
  key: keyof ServerConfig;
  flag: string;
  env: string;
  kind: 'int' | 'port' | 'string' | 'level' | 'bool';
  help: string;
}

export const OPTIONS: readonly Option[] = [
  { key: 'port', flag: 'port', env: 'PORT', kind: 'port', help: 'TCP port (0: any free port) [3000]' },
  { key: 'host', flag: 'host', env: 'HOST', kind: 'string', help: 'address to bind [127.0.0.1]' },
  { key: 'threads', flag: 'threads', env: 'HOTPATH_THREADS', kind: 'int', help: 'pool worker threads [cores - 1, at least 1]' },
  { key: 'maxQueue', flag: 'max-queue', env: 'HOTPATH_MAX_QUEUE', kind: 'int', help: 'tasks waiting in the pool before 503 [256]' },
  { key: 'catalog', flag: 'catalog', env: 'HOTPATH_CATALOG', kind: 'string', help: 'float32 [N, D] .npy catalog [synthetic]' },
  { key: 'catalogItems', flag: 'catalog-items', env: 'HOTPATH_CATALOG_ITEMS', kind: 'int', help: 'rows of the synthetic catalog [100000]' },
  { key: 'catalogDims', flag: 'catalog-dims', env: 'HOTPATH_CATALOG_DIMS', kind: 'int', help: 'dimension of the synthetic catalog [128]' },
  { key: 'logLevel', flag: 'log-level', env: 'LOG_LEVEL', kind: 'level', help: 'pino level: fatal error warn info debug trace silent [info]' },
  { key: 'drainTimeoutMs', flag: 'drain-timeout-ms', env: 'HOTPATH_DRAIN_TIMEOUT_MS', kind: 'int', help: 'graceful drain budget before a forced exit [10000]' },
  { key: 'requestTimeoutMs', flag: 'request-timeout-ms', env: 'HOTPATH_REQUEST_TIMEOUT_MS', kind: 'int', help: 'time to receive a whole request (line, headers, body) before 408 [30000]' },
  { key: 'debugProfile', flag: 'debug-profile', env: 'HOTPATH_DEBUG_PROFILE', kind: 'bool', help: 'enable POST /debug/profile (env: 1 or 0) [off]' },
];

export const DEFAULTS: ServerConfig = {
  port: 3000,
  host: '127.0.0.1',
  threads: undefined,
  maxQueue: undefined,
  catalog: undefined,
  catalogItems: 100_000,
  catalogDims: 128,
  logLevel: 'info',
  drainTimeoutMs: 10_000,
  debugProfile: false,
  requestTimeoutMs: 30_000,
};

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function convert(opt: Option, raw: string, source: string): string | number | boolean {
  const bad = (want: string) =>
    new HotpathError('HP_ERR_INVALID_ARGUMENT', `${source} must be ${want}, got ${JSON.stringify(raw)}`);
  switch (opt.kind) {
    case 'string':
      if (raw.length === 0) throw bad('a non-empty string');
      return raw;
    case 'bool':
      if (raw !== '0' && raw !== '1') throw bad('1 or 0');
      return raw === '1';
    case 'level':
      if (!LEVELS.includes(raw)) throw bad(`one of ${LEVELS.join(', ')}`);
      return raw;
    case 'port': {
      if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) throw bad('a port number 0..65535');
      return Number(raw);
    }
    case 'int': {
      // maxQueue may be 0 (no waiting at all); the others need at least 1.
      const min = opt.key === 'maxQueue' ? 0 : 1;
      if (!/^\d{1,9}$/.test(raw) || Number(raw) < min) throw bad(`an integer >= ${min}`);
      return Number(raw);
    }
  }
}

/** parseArgs' option table for these settings (plus --help). */
export function parseArgsOptions(): Record<string, { type: 'string' | 'boolean'; short?: string }> {
  const out: Record<string, { type: 'string' | 'boolean'; short?: string }> = { help: { type: 'boolean', short: 'h' } };
  for (const o of OPTIONS) out[o.flag] = { type: o.kind === 'bool' ? 'boolean' : 'string' };
  return out;
}

/** Defaults, then the environment, then flags (parsed by parseArgs with parseArgsOptions()). */
export function resolveConfig(env: NodeJS.ProcessEnv, flags: Record<string, string | boolean | undefined>): ServerConfig {
  const config: Record<string, unknown> = { ...DEFAULTS };
  for (const o of OPTIONS) {
    const fromEnv = env[o.env];
    if (fromEnv !== undefined && fromEnv !== '') config[o.key] = convert(o, fromEnv, o.env);
    const fromFlag = flags[o.flag];
    if (typeof fromFlag === 'string') config[o.key] = convert(o, fromFlag, `--${o.flag}`);
    else if (typeof fromFlag === 'boolean' && o.kind === 'bool') config[o.key] = fromFlag;
  }
  return config as unknown as ServerConfig;
}

export function helpText(): string {
  const rows = OPTIONS.map((o) => `  --${(o.kind === 'bool' ? o.flag : `${o.flag} <value>`).padEnd(26)} ${o.env.padEnd(26)} ${o.help}`);
  return [
    'Usage: hotpath serve [options]',
    '',
    'Serves the hotpath HTTP API (docs/http.md). Every option has an environment',
    'variable; the flag wins when both are set.',
    '',
    `  ${'flag'.padEnd(28)} ${'environment'.padEnd(26)} meaning [default]`,
    ...rows,
    `  ${'-h, --help'.padEnd(28)} ${''.padEnd(26)} this text`,
    '',
    'SIGTERM or SIGINT drains: /readyz turns 503, in-flight requests finish, then',
    'the process exits 0. The drain timeout forces exit 1; a second signal ends',
    'the process at once, by that signal.',
  ].join('\n');
}

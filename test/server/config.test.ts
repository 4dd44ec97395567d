// Flags mirror the environment; flags win; bad values are refused with their source named.
import { describe, expect, it } from 'vitest';
import { DEFAULTS, helpText, OPTIONS, resolveConfig } from '../../src/server/config.js';

describe('server config', () => {
  it('defaults: 127.0.0.1:3000, synthetic 100k x 128, info', () => {
    expect(resolveConfig({}, {})).toEqual(DEFAULTS);
    expect(DEFAULTS).toMatchObject({ port: 3000, host: '127.0.0.1', catalogItems: 100_000, catalogDims: 128, logLevel: 'info' });
  });

  it('reads the environment, and a flag wins over it', () => {
    const env = { PORT: '8080', HOTPATH_THREADS: '3', HOTPATH_MAX_QUEUE: '0', HOTPATH_CATALOG: '/data/e.npy', LOG_LEVEL: 'warn' };
    expect(resolveConfig(env, {})).toMatchObject({ port: 8080, threads: 3, maxQueue: 0, catalog: '/data/e.npy', logLevel: 'warn' });
    expect(resolveConfig(env, { port: '9000', threads: '2' })).toMatchObject({ port: 9000, threads: 2, maxQueue: 0 });
  });

  it('refuses bad values, naming the variable or flag', () => {
    expect(() => resolveConfig({ PORT: '70000' }, {})).toThrow(/PORT must be a port number/);
    expect(() => resolveConfig({}, { threads: '0' })).toThrow(/--threads must be an integer >= 1/);
    expect(() => resolveConfig({}, { threads: '2.5' })).toThrow(/--threads/);
    expect(() => resolveConfig({ LOG_LEVEL: 'loud' }, {})).toThrow(/LOG_LEVEL must be one of/);
    expect(() => resolveConfig({}, { 'catalog-items': '-5' })).toThrow(/--catalog-items/);
  });

  it('the request timeout: 30 s by default, from HOTPATH_REQUEST_TIMEOUT_MS or --request-timeout-ms', () => {
    expect(DEFAULTS.requestTimeoutMs).toBe(30_000);
    expect(resolveConfig({ HOTPATH_REQUEST_TIMEOUT_MS: '5000' }, {}).requestTimeoutMs).toBe(5000);
    expect(resolveConfig({ HOTPATH_REQUEST_TIMEOUT_MS: '5000' }, { 'request-timeout-ms': '300' }).requestTimeoutMs).toBe(300);
    expect(() => resolveConfig({}, { 'request-timeout-ms': '0' })).toThrow(/--request-timeout-ms must be an integer >= 1/);
  });

  it('--help lists every flag with its environment variable', () => {
    const help = helpText();
    for (const o of OPTIONS) {
      expect(help).toContain(`--${o.flag}`);
      expect(help).toContain(o.env);
    }
  });
});

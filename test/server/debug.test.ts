// POST /debug/profile: refused unless the service opted in; when on, a zip of
// the profiler's files for every thread.
import { unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { errorOf, harness, type Harness } from './helpers.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('POST /debug/profile', () => {
  it('is refused with 403 HP_ERR_PROFILING_DISABLED when the flag is off (the default)', async () => {
    h = await harness();
    const res = await h.app.inject({ method: 'POST', url: '/debug/profile?seconds=1' });
    expect(res.statusCode).toBe(403);
    expect(errorOf(res).code).toBe('HP_ERR_PROFILING_DISABLED');
  });

  it('returns a zip with a profile per thread and the summary when on', async () => {
    h = await harness({ threads: 1 }, { debugProfile: true });
    const capture = h.app.inject({ method: 'POST', url: '/debug/profile?seconds=1' });
    // Some work for the profile to see while it records.
    const vector = Array.from(h.catalog.data.subarray(0, h.catalog.dims));
    for (let i = 0; i < 20; i++) {
      await h.app.inject({ method: 'POST', url: '/v1/recommend?placement=ts-worker', payload: { vector, k: 3 } });
    }
    const res = await capture;
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    const files = Object.keys(unzipSync(new Uint8Array(res.rawPayload)));
    expect(files).toEqual(expect.arrayContaining(['main.cpuprofile', 'summary.md', 'summary.json', 'flame.svg']));
    expect(files.filter((f) => /^worker-\d+\.cpuprofile$/.test(f))).toHaveLength(1); // named by thread id
  });

  it('refuses a bad duration', async () => {
    h = await harness({}, { debugProfile: true });
    for (const q of ['seconds=0', 'seconds=61', 'seconds=abc', 'seconds=1&extra=2']) {
      const res = await h.app.inject({ method: 'POST', url: `/debug/profile?${q}` });
      expect(res.statusCode).toBe(400);
    }
  });
});

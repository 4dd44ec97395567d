// pool.run is typed from the kernel object: tsc on a consumer's file
// (test/fixtures/consumer-types) accepts the right calls and rejects, at
// each @ts-expect-error, a wrong input shape or a wrong result field.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const project = fileURLToPath(new URL('./fixtures/consumer-types/tsconfig.json', import.meta.url));

describe("a consumer's tsc", () => {
  it('type-checks a correct call and rejects a wrong input or result field', () => {
    let out = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', project], { encoding: 'utf8' });
    } catch (err) {
      out = String((err as { stdout?: string }).stdout);
    }
    expect(out).toBe('');
  }, 60_000);
});

// The README's library example must work as written: run its code block
// against the built package (what `import ... from 'hotpath'` resolves to).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNpy } from './fixtures/npy.js';

const root = new URL('..', import.meta.url);
const readme = readFileSync(new URL('README.md', root), 'utf8');

function codeBlockAfter(heading: string): string {
  const at = readme.indexOf(heading);
  expect(at).toBeGreaterThanOrEqual(0);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  expect(m).not.toBeNull();
  return m![1];
}

function runSnippet(code: string, dir: string): string {
  const entry = new URL('dist/src/index.js', root).href;
  const program = code.replace(/from 'hotpath'/g, `from '${entry}'`) +
    '\nconsole.log(JSON.stringify({ ok: true }));\n';
  const file = join(dir, 'snippet.mjs');
  writeFileSync(file, program);
  return execFileSync(process.execPath, [file], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
}

describe('README', () => {
  it('the library example ("## Use") runs as written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotpath-readme-'));
    writeNpy(join(dir, 'embeddings.npy'), Float32Array.from({ length: 64 * 128 }, (_, i) => Math.sin(i)), { shape: [64, 128] });
    const out = runSnippet(codeBlockAfter('## Use'), dir);
    expect(out.trim().split('\n').pop()).toBe('{"ok":true}');
  });

  it('the pool example ("## The pool") runs as written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotpath-readme-'));
    // The snippet names vector, signal, events and samples without defining them.
    const prelude = `const vector = new Float32Array(128).fill(0.5);
const signal = new AbortController().signal;
const events = new Uint32Array([1, 2, 2, 3]);
const samples = new Float32Array(16000);
`;
    const code = codeBlockAfter('## The pool');
    const [imports, ...rest] = code.split('\n\n');
    const out = runSnippet(`${imports}\n${prelude}\n${rest.join('\n\n')}`, dir);
    expect(out.trim().split('\n').pop()).toBe('{"ok":true}');
  });

  it('the own-kernel example ("## Your own kernels") runs as written, kernel module and caller', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotpath-readme-'));
    const at = readme.indexOf('## Your own kernels');
    const blocks = [...readme.slice(at).matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
    const entry = new URL('dist/src/index.js', root).href;
    const [kernel, main] = blocks.map((b) => b.replace(/from 'hotpath'/g, `from '${entry}'`));
    expect(kernel).toMatch(/^\/\/ collatz\.js/);
    expect(main).toMatch(/^\/\/ main\.js/);
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    writeFileSync(join(dir, 'collatz.js'), kernel);
    writeFileSync(join(dir, 'main.js'), main);
    const out = execFileSync(process.execPath, [join(dir, 'main.js')], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(out).toMatch(/^77031 350 '?(ts-inline|ts-worker)'? /);
  });
});

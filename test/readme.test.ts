// The README's code must work as a reader copies it. Every JavaScript block
// names its file on its first line (`// pool.js`) and runs exactly as
// written, with no prelude and no file it does not write itself, in a fresh
// folder set up as the README's Install section says: a package.json with
// "type": "module" and hotpath in node_modules (a link to this checkout, so
// `hotpath` resolves through the package's "exports" to the built dist/, as
// an installed copy would). A block that imports another (`./collatz.js`)
// gets that one beside it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1], code: m[2] }));
const files = new Map<string, string>();
for (const { lang, code } of blocks) {
  const name = /^\/\/ ([\w.-]+\.js)\b/.exec(code)?.[1];
  if (lang === 'js' && name !== undefined) files.set(name, code);
}

/** A fresh folder holding `name` and, transitively, the README files it imports. */
function folderFor(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotpath-readme-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'try-hotpath', private: true, type: 'module' }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'hotpath'), 'dir');
  const todo = [name];
  for (let file = todo.pop(); file !== undefined; file = todo.pop()) {
    if (existsSync(join(dir, file))) continue;
    const code = files.get(file);
    expect(code, `${name} imports ./${file}, which no README block is`).toBeDefined();
    writeFileSync(join(dir, file), code!);
    for (const m of code!.matchAll(/from '\.\/([\w.-]+\.js)'/g)) todo.push(m[1]);
  }
  return dir;
}

function run(name: string): string {
  const dir = folderFor(name);
  return execFileSync(process.execPath, [name], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
}

describe('README', () => {
  it('has only code a reader can run as copied: JavaScript blocks that name their file, shell, plain text', () => {
    for (const { lang, code } of blocks) {
      expect(['js', 'sh', ''], `a \`\`\`${lang} block`).toContain(lang);
      if (lang === 'js') expect(code, 'a js block names its file on its first line').toMatch(/^\/\/ [\w.-]+\.js\b/);
    }
    expect(files.size).toBe(blocks.filter((b) => b.lang === 'js').length); // no name used twice
    expect([...files.keys()]).toEqual(expect.arrayContaining(['pool.js', 'collatz.js', 'main.js']));
  });

  it('pool.js (the pool with built-in kernels) runs as written', () => {
    const [recs, top] = run('pool.js').trim().split('\n');
    expect(recs).toMatch(/^\{ id: 0, score: (1|0\.99999\d*|1\.00000\d*) \} (ts|native)-(inline|worker|async) \{ waitMs: [\d.e-]+, runMs: [\d.e-]+ \}$/);
    expect(top).toBe('[ { id: 3, count: 3 }, { id: 1, count: 2 } ]');
  });

  it('main.js with collatz.js (your own kernel) runs as written', () => {
    expect(run('main.js')).toMatch(/^77031 350 ts-(inline|worker) \{ waitMs: [\d.e-]+, runMs: [\d.e-]+ \}\n$/);
  });

  it('every other JavaScript block runs as written', () => {
    for (const name of files.keys()) if (!['pool.js', 'main.js'].includes(name)) run(name);
  });

  it('names only npm scripts that exist, and links only files that exist', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
    for (const m of readme.matchAll(/npm run ([\w:-]+)/g)) expect(scripts, `npm run ${m[1]}`).toContain(m[1]);
    for (const m of readme.matchAll(/\]\(((?!https?:)[^)#\s]+)(#[^)]*)?\)/g)) expect(existsSync(join(root, m[1])), m[1]).toBe(true);
  });
});

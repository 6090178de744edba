import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(repo, 'src');

/** The layer order, read from the README's Layout section so the document and the check cannot drift apart. */
function layerOrder(): string[] {
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Layout'));
  const block = /```\n([^`]+)\n```/.exec(section);
  assert.ok(block, 'README.md has a Layout section with the layer line in a code block');
  return block[1]!.split('→').map((s) => s.trim()).filter(Boolean);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return /\.(c|m)?ts$/.test(name) ? [p] : [];
  });
}

const IMPORT_RE = /(?:\bfrom|\bimport\(?)\s*['"](\.{1,2}\/[^'"]+)['"]/g;

test('every src folder is a layer named in the README', () => {
  const order = layerOrder();
  const folders = readdirSync(src).filter((n) => statSync(join(src, n)).isDirectory());
  assert.deepEqual(folders.filter((f) => !order.includes(f)), [], 'folders missing from the layer line');
  assert.deepEqual(order.filter((f) => !folders.includes(f)), [], 'layers with no folder');
});

test('no module imports a folder above its own', () => {
  const order = layerOrder();
  const rank = new Map(order.map((name, i) => [name, i]));
  const upward: string[] = [];
  for (const file of sourceFiles(src)) {
    const parts = relative(src, file).split('/');
    // a file directly in src/ (the package's public entry) sits above every folder
    const from = parts.length === 1 ? '' : parts[0]!;
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT_RE)) {
      const target = relative(src, normalize(join(dirname(file), m[1]!))).split('/')[0]!;
      if (target === from) continue;
      if ((rank.get(target) ?? Infinity) > (rank.get(from) ?? Infinity)) upward.push(`${relative(repo, file)} -> ${m[1]}`);
    }
  }
  assert.deepEqual(upward, []);
});

/** Imports from a folder that reach any folder outside `allowed` (its own included in allowed). */
function importsOutside(folder: string, allowed: Set<string>): string[] {
  const reaching: string[] = [];
  for (const file of sourceFiles(join(src, folder))) {
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT_RE)) {
      const target = relative(src, normalize(join(dirname(file), m[1]!))).split('/')[0]!;
      if (!allowed.has(target)) reaching.push(`${relative(repo, file)} -> ${m[1]}`);
    }
  }
  return reaching;
}

test('compose is a client of the Engine API only: it imports common, client and itself', () => {
  assert.deepEqual(importsOutside('compose', new Set(['common', 'client', 'compose'])), []);
});

test('kube is a client of the Engine API only: it imports common, client, compose and itself', () => {
  assert.deepEqual(importsOutside('kube', new Set(['common', 'client', 'compose', 'kube'])), []);
});

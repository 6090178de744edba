/**
 * The README's "Use berth as a library" program, run as written: its code block is saved as a
 * .mts file inside the repository (so `import … from 'berth'` resolves through package.json's
 * `exports` to dist/) and pulls busybox from a local registry through REGISTRY.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, mountsUnder } from '../helpers/daemon.js';
import { librarySandbox, REGISTRY, type LibrarySandbox } from './helpers.js';

let box: LibrarySandbox | undefined;
let exampleDir: string | undefined;

/** The one ```ts block of the README's library section. */
function readmeExample(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('## Use berth as a library');
  assert.ok(start >= 0, 'README.md has a "Use berth as a library" section');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const block = /```ts\n([\s\S]*?)\n```/.exec(section);
  assert.ok(block, 'the section has a ts code block');
  return block[1]!;
}

before(async () => { box = await librarySandbox(); });

after(() => {
  if (exampleDir) rmSync(exampleDir, { recursive: true, force: true });
  box?.close();
});

test("the README's library example pulls, runs, streams logs and cleans up", async () => {
  exampleDir = mkdtempSync(join(REPO, '.readme-example-'));
  const file = join(exampleDir, 'example.mts');
  writeFileSync(file, readmeExample() + '\n');
  const work = mkdtempSync(join(box!.tmp, 'work-'));
  const { code, stdout, stderr } = await box!.run(file, { TMPDIR: work });
  assert.equal(code, 0, `the example failed:\n${stdout}\n${stderr}`);
  assert.equal(stdout, `Status: Downloaded newer image for ${REGISTRY}/library/busybox:latest\nline 1\nline 2\nline 3\nexit code 0\n`, stderr);
  // it removed its container and closed its engine: nothing mounted, its directory gone
  assert.deepEqual(mountsUnder(work), []);
  assert.deepEqual(readdirSync(work), []);
});

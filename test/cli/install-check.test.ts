/**
 * A clone with a missing or broken install: no node_modules, a native module that does not load,
 * dist/ only partly built. The CLI and `berth serve` say in one line what is missing and which
 * command fixes it, and exit 1; no stack trace. Each case runs a copy of bin/ and dist/ in a
 * temporary directory (the daemon's root and run root inside it), removed afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { REPO, cleanEnv, mountsUnder } from '../helpers/daemon.js';

const FIX = /; run `bash scripts\/setup\.sh` \(or `npm ci && npm run build`\) in /;

/** bin/, dist/ and package.json of this repository in a temporary clone. */
function clone(t: TestContext): string {
  const dir = mkdtempSync('/tmp/bt-clone-');
  t.after(() => {
    // a daemon that got as far as its runtime binaries may have mounted them under the clone
    for (const m of mountsUnder(dir).sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m]);
    rmSync(dir, { recursive: true, force: true });
  });
  for (const p of ['bin', 'dist', 'package.json']) cpSync(join(REPO, p), join(dir, p), { recursive: true });
  return dir;
}

function berth(dir: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(join(dir, 'bin', 'berth'), args, { encoding: 'utf8', timeout: 30_000, env: cleanEnv({ BERTH_NO_AUTOSTART: '1' }) });
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** `berth serve` confined to the clone: its own socket, root and run root. */
const serve = (dir: string) => berth(dir, ['serve', '-H', `unix://${dir}/run/berth.sock`, '--root', `${dir}/root`, '--run-root', `${dir}/run`, '--config-file', '/dev/null']);

function assertOneLine(r: { code: number; stderr: string }, what: RegExp, dir: string): void {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stderr.trimEnd().split('\n').length, 1, `one line, no stack trace:\n${r.stderr}`);
  assert.match(r.stderr, /^berth: /);
  assert.match(r.stderr, what);
  assert.match(r.stderr, FIX);
  assert.ok(r.stderr.trimEnd().endsWith(` in ${dir}`), r.stderr);
}

test('no node_modules: serve names the package that is not installed and the fix', (t) => {
  const dir = clone(t);
  assertOneLine(serve(dir), /the npm package \S+ is not installed \(node_modules is missing or incomplete\)/, dir);
  // the CLI itself is one bundle: it runs; the daemon it starts for a command says what is missing
  const v = berth(dir, ['--version']);
  assert.equal(v.code, 0, v.stderr);
  const env = cleanEnv({ BERTH_ROOT: `${dir}/root`, BERTH_RUN_ROOT: `${dir}/run` });
  delete env.BERTH_NO_AUTOSTART;
  const r = spawnSync(join(dir, 'bin', 'berth'), ['-H', `unix://${dir}/run/berth.sock`, 'ps'], { encoding: 'utf8', timeout: 30_000, env });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^the berth daemon exited with code 1 while starting: the npm package \S+ is not installed .*npm ci && npm run build.*; see \S+berth\.log\n$/);
});

test('a native module that does not load: serve names it and the fix', (t) => {
  const dir = clone(t);
  const modules = join(dir, 'node_modules');
  mkdirSync(modules);
  for (const name of readdirSync(join(REPO, 'node_modules'))) {
    if (name !== 'koffi') symlinkSync(join(REPO, 'node_modules', name), join(modules, name));
  }
  // koffi with its JavaScript but a native binary that is not one (a broken or foreign build)
  const pkg = join(modules, 'koffi');
  for (const p of ['package.json', 'index.js']) cpSync(join(REPO, 'node_modules', 'koffi', p), join(pkg, p));
  mkdirSync(join(pkg, 'build', 'koffi', 'linux_x64'), { recursive: true });
  writeFileSync(join(pkg, 'build', 'koffi', 'linux_x64', 'koffi.node'), 'not a shared object\n');
  assertOneLine(serve(dir), /the native module of koffi failed to load \(.*koffi.*\)/i, dir);
});

test('dist/ only partly built: the CLI and serve name the missing file', (t) => {
  const dir = clone(t);
  rmSync(join(dir, 'dist', 'daemon'), { recursive: true });
  assertOneLine(serve(dir), /dist\/daemon\/serve\.js is missing/, dir);
  rmSync(join(dir, 'dist', 'cli', 'berth.cjs'));
  assertOneLine(berth(dir, ['ps']), new RegExp(`dist/cli/berth\\.cjs is missing \\(berth is not built, or only partly\\)`), dir);
  assertOneLine(serve(dir), /dist\/cli\/berth\.cjs is missing/, dir);
});

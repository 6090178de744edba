/**
 * The README's "Use berth as a library" program, run as written: its code block is saved as a
 * .mts file inside the repository (so `import … from 'berth'` resolves through package.json's
 * `exports` to dist/) and run with Node in a network namespace of its own, where a registry
 * serves a busybox image that the program pulls through REGISTRY.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BERTH_BIN, REPO, cleanEnv, mountsUnder, waitFor } from '../helpers/daemon.js';
import { buildImage, publish } from '../registry/publish.js';
import { busyboxRootfsEntries } from '../../src/image/bootstrap.js';

const REGISTRY = '127.0.0.1:5000';
let netns: string | undefined;
let tmp: string;
let reg: ChildProcess | undefined;
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

function inNetns(args: string[]): string[] { return [`--net=/run/netns/${netns}`, ...args]; }

before(async () => {
  assert.ok(existsSync(join(REPO, 'dist', 'index.js')), 'dist/index.js is built (npm run build)');
  tmp = mkdtempSync('/tmp/berth-readme-');
  // the image, published into a registry root that a registry in the example's namespace serves
  await publish(join(tmp, 'reg'), [{ repo: 'library/busybox', tag: 'latest', images: [await buildImage({ files: await busyboxRootfsEntries(), cmd: ['sh'] })] }]);
  netns = `berth-lib-${randomBytes(4).toString('hex')}`;
  assert.equal(spawnSync('ip', ['netns', 'add', netns]).status, 0, 'ip netns add');
  spawnSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  reg = spawn('nsenter', inNetns([BERTH_BIN, 'registry', 'serve', '--root', join(tmp, 'reg'), '--addr', REGISTRY]), { stdio: 'ignore', env: cleanEnv({ BERTH_NO_AUTOSTART: '1' }) });
  await waitFor(() => spawnSync('nsenter', inNetns(['bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/5000'])).status === 0, 30_000, 'the registry to listen');
});

after(() => {
  try { reg?.kill('SIGKILL'); } catch { /* gone */ }
  if (exampleDir) rmSync(exampleDir, { recursive: true, force: true });
  if (netns) spawnSync('ip', ['netns', 'del', netns]);
  if (tmp) {
    for (const m of mountsUnder(tmp).sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', m]);
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("the README's library example pulls, runs, streams logs and cleans up", async () => {
  const dir = exampleDir = mkdtempSync(join(REPO, '.readme-example-'));
  const file = join(dir, 'example.mts');
  writeFileSync(file, readmeExample() + '\n');
  const work = mkdtempSync(join(tmp, 'work-'));
  const child = spawn('nsenter', inNetns([process.execPath, file]), {
    cwd: dir, stdio: ['ignore', 'pipe', 'pipe'],
    env: cleanEnv({ REGISTRY, TMPDIR: work, BERTH_NO_AUTOSTART: '1' }),
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => { stdout += c; });
  child.stderr!.on('data', (c) => { stderr += c; });
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('close', (c) => { clearTimeout(timer); resolve(c); });
  });
  assert.equal(code, 0, `the example failed:\n${stdout}\n${stderr}`);
  assert.equal(stdout, `Status: Downloaded newer image for ${REGISTRY}/library/busybox:latest\nline 1\nline 2\nline 3\nexit code 0\n`, stderr);
  // it removed its container and closed its engine: nothing mounted, its directory gone
  assert.deepEqual(mountsUnder(work), []);
  assert.deepEqual(readdirSync(work), []);
});

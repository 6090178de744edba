/**
 * The automatic pull of `berth run`/`create`: Docker's "Unable to find image" line, then per-layer
 * lines redrawn in place on a terminal (stderr on a pty) and plain lines without one.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, BERTH_BIN, cleanEnv, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
let tmp: string;
let reg: ChildProcess | undefined;
const REF = '127.0.0.1:5000/auto/busybox:v1';

before(async () => {
  d = await startDaemon();
  tmp = mkdtempSync('/tmp/breg-run-');
  reg = spawn('nsenter', [`--net=/run/netns/${d.netns}`, BERTH_BIN, 'registry', 'serve', '--root', join(tmp, 'reg'), '--addr', '127.0.0.1:5000'], { stdio: 'ignore', env: cleanEnv() });
  for (let i = 0; i < 200; i++) {
    if (spawnSync('nsenter', [`--net=/run/netns/${d.netns}`, 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/5000']).status === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await d.ok(['image', 'bootstrap', 'busybox'], { timeoutMs: 120_000 });
  await d.ok(['tag', 'busybox', REF]);
  await d.ok(['push', REF], { timeoutMs: 120_000 });
  await d.ok(['rmi', 'busybox']); // only REF names the image: its rmi removes the layers
});

after(async () => {
  try { reg?.kill('SIGKILL'); } catch { /* gone */ }
  await d?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Run the CLI on a pty (util-linux script) inside the daemon's namespace; all it printed. */
function onPty(args: string[]): Promise<{ code: number; out: string }> {
  const cmd = [BERTH_BIN, '-H', `unix://${d.socket}`, ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', [`--net=/run/netns/${d.netns}`, 'script', '-qec', `stty cols 200; ${cmd}`, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: cleanEnv({ TERM: 'xterm' }) });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { out += c; });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`pty run timed out: ${JSON.stringify(out)}`)); }, 120_000);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code: code ?? 1, out }); });
    child.stdin.end();
  });
}

test('run on a terminal: "Unable to find image", then per-layer lines redrawn in place', async () => {
  await d.ok(['rmi', REF]);
  const r = await onPty(['run', '--rm', REF, 'echo', 'ran-after-pull']);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /Unable to find image '127\.0\.0\.1:5000\/auto\/busybox:v1' locally/);
  // a layer's line is drawn with erase-line and redrawn by moving the cursor up to it
  assert.match(r.out, /\x1b\[2K\r[0-9a-f]{12}: Pulling fs layer/);
  assert.match(r.out, /\x1b\[\d+A\x1b\[2K\r[0-9a-f]{12}: Pull complete/);
  assert.match(r.out, /Status: Downloaded newer image for 127\.0\.0\.1:5000\/auto\/busybox:v1/);
  assert.match(r.out, /ran-after-pull/);
});

test('create without a terminal: plain lines, no bars and no cursor movement', async () => {
  await d.ok(['rmi', REF]);
  const r = await d.berth(['create', '--name', 'plain', REF, 'true'], { timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^Unable to find image '127\.0\.0\.1:5000\/auto\/busybox:v1' locally\n/);
  assert.match(r.stderr, /^[0-9a-f]{12}: Pull complete$/m);
  assert.doesNotMatch(r.stderr, /\x1b|\[=*>/);
  assert.match(r.stdout, /^[0-9a-f]{64}\n$/);
});

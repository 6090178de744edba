/** exec -it and run -it with a real terminal: the CLI runs under util-linux `script`, which gives it a pty. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, BERTH_BIN, type TestDaemon } from '../helpers/daemon.js';
import { inPty, type Step } from '../helpers/pty.js';

let d: TestDaemon;
before(async () => {
  d = await startDaemon();
  const r = await d.berth(['run', '-d', '--name', 'box', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done']);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => { await d?.cleanup(); });

/** `berth args` on a pty against the test's daemon. */
const berthInPty = (args: string[], steps: Step[], timeoutMs?: number) => inPty([BERTH_BIN, '-H', `unix://${d.socket}`, ...args], process.env, steps, timeoutMs);

test('exec -it: tty inside is a pts device', async () => {
  const r = await berthInPty(['exec', '-it', 'box', 'tty'], [{ expect: /\/dev\/pts\/\d+/ }]);
  assert.equal(r.code, 0, r.out);
  assert.doesNotMatch(r.out, /not a tty/);
});

test('exec -it: typed input reaches an interactive sh and exit 3 returns 3', async () => {
  const r = await berthInPty(['exec', '-it', 'box', 'sh'], [
    { expect: /\/ # /, send: 'echo typed-$((40+2))\r' },
    { expect: /typed-42/, send: 'exit 3\r' },
  ]);
  assert.equal(r.code, 3, r.out);
});

test('run -it: interactive sh on a terminal, exit code passed through', async () => {
  const r = await berthInPty(['run', '-it', '--rm', 'busybox', 'sh'], [
    { expect: /\/ # /, send: 'tty; test -t 0 && echo stdin-is-a-tty\r' },
    { expect: /\/dev\/pts\/\d+\r*\nstdin-is-a-tty/, send: 'exit 3\r' },
  ]);
  assert.equal(r.code, 3, r.out);
});

test('run -it: ctrl-p ctrl-q detaches and leaves the container running', async () => {
  const r = await berthInPty(['run', '-it', '--name', 'detachme', 'busybox', 'sh'], [
    { expect: /\/ # /, send: 'echo before-detach\r' },
    { expect: /\nbefore-detach\r*\n[\s\S]*\/ # /, send: '\x10\x11' },
  ]);
  assert.equal(r.code, 0, r.out);
  const st = await d.berth(['inspect', '-f', '{{.State.Running}}', 'detachme']);
  assert.equal(st.stdout.trim(), 'true', st.stderr);
  // still interactive after the detach: the same shell answers an exec'd check of its tty
  const ex = await d.berth(['exec', 'detachme', 'sh', '-c', 'ls -l /proc/1/fd/0']);
  assert.match(ex.stdout, /\/dev\/pts\/\d+/);
  assert.equal((await d.berth(['rm', '-f', 'detachme'])).code, 0);
});

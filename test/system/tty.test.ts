/** exec -it and run -it with a real terminal: the CLI runs under util-linux `script`, which gives it a pty. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startDaemon, BERTH_BIN, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => {
  d = await startDaemon();
  const r = await d.berth(['run', '-d', '--name', 'box', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done']);
  assert.equal(r.code, 0, r.stderr);
});
after(async () => { await d?.cleanup(); });

interface Step { expect: RegExp; send?: string }

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Run `berth args` on a pty (script -qec ... /dev/null) and play a dialogue: wait for each
 * expected output, then type its input. Resolves with the exit code and everything the terminal showed.
 */
function inPty(args: string[], steps: Step[], timeoutMs = 30_000): Promise<{ code: number | null; out: string }> {
  const cmd = [BERTH_BIN, '-H', `unix://${d.socket}`, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, TERM: 'xterm' } });
    let out = '';
    let step = 0;
    let seen = 0;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`pty dialogue timed out at step ${step}: ${JSON.stringify(out)}`)); }, timeoutMs);
    const advance = () => {
      while (step < steps.length) {
        const m = steps[step].expect.exec(out.slice(seen));
        if (!m) return;
        seen += m.index + m[0].length;
        // typed a moment later, as a person would: busybox drops keys that arrive with its cursor query's answer
        const send = steps[step].send;
        if (send !== undefined) setTimeout(() => child.stdin.write(send), 300);
        step++;
      }
    };
    child.stdout.on('data', (c: Buffer) => {
      // busybox's line editor asks the terminal where the cursor is (ESC[6n): answer as a terminal would
      if (c.includes('\x1b[6n')) child.stdin.write('\x1b[1;5R');
      out += c.toString();
      advance();
    });
    child.stderr.on('data', (c: Buffer) => { out += c.toString(); advance(); });
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (step < steps.length) reject(new Error(`exited (${code}) before step ${step} (${steps[step].expect}): ${JSON.stringify(out)}`));
      else resolve({ code, out });
    });
  });
}

test('exec -it: tty inside is a pts device', async () => {
  const r = await inPty(['exec', '-it', 'box', 'tty'], [{ expect: /\/dev\/pts\/\d+/ }]);
  assert.equal(r.code, 0, r.out);
  assert.doesNotMatch(r.out, /not a tty/);
});

test('exec -it: typed input reaches an interactive sh and exit 3 returns 3', async () => {
  const r = await inPty(['exec', '-it', 'box', 'sh'], [
    { expect: /\/ # /, send: 'echo typed-$((40+2))\r' },
    { expect: /typed-42/, send: 'exit 3\r' },
  ]);
  assert.equal(r.code, 3, r.out);
});

test('run -it: interactive sh on a terminal, exit code passed through', async () => {
  const r = await inPty(['run', '-it', '--rm', 'busybox', 'sh'], [
    { expect: /\/ # /, send: 'tty; test -t 0 && echo stdin-is-a-tty\r' },
    { expect: /\/dev\/pts\/\d+\r*\nstdin-is-a-tty/, send: 'exit 3\r' },
  ]);
  assert.equal(r.code, 3, r.out);
});

test('run -it: ctrl-p ctrl-q detaches and leaves the container running', async () => {
  const r = await inPty(['run', '-it', '--name', 'detachme', 'busybox', 'sh'], [
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

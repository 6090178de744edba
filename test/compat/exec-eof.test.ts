/**
 * docker exec with stdin at EOF at once: the process's output is all delivered before the stream
 * closes (docker CLI 28 half-closes its side the moment its stdin ends, often before the process ran; stdin
 * that reaches conmon as a short process exits used to reset the attach socket and drop the output).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from 'node:net';
import { DOCKER, daemonForClients, runOk, runProgram } from './helpers.js';

const ROUNDS = 15;

test('docker exec -i / -it with an immediate stdin EOF loses no output', { skip: !existsSync(DOCKER) && 'no docker CLI' }, async (t) => {
  const { d, env } = await daemonForClients(t);
  await d.ok(['pull', 'busybox'], { timeoutMs: 120_000 });
  await runOk(DOCKER, ['run', '-d', '--name', 'ex', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'], { env });
  await runOk(DOCKER, ['run', '-dt', '--name', 'ext', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'], { env });

  const dir = mkdtempSync('/tmp/bt-execeof-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const lost: string[] = [];
  await Promise.all([0, 1, 2].map((k) => round(k)));
  assert.deepEqual(lost, []);
  async function round(k: number) {
  for (let i = k * 100; i < k * 100 + ROUNDS; i++) {
    const r = await runProgram(DOCKER, ['exec', '-i', 'ex', 'echo', `hi-${i}`], { env, input: '' });
    if (r.code !== 0 || r.stdout !== `hi-${i}\n`) lost.push(`-i #${i}: code ${r.code} out ${JSON.stringify(r.stdout)} err ${JSON.stringify(r.stderr)}`);
    const big = await runProgram(DOCKER, ['exec', '-i', 'ex', 'sh', '-c', 'seq 1 2000; echo done >&2'], { env, input: '' });
    if (big.code !== 0 || big.stdout.split('\n').length !== 2001 || big.stderr !== 'done\n') lost.push(`-i seq #${i}: code ${big.code} lines ${big.stdout.split('\n').length} err ${JSON.stringify(big.stderr)}`);
    // -it on a pty whose input is already at EOF: script gives the CLI a terminal, stdin is /dev/null
    // -it on a pty whose input is already at EOF (script gives the CLI a terminal; stdin is /dev/null);
    // the output goes to a file, so what the daemon sent is checked, not script's relay of the pty
    const file = join(dir, `tty-${i}`);
    const tty = await runProgram('sh', ['-c', `script -qec '${DOCKER} exec -it ext echo tty-${i} >${file}' /dev/null </dev/null`], { env });
    const got = existsSync(file) ? readFileSync(file, 'utf8') : '';
    // (script turns its stdin's EOF into a byte the pty echoes as ^@: input, not lost output)
    if (!new RegExp(`tty-${i}\\r?\\n`).test(got)) lost.push(`-it #${i}: code ${tty.code} file ${JSON.stringify(got)} out ${JSON.stringify(tty.stdout)} err ${JSON.stringify(tty.stderr)}`);
  }
  }
});

/** exec start hijacked by hand: stdin is written the moment the 101 arrives; resolves with all that came back. */
function execStartRaw(socket: string, id: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(socket);
    const payload = JSON.stringify({ Detach: false, Tty: true });
    let buf = '';
    let sent = false;
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`exec stream did not end: ${JSON.stringify(buf)}`)); }, 20_000);
    sock.on('data', (c: Buffer) => {
      buf += c.toString('latin1');
      if (!sent && buf.includes('\r\n\r\n')) { sent = true; sock.write(input); }
    });
    sock.on('error', () => undefined);
    sock.on('close', () => { clearTimeout(timer); resolve(buf.slice(buf.indexOf('\r\n\r\n') + 4)); });
    sock.write(`POST /exec/${id}/start HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${payload.length}\r\n\r\n${payload}`);
  });
}

test('a TTY exec that exits at once keeps its output when stdin arrives as it exits', async (t) => {
  const { d } = await daemonForClients(t);
  await d.ok(['pull', 'busybox'], { timeoutMs: 120_000 });
  await d.ok(['run', '-dt', '--name', 'rx', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done']);
  const lost: string[] = [];
  await Promise.all([0, 1, 2].map(async (k) => {
    for (let i = k * 100; i < k * 100 + 20; i++) {
      const ex = await d.api('POST', '/containers/rx/exec', { Cmd: ['echo', `raw-${i}`], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true });
      const out = await execStartRaw(d.socket, ex.body.Id, '\0');
      if (!out.includes(`raw-${i}\r\n`)) lost.push(`${i}: ${JSON.stringify(out)}`);
    }
  }));
  assert.deepEqual(lost, []);
});

test('parseK8sLog joins partial and full lines per stream', async () => {
  const { parseK8sLog } = await import('../../src/container/exec-output-recovery.ts');
  const log = Buffer.from('2026-01-01T00:00:00.000000000Z stdout P par\n2026-01-01T00:00:00.1Z stdout F tial\r\n2026-01-01T00:00:00.2Z stderr F e r r\n');
  const r = parseK8sLog(log);
  assert.equal(r.stdout.toString(), 'partial\r\n');
  assert.equal(r.stderr.toString(), 'e r r\n');
});

/**
 * Detach keys honoured by the server (dockerd does it in the daemon for TTY attaches and execs):
 * the docker CLI on a pty (util-linux `script`), detachKeys from --detach-keys and from config.json,
 * and raw clients on the attach hijack, the attach websocket and exec start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { WebSocket } from 'ws';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER, daemonForClients, eventually, runOk } from './helpers.js';
import { inPty } from '../helpers/pty.js';


test('docker CLI on a pty: ctrl-p ctrl-q, --detach-keys and config.json detachKeys detach; the container keeps running', { skip: !existsSync(DOCKER) && 'no docker CLI' }, async (t) => {
  const { d, env, configDir } = await daemonForClients(t);
  await d.ok(['pull', 'busybox'], { timeoutMs: 120_000 });
  const running = async (name: string) => (await runOk(DOCKER, ['inspect', '-f', '{{.State.Running}}', name], { env })).stdout.trim() === 'true';

  await t.test('run -it, default keys', async () => {
    const r = await inPty([DOCKER, 'run', '-it', '--name', 'dk1', 'busybox', 'sh'], env, [
      { expect: /\/ # /, send: 'echo before\r' },
      { expect: /\nbefore\r*\n[\s\S]*\/ # /, send: '\x10\x11' },
    ]);
    assert.equal(r.code, 0, r.out);
    assert.ok(await running('dk1'), r.out);
  });

  await t.test('attach --detach-keys', async () => {
    const r = await inPty([DOCKER, 'attach', '--detach-keys', 'ctrl-a,x', 'dk1'], env, [
      { expect: /$/, send: '\r' },
      { expect: /\/ # /, send: 'echo attached\r' },
      { expect: /\nattached\r*\n[\s\S]*\/ # /, send: '\x01x' },
    ]);
    assert.match(r.out, /read escape sequence/);
    assert.ok(await running('dk1'), r.out);
  });

  await t.test('exec -it with detachKeys from config.json', async () => {
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ detachKeys: 'ctrl-e,e' }));
    const r = await inPty([DOCKER, 'exec', '-it', 'dk1', 'sh'], env, [
      { expect: /\/ # /, send: 'echo in-exec\r' },
      { expect: /\nin-exec\r*\n[\s\S]*\/ # /, send: '\x05e' },
    ]);
    assert.match(r.out, /read escape sequence/, 'as with dockerd');
    assert.ok(await running('dk1'), r.out);
  });
});

/** A raw hijacked attach/exec stream: collects output, resolves `closed` when the server ends it. */
function hijackRaw(socket: string, method: string, path: string, body?: unknown): Promise<{ sock: Socket; out: () => string; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const sock = connect(socket);
    const payload = body === undefined ? '' : JSON.stringify(body);
    let buf = '';
    let headersDone = false;
    const closed = new Promise<void>((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`stream did not end: ${JSON.stringify(buf)}`)), 20_000);
      sock.on('end', () => { clearTimeout(timer); res(); });
      sock.on('close', () => { clearTimeout(timer); res(); });
    });
    closed.catch(() => undefined);
    sock.on('error', reject);
    sock.on('data', (c: Buffer) => {
      buf += c.toString('latin1');
      if (!headersDone && buf.includes('\r\n\r\n')) {
        headersDone = true;
        if (!/^HTTP\/1\.1 101/.test(buf)) { reject(new Error(`no upgrade: ${buf}`)); sock.destroy(); return; }
        buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
        resolve({ sock, out: () => buf, closed });
      }
    });
    sock.write(`${method} ${path} HTTP/1.1\r\nHost: berth\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`);
  });
}

test('the server honours detach keys: attach hijack and websocket (detachKeys), exec start (DetachKeys); stdin stays open', async (t) => {
  const { d } = await daemonForClients(t);
  await d.ok(['pull', 'busybox'], { timeoutMs: 120_000 });
  const since = Math.floor(Date.now() / 1000) - 1;
  await d.ok(['run', '-dit', '--name', 'tt', 'busybox', 'sh']);
  const running = async () => (await d.api('GET', '/containers/tt/json')).body.State.Running === true;

  // hijacked attach with custom keys
  const a = await hijackRaw(d.socket, 'POST', '/containers/tt/attach?stream=1&stdin=1&stdout=1&stderr=1&detachKeys=ctrl-a,x');
  a.sock.write('echo raw-one\r');
  await eventually(() => /raw-one\r?\n/.test(a.out()), 10_000, 'attach output');
  a.sock.write('\x01x');
  await a.closed;
  assert.ok(await running(), 'the container keeps running');

  // websocket attach, default keys; the shell still reads its stdin after the first detach
  const ws = new WebSocket(`ws+unix://${d.socket}:/containers/tt/attach/ws?stdin=1&stdout=1&stderr=1&stream=1`);
  let wsOut = '';
  ws.on('message', (m: Buffer) => { wsOut += m.toString(); });
  const wsClosed = new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`ws did not close: ${JSON.stringify(wsOut)}`)), 20_000);
    ws.on('close', () => { clearTimeout(timer); res(); });
  });
  await new Promise<void>((res, rej) => { ws.once('open', () => res()); ws.once('error', rej); });
  ws.send(Buffer.from('echo ws-two\r'));
  await eventually(() => /ws-two\r?\n/.test(wsOut), 10_000, 'ws output');
  ws.send(Buffer.from('\x10\x11'));
  await wsClosed;
  assert.ok(await running());

  // exec start on a TTY with the exec's DetachKeys: the exec's shell keeps running
  const ex = await d.api('POST', '/containers/tt/exec', { Cmd: ['sh'], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true, DetachKeys: 'ctrl-e,e' });
  assert.equal(ex.status, 201);
  const e = await hijackRaw(d.socket, 'POST', `/exec/${ex.body.Id}/start`, { Detach: false, Tty: true });
  e.sock.write('echo in-exec-$((1+2))\r');
  await eventually(() => /in-exec-3\r?\n/.test(e.out()), 10_000, 'exec output');
  e.sock.write('\x05e');
  await e.closed;
  assert.equal((await d.api('GET', `/exec/${ex.body.Id}/json`)).body.Running, true, 'the exec keeps running');

  // a re-attach still types into the same shell: nothing closed its stdin
  const b = await hijackRaw(d.socket, 'POST', '/containers/tt/attach?stream=1&stdin=1&stdout=1&stderr=1');
  b.sock.write('echo three-$((1+2))\r');
  await eventually(() => /three-3\r?\n/.test(b.out()), 10_000, 're-attach output');
  b.sock.destroy();

  const bad = await d.api('POST', '/containers/tt/attach?stream=1&stdin=1&detachKeys=ctrl-foo');
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /Invalid detach keys \(ctrl-foo\) provided/);
  const badExec = await d.api('POST', '/containers/tt/exec', { Cmd: ['true'], DetachKeys: 'ctrl-foo' });
  assert.equal(badExec.status, 400, 'refused at exec create, as dockerd');
  assert.match(badExec.body.message, /Invalid detach keys \(ctrl-foo\) provided/);

  const ev = await d.api('GET', `/events?since=${since}&until=${Math.floor(Date.now() / 1000) + 1}&filters=${encodeURIComponent(JSON.stringify({ container: ['tt'] }))}`);
  const actions = String(ev.body).trim().split('\n').map((l) => JSON.parse(l).Action);
  assert.equal(actions.filter((x) => x === 'detach').length, 2, actions.join());
  assert.equal(actions.filter((x) => x === 'exec_detach').length, 1, actions.join());
});

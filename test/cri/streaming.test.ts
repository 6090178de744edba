/**
 * The CRI streaming calls, modelled on cri-tools' critest cases (validate/streaming.go and
 * container.go's execSync): ExecSync, Exec with tty=false/true, Attach and PortForward through the
 * streaming server, with a real WebSocket client speaking the kubelet's channel protocols against real
 * busybox containers.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { credentials, status } from '@grpc/grpc-js';
import { loadCriServices } from '../../src/cri/proto-load.js';
import { EXEC_SYNC_OUTPUT_LIMIT } from '../../src/cri/streaming-service.js';
import { StreamingServer } from '../../src/cri/streaming/server.js';
import { criTestEnv, frame, IDLE, runContainer, runPod, stream, until, type CriTestEnv, type Pod } from './stream-helpers.js';

let env: CriTestEnv;
let pod: Pod;
let ctr = '';

before(async () => {
  env = await criTestEnv();
  pod = await runPod(env);
  ctr = await runContainer(env, pod, 'idle', IDLE);
});

after(async () => { await env?.close(); });

/** A unary RuntimeService call by name. */
const call = (method: string, req: object): Promise<any> => env.rt[method]!(req);

test('runtime should support execSync [Conformance]', async () => {
  const r = await call('ExecSync', { container_id: ctr, cmd: ['sh', '-c', 'echo hello; echo oops >&2; exit 3'], timeout: 10 });
  assert.equal(Buffer.from(r.stdout).toString(), 'hello\n');
  assert.equal(Buffer.from(r.stderr).toString(), 'oops\n');
  assert.equal(r.exit_code, 3);
  const ok = await call('ExecSync', { container_id: ctr, cmd: ['echo', 'fine'] });
  assert.equal(Buffer.from(ok.stdout).toString(), 'fine\n');
  assert.equal(ok.exit_code, 0);
});

test('runtime should support execSync with timeout [Conformance]: the command is killed, DeadlineExceeded', async () => {
  const t0 = Date.now();
  await assert.rejects(call('ExecSync', { container_id: ctr, cmd: ['sleep', '30'], timeout: 1 }), (e: any) => {
    assert.equal(e.code, status.DEADLINE_EXCEEDED);
    assert.match(e.details, /timeout 1s exceeded/);
    return true;
  });
  assert.ok(Date.now() - t0 < 10_000, `answered after ${Date.now() - t0} ms`);
  // the sleep is gone from the container
  const ps = await call('ExecSync', { container_id: ctr, cmd: ['ps'] });
  assert.doesNotMatch(Buffer.from(ps.stdout).toString(), /sleep 30/);
});

test('ExecSync output is capped to fit the kubelet\'s 16 MiB message', async () => {
  const { RuntimeService } = loadCriServices();
  const raw = new RuntimeService(`unix://${env.cri.socket}`, credentials.createInsecure(), { 'grpc.max_receive_message_length': 16 << 20 }) as any;
  try {
    const r: any = await new Promise((resolve, reject) => raw.ExecSync({ container_id: ctr, cmd: ['head', '-c', String(20 << 20), '/dev/zero'], timeout: '60' },
      { deadline: Date.now() + 60_000 }, (e: Error | null, res: unknown) => (e ? reject(e) : resolve(res))));
    assert.equal(r.exit_code, 0);
    assert.equal(Buffer.from(r.stdout).length, EXEC_SYNC_OUTPUT_LIMIT);
  } finally { raw.close(); }
});

test('ExecSync on a missing container is NotFound, without cmd InvalidArgument; berth\'s own containers are out of reach', async () => {
  await assert.rejects(call('ExecSync', { container_id: 'f'.repeat(64), cmd: ['true'] }), { code: status.NOT_FOUND });
  const { Id } = await env.engine.create({ Image: 'busybox', Cmd: ['sleep', '60'], HostConfig: { NetworkMode: 'none' } });
  await env.engine.start(Id);
  await assert.rejects(call('ExecSync', { container_id: Id, cmd: ['true'] }), { code: status.NOT_FOUND });
  await assert.rejects(call('PortForward', { pod_sandbox_id: Id, port: [80] }), { code: status.NOT_FOUND });
  await env.engine.rm(Id, { force: true });
  await assert.rejects(call('ExecSync', { container_id: ctr, cmd: [] }), { code: status.INVALID_ARGUMENT });
  await assert.rejects(call('Exec', { container_id: ctr, cmd: ['true'], tty: true, stderr: true, stdout: true }), { code: status.INVALID_ARGUMENT });
});

test('runtime should support exec with tty=false [Conformance] (v4.channel.k8s.io)', async () => {
  const { url } = await call('Exec', { container_id: ctr, cmd: ['sh', '-c', 'echo out; echo err >&2'], stdout: true, stderr: true });
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/exec\/[A-Za-z0-9_-]{8}$/);
  const r = await stream(url, ['v4.channel.k8s.io']);
  assert.equal(r.protocol, 'v4.channel.k8s.io');
  assert.equal(r.text(1), 'out\n');
  assert.equal(r.text(2), 'err\n');
  assert.deepEqual(JSON.parse(r.text(3)), { metadata: {}, status: 'Success' });
  // the first message is the empty "ready" frame on stdout
  assert.deepEqual(r.frames[0], [1, Buffer.alloc(0)]);
  // the token was single-use
  await assert.rejects(stream(url, ['v4.channel.k8s.io']), { status: 404 });
});

test('exec: a non-zero exit is a Failure Status with reason NonZeroExitCode and the code as its cause', async () => {
  const { url } = await call('Exec', { container_id: ctr, cmd: ['sh', '-c', 'exit 7'], stdout: true });
  const st = JSON.parse((await stream(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io'])).text(3));
  assert.equal(st.status, 'Failure');
  assert.equal(st.reason, 'NonZeroExitCode');
  assert.deepEqual(st.details.causes, [{ reason: 'ExitCode', message: '7' }]);
});

test('exec with stdin over v5.channel.k8s.io: data on channel 0, CLOSE (255) ends stdin', async () => {
  const { url } = await call('Exec', { container_id: ctr, cmd: ['sh', '-c', 'cat; echo done'], stdin: true, stdout: true });
  const r = await stream(url, ['v5.channel.k8s.io', 'v4.channel.k8s.io'], (ws, frames) => {
    void (async () => {
      await until(() => frames.length > 0, 10_000, 'ready frame');
      ws.send(frame(0, 'line one\n'));
      ws.send(frame(0, 'line two\n'));
      ws.send(Buffer.of(255, 0));
    })();
  });
  assert.equal(r.protocol, 'v5.channel.k8s.io');
  assert.equal(r.text(1), 'line one\nline two\ndone\n');
  assert.equal(JSON.parse(r.text(3)).status, 'Success');
});

test('exec with base64.channel.k8s.io: text frames, the channel as an ASCII digit', async () => {
  const { url } = await call('Exec', { container_id: ctr, cmd: ['echo', 'b64'], stdout: true });
  const r = await stream(url, ['v4.base64.channel.k8s.io']);
  const texts = r.frames.map(([c, d]) => String.fromCharCode(c) + d.toString());
  const out = texts.filter((t) => t.startsWith('1')).map((t) => Buffer.from(t.slice(1), 'base64').toString()).join('');
  assert.equal(out, 'b64\n');
});

test('exec: a client that goes away mid-command kills the command (as containerd, with the request context)', async () => {
  const { url } = await call('Exec', { container_id: ctr, cmd: ['sh', '-c', 'echo started; exec sleep 777'], stdout: true });
  await stream(url, ['v4.channel.k8s.io'], (ws, frames) => {
    void (async () => {
      await until(() => frames.some(([c, d]) => c === 1 && d.toString().includes('started')), 10_000, 'started');
      ws.close();
    })();
  });
  let left = true;
  for (let i = 0; i < 50 && left; i++) {
    const ps = await call('ExecSync', { container_id: ctr, cmd: ['ps'] });
    left = /sleep 777/.test(Buffer.from(ps.stdout).toString());
    if (left) await new Promise((res) => setTimeout(res, 100));
  }
  assert.equal(left, false, 'the exec was killed');
});

test('an idle stream is closed after the idle timeout (the kubelet\'s StreamIdleTimeout) and its exec killed', async () => {
  const server = await StreamingServer.start(env.engine, { idleTimeoutMs: 500 });
  try {
    const url = server.urlFor({ kind: 'exec', containerId: ctr, cmd: ['sleep', '666'], tty: false, stdin: false, stdout: true, stderr: false });
    const t0 = Date.now();
    const r = await stream(url, ['v4.channel.k8s.io']);
    assert.ok(Date.now() - t0 < 5_000, `closed after ${Date.now() - t0} ms`);
    assert.equal(r.closeCode, 1006, 'terminated, not a normal close');
    let left = true;
    for (let i = 0; i < 50 && left; i++) {
      left = /sleep 666/.test(Buffer.from((await call('ExecSync', { container_id: ctr, cmd: ['ps'] })).stdout).toString());
      if (left) await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(left, false, 'the idle exec was killed');
  } finally { await server.close(); }
});

test('runtime should support exec with tty=true [Conformance]: one output stream, resize applies', async () => {
  const { url } = await call('Exec', { container_id: ctr, cmd: ['sh', '-c', 'read x; stty size; echo tty:$x'], stdin: true, stdout: true, tty: true });
  const r = await stream(url, ['v4.channel.k8s.io'], (ws, frames) => {
    void (async () => {
      await until(() => frames.length > 0, 10_000, 'ready frame');
      ws.send(frame(4, JSON.stringify({ Width: 100, Height: 33 })));
      await new Promise((res) => setTimeout(res, 200));
      ws.send(frame(0, 'yes\r'));
    })();
  });
  const out = r.text(1);
  assert.match(out, /33 100\r\n/);
  assert.match(out, /tty:yes\r\n/);
  assert.equal(r.text(2), '');
});

test('runtime should support attach [Conformance]', async () => {
  const id = await runContainer(env, pod, 'reader', ['sh', '-c', 'while read line; do echo got:$line; done; echo bye'], { stdin: true, stdin_once: true });
  const { url } = await call('Attach', { container_id: id, stdin: true, stdout: true, stderr: true });
  assert.match(url, /\/attach\//);
  const r = await stream(url, ['v5.channel.k8s.io'], (ws, frames) => {
    void (async () => {
      await until(() => frames.length > 0, 10_000, 'ready frame');
      ws.send(frame(0, 'hello\n'));
      await until(() => frames.some(([c, d]) => c === 1 && d.toString().includes('got:hello')), 10_000, 'echo');
      ws.send(Buffer.of(255, 0));
    })();
  });
  assert.equal(r.text(1), 'got:hello\nbye\n');
  assert.equal(JSON.parse(r.text(3)).status, 'Success');
});

test('attach to a tty container: one output stream, resize reaches the container\'s terminal', async () => {
  const id = await runContainer(env, pod, 'tty', ['sh', '-c', 'read x; stty size; echo tty:$x; sleep 2'], { stdin: true, stdin_once: true, tty: true });
  const { url } = await call('Attach', { container_id: id, stdin: true, stdout: true, tty: true });
  const r = await stream(url, ['v5.channel.k8s.io'], (ws, frames) => {
    void (async () => {
      await until(() => frames.length > 0, 10_000, 'ready frame');
      ws.send(frame(4, JSON.stringify({ Width: 120, Height: 40 })));
      await new Promise((res) => setTimeout(res, 300));
      ws.send(frame(0, 'go\r'));
    })();
  });
  assert.match(r.text(1), /40 120\r\n/);
  assert.match(r.text(1), /tty:go\r\n/);
});

test('runtime should support portforward [Conformance]: a server on the pod\'s loopback', async () => {
  const web = await runContainer(env, pod, 'web', ['sh', '-c', 'mkdir -p /www && echo forwarded > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www']);
  let ready = false;
  for (let i = 0; i < 50 && !ready; i++) {
    const r = await call('ExecSync', { container_id: web, cmd: ['sh', '-c', 'netstat -ltn | grep -q :8080'] });
    ready = r.exit_code === 0;
    if (!ready) await new Promise((res) => setTimeout(res, 100));
  }
  assert.ok(ready, 'httpd listens on 127.0.0.1:8080 in the pod');
  const { url } = await call('PortForward', { pod_sandbox_id: pod.id, port: [8080] });
  assert.match(url, /\/portforward\//);
  const r = await stream(url, ['v4.channel.k8s.io'], (ws, frames) => {
    void (async () => {
      await until(() => frames.length >= 2, 10_000, 'port frames');
      ws.send(frame(0, 'GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n'));
    })();
  });
  assert.equal(r.protocol, 'v4.channel.k8s.io');
  // the first message of each channel is the port, little-endian
  const firsts = new Map<number, Buffer>();
  for (const [c, d] of r.frames) if (!firsts.has(c)) firsts.set(c, d);
  assert.deepEqual(firsts.get(0), Buffer.from([8080 & 0xff, 8080 >> 8]));
  assert.deepEqual(firsts.get(1), Buffer.from([8080 & 0xff, 8080 >> 8]));
  const data = Buffer.concat(r.frames.filter(([c]) => c === 0).map(([, d]) => d)).subarray(2).toString();
  assert.match(data, /^HTTP\/1\.[01] 200/);
  assert.match(data, /forwarded\n$/);
  assert.equal(Buffer.concat(r.frames.filter(([c]) => c === 1).map(([, d]) => d)).subarray(2).toString(), '');
});

test('portforward of two ports on one socket: channels 0/1 and 2/3; a port nobody listens on says so on its error channel', async () => {
  const { url } = await call('PortForward', { pod_sandbox_id: pod.id, port: [8080, 9] });
  const r = await stream(url, ['v4.channel.k8s.io'], (ws, frames) => {
    void (async () => {
      await until(() => frames.length >= 4, 10_000, 'port frames');
      ws.send(frame(0, 'GET /index.html HTTP/1.0\r\n\r\n'));
    })();
  });
  const text = (ch: number) => Buffer.concat(r.frames.filter(([c]) => c === ch).map(([, d]) => d));
  assert.deepEqual(text(2).subarray(0, 2), Buffer.from([9, 0]));
  assert.match(text(0).subarray(2).toString(), /forwarded\n$/);
  assert.match(text(3).subarray(2).toString(), /error forwarding port 9 to pod .*ECONNREFUSED/);
  assert.equal(text(2).length, 2, 'nothing on the refused port\'s data channel but its port');
});

test('the streaming server refuses SPDY and unknown tokens with the reason', async () => {
  const { url } = await call('Exec', { container_id: ctr, cmd: ['true'], stdout: true });
  const res = await fetch(url, { method: 'POST', headers: { 'X-Stream-Protocol-Version': 'v4.channel.k8s.io' } });
  assert.equal(res.status, 400);
  assert.match(await res.text(), /SPDY is not supported/);
  const gone = await fetch(url.replace(/\/exec\/.*/, '/exec/AAAAAAAA'));
  assert.equal(gone.status, 404);
});

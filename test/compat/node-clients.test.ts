/**
 * dockerode and testcontainers (npm) against `berth serve`: demultiplexed attach and exec
 * streams, and testcontainers' GenericContainer with its wait strategies on busybox.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, type Duplex } from 'node:stream';
import Docker from 'dockerode';
import { daemonForClients } from './helpers.js';

function collect(s: PassThrough): () => string {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString();
}

function ended(s: NodeJS.ReadableStream, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    s.once('end', () => { clearTimeout(timer); resolve(); });
    s.once('close', () => { clearTimeout(timer); resolve(); });
    s.once('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

test('dockerode: create, demuxed attach with stdin, demuxed exec, logs, wait, inspect, remove', async (t) => {
  const { d } = await daemonForClients(t);
  const docker = new Docker({ socketPath: d.socket });
  assert.equal((await docker.version()).ApiVersion, '1.55');
  assert.equal(String(await docker.ping()), 'OK');
  await new Promise<void>((resolve, reject) => {
    docker.pull('busybox:latest', (err: Error | null, stream: NodeJS.ReadableStream) => {
      if (err) { reject(err); return; }
      docker.modem.followProgress(stream, (e) => (e ? reject(e) : resolve()));
    });
  });

  // attach before start, stdin half-closed: the container sees EOF and its output arrives demultiplexed
  const c = await docker.createContainer({ Image: 'busybox', Cmd: ['sh', '-c', 'cat; echo to-err >&2'], OpenStdin: true, StdinOnce: true, AttachStdin: true, AttachStdout: true, AttachStderr: true, HostConfig: { NetworkMode: 'none' } });
  const stream = await c.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }) as unknown as Duplex;
  const out = new PassThrough();
  const err = new PassThrough();
  const outText = collect(out);
  const errText = collect(err);
  docker.modem.demuxStream(stream, out, err);
  await c.start();
  stream.end('from stdin\n');
  await ended(stream, 30_000, 'attach stream');
  assert.equal(outText(), 'from stdin\n');
  assert.equal(errText(), 'to-err\n');
  assert.equal((await c.wait()).StatusCode, 0);

  const logs = await c.logs({ stdout: true, stderr: true, follow: false }) as unknown as Buffer;
  assert.ok(Buffer.isBuffer(logs));
  assert.match(logs.toString('latin1'), /from stdin/);

  // exec with stdin through a hijacked, demultiplexed stream
  const svc = await docker.createContainer({ Image: 'busybox', Cmd: ['sleep', '300'], name: 'svc', HostConfig: { NetworkMode: 'none' } });
  await svc.start();
  const exec = await svc.exec({ Cmd: ['sh', '-c', 'read x; echo got $x; echo oops >&2; exit 9'], AttachStdin: true, AttachStdout: true, AttachStderr: true });
  const es = await exec.start({ hijack: true, stdin: true }) as Duplex;
  const eo = new PassThrough();
  const ee = new PassThrough();
  const eoText = collect(eo);
  const eeText = collect(ee);
  docker.modem.demuxStream(es, eo, ee);
  es.write('hello\n');
  await ended(es, 30_000, 'exec stream');
  assert.equal(eoText(), 'got hello\n');
  assert.equal(eeText(), 'oops\n');
  const ei = await exec.inspect();
  assert.equal(ei.ExitCode, 9);
  assert.equal(ei.Running, false);

  // tty exec: raw stream, resize accepted
  const texec = await svc.exec({ Cmd: ['sh', '-c', 'sleep 0.3; stty size'], Tty: true, AttachStdout: true, AttachStderr: true });
  const ts = await texec.start({ hijack: true, stdin: false, Tty: true }) as Duplex;
  await texec.resize({ h: 33, w: 101 });
  const chunks: Buffer[] = [];
  ts.on('data', (b: Buffer) => chunks.push(b));
  await ended(ts, 30_000, 'tty exec stream');
  assert.equal(Buffer.concat(chunks).toString().trim(), '33 101');

  const info = await svc.inspect();
  assert.equal(info.State.Running, true);
  assert.deepEqual((await docker.listContainers({ filters: { name: ['svc'] } })).map((x) => x.Names[0]), ['/svc']);
  await svc.remove({ force: true });
  await c.remove();
  assert.deepEqual(await docker.listContainers({ all: true }), []);
});

test('testcontainers: GenericContainer with log-message, shell-command and one-shot wait strategies', async (t) => {
  const { d } = await daemonForClients(t);
  // testcontainers reads its configuration from the environment when it first connects
  const saved = { ...process.env };
  t.after(() => { for (const k of ['DOCKER_HOST', 'TESTCONTAINERS_RYUK_DISABLED', 'TESTCONTAINERS_HOST_OVERRIDE']) { if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k]; } });
  process.env.DOCKER_HOST = `unix://${d.socket}`;
  process.env.TESTCONTAINERS_RYUK_DISABLED = 'true';
  const { GenericContainer, Wait } = await import('testcontainers');

  const logged = await new GenericContainer('busybox:latest')
    .withNetworkMode('none')
    .withCommand(['sh', '-c', 'echo booting; sleep 0.2; echo "server ready"; exec sleep 300'])
    .withWaitStrategy(Wait.forLogMessage('server ready'))
    .withStartupTimeout(60_000)
    .start();
  try {
    const r = await logged.exec(['sh', '-c', 'echo via-exec; exit 2']);
    assert.equal(r.exitCode, 2);
    assert.equal(r.output, 'via-exec\n');
  } finally { await logged.stop({ timeout: 1 }); }

  const shell = await new GenericContainer('busybox:latest')
    .withNetworkMode('none')
    .withCommand(['sh', '-c', 'sleep 0.3; touch /tmp/ready; exec sleep 300'])
    .withWaitStrategy(Wait.forSuccessfulCommand('test -f /tmp/ready'))
    .withStartupTimeout(60_000)
    .start();
  await shell.stop({ timeout: 1 });

  const oneShot = await new GenericContainer('busybox:latest')
    .withNetworkMode('none')
    .withCommand(['sh', '-c', 'echo done'])
    .withWaitStrategy(Wait.forOneShotStartup())
    .withStartupTimeout(60_000)
    .start();
  await oneShot.stop();
  const left = (await d.api('GET', '/containers/json?all=1')).body;
  assert.deepEqual(left, [], 'testcontainers removed its containers');
});

/**
 * The streaming calls through a real `berth serve --cri` (the built CLI bundle, its own network
 * namespace): ExecSync, a streaming exec whose URL points at the daemon's streaming server on its
 * loopback (reached by a WebSocket client run inside the daemon's namespace), and the stats of a pod.
 * Mirrors critest's "runtime should support execSync" and "runtime should support exec with tty=false".
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { criClients, podConfig, writeTestCniConfig, type CriClient } from '../helpers/cri-client.js';
import { inNetns } from '../registry/peers.js';
import { credentials } from '@grpc/grpc-js';
import { loadCriServices } from '../../src/cri/proto-load.js';

const CLIENT = fileURLToPath(new URL('./fixtures/ws-channel-client.mjs', import.meta.url));
let d: TestDaemon;
let rt: CriClient;
let close: () => void;
let cni: ReturnType<typeof writeTestCniConfig>;
let base = '';
let ctr = '';
let pod = '';

before(async () => {
  cni = writeTestCniConfig({ subnet: '10.90.0.0/16', bridge: 'cni-berth8' });
  base = mkdtempSync('/tmp/bt-');
  d = await startDaemon({ base, extraArgs: ['--cri', join(base, 'cri.sock'), '--cni-conf-dir', cni.confDir] });
  ({ runtime: rt, close } = criClients(join(base, 'cri.sock')));
  await d.api('POST', '/berth/images/bootstrap?name=busybox');
  const config = podConfig({ log_directory: join(base, 'logs') });
  pod = (await rt.RunPodSandbox({ config })).pod_sandbox_id;
  ({ container_id: ctr } = await rt.CreateContainer({
    pod_sandbox_id: pod, sandbox_config: config,
    config: { metadata: { name: 'app', attempt: 0 }, image: { image: 'docker.io/library/busybox:latest' }, command: ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'], log_path: 'app.log' },
  }));
  await rt.StartContainer({ container_id: ctr });
});

after(async () => {
  if (pod) { await rt.StopPodSandbox({ pod_sandbox_id: pod }).catch(() => undefined); await rt.RemovePodSandbox({ pod_sandbox_id: pod }).catch(() => undefined); }
  close?.();
  await d?.cleanup();
  rmSync(cni.base, { recursive: true, force: true });
});

test('berth serve --cri: runtime should support execSync [Conformance]', async () => {
  const r = await rt.ExecSync({ container_id: ctr, cmd: ['sh', '-c', 'echo hi; exit 4'], timeout: '10' });
  assert.equal(Buffer.from(r.stdout).toString(), 'hi\n');
  assert.equal(r.exit_code, 4);
});

test('berth serve --cri: runtime should support exec with tty=false [Conformance], through the daemon\'s streaming server', async () => {
  const { url } = await rt.Exec({ container_id: ctr, cmd: ['sh', '-c', 'cat; echo end'], stdin: true, stdout: true });
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/exec\/[A-Za-z0-9_-]{8}$/);
  const r = inNetns(d.netns, process.execPath, [CLIENT, url, 'v5.channel.k8s.io', 'typed\n']);
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout);
  assert.equal(got.protocol, 'v5.channel.k8s.io');
  assert.equal(got.channels[1], 'typed\nend\n');
  assert.deepEqual(JSON.parse(got.channels[3]), { metadata: {}, status: 'Success' });
});

test('berth serve --cri: ContainerStats and PodSandboxStats of a CNI pod (its eth0 counted)', async () => {
  const { stats } = await rt.ContainerStats({ container_id: ctr });
  assert.equal(stats.attributes.id, ctr);
  assert.ok(Number(stats.memory.working_set_bytes.value) > 0);
  const p = (await rt.PodSandboxStats({ pod_sandbox_id: pod })).stats;
  assert.equal(p.linux.network.default_interface.name, 'eth0');
  assert.deepEqual(p.linux.containers.map((c: any) => c.attributes.id), [ctr]);
});

test('berth serve --cri: a daemon stop ends GetContainerEvents streams cleanly (no forced shutdown)', async () => {
  const { RuntimeService } = loadCriServices();
  const raw = new RuntimeService(`unix://${join(base, 'cri.sock')}`, credentials.createInsecure()) as any;
  try {
    const c = raw.GetContainerEvents({});
    const ended = new Promise<string>((resolve) => {
      c.on('end', () => resolve('end'));
      c.on('error', (e: any) => resolve(`error ${e.code}`));
    });
    c.on('data', () => undefined);
    await new Promise((res) => setTimeout(res, 300));
    const t0 = Date.now();
    await d.restart();
    assert.equal(await ended, 'end');
    assert.ok(Date.now() - t0 < 30_000);
    // the restarted daemon serves the CRI again
    assert.equal((await rt.ContainerStatus({ container_id: ctr })).status.id, ctr);
  } finally { raw.close(); }
});

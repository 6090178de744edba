/**
 * The CRI RuntimeService against a real daemon (`berth serve --cri`), modelled on cri-tools' critest
 * validation cases (test names carry the critest case they mirror). Pods attach to a CNI bridge network
 * whose config and IPAM state live in a temp dir, all inside the test daemon's network namespace.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountsUnder, startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { criClients, grpcError, grpcStatus, podConfig, writeTestCniConfig, type CriClient } from '../helpers/cri-client.js';
import { inNetns } from '../registry/peers.js';

let d: TestDaemon;
let rt: CriClient;
let img: CriClient;
let close: () => void;
let cni: ReturnType<typeof writeTestCniConfig>;
const BUSYBOX = 'docker.io/library/busybox:latest';

before(async () => {
  cni = writeTestCniConfig();
  const base = mkdtempSync('/tmp/bt-');
  d = await startDaemon({ base, extraArgs: ['--cri', join(base, 'cri.sock'), '--cni-conf-dir', cni.confDir] });
  ({ runtime: rt, image: img, close } = criClients(join(base, 'cri.sock')));
  await d.api('POST', '/berth/images/bootstrap?name=busybox');
});

after(async () => {
  close?.();
  await d?.cleanup();
  rmSync(cni.base, { recursive: true, force: true });
});

function containerConfig(name: string, over: Record<string, any> = {}): any {
  return { metadata: { name, attempt: 0 }, image: { image: BUSYBOX }, command: ['sh', '-c', 'trap "exit 0" TERM; sleep 300 & wait'], log_path: `${name}.log`, linux: {}, ...over };
}

async function runPod(over: Record<string, any> = {}): Promise<{ id: string; config: any }> {
  const config = podConfig(over);
  const r = await rt.RunPodSandbox({ config });
  return { id: r.pod_sandbox_id, config };
}

async function runContainer(pod: { id: string; config: any }, cfg: any): Promise<string> {
  const { container_id } = await rt.CreateContainer({ pod_sandbox_id: pod.id, config: cfg, sandbox_config: pod.config });
  await rt.StartContainer({ container_id });
  return container_id;
}

async function waitExited(id: string): Promise<any> {
  let st: any;
  await waitFor(async () => { st = (await rt.ContainerStatus({ container_id: id })).status; return st.state === 'CONTAINER_EXITED'; }, 20_000, `container ${id} to exit`);
  return st;
}

/** The pods' pinned network namespaces: files, and the bind mounts on them. */
function pins(): { files: string[]; mounts: string[] } {
  const dir = join(d.runRoot, 'cri', 'netns');
  return { files: existsSync(dir) ? readdirSync(dir).map((f) => join(dir, f)) : [], mounts: mountsUnder(dir + '/') };
}

async function removePod(id: string): Promise<void> {
  await rt.StopPodSandbox({ pod_sandbox_id: id });
  await rt.RemovePodSandbox({ pod_sandbox_id: id });
}

describe('runtime info', () => {
  test('runtime should support Version [Conformance]', async () => {
    const v = await rt.Version({ version: 'v1' });
    assert.equal(v.runtime_name, 'berth');
    assert.equal(v.runtime_api_version, 'v1');
    assert.ok(v.runtime_version);
  });

  test('runtime should support Status with RuntimeReady and NetworkReady [Conformance]', async () => {
    const s = await rt.Status({});
    const cond = Object.fromEntries(s.status.conditions.map((c: any) => [c.type, c.status]));
    assert.deepEqual(cond, { RuntimeReady: true, NetworkReady: true });
  });

  test('runtime should report the cgroup driver (RuntimeConfig)', async () => {
    const c = await rt.RuntimeConfig({});
    assert.equal(c.linux.cgroup_driver, 'CGROUPFS');
  });

  test('the Engine API keeps working beside the CRI', async () => {
    assert.equal((await d.api('GET', '/_ping')).status, 200);
  });

  test('streaming methods not provided answer UNIMPLEMENTED with a message', async () => {
    const e = await grpcError(rt.CheckpointContainer({ container_id: 'x' }));
    assert.equal(e.code, grpcStatus.UNIMPLEMENTED);
    assert.match(e.details, /CheckpointContainer is not implemented/);
  });
});

describe('pod sandbox', () => {
  test('runtime should support RunPodSandbox, PodSandboxStatus with IP, ListPodSandbox, Stop and Remove [Conformance]', async () => {
    const pod = await runPod();
    const st = (await rt.PodSandboxStatus({ pod_sandbox_id: pod.id })).status;
    assert.equal(st.state, 'SANDBOX_READY');
    assert.equal(st.metadata.name, pod.config.metadata.name);
    assert.match(st.network.ip, /^10\.88\.\d+\.\d+$/);
    assert.deepEqual(st.labels, { app: 'test' });
    // the IP is on the pod's eth0, and the bridge (in the daemon's namespace) reaches it
    const pid = JSON.parse((await rt.PodSandboxStatus({ pod_sandbox_id: pod.id, verbose: true })).info.info).pid;
    const addr = inNetns(d.netns, 'nsenter', [`--net=/proc/${pid}/ns/net`, 'ip', '-4', '-o', 'addr', 'show', 'eth0']);
    assert.match(addr.stdout, new RegExp(`inet ${st.network.ip.replace(/\./g, '\\.')}/16`), addr.stderr);
    const arp = inNetns(d.netns, 'ip', ['neigh', 'show', 'dev', 'cni-berth0']);
    assert.equal(arp.status, 0, arp.stderr);
    // the pause process joined the namespace pinned under the run root (the one CNI ADD configured)
    const pinned = pins().files.filter((f) => statSync(f).ino === statSync(`/proc/${pid}/ns/net`).ino);
    assert.equal(pinned.length, 1, `pins: ${pins().files.join(', ')}`);
    assert.ok(pins().mounts.includes(pinned[0]), 'the pinned namespace is not mounted');
    const lo = inNetns(d.netns, 'nsenter', [`--net=${pinned[0]}`, 'ip', '-o', 'link', 'show', 'lo']);
    assert.match(lo.stdout, /[<,]UP[,>]/, 'loopback is not up in the pod');
    const listed = (await rt.ListPodSandbox({})).items.map((p: any) => p.id);
    assert.ok(listed.includes(pod.id));
    assert.deepEqual((await rt.ListPodSandbox({ filter: { id: pod.id } })).items.map((p: any) => p.id), [pod.id]);
    assert.deepEqual((await rt.ListPodSandbox({ filter: { label_selector: { app: 'nope' } } })).items, []);
    await rt.StopPodSandbox({ pod_sandbox_id: pod.id });
    assert.equal((await rt.PodSandboxStatus({ pod_sandbox_id: pod.id })).status.state, 'SANDBOX_NOTREADY');
    // stop releases the pinned namespace: no file, no mount
    assert.ok(!existsSync(pinned[0]), `${pinned[0]} is left after StopPodSandbox`);
    assert.ok(!pins().mounts.includes(pinned[0]), `${pinned[0]} is still mounted after StopPodSandbox`);
    assert.deepEqual((await rt.ListPodSandbox({ filter: { state: { state: 'SANDBOX_READY' } } })).items.filter((p: any) => p.id === pod.id), []);
    // the IP went back to host-local
    const held = readdirSync(join(cni.dataDir, 'berth-cri-test')).filter((f) => /^\d+\./.test(f));
    assert.ok(!held.includes(st.network.ip), `IP ${st.network.ip} still allocated`);
    await rt.RemovePodSandbox({ pod_sandbox_id: pod.id });
    assert.equal((await grpcError(rt.PodSandboxStatus({ pod_sandbox_id: pod.id }))).code, grpcStatus.NOT_FOUND);
    // idempotent, as the CRI asks
    await rt.StopPodSandbox({ pod_sandbox_id: pod.id });
    await rt.RemovePodSandbox({ pod_sandbox_id: pod.id });
  });

  test('runtime should support pod hostname and DNS config [Conformance]', async () => {
    const pod = await runPod({ hostname: 'my-host', dns_config: { servers: ['10.0.0.10'], searches: ['svc.cluster.local'], options: ['ndots:5'] } });
    try {
      const c = await runContainer(pod, containerConfig('dns', { command: ['sh', '-c', 'hostname; cat /etc/resolv.conf'] }));
      await waitExited(c);
      const logPath = (await rt.ContainerStatus({ container_id: c })).status.log_path;
      await waitFor(() => existsSync(logPath) && /ndots/.test(readFileSync(logPath, 'utf8')), 5000, 'log');
      const text = readFileSync(logPath, 'utf8');
      assert.match(text, /stdout F my-host\n/);
      assert.match(text, /nameserver 10\.0\.0\.10/);
      assert.match(text, /search svc\.cluster\.local/);
      assert.match(text, /options ndots:5/);
    } finally { await removePod(pod.id); }
  });

  test('runtime should support port mapping with host port [Conformance]', async () => {
    const pod = await runPod({ port_mappings: [{ protocol: 'TCP', container_port: 8080, host_port: 18080 }] });
    try {
      await runContainer(pod, containerConfig('web', { command: ['sh', '-c', 'mkdir -p /tmp/www && echo served-from-pod > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www'] }));
      let body = '';
      await waitFor(() => {
        // the host port on the daemon's namespace address (the bridge's gateway), DNAT'ed by portmap to the pod
        const r = inNetns(d.netns, 'bash', ['-c', 'exec 3<>/dev/tcp/10.88.0.1/18080 && printf "GET / HTTP/1.0\\r\\n\\r\\n" >&3 && timeout 2 cat <&3']);
        body = r.stdout;
        return /served-from-pod/.test(body);
      }, 10_000, `port 18080 to answer (last: ${body})`);
    } finally { await removePod(pod.id); }
  });

  test('bad input: RunPodSandbox without metadata fails with INVALID_ARGUMENT and leaves nothing', async () => {
    const before = (await d.api('GET', '/containers/json?all=1&filters=' + encodeURIComponent(JSON.stringify({ namespace: ['k8s.io'] })))).body.length;
    const e = await grpcError(rt.RunPodSandbox({ config: { hostname: 'x' } }));
    assert.equal(e.code, grpcStatus.INVALID_ARGUMENT);
    assert.match(e.details, /metadata/);
    const e2 = await grpcError(rt.RunPodSandbox({ config: podConfig({ hostname: 'bad_host!' }) }));
    assert.equal(e2.code, grpcStatus.INVALID_ARGUMENT);
    const after = (await d.api('GET', '/containers/json?all=1&filters=' + encodeURIComponent(JSON.stringify({ namespace: ['k8s.io'] })))).body.length;
    assert.equal(after, before);
  });

  test('bad input: a second RunPodSandbox with the same metadata is ALREADY_EXISTS', async () => {
    const pod = await runPod();
    try {
      const e = await grpcError(rt.RunPodSandbox({ config: pod.config }));
      assert.equal(e.code, grpcStatus.ALREADY_EXISTS);
    } finally { await removePod(pod.id); }
  });

  test('a failed RunPodSandbox leaves no pause container, no CNI allocation and no pinned namespace', async () => {
    // a chained plugin that fails after bridge and host-local allocated an IP (tuning with a sysctl that does not exist)
    const file = join(cni.confDir, '10-berth-test.conflist');
    const good = readFileSync(file, 'utf8');
    const conf = JSON.parse(good);
    conf.plugins.push({ type: 'tuning', sysctl: { 'net.ipv4.conf.eth0.no_such_sysctl': '1' } });
    writeFileSync(file, JSON.stringify(conf));
    let e;
    try { e = await grpcError(rt.RunPodSandbox({ config: podConfig() })); } finally { writeFileSync(file, good); }
    assert.equal(e.code, grpcStatus.INTERNAL);
    assert.match(e.details, /tuning ADD failed/);
    const pods = (await rt.ListPodSandbox({})).items.filter((p: any) => p.state === 'SANDBOX_READY');
    const all = (await d.api('GET', '/containers/json?all=1&filters=' + encodeURIComponent(JSON.stringify({ namespace: ['k8s.io'], label: ['io.berth.cri.kind=sandbox'] })))).body;
    assert.equal(all.length, pods.length);
    const held = readdirSync(join(cni.dataDir, 'berth-cri-test')).filter((f) => /^\d+\./.test(f));
    assert.equal(held.length, pods.length, `allocations: ${held.join(',')}`);
    assert.equal(pins().files.length, pods.length, `pinned namespaces: ${pins().files.join(', ')}`);
    assert.equal(pins().mounts.length, pods.length, `pinned namespace mounts: ${pins().mounts.join(', ')}`);
  });
});

describe('container', () => {
  test('runtime should support container lifecycle: create, start, status, stop, remove [Conformance]', async () => {
    const pod = await runPod();
    try {
      const { container_id: id } = await rt.CreateContainer({ pod_sandbox_id: pod.id, config: containerConfig('life', { labels: { tier: 'web' } }), sandbox_config: pod.config });
      let st = (await rt.ContainerStatus({ container_id: id })).status;
      assert.equal(st.state, 'CONTAINER_CREATED');
      assert.equal(st.metadata.name, 'life');
      await rt.StartContainer({ container_id: id });
      st = (await rt.ContainerStatus({ container_id: id })).status;
      assert.equal(st.state, 'CONTAINER_RUNNING');
      assert.ok(BigInt(st.started_at) > 0n);
      const listed = (await rt.ListContainers({ filter: { pod_sandbox_id: pod.id } })).containers;
      assert.deepEqual(listed.map((c: any) => c.id), [id]);
      assert.deepEqual((await rt.ListContainers({ filter: { label_selector: { tier: 'web' } } })).containers.map((c: any) => c.id), [id]);
      assert.deepEqual((await rt.ListContainers({ filter: { state: { state: 'CONTAINER_EXITED' } } })).containers.filter((c: any) => c.id === id), []);
      await rt.StopContainer({ container_id: id, timeout: 10 });
      st = (await rt.ContainerStatus({ container_id: id })).status;
      assert.equal(st.state, 'CONTAINER_EXITED');
      assert.equal(st.exit_code, 0);
      assert.equal(st.reason, 'Completed');
      await rt.RemoveContainer({ container_id: id });
      assert.equal((await grpcError(rt.ContainerStatus({ container_id: id }))).code, grpcStatus.NOT_FOUND);
      await rt.RemoveContainer({ container_id: id }); // idempotent
    } finally { await removePod(pod.id); }
  });

  test('runtime should support exit codes and reason Error', async () => {
    const pod = await runPod();
    try {
      const id = await runContainer(pod, containerConfig('fail', { command: ['sh', '-c', 'exit 3'] }));
      const st = await waitExited(id);
      assert.equal(st.exit_code, 3);
      assert.equal(st.reason, 'Error');
      assert.ok(BigInt(st.finished_at) >= BigInt(st.started_at));
    } finally { await removePod(pod.id); }
  });

  test('runtime should support log in the CRI format [Conformance]', async () => {
    const pod = await runPod();
    try {
      const id = await runContainer(pod, containerConfig('logs', { command: ['sh', '-c', 'echo hello; echo oops >&2; printf partial'] }));
      await waitExited(id);
      const path = (await rt.ContainerStatus({ container_id: id })).status.log_path;
      await waitFor(() => existsSync(path) && readFileSync(path, 'utf8').includes('partial'), 5000, 'CRI log');
      const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
      const re = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (stdout|stderr) ([FP]) (.*)$/;
      const parsed = lines.map((l) => { const m = re.exec(l); assert.ok(m, `bad CRI log line ${JSON.stringify(l)}`); return [m[2], m[3], m[4]]; });
      assert.deepEqual(parsed.find((p) => p[2] === 'hello'), ['stdout', 'F', 'hello']);
      assert.deepEqual(parsed.find((p) => p[2] === 'oops'), ['stderr', 'F', 'oops']);
      assert.deepEqual(parsed.find((p) => p[2] === 'partial'), ['stdout', 'P', 'partial']);
    } finally { await removePod(pod.id); }
  });

  test('runtime should support ReopenContainerLog', async () => {
    const pod = await runPod();
    try {
      const id = await runContainer(pod, containerConfig('reopen', { command: ['sh', '-c', 'trap "exit 0" TERM; i=0; while true; do echo tick$i; i=$((i+1)); sleep 0.1; done'] }));
      const path = (await rt.ContainerStatus({ container_id: id })).status.log_path;
      await waitFor(() => existsSync(path) && readFileSync(path, 'utf8').includes('tick1'), 5000, 'ticks');
      const { renameSync } = await import('node:fs');
      renameSync(path, `${path}.1`);
      await rt.ReopenContainerLog({ container_id: id });
      await waitFor(() => existsSync(path) && /tick\d+/.test(readFileSync(path, 'utf8')), 5000, 'ticks in the reopened log');
      await rt.StopContainer({ container_id: id, timeout: 5 });
      const e = await grpcError(rt.ReopenContainerLog({ container_id: id }));
      assert.equal(e.code, grpcStatus.FAILED_PRECONDITION);
    } finally { await removePod(pod.id); }
  });

  test('containers of a pod share its network namespace (a port served in one answers from another)', async () => {
    const pod = await runPod();
    try {
      await runContainer(pod, containerConfig('server', { command: ['sh', '-c', 'mkdir -p /tmp/www && echo hi > /tmp/www/index.html && exec httpd -f -p 8080 -h /tmp/www'] }));
      const client = await runContainer(pod, containerConfig('client', { command: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8 9 10; do wget -q -O- http://127.0.0.1:8080/ | grep -q hi && exit 0; sleep 0.3; done; exit 1'] }));
      const st = await waitExited(client);
      assert.equal(st.exit_code, 0);
    } finally { await removePod(pod.id); }
  });

  test('bad input: CreateContainer without image or in an unknown pod', async () => {
    const pod = await runPod();
    try {
      const e = await grpcError(rt.CreateContainer({ pod_sandbox_id: pod.id, config: { metadata: { name: 'x' }, image: { image: '' } }, sandbox_config: pod.config }));
      assert.equal(e.code, grpcStatus.INVALID_ARGUMENT);
      const e2 = await grpcError(rt.CreateContainer({ pod_sandbox_id: 'f'.repeat(64), config: containerConfig('x'), sandbox_config: pod.config }));
      assert.equal(e2.code, grpcStatus.NOT_FOUND);
      const e3 = await grpcError(rt.CreateContainer({ pod_sandbox_id: pod.id, config: containerConfig('x', { image: { image: 'example.invalid/none:1' } }), sandbox_config: pod.config }));
      assert.equal(e3.code, grpcStatus.NOT_FOUND);
    } finally { await removePod(pod.id); }
  });

  test('CRI containers are kept out of the Engine API\'s container list unless asked', async () => {
    const pod = await runPod();
    try {
      const plain = (await d.api('GET', '/containers/json?all=1')).body as any[];
      assert.ok(!plain.some((c) => c.Id === pod.id), 'the pause container shows in /containers/json');
      const asked = (await d.api('GET', '/containers/json?all=1&filters=' + encodeURIComponent(JSON.stringify({ namespace: ['k8s.io'] })))).body as any[];
      assert.ok(asked.some((c) => c.Id === pod.id));
      const ps = await d.ok(['ps', '-a', '--no-trunc', '-q']);
      assert.ok(!ps.includes(pod.id));
      const psAll = await d.ok(['ps', '-a', '--no-trunc', '-q', '--all-namespaces']);
      assert.ok(psAll.includes(pod.id));
      void img;
    } finally { await removePod(pod.id); }
  });
});

describe('daemon restart', () => {
  test('pods and containers outlive a daemon restart, and can be stopped and removed after it', async () => {
    const pod = await runPod();
    const id = await runContainer(pod, containerConfig('survivor', { command: ['sh', '-c', 'trap "exit 0" TERM; while true; do echo alive; sleep 0.2; done'] }));
    await d.restart();
    const st = (await rt.PodSandboxStatus({ pod_sandbox_id: pod.id })).status;
    assert.equal(st.state, 'SANDBOX_READY');
    assert.match(st.network.ip, /^10\.88\./);
    assert.equal((await rt.ContainerStatus({ container_id: id })).status.state, 'CONTAINER_RUNNING');
    // the CRI log copy resumes
    const path = (await rt.ContainerStatus({ container_id: id })).status.log_path;
    const size = readFileSync(path, 'utf8').length;
    await waitFor(() => readFileSync(path, 'utf8').length > size, 5000, 'the log to grow after the restart');
    await removePod(pod.id);
    assert.equal((await grpcError(rt.ContainerStatus({ container_id: id }))).code, grpcStatus.NOT_FOUND);
  });

  test('after a daemon crash, a live pod keeps its pinned namespace, a stale pin is removed, and remove releases the pod\'s', async () => {
    const pod = await runPod();
    const pid = JSON.parse((await rt.PodSandboxStatus({ pod_sandbox_id: pod.id, verbose: true })).info.info).pid;
    const mine = pins().files.find((f) => statSync(f).ino === statSync(`/proc/${pid}/ns/net`).ino);
    assert.ok(mine, 'the pod has no pinned namespace');
    // what a daemon killed between pinning a namespace and recording its pod leaves: a pinned namespace no pod knows
    const stale = join(d.runRoot, 'cri', 'netns', 'f'.repeat(32));
    writeFileSync(stale, '');
    const made = inNetns(d.netns, 'unshare', [`--net=${stale}`, 'true']);
    assert.equal(made.status, 0, made.stderr);
    assert.ok(pins().mounts.includes(stale));
    await d.crash();
    await d.restart();
    assert.ok(!existsSync(stale), 'the stale pinned namespace file is left after the restart');
    assert.ok(!pins().mounts.includes(stale), 'the stale pinned namespace is still mounted after the restart');
    assert.ok(pins().mounts.includes(mine), 'the live pod lost its pinned namespace');
    assert.equal((await rt.PodSandboxStatus({ pod_sandbox_id: pod.id })).status.state, 'SANDBOX_READY');
    await removePod(pod.id);
    assert.ok(!existsSync(mine) && !pins().mounts.includes(mine), 'the pod\'s pinned namespace is left after RemovePodSandbox');
    assert.deepEqual(pins(), { files: [], mounts: [] });
  });
});

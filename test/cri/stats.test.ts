/**
 * CRI stats and events, modelled on critest's "runtime should support ContainerStats /
 * ListContainerStats / PodSandboxStats / ListPodSandboxStats" and the evented-PLEG use of
 * GetContainerEvents: real busybox containers whose CPU, memory and writable layer are read back
 * from their cgroups and overlay upper directories.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { credentials, status } from '@grpc/grpc-js';
import { loadCriServices } from '../../src/cri/proto-load.js';
import { criTestEnv, IDLE, runContainer, runPod, until, type CriTestEnv, type Pod } from './stream-helpers.js';

let env: CriTestEnv;
let pod: Pod;
let sandbox = '';
let ctr = '';

before(async () => {
  env = await criTestEnv();
  pod = await runPod(env, { metadata: { name: 'pod1', uid: 'u1', namespace: 'default', attempt: 0 }, labels: { app: 'web' }, annotations: { a: 'b' } });
  sandbox = pod.id;
  // half a MiB in the writable layer, some CPU, then idle
  ctr = await runContainer(env, pod, 'app', ['sh', '-c', 'dd if=/dev/zero of=/blob bs=1024 count=512 2>/dev/null; i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; touch /done; trap "exit 0" TERM; while true; do sleep 1; done'], { labels: { tier: 'front' } });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const r = await env.rt.ExecSync({ container_id: ctr, cmd: ['test', '-e', '/done'] });
    if (r.exit_code === 0) break;
    await new Promise((res) => setTimeout(res, 200));
  }
});

after(async () => { await env?.close(); });

/** the raw grpc-js client for the streaming calls (the promise client has unary calls only) */
function rawClient(): any {
  const { RuntimeService } = loadCriServices();
  const cl = new RuntimeService(`unix://${env.cri.socket}`, credentials.createInsecure()) as any;
  clients.push(cl);
  return cl;
}
const clients: any[] = [];
after(() => { for (const c of clients) c.close(); });

const call = (method: string, req: object): Promise<any> => env.rt[method]!(req);

test('runtime should support ContainerStats [Conformance]', async () => {
  const { stats } = await call('ContainerStats', { container_id: ctr });
  assert.equal(stats.attributes.id, ctr);
  assert.equal(stats.attributes.metadata.name, 'app');
  assert.deepEqual(stats.attributes.labels, { tier: 'front' });
  assert.ok(Number(stats.cpu.timestamp) > 1e18, 'timestamp in ns');
  assert.ok(Number(stats.cpu.usage_core_nano_seconds.value) > 10_000_000, `cpu ${stats.cpu.usage_core_nano_seconds.value}`);
  assert.ok(Number(stats.memory.working_set_bytes.value) > 0);
  assert.ok(Number(stats.memory.usage_bytes.value) >= Number(stats.memory.working_set_bytes.value));
  assert.ok(Number(stats.writable_layer.used_bytes.value) >= 512 * 1024, `layer ${stats.writable_layer.used_bytes.value}`);
  assert.ok(Number(stats.writable_layer.inodes_used.value) >= 2);
  assert.match(stats.writable_layer.fs_id.mountpoint, /snapshots$/);
  // a second reading has a rate
  await new Promise((res) => setTimeout(res, 300));
  const again = await call('ContainerStats', { container_id: ctr.slice(0, 12) });
  assert.ok(again.stats.cpu.usage_nano_cores, 'usage_nano_cores from the previous sample');
  assert.ok(Number(again.stats.cpu.usage_nano_cores.value) >= 0);
});

test('runtime should support ListContainerStats [Conformance]: filters by id, sandbox and labels', async () => {
  const all = await call('ListContainerStats', {});
  assert.ok(all.stats.some((s: any) => s.attributes.id === ctr));
  assert.ok((await call('ListContainerStats', { filter: { pod_sandbox_id: sandbox.slice(0, 10) } })).stats.length >= 1);
  assert.equal((await call('ListContainerStats', { filter: { id: ctr.slice(0, 12) } })).stats.length, 1);
  assert.equal((await call('ListContainerStats', { filter: { label_selector: { tier: 'front' } } })).stats.length, 1);
  assert.equal((await call('ListContainerStats', { filter: { label_selector: { tier: 'back' } } })).stats.length, 0);
  assert.equal((await call('ListContainerStats', { filter: { id: 'ffff' } })).stats.length, 0);
});

test('runtime should support PodSandboxStats / ListPodSandboxStats [Conformance]', async () => {
  const { stats } = await call('PodSandboxStats', { pod_sandbox_id: sandbox });
  assert.equal(stats.attributes.id, sandbox);
  assert.equal(stats.attributes.metadata.name, 'pod1');
  assert.ok(Number(stats.linux.cpu.usage_core_nano_seconds.value) > 10_000_000);
  assert.ok(Number(stats.linux.memory.working_set_bytes.value) > 0);
  assert.ok(Number(stats.linux.process.process_count.value) >= 2, 'pause and app processes');
  assert.deepEqual(stats.linux.containers.map((c: any) => c.attributes.id), [ctr]);
  const list = await call('ListPodSandboxStats', { filter: { label_selector: { app: 'web' } } });
  assert.deepEqual(list.stats.map((s: any) => s.attributes.id), [sandbox]);
  assert.equal((await call('ListPodSandboxStats', { filter: { label_selector: { app: 'db' } } })).stats.length, 0);
});

test('StreamContainerStats streams the list', async () => {
  const got: any[] = [];
  await new Promise<void>((resolve, reject) => {
    const c = rawClient().StreamContainerStats({}, { deadline: Date.now() + 30_000 });
    c.on('data', (d: any) => got.push(...d.container_stats));
    c.on('end', resolve);
    c.on('error', reject);
  });
  assert.deepEqual(got.map((s) => s.attributes.id), [ctr]);
});

test('ListMetricDescriptors / ListPodSandboxMetrics: cAdvisor series of the pod and its containers', async () => {
  const { descriptors } = await call('ListMetricDescriptors', {});
  const names = descriptors.map((d: any) => d.name);
  assert.ok(names.includes('container_memory_working_set_bytes'));
  const ws = descriptors.find((d: any) => d.name === 'container_memory_working_set_bytes');
  assert.deepEqual(ws.label_keys, ['id', 'name', 'image', 'container', 'pod', 'namespace']);
  const { pod_metrics } = await call('ListPodSandboxMetrics', {});
  assert.equal(pod_metrics.length, 1);
  const pod = pod_metrics[0];
  assert.equal(pod.pod_sandbox_id, sandbox);
  assert.deepEqual(pod.container_metrics.map((c: any) => c.container_id), [ctr]);
  const m = pod.container_metrics[0].metrics.find((x: any) => x.name === 'container_memory_usage_bytes');
  assert.ok(Number(m.value.value) > 0);
  assert.equal(m.metric_type, 'GAUGE');
  assert.deepEqual(m.label_values.slice(3), ['app', 'pod1', 'default']);
  // every metric's labels fit its descriptor
  const keys = new Map(descriptors.map((d: any) => [d.name, d.label_keys.length]));
  for (const x of [...pod.metrics, ...pod.container_metrics.flatMap((c: any) => c.metrics)]) assert.equal(x.label_values.length, keys.get(x.name), x.name);
});

test('stats of an unknown container or sandbox: NotFound', async () => {
  await assert.rejects(call('ContainerStats', { container_id: 'f'.repeat(64) }), { code: status.NOT_FOUND });
  await assert.rejects(call('PodSandboxStats', { pod_sandbox_id: 'f'.repeat(64) }), { code: status.NOT_FOUND });
  await assert.rejects(call('ContainerStats', {}), { code: status.INVALID_ARGUMENT });
});

test('GetContainerEvents streams created, started, stopped, deleted with the pod\'s status, CRI namespace only', async () => {
  const events: any[] = [];
  const listeners = env.engine.eventLog.listenerCount('event');
  const c = rawClient().GetContainerEvents({});
  c.on('data', (e: any) => events.push(e));
  c.on('error', () => undefined);
  await new Promise((res) => setTimeout(res, 200));
  const { Id: other } = await env.engine.create({ Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
  await env.engine.start(other);
  const id = await runContainer(env, pod, 'short', IDLE);
  await call('StopContainer', { container_id: id, timeout: 5 });
  await call('RemoveContainer', { container_id: id });
  await until(() => events.filter((e) => e.container_id === id).length >= 4, 10_000, 'four events');
  c.cancel();
  await until(() => env.engine.eventLog.listenerCount('event') === listeners, 5_000, 'the cancelled stream unsubscribed');
  const mine = events.filter((e) => e.container_id === id);
  assert.deepEqual(mine.map((e) => e.container_event_type), ['CONTAINER_CREATED_EVENT', 'CONTAINER_STARTED_EVENT', 'CONTAINER_STOPPED_EVENT', 'CONTAINER_DELETED_EVENT']);
  assert.ok(mine.every((e) => Number(e.created_at) > 1e18));
  const started = mine[1];
  assert.equal(started.pod_sandbox_status.id, sandbox);
  assert.equal(started.pod_sandbox_status.state, 'SANDBOX_READY');
  assert.ok(started.containers_statuses.some((s: any) => s.id === id && s.state === 'CONTAINER_RUNNING'));
  assert.ok(!events.some((e) => e.container_id === other), 'berth\'s own containers are not CRI events');
  await env.engine.rm(other, { force: true });
});

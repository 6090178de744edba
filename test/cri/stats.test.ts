/**
 * CRI stats and events, modelled on critest's "runtime should support ContainerStats /
 * ListContainerStats / PodSandboxStats / ListPodSandboxStats" and the evented-PLEG use of
 * GetContainerEvents: real busybox containers whose CPU, memory and writable layer are read back
 * from their cgroups and overlay upper directories.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { statsHandlers } from '../../src/cri/stats.js';
import { eventHandlers, NAMESPACE_LABEL } from '../../src/cri/events.js';
import { metricsHandlers } from '../../src/cri/stats-metrics.js';
import { CRI_NAMESPACE } from '../../src/cri/context.js';
import type { ContainerLike, CriObjects, SandboxLike } from '../../src/cri/cri-objects.js';
import { criTestEnv, runBusybox, until, type CriTestEnv } from './stream-helpers.js';

let env: CriTestEnv;
const objects: CriObjects = { sandboxes: { items: new Map<string, SandboxLike>() }, containers: { items: new Map<string, ContainerLike>() } };
let sandbox = '';
let ctr = '';
const ns = { [NAMESPACE_LABEL]: CRI_NAMESPACE };

before(async () => {
  env = await criTestEnv((engine) => ({ ...statsHandlers(engine, objects), ...metricsHandlers(engine, objects), ...eventHandlers(engine) }));
  sandbox = await runBusybox(env.engine, ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'], { Labels: ns });
  objects.sandboxes.items.set(sandbox, { id: sandbox, config: { metadata: { name: 'pod1', uid: 'u1', namespace: 'default', attempt: 0 }, labels: { app: 'web' }, annotations: { a: 'b' } } });
  // half a MiB in the writable layer, about a second of CPU, then idle
  ctr = await runBusybox(env.engine, ['sh', '-c', 'dd if=/dev/zero of=/blob bs=1024 count=512 2>/dev/null; i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; touch /done; trap "exit 0" TERM; while true; do sleep 1; done'], { Labels: ns });
  objects.containers.items.set(ctr, { id: ctr, sandboxId: sandbox, config: { metadata: { name: 'app', attempt: 1 }, labels: { tier: 'front' }, annotations: {} } });
  await until(() => { try { return env.engine.containers.inspect(ctr).State.Running; } catch { return false; } }, 10_000, 'container running');
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const r = await env.engine.exec(ctr, ['test', '-e', '/done']);
    if (r.exitCode === 0) break;
    await new Promise((res) => setTimeout(res, 200));
  }
});

after(async () => { await env?.close(); });

test('runtime should support ContainerStats [Conformance]', async () => {
  const { stats } = await env.call('ContainerStats', { container_id: ctr });
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
  const again = await env.call('ContainerStats', { container_id: ctr.slice(0, 12) });
  assert.ok(again.stats.cpu.usage_nano_cores, 'usage_nano_cores from the previous sample');
  assert.ok(Number(again.stats.cpu.usage_nano_cores.value) >= 0);
});

test('runtime should support ListContainerStats [Conformance]: filters by id, sandbox and labels', async () => {
  const all = await env.call('ListContainerStats', {});
  assert.deepEqual(all.stats.map((s: any) => s.attributes.id), [ctr]);
  assert.equal((await env.call('ListContainerStats', { filter: { pod_sandbox_id: sandbox.slice(0, 10) } })).stats.length, 1);
  assert.equal((await env.call('ListContainerStats', { filter: { label_selector: { tier: 'front' } } })).stats.length, 1);
  assert.equal((await env.call('ListContainerStats', { filter: { label_selector: { tier: 'back' } } })).stats.length, 0);
  assert.equal((await env.call('ListContainerStats', { filter: { id: 'ffff' } })).stats.length, 0);
});

test('runtime should support PodSandboxStats / ListPodSandboxStats [Conformance]', async () => {
  const { stats } = await env.call('PodSandboxStats', { pod_sandbox_id: sandbox });
  assert.equal(stats.attributes.id, sandbox);
  assert.equal(stats.attributes.metadata.name, 'pod1');
  assert.ok(Number(stats.linux.cpu.usage_core_nano_seconds.value) > 10_000_000);
  assert.ok(Number(stats.linux.memory.working_set_bytes.value) > 0);
  assert.ok(Number(stats.linux.process.process_count.value) >= 2, 'pause and app processes');
  assert.deepEqual(stats.linux.containers.map((c: any) => c.attributes.id), [ctr]);
  const list = await env.call('ListPodSandboxStats', { filter: { label_selector: { app: 'web' } } });
  assert.deepEqual(list.stats.map((s: any) => s.attributes.id), [sandbox]);
  assert.equal((await env.call('ListPodSandboxStats', { filter: { label_selector: { app: 'db' } } })).stats.length, 0);
});

test('StreamContainerStats streams the list', async () => {
  const got: any[] = [];
  await new Promise<void>((resolve, reject) => {
    const call = env.client.StreamContainerStats({}, { deadline: Date.now() + 30_000 });
    call.on('data', (d: any) => got.push(...d.container_stats));
    call.on('end', resolve);
    call.on('error', reject);
  });
  assert.deepEqual(got.map((s) => s.attributes.id), [ctr]);
});

test('ListMetricDescriptors / ListPodSandboxMetrics: cAdvisor series of the pod and its containers', async () => {
  const { descriptors } = await env.call('ListMetricDescriptors', {});
  const names = descriptors.map((d: any) => d.name);
  assert.ok(names.includes('container_memory_working_set_bytes'));
  const ws = descriptors.find((d: any) => d.name === 'container_memory_working_set_bytes');
  assert.deepEqual(ws.label_keys, ['id', 'name', 'image', 'container', 'pod', 'namespace']);
  const { pod_metrics } = await env.call('ListPodSandboxMetrics', {});
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
  await assert.rejects(env.call('ContainerStats', { container_id: 'f'.repeat(64) }), { code: status.NOT_FOUND });
  await assert.rejects(env.call('PodSandboxStats', { pod_sandbox_id: 'f'.repeat(64) }), { code: status.NOT_FOUND });
  await assert.rejects(env.call('ContainerStats', {}), { code: status.INVALID_ARGUMENT });
});

test('GetContainerEvents streams created, started, stopped, deleted of the CRI namespace only', async () => {
  const events: any[] = [];
  const call = env.client.GetContainerEvents({});
  call.on('data', (e: any) => events.push(e));
  call.on('error', () => undefined);
  await new Promise((res) => setTimeout(res, 200));
  const other = await runBusybox(env.engine, ['true']);
  const id = await runBusybox(env.engine, ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done'], { Labels: ns });
  await env.engine.stop(id, { timeout: 5 });
  await env.engine.rm(id);
  await until(() => events.length >= 4, 10_000, 'four events');
  call.cancel();
  assert.deepEqual(events.map((e) => [e.container_id, e.container_event_type]), [
    [id, 'CONTAINER_CREATED_EVENT'], [id, 'CONTAINER_STARTED_EVENT'], [id, 'CONTAINER_STOPPED_EVENT'], [id, 'CONTAINER_DELETED_EVENT'],
  ]);
  assert.ok(events.every((e) => Number(e.created_at) > 1e18));
  assert.ok(!events.some((e) => e.container_id === other));
  await env.engine.rm(other, { force: true });
});

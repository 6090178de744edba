/**
 * At daemon start, containers come back each after what it depends on: legacy links, and compose's
 * depends_on label within its project (compose's start order survives a daemon restart), whatever order
 * they were created in.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon } from '../helpers/daemon.js';
import { startOrder } from '../../src/container/start-order.js';
import type { ContainerRecord } from '../../src/record/container-store.js';

function rec(id: string, created: string, labels: Record<string, string> = {}, links: string[] = []): ContainerRecord {
  return { id, name: id, created, config: { Labels: labels }, hostConfig: { Links: links } } as unknown as ContainerRecord;
}
const svc = (project: string, service: string, dependsOn = '') => ({
  'com.docker.compose.project': project, 'com.docker.compose.service': service, 'com.docker.compose.oneoff': 'False',
  ...(dependsOn ? { 'com.docker.compose.depends_on': dependsOn } : {}),
});

test('start order: dependencies first (compose labels per project, links), else creation; cycles cut (unit)', () => {
  const order = startOrder([
    rec('web', '3', svc('p', 'web', 'api:service_healthy:false,db:service_started:false')),
    rec('api', '1', svc('p', 'api', 'db:service_started:true')),
    rec('db', '2', svc('p', 'db')),
    rec('other-db', '0', svc('q', 'db')),
    rec('linked', '4', {}, ['/target:alias']),
    rec('target', '5'),
    rec('a', '6', svc('c', 'a', 'b:service_started:false')),
    rec('b', '7', svc('c', 'b', 'a:service_started:false')),
  ]).map((r) => r.id);
  assert.deepEqual(order, ['other-db', 'db', 'api', 'web', 'target', 'linked', 'b', 'a']);
});

test('daemon restart: a compose project created in reverse comes back in dependency order', { timeout: 180_000 }, async (t) => {
  const d = await startDaemon();
  t.after(() => d.cleanup());
  const loop = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'];
  // created last-first: creation order alone would start them the wrong way round
  const chain: Array<[string, string]> = [['third', 'second:service_started:false'], ['second', 'first:service_started:false'], ['first', '']];
  for (const [name, dependsOn] of chain) {
    const r = await d.api('POST', `/containers/create?name=ord-${name}`, {
      Image: 'busybox', Cmd: loop, Labels: svc('ord', name, dependsOn), HostConfig: { NetworkMode: 'none', RestartPolicy: { Name: 'always' } },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal((await d.api('POST', `/containers/ord-${name}/start`)).status, 204);
  }
  const pids: number[] = [];
  for (const [name] of chain) pids.push((await d.api('GET', `/containers/ord-${name}/json`)).body.State.Pid);
  await d.crash();
  // the containers die while no daemon watches them (a host reboot, as the daemon sees it)
  for (const pid of pids) process.kill(pid, 'SIGKILL');
  await d.restart();
  const started: Record<string, number> = {};
  const end = Date.now() + 60_000;
  for (const [name] of chain) {
    for (;;) {
      const s = (await d.api('GET', `/containers/ord-${name}/json`)).body.State;
      if (s.Running && s.Pid > 0 && !pids.includes(s.Pid)) { started[name] = Date.parse(s.StartedAt); break; }
      if (Date.now() > end) throw new Error(`ord-${name} did not come back: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  assert.ok(started.first! < started.second! && started.second! < started.third!, JSON.stringify(started));
});

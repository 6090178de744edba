/** The orchestrator's pure parts: dependency graph and its traversal, service selection, scale, convergence planning. */
import test from 'node:test';
import assert from 'node:assert/strict';
import type { Project, ServiceConfig, ServiceDependency } from '../../src/compose/model.ts';
import { LABELS } from '../../src/compose/model.ts';
import { buildGraph, inDependencyOrder, inReverseDependencyOrder, startLayers, withDependencies, withDependents } from '../../src/compose/ops/graph.ts';
import { applyScale, replicas, withSelectedServices, withServicesEnabled } from '../../src/compose/ops/service-selection.ts';
import { planService } from '../../src/compose/ops/converge-plan.ts';
import { orphansOf } from '../../src/compose/ops/converge.ts';
import { parseDependsOnLabel } from '../../src/compose/ops/engine-project.ts';
import type { ContainerSummary } from '../../src/common/engine-api/types.ts';

const dep = (condition: ServiceDependency['condition'] = 'service_started', extra: Partial<ServiceDependency> = {}): ServiceDependency => ({ condition, restart: false, required: true, ...extra });

function svc(name: string, more: Partial<ServiceConfig> = {}): ServiceConfig {
  return { name, image: 'busybox', environment: {}, labels: {}, ports: [], volumes: [], depends_on: {}, ...more };
}

function project(services: ServiceConfig[], disabled: ServiceConfig[] = []): Project {
  return {
    name: 'p', workingDir: '/tmp', configFiles: [], environment: {},
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    disabledServices: Object.fromEntries(disabled.map((s) => [s.name, s])),
    networks: { default: { name: 'p_default' } }, volumes: {}, secrets: {}, configs: {},
  };
}

const web = svc('web', { depends_on: { api: dep('service_healthy') } });
const api = svc('api', { depends_on: { db: dep('service_healthy'), init: dep('service_completed_successfully') } });
const db = svc('db');
const init = svc('init', { depends_on: { db: dep() } });
const cache = svc('cache');

test('start layers: dependencies first, independent services together', () => {
  const g = buildGraph(project([web, api, db, init, cache]));
  assert.deepEqual(startLayers(g), [['db', 'cache'], ['init'], ['api'], ['web']]);
});

test('implicit dependencies: links, network_mode/ipc/pid service:, volumes_from', () => {
  const g = buildGraph(project([
    svc('a', { links: ['b:alias'], network_mode: 'service:c', volumes_from: ['d:ro', 'container:xyz'], ipc: 'service:e' }),
    svc('b'), svc('c'), svc('d'), svc('e'),
  ]));
  assert.deepEqual([...g.dependencies.get('a')!.keys()].sort(), ['b', 'c', 'd', 'e']);
  assert.equal(g.dependencies.get('a')!.get('b')!.condition, 'service_started');
});

test('a cycle is an error naming it; a missing required dependency too; an optional one is dropped', () => {
  assert.throws(() => buildGraph(project([svc('a', { depends_on: { b: dep() } }), svc('b', { depends_on: { c: dep() } }), svc('c', { depends_on: { a: dep() } })])),
    (e: any) => e.code === 'ERR_COMPOSE_CYCLE' && /cycle found: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)/.test(e.message));
  assert.throws(() => buildGraph(project([svc('a', { depends_on: { x: dep() } })])), /depends on undefined service "x"/);
  assert.throws(() => buildGraph(project([svc('a', { depends_on: { x: dep() } })], [svc('x', { profiles: ['debug'] })])),
    /service x is required by a but is disabled. Can be enabled by profiles \[debug\]/);
  const g = buildGraph(project([svc('a', { depends_on: { x: dep('service_started', { required: false }) } })]));
  assert.equal(g.dependencies.get('a')!.size, 0);
});

test('traversal: each service after its dependencies (start), after its dependants (stop), bounded parallelism', async () => {
  const g = buildGraph(project([web, api, db, init, cache]));
  const log: string[] = [];
  let running = 0;
  let peak = 0;
  const visit = async (s: string) => {
    running++; peak = Math.max(peak, running);
    log.push(`+${s}`);
    await new Promise((r) => setTimeout(r, 5));
    log.push(`-${s}`);
    running--;
  };
  await inDependencyOrder(g, visit);
  const before = (a: string, b: string) => assert.ok(log.indexOf(`-${a}`) < log.indexOf(`+${b}`), `${a} before ${b}: ${log}`);
  before('db', 'init'); before('db', 'api'); before('init', 'api'); before('api', 'web');
  assert.equal(peak, 2, 'db and cache ran together');

  log.length = 0; peak = 0;
  await inReverseDependencyOrder(g, visit, { parallel: 1 });
  before('web', 'api'); before('api', 'init'); before('init', 'db'); before('api', 'db');
  assert.equal(peak, 1);
});

test('traversal: `only` skips the others but keeps the order; the first failure stops new work', async () => {
  const g = buildGraph(project([web, api, db, init, cache]));
  const seen: string[] = [];
  await inDependencyOrder(g, async (s) => { seen.push(s); }, { only: new Set(['web', 'db']) });
  assert.deepEqual(seen, ['db', 'web']);
  seen.length = 0;
  await assert.rejects(inDependencyOrder(g, async (s) => { seen.push(s); if (s === 'init') throw new Error('boom'); }, { parallel: 1 }), /boom/);
  assert.ok(!seen.includes('api') && !seen.includes('web'));
});

test('closures: dependencies and dependants', () => {
  const g = buildGraph(project([web, api, db, init, cache]));
  assert.deepEqual([...withDependencies(g, ['api'])].sort(), ['api', 'db', 'init']);
  assert.deepEqual([...withDependents(g, ['init'])].sort(), ['api', 'init', 'web']);
});

test('selection: named services with their dependencies; --no-deps drops them; a disabled one named is enabled; unknown fails', () => {
  const p = project([web, api, db, init, cache], [svc('debug', { profiles: ['dbg'] })]);
  const s1 = withSelectedServices(p, ['api']);
  assert.deepEqual(Object.keys(s1.services).sort(), ['api', 'db', 'init']);
  assert.ok('web' in s1.disabledServices && 'cache' in s1.disabledServices && 'debug' in s1.disabledServices);
  const s2 = withSelectedServices(p, ['api'], { dependencies: 'ignore' });
  assert.deepEqual(Object.keys(s2.services), ['api']);
  assert.deepEqual(s2.services.api.depends_on, {});
  assert.doesNotThrow(() => buildGraph(s2));
  assert.deepEqual(Object.keys(withSelectedServices(p, ['debug']).services), ['debug']);
  assert.throws(() => withSelectedServices(p, ['nope']), (e: any) => e.code === 'ERR_COMPOSE_NO_SERVICE' && e.message === 'no such service: nope');
  assert.equal(withSelectedServices(p, []), p);
});

test('enabling named services: a profile-disabled one is turned on, the others stay; unknown fails', () => {
  const p = project([web, db], [svc('debug', { profiles: ['dbg'] })]);
  const q = withServicesEnabled(p, ['debug', 'db']);
  assert.deepEqual(Object.keys(q.services).sort(), ['db', 'debug', 'web']);
  assert.deepEqual(Object.keys(q.disabledServices), []);
  assert.throws(() => withServicesEnabled(p, ['zz']), /no such service: zz/);
});

test('scale: --scale overrides scale and deploy.replicas; bad values fail as compose says', () => {
  const p = project([svc('a', { deploy: { replicas: 2 } }), svc('b', { scale: 3 }), svc('c')]);
  assert.deepEqual(['a', 'b', 'c'].map((n) => replicas(p.services[n])), [2, 3, 1]);
  const q = applyScale(p, ['a=4', 'c=0']);
  assert.equal(replicas(q.services.a), 4);
  assert.equal(q.services.a.deploy?.replicas, 4);
  assert.equal(replicas(q.services.c), 0);
  assert.throws(() => applyScale(p, ['a']), /invalid --scale option "a". Should be SERVICE=NUM/);
  assert.throws(() => applyScale(p, ['zz=1']), /no such service: zz/);
});

function ctr(n: number, hash: string, state: ContainerSummary['State'] = 'running', service = 'web', more: Partial<ContainerSummary> = {}): ContainerSummary {
  return { Id: `${service}${n}`.padEnd(64, '0'), Names: [`/p-${service}-${n}`], State: state, Created: n,
    Labels: { [LABELS.project]: 'p', [LABELS.service]: service, [LABELS.containerNumber]: String(n), [LABELS.configHash]: hash, [LABELS.oneoff]: 'False' }, ...more };
}

test('plan: unchanged containers kept, changed ones recreated, missing created after the highest number', () => {
  const s = svc('web');
  const steps = planService(s, [ctr(1, 'h'), ctr(3, 'old'), ctr(2, 'h', 'exited')], { replicas: 4, hash: 'h', policy: 'diverged' });
  assert.deepEqual(steps.map((x) => `${x.kind}:${'container' in x ? x.container.Names![0] : ''}${'number' in x ? `#${x.number}` : ''}${x.kind === 'keep' ? `:${x.state}` : ''}`), [
    'keep:/p-web-1:running', 'keep:/p-web-2:stopped', 'recreate:/p-web-3#3', 'create:#4',
  ]);
});

test('plan: scaling down removes obsolete ones first, then the highest numbers', () => {
  const s = svc('web');
  const steps = planService(s, [ctr(1, 'h'), ctr(2, 'old'), ctr(3, 'h'), ctr(4, 'h')], { replicas: 2, hash: 'h', policy: 'diverged' });
  assert.deepEqual(steps.filter((x) => x.kind === 'remove').map((x) => (x as any).container.Names[0]).sort(), ['/p-web-2', '/p-web-4']);
  assert.deepEqual(steps.filter((x) => x.kind === 'keep').map((x) => (x as any).container.Names[0]), ['/p-web-1', '/p-web-3']);
});

test('plan: --force-recreate recreates all, --no-recreate none; a paused container is restarted', () => {
  const s = svc('web');
  assert.deepEqual(planService(s, [ctr(1, 'h')], { replicas: 1, hash: 'h', policy: 'force' }).map((x) => x.kind), ['recreate']);
  assert.deepEqual(planService(s, [ctr(1, 'old')], { replicas: 1, hash: 'h', policy: 'never' }).map((x) => x.kind), ['keep']);
  const p = planService(s, [ctr(1, 'h', 'paused')], { replicas: 1, hash: 'h', policy: 'diverged' });
  assert.equal(p[0].kind === 'keep' && p[0].state, 'restart');
});

test('plan: a running container missing one of the service networks or a named volume is recreated', () => {
  const s = svc('web', { networks: { front: {}, back: {} }, volumes: [{ type: 'volume', source: 'data', target: '/data' }] });
  const on = (ids: string[]) => ({ Networks: Object.fromEntries(ids.map((id) => [id, { NetworkID: id }])) });
  const mounts = [{ Type: 'volume' as const, Name: 'p_data' }];
  const exp = { replicas: 1, hash: 'h', policy: 'diverged' as const, networkIds: { front: 'F', back: 'B' }, volumeNames: { data: 'p_data' } };
  assert.equal(planService(s, [ctr(1, 'h', 'running', 'web', { NetworkSettings: on(['F', 'B']), Mounts: mounts })], exp)[0].kind, 'keep');
  assert.equal(planService(s, [ctr(1, 'h', 'running', 'web', { NetworkSettings: on(['F']), Mounts: mounts })], exp)[0].kind, 'recreate');
  assert.equal(planService(s, [ctr(1, 'h', 'running', 'web', { NetworkSettings: on(['F', 'B']), Mounts: [] })], exp)[0].kind, 'recreate');
});

test('orphans: services in neither the enabled nor disabled lists; exited one-offs', () => {
  const p = project([svc('web')], [svc('dbg')]);
  const oneoff = (state: ContainerSummary['State']) => ctr(9, 'h', state, 'web', { Labels: { [LABELS.service]: 'web', [LABELS.oneoff]: 'True' } });
  const found = orphansOf(p, [ctr(1, 'h'), ctr(1, 'h', 'running', 'old'), ctr(1, 'h', 'running', 'dbg'), oneoff('running'), oneoff('exited')]);
  assert.deepEqual(found.map((c) => `${c.Labels![LABELS.service]}:${c.State}`), ['old:running', 'web:exited']);
});

test('the depends_on label of compose v2 read back (optional, as compose does for label-only projects)', () => {
  assert.deepEqual(parseDependsOnLabel('db:service_healthy:true,init:service_completed_successfully:false'), {
    db: { condition: 'service_healthy', restart: true, required: false },
    init: { condition: 'service_completed_successfully', restart: false, required: false },
  });
  assert.deepEqual(parseDependsOnLabel(''), {});
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { load as loadYaml } from 'js-yaml';
import { containerEnv, within } from './helpers.js';

const SWAGGER = fileURLToPath(new URL('../../../shared/specs/docker-engine-api/swagger-v1.55.yaml', import.meta.url));

/** Swagger 2 -> JSON schema: x-nullable becomes a null alternative. */
function nullable(node: any): any {
  if (Array.isArray(node)) return node.map(nullable);
  if (!node || typeof node !== 'object') return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) out[k] = nullable(v);
  if (out['x-nullable'] === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (out.$ref) return { anyOf: [{ $ref: out.$ref }, { type: 'null' }] };
  }
  return out;
}

function validator(def: string) {
  // js-yaml 5 is strict about flow collections closed at their key's indentation (the swagger does that in examples)
  const text = readFileSync(SWAGGER, 'utf8').replace(/^(\s*)([}\]])\s*$/gm, '$1  $2');
  const doc = loadYaml(text) as any;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'swagger', definitions: nullable(doc.definitions) });
  return ajv.compile({ $ref: `swagger#/definitions/${def}` });
}

test('inspect and list shapes follow the Engine API schema', async (t) => {
  const { mgr } = await containerEnv(t);
  const inspect = validator('ContainerInspectResponse');
  const summary = validator('ContainerSummary');
  const { Id } = await mgr.create({ Image: 'busybox', Cmd: ['sleep', '300'], Labels: { tier: 'web' }, Env: ['A=1'] }, 'shape');
  const check = (v: any, x: any) => assert.ok(v(x), JSON.stringify(v.errors, null, 1));
  const created = mgr.inspect(Id);
  check(inspect, created);
  assert.equal(created.Name, '/shape');
  assert.equal(created.Config.Hostname, Id.slice(0, 12));
  assert.deepEqual(created.Config.Cmd, ['sleep', '300']);
  assert.ok(created.Config.Env!.includes('A=1') && created.Config.Env!.some((e: string) => e.startsWith('PATH=')));
  assert.equal(created.HostConfig.NetworkMode, 'none');
  assert.equal(created.Path, 'sleep');
  assert.deepEqual(created.Args, ['300']);
  assert.equal(created.State.StartedAt, '0001-01-01T00:00:00Z');
  await mgr.start(Id);
  const running = mgr.inspect(Id, { size: true });
  check(inspect, running);
  assert.equal(typeof running.SizeRw, 'number');
  assert.ok(running.State.Running);
  assert.ok(Object.keys(running.NetworkSettings.Networks!).includes('none'));
  assert.equal(readFileSync(running.HostnamePath!, 'utf8'), Id.slice(0, 12) + '\n');
  const [s] = mgr.list({ size: true });
  check(summary, s);
  assert.deepEqual(s.Names, ['/shape']);
  assert.equal(s.Command, 'sleep 300');
  assert.equal(s.State, 'running');
  assert.match(s.Status, /^Up /);
  assert.deepEqual(s.Labels, { tier: 'web' });
  await within(mgr.kill(Id), 20_000, 'kill');
  const [e] = mgr.list({ all: true });
  check(summary, e);
  assert.match(e.Status, /^Exited \(137\) .* ago$/);
});

test('list filters: status, label, name, id, exited, ancestor, before/since, limit', async (t) => {
  const { mgr, images } = await containerEnv(t);
  const a = await mgr.create({ Image: 'busybox', Cmd: ['true'], Labels: { role: 'a' } }, 'fa');
  const b = await mgr.create({ Image: 'busybox', Cmd: ['sh', '-c', 'exit 2'], Labels: { role: 'b', x: '1' } }, 'fb');
  const c = await mgr.create({ Image: 'busybox', Cmd: ['sleep', '300'] }, 'fc');
  const wb = mgr.wait(b.Id, 'next-exit');
  await mgr.start(b.Id);
  await within(wb, 20_000, 'b exits');
  await mgr.start(c.Id);
  const ids = (opts: any) => mgr.list(opts).map((s: any) => s.Names[0]).sort();
  assert.deepEqual(ids({}), ['/fc']);
  assert.deepEqual(ids({ all: true }), ['/fa', '/fb', '/fc']);
  assert.deepEqual(ids({ filters: { status: ['exited'] } }), ['/fb']);
  assert.deepEqual(ids({ filters: { status: ['created', 'running'] } }), ['/fa', '/fc']);
  assert.deepEqual(ids({ all: true, filters: { label: ['role'] } }), ['/fa', '/fb']);
  assert.deepEqual(ids({ all: true, filters: { label: ['role=b', 'x=1'] } }), ['/fb']);
  assert.deepEqual(ids({ all: true, filters: { name: ['^/f[ab]$'] } }), ['/fa', '/fb']);
  assert.deepEqual(ids({ all: true, filters: { id: [a.Id.slice(0, 10)] } }), ['/fa']);
  assert.deepEqual(ids({ filters: { exited: ['2'] } }), ['/fb']);
  assert.deepEqual(ids({ all: true, filters: { ancestor: ['busybox'] } }), ['/fa', '/fb', '/fc']);
  assert.deepEqual(ids({ all: true, filters: { ancestor: [images.resolve('busybox').id] } }), ['/fa', '/fb', '/fc']);
  assert.deepEqual(ids({ all: true, filters: { before: ['fc'] } }), ['/fa', '/fb']);
  assert.deepEqual(ids({ all: true, filters: { since: ['fa'] } }), ['/fb', '/fc']);
  assert.deepEqual(mgr.list({ limit: 1 }).map((s: any) => s.Names[0]), ['/fc']);
  assert.throws(() => mgr.list({ filters: { bogus: ['1'] } }), { status: 400 });
  assert.throws(() => mgr.list({ filters: { status: ['sleepy'] } }), { status: 400 });
});

test('create is refused for unsupported networks and leaves nothing behind', async (t) => {
  const env = await containerEnv(t);
  await assert.rejects(env.mgr.create({ Image: 'busybox', Cmd: ['true'], HostConfig: { NetworkMode: 'bridge' } }), { status: 501 });
  await assert.rejects(env.mgr.create({ Image: 'nosuchimage', Cmd: ['true'] }), { status: 404 });
  assert.deepEqual(env.mgr.list({ all: true }), []);
  assert.deepEqual(env.snapshots.list(), []);
});

/**
 * Every JSON body is checked at the door: a generated set of wrong-typed values (one per field of the
 * swagger's schema, for container create and update, exec create, network and volume create), unknown
 * enum values and a 10,000-deep object each get a 400 naming the field, and nothing is stored.
 * Malformed JSON of every kind is a 400 too, never a 500.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { DEFINITIONS, REQUEST_BODY_SCHEMAS, type ApiSchema } from '../../src/common/engine-api/schemas.js';
import { formatPath } from '../../src/common/engine-api/validate.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

type Segment = string | number;
interface Case { body: Record<string, unknown>; path: Segment[]; what: string }

const resolve = (s: ApiSchema): ApiSchema => (s.$ref ? resolve(DEFINITIONS[s.$ref]) : s);

/** A value of the wrong JSON type for a schema (never null: Go takes null anywhere). */
function wrongValue(s: ApiSchema): unknown {
  switch (s.type ?? (s.properties || s.additionalProperties ? 'object' : undefined)) {
    case 'string': return 12345;
    case 'integer': case 'number': return 'not-a-number';
    case 'boolean': return 'yes';
    case 'array': return 7;
    case 'object': return [1];
    default: return undefined;
  }
}

/** Sets `value` at `path` in a copy of `base`, making the objects and arrays on the way. */
function setAt(base: Record<string, unknown>, path: Segment[], value: unknown): Record<string, unknown> {
  const root = structuredClone(base);
  let cur: any = root;
  for (let i = 0; i < path.length - 1; i++) {
    const next = path[i + 1];
    cur[path[i]] ??= typeof next === 'number' ? [] : {};
    cur = cur[path[i]];
  }
  cur[path[path.length - 1]] = value;
  return root;
}

/** One malformed body per field reachable from `schema`, down to `maxDepth` levels. */
function malformed(schema: ApiSchema, base: Record<string, unknown>, maxDepth = 4): Case[] {
  const out: Case[] = [];
  const walk = (s: ApiSchema, path: Segment[], depth: number) => {
    s = resolve(s);
    for (const part of s.allOf ?? []) walk(part, path, depth);
    if (path.length) {
      const v = wrongValue(s);
      if (v !== undefined) out.push({ body: setAt(base, path, v), path, what: `${formatPath(path)} = ${JSON.stringify(v)}` });
      if (s.type === 'string' && s.enum && formatPath(path) !== 'HostConfig.LogConfig.Type') {
        out.push({ body: setAt(base, path, 'no-such-value'), path, what: `${formatPath(path)} = "no-such-value"` });
      }
    }
    if (depth >= maxDepth) return;
    for (const [k, sub] of Object.entries(s.properties ?? {})) walk(sub, [...path, k], depth + 1);
    if (s.additionalProperties) walk(s.additionalProperties, [...path, 'key1'], depth + 1);
    if (s.items) walk(s.items, [...path, 0], depth + 1);
  };
  walk(schema, [], 0);
  return out;
}

/** The field path as dockerd's Go wording names it: struct fields only, no indices or map keys. */
function goPath(path: Segment[]): string {
  return path.filter((s) => typeof s === 'string' && s !== 'key1').join('.');
}

function assertRefused(r: { status: number; body: any }, c: Case): void {
  assert.equal(r.status, 400, `${c.what}: ${r.status} ${JSON.stringify(r.body)}`);
  const msg: string = r.body?.message ?? '';
  const ours = msg.startsWith(`invalid JSON body: ${formatPath(c.path)}: must be`);
  const dockerds = /^json: cannot unmarshal \w+ into Go struct field \w+\./.test(msg) && msg.includes(`.${goPath(c.path)} of type`);
  assert.ok(ours || dockerds, `${c.what}: the message does not name the field: ${msg}`);
}

async function stored(what = { volumes: true }): Promise<string> {
  const [cs, ns, vs] = await Promise.all([d.api('GET', '/containers/json?all=1'), d.api('GET', '/networks'), d.api('GET', '/volumes')]);
  return JSON.stringify([cs.body.map((c: any) => c.Id).sort(), ns.body.map((n: any) => n.Id).sort(), what.volumes ? vs.body.Volumes.map((v: any) => v.Name).sort() : []]);
}

test('wrong-typed fields and unknown enum values of every body are a 400 naming the field; nothing is stored', async () => {
  const ct = await d.api('POST', '/containers/create?name=target', { Image: 'busybox', Cmd: ['sleep', '60'] });
  assert.equal(ct.status, 201, JSON.stringify(ct.body));
  const id = ct.body.Id;
  const inspectBefore = JSON.stringify((await d.api('GET', `/containers/${id}/json`)).body);
  const before = await stored();

  const sets: Array<[string, string, Record<string, unknown>]> = [
    ['/containers/create?name=bad', 'ContainerCreate', { Image: 'busybox' }],
    [`/containers/${id}/update`, 'ContainerUpdate', {}],
    [`/containers/${id}/exec`, 'ContainerExec', { Cmd: ['true'] }],
    ['/networks/create', 'NetworkCreate', { Name: 'badnet' }],
    ['/volumes/create', 'VolumeCreate', { Name: 'badvol' }],
  ];
  let total = 0;
  for (const [path, op, base] of sets) {
    const cases = malformed(REQUEST_BODY_SCHEMAS[op], base);
    assert.ok(cases.length > 5, `${op}: only ${cases.length} cases`);
    for (const c of cases) assertRefused(await d.api('POST', path, c.body), c);
    total += cases.length;
  }
  assert.ok(total >= 300, `only ${total} malformed bodies`);

  // the cases of the report that used to be a 500 or 501
  const named: Array<[string, unknown, RegExp]> = [
    ['/containers/create', { Image: 'busybox', HostConfig: { Binds: [5] } }, /HostConfig\.Binds/],
    ['/containers/create', { Image: 'busybox', HostConfig: { Mounts: 'x' } }, /HostConfig\.Mounts/],
    ['/containers/create', { Image: 'busybox', HostConfig: { Mounts: [{ Type: 'nfs', Target: '/x' }] } }, /^invalid JSON body: HostConfig\.Mounts\[0\]\.Type: must be one of "bind"/],
    ['/containers/create', { Image: 'busybox', HostConfig: { PortBindings: { '80/tcp': [{ HostPort: 8080 }] } } }, /^invalid JSON body: HostConfig\.PortBindings\["80\/tcp"\]\[0\]\.HostPort: must be string/],
    ['/containers/create', { Image: 'busybox', Env: 'A=1' }, /Env/],
    ['/networks/create', { Name: 42 }, /Name/],
    ['/networks/create', { Name: 'n', IPAM: { Config: 'x' } }, /IPAM\.Config/],
    ['/volumes/create', { Name: 42 }, /Name/],
    ['/volumes/create', { Name: 'v', DriverOpts: 'x' }, /DriverOpts/],
    ['/volumes/create', { Name: 'v'.repeat(10_000) }, /a local volume name is at most 255 characters/],
    ['/containers/create', { Image: 'busybox', HostConfig: { Binds: [`${'v'.repeat(10_000)}:/data`] } }, /a local volume name is at most 255 characters/],
  ];
  for (const [path, body, msg] of named) {
    const r = await d.api('POST', path, body);
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.status} ${JSON.stringify(r.body)}`);
    assert.match(r.body.message, msg);
  }

  assert.equal(await stored(), before, 'a malformed body stored something');
  assert.equal(JSON.stringify((await d.api('GET', `/containers/${id}/json`)).body), inspectBefore, 'a malformed update or exec changed the container');
  await d.ok(['rm', '-f', id]);
});

test('a 10,000-deep object is a 400, wherever it sits', async () => {
  const before = await stored();
  const deep = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
  const deepList = (n: number) => '['.repeat(n) + ']'.repeat(n);
  const bodies: Array<[string, string]> = [
    ['/containers/create', `{"Image":"busybox","Labels":${deep(10_000)}}`],
    ['/containers/create', `{"Image":"busybox","NoSuchField":${deepList(10_000)}}`],
    ['/containers/create', `{"Image":"busybox","HostConfig":{"Unknown":${deep(10_000)}}}`],
    ['/networks/create', `{"Name":"deep","Options":${deep(10_000)}}`],
    ['/volumes/create', `{"Name":"deep","Labels":${deep(10_000)}}`],
    ['/volumes/create', deep(100_000)],
  ];
  for (const [path, body] of bodies) {
    const r = await d.api('POST', path, body);
    assert.equal(r.status, 400, `${path} ${body.slice(0, 60)}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    assert.match(r.body.message, /^invalid JSON body: .*nests deeper than 64 levels$/);
  }
  // 60 levels under an unknown field is still a body dockerd takes
  const ok = await d.api('POST', '/containers/create', `{"Image":"busybox","Extra":${deep(60)}}`);
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  await d.ok(['rm', '-f', ok.body.Id]);
  assert.equal(await stored(), before);
});

function rawPost(path: string, body: Buffer): Promise<{ status: number; text: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request({ socketPath: d.socket, method: 'POST', path, headers: { 'Content-Type': 'application/json', 'Content-Length': body.length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.setTimeout(60_000, () => req.destroy(new Error(`POST ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

test('malformed JSON is never a 500 on any endpoint that reads a body', async () => {
  const ct = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['sleep', '60'] });
  assert.equal(ct.status, 201, JSON.stringify(ct.body));
  const id = ct.body.Id;
  // a volume create body without a Name that parses (`{"__proto__":...}`) makes an anonymous volume, as in dockerd
  const before = await stored({ volumes: false });
  const paths = ['/containers/create', `/containers/${id}/update`, `/containers/${id}/exec`, `/commit?container=${id}&repo=badjson`,
    '/networks/create', '/volumes/create', '/networks/bridge/connect', '/networks/bridge/disconnect', '/exec/nosuch/start'];
  const bodies: Buffer[] = [
    '[]', '"text"', '42', 'true', '[{"Image":"busybox"}]', '{"Image":"busybox"}{"Image":"busybox"}', '{"Image":"busybox",}',
    '\uFEFF{"Image":"busybox"}', '{"Image":1e400}', '{"Image":NaN}', '{"Labels":{"a":"\\ud800"}}', '{"__proto__":{"x":1}}',
    '['.repeat(200_000), '{"a":'.repeat(50_000), '{"Image":"busybox","Cmd":["a"',
  ].map((s) => Buffer.from(s));
  bodies.push(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d])); // invalid UTF-8 in a key
  for (const path of paths) {
    for (const body of bodies) {
      const r = await rawPost(path, body);
      assert.ok(r.status < 500, `${path} with ${body.toString().slice(0, 40)}: ${r.status} ${r.text.slice(0, 300)}`);
    }
  }
  assert.equal(await stored({ volumes: false }), before);
  await d.ok(['rm', '-f', id]);
});

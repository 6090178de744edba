/**
 * Create bodies with a number (or other non-string) where Go decodes a string are refused with
 * dockerd's 400 and encoding/json wording; nothing is stored, so `ps -a` keeps working for all.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { DOCKER, runProgram } from '../compat/helpers.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

const CASES: Array<[string, string, unknown, RegExp]> = [
  ['/containers/create', 'Labels number', { Image: 'busybox', Labels: { a: 1 } }, /^json: cannot unmarshal number into Go struct field CreateRequest\.Labels of type string$/],
  ['/containers/create', 'Labels not a map', { Image: 'busybox', Labels: ['a'] }, /cannot unmarshal array into Go struct field CreateRequest\.Labels of type map\[string\]string/],
  ['/containers/create', 'Env number', { Image: 'busybox', Env: ['A=1', 2] }, /cannot unmarshal number into Go struct field CreateRequest\.Env of type string/],
  ['/containers/create', 'Cmd bool', { Image: 'busybox', Cmd: ['echo', true] }, /^json: cannot unmarshal array into Go struct field CreateRequest\.Cmd of type string$/],
  ['/containers/create', 'HostConfig.Tmpfs object', { Image: 'busybox', HostConfig: { Tmpfs: { '/t': { size: 1 } } } }, /^json: cannot unmarshal object into Go struct field HostConfig\.HostConfig\.Tmpfs of type string$/],
  ['/containers/create', 'LogConfig.Config number', { Image: 'busybox', HostConfig: { LogConfig: { Type: 'json-file', Config: { 'max-size': 10 } } } }, /Go struct field LogConfig\.HostConfig\.LogConfig\.Config of type string/],
  ['/volumes/create', 'volume Labels', { Name: 'v1', Labels: { a: 1 } }, /cannot unmarshal number into Go struct field CreateOptions\.Labels of type string/],
  ['/volumes/create', 'volume DriverOpts', { Name: 'v2', DriverOpts: { type: true } }, /CreateOptions\.DriverOpts of type string/],
  ['/networks/create', 'network Labels', { Name: 'n1', Labels: { a: 1 } }, /cannot unmarshal number into Go struct field CreateRequest\.Labels of type string/],
  ['/networks/create', 'network Options', { Name: 'n2', Options: { mtu: 1500 } }, /CreateRequest\.Options of type string/],
];

test('non-string values in string fields are a 400 with Go\'s wording, and nothing is stored', async () => {
  for (const [path, what, body, msg] of CASES) {
    const r = await d.api('POST', path, body);
    assert.equal(r.status, 400, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
    assert.match(r.body.message, msg, what);
  }
  assert.deepEqual((await d.api('GET', '/containers/json?all=1')).body, []);
  assert.ok(!(await d.api('GET', '/volumes')).body.Volumes.some((v: any) => ['v1', 'v2'].includes(v.Name)));
  assert.ok(!(await d.api('GET', '/networks')).body.some((n: any) => ['n1', 'n2'].includes(n.Name)));
  const e = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['sleep', '30'] });
  assert.equal(e.status, 201);
  const x = await d.api('POST', `/containers/${e.body.Id}/exec`, { Cmd: ['true'], Env: [1] });
  assert.equal(x.status, 400);
  assert.match(x.body.message, /ExecOptions\.Env of type string/);
  const cm = await d.api('POST', `/commit?container=${e.body.Id}&repo=badcommit`, { Labels: { a: 1 } });
  assert.equal(cm.status, 400, JSON.stringify(cm.body));
  assert.match(cm.body.message, /Go struct field Config\.Labels of type string/);
  const b = await d.api('POST', `/build?t=badbuild&labels=${encodeURIComponent(JSON.stringify({ a: 1 }))}`, '');
  assert.equal(b.status, 400, JSON.stringify(b.body));
  assert.match(b.body.message, /^error reading labels: json: cannot unmarshal number into Go value of type string$/);
  assert.ok(!(await d.api('GET', '/images/json')).body.some((i: any) => (i.RepoTags ?? []).some((t: string) => /^bad(commit|build):/.test(t))));
  // string labels still work, and every client can list
  const ok = await d.api('POST', '/containers/create', { Image: 'busybox', Labels: { a: '1' } });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_HOST: `unix://${d.socket}`, DOCKER_CONFIG: d.root, HOME: d.root };
  delete env.NODE_TEST_CONTEXT; delete env.DOCKER_API_VERSION; delete env.DOCKER_CONTEXT;
  const ps = await runProgram(DOCKER, ['ps', '-a', '--format', '{{.ID}} {{.Labels}}'], { env, timeoutMs: 30_000 });
  assert.equal(ps.code, 0, ps.stderr);
  assert.match(ps.stdout, /a=1/);
  await d.ok(['rm', '-f', e.body.Id, ok.body.Id]);
});

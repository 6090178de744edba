/** images, tag, rmi, history, image inspect, image prune, events, info, version, API errors. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

test('busybox is bootstrapped from the host binary the first time it is asked for', async () => {
  const b = await d.berth(['image', 'bootstrap', 'busybox']);
  assert.equal(b.code, 0, b.stderr);
  const imgs = await d.berth(['images']);
  const lines = imgs.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
  assert.match(imgs.stdout, /^busybox\s+latest\s+[a-f0-9]{12}\s+.+\s+\d+(\.\d+)?[kMG]?B$/m);
});

test('tag, image inspect, history, rmi (refused while in use), prune', async () => {
  assert.equal((await d.berth(['tag', 'busybox', 'mybox:1.0'])).code, 0);
  const ins = JSON.parse((await d.berth(['image', 'inspect', 'mybox:1.0'])).stdout)[0];
  assert.match(ins.Id, /^sha256:[a-f0-9]{64}$/);
  assert.ok(ins.RepoTags.includes('mybox:1.0') && ins.RepoTags.includes('busybox:latest'));
  assert.equal(ins.Os, 'linux');
  assert.equal(ins.RootFS.Type, 'layers');
  assert.deepEqual(ins.Config.Cmd, ['sh']);
  const hist = await d.berth(['history', 'mybox:1.0']);
  assert.match(hist.stdout.split('\n')[0], /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT$/);
  const q = await d.berth(['images', '-q', '--filter', 'reference=mybox']);
  assert.equal(q.stdout.trim(), ins.Id.slice(7, 19));

  await d.berth(['create', '--name', 'user', 'mybox:1.0', 'true']);
  const untag = await d.berth(['rmi', 'mybox:1.0']);
  assert.equal(untag.code, 0, untag.stderr);
  assert.match(untag.stdout, /Untagged: mybox:1\.0/);
  const refused = await d.berth(['rmi', ins.Id]);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /conflict: unable to (delete|remove)/);
  await d.berth(['rm', 'user']);

  const pr = await d.berth(['image', 'prune', '-f']);
  assert.equal(pr.code, 0, pr.stderr);
  assert.match(pr.stdout, /Total reclaimed space/);
});

test('an unknown image: Docker\'s message through the API', async () => {
  const r = await d.api('GET', '/images/nosuchimage:1/json');
  assert.equal(r.status, 404);
  assert.match(r.body.message, /No such image: nosuchimage:1/);
});

test('API: ping headers, version negotiation, JSON errors, malformed bodies, 501 for what is not here yet', async () => {
  const ping = await d.api('GET', '/_ping');
  assert.equal(ping.body, 'OK');
  assert.equal(ping.headers['api-version'], '1.55');
  assert.equal(ping.headers['ostype'], 'linux');
  const head = await d.api('HEAD', '/_ping');
  assert.equal(head.status, 200);
  const v = await d.api('GET', '/v1.44/version');
  assert.equal(v.body.ApiVersion, '1.55');
  assert.equal(v.body.MinAPIVersion, '1.12');
  assert.equal((await d.api('GET', '/v1.99/version')).status, 400);
  const bad = await d.api('POST', '/containers/create', '{not json');
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /invalid JSON/);
  const before = (await d.api('GET', '/containers/json?all=1')).body.length;
  assert.equal((await d.api('POST', '/containers/create', '[1,2]')).status, 400);
  assert.equal((await d.api('GET', '/containers/json?all=1')).body.length, before, 'a bad request changes nothing');
  const nf = await d.api('GET', '/containers/nope/json');
  assert.equal(nf.status, 404);
  assert.match(nf.body.message, /No such container: nope/);
  const session = await d.api('POST', '/session');
  assert.equal(session.status, 501);
  assert.match(session.body.message, /not supported/);
  const info = await d.api('GET', '/info');
  assert.equal(info.body.Driver, 'overlay2');
  assert.match(info.body.CgroupVersion, /^[12]$/);
  assert.ok(info.body.NCPU >= 1 && info.body.MemTotal > 0);
});

test('events are recorded with Docker\'s fields and can be replayed with since/until', async () => {
  const since = Math.floor(Date.now() / 1000) - 1;
  await d.berth(['run', '--name', 'evented', 'busybox', 'true']);
  await d.berth(['rm', 'evented']);
  const until = Math.ceil(Date.now() / 1000) + 1;
  const r = await d.berth(['events', '--since', String(since), '--until', String(until), '--filter', 'container=evented', '--format', '{{.Action}}']);
  assert.equal(r.code, 0, r.stderr);
  const actions = r.stdout.trim().split('\n');
  for (const a of ['create', 'start', 'die', 'destroy']) assert.ok(actions.includes(a), `event ${a} in ${actions.join(',')}`);
  const raw = await d.api('GET', `/events?since=${since}&until=${until}&filters=${encodeURIComponent('{"type":["container"],"event":["die"]}')}`);
  const ev = typeof raw.body === 'string' ? JSON.parse(raw.body.trim().split('\n')[0]) : raw.body;
  assert.equal(ev.Type, 'container');
  assert.equal(ev.Action, 'die');
  assert.equal(ev.Actor.Attributes.exitCode, '0');
  assert.equal(ev.Actor.Attributes.name, 'evented');
  assert.ok(ev.timeNano > 0);
});

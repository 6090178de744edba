/** `restart` of a --rm container restarts it and keeps it (dockerd's HasBeenManuallyRestarted); a later exit still removes it. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

test('restart of a --rm container keeps it; its next stop removes it', async () => {
  await d.ok(['run', '-d', '--rm', '--name', 'rmr', '-v', '/anon', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; echo up; while true; do sleep 1; done']);
  const before = d.api.bind(d);
  const pid1 = (await before('GET', '/containers/rmr/json')).body.State.Pid;
  const r = await d.api('POST', '/containers/rmr/restart?t=5');
  assert.equal(r.status, 204, JSON.stringify(r.body));
  const after1 = await d.api('GET', '/containers/rmr/json');
  assert.equal(after1.status, 200, 'the container is still there');
  assert.equal(after1.body.State.Running, true);
  assert.notEqual(after1.body.State.Pid, pid1, 'it runs a new process');
  assert.equal(after1.body.HostConfig.AutoRemove, true);
  assert.equal((await d.berth(['exec', 'rmr', 'true'])).code, 0);
  // twice over the CLI too
  await d.ok(['restart', '-t', '5', 'rmr']);
  assert.equal((await d.api('GET', '/containers/rmr/json')).body.State.Running, true);
  const anon = (await d.api('GET', '/containers/rmr/json')).body.Mounts[0].Name;
  // --rm still applies to the next exit: the container and its anonymous volume go
  await d.ok(['stop', '-t', '5', 'rmr']);
  await waitFor(async () => (await d.api('GET', '/containers/rmr/json')).status === 404, 15_000, 'auto-remove after stop');
  assert.equal((await d.api('GET', `/volumes/${anon}`)).status, 404);
});

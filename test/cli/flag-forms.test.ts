/** Docker's flag forms through the real berth CLI against a daemon: run, create, exec, ps, commit. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon } from '../helpers/daemon.js';

test('--rm=false, -d=false, -e=FOO=1, -it=false, -a=true and booleans that never take the next argument', async (t) => {
  const d = await startDaemon();
  t.after(() => d.cleanup());
  await d.ok(['pull', 'busybox'], { timeoutMs: 120_000 });

  // --sig-proxy is a boolean: busybox is the image, true the command
  const sp = await d.berth(['run', '--rm', '--sig-proxy', 'busybox', 'true']);
  assert.equal(sp.code, 0, sp.stderr);
  const off = await d.berth(['run', '--rm', '--sig-proxy=false', 'busybox', 'echo', 'no-proxy']);
  assert.equal(off.stdout, 'no-proxy\n', off.stderr);

  assert.equal(await d.ok(['run', '--rm=false', '-d=false', '--name', 'kept', '-e=FOO=1', '-it=false', 'busybox', 'sh', '-c', 'echo $FOO; [ -t 0 ] || echo notty']), '1\nnotty\n');
  const kept = JSON.parse(await d.ok(['inspect', 'kept']))[0];
  assert.equal(kept.HostConfig.AutoRemove, false);
  assert.equal(kept.Config.Tty, false);
  assert.equal(kept.Config.OpenStdin, true, '-i stays on in -it=false');

  await d.ok(['create', '--name', 'made', '--rm=false', '-e=BAR=2', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done']);
  await d.ok(['start', 'made']);
  assert.equal(await d.ok(['exec', '-e=X=y', '-d=false', 'made', 'sh', '-c', 'echo $BAR$X']), '2y\n');
  assert.equal(await d.ok(['exec', '--detach=false', '-i=false', 'made', 'echo', '-d=false']), '-d=false\n', 'the command keeps its own flags');

  const all = (await d.ok(['ps', '-a=true', '--format', '{{.Names}}'])).trim().split('\n').sort();
  assert.deepEqual(all, ['kept', 'made']);
  assert.deepEqual((await d.ok(['ps', '--all=false', '--format', '{{.Names}}'])).trim().split('\n'), ['made']);

  const bad = await d.berth(['ps', '-a=maybe']);
  assert.equal(bad.code, 125);
  assert.match(bad.stderr, /invalid argument "maybe" for "-a, --all" flag: strconv\.ParseBool: parsing "maybe": invalid syntax/);
});

/**
 * The dockerd test helper itself: dockerd + containerd start in a namespace of their own, take
 * busybox from a test berth daemon, run a container, and leave nothing behind (processes, mounts,
 * cgroups, the namespace, the directory, /etc/docker/key.json when it was not there).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { startDaemon } from '../helpers/daemon.js';
import { dockerdMissing, startDockerd } from '../helpers/dockerd.js';

test('dockerd helper: own namespace, busybox from berth, a container, a clean cleanup', { skip: dockerdMissing(), timeout: 240_000 }, async (t) => {
  const berth = await startDaemon();
  t.after(() => berth.cleanup());
  const pulled = await berth.api('POST', '/images/create?fromImage=busybox&tag=latest');
  assert.equal(pulled.status, 200);
  const keyExisted = existsSync('/etc/docker/key.json');
  const dockerd = await startDockerd();
  t.after(() => dockerd.cleanup());

  // docker0 lives in the helper's namespace, not in the test's
  assert.equal(existsSync('/sys/class/net/docker0'), false);
  // dockerd and containerd run in the helper's namespace (same inode as its /run/netns file)
  const netnsInode = statSync(`/run/netns/${dockerd.netns}`).ino;
  for (const pid of [dockerd.pids.dockerd, dockerd.pids.containerd]) assert.equal(readlinkSync(`/proc/${pid}/ns/net`), `net:[${netnsInode}]`);

  await dockerd.loadImages(berth.socket, ['busybox:latest']);
  const run = await dockerd.docker(['run', '--rm', 'busybox', 'sh', '-c', 'echo hello from dockerd; exit 3'], { timeoutMs: 60_000 });
  assert.equal(run.stdout, 'hello from dockerd\n');
  assert.equal(run.code, 3);
  const kept = await dockerd.docker(['run', '-d', 'busybox', 'sleep', '300']);
  assert.equal(kept.code, 0, kept.stderr);

  const { dir, netns, pids, cgroupParent } = dockerd;
  await dockerd.cleanup();
  assert.equal(existsSync(dir), false);
  assert.equal(existsSync(`/run/netns/${netns}`), false);
  for (const pid of [pids.dockerd, pids.containerd]) assert.equal(existsSync(`/proc/${pid}/cmdline`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').length > 0, false);
  assert.equal(readFileSync('/proc/self/mountinfo', 'utf8').includes(dir), false);
  for (const h of readdirSync('/sys/fs/cgroup')) assert.equal(existsSync(`/sys/fs/cgroup/${h}/${cgroupParent}`), false, `cgroup ${h}/${cgroupParent} left`);
  if (!keyExisted) assert.equal(existsSync('/etc/docker/key.json'), false);
});

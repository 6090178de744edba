/** The rootless modules' pure parts: subordinate id lines, the map arguments, uid_map text, the limit check. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapArgs, parseSubIdRanges, requireSubIds } from '../../src/rootless/subid.js';
import { parseIdMap } from '../../src/rootless/namespace.js';
import { rootlessConfigFile, rootlessRoot, rootlessRunRoot } from '../../src/rootless/paths.js';
import { parseUsernsMode } from '../../src/runtime/userns.js';
import { BerthError } from '../../src/common/errors.js';

test('subordinate id lines: by name or uid, several ranges, comments and empty counts ignored', () => {
  const text = '# x\nalice:100000:65536\nbob:165536:65536\n1001:300000:1000\nalice:500000:0\nalice:600000:10\n';
  assert.deepEqual(parseSubIdRanges(text, 'alice', 1000), [{ start: 100000, count: 65536 }, { start: 600000, count: 10 }]);
  assert.deepEqual(parseSubIdRanges(text, 'carol', 1001), [{ start: 300000, count: 1000 }]);
  assert.deepEqual(parseSubIdRanges(text, 'dave', 1002), []);
});

test('a missing line is ERR_ROOTLESS_SUBID naming the line to add', () => {
  const dir = mkdtempSync('/tmp/berth-rl-pure-');
  try {
    const f = join(dir, 'subuid');
    writeFileSync(f, 'bob:165536:65536\n');
    assert.throws(() => requireSubIds(f, 'uid', 'alice', 1000), (e: BerthError) => e.code === 'ERR_ROOTLESS_SUBID' && e.message.includes(`echo alice:100000:65536 >> ${f}`));
    assert.throws(() => requireSubIds(join(dir, 'absent'), 'gid', 'alice', 1000), (e: BerthError) => e.code === 'ERR_ROOTLESS_SUBID' && /usermod --add-subgids/.test(e.message));
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('newuidmap arguments: 0 is the user, the ranges follow from 1', () => {
  assert.deepEqual(mapArgs(1000, [{ start: 100000, count: 65536 }]), ['0', '1000', '1', '1', '100000', '65536']);
  assert.deepEqual(mapArgs(1000, [{ start: 100000, count: 10 }, { start: 200000, count: 5 }]), ['0', '1000', '1', '1', '100000', '10', '11', '200000', '5']);
});

test('uid_map text', () => {
  assert.deepEqual(parseIdMap('         0       1001          1\n         1     100000      65536\n'),
    [{ inside: 0, outside: 1001, count: 1 }, { inside: 1, outside: 100000, count: 65536 }]);
});

test('XDG defaults of the rootless engine', () => {
  const env = { HOME: '/home/a', XDG_RUNTIME_DIR: '/run/user/1000' };
  assert.equal(rootlessRoot(env), '/home/a/.local/share/berth');
  assert.equal(rootlessRunRoot(env), '/run/user/1000/berth');
  assert.equal(rootlessConfigFile(env), '/home/a/.config/berth/daemon.json');
  assert.equal(rootlessRoot({ ...env, XDG_DATA_HOME: '/d' }), '/d/berth');
});

test('--userns=keep-id parses strictly: uid= and gid= only, once each, plain decimal ids', () => {
  assert.deepEqual(parseUsernsMode('keep-id'), { kind: 'keep-id' });
  assert.deepEqual(parseUsernsMode('keep-id:uid=1000,gid=100'), { kind: 'keep-id', uid: 1000, gid: 100 });
  assert.deepEqual(parseUsernsMode('keep-id:gid=0'), { kind: 'keep-id', gid: 0 });
  for (const bad of ['keep-id:', 'keep-id:uid=', 'keep-id:uid=-1', 'keep-id:uid=01', 'keep-id:uid=1,uid=2', 'keep-id:size=10',
    'keep-id:uid=1000,', 'keep-id:uid=4294967295', 'keep-id:uid=1;gid=1', 'keep-idx']) {
    assert.throws(() => parseUsernsMode(bad), (e: BerthError) => e.code === 'ERR_USERNS' && e.status === 400, bad);
  }
});

test('keep-id maps: the kept id on the daemon\'s 0, the ids below shifted up by one, the rest as they are; refused when rootful', async () => {
  const { keepIdMaps, keepIdUser } = await import('../../src/runtime/userns-keepid.js');
  const ns = { uid: 1001, gid: 1002, name: 'alice', uidCount: 65537, gidCount: 65537 };
  const maps = keepIdMaps({}, ns);
  assert.deepEqual(maps.uid, [{ containerId: 0, hostId: 1, size: 1001 }, { containerId: 1001, hostId: 0, size: 1 }, { containerId: 1002, hostId: 1002, size: 64535 }]);
  assert.deepEqual(maps.gid[1], { containerId: 1002, hostId: 0, size: 1 });
  assert.deepEqual(keepIdUser(maps), { uid: 1001, gid: 1002 });
  assert.deepEqual(keepIdMaps({ uid: 0, gid: 0 }, ns).uid, [{ containerId: 0, hostId: 0, size: 1 }, { containerId: 1, hostId: 1, size: 65536 }]);
  assert.deepEqual(keepIdMaps({ uid: 65536, gid: 5 }, ns).uid, [{ containerId: 0, hostId: 1, size: 65536 }, { containerId: 65536, hostId: 0, size: 1 }]);
  assert.throws(() => keepIdMaps({ uid: 65537 }, ns), (e: BerthError) => e.code === 'ERR_USERNS' && e.status === 400 && /outside the rootless namespace/.test(e.message));
  assert.throws(() => keepIdMaps({}, undefined), (e: BerthError) => e.code === 'ERR_USERNS' && e.status === 501 && /only with a rootless daemon/.test(e.message));
});

test('a rootfs mount refused with "permission denied" stays a mount error, not the command\'s (exit 126)', async () => {
  const { classifyStartError } = await import('../../src/container/start-errors.js');
  const { SystemError } = await import('../../src/common/errors.js');
  const mount = classifyStartError(new SystemError('mount overlay on /x/merged: mount: /x/merged: permission denied.', 'ERR_MOUNT'), 'sh');
  assert.equal(mount.error.code, 'ERR_MOUNT');
  assert.equal(mount.exitCode, 128);
  const exec = classifyStartError(new Error('crun: exec: Permission denied'), 'sh');
  assert.equal(exec.exitCode, 126);
});

/**
 * Per-container user namespaces (--userns=auto, explicit maps) with real containers:
 * root inside is a range of unprivileged ids on the host, the image looks owned by
 * root, two containers never share ids, and bad maps fail before anything exists.
 * The daemon uses subordinate-id files of the test's own (BERTH_SUBUID_FILE/BERTH_SUBGID_FILE),
 * so the host's /etc/subuid is left alone.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { parseUsernsMode, mapToHost } from '../../src/runtime/userns.js';
import { pickFreeStart } from '../../src/runtime/userns-subid.js';
import { mapToContainer } from '../../src/runtime/userns-tar.js';

const work = mkdtempSync('/tmp/berth-userns-');
const subuid = join(work, 'subuid');
const subgid = join(work, 'subgid');
// another user's range right where berth would like to start: berth must go around it
writeFileSync(subuid, 'someone:100000000:200000\n');
writeFileSync(subgid, 'someone:100000000:200000\n');
process.env.BERTH_SUBUID_FILE = subuid;
process.env.BERTH_SUBGID_FILE = subgid;

let d: TestDaemon;
before(async () => {
  d = await startDaemon();
  // the helper's temp dir is private (0700); a user-namespaced root must be able to pass through it, as through /var/lib
  chmodSync(dirname(d.root), 0o711);
});
after(async () => {
  await d?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

async function ok(args: string[]): Promise<string> {
  const r = await d.berth(args);
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

async function pidOf(id: string): Promise<number> {
  return Number(await ok(['inspect', '-f', '{{.State.Pid}}', id]));
}

/** The first line of /proc/<pid>/uid_map as [inside, outside, size]. */
function uidMapOf(pid: number): number[] {
  return readFileSync(`/proc/${pid}/uid_map`, 'utf8').trim().split('\n')[0].trim().split(/\s+/).map(Number);
}

function hostUid(pid: number): number {
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

function berthLine(path: string): number[] {
  const line = readFileSync(path, 'utf8').split('\n').find((l) => l.startsWith('berth:'));
  assert.ok(line, `no berth line in ${path}`);
  return line.split(':').slice(1).map(Number);
}

test('--userns=auto: root inside, an unprivileged range on the host, the image owned by root', async () => {
  const hostDir = mkdtempSync(join(work, 'bind-'));
  chmodSync(hostDir, 0o755);
  writeFileSync(join(hostDir, 'secret'), 'x', { mode: 0o600 });
  const id = await ok(['run', '-d', '--userns=auto', '-v', `${hostDir}:/data`, 'busybox', 'sleep', '300']);
  try {
    // berth added its own range, around the other user's
    const [start, size] = berthLine(subuid);
    assert.ok(start >= 100_200_000 && size >= 65536, `berth range ${start}:${size}`);
    assert.deepEqual(berthLine(subgid)[0] >= 100_200_000, true);

    const pid = await pidOf(id);
    const [inside, outside, count] = uidMapOf(pid);
    assert.deepEqual([inside, count], [0, 65536]);
    assert.ok(outside >= start && outside + count <= start + size, `range ${outside} inside berth's ${start}:${size}`);
    assert.equal(hostUid(pid), outside, 'the container process runs as the mapped uid on the host');

    assert.match(await ok(['exec', id, 'id']), /^uid=0\(root\) gid=0\(root\)/);
    assert.equal(await ok(['exec', id, 'stat', '-c', '%u:%g', '/bin/busybox', '/etc/passwd', '/']), '0:0\n0:0\n0:0');
    // exec joins the same user namespace
    assert.equal(await ok(['exec', id, 'sh', '-c', 'cat /proc/self/uid_map']).then((s) => s.split(/\s+/).map(Number)).then((a) => a[1]), outside);

    // what root writes lands in the upper dir with the mapped ids
    await ok(['exec', id, 'sh', '-c', 'echo hi > /created && mkdir /tmp/dir']);
    const upper = await ok(['inspect', '-f', '{{.GraphDriver.Data.UpperDir}}', id]);
    assert.equal(statSync(join(upper, 'created')).uid, outside);
    assert.equal(statSync(join(upper, 'created')).gid, uidMapOf(pid)[1]);
    assert.equal(statSync(join(upper, 'tmp', 'dir')).uid, outside);

    // root in the container is nobody to the host's files
    const bind = await d.berth(['exec', id, 'sh', '-c', 'touch /data/x; cat /data/secret; chown 0 /data; stat -c %u /data']);
    assert.match(bind.stderr + bind.stdout, /Permission denied/);
    assert.match(bind.stdout, /^65534$/m, 'a host-root-owned dir is the overflow id inside');
    assert.throws(() => statSync(join(hostDir, 'x')));

    // the default seccomp profile still applies: no nested user namespace, filter mode 2
    const sc = await d.berth(['exec', id, 'sh', '-c', 'grep ^Seccomp: /proc/self/status; unshare -U true && echo ESCAPED; true']);
    assert.match(sc.stdout, /^Seccomp:\s+2$/m);
    assert.doesNotMatch(sc.stdout, /ESCAPED/);
  } finally {
    await d.berth(['rm', '-f', id]);
  }
});

test('two --userns=auto containers get disjoint ranges; explicit maps are checked against them', async () => {
  const a = await ok(['run', '-d', '--userns', 'auto', 'busybox', 'sleep', '300']);
  const b = await ok(['run', '-d', '--userns', 'auto:size=100000', 'busybox', 'sleep', '300']);
  const ids = [a, b];
  try {
    const [, aStart, aSize] = uidMapOf(await pidOf(a));
    const [, bStart, bSize] = uidMapOf(await pidOf(b));
    assert.equal(bSize, 100000);
    assert.ok(aStart + aSize <= bStart || bStart + bSize <= aStart, `ranges ${aStart}+${aSize} and ${bStart}+${bSize} overlap`);

    const before = await ok(['ps', '-aq', '--no-trunc']);
    // overlaps a's range
    const clash = await d.berth(['create', '--uidmap', `0:${aStart + 10}:65536`, 'busybox', 'true']);
    assert.equal(clash.code, 125, clash.stderr);
    assert.match(clash.stderr, new RegExp(`overlaps host uids ${aStart}-${aStart + aSize - 1} of container ${a.slice(0, 12)}`));
    // outside berth's subordinate ids
    const outside = await d.berth(['create', '--userns', 'uidmap=0:5000:65536', 'busybox', 'true']);
    assert.notEqual(outside.code, 0);
    assert.match(outside.stderr, /outside the subordinate uids of user berth/);
    // malformed
    for (const bad of ['uidmap=0:abc:10', 'auto:size=x', 'uidmap=1:200000000:10', 'uidmap=0:200000000:10,uidmap=5:300000000:10', 'bogus']) {
      const r = await d.berth(['create', '--userns', bad, 'busybox', 'true']);
      assert.notEqual(r.code, 0, bad);
      assert.match(r.stderr, /invalid --userns/, bad);
    }
    const gidOnly = await d.berth(['create', '--gidmap', '0:200000000:10', 'busybox', 'true']);
    assert.match(gidOnly.stderr, /--gidmap needs --uidmap/);
    const priv = await d.berth(['create', '--userns', 'auto', '--network', 'host', 'busybox', 'true']);
    assert.match(priv.stderr, /--network=host cannot be combined with a private user namespace/);
    assert.equal(await ok(['ps', '-aq', '--no-trunc']), before, 'no container was created by bad input');

    // an explicit map beyond both, with a gid map of its own
    const [start, size] = berthLine(subuid);
    const free = Math.max(aStart + aSize, bStart + bSize);
    assert.ok(free + 65536 <= start + size);
    const c = await ok(['run', '-d', '--uidmap', `0:${free}:65536`, '--gidmap', `0:${free + 65536}:65536`, 'busybox', 'sleep', '300']);
    ids.push(c);
    const pid = await pidOf(c);
    assert.deepEqual(uidMapOf(pid), [0, free, 65536]);
    assert.match(readFileSync(`/proc/${pid}/gid_map`, 'utf8'), new RegExp(`^\\s*0\\s+${free + 65536}\\s+65536`));
    assert.equal(await ok(['exec', c, 'stat', '-c', '%u:%g', '/bin/busybox']), '0:0');

    // rm releases a's range: a map over it is accepted now
    await ok(['rm', '-f', a]);
    ids.shift();
    const again = await ok(['create', '--uidmap', `0:${aStart}:65536`, 'busybox', 'true']);
    ids.push(again);
  } finally {
    for (const id of ids) await d.berth(['rm', '-f', id]);
  }
});

test('a stopped --userns container starts again with the same range', async () => {
  const id = await ok(['run', '-d', '--userns=auto', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; echo > /mark; while true; do sleep 1; done']);
  try {
    const first = uidMapOf(await pidOf(id));
    await ok(['stop', '-t', '5', id]);
    await ok(['start', id]);
    assert.deepEqual(uidMapOf(await pidOf(id)), first);
    assert.equal(await ok(['exec', id, 'stat', '-c', '%u', '/mark', '/bin/busybox']), '0\n0');
    // a committed layer carries container ids, not the host ids of the upper dir
    await ok(['commit', id, 'userns-commit:test']);
    assert.equal(await ok(['run', '--rm', 'userns-commit:test', 'stat', '-c', '%u:%g', '/mark']), '0:0');
  } finally {
    await d.berth(['rm', '-f', id]);
    await d.berth(['rmi', '-f', 'userns-commit:test']);
  }
});

test('--userns=keep-id is refused by a rootful daemon (it keeps the rootless user; there is none here)', async () => {
  const r = await d.berth(['create', '--userns', 'keep-id', 'busybox', 'true']);
  assert.equal(r.code, 125, r.stdout);
  assert.match(r.stderr, /--userns=keep-id works only with a rootless daemon/);
  assert.equal(await ok(['ps', '-aq']), '', 'nothing was created');
});

test('UsernsMode grammar and id arithmetic', () => {
  assert.deepEqual(parseUsernsMode(''), { kind: 'host' });
  assert.deepEqual(parseUsernsMode('host'), { kind: 'host' });
  assert.deepEqual(parseUsernsMode('auto'), { kind: 'auto', size: 65536 });
  assert.deepEqual(parseUsernsMode('auto:size=1000'), { kind: 'auto', size: 1000 });
  const m = parseUsernsMode('uidmap=0:200000000:1000,uidmap=1000:300000000:10');
  assert.equal(m.kind, 'maps');
  if (m.kind !== 'maps') return;
  assert.deepEqual(m.maps.gid, m.maps.uid, 'gids default to the uid maps');
  assert.equal(mapToHost(m.maps.uid, 1005), 300000005);
  assert.equal(mapToHost(m.maps.uid, 2000), undefined);
  assert.equal(mapToContainer(m.maps.uid, 200000999), 999);
  assert.equal(mapToContainer(m.maps.uid, 5), 65534);
  for (const bad of ['auto:size=0', 'auto:bogus', 'uidmap=0:1:0', 'uidmap=0:1', 'gidmap=0:1:1', 'uidmap=0:4294967290:100', 'private']) {
    assert.throws(() => parseUsernsMode(bad), /invalid --userns/, bad);
  }
  assert.equal(pickFreeStart([], 1000), 100_000_000);
  assert.equal(pickFreeStart([{ start: 99_000_000, size: 2_000_000 }], 1000), 101_056_512, 'past the other range, aligned to 65536');
  assert.equal(pickFreeStart([{ start: 0, size: 2 ** 32 - 1 }], 1000), undefined);
});

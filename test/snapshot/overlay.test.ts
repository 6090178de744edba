import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, chown, lstat, mkdir, readdir, readFile, rm, utimes, writeFile, link, symlink } from 'node:fs/promises';
import { runOk } from '../../src/common/exec.js';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { enginePaths } from '../../src/common/paths.js';
import { openDatabase, type Db } from '../../src/store/db.js';
import { LayerStore, chainIdOf } from '../../src/snapshot/layer-store.js';
import { SnapshotStore } from '../../src/snapshot/overlay.js';
import { ensureMounted, lowerDirsOf, mountAll, mountOption, unmountAll } from '../../src/snapshot/mounts.js';
import { tarDirectory } from '../../src/snapshot/tar-pack.js';
import { unpackLayer } from '../../src/snapshot/tar-unpack.js';
import { readXattrs } from '../../src/snapshot/xattr.js';
import { assertNoMountsUnder, buildTar, mountsUnder, streamOf, tempDir } from './helpers.js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { sha256 } from '../../src/common/digest.js';

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const root = await mkdtemp(join(tmpdir(), 'berth-overlay-'));
  const paths = enginePaths(join(root, 'root'), join(root, 'run'));
  const db: Db = openDatabase(paths.db);
  const layers = new LayerStore(db, paths);
  const snapshots = new SnapshotStore(db, paths, layers);
  // One hook, in order: unmount everything this test made, close the db, check, delete.
  t.after(async () => {
    try {
      for (const s of snapshots.list()) await snapshots.remove(s.key);
      db.close();
      await assertNoMountsUnder(root);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
  return { root, paths, db, layers, snapshots };
}

/** The caller mounts a snapshot's mount descriptions, at its mountpoint by convention. */
async function mountSnapshot(snapshots: SnapshotStore, key: string): Promise<string> {
  const target = snapshots.mountpoint(key);
  await ensureMounted(await snapshots.mounts(key), target);
  return target;
}

interface Listed { name: string; type: string; linkname?: string; body?: string; mode: number; uid: number; pax?: unknown }
async function listTar(stream: Readable): Promise<Listed[]> {
  const extract = tar.extract();
  stream.pipe(extract as unknown as NodeJS.WritableStream);
  const out: Listed[] = [];
  for await (const e of extract) {
    const chunks: Buffer[] = [];
    for await (const c of e) chunks.push(c as Buffer);
    out.push({ name: e.header.name, type: e.header.type, linkname: e.header.linkname || undefined, body: chunks.length ? Buffer.concat(chunks).toString() : undefined, mode: e.header.mode, uid: e.header.uid, pax: e.header.pax ?? undefined });
  }
  return out;
}

const base = () => buildTar([
  { name: 'etc/', type: 'directory', mode: 0o755 },
  { name: 'etc/passwd', body: 'root:x:0:0\n' },
  { name: 'etc/hosts', body: '127.0.0.1 localhost\n' },
  { name: 'opt/', type: 'directory' },
  { name: 'opt/a', body: 'a' },
  { name: 'opt/b', body: 'b' },
  { name: 'bin/sh', body: '#!' , mode: 0o755 },
]);

test('register: chain ids, short lower dirs, idempotence, diffId verification', async (t) => {
  const { layers, paths } = await setup(t);
  const baseTar = await base();
  const l1 = await layers.register(null, streamOf(baseTar));
  assert.equal(l1.chainId, l1.diffId);
  assert.match(l1.dir, new RegExp(`^${paths.snapshots}/l/[a-z0-9]{12}$`));
  assert.equal(await readFile(join(l1.dir, 'etc/passwd'), 'utf8'), 'root:x:0:0\n');
  const again = await layers.register(null, streamOf(baseTar));
  assert.deepEqual(again, l1);
  const again2 = await layers.register(null, streamOf(baseTar), l1.diffId);
  assert.deepEqual(again2, l1);

  const topTar = await buildTar([{ name: 'etc/.wh.hosts' }, { name: 'new', body: 'n' }]);
  const l2 = await layers.register(l1.chainId, streamOf(topTar));
  assert.equal(l2.chainId, chainIdOf([l1.diffId, l2.diffId]));
  assert.equal(l2.chainId, sha256(`${l1.diffId} ${l2.diffId}`));
  assert.deepEqual(layers.lowerDirs(l2.chainId), [l2.dir, l1.dir]);
  assert.deepEqual(layers.lowerDirs(null), []);
  assert.equal(layers.list().length, 2);

  const bad = await buildTar([{ name: 'x', body: 'x' }]);
  await assert.rejects(layers.register(null, streamOf(bad), 'sha256:' + '0'.repeat(64)), { code: 'ERR_DIGEST_MISMATCH' });
  assert.equal(layers.list().length, 2);
  assert.deepEqual(await readdir(join(paths.snapshots, 'tmp')), []);
  assert.equal((await readdir(join(paths.snapshots, 'l'))).length, 2, 'no directory left by the failed register');

  const hostile = await buildTar([{ name: '../escape', body: 'x' }]);
  await assert.rejects(layers.register(null, streamOf(hostile)), { name: 'ArchiveError' });
  assert.equal((await readdir(join(paths.snapshots, 'l'))).length, 2);

  await assert.rejects(layers.remove(l1.chainId), { code: 'ERR_LAYER_IN_USE' });
  await layers.remove(l2.chainId);
  await layers.remove(l1.chainId);
  assert.deepEqual(layers.list(), []);
  assert.deepEqual(await readdir(join(paths.snapshots, 'l')), []);
});

test('cleanupOrphans removes dirs without a row', async (t) => {
  const { layers, paths } = await setup(t);
  const l1 = await layers.register(null, streamOf(await base()));
  await mkdir(join(paths.snapshots, 'l', 'abcdefabcdef'));
  await mkdir(join(paths.snapshots, 'tmp', 'layer-0011223344556677'));
  layers.cleanupOrphans();
  assert.deepEqual(await readdir(join(paths.snapshots, 'l')), [l1.dir.split('/').pop()]);
  assert.deepEqual(await readdir(join(paths.snapshots, 'tmp')), []);
});

test('keep-id\'s chowned layer copies: orphans and half-made ones go at start-up, the rest with their layer', async (t) => {
  const { layers, paths } = await setup(t);
  const l1 = await layers.register(null, streamOf(await base()));
  const short = l1.dir.split('/').pop()!;
  const mine = layers.shiftedDir(l1.dir)!;
  assert.equal(mine, join(paths.snapshots, 'shifted', short));
  assert.equal(layers.shiftedDir(join(paths.snapshots, 'empty')), undefined, 'not a layer\'s dir');
  await mkdir(join(mine, 'aaaa'), { recursive: true });
  await mkdir(join(mine, 'bbbb.partial'), { recursive: true });
  await mkdir(join(paths.snapshots, 'shifted', 'abcdefabcdef', 'cccc'), { recursive: true });
  layers.cleanupOrphans();
  assert.deepEqual(await readdir(join(paths.snapshots, 'shifted')), [short]);
  assert.deepEqual(await readdir(mine), ['aaaa']);
  await layers.remove(l1.chainId);
  assert.deepEqual(await readdir(join(paths.snapshots, 'shifted')), []);
});

test('snapshot with no layers mounts over an empty lower dir', async (t) => {
  const { snapshots, root } = await setup(t);
  await snapshots.create('empty1', null);
  const merged = await mountSnapshot(snapshots, 'empty1');
  assert.deepEqual(await readdir(merged), []);
  await writeFile(join(merged, 'f'), 'x');
  assert.equal(await readFile(join(snapshots.upperDir('empty1'), 'f'), 'utf8'), 'x');
  await snapshots.unmount('empty1');
  await snapshots.unmount('empty1'); // tolerated
  assert.deepEqual(await mountsUnder(root), []);
  await snapshots.remove('empty1');
  assert.equal(snapshots.get('empty1'), undefined);
});

test('register + mount + write + diffTar + re-unpack roundtrip, changes()', async (t) => {
  const { layers, snapshots, root } = await setup(t);
  const l1 = await layers.register(null, streamOf(await base()));
  const l2 = await layers.register(l1.chainId, streamOf(await buildTar([{ name: 'etc/.wh.hosts' }, { name: 'srv/new', body: 'n' }])));
  await snapshots.create('c1', l2.chainId);
  await assert.rejects(snapshots.create('c1', l2.chainId), { code: 'ERR_SNAPSHOT_EXISTS' });
  const merged = await mountSnapshot(snapshots, 'c1');
  assert.equal(await ensureMounted(await snapshots.mounts('c1'), merged), false, 'ensureMounted leaves a mounted rootfs alone');
  assert.equal((await mountsUnder(merged)).length, 1);

  // the lower whiteout hides etc/hosts
  assert.deepEqual((await readdir(join(merged, 'etc'))).sort(), ['passwd']);
  assert.equal(await readFile(join(merged, 'srv/new'), 'utf8'), 'n');

  // changes in the container
  await writeFile(join(merged, 'etc/passwd'), 'root:x:0:0\nme:x:1000:1000\n');
  await rm(join(merged, 'bin/sh'));
  await rm(join(merged, 'opt'), { recursive: true });
  await mkdir(join(merged, 'opt'));
  await writeFile(join(merged, 'opt/c'), 'c');
  await mkdir(join(merged, 'home/me'), { recursive: true });
  await writeFile(join(merged, 'home/me/f'), 'f');
  await link(join(merged, 'home/me/f'), join(merged, 'home/me/f2'));
  await symlink('../etc/passwd', join(merged, 'home/pw'));

  const changes = await snapshots.changes('c1');
  assert.deepEqual(changes, [
    { Path: '/bin', Kind: 0 },
    { Path: '/bin/sh', Kind: 2 },
    { Path: '/etc', Kind: 0 },
    { Path: '/etc/passwd', Kind: 0 },
    { Path: '/home', Kind: 1 },
    { Path: '/home/me', Kind: 1 },
    { Path: '/home/me/f', Kind: 1 },
    { Path: '/home/me/f2', Kind: 1 },
    { Path: '/home/pw', Kind: 1 },
    { Path: '/opt', Kind: 0 },
    { Path: '/opt/a', Kind: 2 },
    { Path: '/opt/b', Kind: 2 },
    { Path: '/opt/c', Kind: 1 },
  ]);

  const entries = await listTar(snapshots.diffTar('c1'));
  const byName = new Map(entries.map((e) => [e.name, e]));
  assert.ok(byName.has('bin/.wh.sh'), 'deleted file becomes a whiteout entry');
  assert.ok(byName.has('opt/.wh..wh..opq'), 'recreated dir becomes opaque');
  assert.equal(byName.get('etc/passwd')?.body, 'root:x:0:0\nme:x:1000:1000\n');
  assert.equal(byName.get('home/me/f2')?.type, 'link');
  assert.equal(byName.get('home/me/f2')?.linkname, 'home/me/f');
  assert.equal(byName.get('home/pw')?.type, 'symlink');
  assert.ok(!entries.some((e) => JSON.stringify(e.pax ?? {}).includes('trusted.overlay')), 'no overlay bookkeeping in the diff');

  // re-unpack the diff as a new layer and mount a fresh snapshot on top
  const l3 = await layers.register(l2.chainId, snapshots.diffTar('c1'));
  await snapshots.create('c2', l3.chainId);
  const m2 = await mountSnapshot(snapshots, 'c2');
  assert.equal(await readFile(join(m2, 'etc/passwd'), 'utf8'), 'root:x:0:0\nme:x:1000:1000\n');
  assert.ok(!existsSync(join(m2, 'bin/sh')));
  assert.deepEqual(await readdir(join(m2, 'opt')), ['c']);
  const f = await lstat(join(m2, 'home/me/f'));
  const f2 = await lstat(join(m2, 'home/me/f2'));
  assert.equal(f.ino, f2.ino);
  assert.equal(await readFile(join(m2, 'home/pw'), 'utf8'), 'root:x:0:0\nme:x:1000:1000\n');
  assert.equal((await readXattrs(join(l3.dir, 'opt'))).get('trusted.overlay.opaque')?.toString(), 'y');
  assert.deepEqual(await snapshots.changes('c2'), []);

  await snapshots.remove('c1');
  await snapshots.remove('c2');
  assert.deepEqual(await mountsUnder(root), []);
  assert.equal(existsSync(snapshots.mountpoint('c1')), false);
});

test('mounts() describes the overlay: lower dirs top-most first, upper, work; volatile on request', async (t) => {
  const { layers, snapshots } = await setup(t);
  const l1 = await layers.register(null, streamOf(await base()));
  const l2 = await layers.register(l1.chainId, streamOf(await buildTar([{ name: 'srv/new', body: 'n' }])));
  await snapshots.create('d1', l2.chainId);
  const [m, ...more] = await snapshots.mounts('d1');
  assert.equal(more.length, 0);
  assert.equal(m.type, 'overlay');
  assert.deepEqual(lowerDirsOf(m), [l2.dir, l1.dir]);
  assert.equal(mountOption(m, 'upperdir'), snapshots.upperDir('d1'));
  assert.equal(mountOption(m, 'workdir'), snapshots.workDir('d1'));
  assert.ok(!m.options.includes('volatile'));
  assert.ok((await snapshots.mounts('d1', { volatile: true }))[0].options.includes('volatile'));
  // describing mounts nothing
  assert.deepEqual(await mountsUnder(snapshots.mountpoint('d1')), []);
  // any target will do: the caller picks it
  const elsewhere = join(snapshots.containersDir, 'd1', 'elsewhere');
  await mkdir(elsewhere);
  await mountAll(await snapshots.mounts('d1', { volatile: true }), elsewhere);
  assert.equal(await readFile(join(elsewhere, 'srv/new'), 'utf8'), 'n');
  await writeFile(join(elsewhere, 'f'), 'x');
  assert.equal(await readFile(join(snapshots.upperDir('d1'), 'f'), 'utf8'), 'x');
  await unmountAll(elsewhere);
  // a volatile mount leaves a marker the next mount must clear
  assert.equal(await mountSnapshot(snapshots, 'd1'), snapshots.mountpoint('d1'));
  assert.equal(await readFile(join(snapshots.mountpoint('d1'), 'f'), 'utf8'), 'x');
  await snapshots.remove('d1');
});

test('long lower chains mount with relative lower dirs', async (t) => {
  const { layers, snapshots, root } = await setup(t);
  let parent: string | null = null;
  for (let i = 0; i < 120; i++) {
    const rec = await layers.register(parent, streamOf(await buildTar([{ name: `f${i}`, body: String(i) }])));
    parent = rec.chainId;
  }
  assert.ok(layers.lowerDirs(parent).join(':').length > 4096);
  await snapshots.create('long', parent);
  const merged = await mountSnapshot(snapshots, 'long');
  assert.equal((await readdir(merged)).length, 120);
  assert.equal(await readFile(join(merged, 'f0'), 'utf8'), '0');
  assert.equal(await readFile(join(merged, 'f119'), 'utf8'), '119');
  await snapshots.remove('long');
  assert.deepEqual(await mountsUnder(root), []);
});

test('cleanupStale unmounts and removes snapshots no container owns', async (t) => {
  const { layers, snapshots, root } = await setup(t);
  const l1 = await layers.register(null, streamOf(await base()));
  await snapshots.create('live', l1.chainId);
  await snapshots.create('dead', l1.chainId);
  await mountSnapshot(snapshots, 'live');
  await mountSnapshot(snapshots, 'dead');
  await mkdir(join(snapshots.containersDir, 'orphan', 'upper'), { recursive: true });
  await snapshots.cleanupStale(new Set(['live']));
  assert.deepEqual(snapshots.list().map((s) => s.key), ['live']);
  assert.deepEqual(await readdir(snapshots.containersDir), ['live']);
  assert.deepEqual(await mountsUnder(root), [snapshots.mountpoint('live')]);
  await snapshots.remove('live');
  assert.deepEqual(await mountsUnder(root), []);
});

test('tarDirectory packs a tree that unpacks to the same tree', async (t) => {
  const src = await tempDir(t);
  await mkdir(join(src, 'd/e'), { recursive: true });
  await writeFile(join(src, 'd/e/file'), 'content');
  await link(join(src, 'd/e/file'), join(src, 'd/hard'));
  await symlink('e/file', join(src, 'd/soft'));
  await writeFile(join(src, 'empty'), '');
  await chown(join(src, 'd/e/file'), 123, 456);
  await chmod(join(src, 'd/e/file'), 0o640);
  await utimes(join(src, 'd/e/file'), new Date(1_234_567_890_000), new Date(1_234_567_890_000));
  await runOk('setfattr', ['-n', 'user.note', '-v', 'kept', join(src, 'd/e/file')]);
  await runOk('mknod', [join(src, 'tty9'), 'c', '4', '9']);
  const dest = await tempDir(t);
  await unpackLayer(tarDirectory(src), dest);
  assert.equal(await readFile(join(dest, 'd/e/file'), 'utf8'), 'content');
  assert.equal((await lstat(join(dest, 'd/hard'))).ino, (await lstat(join(dest, 'd/e/file'))).ino);
  assert.equal(await readFile(join(dest, 'd/soft'), 'utf8'), 'content');
  assert.equal(await readFile(join(dest, 'empty'), 'utf8'), '');
  const st = await lstat(join(dest, 'd/e/file'));
  assert.equal(st.uid, 123);
  assert.equal(st.gid, 456);
  assert.equal(st.mode & 0o7777, 0o640);
  assert.equal(st.mtimeMs, 1_234_567_890_000);
  assert.equal((await readXattrs(join(dest, 'd/e/file'))).get('user.note')?.toString(), 'kept');
  assert.equal((await lstat(join(dest, 'tty9'))).rdev, (await lstat(join(src, 'tty9'))).rdev);
});

test('removeMany: layers still built on (a mounted container snapshot, another chain) are kept and reported while the others go', async (t) => {
  const { layers, snapshots, paths } = await setup(t);
  const file = (name: string, body: string) => buildTar([{ name, body }]);
  // shared <- mine (a chain); used: under a container's mounted snapshot; free1, free2: nothing on them
  const shared = await layers.register(null, streamOf(await file('shared', 's')));
  const mine = await layers.register(shared.chainId, streamOf(await file('mine', 'm')));
  const other = await layers.register(shared.chainId, streamOf(await file('other', 'o')));
  const used = await layers.register(null, streamOf(await file('used', 'u')));
  const free1 = await layers.register(null, streamOf(await file('free1', '1')));
  const free2 = await layers.register(null, streamOf(await file('free2', '22')));
  await snapshots.create('ctr', used.chainId);
  const merged = await mountSnapshot(snapshots, 'ctr');
  await writeFile(join(merged, 'written'), 'w');

  const kept: Array<[string, string]> = [];
  const gone = 'sha256:' + 'f'.repeat(64);
  // children before parents, as an image prune gives them: mine, then shared (still under other)
  const removed = await layers.removeMany([used.chainId, free1.chainId, mine.chainId, shared.chainId, gone, free2.chainId], (id, reason) => kept.push([id, reason]));

  assert.deepEqual(removed.map((l) => l.chainId), [free1.chainId, mine.chainId, free2.chainId]);
  assert.deepEqual(kept, [
    [used.chainId, `layer ${used.chainId} is used by a container snapshot`],
    [shared.chainId, `layer ${shared.chainId} is the parent of another layer`],
  ], 'the busy ones are reported with the reason; a layer already gone is passed over');
  assert.deepEqual(layers.list().map((l) => l.chainId).sort(), [shared.chainId, other.chainId, used.chainId].sort());
  for (const l of [free1, mine, free2]) assert.ok(!existsSync(l.dir), `${l.dir} removed`);
  for (const l of [shared, other, used]) assert.ok(existsSync(l.dir), `${l.dir} kept`);
  // the container's view is untouched: its layer and what it wrote
  assert.equal(await readFile(join(merged, 'used'), 'utf8'), 'u');
  assert.equal(await readFile(join(merged, 'written'), 'utf8'), 'w');
  assert.deepEqual(layers.lowerDirs(other.chainId), [other.dir, shared.dir], 'the other chain still resolves');

  // once the snapshot is gone and the other chain given first, the rest goes in one call
  await snapshots.remove('ctr');
  const rest = await layers.removeMany([other.chainId, shared.chainId, used.chainId], () => assert.fail('nothing busy'));
  assert.deepEqual(rest.map((l) => l.chainId), [other.chainId, shared.chainId, used.chainId]);
  assert.deepEqual(layers.list(), []);
  assert.deepEqual(await readdir(join(paths.snapshots, 'l')), []);
});

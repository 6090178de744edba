import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, readFile, readlink, readdir, writeFile, mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { unpackLayer } from '../../src/snapshot/tar-unpack.js';
import { readXattrs } from '../../src/snapshot/xattr.js';
import { devMajor, devMinor } from '../../src/snapshot/devices.js';
import { buildTar, streamOf, tempDir, type TarEntry } from './helpers.js';

const T1 = new Date(1_500_000_000_000);
const T2 = new Date(1_400_000_000_000);

const normalLayer: TarEntry[] = [
  { name: 'etc/', type: 'directory', mode: 0o755, mtime: T2 },
  { name: 'etc/hello.txt', body: 'hello world\n', mode: 0o640, uid: 1000, gid: 1001, mtime: T1, pax: { 'SCHILY.xattr.user.comment': 'greeting' } },
  { name: 'etc/hello-link', type: 'link', linkname: 'etc/hello.txt' },
  { name: 'etc/sym', type: 'symlink', linkname: '/etc/hello.txt', uid: 7, gid: 8, mtime: T1 },
  { name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 },
  { name: 'dev/loop9', type: 'block-device', devmajor: 7, devminor: 9, mode: 0o660, gid: 6 },
  { name: 'run/fifo', type: 'fifo', mode: 0o600 },
  { name: 'bin/setuid', body: '#!/bin/sh\n', mode: 0o4755 },
  { name: '/abs/file', body: 'leading slash is relative to the root' },
  { name: './dot/file', body: 'dot' },
  { name: 'x'.repeat(120) + '/long-name-' + 'y'.repeat(120), body: 'pax path' },
];

test('unpacks every entry kind with owners, modes, times and xattrs', async (t) => {
  const dest = await tempDir(t);
  const tarBuf = await buildTar(normalLayer);
  const { diffId, size } = await unpackLayer(streamOf(tarBuf), dest);
  assert.equal(diffId, 'sha256:' + createHash('sha256').update(tarBuf).digest('hex'));
  assert.equal(size, 12 + 10 + 37 + 3 + 8);

  const hello = await lstat(join(dest, 'etc/hello.txt'));
  assert.equal(await readFile(join(dest, 'etc/hello.txt'), 'utf8'), 'hello world\n');
  assert.equal(hello.mode & 0o7777, 0o640);
  assert.equal(hello.uid, 1000);
  assert.equal(hello.gid, 1001);
  assert.equal(hello.mtimeMs, T1.getTime());
  assert.equal((await readXattrs(join(dest, 'etc/hello.txt'))).get('user.comment')?.toString(), 'greeting');

  const link = await lstat(join(dest, 'etc/hello-link'));
  assert.equal(link.ino, hello.ino, 'hardlink shares the inode');
  assert.equal(hello.nlink, 2);

  assert.equal(await readlink(join(dest, 'etc/sym')), '/etc/hello.txt');
  const sym = await lstat(join(dest, 'etc/sym'));
  assert.equal(sym.uid, 7);
  assert.equal(sym.mtimeMs, T1.getTime());

  const nul = await lstat(join(dest, 'dev/null'));
  assert.ok(nul.isCharacterDevice());
  assert.equal(devMajor(nul.rdev), 1);
  assert.equal(devMinor(nul.rdev), 3);
  assert.equal(nul.mode & 0o7777, 0o666);
  const loop = await lstat(join(dest, 'dev/loop9'));
  assert.ok(loop.isBlockDevice());
  assert.equal(devMajor(loop.rdev), 7);
  assert.equal(devMinor(loop.rdev), 9);
  assert.equal(loop.gid, 6);
  assert.ok((await lstat(join(dest, 'run/fifo'))).isFIFO());
  assert.equal((await lstat(join(dest, 'bin/setuid'))).mode & 0o7777, 0o4755);
  assert.equal(await readFile(join(dest, 'abs/file'), 'utf8'), 'leading slash is relative to the root');
  assert.equal(await readFile(join(dest, 'dot/file'), 'utf8'), 'dot');
  assert.equal(await readFile(join(dest, 'x'.repeat(120), 'long-name-' + 'y'.repeat(120)), 'utf8'), 'pax path');
  // directory mtimes are set after their children were written
  assert.equal((await lstat(join(dest, 'etc'))).mtimeMs, T2.getTime());
});

test('detects gzip and zstd compression; diffId is the digest of the plain tar', async (t) => {
  const tarBuf = await buildTar([{ name: 'a.txt', body: 'compressed' }]);
  const expected = 'sha256:' + createHash('sha256').update(tarBuf).digest('hex');
  const gz = await tempDir(t);
  assert.equal((await unpackLayer(streamOf(gzipSync(tarBuf)), gz)).diffId, expected);
  assert.equal(await readFile(join(gz, 'a.txt'), 'utf8'), 'compressed');

  const zst = await tempDir(t);
  const zstd = execFileSync('zstd', ['-q', '-c'], { input: tarBuf });
  assert.equal((await unpackLayer(streamOf(zstd), zst)).diffId, expected);
  assert.equal(await readFile(join(zst, 'a.txt'), 'utf8'), 'compressed');
});

test('zstd layers unpack with Node\'s own zstd: no zstd program needed; a corrupt one is an error', async (t) => {
  const dest = await tempDir(t);
  const zstd = zstdCompressSync(await buildTar([{ name: 'a', body: 'a' }]));
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    await unpackLayer(streamOf(zstd), dest);
    assert.equal(readFileSync(join(dest, 'a'), 'utf8'), 'a');
    const corrupt = Buffer.concat([zstd.subarray(0, 8), Buffer.alloc(64, 0xab)]);
    await assert.rejects(unpackLayer(streamOf(corrupt), await tempDir(t)));
  } finally {
    process.env.PATH = saved;
  }
});

test('corrupt gzip and garbage are ArchiveErrors', async (t) => {
  const dest = await tempDir(t);
  const gz = gzipSync(await buildTar([{ name: 'a', body: 'x'.repeat(1000) }]));
  await assert.rejects(unpackLayer(streamOf(gz.subarray(0, gz.length - 30)), dest), { name: 'ArchiveError' });
  await assert.rejects(unpackLayer(streamOf(Buffer.alloc(1024, 7)), dest), { name: 'ArchiveError' });
});

test("mode 'apply' deletes whited-out paths and empties opaque dirs", async (t) => {
  const dest = await tempDir(t);
  await mkdir(join(dest, 'keep'), { recursive: true });
  await mkdir(join(dest, 'opq/sub'), { recursive: true });
  await writeFile(join(dest, 'gone.txt'), 'old');
  await writeFile(join(dest, 'opq/old.txt'), 'old');
  await writeFile(join(dest, 'keep/stay.txt'), 'old');
  await unpackLayer(streamOf(await buildTar([
    { name: '.wh.gone.txt' },
    { name: 'opq/', type: 'directory' },
    { name: 'opq/.wh..wh..opq' },
    { name: 'opq/new.txt', body: 'new' },
    { name: 'missing/.wh.nothing' },
  ])), dest, { mode: 'apply' });
  assert.deepEqual((await readdir(dest)).sort(), ['keep', 'opq']);
  assert.deepEqual(await readdir(join(dest, 'opq')), ['new.txt']);
  assert.deepEqual(await readdir(join(dest, 'keep')), ['stay.txt']);
});

test("mode 'overlay' turns whiteouts into char 0:0 nodes and opaque markers into an xattr", async (t) => {
  const dest = await tempDir(t);
  await unpackLayer(streamOf(await buildTar([
    { name: 'etc/.wh.passwd' },
    { name: 'var/', type: 'directory' },
    { name: 'var/.wh..wh..opq' },
    { name: 'var/new', body: 'n' },
  ])), dest, { mode: 'overlay' });
  const wh = await lstat(join(dest, 'etc/passwd'));
  assert.ok(wh.isCharacterDevice());
  assert.equal(wh.rdev, 0);
  assert.equal((await readXattrs(join(dest, 'var'))).get('trusted.overlay.opaque')?.toString(), 'y');
  assert.deepEqual(await readdir(join(dest, 'var')), ['new']);
  assert.deepEqual(await readdir(join(dest, 'etc')), ['passwd']);
});

test('a later entry replaces an earlier one of another kind', async (t) => {
  const dest = await tempDir(t);
  await unpackLayer(streamOf(await buildTar([
    { name: 'p', body: 'file first' },
    { name: 'p/', type: 'directory' },
    { name: 'p/inner', body: 'in dir' },
    { name: 'q/', type: 'directory' },
    { name: 'q/child', body: 'c' },
    { name: 'q', type: 'symlink', linkname: 'p' },
  ])), dest);
  assert.equal(await readFile(join(dest, 'p/inner'), 'utf8'), 'in dir');
  assert.equal(await readlink(join(dest, 'q')), 'p');
});

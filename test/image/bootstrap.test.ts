import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lstatSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { imageEnv, tarNames } from './helpers.js';
import { bootstrapImage, hostDebianSources } from '../../src/image/bootstrap.js';
import { createGunzip } from 'node:zlib';

test('busybox bootstrap: real rootfs from the host busybox, deterministic ID', async (t) => {
  const env = await imageEnv(t);
  const img = await bootstrapImage(env.images, 'busybox');
  assert.deepEqual(img.repoTags, ['docker.io/library/busybox:latest']);
  assert.equal(env.images.resolve('busybox').id, img.id);
  assert.deepEqual(img.config.config.Cmd, ['sh']);
  const dir = env.layers.get(img.topChainId!)!.dir;
  assert.ok(statSync(join(dir, 'bin/busybox')).isFile());
  assert.equal(statSync(join(dir, 'bin/busybox')).mode & 0o777, 0o755);
  assert.ok(lstatSync(join(dir, 'bin/sh')).isSymbolicLink());
  assert.equal(readlinkSync(join(dir, 'bin/sh')), 'busybox');
  assert.ok(lstatSync(join(dir, 'bin/ls')).isSymbolicLink());
  assert.match(readFileSync(join(dir, 'etc/passwd'), 'utf8'), /^root:x:0:0:root:\/root:\/bin\/sh$/m);
  assert.match(readFileSync(join(dir, 'etc/passwd'), 'utf8'), /^nobody:x:65534:65534:/m);
  assert.match(readFileSync(join(dir, 'etc/group'), 'utf8'), /^root:x:0:$/m);
  assert.equal(statSync(join(dir, 'tmp')).mode & 0o7777, 0o1777);
  for (const d of ['root', 'home', 'var', 'dev', 'proc', 'sys']) assert.ok(statSync(join(dir, d)).isDirectory(), d);
  // the gzip blob holds the same tree (save/push use it)
  const names = await tarNames(env.content.stream(img.layers[0].blobDigest).pipe(createGunzip()));
  assert.ok(names.has('bin/busybox') && names.get('bin/sh')?.type === 'symlink');
  // bootstrapping again gives the same image
  const again = await bootstrapImage(env.images, 'busybox');
  assert.equal(again.id, img.id);
  assert.equal(env.images.list().length, 1);
});

test('debian sources are read from the host apt configuration', () => {
  const lines = hostDebianSources();
  assert.ok(lines.length > 0);
  assert.match(lines[0], /^deb \S+ bookworm /);
});

test('debian bootstrap with mmdebstrap', { skip: process.env.BERTH_TEST_DEBIAN !== '1' ? 'set BERTH_TEST_DEBIAN=1 (takes minutes)' : false, timeout: 20 * 60_000 }, async (t) => {
  const env = await imageEnv(t);
  const img = await bootstrapImage(env.images, 'debian');
  assert.deepEqual(img.repoTags.sort(), ['docker.io/library/debian:bookworm', 'docker.io/library/debian:latest']);
  const dirs = env.layers.lowerDirs(img.topChainId);
  assert.match(readFileSync(join(dirs[0], 'etc/os-release'), 'utf8'), /bookworm/);
  assert.ok(statSync(join(dirs[0], 'usr/bin/bash')).isFile());
  assert.deepEqual(img.config.config.Cmd, ['bash']);
});

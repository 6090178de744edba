import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dirTree } from '../../src/sbom/dir-tree.js';
import { layeredTree } from '../../src/sbom/layered-tree.js';
import { detectDistro } from '../../src/sbom/distro.js';
import type { FileTree } from '../../src/sbom/file-tree.js';
import { dir, file, makeLayers, symlinkTo, tempDir } from './helpers.js';

function paths(tree: FileTree, from = '/'): string[] {
  return [...tree.walk(from, () => true)].map((e) => e.path);
}

test('layered tree: whiteouts, opaque dirs, replaced files and layer attribution', async (t) => {
  const layers = await makeLayers(t, [
    [
      dir('etc/'), dir('usr/'), dir('usr/lib/'),
      file('usr/lib/os-release', 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n'),
      symlinkTo('etc/os-release', '../usr/lib/os-release'),
      dir('a/'), file('a/gone', 'one'), file('a/kept', 'two'), file('a/changed', 'old'),
      dir('opq/'), file('opq/x', 'x'), dir('opq/sub/'), file('opq/sub/deep', 'd'),
      dir('d2f/'), file('d2f/inner', 'i'),
    ],
    [
      dir('a/'), file('a/.wh.gone', ''), file('a/changed', 'new'),
      dir('opq/'), file('opq/.wh..wh..opq', ''), file('opq/z', 'z'),
      file('d2f', 'now a file'),
    ],
  ]);
  const tree = layeredTree(layers);
  const [l0, l1] = layers.map((l) => l.digest);

  assert.equal(tree.stat('/a/gone'), undefined);
  assert.equal(tree.stat('/a/kept')?.layerDigest, l0);
  assert.equal(tree.stat('/a/changed')?.layerDigest, l1);
  assert.equal((await tree.readFile('/a/changed')).toString(), 'new');
  assert.deepEqual(tree.readDir('/a'), ['changed', 'kept']);
  assert.deepEqual(tree.readDir('/opq'), ['z']);
  assert.equal(tree.stat('/opq/x'), undefined);
  assert.equal(tree.stat('/opq/sub/deep'), undefined);
  assert.equal(tree.stat('/d2f')?.kind, 'file');
  assert.equal(tree.stat('/d2f/inner'), undefined);
  assert.equal(tree.stat('/a')?.kind, 'dir');
  assert.equal(tree.stat('/a')?.layerDigest, l1);
  assert.equal(tree.stat('/etc/os-release')?.kind, 'symlink');

  const all = paths(tree);
  assert.deepEqual(all, [
    '/a', '/a/changed', '/a/kept', '/d2f', '/etc', '/etc/os-release', '/opq', '/opq/z', '/usr', '/usr/lib', '/usr/lib/os-release',
  ]);
  const entries = [...tree.walk('/', (e) => e.kind === 'file')];
  assert.equal(entries.find((e) => e.path === '/a/kept')?.layerDigest, l0);
  assert.equal(entries.find((e) => e.path === '/opq/z')?.layerDigest, l1);
  assert.equal(entries.find((e) => e.path === '/a/kept')?.size, 3);

  const distro = await detectDistro(tree);
  assert.deepEqual(distro, { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)' });
});

test('layered tree: a directory removed and made again in a later layer shows only the new contents', async (t) => {
  const layers = await makeLayers(t, [
    [dir('var/'), dir('var/lib/'), file('var/lib/old', 'o')],
    [dir('var/'), file('var/.wh.lib', '')],
    [dir('var/'), dir('var/lib/'), file('var/lib/new', 'n')],
  ]);
  const tree = layeredTree(layers);
  assert.deepEqual(tree.readDir('/var/lib'), ['new']);
  assert.equal(tree.stat('/var/lib/new')?.layerDigest, layers[2]!.digest);
});

test('hostile symlinks resolve inside the tree and loops end', async (t) => {
  const base = await tempDir(t);
  const root = join(base, 'root');
  await mkdir(join(root, 'etc'), { recursive: true });
  await writeFile(join(base, 'secret'), 'host secret');
  await writeFile(join(root, 'etc', 'inside'), 'inside');
  await symlink('../../secret', join(root, 'etc', 'up'));
  await symlink('/etc/inside', join(root, 'etc', 'abs'));
  await symlink(join(base, 'secret'), join(root, 'hostabs'));
  await symlink('../../../../..', join(root, 'etc', 'dotdot'));
  await symlink('loop2', join(root, 'loop1'));
  await symlink('loop1', join(root, 'loop2'));
  await mkdir(join(root, 'proc', 'self'), { recursive: true });
  await writeFile(join(root, 'proc', 'self', 'status'), 'x');

  const tree = dirTree(root);
  await assert.rejects(tree.readFile('/etc/up'));
  await assert.rejects(tree.readFile('/hostabs'));
  assert.equal((await tree.readFile('/etc/abs')).toString(), 'inside');
  assert.equal((await tree.readFile('/etc/dotdot/etc/inside')).toString(), 'inside');
  assert.deepEqual(tree.readDir('/etc/dotdot'), ['etc', 'hostabs', 'loop1', 'loop2', 'proc']);
  await assert.rejects(tree.readFile('/loop1'));
  assert.equal(tree.stat('/loop1/x'), undefined);
  assert.equal(tree.stat('/../../secret'), undefined);
  assert.equal(tree.stat('/etc/inside')?.layerDigest, undefined);
  // the walk does not follow symlinks and never enters /proc
  assert.deepEqual(paths(tree), ['/etc', '/etc/abs', '/etc/dotdot', '/etc/inside', '/etc/up', '/hostabs', '/loop1', '/loop2']);
  assert.deepEqual(paths(tree, '/proc'), []);
});

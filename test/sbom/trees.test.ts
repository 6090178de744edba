import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dirTree } from '../../src/sbom/dir-tree.js';
import { isOpaqueDir } from '../../src/sbom/opaque.js';
import { libcFunction } from '../../src/common/libc.js';
import { layeredTree } from '../../src/sbom/layered-tree.js';
import { detectDistro, parseOsRelease } from '../../src/sbom/distro.js';
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

  // opaque dirs are seen through lgetxattr(2), not a getfattr process per directory
  assert.doesNotThrow(() => libcFunction('lgetxattr'));
  assert.equal(isOpaqueDir(join(layers[1]!.dir, 'opq')), true);
  assert.equal(isOpaqueDir(join(layers[1]!.dir, 'a')), false);

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

  // the copies of a file the layers hold, top first, down to the first that hides the rest
  assert.deepEqual(tree.layerCopies!('/a/changed').map((c) => c.layerDigest), [l1, l0]);
  assert.deepEqual(await Promise.all(tree.layerCopies!('/a/changed').map(async (c) => (await c.read()).toString())), ['new', 'old']);
  assert.deepEqual(tree.layerCopies!('/a/kept').map((c) => c.layerDigest), [l0]);
  assert.deepEqual(tree.layerCopies!('/opq/z').map((c) => c.layerDigest), [l1]);
  assert.deepEqual(tree.layerCopies!('/a/gone'), []);

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
  assert.deepEqual(tree.layerCopies!('/var/lib/new').map((c) => c.layerDigest), [layers[2]!.digest]);
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

test('a missing directory is refused, not read as empty', async (t) => {
  const base = await tempDir(t);
  assert.throws(() => dirTree(join(base, 'nope')), { code: 'ERR_SBOM_SOURCE' });
  assert.throws(() => layeredTree([{ digest: 'sha256:' + '0'.repeat(64), dir: join(base, 'nope') }]), /sha256:0{64}/);
});

test('os-release: quoting, comments, and /usr/lib/os-release when /etc has none', async (t) => {
  assert.deepEqual(parseOsRelease('# comment\nID="ubuntu"\nVERSION_ID=\'22.04\'\nPRETTY_NAME="Ubuntu \\"Jammy\\" \\$x"\nVERSION_CODENAME=jammy\nbroken line\n'), {
    ID: 'ubuntu', VERSION_ID: '22.04', PRETTY_NAME: 'Ubuntu "Jammy" $x', VERSION_CODENAME: 'jammy',
  });
  const root = await tempDir(t);
  assert.equal(await detectDistro(dirTree(root)), undefined);
  await mkdir(join(root, 'usr/lib'), { recursive: true });
  await writeFile(join(root, 'usr/lib/os-release'), 'ID=Fedora\nVERSION_ID=39\n');
  assert.deepEqual(await detectDistro(dirTree(root)), { id: 'fedora', versionId: '39' });
  await mkdir(join(root, 'etc'));
  await writeFile(join(root, 'etc/os-release'), 'NAME=nothing\n'); // no ID: the next file is asked
  assert.deepEqual(await detectDistro(dirTree(root)), { id: 'fedora', versionId: '39' });
});

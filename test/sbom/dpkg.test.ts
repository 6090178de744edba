import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dirTree } from '../../src/sbom/dir-tree.js';
import { layeredTree } from '../../src/sbom/layered-tree.js';
import { generateSbom } from '../../src/sbom/generate.js';
import { dpkgCataloger } from '../../src/sbom/catalogers/dpkg.js';
import { isValidSpdx } from '../../src/sbom/licenses.js';
import { dir, file, makeLayers, tempDir } from './helpers.js';

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n';

function stanza(name: string, version: string, extra: Record<string, string> = {}, status = 'install ok installed'): string {
  const fields: Record<string, string> = {
    Package: name, Status: status, Priority: 'optional', 'Installed-Size': '100', Maintainer: 'Someone <s@example.org>',
    Architecture: 'amd64', Version: version, Description: `the ${name} package\n more text\n .\n and more`, ...extra,
  };
  return Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n';
}

const DEP5 = (license: string) => `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\nUpstream-Name: x\n\nFiles: *\nCopyright: 2020 Someone\nLicense: ${license}\n\nFiles: debian/*\nCopyright: 2021 Other\nLicense: Expat\n\nLicense: ${license}\n Full text here.\n`;

test('the host\'s own dpkg database through dirTree', async () => {
  const sbom = await generateSbom(dirTree('/'), { type: 'directory', name: '/' }, { catalogers: [dpkgCataloger] });
  assert.equal(sbom.distro?.id, 'debian');
  assert.deepEqual(sbom.warnings, []);
  for (const name of ['bash', 'coreutils']) {
    const version = execFileSync('dpkg-query', ['-W', '-f=${Version}', name], { encoding: 'utf8' });
    const arch = execFileSync('dpkg-query', ['-W', '-f=${Architecture}', name], { encoding: 'utf8' });
    const pkg = sbom.packages.find((p) => p.name === name);
    assert.ok(pkg, `${name} is listed`);
    assert.equal(pkg.version, version);
    assert.equal(pkg.arch, arch);
    assert.equal(pkg.type, 'deb');
    assert.ok(pkg.purl.startsWith(`pkg:deb/debian/${name}@${version}?arch=${arch}&distro=debian-${sbom.distro?.versionId}`), pkg.purl);
    assert.deepEqual(pkg.locations, [{ path: '/var/lib/dpkg/status' }]);
    assert.ok(pkg.licenses.includes('GPL-3.0-or-later'), `${name}: ${pkg.licenses.join(', ')}`);
    for (const l of pkg.licenses) assert.ok(isValidSpdx(l), l);
  }
  const count = execFileSync('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\n'], { encoding: 'utf8' }).split('\n').filter((s) => /^[ih]i/.test(s)).length;
  assert.equal(sbom.packages.length, count);
  const libc = sbom.packages.find((p) => p.name === 'libc6');
  assert.equal(libc?.sourceName, 'glibc');
  assert.match(libc!.purl, /upstream=glibc/);
});

test('dpkg over real layers: a package removed in a later layer is gone, each package names the layer that added it', async (t) => {
  const layers = await makeLayers(t, [
    [
      dir('etc/'), file('etc/os-release', OS_RELEASE),
      dir('var/'), dir('var/lib/'), dir('var/lib/dpkg/'),
      file('var/lib/dpkg/status', [
        stanza('base-files', '12.4+deb12u5'),
        stanza('libfoo1', '1.2-3+b1', { Source: 'foo (1.2-3)', 'Multi-Arch': 'same' }),
        stanza('removed-later', '2.0-1', { Architecture: 'all' }),
        stanza('config-only', '1.0-1', {}, 'deinstall ok config-files'),
      ].join('\n')),
      dir('usr/'), dir('usr/share/'), dir('usr/share/doc/'), dir('usr/share/doc/libfoo1/'),
      file('usr/share/doc/libfoo1/copyright', DEP5('GPL-2+ or Artistic, and BSD-3-clause')),
      dir('usr/share/doc/base-files/'),
      file('usr/share/doc/base-files/copyright', 'This is Debian prepackaged.\nSee /usr/share/common-licenses/GPL-2.\n'),
    ],
    [
      dir('var/'), dir('var/lib/'), dir('var/lib/dpkg/'),
      file('var/lib/dpkg/status', [
        stanza('base-files', '12.4+deb12u5'),
        stanza('libfoo1', '1.2-3+b1', { Source: 'foo (1.2-3)' }),
        stanza('held', '3.0-1', {}, 'hold ok installed'),
        stanza('half', '3.0-1', {}, 'install reinstreq half-installed'),
      ].join('\n')),
    ],
    [
      dir('var/'), dir('var/lib/'), dir('var/lib/dpkg/'),
      file('var/lib/dpkg/status', [
        stanza('base-files', '12.4+deb12u6'),
        stanza('libfoo1', '1.2-3+b1', { Source: 'foo (1.2-3)' }),
        stanza('held', '3.0-1', {}, 'hold ok installed'),
      ].join('\n')),
    ],
  ]);
  const sbom = await generateSbom(layeredTree(layers), { type: 'image', name: 'test', layers: layers.map((l) => l.digest) }, { catalogers: [dpkgCataloger] });
  assert.deepEqual(sbom.warnings, []);
  assert.deepEqual(sbom.packages.map((p) => p.name), ['base-files', 'held', 'libfoo1']);
  const foo = sbom.packages.find((p) => p.name === 'libfoo1')!;
  assert.equal(foo.purl, 'pkg:deb/debian/libfoo1@1.2-3+b1?arch=amd64&distro=debian-12&upstream=foo%401.2-3');
  assert.equal(foo.sourceName, 'foo');
  assert.equal(foo.sourceVersion, '1.2-3');
  assert.deepEqual(foo.licenses, ['(GPL-2.0-or-later OR Artistic-1.0) AND BSD-3-Clause', 'MIT']);
  // unchanged since the first layer, upgraded in the third, installed in the second
  assert.deepEqual(foo.locations, [{ path: '/var/lib/dpkg/status', layerDigest: layers[0]!.digest }]);
  const base = sbom.packages.find((p) => p.name === 'base-files')!;
  assert.equal(base.version, '12.4+deb12u6');
  assert.deepEqual(base.locations, [{ path: '/var/lib/dpkg/status', layerDigest: layers[2]!.digest }]);
  assert.deepEqual(sbom.packages.find((p) => p.name === 'held')!.locations, [{ path: '/var/lib/dpkg/status', layerDigest: layers[1]!.digest }]);
  assert.deepEqual(foo.metadata, { maintainer: 'Someone <s@example.org>', installedSize: 100 });
  assert.deepEqual(sbom.packages.find((p) => p.name === 'base-files')!.licenses, ['GPL-2.0-only']);
});

test('distroless status.d: one file per package, md5sums skipped, a broken file warned about', async (t) => {
  const root = await tempDir(t);
  await mkdir(join(root, 'var/lib/dpkg/status.d'), { recursive: true });
  await mkdir(join(root, 'etc'));
  await writeFile(join(root, 'etc/os-release'), OS_RELEASE);
  await writeFile(join(root, 'var/lib/dpkg/status.d/base-files'), stanza('base-files', '12.4+deb12u5').replace(/^Status:.*\n/m, ''));
  await writeFile(join(root, 'var/lib/dpkg/status.d/base-files.md5sums'), 'd41d8cd98f00b204e9800998ecf8427e  etc/debian_version\n');
  await writeFile(join(root, 'var/lib/dpkg/status.d/tzdata'), stanza('tzdata', '2024a-0+deb12u1', { Architecture: 'all' }).replace(/^Status:.*\n/m, ''));
  await writeFile(join(root, 'var/lib/dpkg/status.d/broken'), Buffer.from([0x50, 0x61, 0x63, 0, 0, 1, 2, 3]));
  await writeFile(join(root, 'var/lib/dpkg/status.d/noversion'), 'Package: nover\nArchitecture: amd64\n');
  const sbom = await generateSbom(dirTree(root), { type: 'directory', name: root }, { catalogers: [dpkgCataloger] });
  assert.deepEqual(sbom.packages.map((p) => [p.name, p.version, p.locations[0]!.path]), [
    ['base-files', '12.4+deb12u5', '/var/lib/dpkg/status.d/base-files'],
    ['tzdata', '2024a-0+deb12u1', '/var/lib/dpkg/status.d/tzdata'],
  ]);
  assert.equal(sbom.packages[1]!.purl, 'pkg:deb/debian/tzdata@2024a-0+deb12u1?arch=all&distro=debian-12');
  assert.deepEqual(sbom.warnings.map((w) => [w.cataloger, w.path]), [
    ['dpkg', '/var/lib/dpkg/status.d/broken'],
    ['dpkg', '/var/lib/dpkg/status.d/noversion'],
  ]);
});

test('a corrupt status file: a warning naming it, the good paragraphs still listed', async (t) => {
  const root = await tempDir(t);
  await mkdir(join(root, 'var/lib/dpkg'), { recursive: true });
  const good = stanza('good', '1.0-1');
  // a truncated file: the last paragraph was cut in the middle of its Version line
  await writeFile(join(root, 'var/lib/dpkg/status'), good + '\n' + 'garbage line without colon\n\n' + 'Package: cut\nStatus: install ok installed\nVersi');
  const sbom = await generateSbom(dirTree(root), { type: 'directory', name: root }, { catalogers: [dpkgCataloger] });
  assert.deepEqual(sbom.packages.map((p) => p.name), ['good']);
  assert.equal(sbom.warnings.length, 2);
  assert.ok(sbom.warnings.every((w) => w.path === '/var/lib/dpkg/status' && w.cataloger === 'dpkg'));
  assert.equal(sbom.packages[0]!.purl, 'pkg:deb/debian/good@1.0-1?arch=amd64');
});

test('a status file far larger than any real one is refused with a warning, not read', async (t) => {
  const root = await tempDir(t);
  await mkdir(join(root, 'var/lib/dpkg'), { recursive: true });
  // sparse: 600 MB on paper, nothing on disk
  execFileSync('truncate', ['-s', '600M', join(root, 'var/lib/dpkg/status')]);
  const sbom = await generateSbom(dirTree(root), { type: 'directory', name: root }, { catalogers: [dpkgCataloger] });
  assert.deepEqual(sbom.packages, []);
  assert.equal(sbom.warnings.length, 1);
  assert.match(sbom.warnings[0]!.message, /not read: 629145600 bytes is more than/);
});

test('hostile database paths: a symlink to a host file and a FIFO are warnings, never host content or a hang', async (t) => {
  const root = await tempDir(t);
  await mkdir(join(root, 'var/lib/dpkg/status.d'), { recursive: true });
  await mkdir(join(root, 'lib/apk/db'), { recursive: true });
  // the host's own status file: followed inside the tree it does not exist
  await symlink('/var/lib/dpkg/status', join(root, 'var/lib/dpkg/status'));
  await symlink('../../../../../../../var/lib/dpkg/status', join(root, 'var/lib/dpkg/status.d/escape'));
  execFileSync('mkfifo', [join(root, 'lib/apk/db/installed')]);
  const sbom = await generateSbom(dirTree(root), { type: 'directory', name: root });
  assert.deepEqual(sbom.packages, []);
  assert.deepEqual(sbom.warnings.map((w) => [w.cataloger, w.path]).sort(), [
    ['apk', '/lib/apk/db/installed'], ['dpkg', '/var/lib/dpkg/status'], ['dpkg', '/var/lib/dpkg/status.d/escape'],
  ]);
  assert.ok(sbom.warnings.every((w) => /cannot read/.test(w.message)), JSON.stringify(sbom.warnings));
});

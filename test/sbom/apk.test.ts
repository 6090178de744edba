import { test } from 'node:test';
import assert from 'node:assert/strict';
import { layeredTree } from '../../src/sbom/layered-tree.js';
import { generateSbom } from '../../src/sbom/generate.js';
import { apkCataloger, apkLicense } from '../../src/sbom/catalogers/apk.js';
import { dir, file, makeLayers } from './helpers.js';

// The real format of /lib/apk/db/installed (as apk-tools 2 writes it on Alpine 3.19), file lists included.
const INSTALLED = `C:Q1ej8e2Z4lKkd4UXnrQRtbD1gCiIU=
P:musl
V:1.2.4_git20230717-r4
A:x86_64
S:407278
I:663552
T:the musl c library (libc) implementation
U:https://musl.libc.org/
L:MIT
o:musl
m:Timo Teräs <timo.teras@iki.fi>
t:1699526656
c:86d8ed19b9e7f2d44e76ed4f0d8f8e6ed2f8b4c4
p:so:libc.musl-x86_64.so.1=1
F:lib
R:ld-musl-x86_64.so.1
a:0:0:755
Z:Q1rGn2ZV9fQ5XM2L5TzT0Xp8bVqg8=
R:libc.musl-x86_64.so.1
a:0:0:777
Z:Q17yJ3JFNypA4mxhJJr0ou6CzsJVI=

C:Q1fvr6QqyBtqKzpqKBdNg7yZ4g3Kg=
P:busybox
V:1.36.1-r15
A:x86_64
S:515271
I:942080
T:Size optimized toolbox of many common UNIX utilities
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1699526656
c:3ab8f1ea4dbef9cb6d1d0e1bfb6b3b7d18d5f2a1
D:so:libc.musl-x86_64.so.1
F:bin
R:busybox
a:0:0:755
Z:Q1N6IbKvYBhf3mB1aVWhWqDnjhrOc=

C:Q1v2Xq2Ub7dBx3ukXP1kS4jH6bCkI=
P:ssl_client
V:1.36.1-r15
A:x86_64
S:4699
I:14336
T:EXternal ssl_client for busybox wget
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1699526656
c:3ab8f1ea4dbef9cb6d1d0e1bfb6b3b7d18d5f2a1

C:Q1Kj3Uq6LW5vXH1Sw4l0jB3O3YZ6U=
P:libcrypto3
V:3.1.4-r2
A:x86_64
S:1784021
I:4292608
T:Crypto library from openssl
U:https://www.openssl.org/
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
t:1701090000
c:1c2d6e5f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d

C:Q1oldoldoldoldoldoldoldoldoldo=
P:zlib
V:1.3.1-r0
A:x86_64
L:Zlib
o:zlib

`;

test('apk: the installed database in its real format, over layers; a later layer removing a package', async (t) => {
  // the second layer removes zlib and upgrades musl
  const removed = INSTALLED.split('\n\n').filter((r) => !r.includes('P:zlib\n')).join('\n\n').replace('V:1.2.4_git20230717-r4', 'V:1.2.4_git20230717-r5');
  const layers = await makeLayers(t, [
    [
      dir('etc/'), file('etc/os-release', 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n'),
      dir('lib/'), dir('lib/apk/'), dir('lib/apk/db/'), file('lib/apk/db/installed', INSTALLED),
    ],
    [dir('lib/'), dir('lib/apk/'), dir('lib/apk/db/'), file('lib/apk/db/installed', removed)],
  ]);
  const sbom = await generateSbom(layeredTree(layers), { type: 'image', name: 'alpine' }, { catalogers: [apkCataloger] });
  assert.deepEqual(sbom.warnings, []);
  assert.deepEqual(sbom.packages.map((p) => `${p.name}@${p.version}`), ['busybox@1.36.1-r15', 'libcrypto3@3.1.4-r2', 'musl@1.2.4_git20230717-r5', 'ssl_client@1.36.1-r15']);
  const crypto = sbom.packages.find((p) => p.name === 'libcrypto3')!;
  assert.equal(crypto.purl, 'pkg:apk/alpine/libcrypto3@3.1.4-r2?arch=x86_64&distro=alpine-3.19.1&upstream=openssl');
  assert.deepEqual(crypto.licenses, ['Apache-2.0']);
  assert.equal(crypto.sourceName, 'openssl');
  assert.deepEqual(crypto.locations, [{ path: '/lib/apk/db/installed', layerDigest: layers[0]!.digest }]);
  const musl = sbom.packages.find((p) => p.name === 'musl')!;
  assert.equal(musl.purl, 'pkg:apk/alpine/musl@1.2.4_git20230717-r5?arch=x86_64&distro=alpine-3.19.1');
  assert.deepEqual(musl.locations, [{ path: '/lib/apk/db/installed', layerDigest: layers[1]!.digest }]);
  assert.deepEqual(musl.metadata, { maintainer: 'Timo Teräs <timo.teras@iki.fi>', installedSize: 663552, size: 407278, url: 'https://musl.libc.org/', commit: '86d8ed19b9e7f2d44e76ed4f0d8f8e6ed2f8b4c4' });
  assert.equal(sbom.packages.find((p) => p.name === 'ssl_client')!.sourceName, 'busybox');
});

test('apk: a damaged database warns and keeps the readable records', async (t) => {
  const damaged = INSTALLED.replace('P:busybox\n', '').replace('C:Q1oldold', '\u0007garbage\nC:Q1oldold');
  const layers = await makeLayers(t, [[dir('lib/'), dir('lib/apk/'), dir('lib/apk/db/'), file('lib/apk/db/installed', damaged)]]);
  const sbom = await generateSbom(layeredTree(layers), { type: 'image', name: 'x' }, { catalogers: [apkCataloger] });
  assert.deepEqual(sbom.packages.map((p) => p.name), ['libcrypto3', 'musl', 'ssl_client', 'zlib']);
  assert.equal(sbom.packages[0]!.purl, 'pkg:apk/alpine/libcrypto3@3.1.4-r2?arch=x86_64&upstream=openssl');
  assert.equal(sbom.warnings.length, 2);
  assert.ok(sbom.warnings.every((w) => w.path === '/lib/apk/db/installed' && w.cataloger === 'apk' && w.layerDigest === layers[0]!.digest));
});

test('apk license fields: SPDX as is, old space-separated lists as AND', () => {
  assert.equal(apkLicense('MIT AND BSD-2-Clause'), 'MIT AND BSD-2-Clause');
  assert.equal(apkLicense('MIT BSD-3-Clause'), 'MIT AND BSD-3-Clause');
  assert.equal(apkLicense('GPL-2.0-or-later'), 'GPL-2.0-or-later');
  assert.equal(apkLicense('GPL2+'), 'GPL-2.0-or-later');
  assert.equal(apkLicense('custom'), 'LicenseRef-custom');
  assert.equal(apkLicense(''), undefined);
});

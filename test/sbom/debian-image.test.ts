/**
 * The OS catalogers on the Debian image that `berth image bootstrap debian` makes: the same mmdebstrap
 * root filesystem imported as the image's layer the same way. scripts/test.sh makes that tar before the
 * suite enters its network namespace (where no mirror is reachable) and passes it as
 * BERTH_TEST_DEBIAN_TAR; with BERTH_TEST_DEBIAN=1 instead, the test bootstraps itself (minutes, needs
 * the mirror). Everything is asserted against dpkg-query run on the same database.
 */
import { test } from 'node:test';
import { PackageURL } from 'packageurl-js';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, copyFile } from 'node:fs/promises';
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrapImage } from '../../src/image/bootstrap.js';
import { layeredTree } from '../../src/sbom/layered-tree.js';
import { generateSbom } from '../../src/sbom/generate.js';
import { OS_CATALOGERS } from '../../src/sbom/catalogers/index.js';
import { isValidSpdx } from '../../src/sbom/licenses.js';
import { imageEnv } from '../image/helpers.js';
import { tempDir } from './helpers.js';

const DEBIAN_TAR = process.env.BERTH_TEST_DEBIAN_TAR || undefined;

test('the bootstrapped Debian image: every installed package, with versions, licenses and layers', { skip: !DEBIAN_TAR && process.env.BERTH_TEST_DEBIAN !== '1' ? 'needs BERTH_TEST_DEBIAN_TAR (scripts/test.sh makes it) or BERTH_TEST_DEBIAN=1 (bootstraps: minutes, needs the mirror)' : false, timeout: 15 * 60_000 }, async (t) => {
  const env = await imageEnv(t);
  const img = DEBIAN_TAR
    ? await env.images.createImage({ layerTar: createReadStream(DEBIAN_TAR), config: { Cmd: ['bash'] }, history: { created_by: 'mmdebstrap --variant=minbase bookworm' }, tags: ['debian:bookworm'] })
    : await bootstrapImage(env.images, 'debian');
  const dirs = env.layers.lowerDirs(img.topChainId).reverse(); // bottom first
  const layers = img.layers.map((l, i) => ({ digest: l.diffId, dir: dirs[i]! }));
  const tree = layeredTree(layers);

  const started = performance.now();
  const sbom = await generateSbom(tree, { type: 'image', name: 'debian:bookworm', imageId: img.id, layers: layers.map((l) => l.digest) }, { catalogers: OS_CATALOGERS });
  const ms = performance.now() - started;
  t.diagnostic(`SBOM of debian:bookworm (${sbom.packages.length} packages, ${layers.length} layer(s)): ${ms.toFixed(0)} ms`);

  assert.deepEqual(sbom.warnings, []);
  assert.equal(sbom.distro?.id, 'debian');
  assert.equal(sbom.distro?.versionId, '12');

  // dpkg-query on the image's own (visible) status file
  const top = [...layers].reverse().find((l) => existsSync(join(l.dir, 'var/lib/dpkg/status')))!;
  const admin = await tempDir(t);
  await mkdir(join(admin, 'info'));
  await copyFile(join(top.dir, 'var/lib/dpkg/status'), join(admin, 'status'));
  const expected = execFileSync('dpkg-query', ['--admindir', admin, '-W', '-f=${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n'], { encoding: 'utf8' })
    .split('\n').filter((l) => /^[ih]i/.test(l)).map((l) => l.split('\t').slice(1).join(' ')).sort();
  const got = sbom.packages.map((p) => `${p.name} ${p.version} ${p.arch}`).sort();
  assert.deepEqual(got, expected);
  assert.ok(got.length > 50, `${got.length} packages`);

  const digests = new Set(layers.map((l) => l.digest));
  for (const p of sbom.packages) {
    assert.equal(p.type, 'deb');
    const purl = PackageURL.fromString(p.purl);
    assert.deepEqual([purl.type, purl.namespace, purl.name, purl.version, purl.qualifiers?.distro, purl.qualifiers?.arch], ['deb', 'debian', p.name, p.version, 'debian-12', p.arch], p.purl);
    assert.ok(p.locations.every((l) => l.path === '/var/lib/dpkg/status' && digests.has(l.layerDigest!)), p.name);
    for (const l of p.licenses) assert.ok(isValidSpdx(l), `${p.name}: ${l}`);
  }
  const bash = sbom.packages.find((p) => p.name === 'bash')!;
  assert.ok(bash.licenses.includes('GPL-3.0-or-later'));
  const libc = sbom.packages.find((p) => p.name === 'libc6')!;
  assert.equal(libc.sourceName, 'glibc');
  // nearly every Debian package has a machine-readable copyright file
  const withLicense = sbom.packages.filter((p) => p.licenses.length > 0).length;
  assert.ok(withLicense / sbom.packages.length > 0.8, `${withLicense} of ${sbom.packages.length} have licenses`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dirTree } from '../../src/sbom/dir-tree.js';
import { generateSbom } from '../../src/sbom/generate.js';
import type { Cataloger } from '../../src/sbom/cataloger.js';
import type { SbomPackage } from '../../src/sbom/types.js';
import { purl } from '../../src/sbom/purl.js';
import { BERTH_VERSION } from '../../src/common/version.js';
import { tempDir } from './helpers.js';

function pkg(name: string, version: string, path: string, license?: string): SbomPackage {
  return { name, version, type: 'npm', purl: purl('npm', undefined, name, version), licenses: license ? [license] : [], locations: [{ path }] };
}

test('generateSbom runs catalogers, merges duplicates by purl, sorts, and turns a throwing cataloger into a warning', async (t) => {
  const root = await tempDir(t);
  await mkdir(join(root, 'etc'));
  await writeFile(join(root, 'etc', 'os-release'), 'ID=alpine\nVERSION_ID=3.19.1\n');
  const first: Cataloger = {
    name: 'first',
    async catalog(ctx) {
      assert.equal(ctx.distro?.id, 'alpine');
      ctx.warn({ path: '/broken.json', message: 'bad json' });
      return [pkg('zeta', '1.0.0', '/a/package.json', 'MIT'), pkg('alpha', '2.0.0', '/b/package.json')];
    },
  };
  const broken: Cataloger = { name: 'broken', async catalog() { throw new Error('boom'); } };
  const second: Cataloger = {
    name: 'second',
    async catalog() { return [pkg('zeta', '1.0.0', '/c/package.json', 'ISC'), pkg('zeta', '1.0.0', '/a/package.json'), pkg('alpha', '1.0.0', '/d/package.json')]; },
  };
  const before = Date.now();
  const sbom = await generateSbom(dirTree(root), { type: 'directory', name: root }, { catalogers: [first, broken, second] });
  assert.deepEqual(sbom.packages.map((p) => `${p.name}@${p.version}`), ['alpha@1.0.0', 'alpha@2.0.0', 'zeta@1.0.0']);
  const zeta = sbom.packages[2]!;
  assert.deepEqual(zeta.locations.map((l) => l.path), ['/a/package.json', '/c/package.json']);
  assert.deepEqual(zeta.licenses, ['MIT', 'ISC']);
  assert.deepEqual(sbom.warnings.map((w) => [w.cataloger, w.path]), [['first', '/broken.json'], ['broken', '/']]);
  assert.match(sbom.warnings[1]!.message, /boom/);
  assert.deepEqual(sbom.distro, { id: 'alpine', versionId: '3.19.1' });
  assert.deepEqual(sbom.tool, { name: 'berth', version: BERTH_VERSION });
  assert.ok(Date.parse(sbom.created) >= before - 1000);
  assert.deepEqual(sbom.source, { type: 'directory', name: root });
});

test('generateSbom stops when aborted', async (t) => {
  const root = await tempDir(t);
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(generateSbom(dirTree(root), { type: 'directory', name: root }, { signal: ac.signal, catalogers: [] }), { name: 'AbortError' });
});

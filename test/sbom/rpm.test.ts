import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { layeredTree } from '../../src/sbom/layered-tree.js';
import { generateSbom } from '../../src/sbom/generate.js';
import { rpmCataloger } from '../../src/sbom/catalogers/rpm.js';
import { dpkgCataloger } from '../../src/sbom/catalogers/dpkg.js';
import { dir, file, makeLayers, tempDir } from './helpers.js';

const exec = promisify(execFile);

const SPECS = {
  'hello-berth': `Name: hello-berth
Version: 1.2.3
Release: 4.fc39
Epoch: 2
Summary: test package
License: MIT AND (GPL-2.0-or-later OR BSD-3-Clause)
Vendor: Fedora Project
BuildArch: x86_64
%description
A test package.
%install
mkdir -p %{buildroot}/usr/share/hello-berth
echo hi > %{buildroot}/usr/share/hello-berth/hi.txt
%files
/usr/share/hello-berth/hi.txt
`,
  'noarch-data': `Name: noarch-data
Version: 0.9
Release: 1.fc39
Summary: data
License: GPLv2+
BuildArch: noarch
%description
Data.
%files
`,
};

/** The test packages, built once for the file with rpmbuild: name → .rpm path. */
let built: Promise<Map<string, string>> | undefined;
let buildDir: string | undefined;
after(async () => { if (buildDir) await rm(buildDir, { recursive: true, force: true }); });

function buildRpms(): Promise<Map<string, string>> {
  built ??= (async () => {
    buildDir = await mkdtemp(join(tmpdir(), 'berth-sbom-rpmbuild-'));
    const out = new Map<string, string>();
    await Promise.all(Object.entries(SPECS).map(async ([name, spec]) => {
      const specPath = join(buildDir!, `${name}.spec`);
      const top = join(buildDir!, `top-${name}`);
      await writeFile(specPath, spec);
      await exec('rpmbuild', ['--define', `_topdir ${top}`, '--define', '_build_id_links none', '-bb', specPath], { timeout: 120_000 });
      for (const arch of await readdir(join(top, 'RPMS'))) {
        for (const f of await readdir(join(top, 'RPMS', arch))) out.set(name, join(top, 'RPMS', arch, f));
      }
    }));
    return out;
  })();
  return built;
}

/** A real SQLite rpmdb: the packages recorded by rpm -i --justdb (all, or some of them). */
async function makeRpmdb(t: { after: (fn: () => Promise<void>) => void }, only?: string[]): Promise<Buffer> {
  const rpms = await buildRpms();
  const names = only ?? [...rpms.keys()].sort();
  const db = await tempDir(t, 'berth-sbom-rpmdb-');
  const common = ['--dbpath', db, '--define', '_db_backend sqlite'];
  await exec('rpm', [...common, '--initdb'], { timeout: 30_000 });
  await exec('rpm', [...common, '-i', '--nodeps', '--justdb', '--ignorearch', '--ignoreos', ...names.map((n) => rpms.get(n)!)], { timeout: 60_000 });
  const { stdout } = await exec('rpm', [...common, '-qa', '--qf', '%{NAME}\n'], { timeout: 30_000 });
  assert.deepEqual(stdout.trim().split('\n').sort(), names);
  return readFile(join(db, 'rpmdb.sqlite'));
}

const FEDORA = 'NAME="Fedora Linux"\nVERSION="39 (Container Image)"\nID=fedora\nVERSION_ID=39\nPRETTY_NAME="Fedora Linux 39 (Container Image)"\n';

test('rpm: a real sqlite rpmdb made by rpm, read from a layer without touching it', async (t) => {
  const [rpmdb, first] = await Promise.all([makeRpmdb(t), makeRpmdb(t, ['noarch-data'])]);
  const layers = await makeLayers(t, [[
    dir('usr/'), dir('usr/lib/'), dir('usr/lib/sysimage/'), dir('usr/lib/sysimage/rpm/'), file('usr/lib/sysimage/rpm/rpmdb.sqlite', first),
  ], [
    dir('etc/'), file('etc/os-release', FEDORA),
    dir('usr/'), dir('usr/lib/'), dir('usr/lib/sysimage/'), dir('usr/lib/sysimage/rpm/'), file('usr/lib/sysimage/rpm/rpmdb.sqlite', rpmdb),
    dir('var/'), dir('var/lib/'), { name: 'var/lib/rpm', type: 'symlink', linkname: '../../usr/lib/sysimage/rpm' },
  ]]);
  const sbom = await generateSbom(layeredTree(layers), { type: 'image', name: 'fedora' }, { catalogers: [rpmCataloger] });
  assert.deepEqual(sbom.warnings, []);
  assert.deepEqual(sbom.packages.map((p) => `${p.name}@${p.version}`), ['hello-berth@2:1.2.3-4.fc39', 'noarch-data@0.9-1.fc39']);
  const hello = sbom.packages[0]!;
  assert.equal(hello.purl, 'pkg:rpm/fedora/hello-berth@1.2.3-4.fc39?arch=x86_64&distro=fedora-39&epoch=2&upstream=hello-berth-1.2.3-4.fc39.src.rpm');
  assert.deepEqual(hello.licenses, ['MIT AND (GPL-2.0-or-later OR BSD-3-Clause)']);
  assert.equal(hello.sourceName, 'hello-berth');
  assert.equal(hello.sourceVersion, '1.2.3-4.fc39');
  // installed by the second layer; noarch-data came with the first
  assert.deepEqual(hello.locations, [{ path: '/usr/lib/sysimage/rpm/rpmdb.sqlite', layerDigest: layers[1]!.digest }]);
  assert.equal(hello.metadata?.vendor, 'Fedora Project');
  const data = sbom.packages[1]!;
  assert.equal(data.arch, 'noarch');
  assert.deepEqual(data.licenses, ['GPL-2.0-or-later']);
  assert.equal(data.purl, 'pkg:rpm/fedora/noarch-data@0.9-1.fc39?arch=noarch&distro=fedora-39&upstream=noarch-data-0.9-1.fc39.src.rpm');
  assert.deepEqual(data.locations, [{ path: '/usr/lib/sysimage/rpm/rpmdb.sqlite', layerDigest: layers[0]!.digest }]);
  // nothing was written into the layers (no -shm / -wal beside the database)
  for (const l of layers) assert.deepEqual(await readdir(join(l.dir, 'usr/lib/sysimage/rpm')), ['rpmdb.sqlite']);
});

test('rpm: a corrupt database and a damaged header warn; other packages and catalogers go on', async (t) => {
  const rpmdb = await makeRpmdb(t);
  // damage one header blob in a copy of the real database
  const work = await tempDir(t);
  const damagedPath = join(work, 'rpmdb.sqlite');
  await writeFile(damagedPath, rpmdb);
  const db = new DatabaseSync(damagedPath);
  db.exec('PRAGMA journal_mode=DELETE');
  const rows = db.prepare('SELECT hnum, blob FROM Packages').all() as Array<{ hnum: number; blob: Uint8Array }>;
  const row = rows.find((r) => Buffer.from(r.blob).includes('hello-berth'))!;
  db.prepare('UPDATE Packages SET blob = ? WHERE hnum = ?').run(row.blob.subarray(0, 40), row.hnum);
  db.close();

  const layers = await makeLayers(t, [[
    dir('var/'), dir('var/lib/'), dir('var/lib/rpm/'), file('var/lib/rpm/rpmdb.sqlite', Buffer.from('SQLite format 3\0 truncated garbage')),
    dir('usr/'), dir('usr/lib/'), dir('usr/lib/sysimage/'), dir('usr/lib/sysimage/rpm/'), file('usr/lib/sysimage/rpm/rpmdb.sqlite', await readFile(damagedPath)),
    dir('var/lib/dpkg/'), file('var/lib/dpkg/status', 'Package: still-here\nStatus: install ok installed\nVersion: 1.0\nArchitecture: all\n'),
  ]]);
  const sbom = await generateSbom(layeredTree(layers), { type: 'image', name: 'x' }, { catalogers: [rpmCataloger, dpkgCataloger] });
  assert.deepEqual(sbom.packages.map((p) => p.name), ['still-here', 'noarch-data']);
  assert.deepEqual(sbom.warnings.map((w) => [w.cataloger, w.path]), [
    ['rpm', '/usr/lib/sysimage/rpm/rpmdb.sqlite'],
    ['rpm', '/var/lib/rpm/rpmdb.sqlite'],
  ]);
  assert.match(sbom.warnings[0]!.message, /damaged header/);
  assert.match(sbom.warnings[1]!.message, /not a readable rpm database/);
});

test('rpm: BerkeleyDB and NDB databases are reported as not supported', async (t) => {
  const layers = await makeLayers(t, [[
    dir('var/'), dir('var/lib/'), dir('var/lib/rpm/'),
    // a BerkeleyDB hash database starts with its metadata page (magic 0x061561 at byte 12)
    file('var/lib/rpm/Packages', Buffer.concat([Buffer.alloc(12), Buffer.from([0x61, 0x15, 0x06, 0x00]), Buffer.alloc(4080)])),
    dir('usr/'), dir('usr/lib/'), dir('usr/lib/sysimage/'), dir('usr/lib/sysimage/rpm/'), file('usr/lib/sysimage/rpm/Packages.db', Buffer.from('RpmP\x00\x00\x00\x00')),
  ]]);
  const sbom = await generateSbom(layeredTree(layers), { type: 'image', name: 'x' }, { catalogers: [rpmCataloger] });
  assert.deepEqual(sbom.packages, []);
  assert.deepEqual(sbom.warnings.map((w) => w.path), ['/usr/lib/sysimage/rpm/Packages.db', '/var/lib/rpm/Packages']);
  assert.ok(sbom.warnings.every((w) => /not supported/.test(w.message) && w.layerDigest === layers[0]!.digest));
});

/**
 * `berth sbom` and the /berth/…/sbom endpoints against a real daemon and a real Debian image (made
 * from the host's own dpkg database and binaries, see host-dpkg-image.ts): the packages must be
 * exactly what dpkg-query inside a container of it reports.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountsUnder, runBerth, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { cycloneDxErrors, spdxErrors } from '../helpers/supply-chain-schemas.js';
import { hostDpkgImageTar } from './host-dpkg-image.js';

let d: TestDaemon;
let tmp: string;
const LONG = { timeoutMs: 300_000 };

before(async () => {
  tmp = mkdtempSync('/tmp/bt-sbom-');
  d = await startDaemon();
  // BERTH_TEST_DEBIAN_TAR: a Debian root filesystem tar (as `mmdebstrap --format=tar` writes it, which
  // is what `berth image bootstrap debian` imports) to run the same checks on the bootstrap image
  const tar = process.env.BERTH_TEST_DEBIAN_TAR || hostDpkgImageTar(join(tmp, 'debian.tar'));
  await d.ok(['import', tar, 'debian:latest'], LONG);
}, { timeout: 120_000 });

after(async () => {
  await d?.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

/** name -> version, from `name version` lines */
function versions(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const [name, version] = line.trim().split(/\s+/);
    if (name && version) m.set(name, version);
  }
  return m;
}

test('berth sbom debian lists every package dpkg-query reports, with the same version', { timeout: 120_000 }, async () => {
  // installed packages only (`ii`): a removed package's leftover config files is not a package
  const dpkgOut = await d.ok(['run', '--rm', 'debian', 'dpkg-query', '-W', '-f', '${db:Status-Abbrev} ${Package} ${Version}\\n'], LONG);
  const dpkg = versions(dpkgOut.split('\n').filter((l) => l.startsWith('ii ')).map((l) => l.slice(3)).join('\n'));
  assert.ok(dpkg.size > 50, `dpkg-query lists the image's packages (${dpkg.size})`);
  const listed = versions(await d.ok(['sbom', 'debian', '--format', '{{.Name}} {{.Version}}'], LONG));
  assert.deepEqual([...listed].sort(), [...dpkg].sort());
  assert.ok(listed.has('bash') && listed.has('coreutils'));

  const table = (await d.ok(['sbom', 'debian'], LONG)).split('\n');
  assert.match(table[0]!, /^NAME\s+VERSION\s+TYPE\s+LICENSE\s+LAYER$/);
  const bash = table.find((l) => l.startsWith('bash '))!;
  assert.match(bash, new RegExp(`^bash\\s+${dpkg.get('bash')!.replace(/[+.]/g, '\\$&')}\\s+deb\\s+.*[0-9a-f]{12}$`));
});

test('spdx-json and cyclonedx-json of the image validate against their schemas; the API serves them with their media types', { timeout: 120_000 }, async () => {
  const spdx = JSON.parse(await d.ok(['sbom', 'debian', '--format', 'spdx-json'], LONG));
  assert.deepEqual(spdxErrors(spdx), []);
  assert.ok(spdx.packages.some((p: any) => p.name === 'bash' && p.externalRefs[0].referenceLocator.startsWith('pkg:deb/debian/bash@')));
  const cdx = JSON.parse(await d.ok(['sbom', 'debian', '--format', 'cyclonedx-json'], LONG));
  assert.deepEqual(cycloneDxErrors(cdx), []);
  assert.equal(cdx.metadata.component.name, 'debian:latest');
  const bash = cdx.components.find((c: any) => c.name === 'bash');
  assert.ok(bash.properties.some((p: any) => p.name === 'berth:location:0:layerID' && p.value.startsWith('sha256:')));

  const api = await d.api('GET', '/berth/images/debian/sbom?format=spdx-json');
  assert.equal(api.status, 200);
  assert.equal(api.headers['content-type'], 'application/spdx+json');
  assert.deepEqual(spdxErrors(api.body), []);
  const model = await d.api('GET', '/berth/images/debian/sbom');
  assert.equal(model.headers['content-type'], 'application/json');
  assert.equal(model.body.source.type, 'image');
  assert.match(model.body.source.imageId, /^sha256:/);
  assert.equal((await d.api('GET', '/berth/images/debian/sbom?format=xml')).status, 400);
});

test("a container's filesystem: its own changes show, with no layer; nothing is left mounted", { timeout: 120_000 }, async () => {
  const probe = "printf 'Package: berth-probe\\nStatus: install ok installed\\nVersion: 1.2-3\\nArchitecture: all\\nMaintainer: Probe <probe@example.org>\\nDescription: probe\\n\\n' >> /var/lib/dpkg/status";
  // stopped: the change stays in the container's upper dir
  await d.ok(['run', '--name', 'sbom-stopped', 'debian', 'sh', '-c', `${probe} && rm -f /var/lib/dpkg/info/bash.list`], LONG);
  const before = mountsUnder(d.root).length;
  const stopped = JSON.parse(await d.ok(['sbom', '--container', 'sbom-stopped', '--format', 'json'], LONG));
  assert.equal(mountsUnder(d.root).length, before, 'no mount made or left');
  assert.equal(stopped.source.type, 'container');
  assert.equal(stopped.source.name, 'sbom-stopped');
  const p = stopped.packages.find((x: any) => x.name === 'berth-probe');
  assert.equal(p?.version, '1.2-3');
  assert.equal(p.locations[0].path, '/var/lib/dpkg/status');
  assert.equal(p.locations[0].layerDigest, undefined, "the container's own file");
  assert.ok(stopped.packages.some((x: any) => x.name === 'bash'));

  // running: read while it runs
  await d.ok(['run', '-d', '--name', 'sbom-running', 'debian', 'sh', '-c', `${probe} && sleep 60`], LONG);
  let running: any;
  for (let i = 0; i < 50; i++) {
    running = JSON.parse(await d.ok(['sbom', '--container', 'sbom-running', '--format', 'json'], LONG));
    if (running.packages.some((x: any) => x.name === 'berth-probe')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(running.packages.some((x: any) => x.name === 'berth-probe' && x.version === '1.2-3'));
  // a deleted database is a whiteout in the upper dir: its packages are gone from the container
  await d.ok(['run', '--name', 'sbom-deleted', 'debian', 'rm', '/var/lib/dpkg/status'], LONG);
  const deleted = JSON.parse(await d.ok(['sbom', '--container', 'sbom-deleted', '--format', 'json'], LONG));
  assert.equal(deleted.packages.filter((x: any) => x.type === 'deb').length, 0);
  await d.ok(['rm', '-f', 'sbom-running', 'sbom-stopped', 'sbom-deleted']);

  // the image itself is unchanged
  const image = JSON.parse(await d.ok(['sbom', 'debian', '--format', 'json'], LONG));
  assert.ok(!image.packages.some((x: any) => x.name === 'berth-probe'));
});

test('--dir catalogues a local directory without a daemon; -o writes the file whole', async () => {
  const root = join(tmp, 'rootfs');
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
  writeFileSync(join(root, 'var/lib/dpkg/status'), [
    'Package: hello', 'Status: install ok installed', 'Version: 2.10-3', 'Architecture: amd64', 'Maintainer: A <a@example.org>', 'Description: hi', '',
    'Package: gone', 'Status: deinstall ok config-files', 'Version: 1.0-1', 'Architecture: amd64', 'Maintainer: A <a@example.org>', 'Description: removed', '',
  ].join('\n'));
  // a socket nobody listens on: --dir must not need the daemon
  const nowhere = join(tmp, 'no-daemon.sock');
  const r = await runBerth(nowhere, ['sbom', '--dir', root, '--format', '{{.Name}} {{.Version}} {{.Type}}'], { env: { BERTH_NO_AUTOSTART: '1' } });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'hello 2.10-3 deb\n');

  const out = join(tmp, 'out', 'sbom.cdx.json');
  mkdirSync(join(tmp, 'out'));
  const w = await runBerth(nowhere, ['sbom', '--dir', root, '--format', 'cyclonedx-json', '-o', out], { env: { BERTH_NO_AUTOSTART: '1' } });
  assert.equal(w.code, 0, w.stderr);
  assert.equal(w.stdout, '');
  assert.deepEqual(readdirSync(join(tmp, 'out')), ['sbom.cdx.json'], 'no temp file left');
  const bom = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(cycloneDxErrors(bom), []);
  assert.equal(bom.metadata.component.type, 'file');

  const missing = await runBerth(nowhere, ['sbom', '--dir', join(tmp, 'nope')], { env: { BERTH_NO_AUTOSTART: '1' } });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /nope: not a directory/);
  const unwritable = await runBerth(nowhere, ['sbom', '--dir', root, '-o', join(tmp, 'no', 'such', 'dir', 'x.json')], { env: { BERTH_NO_AUTOSTART: '1' } });
  assert.equal(unwritable.code, 1);
  assert.match(unwritable.stderr, /cannot write/);
  assert.ok(!existsSync(join(tmp, 'no')));
});

test('a corrupt package database: WARNING lines on stderr, the rest still listed, the document says it is incomplete', async () => {
  const root = join(tmp, 'broken');
  mkdirSync(join(root, 'var/lib/dpkg/status.d'), { recursive: true });
  writeFileSync(join(root, 'var/lib/dpkg/status.d/good'), 'Package: good\nStatus: install ok installed\nVersion: 1.0\nArchitecture: all\n');
  writeFileSync(join(root, 'var/lib/dpkg/status.d/bad'), '\u0000\u0001 this is not a control file\n');
  const env = { env: { BERTH_NO_AUTOSTART: '1' } };
  const r = await runBerth(join(tmp, 'no-daemon.sock'), ['sbom', '--dir', root, '--format', 'json'], env);
  assert.equal(r.code, 0, r.stderr);
  const sbom = JSON.parse(r.stdout);
  assert.deepEqual(sbom.packages.map((p: any) => p.name), ['good']);
  assert.equal(sbom.warnings.length, 1);
  assert.equal(sbom.warnings[0].path, '/var/lib/dpkg/status.d/bad');
  assert.match(r.stderr, /^WARNING: the SBOM is incomplete: 1 file could not be read\nWARNING: \/var\/lib\/dpkg\/status\.d\/bad: dpkg: .+\n$/);
  const spdx = JSON.parse((await runBerth(join(tmp, 'no-daemon.sock'), ['sbom', '--dir', root, '--format', 'spdx-json'], env)).stdout);
  assert.match(spdx.creationInfo.comment, /Incomplete: 1 file\(s\) could not be read: \/var\/lib\/dpkg\/status\.d\/bad/);
  const cdx = JSON.parse((await runBerth(join(tmp, 'no-daemon.sock'), ['sbom', '--dir', root, '--format', 'cyclonedx-json'], env)).stdout);
  assert.ok(cdx.metadata.properties.some((p: any) => p.name === 'berth:warning:0' && p.value.startsWith('/var/lib/dpkg/status.d/bad: dpkg: ')));
});

test('--attached prints the SBOM attached by build --sbom as stored; a table says one is attached', { timeout: 180_000 }, async () => {
  const ctxDir = join(tmp, 'build');
  mkdirSync(ctxDir, { recursive: true });
  writeFileSync(join(ctxDir, 'Dockerfile'), 'FROM debian\nCOPY hello.txt /hello.txt\n');
  writeFileSync(join(ctxDir, 'hello.txt'), 'hi\n');
  await d.ok(['build', '--sbom', '-t', 'sbom-app:1', ctxDir], LONG);

  const attached = await d.ok(['sbom', 'sbom-app:1', '--attached'], LONG);
  const doc = JSON.parse(attached);
  assert.deepEqual(spdxErrors(doc), []);
  assert.ok(doc.packages.some((p: any) => p.name === 'bash'));
  const api = await d.api('GET', '/berth/images/sbom-app:1/sbom/attached');
  assert.equal(api.headers['content-type'], 'application/spdx+json');
  assert.match(String(api.headers['x-berth-sbom-referrer']), /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(api.body, doc, 'the stored document, not a new one');

  const table = await d.berth(['sbom', 'sbom-app:1']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stderr, /^NOTE: an SBOM is attached to this image \(sha256:[0-9a-f]{64}\); `berth sbom --attached sbom-app:1` prints it$/m);
  const out = join(tmp, 'attached.spdx.json');
  await d.ok(['sbom', 'sbom-app:1', '--attached', '-o', out]);
  assert.equal(readFileSync(out, 'utf8'), attached);

  const none = await d.berth(['sbom', 'debian', '--attached']);
  assert.equal(none.code, 1);
  assert.equal(none.stderr, 'Error response from daemon: no SBOM is attached to image debian\n');
  assert.equal((await d.api('GET', '/berth/images/debian/sbom/attached')).body.code, 'ERR_SBOM_NOT_ATTACHED');
  const wrong = await d.berth(['sbom', 'sbom-app:1', '--attached', '--format', 'json']);
  assert.equal(wrong.code, 125);
  assert.match(wrong.stderr, /--format must be spdx-json/);
  await d.ok(['rmi', 'sbom-app:1']);
});

test("a missing image or container: Docker's wording, exit 1; no target: usage error", async () => {
  const img = await d.berth(['sbom', 'nosuch:1']);
  assert.equal(img.code, 1);
  assert.equal(img.stderr, 'Error response from daemon: No such image: nosuch:1\n');
  const ctr = await d.berth(['sbom', '--container', 'nosuch']);
  assert.equal(ctr.code, 1);
  assert.equal(ctr.stderr, 'Error response from daemon: No such container: nosuch\n');
  const api = await d.api('GET', '/berth/images/nosuch:1/sbom');
  assert.equal(api.status, 404);
  assert.equal(api.body.message, 'No such image: nosuch:1');
  const none = await d.berth(['sbom']);
  assert.equal(none.code, 125);
  assert.match(none.stderr, /requires exactly one of IMAGE, --container or --dir/);
  const two = await d.berth(['sbom', 'debian', '--dir', '/tmp']);
  assert.equal(two.code, 125);
});

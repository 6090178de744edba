/**
 * The language catalogers on real files: this repository's package-lock.json and node_modules, the host's
 * Python dist-packages (python3-docker), Go binaries installed on the machine (docker.io, containerd, runc,
 * terraform), a Debian jar (libcommons-lang3-java) and archives written here; plus corrupt inputs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { npmCataloger } from '../../src/sbom/catalogers/npm.js';
import { pythonCataloger, normalisePythonName } from '../../src/sbom/catalogers/python.js';
import { goBinaryCataloger, golangPurl } from '../../src/sbom/catalogers/go-binary.js';
import { javaCataloger } from '../../src/sbom/catalogers/java.js';
import { LANGUAGE_CATALOGERS } from '../../src/sbom/catalogers/index.js';
import type { SbomPackage } from '../../src/sbom/types.js';
import { catalogContext, hostTree } from './host-tree.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tmp = mkdtempSync(join(tmpdir(), 'berth-sbom-lang-'));
test.after(() => rmSync(tmp, { recursive: true, force: true }));

function put(root: string, path: string, content: string | Uint8Array, mode?: number): void {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, content);
  if (mode !== undefined) chmodSync(p, mode);
}

function link(root: string, path: string, target: string): void {
  const p = join(root, path);
  mkdirSync(dirname(p), { recursive: true });
  symlinkSync(target, p);
}

function byPurl(pkgs: SbomPackage[], purl: string): SbomPackage {
  const p = pkgs.find((x) => x.purl === purl);
  assert.ok(p, `${purl} found (have ${pkgs.slice(0, 20).map((x) => x.purl).join(', ')}…)`);
  return p;
}

/** The upstream part of a Debian version: `2.28.1+dfsg-1` → `2.28.1`. */
function debUpstream(pkg: string): string {
  const v = execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8' });
  return v.replace(/^\d+:/, '').replace(/-[^-]*$/, '').replace(/\+dfsg.*$/, '');
}

test('npm: a real lock file (v3) and installed tree are merged by purl; dev flags and licenses', async () => {
  const root = join(tmp, 'npm');
  const app = join(root, 'srv/app');
  mkdirSync(app, { recursive: true });
  cpSync(join(repo, 'package-lock.json'), join(app, 'package-lock.json'));
  for (const dir of ['semver', 'fflate', '@cyclonedx/cyclonedx-library', 'typescript']) {
    put(app, `node_modules/${dir}/package.json`, readFileSync(join(repo, 'node_modules', dir, 'package.json')));
  }
  // a nested copy, a file deeper in a package that is not a manifest, the legacy license forms, a link
  put(app, 'node_modules/fflate/lib/package.json', '{"type":"module"}');
  put(app, 'node_modules/legacy-a/package.json', JSON.stringify({ name: 'legacy-a', version: '1.0.0', licenses: [{ type: 'MIT' }, { type: 'Apache-2.0' }] }));
  put(app, 'node_modules/legacy-b/package.json', JSON.stringify({ name: 'legacy-b', version: '2.0.0', license: { type: 'BSD-3-Clause', url: 'x' } }));
  put(app, 'node_modules/legacy-c/package.json', JSON.stringify({ name: 'legacy-c', version: '3.0.0', license: 'mit' }));
  put(app, 'node_modules/semver/node_modules/lru/package.json', JSON.stringify({ name: 'lru', version: '6.0.0', license: 'ISC' }));

  const lock = JSON.parse(readFileSync(join(repo, 'package-lock.json'), 'utf8'));
  const ctx = catalogContext(hostTree(root));
  const pkgs = await npmCataloger.catalog(ctx);
  assert.deepEqual(ctx.warnings, []);
  const inLock = Object.keys(lock.packages).filter((k) => k !== '' && !lock.packages[k].link);
  // every lock entry once, plus the four packages only installed
  // (an alias such as `node_modules/string-width-cjs` is the package its `name` says)
  assert.equal(pkgs.length, new Set(inLock.map((k) => `${lock.packages[k].name ?? k.slice(k.lastIndexOf('node_modules/') + 13)}@${lock.packages[k].version}`)).size + 4);

  const semver = byPurl(pkgs, `pkg:npm/semver@${lock.packages['node_modules/semver'].version}`);
  assert.deepEqual(semver.licenses, ['ISC']);
  assert.deepEqual(semver.locations.map((l) => l.path).sort(), ['/srv/app/node_modules/semver/package.json', '/srv/app/package-lock.json']);
  const cdx = byPurl(pkgs, 'pkg:npm/%40cyclonedx/cyclonedx-library@10.3.0');
  assert.equal(cdx.name, '@cyclonedx/cyclonedx-library');
  assert.equal(cdx.type, 'npm');
  const ts = byPurl(pkgs, `pkg:npm/typescript@${lock.packages['node_modules/typescript'].version}`);
  assert.equal(ts.metadata?.dev, true);
  assert.equal(semver.metadata?.dev, undefined);
  assert.deepEqual(byPurl(pkgs, 'pkg:npm/legacy-a@1.0.0').licenses, ['MIT OR Apache-2.0']);
  assert.deepEqual(byPurl(pkgs, 'pkg:npm/legacy-b@2.0.0').licenses, ['BSD-3-Clause']);
  assert.deepEqual(byPurl(pkgs, 'pkg:npm/legacy-c@3.0.0').licenses, ['MIT']);
  byPurl(pkgs, 'pkg:npm/lru@6.0.0');
  assert.ok(!pkgs.some((p) => p.name === 'berth'), 'the root project is not its own dependency');
});

test('npm: lockfileVersion 1 and 2, links skipped; a corrupt lock file is a warning naming it', async () => {
  const root = join(tmp, 'npm-old');
  put(root, 'a/package-lock.json', JSON.stringify({
    name: 'a', version: '1.0.0', lockfileVersion: 1, requires: true,
    dependencies: {
      'left-pad': { version: '1.3.0', resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz', integrity: 'sha512-x' },
      '@types/node': { version: '18.0.0', dev: true },
      mine: { version: 'file:../mine' },
      debug: { version: '2.6.9', requires: { ms: '2.0.0' }, dependencies: { ms: { version: '2.0.0' } } },
    },
  }));
  put(root, 'b/package-lock.json', JSON.stringify({
    name: 'b', version: '1.0.0', lockfileVersion: 2, requires: true,
    packages: {
      '': { name: 'b', version: '1.0.0' },
      'node_modules/ms': { version: '2.1.3', license: 'MIT' },
      'node_modules/local': { resolved: '../local', link: true },
      '../local': { name: 'local', version: '0.0.1' },
    },
    dependencies: { ms: { version: '2.1.3' } },
  }));
  put(root, 'c/package-lock.json', '{"lockfileVersion": 3, "packages": {');
  const ctx = catalogContext(hostTree(root));
  const pkgs = await npmCataloger.catalog(ctx);
  assert.deepEqual(pkgs.map((p) => p.purl).sort(), [
    'pkg:npm/%40types/node@18.0.0', 'pkg:npm/debug@2.6.9', 'pkg:npm/left-pad@1.3.0', 'pkg:npm/local@0.0.1', 'pkg:npm/ms@2.0.0', 'pkg:npm/ms@2.1.3',
  ]);
  assert.equal(byPurl(pkgs, 'pkg:npm/%40types/node@18.0.0').metadata?.dev, true);
  assert.deepEqual(byPurl(pkgs, 'pkg:npm/ms@2.1.3').licenses, ['MIT']);
  assert.equal(ctx.warnings.length, 1);
  assert.equal(ctx.warnings[0]!.path, '/c/package-lock.json');
  assert.match(ctx.warnings[0]!.message, /npm lock file/);
});

test('python: the host dist-packages (python3-docker, requests) with dpkg versions, licenses from License and classifiers', async () => {
  const root = join(tmp, 'py');
  link(root, 'usr/lib/python3/dist-packages', '/usr/lib/python3/dist-packages');
  const ctx = catalogContext(hostTree(root));
  const pkgs = await pythonCataloger.catalog(ctx);
  assert.deepEqual(ctx.warnings, []);
  const docker = byPurl(pkgs, `pkg:pypi/docker@${debUpstream('python3-docker')}`);
  assert.deepEqual(docker.licenses, ['Apache-2.0']);
  assert.match(docker.locations[0]!.path, /^\/usr\/lib\/python3\/dist-packages\/docker-[\d.]+\.egg-info\/PKG-INFO$/);
  byPurl(pkgs, `pkg:pypi/requests@${debUpstream('python3-requests')}`);
  // the same set of distributions that Python's own importlib.metadata finds there
  const script = 'import importlib.metadata as m, re\nfor d in m.distributions(path=["/usr/lib/python3/dist-packages"]):\n  print(re.sub(r"[-_.]+", "-", d.metadata["Name"].lower()) + "@" + d.version)';
  const expected = new Set(execFileSync('python3', ['-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => `pkg:pypi/${l}`));
  assert.deepEqual(new Set(pkgs.map((p) => p.purl)), expected);
  for (const p of pkgs) assert.equal(p.type, 'python');
});

test('python: PEP 639 License-Expression, classifiers, single-file egg-info, PEP 503 names; a corrupt METADATA is a warning', async () => {
  const root = join(tmp, 'py2');
  const site = 'usr/local/lib/python3.11/site-packages';
  put(root, `${site}/Foo_Bar-1.2.dist-info/METADATA`, 'Metadata-Version: 2.4\nName: Foo_Bar\nVersion: 1.2\nLicense-Expression: MIT OR Apache-2.0\n\nlong text: with colons\n');
  put(root, `${site}/cls-0.1.dist-info/METADATA`, 'Metadata-Version: 2.1\nName: cls\nVersion: 0.1\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\nClassifier: Programming Language :: Python\n');
  put(root, `${site}/legacy-0.9.egg-info`, 'Metadata-Version: 1.0\nName: legacy\nVersion: 0.9\nLicense: GPLv2\n');
  put(root, `${site}/folded-3.0.dist-info/METADATA`, 'Metadata-Version: 2.1\nName: folded\nVersion: 3.0\nLicense: Copyright (c) someone\n        Permission is hereby granted\nClassifier: License :: OSI Approved :: BSD License\n');
  put(root, `${site}/broken-1.0.dist-info/METADATA`, Buffer.from([0x00, 0x01, 0xff, 0x10]));
  put(root, `${site}/noname-1.0.dist-info/METADATA`, 'Metadata-Version: 2.1\nSummary: x\n');
  const ctx = catalogContext(hostTree(root));
  const pkgs = await pythonCataloger.catalog(ctx);
  assert.deepEqual(pkgs.map((p) => p.purl).sort(), ['pkg:pypi/cls@0.1', 'pkg:pypi/folded@3.0', 'pkg:pypi/foo-bar@1.2', 'pkg:pypi/legacy@0.9']);
  assert.deepEqual(byPurl(pkgs, 'pkg:pypi/foo-bar@1.2').licenses, ['MIT OR Apache-2.0']);
  assert.equal(byPurl(pkgs, 'pkg:pypi/foo-bar@1.2').name, 'Foo_Bar');
  assert.deepEqual(byPurl(pkgs, 'pkg:pypi/cls@0.1').licenses, ['MIT']);
  assert.deepEqual(byPurl(pkgs, 'pkg:pypi/legacy@0.9').licenses, ['GPL-2.0-only']);
  assert.deepEqual(byPurl(pkgs, 'pkg:pypi/folded@3.0').licenses, ['BSD-3-Clause']);
  assert.deepEqual(ctx.warnings.map((w) => w.path).sort(), [`/${site}/broken-1.0.dist-info/METADATA`, `/${site}/noname-1.0.dist-info/METADATA`]);
  assert.equal(normalisePythonName('Zope.Interface__x'), 'zope-interface-x');
});

/** The modinfo lines of a binary, which go version -m would print, as grep sees them (independent of our ELF reading). */
function modinfoLines(file: string, kind: string): string[] {
  const out = execFileSync('sh', ['-c', `LC_ALL=C grep -a -o -E '${kind}\t[ -~\t]*' '${file}' || true`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return [...new Set(out.split('\n').filter(Boolean))];
}

const GO_BINARIES: Record<string, string> = {
  '/usr/bin/containerd': 'github.com/containerd/containerd/cmd/containerd',
  '/usr/local/bin/docker': 'github.com/docker/cli/cmd/docker',
  '/usr/sbin/dockerd': 'github.com/docker/docker/cmd/dockerd',
  '/usr/sbin/runc': 'github.com/opencontainers/runc',
  '/usr/local/bin/terraform': 'github.com/hashicorp/terraform',
};

test('go: build info of real binaries, read in parts (never whole)', async (t) => {
  const root = join(tmp, 'go');
  const present = Object.keys(GO_BINARIES).filter((f) => existsSync(f));
  if (present.length === 0) { t.skip('no Go binaries on this machine'); return; }
  for (const f of present) link(root, f.slice(1), f);
  put(root, 'usr/bin/not-go', readFileSync('/bin/true'), 0o755); // an ELF file, not Go
  put(root, 'usr/bin/script', '#!/bin/sh\necho hi\n', 0o755);
  const tree = hostTree(root);
  const ctx = catalogContext(tree);
  const started = Date.now();
  const pkgs = await goBinaryCataloger.catalog(ctx);
  const ms = Date.now() - started;
  assert.deepEqual(ctx.warnings, []);
  assert.deepEqual(tree.reads.whole, [], 'binaries are read in ranges');
  t.diagnostic(`${present.length} Go binaries, ${pkgs.length} packages, ${tree.reads.ranged} ranged reads, ${ms} ms`);

  for (const file of present) {
    const main = pkgs.find((p) => p.name === GO_BINARIES[file] && p.locations.some((l) => l.path === file));
    assert.ok(main, `main module of ${file}`);
    assert.equal(main.type, 'go-module');
    assert.equal(main.metadata?.mainModule, GO_BINARIES[file]);
    assert.ok(modinfoLines(file, 'path').includes(`path\t${GO_BINARIES[file]}`));
    const stdlib = pkgs.find((p) => p.name === 'stdlib' && p.locations.some((l) => l.path === file));
    assert.ok(stdlib, `stdlib of ${file}`);
    assert.match(stdlib.version, /^go1\.\d+/);
    assert.equal(stdlib.purl, `pkg:golang/stdlib@${stdlib.version.slice(2)}`);
    const inBinary = execFileSync('sh', ['-c', `LC_ALL=C grep -a -c -F '${stdlib.version}' '${file}' || true`], { encoding: 'utf8' });
    assert.ok(Number(inBinary) > 0, `${stdlib.version} is in ${file}`);
  }
  // dockerd was stamped with -X …Version=: that is its main module's version
  if (present.includes('/usr/sbin/dockerd')) {
    const dockerd = pkgs.find((p) => p.name === GO_BINARIES['/usr/sbin/dockerd'])!;
    const stamped = /dockerversion\.Version=([^\\" ]+)/.exec(modinfoLines('/usr/sbin/dockerd', 'build').join('\n'))![1]!;
    assert.equal(dockerd.version, `v${stamped}`);
    assert.equal(dockerd.purl, `pkg:golang/github.com/docker/docker/cmd/dockerd@v${stamped}`);
  }
  // terraform is a module build: every dep line is a package, with version and h1 hash
  if (present.includes('/usr/local/bin/terraform')) {
    // the modinfo lines in order (the binary holds them twice: take the first copy), `=>` after its dep
    const lines = execFileSync('sh', ['-c', "LC_ALL=C grep -a -E '^(mod|dep|=>)\t' /usr/local/bin/terraform"], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\n');
    const deps: { path: string; version: string; sum?: string; replace?: string[] }[] = [];
    for (const line of lines.slice(1)) {
      const f = line.split('\t');
      if (f[0] === 'mod' || !line) break;
      if (f[0] === 'dep') deps.push({ path: f[1]!, version: f[2]!, sum: f[3] });
      else deps[deps.length - 1]!.replace = f.slice(1);
    }
    assert.ok(deps.length > 100);
    const tf = pkgs.filter((p) => p.locations.some((l) => l.path === '/usr/local/bin/terraform'));
    for (const dep of deps) {
      const local = dep.replace && /^\.{0,2}\//.test(dep.replace[0]!);
      const [path, version] = dep.replace && !local ? [dep.replace[0]!, dep.replace[1]!] : [dep.path, local ? '(devel)' : dep.version];
      const p = tf.find((x) => x.name === path && x.version === version);
      assert.ok(p, `dep ${path}@${version}`);
      if (!dep.replace) assert.equal(p.metadata?.h1Digest, dep.sum);
      if (local) assert.equal(p.metadata?.replacedBy, dep.replace![0]);
    }
    assert.equal(tf.length, new Set(deps.map((d) => d.path)).size + 2, 'the deps, the main module and stdlib');
    const cloud = tf.find((p) => p.name === 'cloud.google.com/go')!;
    assert.equal(cloud.purl, `pkg:golang/cloud.google.com/go@${cloud.version}`);
    assert.equal(tf.find((p) => p.name === 'github.com/hashicorp/terraform')!.version, '(devel)');
  }
});

/** A minimal 64-bit little-endian ELF file whose only content is a `.go.buildinfo` section. */
function elfWithBuildInfo(blob: Buffer): Buffer {
  const shstrtab = Buffer.from('\0.go.buildinfo\0.shstrtab\0', 'latin1');
  const dataOff = 64;
  const strOff = dataOff + blob.length;
  const shoff = Math.ceil((strOff + shstrtab.length) / 8) * 8;
  const out = Buffer.alloc(shoff + 3 * 64);
  out.write('\x7fELF', 0, 'latin1');
  out[4] = 2; out[5] = 1; out[6] = 1;
  out.writeUInt16LE(2, 16); out.writeUInt16LE(62, 18); out.writeUInt32LE(1, 20);
  out.writeBigUInt64LE(BigInt(shoff), 0x28);
  out.writeUInt16LE(64, 0x34); out.writeUInt16LE(64, 0x3a); out.writeUInt16LE(3, 0x3c); out.writeUInt16LE(2, 0x3e);
  blob.copy(out, dataOff);
  shstrtab.copy(out, strOff);
  const sh = (i: number, name: number, type: number, off: number, size: number): void => {
    const b = shoff + i * 64;
    out.writeUInt32LE(name, b); out.writeUInt32LE(type, b + 4);
    out.writeBigUInt64LE(BigInt(off), b + 0x18); out.writeBigUInt64LE(BigInt(size), b + 0x20);
  };
  sh(1, 1, 1, dataOff, blob.length);
  sh(2, 15, 3, strOff, shstrtab.length);
  return out;
}

function uvarint(n: number): Buffer {
  const bytes: number[] = [];
  while (n >= 0x80) { bytes.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  bytes.push(n);
  return Buffer.from(bytes);
}

function buildInfoBlob(goVersion: string, modinfo: string, flags = 2): Buffer {
  const header = Buffer.alloc(32);
  header.write('\xff Go buildinf:', 0, 'latin1');
  header[14] = 8; header[15] = flags;
  const framed = Buffer.concat([Buffer.alloc(16, 0x30), Buffer.from(modinfo), Buffer.alloc(16, 0x31)]);
  const v = Buffer.from(goVersion);
  return Buffer.concat([header, uvarint(v.length), v, uvarint(framed.length), framed]);
}

test('go: replacements, (devel) with VCS settings, pre-1.18 binaries and garbage ELF files are warnings', async () => {
  const root = join(tmp, 'go2');
  const modinfo = [
    'path\texample.com/app/cmd/app',
    'mod\texample.com/app\t(devel)\t',
    'dep\tgithub.com/a/b\tv1.2.3\th1:aaa=',
    'dep\tgolang.org/x/net\tv0.1.0\th1:bbb=',
    '=>\tgithub.com/fork/net\tv0.1.1-fork\th1:ccc=',
    'dep\texample.com/local\tv0.0.0',
    '=>\t../local\t',
    'build\t-ldflags="-s -w"',
    'build\tvcs=git',
    'build\tvcs.revision=0123456789abcdef0123',
    'build\tvcs.time=2024-05-06T07:08:09Z',
    'build\tGOARCH=arm64',
    '',
  ].join('\n');
  put(root, 'app', elfWithBuildInfo(buildInfoBlob('go1.22.4', modinfo)), 0o755);
  put(root, 'old', elfWithBuildInfo(buildInfoBlob('', '', 0)), 0o755);
  put(root, 'garbage', Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01', 'latin1'), Buffer.alloc(200, 0xee)]), 0o755);
  put(root, 'not-executable', elfWithBuildInfo(buildInfoBlob('go1.22.4', modinfo)), 0o644);
  const ctx = catalogContext(hostTree(root));
  const pkgs = await goBinaryCataloger.catalog(ctx);
  assert.deepEqual(pkgs.map((p) => p.purl).sort(), [
    'pkg:golang/example.com/app@v0.0.0-20240506070809-0123456789ab',
    golangPurl('example.com/local', '(devel)'),
    'pkg:golang/github.com/a/b@v1.2.3',
    'pkg:golang/github.com/fork/net@v0.1.1-fork',
    'pkg:golang/stdlib@1.22.4',
  ].sort());
  assert.equal(pkgs.find((p) => p.name === 'example.com/local')!.metadata?.replacedBy, '../local');
  const fork = pkgs.find((p) => p.name === 'github.com/fork/net')!;
  assert.equal(fork.metadata?.replaces, 'golang.org/x/net@v0.1.0');
  assert.equal(fork.arch, 'arm64');
  assert.deepEqual(ctx.warnings.map((w) => w.path).sort(), ['/garbage', '/old']);
  assert.match(ctx.warnings.find((w) => w.path === '/old')!.message, /pre-Go 1\.18/);
});

function debJar(): string { return '/usr/share/java/commons-lang3.jar'; }

test('java: a Debian jar (libcommons-lang3-java), a fat jar with nested jars, a manifest-only jar; a truncated jar is a warning', async () => {
  const root = join(tmp, 'java');
  const jar = readFileSync(debJar());
  link(root, 'usr/share/java/commons-lang3.jar', debJar());
  const fat = zipSync({
    'META-INF/MANIFEST.MF': strToU8('Manifest-Version: 1.0\r\nImplementation-Title: demo\r\nBundle-License: https://www.apache.org/licenses/LICENSE-2.0.txt\r\n\r\n'),
    'META-INF/maven/com.example/demo/pom.properties': strToU8('#Generated by Maven\nartifactId=demo\ngroupId=com.example\nversion=1.0.0\n'),
    'BOOT-INF/lib/commons-lang3-3.12.0.jar': jar,
    'BOOT-INF/lib/plain-2.1.jar': zipSync({ 'META-INF/MANIFEST.MF': strToU8('Manifest-Version: 1.0\nImplementation-Title: Plain Library\nImplementation-Version: 2.1\nImplementation-Vendor-Id: org.plain\n\n') }),
    'BOOT-INF/classes/com/example/Main.class': new Uint8Array([0xca, 0xfe, 0xba, 0xbe]),
  });
  put(root, 'app/demo.jar', fat);
  put(root, 'app/lib/bundle.jar', zipSync({ 'META-INF/MANIFEST.MF': strToU8('Manifest-Version: 1.0\nBundle-SymbolicName: org.example.bundle;singleton:=true\nBundle-Version: 4.5.6\nBundle-License: EPL-2.0\n\n') }));
  put(root, 'app/lib/truncated.jar', jar.subarray(0, Math.floor(jar.length / 2)));
  put(root, 'app/lib/not-a-zip.war', 'hello');
  const ctx = catalogContext(hostTree(root));
  const pkgs = await javaCataloger.catalog(ctx);
  const lang3 = byPurl(pkgs, `pkg:maven/org.apache.commons/commons-lang3@${debUpstream('libcommons-lang3-java')}`);
  assert.deepEqual(lang3.locations.map((l) => l.path).sort(), ['/app/demo.jar', '/usr/share/java/commons-lang3.jar']);
  assert.equal(lang3.metadata?.groupId, 'org.apache.commons');
  const demo = byPurl(pkgs, 'pkg:maven/com.example/demo@1.0.0');
  assert.deepEqual(demo.licenses, ['Apache-2.0']);
  const plain = byPurl(pkgs, 'pkg:maven/org.plain/plain@2.1');
  assert.equal(plain.metadata?.virtualPath, '/app/demo.jar:BOOT-INF/lib/plain-2.1.jar');
  const bundle = byPurl(pkgs, 'pkg:maven/bundle/bundle@4.5.6');
  assert.deepEqual(bundle.licenses, ['EPL-2.0']);
  assert.equal(pkgs.length, 4);
  assert.deepEqual(ctx.warnings.map((w) => w.path).sort(), ['/app/lib/not-a-zip.war', '/app/lib/truncated.jar']);
});

test('all language catalogers over one tree: each finds its own, bad files do not stop the others', async () => {
  const root = join(tmp, 'all');
  put(root, 'srv/package-lock.json', '{not json');
  put(root, 'srv/node_modules/left-pad/package.json', JSON.stringify({ name: 'left-pad', version: '1.3.0', license: 'WTFPL' }));
  put(root, 'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n');
  link(root, 'usr/share/java/commons-lang3.jar', debJar());
  if (existsSync('/usr/sbin/runc')) link(root, 'usr/sbin/runc', '/usr/sbin/runc');
  const ctx = catalogContext(hostTree(root));
  const all: SbomPackage[] = [];
  for (const c of LANGUAGE_CATALOGERS) all.push(...await c.catalog(ctx));
  assert.deepEqual(new Set(all.map((p) => p.type)), new Set(['npm', 'python', 'java-archive', ...(existsSync('/usr/sbin/runc') ? ['go-module'] : [])]));
  byPurl(all, 'pkg:npm/left-pad@1.3.0');
  byPurl(all, 'pkg:pypi/six@1.16.0');
  assert.deepEqual(ctx.warnings.map((w) => w.path), ['/srv/package-lock.json']);
});

test('generateSbom over dirTree: language packages from copied real files, Go read in ranges through the union tree', async () => {
  const { dirTree } = await import('../../src/sbom/dir-tree.js');
  const { generateSbom } = await import('../../src/sbom/generate.js');
  const root = join(tmp, 'dirtree');
  put(root, 'usr/share/java/commons-lang3.jar', readFileSync(debJar()));
  put(root, 'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n');
  put(root, 'srv/node_modules/fflate/package.json', readFileSync(join(repo, 'node_modules/fflate/package.json')));
  put(root, 'usr/sbin/runc', readFileSync('/usr/sbin/runc'), 0o755);
  const tree = dirTree(root);
  let whole = 0;
  const readFile = tree.readFile.bind(tree);
  tree.readFile = async (p: string) => { if (p === '/usr/sbin/runc') whole++; return readFile(p); };
  const sbom = await generateSbom(tree, { type: 'directory', name: root });
  assert.deepEqual(sbom.warnings, []);
  const purls = sbom.packages.map((p) => p.purl);
  for (const p of ['pkg:maven/org.apache.commons/commons-lang3@3.12.0', 'pkg:pypi/six@1.16.0', 'pkg:npm/fflate@0.8.3']) assert.ok(purls.includes(p), p);
  assert.ok(sbom.packages.some((p) => p.name === 'github.com/opencontainers/runc' && p.locations[0]!.path === '/usr/sbin/runc'));
  assert.equal(whole, 0, 'runc was not read whole');
});

test('image layers: language packages name the layer that holds them; a later whiteout or opaque dir removes them', async (t) => {
  const { makeLayers, dir, file } = await import('./helpers.js');
  const { layeredTree } = await import('../../src/sbom/layered-tree.js');
  const { generateSbom } = await import('../../src/sbom/generate.js');
  const jar = readFileSync(debJar());
  const meta = (name: string, v: string) => `Metadata-Version: 2.1\nName: ${name}\nVersion: ${v}\n`;
  const layers = await makeLayers(t, [
    [dir('app/'), dir('app/node_modules/'), dir('app/node_modules/left-pad/'), file('app/node_modules/left-pad/package.json', JSON.stringify({ name: 'left-pad', version: '1.3.0' })),
      dir('app/lib/'), file('app/lib/commons-lang3.jar', jar),
      dir('site/'), dir('site/six-1.16.0.dist-info/'), file('site/six-1.16.0.dist-info/METADATA', meta('six', '1.16.0'))],
    // layer 2: the jar is deleted, site-packages replaced (opaque), a new npm package added
    [dir('app/'), dir('app/lib/'), file('app/lib/.wh.commons-lang3.jar', ''),
      dir('site/'), file('site/.wh..wh..opq', ''), dir('site/attrs-22.2.0.dist-info/'), file('site/attrs-22.2.0.dist-info/METADATA', meta('attrs', '22.2.0')),
      dir('app/node_modules/'), dir('app/node_modules/ms/'), file('app/node_modules/ms/package.json', JSON.stringify({ name: 'ms', version: '2.1.3', license: 'MIT' }))],
  ]);
  const sbom = await generateSbom(layeredTree(layers), { type: 'image', name: 'test', layers: layers.map((l) => l.digest) }, { catalogers: LANGUAGE_CATALOGERS });
  assert.deepEqual(sbom.warnings, []);
  const got = Object.fromEntries(sbom.packages.map((p) => [p.purl, p.locations.map((l) => l.layerDigest)]));
  assert.deepEqual(got, {
    'pkg:npm/left-pad@1.3.0': [layers[0]!.digest],
    'pkg:npm/ms@2.1.3': [layers[1]!.digest],
    'pkg:pypi/attrs@22.2.0': [layers[1]!.digest],
  });
});

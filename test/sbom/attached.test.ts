/**
 * Attached SBOMs end to end: `berth build --sbom` stores the image's SPDX SBOM as an OCI referrer,
 * `berth push` sends it to berth's registry (and tries Debian's docker-registry, which has no
 * referrers API), `berth pull` into a second daemon fetches it, skopeo reads the referrer manifest,
 * and rmi leaves no referrer row or blob behind.
 *
 * The two daemons live in network namespaces of their own; each gets a registry process on its own
 * loopback, both serving the same storage directory, so what one pushes the other pulls.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { inNetns, serveRegistry, type Peer } from '../registry/peers.js';
import { spdxErrors } from '../helpers/supply-chain-schemas.js';

let d1: TestDaemon;
let d2: TestDaemon;
let tmp: string;
const peers: Peer[] = [];
const REF = '127.0.0.1:5000/sbom/app:v1';
const HAS_DISTRIBUTION = existsSync('/usr/bin/docker-registry');

interface ReferrerRow { subject: string; digest: string; artifact_type: string; blobs_json: string }

/** The daemon's referrer index, read from its database (read-only, beside the running daemon). */
function referrerRows(d: TestDaemon): ReferrerRow[] {
  const db = new DatabaseSync(join(d.root, 'berth.db'), { readOnly: true });
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'image_referrers'").get();
    return has ? db.prepare('SELECT subject, digest, artifact_type, blobs_json FROM image_referrers ORDER BY digest').all() as unknown as ReferrerRow[] : [];
  } finally { db.close(); }
}

function manifestDigestOf(d: TestDaemon, imageId: string): string {
  const db = new DatabaseSync(join(d.root, 'berth.db'), { readOnly: true });
  try { return (db.prepare('SELECT manifest_digest FROM images WHERE id = ?').get(imageId) as { manifest_digest: string }).manifest_digest; } finally { db.close(); }
}

function blobPath(d: TestDaemon, digest: string): string {
  return join(d.root, 'content', 'blobs', 'sha256', digest.slice(7));
}

/** The SPDX document a referrer holds. */
function spdxOf(d: TestDaemon, row: ReferrerRow): any {
  const manifest = JSON.parse(readFileSync(blobPath(d, row.digest), 'utf8'));
  return JSON.parse(readFileSync(blobPath(d, manifest.layers[0].digest), 'utf8'));
}

async function ok(d: TestDaemon, args: string[]): Promise<string> {
  const r = await d.berth(args, { timeoutMs: 180_000 });
  assert.equal(r.code, 0, `berth ${args.join(' ')}: ${r.stderr}${r.stdout}`);
  return r.stdout + r.stderr;
}

before(async () => {
  d1 = await startDaemon();
  d2 = await startDaemon();
  tmp = mkdtempSync('/tmp/berth-attached-');
  for (const d of [d1, d2]) peers.push(await serveRegistry(d.netns, join(tmp, 'registry'), '127.0.0.1:5000'));
  await ok(d1, ['image', 'bootstrap', 'busybox']);
  // a context whose image holds language packages on top of busybox
  const ctx = join(tmp, 'ctx');
  const put = (p: string, data: string | Buffer, mode = 0o644): void => { mkdirSync(join(ctx, p, '..'), { recursive: true }); writeFileSync(join(ctx, p), data, { mode }); };
  put('app/node_modules/left-pad/package.json', JSON.stringify({ name: 'left-pad', version: '1.3.0', license: 'WTFPL' }));
  put('app/lib/python3.11/site-packages/six-1.16.0.dist-info/METADATA', 'Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n');
  put('app/lib/commons-lang3.jar', readFileSync('/usr/share/java/commons-lang3.jar'));
  put('app/bin/runc', readFileSync('/usr/sbin/runc'), 0o755); // a Go binary (COPY keeps its mode)
  put('Dockerfile', 'FROM busybox\nCOPY app /app\n');
});

after(async () => {
  for (const p of peers) p.stop();
  await d1?.cleanup();
  await d2?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

let imageId = '';
let subject = '';
let referrer = '';

test('build --sbom attaches an SPDX 2.3 SBOM of the new image as a referrer of its manifest', async (t) => {
  const started = Date.now();
  const out = await ok(d1, ['build', '--sbom', '-t', REF, join(tmp, 'ctx')]);
  t.diagnostic(`build --sbom: ${Date.now() - started} ms`);
  const attached = /Attached SBOM (sha256:[a-f0-9]{64}) \(application\/spdx\+json\)/.exec(out);
  assert.ok(attached, out);
  imageId = (await ok(d1, ['image', 'inspect', '-f', '{{.Id}}', REF])).trim();
  subject = manifestDigestOf(d1, imageId);
  const rows = referrerRows(d1);
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.subject, subject);
  assert.equal(rows[0]!.artifact_type, 'application/spdx+json');
  referrer = rows[0]!.digest;
  assert.equal(referrer, attached[1]);
  const manifest = JSON.parse(readFileSync(blobPath(d1, referrer), 'utf8'));
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(manifest.artifactType, 'application/spdx+json');
  assert.deepEqual(manifest.config, { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 });
  assert.equal(manifest.subject.digest, subject);
  assert.equal(manifest.layers.length, 1);
  assert.equal(manifest.layers[0].mediaType, 'application/spdx+json');
  const spdx = spdxOf(d1, rows[0]!);
  assert.deepEqual(spdxErrors(spdx), []);
  assert.equal(spdx.spdxVersion, 'SPDX-2.3');
  const purls = spdx.packages.flatMap((p: any) => (p.externalRefs ?? []).map((r: any) => r.referenceLocator));
  for (const p of ['pkg:npm/left-pad@1.3.0', 'pkg:pypi/six@1.16.0', 'pkg:maven/org.apache.commons/commons-lang3@3.12.0']) assert.ok(purls.includes(p), `${p} in ${purls.join(' ')}`);
  assert.ok(purls.some((p: string) => p.startsWith('pkg:golang/github.com/opencontainers/runc@')), 'the Go binary\'s main module');
  assert.ok(purls.some((p: string) => /^pkg:golang\/stdlib@1\.\d+/.test(p)), 'the Go standard library');

  // the API serves the document as stored; an image without one is a 404 with its own code
  const api = await d1.api('GET', `/berth/images/${encodeURIComponent(REF)}/sbom/attached`);
  assert.equal(api.status, 200);
  assert.equal(api.headers['content-type'], 'application/spdx+json');
  assert.equal(api.headers['x-berth-sbom-referrer'], referrer);
  assert.equal(api.headers['x-berth-sbom-subject'], subject);
  assert.deepEqual(api.body, spdx);

  // a rebuild from cache gives the same image: its SBOM is replaced, not added, and the old blobs go
  const again = await ok(d1, ['build', '--sbom', '-t', REF, join(tmp, 'ctx')]);
  assert.equal((await ok(d1, ['image', 'inspect', '-f', '{{.Id}}', REF])).trim(), imageId, again);
  const after = referrerRows(d1);
  assert.equal(after.length, 1);
  if (after[0]!.digest !== referrer) assert.ok(!existsSync(blobPath(d1, referrer)), 'the replaced referrer manifest is deleted');
  referrer = after[0]!.digest;
  // without --sbom nothing is attached
  writeFileSync(join(tmp, 'ctx', 'Dockerfile.plain'), 'FROM busybox\nCOPY app /plain\n');
  await ok(d1, ['build', '-f', join(tmp, 'ctx', 'Dockerfile.plain'), '-t', 'plain:1', join(tmp, 'ctx')]);
  assert.equal(referrerRows(d1).length, 1);
  const none = await d1.api('GET', '/berth/images/plain:1/sbom/attached');
  assert.equal(none.status, 404);
  assert.equal(none.body.code, 'ERR_SBOM_NOT_ATTACHED');
  const missing = await d1.api('GET', '/berth/images/nosuch:1/sbom/attached');
  assert.equal(missing.status, 404);
  assert.match(missing.body.message, /No such image: nosuch:1/);
});

let pushedDigest = '';

test('push sends the referrer to berth registry; the referrers API lists it and skopeo reads it', async () => {
  const out = await ok(d1, ['push', REF]);
  pushedDigest = /digest: (sha256:[a-f0-9]{64})/.exec(out)![1]!;
  assert.equal(pushedDigest, subject);
  assert.match(out, /pushed referrer application\/spdx\+json/);
  const list = inNetns(d1.netns, 'curl', ['-sf', `http://127.0.0.1:5000/v2/sbom/app/referrers/${subject}?artifactType=application/spdx%2Bjson`]);
  assert.equal(list.status, 0, list.stderr);
  const index = JSON.parse(list.stdout);
  assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
  assert.deepEqual(index.manifests.map((m: any) => [m.digest, m.artifactType]), [[referrer, 'application/spdx+json']]);
  const raw = inNetns(d1.netns, 'skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://127.0.0.1:5000/sbom/app@${referrer}`]);
  assert.equal(raw.status, 0, raw.stderr);
  const doc = JSON.parse(raw.stdout);
  assert.equal(doc.artifactType, 'application/spdx+json');
  assert.equal(doc.subject.digest, subject);
  assert.equal(readFileSync(blobPath(d1, referrer), 'utf8'), raw.stdout.replace(/\n$/, ''), 'byte for byte the stored manifest');
});

test('pull into a second daemon fetches the SBOM with the image', async () => {
  const out = await ok(d2, ['pull', REF]);
  assert.match(out, /pulled referrer application\/spdx\+json/);
  assert.doesNotMatch(out, /warning/i);
  const id2 = (await ok(d2, ['image', 'inspect', '-f', '{{.Id}}', REF])).trim();
  assert.equal(id2, imageId);
  const rows = referrerRows(d2);
  assert.deepEqual(rows.map((r) => [r.subject, r.digest]), [[subject, referrer]]);
  assert.deepEqual(spdxOf(d2, rows[0]!), spdxOf(d1, referrerRows(d1)[0]!));
  // pulling again (up to date) adds nothing
  await ok(d2, ['pull', REF]);
  assert.equal(referrerRows(d2).length, 1);
});

test('rmi drops the referrers with the image: no row, no blob left', async () => {
  const rows = referrerRows(d2);
  const blobs = [rows[0]!.digest, ...JSON.parse(rows[0]!.blobs_json) as string[]];
  for (const b of blobs) assert.ok(existsSync(blobPath(d2, b)), b);
  await ok(d2, ['rmi', REF]);
  assert.deepEqual(referrerRows(d2), []);
  for (const b of blobs) assert.ok(!existsSync(blobPath(d2, b)), `${b} deleted`);
});

test('Debian docker-registry (no referrers API): push and pull still work, silently without the SBOM', { skip: !HAS_DISTRIBUTION && 'docker-registry not installed' }, async (t) => {
  const cfg = join(tmp, 'distribution.yml');
  writeFileSync(cfg, ['version: 0.1', 'log:', '  level: error', 'storage:', '  filesystem:', `    rootdirectory: ${join(tmp, 'dist')}`,
    'http:', '  addr: 127.0.0.1:5003', ''].join('\n'));
  for (const d of [d1, d2]) peers.push(await serveDistribution(d, cfg));
  const ref = '127.0.0.1:5003/sbom/app:v1';
  await ok(d1, ['tag', REF, ref]);
  const pushed = await ok(d1, ['push', ref]);
  assert.match(pushed, /digest: sha256:/);
  // distribution 2.8 stores the referrer manifest (it ignores `subject`) or refuses it: either way a line says so
  t.diagnostic(pushed.split('\n').filter((l) => /referrer/.test(l)).join(' | '));
  assert.match(pushed, /pushed referrer|referrer .* was not pushed/);
  const pulled = await ok(d2, ['pull', ref]);
  assert.match(pulled, /Downloaded newer image/);
  assert.doesNotMatch(pulled, /referrer|warning/i);
  assert.deepEqual(referrerRows(d2), []);
  await ok(d2, ['rmi', ref]);
});

test('rmi in the building daemon removes the SBOM too', async () => {
  const rows = referrerRows(d1);
  assert.equal(rows.length, 1);
  const blobs = [rows[0]!.digest, ...JSON.parse(rows[0]!.blobs_json) as string[]];
  const r = await d1.berth(['rmi', REF, ...(HAS_DISTRIBUTION ? ['127.0.0.1:5003/sbom/app:v1'] : [])]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(referrerRows(d1), []);
  for (const b of blobs) assert.ok(!existsSync(blobPath(d1, b)), `${b} deleted`);
});

/** Debian's docker-registry in a daemon's namespace. */
async function serveDistribution(d: TestDaemon, cfg: string): Promise<Peer> {
  const { spawn } = await import('node:child_process');
  const child = spawn('nsenter', [`--net=/run/netns/${d.netns}`, '/usr/bin/docker-registry', 'serve', cfg], { stdio: 'ignore' });
  const peer: Peer = { child, stop() { if (child.exitCode === null) child.kill('SIGKILL'); } };
  for (let i = 0; i < 200; i++) {
    if (inNetns(d.netns, 'bash', ['-c', 'exec 3<>/dev/tcp/127.0.0.1/5003']).status === 0) return peer;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  peer.stop();
  throw new Error('docker-registry did not start');
}

/**
 * `load` reads an archive once: members hashed on their way into the content store's ingest dir,
 * layers unpacked while they stream. These tests check that the one pass keeps load's guarantees:
 * digests and diff IDs verified, hostile and corrupt archives refused with nothing left behind
 * (no image, blob, layer, ingest file or prepared layer), both archive formats and old layouts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { imageEnv, buildTar, type Env } from './helpers.js';
import { loadArchive } from '../../src/image/archive-load.js';
import { saveImages } from '../../src/image/archive-save.js';
import { ArchiveError, BerthError } from '../../src/common/errors.js';

const hex = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The archive in small chunks, as a socket delivers it (members and their heads split across chunks). */
function chunked(buf: Buffer, size = 7001): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts);
}

/** A layer tar with one file of `bytes` random bytes (big enough to be streamed and unpacked on the way). */
async function layerTar(name: string, bytes: number, extra: Parameters<typeof buildTar>[0] = []): Promise<{ tar: Buffer; payload: Buffer }> {
  const payload = randomBytes(bytes);
  return { tar: await buildTar([{ name: 'data/', type: 'directory' }, { name: `data/${name}`, body: payload }, ...extra]), payload };
}

/** A docker-archive as `docker save` (before 25) writes it: <id>/layer.tar, <config>.json, manifest.json. */
async function dockerArchive(layers: Buffer[], opts: { diffIds?: string[]; tag?: string; symlinkSecond?: boolean } = {}): Promise<{ archive: Buffer; configId: string }> {
  const diffIds = opts.diffIds ?? layers.map((l) => `sha256:${hex(l)}`);
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['/bin/true'] }, rootfs: { type: 'layers', diff_ids: diffIds } });
  const configId = hex(config);
  const entries: Parameters<typeof buildTar>[0] = [{ name: `${configId}.json`, body: config }];
  const names: string[] = [];
  layers.forEach((l, i) => {
    const dir = `layer${i}`;
    entries.push({ name: `${dir}/`, type: 'directory' });
    if (opts.symlinkSecond && i === 1) entries.push({ name: `${dir}/layer.tar`, type: 'symlink', linkname: '../layer0/layer.tar' });
    else entries.push({ name: `${dir}/layer.tar`, body: l });
    names.push(`${dir}/layer.tar`);
  });
  entries.push({ name: 'manifest.json', body: JSON.stringify([{ Config: `${configId}.json`, RepoTags: [opts.tag ?? 'example.com/big:v1'], Layers: names }]) });
  return { archive: await buildTar(entries), configId: `sha256:${configId}` };
}

/** Nothing a load leaves when it fails: no image, blob, layer, ingest file or prepared layer. */
async function assertNothingLeft(env: Env): Promise<void> {
  assert.equal(env.images.list().length, 0, 'no image');
  assert.deepEqual(await env.content.list(), [], 'no blob');
  assert.deepEqual(env.layers.list(), [], 'no layer row');
  assert.deepEqual(readdirSync(env.layers.layersDir), [], 'no layer dir');
  assert.deepEqual(readdirSync(env.layers.tmpDir), [], 'no prepared layer');
  assert.deepEqual(readdirSync(env.content.ingestDir), [], 'no ingest file');
}

async function assertClean(env: Env): Promise<void> {
  assert.deepEqual(readdirSync(env.layers.tmpDir), [], 'no prepared layer left');
  assert.deepEqual(readdirSync(env.content.ingestDir), [], 'no ingest file left');
}

test('a docker-archive with big uncompressed layers: one pass, layers in place, digests and diff IDs right', async (t) => {
  const env = await imageEnv(t);
  const a = await layerTar('a.bin', 3 << 20);
  const b = await layerTar('b.bin', 2 << 20, [{ name: 'data/.wh.gone', body: '' }]);
  const { archive, configId } = await dockerArchive([a.tar, b.tar]);
  const loaded = await loadArchive(env.images, chunked(archive));
  assert.deepEqual(loaded.map((l) => [l.id, l.tag]), [[configId, 'example.com/big:v1']]);
  const img = env.images.get(configId)!;
  assert.deepEqual(img.layers.map((l) => l.diffId), [`sha256:${hex(a.tar)}`, `sha256:${hex(b.tar)}`]);
  assert.deepEqual(img.layers.map((l) => l.blobDigest), img.layers.map((l) => l.diffId), 'an uncompressed layer is its own blob');
  const top = env.layers.get(img.topChainId!)!;
  const base = env.layers.get(img.layers[0].chainId)!;
  assert.equal(top.parent, base.chainId);
  assert.ok(readFileSync(join(base.dir, 'data/a.bin')).equals(a.payload));
  assert.ok(readFileSync(join(top.dir, 'data/b.bin')).equals(b.payload));
  assert.ok(statSync(join(top.dir, 'data/gone')).isCharacterDevice(), 'whiteouts become overlay whiteouts');
  for (const l of img.layers) assert.equal(hex(env.content.read(l.blobDigest)), l.blobDigest.slice(7), 'blob stored under its digest');
  assert.equal(hex(env.content.read(configId)), configId.slice(7));
  assert.equal(statSync(env.content.path(img.layers[0].blobDigest)).mode & 0o777, 0o644);
  await assertClean(env);
});

test('loading an image that is already there, and an archive whose layers repeat, reuses what exists', async (t) => {
  const env = await imageEnv(t);
  const a = await layerTar('a.bin', 2 << 20);
  const { archive, configId } = await dockerArchive([a.tar, a.tar]);
  await loadArchive(env.images, chunked(archive));
  const img = env.images.get(configId)!;
  assert.equal(img.layers.length, 2);
  assert.notEqual(img.layers[0].chainId, img.layers[1].chainId);
  assert.ok(readFileSync(join(env.layers.get(img.layers[1].chainId)!.dir, 'data/a.bin')).equals(a.payload));
  const rows = env.layers.list().length;
  await loadArchive(env.images, chunked(archive, 65536));
  assert.equal(env.layers.list().length, rows, 'no layer unpacked twice');
  assert.equal(readdirSync(env.layers.layersDir).length, rows);
  await assertClean(env);
});

test('old layout: a layer that is a symlink to another member', async (t) => {
  const env = await imageEnv(t);
  const a = await layerTar('a.bin', 300_000);
  const { archive, configId } = await dockerArchive([a.tar, a.tar], { symlinkSecond: true });
  await loadArchive(env.images, chunked(archive));
  assert.equal(env.images.get(configId)!.layers.length, 2);
  await assertClean(env);
});

test('berth save → load round trip (docker-archive + OCI layout, gzip layers) keeps the manifest digest', async (t) => {
  const src = await imageEnv(t);
  const a = await layerTar('a.bin', 2 << 20);
  const { archive, configId } = await dockerArchive([gzipSync(a.tar)], { diffIds: [`sha256:${hex(a.tar)}`] });
  await loadArchive(src.images, chunked(archive));
  const saved: Buffer[] = [];
  const out = new PassThrough();
  out.on('data', (c: Buffer) => saved.push(c));
  await saveImages(src.images, ['example.com/big:v1'], out);
  const dst = await imageEnv(t);
  const loaded = await loadArchive(dst.images, chunked(Buffer.concat(saved)));
  assert.equal(loaded[0].manifestDigest, src.images.get(configId)!.manifestDigest);
  const img = dst.images.get(configId)!;
  assert.equal(img.layers[0].diffId, `sha256:${hex(a.tar)}`);
  assert.ok(readFileSync(join(dst.layers.get(img.topChainId!)!.dir, 'data/a.bin')).equals(a.payload));
  await assertClean(dst);

  // the OCI layout alone (index.json + blobs/, no manifest.json), as skopeo's oci-archive: writes it
  const oci = await imageEnv(t);
  const members: Parameters<typeof buildTar>[0] = [];
  const tarOut = (await import('tar-stream')).extract();
  const done = new Promise<void>((resolve, reject) => { tarOut.on('finish', resolve); tarOut.on('error', reject); });
  tarOut.on('entry', (h, s, next) => {
    const chunks: Buffer[] = [];
    s.on('data', (c) => chunks.push(c as Buffer));
    s.on('end', () => { if (h.name !== 'manifest.json' && h.name !== 'repositories') members.push({ name: h.name, body: Buffer.concat(chunks) }); next(); });
  });
  Readable.from([Buffer.concat(saved)]).pipe(tarOut);
  await done;
  const ociLoaded = await loadArchive(oci.images, chunked(await buildTar(members)));
  assert.equal(ociLoaded[0].id, configId);
  await assertClean(oci);
});

test('a layer whose diff ID is not the config\'s is refused, and nothing is left', async (t) => {
  const env = await imageEnv(t);
  const a = await layerTar('a.bin', 2 << 20);
  const b = await layerTar('b.bin', 2 << 20);
  const { archive } = await dockerArchive([a.tar, b.tar], { diffIds: [`sha256:${hex(a.tar)}`, `sha256:${'0'.repeat(64)}`] });
  await assert.rejects(loadArchive(env.images, chunked(archive)), (e: unknown) => e instanceof BerthError && e.code === 'ERR_DIGEST_MISMATCH');
  await assertNothingLeft(env);
});

test('an OCI blob whose bytes do not match its name is refused, and nothing is left', async (t) => {
  const env = await imageEnv(t);
  const a = await layerTar('a.bin', 2 << 20);
  const layerDigest = `sha256:${hex(a.tar)}`;
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layerDigest] } });
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${hex(config)}`, size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: a.tar.length }] });
  const index = JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${hex(manifest)}`, size: manifest.length }] });
  const tampered = Buffer.from(a.tar);
  tampered[tampered.length - 2048] ^= 1; // inside the end-of-archive padding: still a valid tar, another digest
  const archive = await buildTar([
    { name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' },
    { name: `blobs/sha256/${hex(config)}`, body: config },
    { name: `blobs/sha256/${layerDigest.slice(7)}`, body: tampered },
    { name: `blobs/sha256/${hex(manifest)}`, body: manifest },
    { name: 'index.json', body: index },
  ]);
  await assert.rejects(loadArchive(env.images, chunked(archive)), (e: unknown) => e instanceof BerthError && e.code === 'ERR_DIGEST_MISMATCH');
  await assertNothingLeft(env);
});

test('a hostile layer (an entry escaping the layer) is refused, and nothing is left', async (t) => {
  const env = await imageEnv(t);
  const a = await layerTar('a.bin', 2 << 20, [{ name: '../../escape.txt', body: 'evil' }]);
  const { archive } = await dockerArchive([a.tar]);
  await assert.rejects(loadArchive(env.images, chunked(archive)), ArchiveError);
  await assertNothingLeft(env);
});

test('hostile and broken archives are refused with nothing left', async (t) => {
  const env = await imageEnv(t);
  const a = await layerTar('a.bin', 2 << 20);
  const cases: Array<[string, Buffer, string]> = [
    ['member leaving the archive', await buildTar([{ name: '../evil', body: 'x' }]), 'ERR_ARCHIVE_HOSTILE'],
    ['absolute link', await buildTar([{ name: 'l', type: 'symlink', linkname: '/etc/passwd' }]), 'ERR_ARCHIVE_HOSTILE'],
    ['device', await buildTar([{ name: 'dev', type: 'character-device', devmajor: 1, devminor: 3 }]), 'ERR_ARCHIVE_HOSTILE'],
    ['member twice', await buildTar([{ name: 'a', body: 'x' }, { name: 'a', body: 'y' }]), 'ERR_ARCHIVE_INVALID'],
    ['no manifest', await buildTar([{ name: 'x', body: 'x' }]), 'ERR_ARCHIVE_INVALID'],
  ];
  const { archive } = await dockerArchive([a.tar]);
  cases.push(['truncated in a big layer', archive.subarray(0, 1 << 20), 'ERR_ARCHIVE_CORRUPT']);
  for (const [what, buf, code] of cases) {
    await assert.rejects(loadArchive(env.images, chunked(buf)), (e: unknown) => e instanceof ArchiveError && e.code === code, what);
    await assertNothingLeft(env);
  }
  await assert.rejects(loadArchive(env.images, chunked(archive), { limits: { maxBytes: 1 << 20 } }), (e: unknown) => e instanceof ArchiveError && e.code === 'ERR_ARCHIVE_LIMIT');
  await assertNothingLeft(env);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { imageEnv, buildTar, streamOf, type Env } from './helpers.js';
import { ImageStore, type ImageRecord } from '../../src/image/image-store.js';
import { NotFoundError, ConflictError } from '../../src/common/errors.js';

async function makeImage(env: Env, files: Record<string, string>, opts: { tags?: string[]; parent?: ImageRecord; labels?: Record<string, string>; created?: string } = {}): Promise<ImageRecord> {
  const tarBuf = await buildTar(Object.entries(files).map(([name, body]) => ({ name, body })));
  return env.images.createImage({
    parent: opts.parent ?? null,
    layerTar: streamOf(tarBuf),
    config: { Env: ['PATH=/bin'], Cmd: ['sh'], Labels: opts.labels },
    history: { created_by: `test ${Object.keys(files).join(',')}` },
    tags: opts.tags,
    created: opts.created,
  });
}

const noUser = () => undefined;

test('createImage stores config, manifest and gzip layer; ID is sha256 of the config', async (t) => {
  const env = await imageEnv(t);
  const tarBuf = await buildTar([{ name: 'hello.txt', body: 'hi' }]);
  const img = await env.images.createImage({ layerTar: streamOf(tarBuf), config: { Cmd: ['sh'] }, history: { created_by: 'x' }, tags: ['demo'] });
  const configRaw = env.content.read(img.id);
  assert.equal(img.id, 'sha256:' + createHash('sha256').update(configRaw).digest('hex'));
  const config = JSON.parse(configRaw.toString());
  assert.equal(config.os, 'linux');
  assert.equal(config.architecture, process.arch === 'x64' ? 'amd64' : process.arch);
  assert.equal(config.rootfs.type, 'layers');
  assert.equal(config.rootfs.diff_ids[0], 'sha256:' + createHash('sha256').update(tarBuf).digest('hex'));
  const manifest = JSON.parse(env.content.read(img.manifestDigest!).toString());
  assert.equal(manifest.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(manifest.config.digest, img.id);
  assert.equal(manifest.layers[0].mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
  const layerBlob = env.content.read(manifest.layers[0].digest);
  assert.deepEqual(gunzipSync(layerBlob), tarBuf);
  assert.equal(readFileSync(join(env.layers.get(img.topChainId!)!.dir, 'hello.txt'), 'utf8'), 'hi');
  assert.deepEqual(img.repoTags, ['docker.io/library/demo:latest']);
  assert.ok(env.seen.some((e) => e.Action === 'tag' && e.Actor.Attributes.name === 'demo:latest'));
});

test('resolve by every form; not found and ambiguous', async (t) => {
  const env = await imageEnv(t);
  const img = await makeImage(env, { a: '1' }, { tags: ['quay.io/org/app:v1', 'busybox'] });
  const hex = img.id.slice(7);
  for (const s of ['busybox', 'busybox:latest', 'library/busybox', 'docker.io/library/busybox:latest', 'index.docker.io/busybox',
    'quay.io/org/app:v1', img.id, hex, hex.slice(0, 12), 'sha256:' + hex.slice(0, 10)]) {
    assert.equal(env.images.resolve(s).id, img.id, s);
  }
  env.images.addRepoDigest(img.id, `busybox@sha256:${'e'.repeat(64)}`);
  assert.equal(env.images.resolve(`busybox@sha256:${'e'.repeat(64)}`).id, img.id);
  assert.equal(env.images.resolve(`busybox@${img.manifestDigest}`).id, img.id); // by manifest digest
  assert.throws(() => env.images.resolve('nope'), (e: unknown) => e instanceof NotFoundError && e.message === 'No such image: nope:latest');
  assert.throws(() => env.images.resolve('quay.io/org/app'), /No such image: quay.io\/org\/app:latest/);
  assert.throws(() => env.images.resolve('sha256:' + 'f'.repeat(64)), /No such image: sha256:f{64}/);
  assert.equal(env.images.tryResolve('nope'), undefined);
  // ambiguous prefix: make images until two share a first hex digit
  const ids = [img.id];
  for (let i = 0; i < 20; i++) ids.push((await makeImage(env, { [`f${i}`]: String(i) })).id);
  const first = ids.map((x) => x[7]);
  const dup = first.find((c, i) => first.indexOf(c) !== i)!;
  assert.throws(() => env.images.resolve(dup), /multiple images found with provided prefix/);
});

test('inspect shape and history', async (t) => {
  const env = await imageEnv(t);
  const base = await makeImage(env, { 'etc/a': 'aaaa' }, { tags: ['base:1'], labels: { l1: 'v1' } });
  const child = await makeImage(env, { 'etc/b': 'bb' }, { tags: ['child'], parent: base });
  const ins = env.images.inspect('child');
  assert.equal(ins.Id, child.id);
  assert.deepEqual(ins.RepoTags, ['child:latest']);
  assert.deepEqual(ins.RepoDigests, []);
  assert.equal(ins.Parent, base.id);
  assert.equal(ins.Os, 'linux');
  assert.equal(ins.Config.Cmd[0], 'sh');
  assert.deepEqual(ins.Config.Env, ['PATH=/bin']);
  assert.equal(ins.RootFS.Type, 'layers');
  assert.equal(ins.RootFS.Layers.length, 2);
  assert.equal(ins.Size, 6);
  assert.equal(ins.GraphDriver.Name, 'overlay2');
  assert.ok(ins.GraphDriver.Data.UpperDir && ins.GraphDriver.Data.LowerDir);
  assert.ok(typeof ins.Metadata.LastTagTime === 'string');
  assert.ok(!Number.isNaN(Date.parse(ins.Created)));
  const h = env.images.history('child');
  assert.equal(h.length, 2);
  assert.equal(h[0].Id, child.id);
  assert.deepEqual(h[0].Tags, ['child:latest']);
  assert.equal(h[0].Size, 2);
  assert.equal(h[1].Id, base.id); // local parent owns the older entry
  assert.equal(h[1].CreatedBy, 'test etc/a');
  // an image without local parent shows <missing> below the top
  const pulledLike = await env.images.createImage({ parent: { ...base, id: 'sha256:' + '0'.repeat(64) } as ImageRecord, config: {}, history: { created_by: 'CMD' } });
  env.images.tag(pulledLike.id, 'pl');
  const h2 = env.images.history('pl');
  assert.equal(h2[0].Id, pulledLike.id);
  assert.equal(h2[0].Size, 0);
  assert.equal(h2[1].Id, '<missing>');
});

test('summaries with filters', async (t) => {
  const env = await imageEnv(t);
  const a = await makeImage(env, { a: '1' }, { tags: ['alpha:1', 'quay.io/x/alpha:2'], labels: { team: 'red' }, created: '2020-01-01T00:00:00Z' });
  const b = await makeImage(env, { b: '1' }, { tags: ['beta'], labels: { team: 'blue', only: '' }, created: '2021-01-01T00:00:00Z' });
  const c = await makeImage(env, { c: '1' }, { created: '2022-01-01T00:00:00Z' }); // dangling
  const inter = await makeImage(env, { d: '1' }, { created: '2022-06-01T00:00:00Z' });
  const top = await makeImage(env, { e: '1' }, { parent: inter, tags: ['top'], created: '2023-01-01T00:00:00Z' });
  const ids = (s: any[]) => s.map((x) => x.Id);
  const all = env.images.summaries({});
  assert.deepEqual(ids(all), [top.id, c.id, b.id, a.id]); // newest first, intermediate hidden
  assert.deepEqual(ids(env.images.summaries({ all: true })), [top.id, inter.id, c.id, b.id, a.id]);
  const s0 = all.find((x) => x.Id === a.id);
  assert.deepEqual(Object.keys(s0).sort(), ['Containers', 'Created', 'Id', 'Labels', 'ParentId', 'RepoDigests', 'RepoTags', 'SharedSize', 'Size']);
  assert.deepEqual(s0.RepoTags, ['alpha:1', 'quay.io/x/alpha:2']);
  assert.equal(s0.SharedSize, -1);
  assert.equal(s0.Containers, -1);
  assert.equal(s0.Created, Date.parse('2020-01-01T00:00:00Z') / 1000);
  assert.deepEqual(all.find((x) => x.Id === c.id).RepoTags, []);
  assert.deepEqual(ids(env.images.summaries({ filters: { dangling: ['true'] } })), [c.id]);
  assert.deepEqual(ids(env.images.summaries({ filters: { dangling: ['false'] } })), [top.id, b.id, a.id]);
  assert.deepEqual(ids(env.images.summaries({ filters: { label: ['team'] } })), [b.id, a.id]);
  assert.deepEqual(ids(env.images.summaries({ filters: { label: ['team=red'] } })), [a.id]);
  assert.deepEqual(ids(env.images.summaries({ filters: { label: ['team=red', 'only'] } })), []);
  const ref = env.images.summaries({ filters: { reference: ['alph*'] } });
  assert.deepEqual(ids(ref), [a.id]);
  assert.deepEqual(ref[0].RepoTags, ['alpha:1']); // only matching tags are listed
  assert.deepEqual(ids(env.images.summaries({ filters: { reference: ['quay.io/x/*:2'] } })), [a.id]);
  assert.deepEqual(ids(env.images.summaries({ filters: { reference: ['b*:latest', 'top'] } })), [top.id, b.id]);
  assert.deepEqual(ids(env.images.summaries({ filters: { before: ['beta'] } })), [a.id]);
  assert.deepEqual(ids(env.images.summaries({ filters: { since: ['beta'] } })), [top.id, c.id]);
  assert.deepEqual(ids(env.images.summaries({ filters: { until: ['2021-06-01T00:00:00Z'] } })), [b.id, a.id]);
  assert.throws(() => env.images.summaries({ filters: { bogus: ['1'] } }), /invalid filter 'bogus'/);
});

test('remove: untag, delete, conflicts with containers, force, layers and blobs', async (t) => {
  const env = await imageEnv(t);
  const img = await makeImage(env, { x: '1' }, { tags: ['one', 'two'] });
  const layerDir = env.layers.get(img.topChainId!)!.dir;
  const blob = img.layers[0].blobDigest;
  // by name with another tag left: untag only
  assert.deepEqual(await env.images.remove('one', { inUseBy: noUser }), [{ Untagged: 'one:latest' }]);
  assert.ok(env.images.get(img.id));
  // stopped container: the last tag needs force
  let user: any = { id: 'c'.repeat(64), running: false };
  await assert.rejects(env.images.remove('two', { inUseBy: () => user }),
    (e: unknown) => e instanceof ConflictError && /unable to remove repository reference "two" \(must force\) - container cccccccccccc is using its referenced image/.test(e.message));
  // by id: stopped container => must be forced
  env.images.tag(img.id, 'one');
  await assert.rejects(env.images.remove(img.id.slice(7, 19), { inUseBy: () => user }),
    (e: unknown) => e instanceof ConflictError && /image is referenced in multiple repositories/.test(e.message));
  await env.images.remove('one', { inUseBy: noUser });
  await assert.rejects(env.images.remove(img.id.slice(7, 19), { inUseBy: () => user }),
    (e: unknown) => e instanceof ConflictError && e.message === `conflict: unable to delete ${img.id.slice(7, 19)} (must be forced) - image is being used by stopped container cccccccccccc`);
  user = { id: 'd'.repeat(64), running: true };
  await assert.rejects(env.images.remove(img.id, { force: true, inUseBy: () => user }),
    (e: unknown) => e instanceof ConflictError && e.message === `conflict: unable to delete ${img.id.slice(7, 19)} (cannot be forced) - image is being used by running container dddddddddddd`);
  // forced with a stopped container: image goes, layer stays for the container
  user = { id: 'c'.repeat(64), running: false };
  const res = await env.images.remove(img.id, { force: true, inUseBy: () => user });
  assert.deepEqual(res, [{ Untagged: 'two:latest' }, { Deleted: img.id }]);
  assert.equal(env.images.get(img.id), undefined);
  assert.ok(existsSync(layerDir));

  // unused image by id with several tags needs force; then layers and blobs go too
  const img2 = await makeImage(env, { y: '2' }, { tags: ['p', 'q'] });
  const dir2 = env.layers.get(img2.topChainId!)!.dir;
  await assert.rejects(env.images.remove(img2.id, { inUseBy: noUser }), /must be forced\) - image is referenced in multiple repositories/);
  const seenBefore = env.seen.length;
  const res2 = await env.images.remove(img2.id, { force: true, inUseBy: noUser });
  assert.deepEqual(res2, [{ Untagged: 'p:latest' }, { Untagged: 'q:latest' }, { Deleted: img2.id }, { Deleted: img2.topChainId }]);
  assert.ok(!existsSync(dir2));
  assert.ok(!env.content.has(img2.id) && !env.content.has(img2.manifestDigest!) && !env.content.has(img2.layers[0].blobDigest));
  assert.deepEqual(env.seen.slice(seenBefore).map((e) => `${e.Action}:${e.Actor.Attributes.name}`), [`untag:${img2.id}`, `untag:${img2.id}`, `delete:${img2.id}`]);
  assert.ok(env.content.has(blob) === false || env.images.blobReferenced(blob));

  // parent with child: cannot be deleted; child removal prunes the untagged parent
  const parent = await makeImage(env, { p: '1' });
  const child = await makeImage(env, { c: '1' }, { parent, tags: ['kid'] });
  await assert.rejects(env.images.remove(parent.id, { force: true, inUseBy: noUser }), /\(cannot be forced\) - image has dependent child images/);
  const res3 = await env.images.remove('kid', { inUseBy: noUser });
  assert.deepEqual(res3.slice(0, 3), [{ Untagged: 'kid:latest' }, { Deleted: child.id }, { Deleted: parent.id }]);
  assert.equal(env.images.list().length, 0);
});

test('prune: dangling by default, all unused with dangling=false, label and until', async (t) => {
  const env = await imageEnv(t);
  const tagged = await makeImage(env, { a: '1' }, { tags: ['keep'], labels: { k: 'v' } });
  const dangling = await makeImage(env, { b: '22' });
  const used = await makeImage(env, { c: '1' });
  const inUse = (id: string) => id === used.id;
  const r1 = await env.images.prune({ inUse });
  assert.deepEqual(r1.ImagesDeleted.filter((d) => d.Deleted?.startsWith('sha256:') && d.Deleted === dangling.id), [{ Deleted: dangling.id }]);
  assert.equal(r1.SpaceReclaimed, 2);
  assert.ok(env.images.get(tagged.id) && env.images.get(used.id));
  const r2 = await env.images.prune({ inUse, filters: { dangling: ['false'], label: ['k=other'] } });
  assert.deepEqual(r2.ImagesDeleted, []);
  const r3 = await env.images.prune({ inUse, filters: { dangling: ['false'], until: ['1h'] } });
  assert.deepEqual(r3.ImagesDeleted, []); // created just now, not before one hour ago
  const r4 = await env.images.prune({ inUse, filters: { dangling: ['false'], label: ['k=v'] } });
  assert.deepEqual(r4.ImagesDeleted.slice(0, 2), [{ Untagged: 'keep:latest' }, { Deleted: tagged.id }]);
  assert.deepEqual(env.images.list().map((i) => i.id), [used.id]);
});

test('prune removes many images as Docker does one after another: a shared layer goes with the last image using it', async (t) => {
  const env = await imageEnv(t);
  const base = await makeImage(env, { base: '1' });
  const a = await makeImage(env, { a: '1' }, { parent: base, tags: ['a'] });
  const b = await makeImage(env, { b: '1' }, { parent: base, tags: ['b'] });
  const dirs = [...base.layers, ...a.layers, ...b.layers].map((l) => env.layers.get(l.chainId)!.dir);
  const seenBefore = env.seen.length;
  const r = await env.images.prune({ inUse: () => false, filters: { dangling: ['false'] } });
  // base first: a conflict (children), skipped; a's removal keeps base (b still on it); b's takes base along
  assert.deepEqual(r.ImagesDeleted, [
    { Untagged: 'a:latest' }, { Deleted: a.id }, { Deleted: a.layers[1].chainId },
    { Untagged: 'b:latest' }, { Deleted: b.id }, { Deleted: base.id }, { Deleted: b.layers[1].chainId }, { Deleted: base.layers[0].chainId },
  ]);
  assert.equal(r.SpaceReclaimed, 3);
  assert.deepEqual(env.seen.slice(seenBefore).map((e) => `${e.Action}:${e.Actor.ID}`),
    [`untag:${a.id}`, `delete:${a.id}`, `untag:${b.id}`, `delete:${b.id}`, `delete:${base.id}`, 'prune:']);
  assert.deepEqual(env.images.list(), []);
  for (const d of dirs) assert.ok(!existsSync(d), d);
  for (const img of [base, a, b]) {
    for (const blob of [img.id, img.manifestDigest!, ...img.layers.map((l) => l.blobDigest)]) assert.ok(!env.content.has(blob), blob);
  }
  assert.equal((env.db.prepare('SELECT count(*) AS n FROM layers').get() as { n: number }).n, 0);
});

test('addFromManifest: a Docker schema 2 image whose blobs are in the content store (pull/load path)', async (t) => {
  const env = await imageEnv(t);
  const { gzipSync } = await import('node:zlib');
  const tarBuf = await buildTar([{ name: 'pulled.txt', body: 'p' }]);
  const gz = gzipSync(tarBuf);
  const layerBlob = await env.content.put(gz);
  const diffId = 'sha256:' + createHash('sha256').update(tarBuf).digest('hex');
  const config = JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Cmd: ['x'] }, created: '2023-05-05T00:00:00Z', rootfs: { type: 'layers', diff_ids: [diffId] }, history: [{ created_by: 'ADD x' }] });
  const configBlob = await env.content.put(config);
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: configBlob.digest, size: configBlob.size },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: layerBlob.digest, size: layerBlob.size }] });
  const mBlob = await env.content.put(manifest);
  const img = await env.images.addFromManifest({ manifestDigest: mBlob.digest, tags: ['registry.local:5000/app:1'], repoDigests: [`registry.local:5000/app@${mBlob.digest}`] });
  assert.equal(img.id, configBlob.digest);
  assert.equal(readFileSync(join(env.layers.get(img.topChainId!)!.dir, 'pulled.txt'), 'utf8'), 'p');
  const ins = env.images.inspect('registry.local:5000/app:1');
  assert.deepEqual(ins.RepoDigests, [`registry.local:5000/app@${mBlob.digest}`]);
  assert.equal(env.images.resolve(`registry.local:5000/app@${mBlob.digest}`).id, img.id);
  assert.equal(env.images.manifest(img).mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  // untagging the last tag of the repository drops its digest reference too
  const res = await env.images.remove('registry.local:5000/app:1', { inUseBy: noUser });
  assert.deepEqual(res.slice(0, 3), [{ Untagged: 'registry.local:5000/app:1' }, { Untagged: `registry.local:5000/app@${mBlob.digest}` }, { Deleted: img.id }]);
  assert.ok(!env.content.has(mBlob.digest) && !env.content.has(layerBlob.digest));
});

/** Every file an image stored: rows, layer dirs and blobs, for checking that a removal left it whole or took all of it. */
function stored(env: Env, img: ImageRecord): { row: boolean; layerDirs: boolean[]; blobs: boolean[] } {
  return {
    row: env.images.get(img.id) !== undefined,
    layerDirs: img.layers.map((l) => { const rec = env.layers.get(l.chainId); return !!rec && existsSync(rec.dir); }),
    blobs: [img.id, img.manifestDigest!, ...img.layers.map((l) => l.blobDigest)].map((d) => env.content.has(d)),
  };
}
const whole = (n: number) => ({ row: true, layerDirs: Array(n).fill(true), blobs: Array(n + 2).fill(true) });
const gone = (n: number) => ({ row: false, layerDirs: Array(n).fill(false), blobs: Array(n + 2).fill(false) });

test('removeEach: a name failing with an error that is no conflict or 404 stops the batch there; the names before it are removed whole, it and the rest stay whole; the error is thrown', async (t) => {
  const env = await imageEnv(t);
  const a = await makeImage(env, { a: '1' }, { tags: ['a'] });
  const b = await makeImage(env, { b: '1' }, { tags: ['b'] });
  const c = await makeImage(env, { c: '1' }, { tags: ['c'] });
  // a real failure of the store itself in the middle of b's removal (after its untag, at its row's delete)
  env.db.exec(`CREATE TRIGGER fail_b BEFORE DELETE ON images WHEN old.id = '${b.id}' BEGIN SELECT RAISE(ABORT, 'row of b cannot be deleted'); END`);
  const skipped: string[] = [];
  const seenBefore = env.seen.length;
  await assert.rejects(env.images.removeEach(['missing', 'a', 'b', 'c'], { inUseBy: noUser }, (name) => skipped.push(name)),
    (e: unknown) => e instanceof Error && /row of b cannot be deleted/.test(e.message) && !(e instanceof ConflictError) && !(e instanceof NotFoundError));
  assert.deepEqual(skipped, ['missing'], 'a 404 is skipped, the failure is not');
  assert.deepEqual(stored(env, a), gone(1), 'the name before the failure: row, layer and blobs gone');
  // b's savepoint undid its own part: its tag is back with its row
  assert.deepEqual(stored(env, b), whole(1));
  assert.equal(env.images.resolve('b').id, b.id);
  assert.deepEqual(stored(env, c), whole(1), 'the batch stopped at the failure');
  assert.deepEqual(env.seen.slice(seenBefore).map((e) => `${e.Action}:${e.Actor.ID}`), [`untag:${a.id}`, `delete:${a.id}`], 'no event for the undone part');
  // the store is consistent: once the cause is gone the rest removes normally
  env.db.exec('DROP TRIGGER fail_b');
  const items = await env.images.removeEach(['b', 'c'], { inUseBy: noUser }, () => assert.fail('nothing to skip'));
  assert.deepEqual(items, [
    { Untagged: 'b:latest' }, { Deleted: b.id }, { Deleted: b.topChainId },
    { Untagged: 'c:latest' }, { Deleted: c.id }, { Deleted: c.topChainId },
  ]);
  assert.deepEqual(stored(env, b), gone(1));
  assert.deepEqual(stored(env, c), gone(1));
  assert.deepEqual(env.images.list(), []);
});

test('removeEach: a blob that cannot be deleted (an I/O error) loses nothing of the batch: every image, layer and other blob goes, the hooks run, then the error is thrown', async (t) => {
  const base = await imageEnv(t);
  const deletedHook: string[][] = [];
  const env: Env = { ...base, images: new ImageStore(base.db, base.content, base.layers, base.events, { onImagesDeleted: async (d) => { deletedHook.push(d.map((i) => i.id)); } }) };
  const a = await makeImage(env, { a: '1' }, { tags: ['a'] });
  const b = await makeImage(env, { b: '22' }, { tags: ['b'] });
  const c = await makeImage(env, { c: '333' }, { tags: ['c'] });
  // a directory where b's config blob (a file) is expected: its unlink fails with EISDIR
  const bConfig = env.content.path(b.id);
  await rm(bConfig);
  await mkdir(bConfig);
  await writeFile(join(bConfig, 'x'), 'x');
  const layersRemoved: number[] = [];
  const seenBefore = env.seen.length;
  await assert.rejects(env.images.removeEach(['a', 'b', 'c'], { inUseBy: noUser, onLayerRemoved: (l) => layersRemoved.push(l.size) }, () => assert.fail('nothing to skip')),
    (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'ERR_BLOB_DELETE' && e.message.includes(b.id) && /EISDIR/.test(e.message));
  assert.deepEqual(env.images.list(), [], 'every image row is gone');
  assert.equal((env.db.prepare('SELECT count(*) AS n FROM layers').get() as { n: number }).n, 0, 'every layer row is gone');
  for (const img of [a, b, c]) assert.deepEqual(stored(env, img).layerDirs, [false], 'layer dirs gone');
  assert.deepEqual(stored(env, a).blobs, [false, false, false]);
  assert.deepEqual(stored(env, c).blobs, [false, false, false]);
  assert.deepEqual(stored(env, b).blobs, [true, false, false], 'only the blob that could not be deleted is left');
  assert.deepEqual(deletedHook, [[a.id, b.id, c.id]], 'onImagesDeleted ran for the whole batch');
  assert.deepEqual(layersRemoved.sort(), [1, 2, 3], 'each removed layer was reported');
  assert.deepEqual(env.seen.slice(seenBefore).map((e) => `${e.Action}:${e.Actor.ID}`),
    [`untag:${a.id}`, `delete:${a.id}`, `untag:${b.id}`, `delete:${b.id}`, `untag:${c.id}`, `delete:${c.id}`]);
});

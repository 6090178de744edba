/**
 * Pull faults against the in-process registry: a blob whose bytes do not match its digest,
 * a truncated blob, an unknown tag, 503s and 429s (retried), a persistent 500, absurd manifest
 * sizes, wrong manifest media types, wrong credentials. Each gives a clear
 * error, leaves no image, and a repeated pull after the fault succeeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { imageEnv, buildTar, streamOf } from '../image/helpers.js';
import { sha, startRegistry } from './helpers.js';
import { pullImage } from '../../src/registry/client/pull.js';
import { pushImage } from '../../src/registry/client/push.js';

async function setup(t: any) {
  const reg = await startRegistry();
  t.after(() => reg.close());
  const src = await imageEnv(t);
  const layer = await buildTar([{ name: 'hello.txt', body: 'hello from a layer\n'.repeat(5000) }]);
  const img = await src.images.createImage({ layerTar: streamOf(layer), config: { Cmd: ['sh'] }, history: { created_by: 'test' }, tags: [`${reg.host}/f/img:1`] });
  await pushImage({ images: src.images, content: src.content, ref: `${reg.host}/f/img:1` });
  return { reg, img, layerDigest: img.layers[0].blobDigest };
}

test('digest mismatch and truncation: clear error, no image, repeated pull succeeds', async (t) => {
  const { reg, img, layerDigest } = await setup(t);
  const dst = await imageEnv(t);
  const path = reg.server.storage.content.path(layerDigest);
  const good = readFileSync(path);
  const bad = Buffer.from(good); bad[bad.length - 10] ^= 0xff;
  writeFileSync(path, bad);
  // the layer is unpacked while it downloads: a blob that fails verification must leave no layer either
  const noLayers = () => {
    assert.equal(dst.layers.list().length, 0, 'no layer committed');
    assert.deepEqual(readdirSync(dst.layers.layersDir), [], 'no layer dir left');
    assert.deepEqual(readdirSync(dst.layers.tmpDir), [], 'no unpack dir left');
  };
  await assert.rejects(pullImage({ images: dst.images, content: dst.content, ref: `${reg.host}/f/img:1` }), /digest mismatch/);
  assert.equal(dst.images.list().length, 0);
  noLayers();
  writeFileSync(path, good.subarray(0, 100));
  await assert.rejects(pullImage({ images: dst.images, content: dst.content, ref: `${reg.host}/f/img:1` }), /truncated/);
  assert.equal(dst.images.list().length, 0);
  noLayers();
  writeFileSync(path, good);
  const r = await pullImage({ images: dst.images, content: dst.content, ref: `${reg.host}/f/img:1` });
  assert.equal(r.image.id, img.id);
});

test('multi-MiB layers: one with a bad digest fails the pull with nothing half-written, and a repeated pull stores every blob verified', async (t) => {
  const reg = await startRegistry();
  t.after(() => reg.close());
  const src = await imageEnv(t);
  // three layers of incompressible bytes, several 1 MiB receive batches each
  let img: Awaited<ReturnType<typeof src.images.createImage>> | null = null;
  for (let i = 0; i < 3; i++) {
    const layer = await buildTar([{ name: `big-${i}.bin`, body: randomBytes(3 * 1024 * 1024 + i * 4097) }]);
    img = await src.images.createImage({ parent: img, layerTar: streamOf(layer), config: { Cmd: ['sh'] }, history: { created_by: `layer ${i}` }, tags: i === 2 ? [`${reg.host}/f/big:1`] : [] });
  }
  await pushImage({ images: src.images, content: src.content, ref: `${reg.host}/f/big:1` });
  const bad = img!.layers[1]!;
  const path = reg.server.storage.content.path(bad.blobDigest);
  const good = readFileSync(path);
  const corrupt = Buffer.from(good); corrupt[corrupt.length - 100] ^= 0xff;
  writeFileSync(path, corrupt);
  const dst = await imageEnv(t);
  await assert.rejects(pullImage({ images: dst.images, content: dst.content, ref: `${reg.host}/f/big:1` }), /digest mismatch/);
  assert.equal(dst.images.list().length, 0, 'no image');
  assert.equal(dst.content.has(bad.blobDigest), false, 'the bad blob is not stored');
  assert.ok(!readdirSync(dst.content.ingestDir).some((f) => f.includes(bad.blobDigest.slice(7))), 'nor kept for a resume');
  assert.ok(dst.layers.list().every((l) => l.diffId !== bad.diffId), 'its layer is not committed');
  assert.deepEqual(readdirSync(dst.layers.tmpDir), [], 'no unpack dir left');
  for (const d of await dst.content.list()) assert.equal(sha(readFileSync(dst.content.path(d))), d, `stored blob ${d} holds its digest's bytes`);
  writeFileSync(path, good);
  const r = await pullImage({ images: dst.images, content: dst.content, ref: `${reg.host}/f/big:1` });
  assert.equal(r.image.id, img!.id);
  for (const l of img!.layers) {
    assert.ok(readFileSync(dst.content.path(l.blobDigest)).equals(readFileSync(reg.server.storage.content.path(l.blobDigest))), 'blob as the registry has it');
  }
  assert.deepEqual(readdirSync(dst.content.ingestDir), []);
  assert.deepEqual(readdirSync(dst.layers.tmpDir), []);
  assert.equal(dst.layers.list().length, 3);
});

test('404 and 503: unknown tags are named; transient 5xx are retried', async (t) => {
  const { reg, img } = await setup(t);
  const dst = await imageEnv(t);
  await assert.rejects(pullImage({ images: dst.images, content: dst.content, ref: `${reg.host}/f/img:nope` }), /manifest_unknown|not found/i);
  let failures = 2;
  const proxy = createServer((req, res) => {
    if (req.url?.includes('/manifests/') && failures-- > 0) { res.writeHead(503); res.end(); return; }
    const up = request({ host: '127.0.0.1', port: Number(reg.host.split(':')[1]), path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers); r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { proxy.close(() => r()); proxy.closeAllConnections(); }));
  const port = (proxy.address() as any).port;
  const r = await pullImage({ images: dst.images, content: dst.content, ref: `127.0.0.1:${port}/f/img:1` });
  assert.equal(r.image.id, img.id);
  assert.equal(failures, -1);
});

test('basic auth: wrong password is a clear 401, right one pulls', async (t) => {
  const bcrypt = (await import('bcryptjs')).default;
  const { mkdtempSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/breg-auth-');
  writeFileSync(`${dir}/htpasswd`, `bob:${bcrypt.hashSync('pw', 4)}\n`);
  const reg = await startRegistry({ auth: { mode: 'basic', htpasswd: `${dir}/htpasswd` } });
  t.after(async () => { await reg.close(); rmSync(dir, { recursive: true, force: true }); });
  const src = await imageEnv(t);
  await src.images.createImage({ layerTar: streamOf(await buildTar([{ name: 'a', body: 'a' }])), config: {}, history: { created_by: 't' }, tags: [`${reg.host}/p/img:1`] });
  await assert.rejects(pushImage({ images: src.images, content: src.content, ref: `${reg.host}/p/img:1`, creds: { username: 'bob', password: 'no' } }), /unauthorized/);
  await pushImage({ images: src.images, content: src.content, ref: `${reg.host}/p/img:1`, creds: { username: 'bob', password: 'pw' } });
  const dst = await imageEnv(t);
  await pullImage({ images: dst.images, content: dst.content, ref: `${reg.host}/p/img:1`, creds: { username: 'bob', password: 'pw' } });
  assert.equal(dst.images.list().length, 1);
});

/** A proxy in front of the registry; `fault` answers a request itself when it returns true. */
async function faultProxy(t: any, upstream: string, fault: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<string> {
  const proxy = createServer((req, res) => {
    if (fault(req, res)) return;
    const up = request({ host: '127.0.0.1', port: Number(upstream.split(':')[1]), path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers); r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { proxy.close(() => r()); proxy.closeAllConnections(); }));
  return `127.0.0.1:${(proxy.address() as any).port}`;
}

test('429 with Retry-After is waited out; a persistent 500 fails clearly, leaves nothing, and a later pull succeeds', async (t) => {
  const { reg, img, layerDigest } = await setup(t);
  const dst = await imageEnv(t);
  let limited = 1;
  let broken = true;
  let failed500 = 0;
  const host = await faultProxy(t, reg.host, (req, res) => {
    if (!req.url?.includes(`/blobs/${layerDigest}`)) return false;
    if (limited > 0) { limited--; res.writeHead(429, { 'Retry-After': '1', 'Content-Type': 'application/json' }); res.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}'); return true; }
    if (broken) { failed500++; res.writeHead(500); res.end(); return true; }
    return false;
  });
  await assert.rejects(pullImage({ images: dst.images, content: dst.content, ref: `${host}/f/img:1` }), /registry answered 500/);
  assert.equal(limited, 0);
  assert.equal(failed500, 4, 'the 429 and then the 500s were retried: five attempts in all');
  assert.equal(dst.images.list().length, 0);
  assert.deepEqual(readdirSync(dst.content.ingestDir), []);
  broken = false;
  const r = await pullImage({ images: dst.images, content: dst.content, ref: `${host}/f/img:1` });
  assert.equal(r.image.id, img.id);
});

test('absurd manifest sizes and wrong media types are refused clearly and leave no image', async (t) => {
  const { reg, img } = await setup(t);
  const dst = await imageEnv(t);
  let mode = '';
  const huge = Buffer.alloc(5 * 1024 * 1024, 0x20);
  const host = await faultProxy(t, reg.host, (req, res) => {
    if (!req.url?.includes('/manifests/')) return false;
    if (mode === 'declared') { res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json', 'Content-Length': huge.length }); res.end(huge); return true; }
    if (mode === 'chunked') { res.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }); res.write(huge.subarray(0, 1024 * 1024)); for (let i = 0; i < 4; i++) res.write(huge.subarray(0, 1024 * 1024)); res.end(); return true; }
    if (mode === 'schema1') { res.writeHead(200, { 'Content-Type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }); res.end(JSON.stringify({ schemaVersion: 1, name: 'f/img', tag: '1', fsLayers: [] })); return true; }
    if (mode === 'html') { res.writeHead(200, { 'Content-Type': 'text/html' }); res.end('{"hello": "a captive portal"}'); return true; }
    return false;
  });
  const pull = () => pullImage({ images: dst.images, content: dst.content, ref: `${host}/f/img:1` });
  mode = 'declared';
  await assert.rejects(pull(), /manifest of \d+ bytes is larger than the limit/);
  mode = 'chunked';
  await assert.rejects(pull(), /manifest too large/);
  mode = 'schema1';
  await assert.rejects(pull(), /unsupported manifest media type application\/vnd\.docker\.distribution\.manifest\.v1\+prettyjws/);
  mode = 'html';
  await assert.rejects(pull(), /unsupported manifest media type text\/html/);
  assert.equal(dst.images.list().length, 0);
  mode = '';
  assert.equal((await pull()).image.id, img.id);
});

test('a pull cut off mid-layer keeps what arrived and the next pull resumes it with a Range request', async (t) => {
  const { reg, img, layerDigest } = await setup(t);
  const dst = await imageEnv(t);
  const blob = readFileSync(reg.server.storage.content.path(layerDigest));
  let cut = true;
  const ranges: string[] = [];
  const host = await faultProxy(t, reg.host, (req, res) => {
    if (!req.url?.includes(`/blobs/${layerDigest}`)) return false;
    if (req.headers.range) ranges.push(String(req.headers.range));
    if (!cut) return false;
    res.writeHead(200, { 'Content-Length': blob.length, 'Content-Type': 'application/octet-stream' });
    // cut the connection once the client has some of the layer on disk (bounded wait)
    const partialPath = join(dst.content.ingestDir, `pull-${layerDigest.slice(7)}`);
    res.write(blob.subarray(0, Math.floor(blob.length / 2)), async () => {
      for (let i = 0; i < 250 && !(existsSync(partialPath) && statSync(partialPath).size > 0); i++) await new Promise((w) => setTimeout(w, 20));
      res.destroy();
    });
    return true;
  });
  await assert.rejects(pullImage({ images: dst.images, content: dst.content, ref: `${host}/f/img:1` }));
  assert.equal(dst.images.list().length, 0);
  const partial = readdirSync(dst.content.ingestDir);
  assert.deepEqual(partial, [`pull-${layerDigest.slice(7)}`], 'the partial layer is kept for the next pull');
  cut = false;
  const r = await pullImage({ images: dst.images, content: dst.content, ref: `${host}/f/img:1` });
  assert.equal(r.image.id, img.id);
  assert.equal(ranges.length, 1);
  assert.match(ranges[0], /^bytes=[1-9]\d*-$/, 'the second pull asked only for the rest');
  assert.deepEqual(readdirSync(dst.content.ingestDir), []);
});

/**
 * Pull faults against the in-process registry: a blob whose bytes do not match its digest,
 * a truncated blob, an unknown tag, 503s (retried), wrong credentials. Each gives a clear
 * error, leaves no image, and a repeated pull after the fault succeeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { imageEnv, buildTar, streamOf } from '../image/helpers.js';
import { startRegistry } from './helpers.js';
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
  await assert.rejects(pullImage({ images: dst.images, content: dst.content, ref: `${reg.host}/f/img:1` }), /digest mismatch/);
  assert.equal(dst.images.list().length, 0);
  writeFileSync(path, good.subarray(0, 100));
  await assert.rejects(pullImage({ images: dst.images, content: dst.content, ref: `${reg.host}/f/img:1` }), /truncated/);
  assert.equal(dst.images.list().length, 0);
  writeFileSync(path, good);
  const r = await pullImage({ images: dst.images, content: dst.content, ref: `${reg.host}/f/img:1` });
  assert.equal(r.image.id, img.id);
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

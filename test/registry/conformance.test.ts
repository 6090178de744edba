/**
 * Walks the distribution-spec endpoint table (../shared/conformance/distribution-spec/endpoints.json):
 * every endpoint is exercised in a success and a failure situation against `berth registry serve`'s
 * server, and the status codes must be the ones the table lists.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startRegistry, req, sha, type TestRegistry } from './helpers.js';

const table = JSON.parse(readFileSync(new URL('../../../shared/conformance/distribution-spec/endpoints.json', import.meta.url), 'utf8'));
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
let reg: TestRegistry;
before(async () => { reg = await startRegistry(); });
after(async () => { await reg?.close(); });

const u = (p: string) => reg.url + p;
const absent = 'sha256:' + '0'.repeat(64);

async function pushBlob(repo: string, data: Buffer | string): Promise<string> {
  const d = sha(data);
  const r = await req(u(`/v2/${repo}/blobs/uploads/?digest=${d}`), 'POST', { body: data, headers: { 'Content-Type': 'application/octet-stream' } });
  assert.equal(r.status, 201);
  return d;
}

function manifestOf(config: string, configSize: number, layers: Array<[string, number]>, extra: any = {}): Buffer {
  return Buffer.from(JSON.stringify({
    schemaVersion: 2, mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config, size: configSize },
    layers: layers.map(([digest, size]) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest, size })), ...extra,
  }));
}

async function pushImage(repo: string, tag: string, payload = 'layer'): Promise<{ manifest: Buffer; digest: string; layer: string; config: string }> {
  const cfg = JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } });
  const config = await pushBlob(repo, cfg);
  const layer = await pushBlob(repo, payload);
  const manifest = manifestOf(config, cfg.length, [[layer, payload.length]]);
  const r = await req(u(`/v2/${repo}/manifests/${tag}`), 'PUT', { body: manifest, headers: { 'Content-Type': OCI_MANIFEST } });
  assert.equal(r.status, 201, r.body.toString());
  return { manifest, digest: sha(manifest), layer, config };
}

type Observed = { success: number[]; failure: number[] };
const scenarios: Record<string, () => Promise<Observed>> = {
  'end-1': async () => ({ success: [(await req(u('/v2/'), 'GET')).status], failure: [] }),
  'end-2': async () => {
    const d = await pushBlob('conf/blobs', 'hello blob');
    const g = await req(u(`/v2/conf/blobs/blobs/${d}`), 'GET');
    assert.equal(g.body.toString(), 'hello blob');
    assert.equal(g.headers.get('docker-content-digest'), d);
    const h = await req(u(`/v2/conf/blobs/blobs/${d}`), 'HEAD');
    assert.equal(h.headers.get('content-length'), '10');
    const miss = await req(u(`/v2/conf/blobs/blobs/${absent}`), 'GET');
    assert.equal(miss.json.errors[0].code, 'BLOB_UNKNOWN');
    return { success: [g.status, h.status], failure: [miss.status, (await req(u(`/v2/conf/blobs/blobs/${absent}`), 'HEAD')).status] };
  },
  'end-3': async () => {
    const img = await pushImage('conf/pull', 'v1');
    const byTag = await req(u('/v2/conf/pull/manifests/v1'), 'GET', { headers: { Accept: OCI_MANIFEST } });
    assert.equal(byTag.headers.get('docker-content-digest'), img.digest);
    assert.equal(byTag.headers.get('content-type'), OCI_MANIFEST);
    assert.deepEqual(byTag.body, img.manifest);
    const byDigest = await req(u(`/v2/conf/pull/manifests/${img.digest}`), 'HEAD');
    const miss = await req(u('/v2/conf/pull/manifests/nope'), 'GET');
    assert.equal(miss.json.errors[0].code, 'MANIFEST_UNKNOWN');
    return { success: [byTag.status, byDigest.status], failure: [miss.status, (await req(u(`/v2/conf/pull/manifests/${absent}`), 'HEAD')).status] };
  },
  'end-4a': async () => {
    const r = await req(u('/v2/conf/push/blobs/uploads/'), 'POST');
    assert.match(r.headers.get('location') ?? '', /^\/v2\/conf\/push\/blobs\/uploads\/[0-9a-f-]{36}$/);
    const bad = await req(u('/v2/Bad..Name/blobs/uploads/'), 'POST');
    assert.equal(bad.json.errors[0].code, 'NAME_INVALID');
    return { success: [r.status], failure: [] };
  },
  'end-4b': async () => {
    const data = 'monolithic in one request';
    const ok = await req(u(`/v2/conf/push/blobs/uploads/?digest=${sha(data)}`), 'POST', { body: data });
    assert.equal(ok.headers.get('location'), `/v2/conf/push/blobs/${sha(data)}`);
    const bad = await req(u(`/v2/conf/push/blobs/uploads/?digest=${sha('other')}`), 'POST', { body: data });
    assert.equal(bad.json.errors[0].code, 'DIGEST_INVALID');
    assert.equal((await req(u(`/v2/conf/push/blobs/${sha('other')}`), 'HEAD')).status, 404, 'a refused upload never becomes visible');
    return { success: [ok.status], failure: [bad.status] };
  },
  'end-4c': async () => {
    const ok = await req(u('/v2/conf/push/blobs/uploads/?digest-algorithm=sha256'), 'POST');
    const data = 'x';
    const put = await req(u(`${ok.headers.get('location')}?digest=sha512:${'a'.repeat(128)}`), 'PUT', { body: data });
    return { success: [ok.status], failure: [put.status] };
  },
  'end-5': async () => {
    const start = await req(u('/v2/conf/chunk/blobs/uploads/'), 'POST');
    const loc = start.headers.get('location')!;
    const p1 = await req(u(loc), 'PATCH', { body: 'abc', headers: { 'Content-Range': '0-2', 'Content-Type': 'application/octet-stream' } });
    assert.equal(p1.headers.get('range'), '0-2');
    const outOfOrder = await req(u(loc), 'PATCH', { body: 'zzz', headers: { 'Content-Range': '10-12' } });
    const p2 = await req(u(loc), 'PATCH', { body: 'def', headers: { 'Content-Range': '3-5' } });
    const fin = await req(u(`${loc}?digest=${sha('abcdefgh')}`), 'PUT', { body: 'gh', headers: { 'Content-Range': '6-7' } });
    assert.equal(fin.status, 201);
    assert.equal((await req(u(`/v2/conf/chunk/blobs/${sha('abcdefgh')}`), 'GET')).body.toString(), 'abcdefgh');
    const unknown = await req(u('/v2/conf/chunk/blobs/uploads/00000000-0000-0000-0000-000000000000'), 'PATCH', { body: 'x' });
    return { success: [p1.status, p2.status], failure: [outOfOrder.status, unknown.status] };
  },
  'end-6': async () => {
    const start = await req(u('/v2/conf/mono/blobs/uploads/'), 'POST');
    const loc = start.headers.get('location')!;
    const data = 'two-request monolithic';
    const ok = await req(u(`${loc}?digest=${sha(data)}`), 'PUT', { body: data, headers: { 'Content-Type': 'application/octet-stream' } });
    const s2 = await req(u('/v2/conf/mono/blobs/uploads/'), 'POST');
    const mismatch = await req(u(`${s2.headers.get('location')}?digest=${sha('not it')}`), 'PUT', { body: data });
    const gone = await req(u(`${s2.headers.get('location')}?digest=${sha(data)}`), 'PUT', { body: data });
    return { success: [ok.status], failure: [mismatch.status, gone.status] };
  },
  'end-7a': async () => {
    const img = await pushImage('conf/put', 'latest', 'put layer');
    const byDigest = await req(u(`/v2/conf/put/manifests/${img.digest}`), 'PUT', { body: img.manifest, headers: { 'Content-Type': OCI_MANIFEST } });
    assert.equal(byDigest.headers.get('docker-content-digest'), img.digest);
    const unknownBlob = manifestOf(img.config, 10, [[absent, 5]]);
    const bad = await req(u('/v2/conf/put/manifests/broken'), 'PUT', { body: unknownBlob, headers: { 'Content-Type': OCI_MANIFEST } });
    assert.equal(bad.json.errors[0].code, 'MANIFEST_BLOB_UNKNOWN');
    const huge = Buffer.alloc(5 * 1024 * 1024, 0x20);
    const tooBig = await req(u('/v2/conf/put/manifests/huge'), 'PUT', { body: huge, headers: { 'Content-Type': OCI_MANIFEST } });
    assert.equal(bad.status, 400); // allowed by the push workflow
    return { success: [byDigest.status], failure: [tooBig.status] };
  },
  'end-7b': async () => {
    const img = await pushImage('conf/multi', 'base');
    const r = await req(u(`/v2/conf/multi/manifests/${img.digest}?tag=1&tag=2&tag=3`), 'PUT', { body: img.manifest, headers: { 'Content-Type': OCI_MANIFEST } });
    assert.deepEqual((await req(u('/v2/conf/multi/tags/list'), 'GET')).json.tags, ['1', '2', '3', 'base']);
    const huge = await req(u(`/v2/conf/multi/manifests/${img.digest}?tag=x`), 'PUT', { body: Buffer.alloc(5 * 1024 * 1024, 0x20), headers: { 'Content-Type': OCI_MANIFEST } });
    return { success: [r.status], failure: [huge.status] };
  },
  'end-8a': async () => {
    for (const t of ['b', 'a', 'c']) await pushImage('conf/tags', t);
    const r = await req(u('/v2/conf/tags/tags/list'), 'GET');
    assert.deepEqual(r.json, { name: 'conf/tags', tags: ['a', 'b', 'c'] });
    return { success: [r.status], failure: [(await req(u('/v2/conf/none/tags/list'), 'GET')).status] };
  },
  'end-8b': async () => {
    const p1 = await req(u('/v2/conf/tags/tags/list?n=2'), 'GET');
    assert.deepEqual(p1.json.tags, ['a', 'b']);
    assert.equal(p1.headers.get('link'), '</v2/conf/tags/tags/list?n=2&last=b>; rel="next"');
    const p2 = await req(u('/v2/conf/tags/tags/list?n=2&last=b'), 'GET');
    assert.deepEqual(p2.json.tags, ['c']);
    assert.equal(p2.headers.get('link'), null);
    return { success: [p1.status, p2.status], failure: [(await req(u('/v2/conf/none/tags/list?n=1&last=a'), 'GET')).status] };
  },
  'end-9': async () => {
    const img = await pushImage('conf/del', 'gone', 'delete me');
    const r = await req(u(`/v2/conf/del/manifests/${img.digest}`), 'DELETE');
    assert.equal((await req(u(`/v2/conf/del/manifests/${img.digest}`), 'GET')).status, 404);
    assert.equal((await req(u('/v2/conf/del/manifests/gone'), 'GET')).status, 404, 'tags on a deleted manifest go with it');
    const again = await req(u(`/v2/conf/del/manifests/${img.digest}`), 'DELETE');
    const invalid = await req(u('/v2/conf/del/manifests/sha256:zz'), 'DELETE');
    return { success: [r.status], failure: [again.status, invalid.status] };
  },
  'end-10': async () => {
    const d = await pushBlob('conf/delblob', 'blob to delete');
    const r = await req(u(`/v2/conf/delblob/blobs/${d}`), 'DELETE');
    assert.equal((await req(u(`/v2/conf/delblob/blobs/${d}`), 'GET')).status, 404);
    const again = await req(u(`/v2/conf/delblob/blobs/${d}`), 'DELETE');
    const invalid = await req(u('/v2/conf/delblob/blobs/sha256:zz'), 'DELETE');
    return { success: [r.status], failure: [again.status, invalid.status] };
  },
  'end-11': async () => {
    const d = await pushBlob('conf/src', 'mount me');
    const r = await req(u(`/v2/conf/dst/blobs/uploads/?mount=${d}&from=conf/src`), 'POST');
    assert.equal(r.headers.get('location'), `/v2/conf/dst/blobs/${d}`);
    assert.equal((await req(u(`/v2/conf/dst/blobs/${d}`), 'GET')).body.toString(), 'mount me');
    const fallback = await req(u(`/v2/conf/dst/blobs/uploads/?mount=${absent}&from=conf/src`), 'POST');
    assert.match(fallback.headers.get('location') ?? '', /uploads\//, 'an unmountable blob opens an upload session');
    return { success: [r.status, fallback.status], failure: [] };
  },
  'end-12a': async () => {
    const img = await pushImage('conf/ref', 'subject');
    const empty = await pushBlob('conf/ref', '{}');
    const sig = manifestOf(empty, 2, [], { artifactType: 'application/vnd.example.sig', subject: { mediaType: OCI_MANIFEST, digest: img.digest, size: img.manifest.length } });
    const sigPut = await req(u(`/v2/conf/ref/manifests/${sha(sig)}`), 'PUT', { body: sig, headers: { 'Content-Type': OCI_MANIFEST } });
    assert.equal(sigPut.headers.get('oci-subject'), img.digest);
    const r = await req(u(`/v2/conf/ref/referrers/${img.digest}`), 'GET');
    assert.equal(r.json.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.deepEqual(r.json.manifests.map((m: any) => [m.digest, m.artifactType]), [[sha(sig), 'application/vnd.example.sig']]);
    const none = await req(u(`/v2/conf/ref/referrers/${absent}`), 'GET');
    assert.deepEqual(none.json.manifests, []);
    assert.equal((await req(u('/v2/conf/ref/referrers/sha256:zz'), 'GET')).json.errors[0].code, 'DIGEST_INVALID');
    return { success: [r.status, none.status], failure: [] };
  },
  'end-12b': async () => {
    const img = (await req(u('/v2/conf/ref/manifests/subject'), 'GET')).headers.get('docker-content-digest')!;
    const hit = await req(u(`/v2/conf/ref/referrers/${img}?artifactType=application/vnd.example.sig`), 'GET');
    assert.equal(hit.json.manifests.length, 1);
    assert.equal(hit.headers.get('oci-filters-applied'), 'artifactType');
    const miss = await req(u(`/v2/conf/ref/referrers/${img}?artifactType=application/other`), 'GET');
    assert.equal(miss.json.manifests.length, 0);
    return { success: [hit.status, miss.status], failure: [(await req(u('/v2/conf/ref/referrers/nodigest?artifactType=x'), 'GET')).status] };
  },
  'end-13': async () => {
    const start = await req(u('/v2/conf/status/blobs/uploads/'), 'POST');
    const loc = start.headers.get('location')!;
    await req(u(loc), 'PATCH', { body: 'hello' });
    const r = await req(u(loc), 'GET');
    assert.equal(r.headers.get('range'), '0-4');
    return { success: [r.status], failure: [(await req(u('/v2/conf/status/blobs/uploads/00000000-0000-0000-0000-000000000000'), 'GET')).status] };
  },
  'end-14': async () => {
    const start = await req(u('/v2/conf/cancel/blobs/uploads/'), 'POST');
    const loc = start.headers.get('location')!;
    const r = await req(u(loc), 'DELETE');
    const again = await req(u(loc), 'DELETE');
    return { success: [r.status], failure: [again.status] };
  },
};

test('every endpoint of the distribution-spec table answers with the listed codes', async (t) => {
  for (const ep of table.endpoints) {
    await t.test(`${ep.id} ${ep.methods.join('/')} ${ep.path}`, async () => {
      const scenario = scenarios[ep.id];
      assert.ok(scenario, `no scenario for ${ep.id}`);
      const obs = await scenario();
      for (const s of obs.success) assert.ok(ep.success.includes(s), `${ep.id}: success status ${s} not in ${ep.success}`);
      for (const f of obs.failure) assert.ok(ep.failure.includes(f), `${ep.id}: failure status ${f} not in ${ep.failure}`);
    });
  }
});

test('error bodies have the spec shape and use the spec codes', async () => {
  const codes = new Set(table.errorCodes.map((c: any) => c.code));
  const r = await req(u(`/v2/conf/x/blobs/${absent}`), 'GET');
  assert.ok(Array.isArray(r.json.errors));
  assert.ok(codes.has(r.json.errors[0].code));
  assert.equal(typeof r.json.errors[0].message, 'string');
});

test('catalog lists repositories with pagination', async () => {
  const all = await req(u('/v2/_catalog'), 'GET');
  assert.ok(all.json.repositories.includes('conf/pull'));
  assert.deepEqual([...all.json.repositories].sort(), all.json.repositories);
  const page = await req(u('/v2/_catalog?n=1'), 'GET');
  assert.equal(page.json.repositories.length, 1);
  assert.match(page.headers.get('link') ?? '', /rel="next"/);
});

test('a range request resumes a blob download', async () => {
  const d = await pushBlob('conf/range', '0123456789');
  const r = await req(u(`/v2/conf/range/blobs/${d}`), 'GET', { headers: { Range: 'bytes=4-' } });
  assert.equal(r.status, 206);
  assert.equal(r.body.toString(), '456789');
});

test('garbage collection removes only unreferenced blobs', async () => {
  const img = await pushImage('conf/gc', 'keep', 'kept layer');
  const orphan = await pushBlob('conf/gc', 'orphan blob');
  const r = await reg.server.storage.collectGarbage();
  assert.ok(r.deleted.includes(orphan));
  assert.ok(!r.deleted.includes(img.layer));
  assert.equal((await req(u(`/v2/conf/gc/blobs/${img.layer}`), 'GET')).status, 200);
  assert.equal((await req(u(`/v2/conf/gc/blobs/${orphan}`), 'GET')).status, 404);
  const online = await reg.server.gc(); // online: young blobs are in their grace period
  assert.equal(online.deleted.length, 0);
});

/**
 * The CRI ImageService, modelled on critest's "[k8s.io] Image Manager" cases: pull (with and without
 * auth config) from `berth registry serve` on loopback inside the test daemon's namespace, list, status,
 * remove, ImageFsInfo; the images are the Engine API's own.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { criClients, grpcError, grpcStatus, type CriClient } from '../helpers/cri-client.js';
import { serveRegistry, type Peer } from '../registry/peers.js';

let d: TestDaemon;
let img: CriClient;
let rt: CriClient;
let close: () => void;
let tmp: string;
const peers: Peer[] = [];
const PLAIN = '127.0.0.1:5010/cri/busybox:v1';
const PRIVATE = '127.0.0.1:5012/cri/busybox:private';

before(async () => {
  tmp = mkdtempSync('/tmp/bt-criimg-');
  const base = mkdtempSync('/tmp/bt-');
  d = await startDaemon({ base, extraArgs: ['--cri', join(base, 'cri.sock'), '--cni-conf-dir', join(tmp, 'no-cni')] });
  ({ image: img, runtime: rt, close } = criClients(join(base, 'cri.sock')));
  writeFileSync(join(tmp, 'htpasswd'), `alice:${bcrypt.hashSync('secret', 6)}\n`);
  peers.push(await serveRegistry(d.netns, join(tmp, 'reg'), '127.0.0.1:5010'));
  peers.push(await serveRegistry(d.netns, join(tmp, 'reg-auth'), '127.0.0.1:5012', ['--htpasswd', join(tmp, 'htpasswd'), '--auth', 'basic']));
  await d.ok(['image', 'bootstrap', 'busybox']);
  // the images reach the registries through the Engine API's push (the auth one with a login of its own)
  await d.ok(['tag', 'busybox', PLAIN]);
  await d.ok(['push', PLAIN], { timeoutMs: 120_000 });
  const env = { DOCKER_CONFIG: join(tmp, 'dockercfg') };
  await d.ok(['login', '-u', 'alice', '--password-stdin', '127.0.0.1:5012'], { input: 'secret\n', env });
  await d.ok(['tag', 'busybox', PRIVATE]);
  await d.ok(['push', PRIVATE], { env, timeoutMs: 120_000 });
  await d.ok(['rmi', PLAIN, PRIVATE]);
});

after(async () => {
  for (const p of peers) p.stop();
  close?.();
  await d?.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

test('image manager should support pull, ImageStatus and ListImages [Conformance]', async () => {
  const pulled = await img.PullImage({ image: { image: PLAIN } });
  assert.match(pulled.image_ref, /^sha256:[0-9a-f]{64}$/);
  const st = await img.ImageStatus({ image: { image: PLAIN } });
  assert.equal(st.image.id, pulled.image_ref);
  assert.ok(st.image.repo_tags.includes(PLAIN));
  assert.ok(st.image.repo_digests.some((r: string) => r.startsWith('127.0.0.1:5010/cri/busybox@sha256:')));
  assert.ok(Number(st.image.size) > 0);
  assert.equal(st.image.uid?.value, '0');
  // by id too
  assert.equal((await img.ImageStatus({ image: { image: pulled.image_ref } })).image.id, pulled.image_ref);
  const list = await img.ListImages({});
  assert.ok(list.images.some((i: any) => i.id === pulled.image_ref));
  assert.deepEqual((await img.ListImages({ filter: { image: { image: PLAIN } } })).images.map((i: any) => i.id), [pulled.image_ref]);
  // the same store as the Engine API
  const engine = (await d.api('GET', '/images/json')).body as any[];
  assert.ok(engine.some((i) => i.Id === pulled.image_ref));
});

test('image manager should support pulling an image without a tag (:latest)', async () => {
  await d.ok(['tag', PLAIN, '127.0.0.1:5010/cri/latest-only:latest']);
  await d.ok(['push', '127.0.0.1:5010/cri/latest-only:latest']);
  await d.ok(['rmi', '127.0.0.1:5010/cri/latest-only:latest']);
  const pulled = await img.PullImage({ image: { image: '127.0.0.1:5010/cri/latest-only' } });
  assert.ok((await img.ImageStatus({ image: { image: '127.0.0.1:5010/cri/latest-only:latest' } })).image);
  assert.match(pulled.image_ref, /^sha256:/);
});

test('image manager should support pull with auth config, and refuse without it [Conformance]', async () => {
  const e = await grpcError(img.PullImage({ image: { image: PRIVATE } }));
  assert.notEqual(e.code, grpcStatus.OK);
  assert.match(e.details, /unauthorized|authentication|401/i);
  const bad = await grpcError(img.PullImage({ image: { image: PRIVATE }, auth: { username: 'alice', password: 'wrong' } }));
  assert.match(bad.details, /unauthorized|authentication|401/i);
  const pulled = await img.PullImage({ image: { image: PRIVATE }, auth: { username: 'alice', password: 'secret' } });
  assert.match(pulled.image_ref, /^sha256:/);
  await img.RemoveImage({ image: { image: PRIVATE } });
  // the auth field (base64 user:password) as the kubelet sends it from a dockercfg secret
  const again = await img.PullImage({ image: { image: PRIVATE }, auth: { auth: Buffer.from('alice:secret').toString('base64') } });
  assert.equal(again.image_ref, pulled.image_ref);
});

test('image manager should support RemoveImage, idempotently; ImageStatus of an absent image is empty [Conformance]', async () => {
  await img.PullImage({ image: { image: PLAIN } });
  await img.RemoveImage({ image: { image: PLAIN } });
  const st = await img.ImageStatus({ image: { image: PLAIN } });
  assert.equal(st.image, null);
  await img.RemoveImage({ image: { image: PLAIN } });
  const e = await grpcError(img.ImageStatus({ image: { image: '' } }));
  assert.equal(e.code, grpcStatus.INVALID_ARGUMENT);
});

test('image manager should fail to pull an image that does not exist', async () => {
  const e = await grpcError(img.PullImage({ image: { image: '127.0.0.1:5010/cri/nothing:here' } }));
  assert.equal(e.code, grpcStatus.NOT_FOUND);
});

test('image manager should support ImageFsInfo', async () => {
  const r = await img.ImageFsInfo({});
  assert.equal(r.image_filesystems.length, 1);
  assert.ok(r.image_filesystems[0].fs_id.mountpoint.startsWith(d.root));
  assert.ok(Number(r.image_filesystems[0].used_bytes.value) > 0);
});

test('Status reports NetworkReady=false with the reason when there is no CNI config', async () => {
  const s = await rt.Status({});
  const net = s.status.conditions.find((c: any) => c.type === 'NetworkReady');
  assert.equal(net.status, false);
  assert.equal(net.reason, 'NetworkPluginNotReady');
  assert.match(net.message, /no network config/);
  const e = await grpcError(rt.RunPodSandbox({ config: { metadata: { name: 'p', namespace: 'default', uid: 'u1' } } }));
  assert.equal(e.code, grpcStatus.FAILED_PRECONDITION);
  assert.match(e.details, /network is not ready/);
});

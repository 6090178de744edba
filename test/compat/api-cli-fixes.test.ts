/**
 * Docker client compatibility fixes with real clients against `berth serve`: docker update with the
 * CLI's whole Resources object, old API versions (skopeo's docker-daemon transport speaks 1.22; it takes
 * its daemon from --src-daemon-host, not DOCKER_HOST).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER, daemonForClients, runOk } from './helpers.js';

const SKOPEO = '/usr/bin/skopeo';
const IDLE = ['sh', '-c', 'trap "exit 0" TERM; while true; do sleep 0.2; done'];

test('docker update --memory/--memory-swap from docker CLI 28 (whole Resources object sent)', { skip: !existsSync(DOCKER) && 'no docker CLI' }, async (t) => {
  const { d, env } = await daemonForClients(t);
  await d.ok(['pull', 'busybox'], { timeoutMs: 120_000 });
  await runOk(DOCKER, ['run', '-d', '--name', 'upd', 'busybox', ...IDLE], { env });
  const r = await runOk(DOCKER, ['update', '--memory', '64m', '--memory-swap', '64m', 'upd'], { env });
  assert.equal(r.stdout.trim(), 'upd');
  const hc = JSON.parse((await runOk(DOCKER, ['inspect', '-f', '{{json .HostConfig}}', 'upd'], { env })).stdout);
  assert.equal(hc.Memory, 64 * 1024 * 1024);
  assert.equal(hc.MemorySwap, 64 * 1024 * 1024);
  // a field that really changes is still refused
  const bad = await d.api('POST', '/containers/upd/update', { CgroupParent: '/elsewhere' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /CgroupParent cannot be changed by update/);
});

test('API versions down to 1.12 are accepted; before 1.24 errors are plain text', async (t) => {
  const { d } = await daemonForClients(t);
  const v = await d.api('GET', '/v1.22/version');
  assert.equal(v.status, 200);
  assert.equal(v.body.MinAPIVersion, '1.12');
  assert.equal((await d.api('GET', '/v1.12/_ping')).status, 200);
  const old = await d.api('GET', '/v1.11/version');
  assert.equal(old.status, 400);
  assert.match(JSON.stringify(old.body), /Minimum supported API version is 1\.12/);
  const missing = await d.api('GET', '/v1.22/containers/nope/json');
  assert.equal(missing.status, 404);
  assert.match(String(missing.headers['content-type']), /^text\/plain/);
  const current = await d.api('GET', '/v1.24/containers/nope/json');
  assert.match(String(current.headers['content-type']), /^application\/json/);
});

test('skopeo copy docker-daemon:busybox:latest (API 1.22) to an OCI layout', { skip: !existsSync(SKOPEO) && 'no skopeo' }, async (t) => {
  const { d, env } = await daemonForClients(t);
  await d.ok(['pull', 'busybox'], { timeoutMs: 120_000 });
  const out = mkdtempSync('/tmp/bt-skopeo-');
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const dest = join(out, 'oci');
  await runOk(SKOPEO, ['--insecure-policy', 'copy', '--src-daemon-host', `unix://${d.socket}`, 'docker-daemon:busybox:latest', `oci:${dest}:busybox`], { env, timeoutMs: 120_000 });
  const index = JSON.parse(readFileSync(join(dest, 'index.json'), 'utf8'));
  assert.equal(index.manifests.length, 1);
  const digest = index.manifests[0].digest.replace('sha256:', '');
  const manifest = JSON.parse(readFileSync(join(dest, 'blobs', 'sha256', digest), 'utf8'));
  assert.ok(manifest.layers.length >= 1);
  const config = JSON.parse(readFileSync(join(dest, 'blobs', 'sha256', manifest.config.digest.replace('sha256:', '')), 'utf8'));
  const layers = JSON.parse(await d.ok(['image', 'inspect', '-f', '{{json .RootFS.Layers}}', 'busybox']));
  assert.deepEqual(config.rootfs.diff_ids, layers, 'the copied image has the daemon image layers');
});

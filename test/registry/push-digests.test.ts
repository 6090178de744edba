/**
 * After a push the image carries the pushed manifest's digest as a RepoDigest (as dockerd records it),
 * and `docker image inspect` and `docker images --digests` agree, so `pull repo@sha256:…` works.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DOCKER, daemonForClients, runOk } from '../compat/helpers.js';
import { serveRegistry } from './peers.js';

test('docker push records the manifest digest; inspect, images --digests and pull by digest agree', { skip: !existsSync(DOCKER) && 'no docker CLI' }, async (t) => {
  const { d, env } = await daemonForClients(t);
  const tmp = mkdtempSync('/tmp/bt-pushdig-');
  const reg = await serveRegistry(d.netns, join(tmp, 'reg'), '127.0.0.1:5010');
  t.after(() => { reg.stop(); rmSync(tmp, { recursive: true, force: true }); });
  const docker = (args: string[]) => runOk(DOCKER, args, { env, timeoutMs: 120_000 });
  await d.ok(['image', 'bootstrap', 'busybox']);
  const img = '127.0.0.1:5010/dig/busybox:v1';
  await docker(['tag', 'busybox', img]);
  const push = (await docker(['push', img])).stdout;
  const digest = /digest: (sha256:[a-f0-9]{64})/.exec(push)?.[1];
  assert.ok(digest, push);

  const first = (await docker(['image', 'inspect', '-f', '{{index .RepoDigests 0}}', img])).stdout.trim();
  assert.equal(first, `127.0.0.1:5010/dig/busybox@${digest}`);
  const listed = (await docker(['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}', '127.0.0.1:5010/dig/busybox'])).stdout.trim();
  assert.equal(listed, `127.0.0.1:5010/dig/busybox v1 ${digest}`);
  const viaApi = await d.api('GET', `/images/${encodeURIComponent(img)}/json`);
  const summary = (await d.api('GET', '/images/json?digests=1')).body.find((i: any) => i.Id === viaApi.body.Id);
  assert.deepEqual(viaApi.body.RepoDigests, summary.RepoDigests, 'inspect and list agree');

  // the workflow that depends on it: remove the tag, pull by the recorded digest
  await docker(['rmi', img, 'busybox']);
  await docker(['pull', first]);
  assert.equal((await docker(['image', 'inspect', '-f', '{{.Id}}', first])).stdout.trim(), viaApi.body.Id);
});

/**
 * The Engine's typed methods used by a program through `import … from 'berth'`: pull (with
 * progress and cancellation), events, create/start/exec/wait/logs/stop/rm, build, disk usage,
 * volumes, networks, the prunes and typed errors. The public declarations carry no `any`.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from '../helpers/daemon.js';
import { librarySandbox, REGISTRY, type LibrarySandbox } from './helpers.js';

let box: LibrarySandbox | undefined;

before(async () => { box = await librarySandbox(); });
after(() => box?.close());

test('a program drives the engine through its typed methods', async () => {
  const { code, stdout, stderr } = await box!.run(join(REPO, 'test', 'library', 'programs', 'engine-api.mts'), { TMPDIR: box!.tmp }, 300_000);
  assert.equal(code, 0, `the program failed:\n${stdout}\n${stderr}`);
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!);
  assert.equal(r.pullAborted, 'ERR_ABORTED');
  assert.deepEqual(r.pull, { ref: `${REGISTRY}/library/busybox:latest`, first: false, second: true, sameId: true, pullingFrom: true });
  assert.equal(r.started, true);
  assert.deepEqual(r.exec, { exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  assert.equal(r.waitAborted, 'ERR_ABORTED');
  assert.equal(r.logs, 'started\n');
  assert.equal(r.stopped, true);
  assert.deepEqual(r.wait, { StatusCode: 0, Error: null });
  assert.deepEqual(r.events, ['create', 'start', 'die', 'destroy']);
  assert.equal(r.history, true);
  assert.deepEqual(r.build, { id: true, steps: true });
  assert.equal(r.buildAborted, 'ERR_ABORTED');
  assert.deepEqual(r.diskUsage, { images: 2, cache: true });
  assert.deepEqual(r.volumes, ['lib-vol']);
  assert.equal(r.network, 'lib-net');
  assert.deepEqual(r.pruneContainers, { ContainersDeleted: [], SpaceReclaimed: 0 });
  assert.equal(r.pruneBuildCache, true);
  assert.equal(r.pruneImages, true);
  assert.deepEqual(r.pruneVolumes, { VolumesDeleted: [], SpaceReclaimed: 0 });
  assert.deepEqual(r.pruneNetworks, { NetworksDeleted: [] });
  assert.deepEqual(r.notFound, { notFound: true, code: 'ERR_CONTAINER_NOT_FOUND' });
});

test("the Engine's own declarations have no any", () => {
  for (const file of ['index.d.ts', 'engine/engine.d.ts', 'engine/public-types.d.ts', 'engine/image-transfer.d.ts', 'engine/build.d.ts', 'engine/event-stream.d.ts', 'engine/disk-usage.d.ts']) {
    const text = readFileSync(join(REPO, 'dist', file), 'utf8');
    assert.deepEqual(text.split('\n').filter((l) => /\bany\b/.test(l) && !/^\s*(\*|\/)/.test(l)), [], file);
  }
});

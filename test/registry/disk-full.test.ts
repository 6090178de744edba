/**
 * A full disk during pull: the daemon's root is a 24 MiB tmpfs and the image has a
 * 30 MiB incompressible layer. The pull fails saying the disk is full, leaves no image,
 * no ingest leftovers and no half-unpacked layer; after the tmpfs grows, the same pull
 * succeeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startDaemon } from '../helpers/daemon.js';
import { buildImage, publish } from './publish.js';
import { serveRegistry } from './peers.js';
import { sha } from './helpers.js';

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** every entry below dir, two levels deep (layer dirs, ingest files) */
function tree(dir: string): string[] {
  const out: string[] = [];
  for (const a of readdirSync(dir, { withFileTypes: true })) {
    out.push(a.name);
    if (a.isDirectory()) for (const b of readdirSync(join(dir, a.name))) out.push(`${a.name}/${b}`);
  }
  return out.sort();
}

test('full disk during pull: clear error, nothing partial left, a repeated pull succeeds after space is freed', async (t) => {
  const tmp = mkdtempSync('/tmp/breg-full-');
  const fs = join(tmp, 'fs');
  mkdirSync(fs);
  sh('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', fs]);
  t.after(() => {
    spawnSync('umount', ['-l', fs]);
    rmSync(tmp, { recursive: true, force: true });
  });
  const img = await buildImage({ files: [{ name: 'big.bin', body: randomBytes(30 * 1024 * 1024) }], cmd: ['/big.bin'] });
  await publish(join(tmp, 'reg'), [{ repo: 'big/img', tag: '1', images: [img] }]);

  const d = await startDaemon({ base: fs });
  t.after(() => d.cleanup());
  const reg = await serveRegistry(d.netns, join(tmp, 'reg'), '127.0.0.1:5000');
  t.after(() => reg.stop());

  const images = async () => (await d.berth(['images', '-q', '--no-trunc'])).stdout;
  const before = await images();
  const content = join(d.root, 'content');
  const snapshots = join(d.root, 'snapshots');
  const layersBefore = tree(snapshots);

  const r = await d.berth(['pull', '127.0.0.1:5000/big/img:1'], { timeoutMs: 120_000 });
  assert.notEqual(r.code, 0, r.stdout);
  if (process.env.BERTH_TEST_VERBOSE) console.log(r.stderr);
  assert.match(r.stderr, /disk is full/);
  assert.match(r.stderr, /no space left on device/);
  assert.equal(await images(), before, 'no image after a failed pull');
  assert.deepEqual(readdirSync(join(content, 'ingest')), [], 'no ingest leftovers');
  assert.deepEqual(tree(snapshots), layersBefore, 'no half layer dir');

  sh('mount', ['-o', 'remount,size=128m', fs]);
  const again = await d.berth(['pull', '127.0.0.1:5000/big/img:1'], { timeoutMs: 120_000 });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Downloaded newer image/);
  assert.equal((await images()).trim(), sha(img.blobs[0]), 'the image is the one published');
});

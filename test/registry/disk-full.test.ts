/**
 * A full disk during pull: the daemon's root is a 24 MiB tmpfs. One image has a 30 MiB
 * incompressible layer (the download does not fit), another a tiny blob that unpacks to
 * 40 MiB (the unpack does not fit). The pull fails saying the disk is full, leaves no
 * image, no ingest leftovers and no half-unpacked layer; after the tmpfs grows, the same
 * pull succeeds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { buildImage, publish, type Built } from './publish.js';
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

/** A daemon whose root is a 24 MiB tmpfs, and a registry serving `img` as 127.0.0.1:5000/big/img:1. */
async function smallDiskDaemon(t: any, img: Built): Promise<{ d: TestDaemon; grow(): void }> {
  const tmp = mkdtempSync('/tmp/breg-full-');
  const fs = join(tmp, 'fs');
  mkdirSync(fs);
  sh('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', fs]);
  let stop = async () => {};
  // one hook, in order: registry, daemon (it lives on the tmpfs), then the tmpfs
  t.after(async () => {
    try { await stop(); } finally {
      spawnSync('umount', ['-l', fs]);
      rmSync(tmp, { recursive: true, force: true });
    }
  });
  await publish(join(tmp, 'reg'), [{ repo: 'big/img', tag: '1', images: [img] }]);
  const d = await startDaemon({ base: fs });
  stop = () => d.cleanup();
  const reg = await serveRegistry(d.netns, join(tmp, 'reg'), '127.0.0.1:5000');
  stop = async () => { reg.stop(); await d.cleanup(); };
  return { d, grow: () => sh('mount', ['-o', 'remount,size=128m', fs]) };
}

async function fullDiskPull(t: any, img: Built): Promise<void> {
  const { d, grow } = await smallDiskDaemon(t, img);
  const images = async () => (await d.berth(['images', '-q', '--no-trunc'])).stdout;
  const before = await images();
  const ingest = join(d.root, 'content', 'ingest');
  const snapshots = join(d.root, 'snapshots');
  const layersBefore = tree(snapshots);

  const r = await d.berth(['pull', '127.0.0.1:5000/big/img:1'], { timeoutMs: 120_000 });
  assert.notEqual(r.code, 0, r.stdout);
  assert.match(r.stderr, /no space left on device: the disk is full/);
  assert.equal(await images(), before, 'no image after a failed pull');
  assert.deepEqual(readdirSync(ingest), [], 'no ingest leftovers');
  assert.deepEqual(tree(snapshots), layersBefore, 'no half layer dir');

  grow();
  const again = await d.berth(['pull', '127.0.0.1:5000/big/img:1'], { timeoutMs: 120_000 });
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /Downloaded newer image/);
  assert.equal((await images()).trim(), sha(img.blobs[0]), 'the image is the one published');
}

test('full disk while downloading: clear error, nothing partial left, a repeated pull succeeds after space is freed', async (t) => {
  await fullDiskPull(t, await buildImage({ files: [{ name: 'big.bin', body: randomBytes(30 * 1024 * 1024) }], cmd: ['/big.bin'] }));
});

test('full disk while unpacking: clear error, nothing partial left, a repeated pull succeeds after space is freed', async (t) => {
  await fullDiskPull(t, await buildImage({ files: [{ name: 'zeros.bin', body: Buffer.alloc(40 * 1024 * 1024) }], cmd: ['/zeros.bin'] }));
});

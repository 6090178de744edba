/**
 * Image archives the peers load, since nothing can be pulled from the internet here: busybox as
 * `berth save` writes it, and a big multi-layer image of incompressible bytes for push/pull and
 * save/load, written by hand as a docker-archive (manifest.json, config, <diff id>/layer.tar).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, statSync, writeFileSync, readFileSync, openSync, writeSync, closeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import type { BenchContext } from '../lib/context.js';

export const BIG_IMAGE = 'bench/big:latest';

export function busyboxArchive(ctx: BenchContext): Promise<string> {
  return ctx.shared('archive:busybox', async () => {
    const berth = await ctx.berth();
    const file = join(ctx.workDir, 'busybox.tar');
    await berth.cli(['save', '-o', file, 'busybox:latest'], 120_000);
    return file;
  });
}

/** Bytes of the big image's payload (100 MB; a few MB in smoke mode). */
export function bigImageBytes(ctx: BenchContext): number { return ctx.size(100_000_000, 4_000_000); }

/**
 * How the payload is split into layers: unequal sizes, as real images have, so parallel transfers
 * and per-layer overheads both show. They sum to 1.
 */
export const BIG_LAYER_SHARES = [0.4, 0.25, 0.15, 0.12, 0.08];

export function bigLayerSizes(ctx: BenchContext): number[] {
  const total = bigImageBytes(ctx);
  const sizes = BIG_LAYER_SHARES.map((s) => Math.floor(total * s));
  sizes[0] += total - sizes.reduce((a, b) => a + b, 0);
  return sizes;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

/** One uncompressed layer tar holding `name` with `bytes` random bytes; returns its diff ID (hex). */
async function writeRandomLayer(ctx: BenchContext, i: number, bytes: number): Promise<{ file: string; diffId: string }> {
  const payload = join(ctx.workDir, `big-${i}.bin`);
  const fd = openSync(payload, 'w');
  try { for (let done = 0; done < bytes; done += 1 << 20) writeSync(fd, randomBytes(Math.min(1 << 20, bytes - done))); } finally { closeSync(fd); }
  const file = join(ctx.workDir, `big-layer-${i}.tar`);
  const lp = tar.pack();
  const written = pipeline(lp, createWriteStream(file));
  await new Promise<void>((resolve, reject) => {
    const entry = lp.entry({ name: `big-${i}.bin`, size: bytes, mode: 0o644, mtime: new Date(0) }, (err) => (err ? reject(err) : resolve()));
    createReadStream(payload).pipe(entry);
  });
  lp.finalize();
  await written;
  rmSync(payload, { force: true });
  return { file, diffId: await sha256File(file) };
}

async function addFile(ap: tar.Pack, name: string, file: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const entry = ap.entry({ name, size: statSync(file).size }, (err) => (err ? reject(err) : resolve()));
    createReadStream(file).pipe(entry);
  });
}

/** The big image as a docker-archive: several layers of incompressible bytes (see BIG_LAYER_SHARES). */
export function bigImageArchive(ctx: BenchContext): Promise<string> {
  return ctx.shared('archive:big', async () => {
    const layers: { file: string; diffId: string }[] = [];
    const sizes = bigLayerSizes(ctx);
    for (let i = 0; i < sizes.length; i++) layers.push(await writeRandomLayer(ctx, i, sizes[i]));

    const config = JSON.stringify({
      architecture: 'amd64', os: 'linux', created: '2020-01-01T00:00:00Z',
      config: { Cmd: ['/big-0.bin'] },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => `sha256:${l.diffId}`) },
      history: sizes.map((n) => ({ created: '2020-01-01T00:00:00Z', created_by: `berth bench: ${n} random bytes` })),
    });
    const configId = createHash('sha256').update(config).digest('hex');
    const manifest = JSON.stringify([{ Config: `${configId}.json`, RepoTags: [BIG_IMAGE], Layers: layers.map((l) => `${l.diffId}/layer.tar`) }]);

    const archive = join(ctx.workDir, 'big-image.tar');
    const ap = tar.pack();
    const out = pipeline(ap, createWriteStream(archive));
    ap.entry({ name: `${configId}.json` }, config);
    for (const l of layers) {
      ap.entry({ name: `${l.diffId}/`, type: 'directory' });
      await addFile(ap, `${l.diffId}/layer.tar`, l.file);
    }
    ap.entry({ name: 'manifest.json' }, manifest);
    ap.entry({ name: 'repositories' }, JSON.stringify({ 'bench/big': { latest: layers[layers.length - 1].diffId } }));
    ap.finalize();
    await out;
    for (const l of layers) rmSync(l.file, { force: true });
    writeFileSync(join(ctx.workDir, 'big-image.id'), configId);
    return archive;
  });
}

/** The big image's ID (its config digest, hex): `rmi -f <id>` removes it under every tag. */
export async function bigImageId(ctx: BenchContext): Promise<string> {
  await bigImageArchive(ctx);
  return readFileSync(join(ctx.workDir, 'big-image.id'), 'utf8').trim();
}

/**
 * Image archives the peers load, since nothing can be pulled from the internet here: busybox as
 * `berth save` writes it, and a big single-layer image of incompressible bytes for push/pull and
 * save/load, written by hand as a docker-archive (manifest.json, config, layer.tar).
 */
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, statSync, writeFileSync, readFileSync, openSync, writeSync, closeSync } from 'node:fs';
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

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  await pipeline(createReadStream(path), h);
  return h.digest('hex');
}

export function bigImageArchive(ctx: BenchContext): Promise<string> {
  return ctx.shared('archive:big', async () => {
    const bytes = bigImageBytes(ctx);
    const payload = join(ctx.workDir, 'big.bin');
    const fd = openSync(payload, 'w');
    try { for (let done = 0; done < bytes; done += 1 << 20) writeSync(fd, randomBytes(Math.min(1 << 20, bytes - done))); } finally { closeSync(fd); }

    const layer = join(ctx.workDir, 'big-layer.tar');
    const lp = tar.pack();
    const written = pipeline(lp, createWriteStream(layer));
    await new Promise<void>((resolve, reject) => {
      const entry = lp.entry({ name: 'big.bin', size: bytes, mode: 0o644, mtime: new Date(0) }, (err) => (err ? reject(err) : resolve()));
      createReadStream(payload).pipe(entry);
    });
    lp.finalize();
    await written;
    const diffId = await sha256File(layer);

    const config = JSON.stringify({
      architecture: 'amd64', os: 'linux', created: '2020-01-01T00:00:00Z',
      config: { Cmd: ['/big.bin'] },
      rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
      history: [{ created: '2020-01-01T00:00:00Z', created_by: 'berth bench: 100 MB of random bytes' }],
    });
    const configId = createHash('sha256').update(config).digest('hex');
    const manifest = JSON.stringify([{ Config: `${configId}.json`, RepoTags: [BIG_IMAGE], Layers: [`${diffId}/layer.tar`] }]);

    const archive = join(ctx.workDir, 'big-image.tar');
    const ap = tar.pack();
    const out = pipeline(ap, createWriteStream(archive));
    ap.entry({ name: `${configId}.json` }, config);
    ap.entry({ name: `${diffId}/`, type: 'directory' });
    await new Promise<void>((resolve, reject) => {
      const entry = ap.entry({ name: `${diffId}/layer.tar`, size: statSync(layer).size }, (err) => (err ? reject(err) : resolve()));
      createReadStream(layer).pipe(entry);
    });
    ap.entry({ name: 'manifest.json' }, manifest);
    ap.entry({ name: 'repositories' }, JSON.stringify({ 'bench/big': { latest: diffId } }));
    ap.finalize();
    await out;
    writeFileSync(join(ctx.workDir, 'big-image.id'), configId);
    return archive;
  });
}

/** The big image's ID (its config digest, hex): `rmi -f <id>` removes it under every tag. */
export async function bigImageId(ctx: BenchContext): Promise<string> {
  await bigImageArchive(ctx);
  return readFileSync(join(ctx.workDir, 'big-image.id'), 'utf8').trim();
}

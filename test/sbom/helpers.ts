import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unpackLayer } from '../../src/snapshot/tar-unpack.js';
import { buildTar, streamOf, type TarEntry } from '../snapshot/helpers.js';

export { buildTar, type TarEntry };

type After = { after: (fn: () => Promise<void>) => void };

export async function tempDir(t: After, prefix = 'berth-sbom-'): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  t.after(() => rm(d, { recursive: true, force: true }));
  return d;
}

/** Real layer dirs: each list of entries packed with tar-stream and unpacked by berth's unpacker in overlay mode. */
export async function makeLayers(t: After, layers: TarEntry[][]): Promise<Array<{ digest: string; dir: string }>> {
  const base = await tempDir(t, 'berth-sbom-layers-');
  const out: Array<{ digest: string; dir: string }> = [];
  for (const [i, entries] of layers.entries()) {
    const dir = join(base, String(i));
    await mkdir(dir);
    const { diffId } = await unpackLayer(streamOf(await buildTar(entries)), dir, { mode: 'overlay' });
    out.push({ digest: diffId, dir });
  }
  return out;
}

export const dir = (name: string): TarEntry => ({ name, type: 'directory', mode: 0o755 });
export const file = (name: string, body: string | Buffer): TarEntry => ({ name, body });
export const symlinkTo = (name: string, linkname: string): TarEntry => ({ name, type: 'symlink', linkname });

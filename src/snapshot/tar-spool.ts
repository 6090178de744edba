/**
 * A tar received from a client, taken in whole and checked before anything is applied:
 * a garbage, truncated or aborted body is refused as an ArchiveError and leaves nothing
 * half-written behind (unpacking straight from the socket would have written the entries
 * before the broken one).
 */
import { createReadStream, createWriteStream, readdirSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { ArchiveError, BerthError } from '../common/errors.js';
import { decompressAuto } from './decompress.js';

export interface SpooledTar {
  /** the received bytes (as sent: possibly compressed) */
  path: string;
  open(): Readable;
  /** deletes the spool */
  dispose(): Promise<void>;
}

const SPOOL_PREFIX = 'tar-';

/** Start-up cleanup: spools under dir that a daemon killed during an upload left behind. */
export function removeLeftoverSpools(dir: string): void {
  let names: string[] = [];
  try { names = readdirSync(dir); } catch { return; }
  for (const name of names) if (name.startsWith(SPOOL_PREFIX)) rmSync(join(dir, name), { recursive: true, force: true });
}

/** Receives src into a file under dir, then checks that it is a complete tar (plain or compressed). */
export async function spoolTar(src: Readable, dir: string): Promise<SpooledTar> {
  await mkdir(dir, { recursive: true });
  const spoolDir = await mkdtemp(join(dir, SPOOL_PREFIX));
  const path = join(spoolDir, 'body');
  const spooled: SpooledTar = { path, open: () => createReadStream(path), dispose: () => rm(spoolDir, { recursive: true, force: true }) };
  try {
    try {
      await pipeline(src, createWriteStream(path, { mode: 0o600 }));
    } catch (e) {
      throw new ArchiveError(`the archive was not received completely: ${(e as Error).message}`, 'ERR_ARCHIVE_INCOMPLETE');
    }
    await checkTar(spooled.open());
    return spooled;
  } catch (e) {
    await spooled.dispose();
    throw e;
  }
}

/** Reads a whole tar stream (any compression); throws ArchiveError unless every header and entry is complete. */
async function checkTar(src: Readable): Promise<void> {
  const extract = tar.extract();
  let plain: Readable | undefined;
  try {
    plain = await decompressAuto(src);
    const feeding = pipeline(plain, extract as unknown as NodeJS.WritableStream);
    feeding.catch(() => undefined); // awaited below; an early rejection must not count as unhandled
    for await (const entry of extract) (entry as unknown as Readable).resume();
    await feeding;
  } catch (e) {
    src.destroy();
    plain?.destroy();
    extract.destroy();
    if (e instanceof BerthError && e.code !== 'ERR_DECOMPRESS') throw e;
    throw new ArchiveError(`invalid tar archive: ${(e as Error)?.message ?? e}`, 'ERR_ARCHIVE_CORRUPT');
  }
}

/**
 * Directory trees that a removal must make disappear at once but may delete at leisure (a removed
 * container's bundle, monitor files and upper dir): `put` renames the tree into a trash directory on
 * the same file system, one rename, and deletes it from there in the background. A recursive delete
 * is many small file system calls through libuv's thread pool; `run --rm` no longer waits for them.
 * A tree on another file system is deleted in place. What a crashed daemon left in the trash is
 * deleted at the next start (emptyLeftovers); shutdown waits for deletes under way (drainAll).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { log } from './log.js';

const DELETE_DELAY_MS = 100;

export class Trash {
  private static readonly all = new Map<string, Trash>();
  private readonly pending = new Set<Promise<void>>();

  private constructor(readonly dir: string) {}

  /** One trash per directory, shared by everyone who throws away into it. */
  static at(dir: string): Trash {
    let t = Trash.all.get(dir);
    if (!t) { t = new Trash(dir); Trash.all.set(dir, t); }
    return t;
  }

  /** Deletes under way in every trash (at shutdown). */
  static async drainAll(): Promise<void> {
    await Promise.all([...Trash.all.values()].map((t) => t.drain()));
  }

  /** Move `path` away now and delete it in the background; a missing path is fine. */
  async put(path: string): Promise<void> {
    const dest = join(this.dir, `${basename(path)}-${randomBytes(6).toString('hex')}`);
    try {
      await rename(path, dest);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        if (existsSync(this.dir)) return; // nothing to remove
        // the trash itself is missing (first use, or removed by hand): make it and try once more
        try { mkdirSync(this.dir, { recursive: true, mode: 0o700 }); await rename(path, dest); } catch { await rm(path, { recursive: true, force: true }); return; }
      } else {
        await rm(path, { recursive: true, force: true }); // EXDEV and the like: delete in place
        return;
      }
    }
    this.deleteLater(dest);
  }

  /** Delete what an earlier daemon left here (in the background). */
  emptyLeftovers(): void {
    let names: string[] = [];
    try { names = readdirSync(this.dir); } catch { return; }
    for (const n of names) this.deleteLater(join(this.dir, n));
  }

  async drain(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private deleteLater(path: string): void {
    // a moment later: the delete's many small calls would otherwise queue in libuv's thread pool
    // ahead of the removal's own (its answer to `run --rm` waited ~10 ms for them)
    const p: Promise<void> = new Promise((r) => setTimeout(r, DELETE_DELAY_MS)).then(() => rm(path, { recursive: true, force: true, maxRetries: 3, retryDelay: 20 }))
      .catch((e) => log.warn('deleting a removed tree failed', { path, error: (e as Error).message }))
      .finally(() => { this.pending.delete(p); });
    this.pending.add(p);
  }
}

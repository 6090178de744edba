import { run } from '../common/exec.js';
import { NotSupportedError, SystemError } from '../common/errors.js';

export type NodeKind = 'char' | 'block' | 'fifo';

/**
 * Create a device node or fifo. Node has no mknod(2), so the coreutils `mknod`
 * program does it; the parent must already be resolved inside the root and the
 * name must not exist (mknod never follows a symlink in the last component).
 */
export async function makeNode(path: string, kind: NodeKind, mode: number, major = 0, minor = 0): Promise<void> {
  const perm = (mode & 0o7777).toString(8);
  const args = kind === 'fifo'
    ? ['-m', perm, path, 'p']
    : ['-m', perm, path, kind === 'char' ? 'c' : 'b', String(major), String(minor)];
  const r = await run('mknod', args).catch((e) => {
    throw new NotSupportedError(`cannot create device nodes: mknod is not available (${(e as Error).message})`, 'ERR_MKNOD_MISSING');
  });
  if (r.code !== 0) throw new SystemError(`mknod ${path}: ${r.stderr.trim()}`, 'ERR_MKNOD');
}

/** Linux dev_t split as glibc's major()/minor(). */
export function devMajor(rdev: number): number {
  const big = BigInt(rdev);
  return Number(((big >> 8n) & 0xfffn) | ((big >> 32n) & 0xfffff000n));
}
export function devMinor(rdev: number): number {
  const big = BigInt(rdev);
  return Number((big & 0xffn) | ((big >> 12n) & 0xffffff00n));
}

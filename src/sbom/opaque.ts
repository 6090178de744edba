/**
 * Whether a directory of an overlay lowerdir is opaque (`trusted.overlay.opaque=y`, set by berth's
 * unpacker for an OCI `.wh..wh..opq` marker). FileTree's lookups are synchronous, so the attribute is
 * read with lgetxattr(2) through koffi, one call per directory and only where a lower layer could be
 * hidden; where koffi cannot load, getfattr (the `attr` package) is run instead.
 */
import { execFileSync } from 'node:child_process';
import { libcFunction } from '../common/libc.js';
import { OVERLAY_OPAQUE } from '../snapshot/xattr.js';

let native: ((path: string, name: string, value: Buffer, size: number) => number) | null | undefined;

function nativeGetxattr(): typeof native {
  if (native === undefined) {
    try { native = libcFunction('lgetxattr') as unknown as typeof native; } catch { native = null; }
  }
  return native;
}

export function isOpaqueDir(hostPath: string): boolean {
  const fn = nativeGetxattr();
  if (fn) {
    const buf = Buffer.alloc(8);
    const n = fn(hostPath, OVERLAY_OPAQUE, buf, buf.length);
    return n > 0 && buf[0] === 0x79; // 'y'
  }
  try {
    const out = execFileSync('getfattr', ['-h', '--only-values', '-n', OVERLAY_OPAQUE, '--absolute-names', hostPath], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
    return out.toString('latin1').startsWith('y');
  } catch {
    return false; // no such attribute (getfattr exits 1)
  }
}

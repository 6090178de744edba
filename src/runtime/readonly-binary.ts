/**
 * crun guards against CVE-2019-5736 (a container overwriting the runtime's binary through
 * /proc/self/exe) by copying its own binary into a sealed memfd or a temp file and re-executing
 * itself from that copy, in a constructor, on every invocation: `create`, `start`, `delete`, `exec`,
 * `kill` alike. Here that is ~4 of a `crun list`'s ~8 ms, three times per `run --rm`.
 *
 * crun skips the copy when its binary sits on a read-only mount (is_self_cloned: ST_RDONLY), since
 * nothing can open it for writing through that mount; runc 1.2 protects itself the same way. So the
 * daemon runs each runtime through a read-only bind mount of it under <run-root>/runtime/bin: the
 * same protection, without the copy. A mount left by a crashed daemon is replaced (the package may
 * have been upgraded since); when the mount cannot be made, the runtime runs from its own path.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../common/exec.js';
import { log } from '../common/log.js';
import { isMounted } from '../snapshot/mounts.js';

/**
 * A read-only bind mount of `binary` at <dir>/<name>; returns the path to execute (the binary's own
 * path when the mount is refused).
 */
export async function readOnlyBinary(binary: string, dir: string, name: string): Promise<string> {
  const target = join(dir, name);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o711 });
    while (await isMounted(target)) {
      const r = await run('umount', ['-l', target]);
      if (r.code !== 0) throw new Error(`umount ${target}: ${r.stderr.trim()}`);
    }
    if (!existsSync(target)) writeFileSync(target, '', { mode: 0o700 });
    const r = await run('mount', ['--bind', '-o', 'ro', binary, target]);
    if (r.code !== 0) throw new Error(r.stderr.trim() || `mount exited with ${r.code}`);
    return target;
  } catch (e) {
    log.warn(`running ${name} from ${binary}: a read-only bind mount of it failed`, { error: (e as Error).message });
    return binary;
  }
}

/** Undo readOnlyBinary (at daemon shutdown); lazily, since a runtime may still be running from it. */
export async function releaseReadOnlyBinary(path: string, binary: string): Promise<void> {
  if (path === binary || !(await isMounted(path))) return;
  await run('umount', ['-l', path]).catch(() => undefined);
}

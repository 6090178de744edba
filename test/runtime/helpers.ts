import { copyFileSync, mkdirSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const APPLETS = ['sh', 'echo', 'sleep', 'true', 'false', 'cat', 'id', 'hostname', 'tty', 'grep', 'ls', 'ps', 'trap', 'kill', 'env', 'printf', 'test', 'head', 'wc', 'stty', 'ulimit', 'tr'];

/** A minimal rootfs: static busybox plus applet symlinks, /etc/passwd and /etc/group. */
export function makeBusyboxRootfs(dir: string): string {
  const rootfs = join(dir, 'rootfs');
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'root', 'home/app']) mkdirSync(join(rootfs, d), { recursive: true });
  copyFileSync('/usr/bin/busybox', join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  for (const a of APPLETS) symlinkSync('busybox', join(rootfs, 'bin', a));
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\napp:x:1000:\nstaff:x:50:app\nwheel:x:10:app,root\nnogroup:x:65534:\n');
  return rootfs;
}

/** Short temp dir (socket paths must stay below 108 bytes). */
export async function shortTempDir(prefix = 'brt'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function sharedSpecPath(rel: string): string {
  return new URL(`../../../shared/${rel}`, import.meta.url).pathname;
}

/**
 * mount(2) and umount2(2) through libc (koffi), run on a libuv worker thread. Each container start
 * and exit mounts and unmounts a few times; spawning mount(8)/umount(8) for each costs a fork of the
 * whole daemon (1-2 ms of its main thread) plus the tool's own start. errno does not cross threads,
 * so a failed call only answers false: the caller then takes its slower path with the tools, which
 * also says what went wrong. Where koffi or libc cannot be loaded, every call answers false.
 */
import { libcFunction, type NativeFunction } from './libc.js';
import { log } from './log.js';

interface Libc { mount: NativeFunction; umount2: NativeFunction }

let libc: Libc | null | undefined;

function load(): Libc | null {
  if (libc !== undefined) return libc;
  try {
    libc = { mount: libcFunction('mount'), umount2: libcFunction('umount2') };
  } catch (e) {
    log.debug('mount syscalls unavailable: using mount(8)', { error: (e as Error).message });
    libc = null;
  }
  return libc;
}

/** koffi runs at most 64 asynchronous calls at once (its max_async_calls); beyond our share, use the tools. */
const MAX_IN_FLIGHT = 16;
let inFlight = 0;

function call(fn: NativeFunction, args: unknown[]): Promise<boolean> {
  if (inFlight >= MAX_IN_FLIGHT) return Promise.resolve(false);
  inFlight++;
  return new Promise<boolean>((resolve) => {
    try {
      fn.async(...args, (err: unknown, res: number) => resolve(!err && res === 0));
    } catch {
      resolve(false); // koffi refused the call (too many under way): the caller's slower path
    }
  }).finally(() => { inFlight--; });
}

/** mount(source, target, fstype, flags, data); false when it failed or cannot be called. */
export function sysMount(source: string, target: string, fstype: string, flags: number, data: string): Promise<boolean> {
  const l = load();
  return l ? call(l.mount, [source, target, fstype, flags, data]) : Promise.resolve(false);
}

/** umount2(target, flags); false when it failed or cannot be called. */
export function sysUmount(target: string, flags = 0): Promise<boolean> {
  const l = load();
  return l ? call(l.umount2, [target, flags]) : Promise.resolve(false);
}

const AT_FDCWD = -100;
const AT_SYMLINK_NOFOLLOW = 0x100;
/** struct statx: 256 bytes; stx_attributes (u64) at 8, stx_attributes_mask (u64) at 56 */
const STATX_SIZE = 256;
const STATX_ATTR_MOUNT_ROOT = 0x2000n;

let statxFn: NativeFunction | null | undefined;

/**
 * Is path the root of a mount (something is mounted exactly there)? statx(2)'s STATX_ATTR_MOUNT_ROOT
 * (Linux 5.8) answers for the one path, where /proc/self/mountinfo lists every mount of the host:
 * with 1,000 running containers that file is ~0.5 MB and costs ~10-17 ms of CPU per read, a few reads
 * per container start and stop. undefined when the kernel, koffi or the call cannot say (the caller
 * reads mountinfo then). A symlink is not followed, as mountinfo lists resolved paths only.
 */
export async function isMountRoot(path: string): Promise<boolean | undefined> {
  if (statxFn === undefined) {
    try { statxFn = libcFunction('statx'); } catch { statxFn = null; }
  }
  if (!statxFn) return undefined;
  const buf = Buffer.alloc(STATX_SIZE);
  // mask 0: only the basic fields are asked for; the attributes come with every statx
  if (!(await call(statxFn, [AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, 0, buf]))) return undefined;
  if ((buf.readBigUInt64LE(56) & STATX_ATTR_MOUNT_ROOT) === 0n) return undefined; // kernel before 5.8
  return (buf.readBigUInt64LE(8) & STATX_ATTR_MOUNT_ROOT) !== 0n;
}

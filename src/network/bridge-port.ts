/**
 * Put the host side of a container's veth on its bridge and bring it up with brctl's ioctls
 * (SIOCBRADDIF, then SIOCSIFFLAGS), instead of spawning `ip`: a spawn blocks the daemon's main
 * thread for a fork of the whole daemon (~5 ms here, per container start), and the tool's own start
 * comes on top. The ioctls that take the kernel's locks run on a libuv worker thread (koffi's async
 * calls); the socket they go through was made in the daemon's network namespace, which is where they
 * act, whatever thread makes them. errno does not cross threads, so any failure answers false and
 * the caller falls back to `ip`, which says what went wrong.
 */
import { libcFunction, type NativeFunction } from '../common/libc.js';
import { log } from '../common/log.js';
import { AF_INET, IFF_UP, SIOCBRADDIF, SIOCGIFFLAGS, SIOCSIFFLAGS, SOCK_CLOEXEC, SOCK_DGRAM } from '../common/linux-abi.js';

const IFNAMSIZ = 16;
const IFREQ_SIZE = 40; // struct ifreq on 64-bit Linux: the name, then a 24-byte union

interface Calls { ioctl: NativeFunction; ifNameToIndex: NativeFunction; fd: number }

let calls: Calls | null | undefined;

function load(): Calls | null {
  if (calls !== undefined) return calls;
  try {
    const ioctl = libcFunction('ioctl');
    const ifNameToIndex = libcFunction('if_nametoindex');
    const fd = libcFunction('socket')(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw new Error('socket(AF_INET) failed');
    calls = { ioctl, ifNameToIndex, fd };
  } catch (e) {
    log.debug('bridge ioctls unavailable: using ip', { error: (e as Error).message });
    calls = null;
  }
  return calls;
}

/** struct ifreq with ifr_name = name (the union zeroed). */
export function ifreq(name: string): Buffer {
  const b = Buffer.alloc(IFREQ_SIZE);
  if (Buffer.byteLength(name) >= IFNAMSIZ) throw new RangeError(`interface name too long: ${name}`);
  b.write(name, 0, 'utf8');
  return b;
}

/**
 * Set `dev` up in the calling thread's network namespace (through a socket made there, not the shared
 * one), synchronously; false when that could not be done.
 */
export function setLinkUpHere(dev: string): boolean {
  let socket: NativeFunction, ioctl: NativeFunction, close: NativeFunction;
  try { socket = libcFunction('socket'); ioctl = libcFunction('ioctl'); close = libcFunction('close'); } catch { return false; }
  const fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  try {
    const req = ifreq(dev);
    if (ioctl(fd, SIOCGIFFLAGS, req) !== 0) return false;
    req.writeUInt16LE(req.readUInt16LE(IFNAMSIZ) | IFF_UP, IFNAMSIZ);
    return ioctl(fd, SIOCSIFFLAGS, req) === 0;
  } finally {
    close(fd);
  }
}

function ioctlAsync(c: Calls, request: number, req: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      c.ioctl.async(c.fd, request, req, (err: unknown, res: number) => resolve(!err && res === 0));
    } catch {
      resolve(false); // koffi refused the call (too many under way)
    }
  });
}

/** Enslave `dev` to `bridge` and set it up; false when that could not be done this way. */
export async function addToBridge(dev: string, bridge: string): Promise<boolean> {
  const c = load();
  if (!c) return false;
  try {
    const index = c.ifNameToIndex(dev);
    if (!index) return false;
    const add = ifreq(bridge);
    add.writeInt32LE(index, IFNAMSIZ);
    if (!(await ioctlAsync(c, SIOCBRADDIF, add))) return false;
    const flags = ifreq(dev);
    if (c.ioctl(c.fd, SIOCGIFFLAGS, flags) !== 0) return false;
    flags.writeUInt16LE(flags.readUInt16LE(IFNAMSIZ) | IFF_UP, IFNAMSIZ);
    return await ioctlAsync(c, SIOCSIFFLAGS, flags);
  } catch {
    return false;
  }
}

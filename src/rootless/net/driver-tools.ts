/**
 * What the host offers a rootless network driver: the pasta and slirp4netns programs (Debian's `passt`
 * and `slirp4netns` packages) and a /dev/net/tun the user may open (both make a tap device inside the
 * daemon's namespace through it). Each missing piece is one clear error naming the package or the fix.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { BerthError } from '../../common/errors.js';
import type { RootlessNetDriverName } from '../net-contract.js';

/** The Debian package that ships each driver's program. */
export const DRIVER_PACKAGE: Record<RootlessNetDriverName, string> = { pasta: 'passt', slirp4netns: 'slirp4netns' };
const DRIVER_PROGRAM: Record<RootlessNetDriverName, string> = { pasta: 'pasta', slirp4netns: 'slirp4netns' };
/** pasta first: it is faster than slirp4netns and keeps more of the client's addresses (see docs/rootless-network.md) */
export const DRIVER_ORDER: readonly RootlessNetDriverName[] = ['pasta', 'slirp4netns'];

/** The rootless network could not be set up: no driver, or the driver failed. */
export class RootlessNetError extends BerthError {
  constructor(message: string, code: 'ERR_ROOTLESS_NET_DRIVER' | 'ERR_ROOTLESS_NET_DRIVER_FAILED' | 'ERR_ROOTLESS_NET_TUN' = 'ERR_ROOTLESS_NET_DRIVER') {
    super(message, { code, status: 500 });
  }
}

/** The executable `name` on $PATH, or undefined. */
export function findProgram(name: string, path: string = process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin'): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try { accessSync(p, constants.X_OK); return p; } catch { /* next */ }
  }
  return undefined;
}

export interface ChosenDriver { name: RootlessNetDriverName; program: string }

/**
 * The driver to use: the preferred one when it is installed (asking for one that is not is an error, not a
 * silent switch), else pasta, else slirp4netns.
 */
export function chooseDriver(preferred?: RootlessNetDriverName, path?: string): ChosenDriver {
  if (preferred) {
    const program = findProgram(DRIVER_PROGRAM[preferred], path);
    if (!program) throw new RootlessNetError(`rootless network driver "${preferred}" is configured, but ${DRIVER_PROGRAM[preferred]} is not installed: install the Debian package "${DRIVER_PACKAGE[preferred]}" (apt-get install ${DRIVER_PACKAGE[preferred]}), or leave the driver unset to use whichever is installed`);
    return { name: preferred, program };
  }
  for (const name of DRIVER_ORDER) {
    const program = findProgram(DRIVER_PROGRAM[name], path);
    if (program) return { name, program };
  }
  throw new RootlessNetError('rootless networking needs pasta or slirp4netns, and neither is installed: install the Debian package "passt" (apt-get install passt) or, as the fallback, "slirp4netns"');
}

/**
 * Both drivers open /dev/net/tun as the user. udev makes it mode 0666; some VM images ship 0600, and then
 * the drivers die with a bare "Failed to open tun socket": say what to change instead.
 */
export function checkTun(device = '/dev/net/tun'): void {
  try {
    accessSync(device, constants.R_OK | constants.W_OK);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist (the kernel lacks CONFIG_TUN, or it is not loaded: modprobe tun)' : 'is not readable and writable by this user (udev normally makes it mode 0666: chmod 0666 /dev/net/tun)';
    throw new RootlessNetError(`rootless networking needs ${device}, which ${why}`, 'ERR_ROOTLESS_NET_TUN');
  }
}

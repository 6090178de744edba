/**
 * Make a container's network namespace and run `ip -batch` inside it without unshare(1), one exec
 * less per bridge start (~3 ms here). For a moment the daemon's main thread leaves its namespace:
 * unshare(CLONE_NEWNET) gives the thread a new one, which is bind-mounted at `path` (so it outlives
 * the daemon, as `unshare --net=<path>` does), posix_spawn starts the program in it (a child takes the
 * namespaces of the thread that spawns it), and setns() returns the thread to the namespace it came
 * from. All of it is synchronous: no JavaScript, socket or timer of the daemon runs in between, and
 * libuv's worker threads keep their own namespace throughout. The return is checked; should the thread
 * fail to return, the daemon stops rather than run in a container's namespace (containers keep running,
 * and the next start finds them).
 * Null where this path cannot be taken (no koffi, no posix_spawn, unshare refused): the caller then
 * uses `unshare --net=<path>`.
 */
import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import { libcFunction, type NativeFunction } from '../common/libc.js';
import { log } from '../common/log.js';
import { completion, fastSpawn, type SpawnResult } from '../common/fast-spawn.js';
import { CLONE_NEWNET, MNT_DETACH, MS_BIND, THREAD_NETNS } from '../common/linux-abi.js';


interface Calls { unshare: NativeFunction; setns: NativeFunction; mount: NativeFunction; umount2: NativeFunction }
let calls: Calls | null | undefined;

function load(): Calls | null {
  if (calls !== undefined) return calls;
  try {
    calls = { unshare: libcFunction('unshare'), setns: libcFunction('setns'), mount: libcFunction('mount'), umount2: libcFunction('umount2') };
  } catch (e) {
    log.debug('netns syscalls unavailable: using unshare(1)', { error: (e as Error).message });
    calls = null;
  }
  return calls;
}

let daemonNetnsFd: number | undefined;

/**
 * A path that names the daemon's own network namespace whatever thread opens it and whenever: an fd
 * kept open for it, seen through /proc (/proc/<pid>/ns/net follows the main thread, which
 * runInNewNetns moves for a moment). For `ip link add ... peer ... netns <path>`.
 */
export function daemonNetnsPath(): string {
  daemonNetnsFd ??= openSync(THREAD_NETNS, 'r');
  return `/proc/${process.pid}/fd/${daemonNetnsFd}`;
}

/** Back to the namespace behind `own`, verified; anything else ends the daemon. */
function returnTo(c: Calls, own: number, ownIno: number): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    c.setns(own, CLONE_NEWNET);
    if (statSync(THREAD_NETNS).ino === ownIno) return;
  }
  log.error('the daemon could not return to its own network namespace after making a namespace; stopping');
  process.exit(70);
}

/**
 * A new network namespace bind-mounted at `path` (an existing empty file), with `work` run
 * synchronously on this thread inside it (a socket it makes, a process it spawns, is the namespace's).
 * When `work` gives null the namespace is unmounted again, so a caller's fallback starts from an empty
 * file. Null, with nothing changed, where this cannot be done (no koffi, unshare or mount refused).
 */
export function inNewNetns<T>(path: string, work: () => T | null): T | null {
  const c = load();
  if (!c) return null;
  let own: number;
  try { own = openSync(THREAD_NETNS, 'r'); } catch { return null; }
  const ownIno = fstatSync(own).ino;
  try {
    if (c.unshare(CLONE_NEWNET) !== 0) return null;
    try {
      if (c.mount(THREAD_NETNS, path, null, MS_BIND, null) !== 0) return null;
      let result: T | null = null;
      try { result = work(); } finally { if (result === null) c.umount2(path, MNT_DETACH); }
      return result;
    } finally {
      returnTo(c, own, ownIno);
    }
  } finally {
    closeSync(own);
  }
}

/**
 * A new network namespace bind-mounted at `path` (an existing empty file), with `cmd args` run inside
 * it and `input` on its stdin. Null when this path cannot be taken (nothing was changed then).
 */
export function runInNewNetns(path: string, cmd: string, args: string[], input: string, timeoutMs = 60_000): Promise<SpawnResult> | null {
  const child = inNewNetns(path, () => {
    try {
      return fastSpawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (e) {
      log.debug('spawning in a new network namespace failed: using unshare(1)', { error: (e as Error).message });
      return null;
    }
  });
  return child ? completion(child, input, timeoutMs) : null;
}

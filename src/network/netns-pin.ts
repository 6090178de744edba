/**
 * Pinned network namespaces for pod sandboxes (containerd's `netns` pinning): a new namespace
 * bind-mounted on a file under the run root before the pause container exists, so CNI ADD can run
 * while the pause container starts and joins it by path. The bind mount keeps the namespace (and the
 * CNI interfaces in it) alive until it is unpinned, whatever happens to the pause process; a daemon
 * that crashed between pinning and recording the pod finds the file at its next start
 * (removeStalePins).
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { run } from '../common/exec.js';
import { SystemError } from '../common/errors.js';
import { libcFunction } from '../common/libc.js';
import { log } from '../common/log.js';
import { ifreq } from './bridge-port.js';
import { removeNetns } from './links.js';
import { runInNewNetns } from './netns-spawn.js';

/** Where the CRI's pod namespaces are pinned (apart from the engine's <runRoot>/netns, which its own reconcile owns). */
export function podNetnsDir(runRoot: string): string { return join(runRoot, 'cri', 'netns'); }

export interface NetnsPin {
  path: string;
  /** settled once loopback is up in it; the namespace itself is pinned when pinNetns returns */
  ready: Promise<void>;
}

/**
 * Pin a new network namespace at a fresh file in `dir`, its loopback brought up by `ip` run inside it.
 * On the fast path (netns-spawn: unshare, bind mount and spawn on this thread) the file is a namespace
 * when this returns and only loopback is pending; otherwise `unshare --net=<path>` makes it and
 * `ready` settles when it has.
 */
export async function pinNetns(dir: string): Promise<NetnsPin> {
  mkdirSync(dir, { recursive: true, mode: 0o711 });
  const path = join(dir, randomBytes(16).toString('hex'));
  writeFileSync(path, '');
  const fail = async (why: string): Promise<never> => {
    await unpinNetns(path).catch(() => undefined);
    throw new SystemError(`cannot make the pod's network namespace: ${why}`, 'ERR_NETNS');
  };
  if (pinWithSyscalls(path)) return { path, ready: Promise.resolve() };
  const fast = runInNewNetns(path, 'ip', ['link', 'set', 'lo', 'up'], '', 10_000);
  if (fast) {
    // the namespace is pinned already: loopback comes up alongside CNI ADD and the pause container's start
    const ready = fast.then(async (r) => { if (r.code !== 0) await fail(r.stderr.trim() || `ip exited ${r.code}`); });
    ready.catch(() => undefined);
    return { path, ready };
  }
  const r = await run('unshare', [`--net=${path}`, 'ip', 'link', 'set', 'lo', 'up']);
  if (r.code !== 0) await fail(r.stderr.trim() || `unshare exited ${r.code}`);
  return { path, ready: Promise.resolve() };
}

const CLONE_NEWNET = 0x40000000;
const MS_BIND = 0x1000;
const AF_INET = 2;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const SIOCGIFFLAGS = 0x8913;
const SIOCSIFFLAGS = 0x8914;
const IFF_UP = 0x1;
const THREAD_NETNS = '/proc/thread-self/ns/net';

/**
 * The namespace made, pinned and its loopback up without a process (a spawn forks the whole daemon and
 * `ip` costs milliseconds of CPU per pod): this thread unshares, bind-mounts its new namespace on `path`,
 * sets lo up through a socket made inside it, and returns to its own namespace (checked; a thread that
 * cannot return ends the daemon, as in netns-spawn.ts). All synchronous: no JavaScript runs meanwhile.
 * False, with nothing changed, where this cannot be done (no koffi, unshare refused).
 */
function pinWithSyscalls(path: string): boolean {
  let c;
  try { c = { unshare: libcFunction('unshare'), setns: libcFunction('setns'), mount: libcFunction('mount'), umount2: libcFunction('umount2'), socket: libcFunction('socket'), ioctl: libcFunction('ioctl'), close: libcFunction('close') }; } catch { return false; }
  let own: number;
  try { own = openSync(THREAD_NETNS, 'r'); } catch { return false; }
  const ownIno = fstatSync(own).ino;
  let ok = false;
  try {
    if (c.unshare(CLONE_NEWNET) !== 0) return false;
    try {
      if (c.mount(THREAD_NETNS, path, null, MS_BIND, null) !== 0) return false;
      const fd = c.socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd >= 0) {
        const req = ifreq('lo');
        if (c.ioctl(fd, SIOCGIFFLAGS, req) === 0) {
          req.writeUInt16LE(req.readUInt16LE(16) | IFF_UP, 16);
          ok = c.ioctl(fd, SIOCSIFFLAGS, req) === 0;
        }
        c.close(fd);
      }
      if (!ok) c.umount2(path, 2 /* MNT_DETACH */);
    } finally {
      let back = false;
      for (let i = 0; i < 3 && !back; i++) { c.setns(own, CLONE_NEWNET); back = statSync(THREAD_NETNS).ino === ownIno; }
      if (!back) { log.error('the daemon could not return to its own network namespace after making a pod\'s; stopping'); process.exit(70); }
    }
  } finally {
    closeSync(own);
  }
  return ok;
}

/** Unmount and delete a pinned namespace (absent: nothing to do). */
export async function unpinNetns(path: string): Promise<void> {
  await removeNetns(path);
}

/** At daemon start: unpin every namespace in `dir` that no known pod holds; the paths removed. */
export async function removeStalePins(dir: string, keep: Set<string>): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const f of readdirSync(dir)) {
    const path = join(dir, f);
    if (keep.has(path)) continue;
    try { await unpinNetns(path); removed.push(path); } catch (e) {
      log.warn('removing a stale pod network namespace failed', { path, error: (e as Error).message });
    }
  }
  if (removed.length) log.info('removed stale pod network namespaces', { count: removed.length });
  return removed;
}

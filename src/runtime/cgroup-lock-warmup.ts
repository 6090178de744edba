/**
 * Moving a process into a cgroup (crun writes a container's or exec's pid to cgroup.procs) takes the
 * kernel's global cgroup_threadgroup_rwsem for writing. When no writer held it during the last RCU
 * grace period, the writer first waits for a whole grace period (rcu_sync): 8-16 ms on these hosts,
 * most of a `crun create`. A writer that comes while another writer's grace period runs, or up to a
 * grace period after it, does not wait again.
 *
 * So when a start or exec begins, berth moves its own process into the cgroup it is already in (a
 * no-op move that takes the same lock) on a libuv worker thread: the grace period passes while the
 * network and the rootfs are set up, and crun's move finds it passed. The move changes nothing; if
 * the kernel refuses it once, berth stops trying.
 */
import { closeSync, constants, existsSync, openSync, readFileSync, write } from 'node:fs';
import { join } from 'node:path';
import { log } from '../common/log.js';

const CGROUP_ROOT = '/sys/fs/cgroup';

/**
 * The cgroup.procs file of a cgroup this process is in, from /proc/self/cgroup: a v1 hierarchy
 * (mounted at /sys/fs/cgroup/<controllers>) or the cgroup2 one (/sys/fs/cgroup or .../unified).
 */
export function ownCgroupProcsFile(procSelfCgroup: string, exists: (p: string) => boolean = existsSync): string | null {
  for (const line of procSelfCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):(\/.*)$/.exec(line.trim());
    if (!m) continue;
    const [, , controllers, path] = m;
    const mounts = controllers === ''
      ? [CGROUP_ROOT, join(CGROUP_ROOT, 'unified')]
      : [join(CGROUP_ROOT, controllers.replace(/^name=/, ''))];
    for (const mount of mounts) {
      const file = join(mount, path, 'cgroup.procs');
      if (exists(file)) return file;
    }
  }
  return null;
}

let target: string | null | undefined;
let inFlight: Promise<void> | null = null;
/** cgroup.procs, opened once (close-on-exec): a move is then one write on a worker thread, not open, write, close */
let fd: number | null = null;
const pidBytes = Buffer.from(String(process.pid));

/** Start the no-op move unless one is under way; never throws, never delays the caller. */
export function warmCgroupLock(): void {
  if (inFlight) return;
  if (target === undefined) {
    try { target = ownCgroupProcsFile(readFileSync('/proc/self/cgroup', 'utf8')); } catch { target = null; }
  }
  if (!target) return;
  const file = target;
  inFlight = new Promise<void>((resolve) => {
    const disable = (e: NodeJS.ErrnoException) => {
      target = null;
      if (fd !== null) { try { closeSync(fd); } catch { /* already closed */ } fd = null; }
      log.debug('cgroup lock warm-up disabled', { file, error: e.code ?? e.message });
      resolve();
    };
    try { fd ??= openSync(file, constants.O_WRONLY); } catch (e) { disable(e as NodeJS.ErrnoException); return; }
    write(fd, pidBytes, 0, pidBytes.length, null, (e) => { if (e) disable(e); else resolve(); });
  }).finally(() => { inFlight = null; });
}

/** How often a kept-warm lock is taken again, and for how long at most (a runtime that hangs ends it). */
export const RENEW_MS = 4;
export const MAX_KEEP_MS = 2000;
let keepers = 0;

/**
 * Keep the lock warm until `done` settles: a warm-up now, then another RENEW_MS after each one ends.
 * One warm-up covers a runtime move that comes within about a grace period of its end; an exec's move
 * comes when conmon has started, done its handshake and run crun (15-20 ms on an idle machine, several
 * times that under load), often after that window. A move while the lock is warm waits for nothing, and
 * renewing it then keeps rcu_sync from going idle (a writer inside the window extends it), so the
 * renewals after the first cost a no-op move each, without a grace period.
 */
export function keepCgroupLockWarm(done: Promise<unknown>): void {
  let settled = false;
  const stop = () => { settled = true; };
  done.then(stop, stop);
  const until = Date.now() + MAX_KEEP_MS;
  keepers++;
  const tick = () => {
    if (settled || target === null || Date.now() > until) { keepers--; return; }
    warmCgroupLock();
    const next = () => { setTimeout(tick, RENEW_MS).unref(); };
    if (inFlight) void inFlight.then(next); else next();
  };
  tick();
}

/** Tests: wait for a warm-up under way; report where it writes, and how many keep-warm loops run. */
export function cgroupLockWarmupState(): { target: string | null | undefined; pending: Promise<void> | null; keepers: number } {
  return { target, pending: inFlight, keepers };
}

/**
 * Pinned network namespaces for pod sandboxes (containerd's `netns` pinning): a new namespace
 * bind-mounted on a file under the run root before the pause container exists, so CNI ADD can run
 * while the pause container starts and joins it by path. The bind mount keeps the namespace (and the
 * CNI interfaces in it) alive until it is unpinned, whatever happens to the pause process; a daemon
 * that crashed between pinning and recording the pod finds the file at its next start
 * (removeStalePins).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { run } from '../common/exec.js';
import { SystemError } from '../common/errors.js';
import { log } from '../common/log.js';
import { setLinkUpHere } from './bridge-port.js';
import { removeNetns } from './links.js';
import { inNewNetns, runInNewNetns } from './netns-spawn.js';

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

/**
 * The namespace made, pinned and its loopback up without a process (a spawn forks the whole daemon and
 * `ip` costs milliseconds of CPU per pod): netns-spawn's inNewNetns, with lo set up through a socket
 * made inside it. False, with nothing changed, where this cannot be done.
 */
function pinWithSyscalls(path: string): boolean {
  return inNewNetns(path, () => (setLinkUpHere('lo') ? true : null)) ?? false;
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

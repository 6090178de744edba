/**
 * A container's secrets as files: one small tmpfs per container at `<run-root>/secrets/<id>` (its
 * root 0700, owned by the container's root), filled from the sealed values at each start and bound
 * read-only into the container. The values live only in memory: never in the rootfs (so never in
 * `commit`, `export`, `diff` or a layer), the spec, the environment or the logs. The mount outlives a
 * daemon restart (live restore: a running container keeps its files) and goes with the container.
 *
 * Relative targets are under `/run/secrets`, which is one read-only bind of the tmpfs's `run`
 * directory (so /run/secrets itself is a tmpfs in the container); absolute targets are single-file
 * binds from its `abs` directory.
 */
import { chmodSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SystemError } from '../common/errors.js';
import { run } from '../common/exec.js';
import { log } from '../common/log.js';
import { sysMount, sysUmount } from '../common/mount-syscalls.js';
import type { SpecMount } from '../runtime/spec.js';
import type { UsernsMaps } from '../runtime/userns.js';
import { hostIdsOf } from '../runtime/userns-rootfs.js';
import type { SecretStore } from './secret-store.js';
import { SECRETS_DIR, secretTargetPath, type SecretReference } from './validation.js';

const MS_NOSUID = 0x2, MS_NODEV = 0x4, MS_NOEXEC = 0x8;
const MNT_DETACH = 0x2;

function mountedAt(path: string): boolean {
  try { return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === path); } catch { return false; }
}

export class SecretFiles {
  readonly dir: string;

  constructor(private readonly store: SecretStore, runRoot: string) {
    this.dir = join(runRoot, 'secrets');
    // searchable (a container with its own user namespace binds from inside it) but not listable
    mkdirSync(this.dir, { recursive: true, mode: 0o711 });
    chmodSync(this.dir, 0o711);
  }

  /**
   * The container's mounts with its secrets among them: after the user's mounts (a tmpfs at /run
   * stays under /run/secrets), except those inside /run/secrets (e.g. compose's file secrets), which
   * go on top and get their mount points made in the tmpfs, since it is read-only in the container.
   */
  async arrange(containerId: string, refs: SecretReference[], userMounts: SpecMount[], userns?: UsernsMaps): Promise<SpecMount[]> {
    const inside = userMounts.filter((m) => m.destination.startsWith(SECRETS_DIR + '/'));
    const secretMounts = await this.mountsFor(containerId, refs, userns, inside);
    return [...userMounts.filter((m) => !inside.includes(m)), ...secretMounts, ...inside];
  }

  /**
   * At start: the tmpfs mounted (or emptied, after an earlier run), the files written, and the OCI
   * mounts that put them in the container. `inside`: other mounts under /run/secrets, whose mount
   * points are made here.
   */
  async mountsFor(containerId: string, refs: SecretReference[], userns?: UsernsMaps, inside: SpecMount[] = []): Promise<SpecMount[]> {
    if (!refs.length) return [];
    const base = join(this.dir, containerId);
    const owner = hostIdsOf(userns, 0, 0);
    const values = refs.map((r) => this.store.reveal(r.SecretID ?? r.SecretName));
    try {
      await this.mountTmpfs(base, owner, values.reduce((n, v) => n + v.length, 0) + refs.length * 4096);
      const out: SpecMount[] = [];
      let relative = false;
      refs.forEach((ref, i) => {
        const target = secretTargetPath(ref.File.Name);
        const inDir = target.startsWith(SECRETS_DIR + '/');
        const file = inDir ? join(base, 'run', target.slice(SECRETS_DIR.length + 1)) : join(base, 'abs', String(i));
        for (const d of parents(base, dirname(file))) { mkdirSync(d, { mode: 0o755 }); chownSync(d, owner.uid, owner.gid); }
        const ids = hostIdsOf(userns, Number(ref.File.UID), Number(ref.File.GID));
        writeValue(file, values[i], ref.File.Mode, ids);
        if (inDir) relative = true;
        else out.push({ destination: target, type: 'bind', source: file, options: ['bind', 'ro', 'nosuid', 'nodev', 'noexec', 'rprivate'] });
      });
      for (const m of inside) {
        const point = join(base, 'run', m.destination.slice(SECRETS_DIR.length + 1));
        if (existsSync(point)) continue;
        for (const d of parents(base, dirname(point))) { mkdirSync(d, { mode: 0o755 }); chownSync(d, owner.uid, owner.gid); }
        if (m.type === 'bind' && m.source && !statSync(m.source, { throwIfNoEntry: false })?.isDirectory()) closeSync(openSync(point, 'w', 0o444));
        else mkdirSync(point, { mode: 0o755 });
        relative = true;
      }
      if (relative) out.unshift({ destination: SECRETS_DIR, type: 'bind', source: join(base, 'run'), options: ['rbind', 'ro', 'nosuid', 'nodev', 'noexec', 'rprivate'] });
      return out;
    } catch (e) {
      await this.release(containerId).catch(() => undefined);
      throw e instanceof SystemError ? e : new SystemError(`cannot set up the secrets of container ${containerId.slice(0, 12)}: ${(e as Error).message}`, 'ERR_SECRET_MOUNT', e);
    } finally {
      for (const v of values) v.fill(0);
    }
  }

  /** At removal: the tmpfs unmounted (lazily: a copy of the mount in a dying namespace must not block it) and its directory gone. */
  async release(containerId: string): Promise<void> {
    const base = join(this.dir, containerId);
    if (!existsSync(base)) return; // most containers have no secrets: no read of mountinfo for them
    if (mountedAt(base) && !(await sysUmount(base, MNT_DETACH))) {
      const r = await run('umount', ['-l', base]);
      if (r.code !== 0 && mountedAt(base)) throw new SystemError(`cannot unmount the secrets of container ${containerId.slice(0, 12)}: ${r.stderr.trim()}`, 'ERR_SECRET_MOUNT');
    }
    rmSync(base, { recursive: true, force: true });
  }

  /** At daemon start: the tmpfs of containers that no longer exist (removed while the daemon was down, a crash half way). */
  async removeOrphans(exists: (containerId: string) => boolean): Promise<void> {
    let names: string[] = [];
    try { names = readdirSync(this.dir); } catch { return; }
    for (const n of names) {
      if (exists(n)) continue;
      await this.release(n).catch((e) => log.warn('cannot remove leftover secrets', { container: n.slice(0, 12), error: (e as Error).message }));
    }
  }

  private async mountTmpfs(base: string, owner: { uid: number; gid: number }, bytes: number): Promise<void> {
    mkdirSync(base, { recursive: true, mode: 0o700 });
    if (mountedAt(base)) {
      // an earlier run's files: the values are written again from the store (the secret may differ in a later berth)
      for (const n of readdirSync(base)) rmSync(join(base, n), { recursive: true, force: true });
      chownSync(base, owner.uid, owner.gid);
      return;
    }
    const size = Math.ceil((bytes + 64 * 1024) / 4096) * 4096;
    const data = `mode=0700,uid=${owner.uid},gid=${owner.gid},size=${size}`;
    if (await sysMount('tmpfs', base, 'tmpfs', MS_NOSUID | MS_NODEV | MS_NOEXEC, data)) return;
    const r = await run('mount', ['-t', 'tmpfs', '-o', `nosuid,nodev,noexec,${data}`, 'tmpfs', base]);
    if (r.code !== 0) throw new SystemError(`cannot mount a tmpfs for secrets at ${base}: ${r.stderr.trim()}`, 'ERR_SECRET_MOUNT');
  }
}

/** The directories between `base` (exclusive) and `dir` (inclusive) that do not exist yet, outermost first. */
function parents(base: string, dir: string): string[] {
  const out: string[] = [];
  for (let d = dir; d !== base && d.startsWith(base + '/'); d = dirname(d)) {
    try { readdirSync(d); break; } catch { out.unshift(d); }
  }
  return out;
}

function writeValue(file: string, value: Buffer, mode: number, ids: { uid: number; gid: number }): void {
  const fd = openSync(file, 'wx', 0o600);
  try {
    writeSync(fd, value);
  } finally {
    closeSync(fd);
  }
  chownSync(file, ids.uid, ids.gid);
  chmodSync(file, mode); // after chown: a chown clears set-id bits
}

/**
 * Volumes with Docker's local driver: a directory per volume under
 * <root>/volumes/<name>/_data (or, with -o type/device/o, a mount there),
 * named and anonymous, plus the mount points of every container.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomId } from '../common/digest.js';
import { ConflictError, InvalidArgumentError, NoSuchVolumeError } from '../common/errors.js';
import { run, runOk } from '../common/exec.js';
import type { EnginePaths } from '../common/paths.js';
import type { EventLog } from '../events/events.js';
import type { Db } from '../store/db.js';
import { ensureSchema } from '../store/db.js';
import type { SpecMount } from '../runtime/index.js';
import type { ContainerRecord } from '../record/container-store.js';
import { resolveInRoot } from '../runtime/resolve-in-root.js';
import { checkVolumeName, parseHostMounts, type MountPoint } from './mount-spec.js';

export interface VolumeRecord {
  Name: string; Driver: 'local'; Mountpoint: string; CreatedAt: string;
  Labels: Record<string, string>; Options: Record<string, string>; Scope: 'local';
  anonymous: boolean;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS volumes (name TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS container_mounts (container_id TEXT PRIMARY KEY, body TEXT NOT NULL);
`;

const LOCAL_OPTS = new Set(['type', 'device', 'o', 'size']);

/** Is something mounted exactly here? (mountinfo, since a bind of the same file system keeps st_dev) */
function mountedAt(path: string): boolean {
  try { return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === path); } catch { return false; }
}

export class VolumeManager {
  private readonly dir: string;
  constructor(private readonly db: Db, paths: EnginePaths, private readonly events: EventLog) {
    ensureSchema(db, SCHEMA);
    this.dir = join(paths.root, 'volumes');
    mkdirSync(this.dir, { recursive: true, mode: 0o701 });
  }

  // ---------------------------------------------------------------- volumes

  private all(): VolumeRecord[] {
    return (this.db.prepare('SELECT body FROM volumes').all() as { body: string }[]).map((r) => JSON.parse(r.body));
  }
  private get(name: string): VolumeRecord | undefined {
    const r = this.db.prepare('SELECT body FROM volumes WHERE name = ?').get(name) as { body: string } | undefined;
    return r ? JSON.parse(r.body) : undefined;
  }

  inspect(name: string): any {
    const v = this.get(name);
    if (!v) throw new NoSuchVolumeError(`get ${name}: no such volume`);
    return this.view(v);
  }

  private view(v: VolumeRecord): any {
    const { anonymous: _a, ...rest } = v;
    return { ...rest, Options: Object.keys(v.Options).length ? v.Options : null, Status: undefined };
  }

  async create(body: any): Promise<any> {
    const name = body?.Name || randomId();
    checkVolumeName(name);
    const driver = body?.Driver || 'local';
    if (driver !== 'local') throw new InvalidArgumentError(`error looking up volume plugin ${driver}: plugin "${driver}" not found`, 'ERR_VOLUME_DRIVER');
    const opts: Record<string, string> = body?.DriverOpts ?? {};
    for (const k of Object.keys(opts)) if (!LOCAL_OPTS.has(k)) throw new InvalidArgumentError(`invalid option key: "${k}"`, 'ERR_VOLUME_OPTS');
    if (opts.device && !opts.type) throw new InvalidArgumentError('missing required option: "type"', 'ERR_VOLUME_OPTS');
    if (opts.type && opts.type !== 'tmpfs' && !opts.device) throw new InvalidArgumentError('missing required option: "device"', 'ERR_VOLUME_OPTS');
    const existing = this.get(name);
    if (existing) return this.view(existing); // Docker: creating an existing volume returns it
    const v: VolumeRecord = { Name: name, Driver: 'local', Mountpoint: join(this.dir, name, '_data'), CreatedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      Labels: body?.Labels ?? {}, Options: opts, Scope: 'local', anonymous: !!body?.anonymous };
    mkdirSync(v.Mountpoint, { recursive: true, mode: 0o755 });
    this.db.prepare('INSERT INTO volumes (name, body) VALUES (?, ?)').run(name, JSON.stringify(v));
    this.events.emitEvent('volume', 'create', name, { driver: 'local' });
    return this.view(v);
  }

  list(filters: Record<string, string[]> = {}): any {
    const used = this.usedNames();
    const vols = this.all().filter((v) => {
      const f = (k: string, ok: (x: string) => boolean) => !filters[k]?.length || filters[k].some(ok);
      return f('name', (x) => v.Name.includes(x)) && f('driver', (x) => x === v.Driver)
        && f('dangling', (x) => (x === 'true' || x === '1') === !used.has(v.Name))
        && f('label', (x) => { const i = x.indexOf('='); return i < 0 ? x in v.Labels : v.Labels[x.slice(0, i)] === x.slice(i + 1); });
    });
    return { Volumes: vols.map((v) => this.view(v)), Warnings: [] };
  }

  /** Every volume with the number of containers (running or not) that mount it, for system df. */
  withRefCounts(): Array<{ volume: any; refCount: number }> {
    const counts = new Map<string, number>();
    for (const r of this.db.prepare('SELECT body FROM container_mounts').all() as { body: string }[]) {
      for (const name of new Set((JSON.parse(r.body) as MountPoint[]).filter((m) => m.Type === 'volume').map((m) => m.Name))) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return this.all().map((v) => ({ volume: this.view(v), refCount: counts.get(v.Name) ?? 0 }));
  }

  private usedBy(name: string): string[] {
    const out: string[] = [];
    for (const r of this.db.prepare('SELECT container_id, body FROM container_mounts').all() as { container_id: string; body: string }[]) {
      if ((JSON.parse(r.body) as MountPoint[]).some((m) => m.Type === 'volume' && m.Name === name)) out.push(r.container_id);
    }
    return out;
  }

  private usedNames(): Set<string> {
    const s = new Set<string>();
    for (const r of this.db.prepare('SELECT body FROM container_mounts').all() as { body: string }[]) for (const m of JSON.parse(r.body) as MountPoint[]) if (m.Type === 'volume') s.add(m.Name);
    return s;
  }

  async remove(name: string, force = false): Promise<void> {
    const v = this.get(name);
    if (!v) { if (force) return; throw new NoSuchVolumeError(`get ${name}: no such volume`); }
    const users = this.usedBy(name);
    if (users.length) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(', ')}]`, 'ERR_VOLUME_IN_USE');
    if (mountedAt(v.Mountpoint)) await runOk('umount', [v.Mountpoint]);
    this.db.prepare('DELETE FROM volumes WHERE name = ?').run(name);
    await rm(join(this.dir, name), { recursive: true, force: true });
    this.events.emitEvent('volume', 'destroy', name, { driver: 'local' });
  }

  async prune(filters: Record<string, string[]> = {}): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
    const all = (filters.all ?? []).some((x) => x === 'true' || x === '1');
    const used = this.usedNames();
    const deleted: string[] = [];
    let space = 0;
    for (const v of this.all()) {
      if (used.has(v.Name) || (!all && !v.anonymous)) continue;
      const labels = filters.label ?? [];
      if (!labels.every((x) => { const i = x.indexOf('='); return i < 0 ? x in v.Labels : v.Labels[x.slice(0, i)] === x.slice(i + 1); })) continue;
      const size = Number((await run('du', ['-sb', v.Mountpoint])).stdout.split('\t')[0]) || 0;
      await this.remove(v.Name);
      deleted.push(v.Name);
      space += size;
    }
    // dockerd's prune event: no Actor ID, the bytes reclaimed
    this.events.emitEvent('volume', 'prune', '', { reclaimed: String(space) });
    return { VolumesDeleted: deleted, SpaceReclaimed: space };
  }

  // ---------------------------------------------------------------- containers

  validate(hc: any): void {
    // as Docker: a missing --mount type=bind source fails the create (start checks again: it may vanish in between)
    for (const m of parseHostMounts(hc)) {
      if (m.Type === 'bind' && !m.createSource && !existsSync(m.Source)) throw missingBindSource(m.Source);
    }
    for (const f of (hc.VolumesFrom ?? []) as string[]) if (!/^[^:]+(:(ro|rw))?$/.test(f)) throw new InvalidArgumentError(`invalid mode for volumes-from: ${f}`, 'ERR_MOUNT_SPEC');
  }

  private mountsOf(containerId: string): MountPoint[] {
    const r = this.db.prepare('SELECT body FROM container_mounts WHERE container_id = ?').get(containerId) as { body: string } | undefined;
    return r ? JSON.parse(r.body) : [];
  }

  /**
   * At container create: the container's mount points, with --volumes-from and
   * the image's VOLUMEs, and the volumes they need created (all or none).
   */
  async prepare(containerId: string, hc: any, config: any, resolveContainer: (ref: string) => ContainerRecord): Promise<void> {
    const mps = parseHostMounts(hc);
    const has = (dst: string) => mps.some((m) => m.Destination === dst);
    for (const f of (hc.VolumesFrom ?? []) as string[]) {
      const [ref, mode] = f.split(':');
      const other = resolveContainer(ref);
      for (const m of this.mountsOf(other.id)) {
        if (m.Type === 'tmpfs' || has(m.Destination)) continue;
        mps.push({ ...m, RW: mode === 'ro' ? false : mode === 'rw' ? true : m.RW, anonymous: false });
      }
    }
    for (const dst of Object.keys(config?.Volumes ?? {})) {
      const d = dst.replace(/(.)\/+$/, '$1');
      if (!has(d)) mps.push({ Type: 'volume', Name: '', Source: '', Destination: d, Mode: '', RW: true, Propagation: '', noCopy: false, createSource: false, anonymous: true, tmpfsOptions: [] });
    }
    const created: string[] = [];
    try {
      for (const m of mps) {
        if (m.Type !== 'volume') continue;
        if (!m.Name) m.Name = randomId();
        if (!this.get(m.Name)) {
          await this.create({ Name: m.Name, Labels: m.anonymous ? { 'com.docker.volume.anonymous': '' , ...(m.volumeLabels ?? {}) } : m.volumeLabels, DriverOpts: m.volumeOptions, anonymous: m.anonymous });
          created.push(m.Name);
        }
        m.Source = this.get(m.Name)!.Mountpoint;
      }
      this.db.prepare('INSERT OR REPLACE INTO container_mounts (container_id, body) VALUES (?, ?)').run(containerId, JSON.stringify(mps));
    } catch (e) {
      for (const n of created) await this.remove(n, true).catch(() => undefined);
      throw e;
    }
  }

  /** At container start: OCI mounts; an empty volume is first filled from the image (copy-up). */
  async mountsFor(rec: ContainerRecord, rootfs: string, owner?: { uid: number; gid: number }): Promise<SpecMount[]> {
    const out: SpecMount[] = [];
    const mps = [...this.mountsOf(rec.id)].sort((a, b) => a.Destination.split('/').length - b.Destination.split('/').length);
    for (const m of mps) {
      if (m.Type === 'tmpfs') { out.push({ destination: m.Destination, type: 'tmpfs', source: 'tmpfs', options: [...m.tmpfsOptions, ...(m.RW ? [] : ['ro'])] }); continue; }
      if (m.Type === 'bind') {
        if (!existsSync(m.Source)) {
          if (!m.createSource) throw missingBindSource(m.Source);
          mkdirSync(m.Source, { recursive: true, mode: 0o755 });
        }
        if (m.chown && owner) await chownTree(m.Source, owner);
        out.push({ destination: m.Destination, type: 'bind', source: m.Source, options: ['rbind', m.RW ? 'rw' : 'ro', m.Propagation || 'rprivate'] });
        continue;
      }
      const v = this.get(m.Name);
      if (!v) throw new NoSuchVolumeError(`volume ${m.Name} not found`);
      await this.mountBacking(v);
      if (!m.noCopy) await copyUp(rootfs, m.Destination, v.Mountpoint);
      if (m.chown && owner) await chownTree(v.Mountpoint, owner);
      out.push({ destination: m.Destination, type: 'bind', source: v.Mountpoint, options: ['rbind', m.RW ? 'rw' : 'ro', 'rprivate'] });
      this.events.emitEvent('volume', 'mount', v.Name, { container: rec.id, destination: m.Destination, driver: 'local', propagation: m.Propagation, 'read/write': String(m.RW) });
    }
    return out;
  }

  /** A container stopped: dockerd's `unmount` event for each volume it had mounted. */
  noteUnmounted(containerId: string): void {
    for (const m of this.mountsOf(containerId)) {
      if (m.Type === 'volume') this.events.emitEvent('volume', 'unmount', m.Name, { container: containerId, driver: 'local' });
    }
  }

  /** -o type/device/o: mount the backing file system on the volume's directory (once). */
  private async mountBacking(v: VolumeRecord): Promise<void> {
    const o = v.Options;
    if (!o.type || mountedAt(v.Mountpoint)) return;
    const args = ['-t', o.type];
    const opts = [o.o, o.size ? `size=${o.size}` : ''].filter(Boolean).join(',');
    if (opts) args.push('-o', opts);
    args.push(o.type === 'tmpfs' && !o.device ? 'tmpfs' : o.device, v.Mountpoint);
    if (o.type === 'none') args.splice(0, 2); // a bind mount: -o bind does the work
    await runOk('mount', args);
  }

  /** At container removal; anonymous volumes go with -v (and --rm). */
  async release(containerId: string, removeAnonymous: boolean): Promise<void> {
    const mps = this.mountsOf(containerId);
    this.db.prepare('DELETE FROM container_mounts WHERE container_id = ?').run(containerId);
    if (!removeAnonymous) return;
    for (const m of mps) {
      if (m.Type !== 'volume' || !m.anonymous) continue;
      if (this.usedBy(m.Name).length) continue;
      await this.remove(m.Name, true);
    }
  }

  /**
   * Docker's MountPoint list of inspect and ps (Docker keeps --tmpfs out of it; --mount type=tmpfs is in).
   * `all` keeps --tmpfs too: cp must know every mount of the container's file tree.
   */
  mountPoints(containerId: string, opts: { all?: boolean } = {}): any[] {
    return mountPointViews(this.mountsOf(containerId), opts);
  }

  /** mountPoints for many containers (ps) from one read of the table instead of one query each. */
  listMountPoints(): (containerId: string) => any[] {
    const rows = this.db.prepare('SELECT container_id, body FROM container_mounts').all() as { container_id: string; body: string }[];
    const bodies = new Map(rows.map((r) => [r.container_id, r.body]));
    return (containerId) => { const b = bodies.get(containerId); return mountPointViews(b ? JSON.parse(b) : []); };
  }
}

function mountPointViews(mounts: MountPoint[], opts: { all?: boolean } = {}): any[] {
  return mounts.filter((m) => opts.all || !m.tmpfsFlag).map((m) => ({
    Type: m.Type, ...(m.Type === 'volume' ? { Name: m.Name } : {}), Source: m.Type === 'tmpfs' ? '' : m.Source, Destination: m.Destination,
    ...(m.Type === 'volume' ? { Driver: 'local' } : {}), Mode: m.Mode, RW: m.RW, Propagation: m.Type === 'bind' ? m.Propagation : '',
  }));
}

/** Docker fills an empty volume from the image's content at the mount path. */
async function copyUp(rootfs: string, dst: string, volumeDir: string): Promise<void> {
  if (readdirSync(volumeDir).length) return;
  let src: string;
  try { src = resolveInRoot(rootfs, dst); } catch { return; }
  try { if (!statSync(src).isDirectory() || readdirSync(src).length === 0) return; } catch { return; }
  await runOk('cp', ['-a', '--', `${src}/.`, volumeDir]);
}

function missingBindSource(source: string): InvalidArgumentError {
  return new InvalidArgumentError(`invalid mount config for type "bind": bind source path does not exist: ${source}`, 'ERR_MOUNT_SOURCE');
}

/**
 * `:U`: the tree becomes the container user's (the mapped ids with --userns; in a rootless engine the
 * namespace's ids, i.e. the user's own uid for container root and subordinate ids for the others).
 * chown(1) -R -h: symlinks are changed themselves, never followed out of the tree.
 */
async function chownTree(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  await runOk('chown', ['-R', '-h', `${owner.uid}:${owner.gid}`, '--', dir]);
}

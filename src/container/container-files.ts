/** The container's file tree: `export`, `cp` (archive), `commit` and `diff` (changes). */
import { posix } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { InvalidArgumentError, NotFoundError, NotSupportedError } from '../common/errors.js';
import type { ContainerRecord } from '../record/container-store.js';
import { etcFilePaths } from '../record/etc-files.js';
import { normalizeMounts, resolveMounted, type MountedPath, type PathMount } from '../record/mounted-path.js';
import { containerIds, containerLayerTar, hostIds, rootfsTar } from '../runtime/userns-tar.js';
import { mergeImageConfig } from './config-merge.js';
import { extractIntoContainer, packPath, statContainerPath, type ContainerFs, type ContainerPathStat } from './container-archive.js';
import type { ContainerContext } from './context.js';
import { withoutEngineMountpoints } from './engine-mountpoints.js';
import { userMounts } from './spec-input.js';
import { mountRootfs } from './tasks.js';

export interface CommitOptions { repo?: string; tag?: string; comment?: string; author?: string; changes?: string[]; pause?: boolean; config?: any }

export async function changes(ctx: ContainerContext, idOrName: string): Promise<{ Path: string; Kind: number }[]> {
  const rec = ctx.resolve(idOrName);
  return withoutEngineMountpoints(await ctx.deps.snapshots.changes(rec.id));
}

/** Mount the rootfs for a file operation even when the container is stopped; returns the release. */
async function withRootfs(ctx: ContainerContext, rec: ContainerRecord): Promise<{ root: string; release: () => Promise<void> }> {
  ctx.tempMounts.set(rec.id, (ctx.tempMounts.get(rec.id) ?? 0) + 1);
  let root: string;
  try {
    root = await mountRootfs(ctx, rec.id); // the same (idmapped) rootfs as when running: a later start reuses the mount
  } catch (e) { await releaseRootfs(ctx, rec.id); throw e; }
  let released = false;
  return { root, release: async () => { if (!released) { released = true; await releaseRootfs(ctx, rec.id); } } };
}

async function releaseRootfs(ctx: ContainerContext, id: string): Promise<void> {
  const n = (ctx.tempMounts.get(id) ?? 1) - 1;
  if (n > 0) { ctx.tempMounts.set(id, n); return; }
  ctx.tempMounts.delete(id);
  const cur = ctx.store.get(id);
  if (cur && !cur.state.Running) await ctx.deps.snapshots.unmount(id).catch(() => undefined);
}

export async function exportContainer(ctx: ContainerContext, idOrName: string): Promise<Readable> {
  const rec = ctx.resolve(idOrName);
  const { root, release } = await withRootfs(ctx, rec);
  const { tarDirectory } = await import('../snapshot/tar-pack.js');
  const maps = ctx.userns.mapsOf(rec.id);
  const tar = maps ? rootfsTar(root, maps) : tarDirectory(root);
  const out = new PassThrough();
  tar.on('error', (e) => out.destroy(e));
  out.on('close', () => void release());
  tar.on('end', () => void release());
  tar.pipe(out);
  ctx.emit(rec, 'export');
  return out;
}

/**
 * The container's file tree for docker cp: the rootfs with its mounts resolved as in the
 * container (as dockerd mounts the volumes for the copy). A tmpfs has data only while the
 * container runs: it is read through the container's root then, and absent otherwise.
 */
function containerFs(ctx: ContainerContext, rec: ContainerRecord, root: string): ContainerFs {
  const cur = ctx.store.get(rec.id) ?? rec;
  const pid = cur.state.Running && !cur.state.Restarting ? cur.state.Pid : 0;
  const etc = etcFilePaths(ctx.containerDir(rec.id));
  const mounts: PathMount[] = [];
  const user = ctx.deps.volumes
    ? ctx.deps.volumes.mountPoints(rec.id, { all: true }).map((m) => ({ type: m.Type as string, destination: m.Destination as string, source: m.Source as string, rw: !!m.RW }))
    : userMounts(rec.hostConfig).map((m) => ({ type: m.type ?? 'bind', destination: m.destination, source: m.source ?? '', rw: !m.options?.includes('ro') }));
  for (const m of user) {
    if (m.type === 'tmpfs') { if (pid) mounts.push({ destination: m.destination, source: `/proc/${pid}/root${m.destination}`, rw: m.rw, user: true, tmpfs: true }); continue; }
    mounts.push({ destination: m.destination, source: m.source, rw: m.rw, user: true });
  }
  // the engine's /etc files, unless a user mount replaces them (as at start)
  for (const [destination, source] of [['/etc/resolv.conf', etc.resolvConf], ['/etc/hostname', etc.hostname], ['/etc/hosts', etc.hosts]]) {
    if (!mounts.some((m) => m.destination === destination)) mounts.push({ destination, source, rw: true, user: false });
  }
  return { root, mounts: normalizeMounts(root, mounts) };
}

export async function archiveStat(ctx: ContainerContext, idOrName: string, path: string): Promise<ContainerPathStat> {
  const rec = ctx.resolve(idOrName);
  const { root, release } = await withRootfs(ctx, rec);
  try { return (await statContainerPath(containerFs(ctx, rec, root), path)).stat; } catch (e) { throw namedPathError(e, idOrName); } finally { await release(); }
}

export async function archiveGet(ctx: ContainerContext, idOrName: string, path: string): Promise<{ stat: ContainerPathStat; tar: Readable }> {
  const rec = ctx.resolve(idOrName);
  const { root, release } = await withRootfs(ctx, rec);
  try {
    const fs = containerFs(ctx, rec, root);
    const { stat, st, resolved } = await statContainerPath(fs, path);
    // a trailing "/" or "/." copies what a symlink points to, like Docker
    const follow = st.isSymbolicLink() && /\/\.?$/.test(path);
    const source = follow ? resolveMounted(root, fs.mounts, posix.resolve('/', path), true) : resolved;
    const name = /\/\.$/.test(path) ? '.' : stat.name;
    const maps = ctx.userns.mapsOf(rec.id);
    const tar = packPath(source.hostPath, name === '/' ? '.' : name, { containerPath: source.containerPath, mounts: fs.mounts }, maps && containerIds(maps));
    const out = new PassThrough();
    tar.on('error', (e) => { out.destroy(e); void release(); });
    tar.on('end', () => void release());
    out.on('close', () => void release());
    tar.pipe(out);
    ctx.emit(rec, 'archive-path');
    return { stat, tar: out };
  } catch (e) {
    await release();
    throw namedPathError(e, idOrName);
  }
}

export async function archivePut(ctx: ContainerContext, idOrName: string, path: string, tar: Readable, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<void> {
  const rec = ctx.resolve(idOrName);
  const { root, release } = await withRootfs(ctx, rec);
  const maps = ctx.userns.mapsOf(rec.id);
  // Docker's rules: a read-only mount refuses the copy; outside the user mounts, so does a read-only rootfs
  const check = (target: MountedPath) => {
    // the unpacker resolves its target with realpath, which leaves the container's mount namespace
    if (target.mount?.tmpfs) throw new NotSupportedError(`copying into the tmpfs mount ${target.mount.destination} of a running container is not supported; use docker exec (e.g. tar -x) instead`, 'ERR_CP_TMPFS');
    if (target.mount?.user) { if (!target.mount.rw) throw new InvalidArgumentError('mounted volume is marked read-only', 'ERR_READONLY_VOLUME'); return; }
    if (rec.hostConfig.ReadonlyRootfs) throw new InvalidArgumentError('container rootfs is marked read-only', 'ERR_READONLY_ROOTFS');
  };
  try { await extractIntoContainer(containerFs(ctx, rec, root), path, tar, { ...opts, check, spoolDir: ctx.deps.paths.tmp, ids: maps && hostIds(maps) }); } catch (e) { throw namedPathError(e, idOrName); } finally { await release(); }
  ctx.emit(rec, 'extract-to-dir');
}

export async function commit(ctx: ContainerContext, idOrName: string, opts: CommitOptions = {}): Promise<{ Id: string }> {
  const rec = ctx.resolve(idOrName);
  const image = ctx.deps.images.tryResolve(rec.imageId) ?? null;
  const pauseIt = opts.pause !== false && rec.state.Running && !rec.state.Paused;
  const rt = ctx.runtimeFor(rec);
  if (pauseIt) await rt.pause(rec.id);
  try {
    let config = imageConfigFrom(rec.config);
    if (opts.config && typeof opts.config === 'object') config = mergeImageConfig({ ...config, ...stripEmpty(opts.config) }, {});
    if (opts.changes?.length) {
      const { applyChanges } = await import('../image/import-export.js');
      config = applyChanges(config, opts.changes);
    }
    const tags = opts.repo ? [`${opts.repo}:${opts.tag || 'latest'}`] : [];
    const created = await ctx.deps.images.createImage({
      parent: image,
      layerTar: containerLayerTar(ctx.deps.snapshots, rec.id, ctx.userns.mapsOf(rec.id)),
      config,
      history: { created_by: [rec.path, ...rec.args].join(' '), comment: opts.comment || undefined, author: opts.author || undefined },
      tags,
    });
    ctx.emit(rec, 'commit', { comment: opts.comment ?? '', imageID: created.id, imageRef: tags[0] ?? '' });
    return { Id: created.id };
  } finally {
    if (pauseIt) await rt.resume(rec.id).catch(() => undefined);
  }
}

function stripEmpty(o: any): any {
  const out: any = {};
  for (const [k, v] of Object.entries(o ?? {})) if (v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0)) out[k] = v;
  return out;
}

/** The image config of a commit: the container's config without the per-container fields. */
function imageConfigFrom(c: any): any {
  const out: any = {};
  for (const k of ['User', 'ExposedPorts', 'Env', 'Cmd', 'Healthcheck', 'ArgsEscaped', 'Volumes', 'WorkingDir', 'Entrypoint', 'OnBuild', 'Labels', 'StopSignal', 'StopTimeout', 'Shell']) {
    if (c[k] !== undefined && c[k] !== null) out[k] = c[k];
  }
  return out;
}

/** Docker names the container in "Could not find the file /x in container NAME". */
function namedPathError(e: unknown, name: string): unknown {
  if (e instanceof NotFoundError && e.code === 'ERR_PATH_NOT_FOUND') return new NotFoundError(`${e.message} ${name}`, e.code);
  return e;
}

import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hostname as osHostname } from 'node:os';
import { randomId } from '../common/digest.js';
import { ConflictError, InvalidArgumentError, NotSupportedError } from '../common/errors.js';
import { nowRfc3339Nano } from '../common/human-time.js';
import type { ImageRecord } from '../image/image-store.js';
import { normalizeImageRef } from '../image/reference.js';
import { initialState, nameConflict, type ContainerRecord, type InternalCreateOptions } from '../record/container-store.js';
import { writeEtcFiles } from '../record/etc-files.js';
import { warmCgroupLock } from '../runtime/cgroup-lock-warmup.js';
import { commandOf, completeConfig, completeHostConfig, mergeImageConfig } from './config-merge.js';
import type { ContainerContext } from './context.js';
import { checkControls } from './create-checks.js';
import { logsToFile, mergeLogConfig } from './log-config.js';
import { normalizeContainerName, randomContainerName } from './names.js';
import { userMounts } from './spec-input.js';
import { referencesOf } from '../secret/validation.js';

/** `docker create`: checks the config, then makes the record, the snapshot, the container dir and its /etc files. */
export async function createContainer(ctx: ContainerContext, body: any, name?: string, internal: InternalCreateOptions = {}): Promise<{ Id: string; Warnings: string[] }> {
  if (!body || typeof body !== 'object') throw new InvalidArgumentError('config cannot be empty in order to create a container');
  if (!body.Image) throw new InvalidArgumentError('no image specified', 'ERR_NO_IMAGE');
  const warnings: string[] = [];
  const finalName = pickName(ctx, name);
  // a start usually follows (docker run): let the kernel's cgroup-move grace period pass meanwhile
  warmCgroupLock();
  // held from here to the insert: concurrent creates must never pick the same name
  ctx.reservedNames.add(finalName);
  try {
    return await createNamed(ctx, body, finalName, warnings, internal);
  } finally {
    ctx.reservedNames.delete(finalName);
  }
}

async function createNamed(ctx: ContainerContext, body: any, finalName: string, warnings: string[], internal: InternalCreateOptions): Promise<{ Id: string; Warnings: string[] }> {
  const { deps } = ctx;
  const image = await resolveImage(ctx, String(body.Image));
  await deps.admitImage?.(String(body.Image), image);
  const hc = { ...(body.HostConfig ?? {}) };
  hc.LogConfig = mergeLogConfig(hc.LogConfig, deps.defaultLogConfig);
  const netPlan = deps.networks?.planForCreate(hc, body.NetworkingConfig);
  const networkMode = netPlan ? netPlan.mode : networkModeOf(hc);
  if (internal.netnsPath && networkMode !== 'none') throw new InvalidArgumentError(`joining a network namespace by path needs network mode none, not ${networkMode}`);
  if (!netPlan && hc.PortBindings && Object.keys(hc.PortBindings).length) {
    throw new NotSupportedError('publishing ports needs bridge networking, which is not supported yet; use --network host');
  }
  if (deps.volumes) deps.volumes.validate(hc); else userMounts(hc); // validate binds/mounts now, not at start
  warnings.push(...checkControls(body, hc));
  // berth's secrets: each reference tied to its secret now (an unknown one fails the create, as Docker's CLI does)
  const secretRefs = referencesOf(hc);
  if (secretRefs.length && !deps.secrets) throw new NotSupportedError('secrets are not available in this engine', 'ERR_NOT_SUPPORTED');
  if (secretRefs.length) hc.BerthSecrets = secretRefs.map((r) => deps.secrets!.store.bind(r));
  else delete hc.BerthSecrets;
  const runtimeName = hc.Runtime && hc.Runtime !== 'runc' && hc.Runtime !== 'crun' ? hc.Runtime : (hc.Runtime === 'runc' || hc.Runtime === 'crun' ? hc.Runtime : deps.defaultRuntime);
  if (!deps.runtimes[runtimeName]) throw new InvalidArgumentError(`unknown or invalid runtime name: ${runtimeName}`);

  let id = randomId();
  while (/^\d+$/.test(id.slice(0, 12))) id = randomId(); // Docker avoids all-digit short ids
  const { Image: _img, HostConfig: _hc, NetworkingConfig: _nc, ...userConfig } = body;
  const merged = mergeImageConfig(userConfig, image.config?.config ?? image.config?.Config ?? {});
  const { path, args } = commandOf(merged);
  const hostname = networkMode === 'host' && !merged.Hostname ? osHostname() : (merged.Hostname || id.slice(0, 12));
  const config = completeConfig(merged, hostname, String(body.Image));
  const hostConfig = completeHostConfig(hc, networkMode);
  hostConfig.Runtime = runtimeName;
  if (deps.networks) hostConfig.Links = deps.networks.planLinks(hc.Links, networkMode, finalName);
  else if (hc.Links?.length) throw new NotSupportedError('links need bridge networking, which this engine has not set up', 'ERR_LINK');

  const rec: ContainerRecord = {
    id, name: finalName, imageId: image.id, imageRef: String(body.Image), created: nowRfc3339Nano(),
    path, args, config, hostConfig, state: initialState(), restartCount: 0, runtime: runtimeName,
    conmonPid: 0, manuallyStopped: false, ...(internal.netnsPath ? { netnsPath: internal.netnsPath } : {}),
  };
  const dir = ctx.containerDir(id);
  let snapshotCreated = false;
  ctx.userns.reserve(id, hostConfig); // throws before anything exists
  try {
    await deps.snapshots.create(id, image.topChainId);
    snapshotCreated = true;
    await mkdir(dir, { recursive: true, mode: 0o710 });
    // there from the start, so a `logs -f` reader can hold it open across the container's removal
    if (logsToFile(hostConfig)) {
      const logFile = ctx.jsonLogFiles(id, hostConfig).jsonPath;
      await mkdir(dirname(logFile), { recursive: true });
      await writeFile(logFile, '', { mode: 0o640, flag: 'a' });
    }
    await writeEtcFiles(dir, hostname, networkMode, hostConfig);
    await deps.volumes?.prepare(id, hostConfig, config, (ref) => ctx.resolve(ref));
    ctx.store.insert(rec);
    if (netPlan) deps.networks!.commitCreate(id, netPlan.endpoints);
  } catch (e) {
    ctx.userns.release(id);
    await deps.volumes?.release(id, true).catch(() => undefined);
    if (snapshotCreated) await deps.snapshots.remove(id).catch(() => undefined);
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    throw e;
  }
  ctx.emit(rec, 'create');
  return { Id: id, Warnings: warnings };
}

function pickName(ctx: ContainerContext, name?: string): string {
  if (name) {
    const n = normalizeContainerName(name);
    const clash = ctx.store.byName(n);
    if (clash) throw nameConflict(n, clash.id);
    if (ctx.reservedNames.has(n)) throw new ConflictError(`Conflict. The container name "${n}" is already in use by a container being created. You have to remove (or rename) that container to be able to reuse that name.`, 'ERR_NAME_CONFLICT');
    return n;
  }
  for (let i = 0; i < 20; i++) {
    const n = randomContainerName(i);
    if (!ctx.store.byName(n) && !ctx.reservedNames.has(n)) return n;
  }
  return `${randomContainerName(1)}_${randomId().slice(0, 6)}`;
}

async function resolveImage(ctx: ContainerContext, ref: string): Promise<ImageRecord> {
  const found = ctx.deps.images.tryResolve(ref);
  if (found) return found;
  let normalized = '';
  try { normalized = normalizeImageRef(ref); } catch { /* not a reference: an id that is missing */ }
  if (normalized === 'docker.io/library/busybox:latest') {
    const { bootstrapImage } = await import('../image/bootstrap.js');
    return bootstrapImage(ctx.deps.images, 'busybox');
  }
  return ctx.deps.images.resolve(ref); // throws Docker's `No such image: X`
}

/**
 * Without a network manager only two modes exist: the default (empty or 'default') is `none`
 * (loopback only); an explicit bridge or user network is refused rather than silently downgraded.
 */
function networkModeOf(hc: any): 'none' | 'host' {
  const mode = hc.NetworkMode ?? '';
  if (mode === '' || mode === 'default' || mode === 'none') return 'none';
  if (mode === 'host') return 'host';
  if (mode === 'bridge') throw new NotSupportedError('bridge networking is not supported yet; use --network none or host', 'ERR_NETWORK_NOT_SUPPORTED');
  if (mode.startsWith('container:')) throw new NotSupportedError('--network container:<id> is not supported yet; use --network none or host', 'ERR_NETWORK_NOT_SUPPORTED');
  throw new NotSupportedError(`network ${mode} is not supported yet; use --network none or host`, 'ERR_NETWORK_NOT_SUPPORTED');
}

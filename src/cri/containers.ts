/**
 * CRI containers: engine containers that join their pod's pause container (network, IPC, UTS, and PID
 * when the pod shares it), made from a ContainerConfig with all of LinuxContainerConfig translated into
 * the engine's create body, so they run through the same runtime path as `berth run`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError, NotSupportedError } from '../common/errors.js';
import { PhaseTimer } from '../common/log.js';
import { NAMESPACE_LABEL } from '../container/namespaces.js';
import type { ContainerSpec } from '../engine/public-types.js';
import { CRI_NAMESPACE } from './context.js';
import type { ContainerEntry, CriStore, SandboxEntry } from './cri-store.js';
import type { CriLogs } from './cri-log.js';
import { KIND_LABEL, SANDBOX_ID_LABEL, type SandboxManager } from './sandboxes.js';
import { nowNanos, resolveId, rfc3339ToNanos, sanitizeName } from './util.js';
import type { CriContext } from './context.js';

export interface ContainerDeps extends CriContext { store: CriStore; sandboxes: SandboxManager; logs: CriLogs }

const PROPAGATION: Record<string, string> = { PROPAGATION_PRIVATE: 'rprivate', PROPAGATION_HOST_TO_CONTAINER: 'rslave', PROPAGATION_BIDIRECTIONAL: 'rshared' };

function apparmorEnabled(): boolean {
  try { return readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y'; } catch { return false; }
}

/** CRI seccomp (the SecurityProfile, or the deprecated path string) as an engine --security-opt. */
function seccompOpt(sc: any, legacy: string | undefined): string | undefined {
  if (sc && (sc.profile_type !== 'RuntimeDefault' || sc.localhost_ref)) {
    if (sc.profile_type === 'Unconfined') return 'seccomp=unconfined';
    if (sc.profile_type === 'Localhost') return `seccomp=${readProfile(sc.localhost_ref)}`;
  }
  if (legacy) {
    if (legacy === 'unconfined') return 'seccomp=unconfined';
    if (legacy === 'runtime/default' || legacy === 'docker/default') return undefined;
    if (legacy.startsWith('localhost/')) return `seccomp=${readProfile(legacy.slice(10))}`;
    throw new InvalidArgumentError(`unknown seccomp profile ${JSON.stringify(legacy)}`, 'ERR_CRI_INVALID');
  }
  // RuntimeDefault (the CRI's default value): the engine's default profile; a privileged container runs without one anyway
  return undefined;
}

function readProfile(path: string | undefined): string {
  if (!path || !path.startsWith('/')) throw new InvalidArgumentError(`a Localhost seccomp profile needs an absolute localhost_ref, got ${JSON.stringify(path ?? '')}`, 'ERR_CRI_INVALID');
  try { return readFileSync(path, 'utf8'); } catch (e) { throw new InvalidArgumentError(`cannot read seccomp profile ${path}: ${(e as Error).message}`, 'ERR_CRI_INVALID'); }
}

function checkApparmor(aa: any, legacy: string | undefined): void {
  const localhost = (aa && aa.profile_type === 'Localhost') || (legacy && legacy.startsWith('localhost/'));
  // as containerd: without AppArmor on the host, RuntimeDefault/Unconfined mean nothing; a named profile cannot be honoured
  if (localhost && !apparmorEnabled()) throw new NotSupportedError('AppArmor is not enabled on this host: a Localhost AppArmor profile cannot be applied', 'ERR_NOT_SUPPORTED');
  if (localhost) throw new NotSupportedError('Localhost AppArmor profiles are not supported by berth yet', 'ERR_NOT_SUPPORTED');
}

function int(v: unknown): number { return v === undefined || v === null || v === '' ? 0 : Number(v); }

/** LinuxContainerResources as HostConfig fields (also for UpdateContainerResources). */
export function resourcesOf(r: any): Record<string, unknown> {
  if (!r) return {};
  if (r.hugepage_limits?.length) throw new NotSupportedError('hugepage limits are not supported by berth\'s CRI yet', 'ERR_NOT_SUPPORTED');
  if (r.unified && Object.keys(r.unified).length) throw new NotSupportedError('unified (cgroup v2) resources are not supported on this host\'s cgroup v1 hierarchy', 'ERR_NOT_SUPPORTED');
  const out: Record<string, unknown> = {};
  if (int(r.cpu_period)) out.CpuPeriod = int(r.cpu_period);
  if (int(r.cpu_quota)) out.CpuQuota = int(r.cpu_quota);
  if (int(r.cpu_shares)) out.CpuShares = int(r.cpu_shares);
  if (int(r.memory_limit_in_bytes)) out.Memory = int(r.memory_limit_in_bytes);
  if (int(r.memory_swap_limit_in_bytes)) out.MemorySwap = int(r.memory_swap_limit_in_bytes);
  if (r.cpuset_cpus) out.CpusetCpus = r.cpuset_cpus;
  if (r.cpuset_mems) out.CpusetMems = r.cpuset_mems;
  return out;
}

function userOf(sec: any): string | undefined {
  const uid = sec.run_as_user ? String(sec.run_as_user.value) : '';
  const name = sec.run_as_username || '';
  if (uid && name) throw new InvalidArgumentError('run_as_user and run_as_username cannot both be set', 'ERR_CRI_INVALID');
  const gid = sec.run_as_group ? String(sec.run_as_group.value) : '';
  if (gid && !uid && !name) throw new InvalidArgumentError('run_as_group is set without run_as_user or run_as_username', 'ERR_CRI_INVALID');
  const who = uid || name;
  if (!who) return undefined;
  return gid ? `${who}:${gid}` : who;
}

function containerName(md: any, pod: any): string {
  return sanitizeName(`k8s_${md.name}_${pod.name}_${pod.namespace}_${pod.uid}_${md.attempt ?? 0}`);
}

export class ContainerService {
  constructor(private readonly d: ContainerDeps) {}

  get(idOrPrefix: string): ContainerEntry {
    if (!idOrPrefix) throw new InvalidArgumentError('container_id is required', 'ERR_CRI_INVALID');
    const id = resolveId(this.d.store.containers.items, idOrPrefix);
    if (!id) throw new NotFoundError(`container ${idOrPrefix} not found`, 'ERR_CRI_NOT_FOUND');
    return this.d.store.containers.items.get(id)!;
  }

  /** The engine create body of a CRI container in a pod. */
  specFor(s: SandboxEntry, config: any, sandboxConfig: any): ContainerSpec {
    const sec = config.linux?.security_context ?? {};
    const nso = sec.namespace_options ?? {};
    const privileged = !!sec.privileged;
    if (privileged && !sandboxConfig?.linux?.security_context?.privileged && !s.config.linux?.security_context?.privileged) {
      throw new InvalidArgumentError('a privileged container needs a privileged pod sandbox (linux.security_context.privileged)', 'ERR_CRI_INVALID');
    }
    const pidMode = nso.pid === 'NODE' ? 'host' : nso.pid === 'CONTAINER' ? '' : nso.pid === 'TARGET'
      ? `container:${this.get(nso.target_id).id}` : (s.config.linux?.security_context?.namespace_options?.pid ?? 'POD') === 'POD' ? `container:${s.id}` : '';
    const caps = sec.capabilities ?? {};
    const securityOpt: string[] = [];
    const sc = seccompOpt(sec.seccomp, sec.seccomp_profile_path || undefined);
    if (sc) securityOpt.push(sc);
    checkApparmor(sec.apparmor, sec.apparmor_profile || undefined);
    if (sec.no_new_privs) securityOpt.push('no-new-privileges');
    const binds: string[] = [];
    for (const m of config.mounts ?? []) {
      if (!m.container_path?.startsWith('/')) throw new InvalidArgumentError(`mount container_path must be absolute: ${JSON.stringify(m.container_path ?? '')}`, 'ERR_CRI_INVALID');
      if (!m.host_path?.startsWith('/')) throw new InvalidArgumentError(`mount host_path must be absolute: ${JSON.stringify(m.host_path ?? '')}`, 'ERR_CRI_INVALID');
      if (m.host_path.includes(':') || m.container_path.includes(':')) throw new InvalidArgumentError(`mount paths with ':' are not supported: ${m.host_path}`, 'ERR_CRI_INVALID');
      if (!existsSync(m.host_path)) throw new InvalidArgumentError(`mount host_path ${m.host_path} does not exist`, 'ERR_CRI_INVALID');
      binds.push(`${m.host_path}:${m.container_path}:${[m.readonly ? 'ro' : 'rw', PROPAGATION[m.propagation ?? 'PROPAGATION_PRIVATE'] ?? 'rprivate'].join(',')}`);
    }
    const devices = (config.devices ?? []).map((dv: any) => {
      if (!dv.host_path) throw new InvalidArgumentError('device host_path is required', 'ERR_CRI_INVALID');
      return { PathOnHost: dv.host_path, PathInContainer: dv.container_path || dv.host_path, CgroupPermissions: dv.permissions || 'rwm' };
    });
    const env: string[] = (config.envs ?? []).map((e: any) => {
      if (!e.key) throw new InvalidArgumentError('an environment variable needs a key', 'ERR_CRI_INVALID');
      return `${e.key}=${e.value ?? ''}`;
    });
    const pod = s.config.metadata;
    const hostNetwork = s.hostNetwork;
    const podIpc = s.config.linux?.security_context?.namespace_options?.ipc ?? 'POD';
    const hc: Record<string, unknown> = {
      NetworkMode: hostNetwork ? 'host' : `container:${s.id}`,
      IpcMode: podIpc === 'NODE' ? 'host' : `container:${s.id}`,
      UTSMode: hostNetwork ? 'host' : `container:${s.id}`,
      PidMode: pidMode,
      Privileged: privileged,
      CapAdd: caps.add_capabilities?.length ? caps.add_capabilities : undefined,
      CapDrop: caps.drop_capabilities?.length ? caps.drop_capabilities : undefined,
      ReadonlyRootfs: !!sec.readonly_rootfs,
      SecurityOpt: securityOpt.length ? securityOpt : undefined,
      GroupAdd: sec.supplemental_groups?.length ? sec.supplemental_groups.map(String) : undefined,
      MaskedPaths: sec.masked_paths?.length ? sec.masked_paths : undefined,
      ReadonlyPaths: sec.readonly_paths?.length ? sec.readonly_paths : undefined,
      Binds: binds.length ? binds : undefined,
      Devices: devices.length ? devices : undefined,
      CgroupParent: s.config.linux?.cgroup_parent || undefined,
      OomScoreAdj: int(config.linux?.resources?.oom_score_adj) || undefined,
      ...resourcesOf(config.linux?.resources),
      ...(s.runtimeHandler ? { Runtime: s.runtimeHandler } : {}),
    };
    if (caps.add_ambient_capabilities?.length) throw new NotSupportedError('ambient capabilities are not supported by berth\'s CRI yet', 'ERR_NOT_SUPPORTED');
    return {
      Image: config.image.image,
      Entrypoint: config.command?.length ? config.command : undefined,
      Cmd: config.args?.length ? config.args : undefined,
      Env: env,
      WorkingDir: config.working_dir || undefined,
      User: userOf(sec),
      Tty: !!config.tty,
      OpenStdin: !!config.stdin,
      StdinOnce: !!config.stdin_once,
      Hostname: hostNetwork ? undefined : (s.config.hostname || pod.name),
      Labels: {
        [NAMESPACE_LABEL]: CRI_NAMESPACE, [KIND_LABEL]: 'container', [SANDBOX_ID_LABEL]: s.id,
        'io.kubernetes.container.name': String(config.metadata.name), 'io.kubernetes.pod.name': String(pod.name),
        'io.kubernetes.pod.namespace': String(pod.namespace), 'io.kubernetes.pod.uid': String(pod.uid),
      },
      HostConfig: hc as never,
    };
  }

  async create(podSandboxId: string, config: any, sandboxConfig: any): Promise<string> {
    if (!config) throw new InvalidArgumentError('ContainerConfig is required', 'ERR_CRI_INVALID');
    if (!config.metadata?.name) throw new InvalidArgumentError('ContainerConfig.metadata.name is required', 'ERR_CRI_INVALID');
    if (!config.image?.image) throw new InvalidArgumentError('ContainerConfig.image.image is required', 'ERR_CRI_INVALID');
    const timer = new PhaseTimer('CreateContainer', { name: String(config.metadata.name) });
    const s = this.d.sandboxes.get(podSandboxId);
    if (this.d.sandboxes.stateOf(s) !== 'SANDBOX_READY') throw new ConflictError(`pod sandbox ${s.id} is not ready`, 'ERR_CONFLICT');
    const img = this.d.engine.images.tryResolve(config.image.image);
    if (!img) throw new NotFoundError(`image ${config.image.image} not found: pull it first`, 'ERR_CRI_NOT_FOUND');
    const name = containerName(config.metadata, s.config.metadata);
    const spec = this.specFor(s, config, sandboxConfig);
    timer.mark('prepare');
    let created;
    try { created = await this.d.engine.create(spec, name); } catch (e) {
      if ((e as { code?: string }).code === 'ERR_NAME_CONFLICT') throw new ConflictError(`container name ${JSON.stringify(name)} is reserved: ${(e as Error).message}`, 'ERR_CRI_CONFLICT');
      throw e;
    }
    const logPath = config.log_path ? join(s.logDirectory, config.log_path) : '';
    this.d.store.containers.put({
      id: created.Id, sandboxId: s.id, config, createdAt: nowNanos(), imageRef: config.image.image, imageId: img.id, logPath,
    });
    timer.mark('create');
    timer.done();
    return created.Id;
  }

  async start(id: string): Promise<void> {
    const c = this.get(id);
    const s = this.d.sandboxes.get(c.sandboxId);
    if (this.d.sandboxes.stateOf(s) !== 'SANDBOX_READY') throw new ConflictError(`pod sandbox ${s.id} is not ready`, 'ERR_CONFLICT');
    const st = this.d.engine.containers.inspect(c.id).State;
    if (st?.Running || (st?.StartedAt && !String(st.StartedAt).startsWith('0001'))) throw new ConflictError(`container ${c.id} is not in created state`, 'ERR_CONFLICT');
    const timer = new PhaseTimer('StartContainer', { container: c.id.slice(0, 12) });
    await this.d.engine.start(c.id);
    timer.mark('start');
    if (c.logPath) this.d.logs.follow(c.id, c.logPath, 0);
    timer.mark('logFollow');
    timer.done();
  }

  async stop(id: string, timeout: number): Promise<void> {
    const c = this.get(id);
    await this.d.engine.stop(c.id, { timeout: Math.max(0, timeout) });
    await this.d.logs.settle(c.id);
  }

  /** Idempotent, as the CRI asks. */
  async remove(id: string): Promise<void> {
    let c: ContainerEntry;
    try { c = this.get(id); } catch (e) { if (e instanceof NotFoundError) return; throw e; }
    this.d.logs.stop(c.id);
    await this.d.engine.rm(c.id, { force: true }).catch((e) => { if (!(e instanceof NotFoundError)) throw e; });
    this.d.store.containers.delete(c.id);
  }

  private engineState(c: ContainerEntry): any {
    try { return this.d.engine.containers.inspect(c.id); } catch { return undefined; }
  }

  stateOf(c: ContainerEntry, ins = this.engineState(c)): 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN' {
    const st = ins?.State;
    if (!st) return 'CONTAINER_UNKNOWN';
    if (st.Running) return 'CONTAINER_RUNNING';
    if (st.Status === 'created') return 'CONTAINER_CREATED';
    return 'CONTAINER_EXITED';
  }

  view(c: ContainerEntry, ins = this.engineState(c)) {
    return {
      id: c.id, pod_sandbox_id: c.sandboxId, metadata: c.config.metadata, image: { image: c.config.image.image, annotations: {}, user_specified_image: c.config.image.image, runtime_handler: '' },
      image_ref: c.imageId, image_id: c.imageId, state: this.stateOf(c, ins), created_at: c.createdAt,
      labels: c.config.labels ?? {}, annotations: c.config.annotations ?? {},
    };
  }

  status(id: string) {
    const c = this.get(id);
    const ins = this.engineState(c);
    const st = ins?.State ?? {};
    const state = this.stateOf(c, ins);
    const exitCode = Number(st.ExitCode ?? 0);
    const reason = state !== 'CONTAINER_EXITED' ? '' : st.OOMKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error';
    return {
      ...this.view(c, ins),
      started_at: rfc3339ToNanos(st.StartedAt), finished_at: state === 'CONTAINER_EXITED' ? rfc3339ToNanos(st.FinishedAt) : '0',
      exit_code: exitCode, reason, message: st.Error ?? '',
      mounts: (c.config.mounts ?? []).map((m: any) => ({ container_path: m.container_path, host_path: m.host_path, readonly: !!m.readonly, selinux_relabel: !!m.selinux_relabel, propagation: m.propagation ?? 'PROPAGATION_PRIVATE' })),
      log_path: c.logPath,
      resources: { linux: c.config.linux?.resources ?? null },
    };
  }

  list(filter: any) {
    let items = [...this.d.store.containers.items.values()];
    if (filter?.id) items = items.filter((c) => c.id.startsWith(filter.id));
    if (filter?.pod_sandbox_id) items = items.filter((c) => c.sandboxId.startsWith(filter.pod_sandbox_id));
    return items.map((c) => this.view(c)).filter((v) => {
      if (filter?.state && v.state !== filter.state.state) return false;
      for (const [k, val] of Object.entries((filter?.label_selector ?? {}) as Record<string, string>)) if (v.labels[k] !== val) return false;
      return true;
    });
  }

  async updateResources(id: string, linux: any): Promise<void> {
    const c = this.get(id);
    const body = resourcesOf(linux);
    if (Object.keys(body).length) await this.d.engine.containers.update(c.id, body as never);
    this.d.store.containers.put({ ...c, config: { ...c.config, linux: { ...(c.config.linux ?? {}), resources: { ...(c.config.linux?.resources ?? {}), ...(linux ?? {}) } } } });
  }

  reopenLog(id: string): void {
    const c = this.get(id);
    if (this.stateOf(c) !== 'CONTAINER_RUNNING') throw new ConflictError(`container ${c.id} is not running`, 'ERR_CONFLICT');
    if (!this.d.logs.reopen(c.id)) throw new ConflictError(`container ${c.id} has no log to reopen`, 'ERR_CONFLICT');
  }
}

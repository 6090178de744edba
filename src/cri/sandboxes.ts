/**
 * Pod sandboxes: a pause container (catatonit --pause) holding the pod's network, IPC and UTS namespaces
 * (and its PID namespace when the pod shares one), attached to the CNI network the way containerd does
 * it. A sandbox's ID is its pause container's engine ID. A RunPodSandbox that fails undoes all it did:
 * no pause container, no CNI allocation, no pinned namespace, no state file is left.
 * The pod's network namespace is made first and pinned under the run root (as containerd does), so
 * CNI ADD runs while the pause container starts and joins it by path: the two no longer wait for each
 * other (the pod start is the longer of them, not their sum).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../common/errors.js';
import { log, PhaseTimer } from '../common/log.js';
import { NAMESPACE_LABEL } from '../container/namespaces.js';
import { resultIps, type CniRunner } from '../network/cni.js';
import { pinNetns, podNetnsDir, unpinNetns, type NetnsPin } from '../network/netns-pin.js';
import { CRI_NAMESPACE, type CriContext } from './context.js';
import type { CriStore, SandboxEntry } from './cri-store.js';
import { ensurePauseImage, PAUSE_COMMAND, PAUSE_IMAGE } from './pause-image.js';
import { nowNanos, resolveId, sanitizeName } from './util.js';

/** CRI NamespaceMode values (enums arrive as their names) */
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';

export const KIND_LABEL = 'io.berth.cri.kind';
export const SANDBOX_ID_LABEL = 'io.kubernetes.sandbox.id';

export interface SandboxDeps extends CriContext { store: CriStore; cni: CniRunner }

function nsOptions(config: any): { network: NamespaceMode; pid: NamespaceMode; ipc: NamespaceMode } {
  const o = config?.linux?.security_context?.namespace_options ?? {};
  return { network: o.network ?? 'POD', pid: o.pid ?? 'POD', ipc: o.ipc ?? 'POD' };
}

function validateSandboxConfig(config: any): void {
  if (!config) throw new InvalidArgumentError('PodSandboxConfig is required', 'ERR_CRI_INVALID');
  const md = config.metadata;
  if (!md) throw new InvalidArgumentError('PodSandboxConfig.metadata is required', 'ERR_CRI_INVALID');
  for (const k of ['name', 'namespace', 'uid'] as const) {
    if (!md[k]) throw new InvalidArgumentError(`PodSandboxConfig.metadata.${k} is required`, 'ERR_CRI_INVALID');
  }
  const ns = nsOptions(config);
  if (ns.network === 'TARGET' || ns.ipc === 'TARGET' || ns.pid === 'TARGET') throw new InvalidArgumentError('namespace mode TARGET is only valid for containers, not for a pod sandbox', 'ERR_CRI_INVALID');
  if (ns.network === 'CONTAINER' || ns.ipc === 'CONTAINER') throw new InvalidArgumentError('network and ipc namespace mode CONTAINER is not valid for a pod sandbox', 'ERR_CRI_INVALID');
  if (config.linux?.security_context?.namespace_options?.userns_options && config.linux.security_context.namespace_options.userns_options.mode && config.linux.security_context.namespace_options.userns_options.mode !== 'NODE') {
    throw new InvalidArgumentError('user namespaces for pods are not supported by berth\'s CRI yet (userns_options.mode must be NODE)', 'ERR_CRI_INVALID');
  }
  for (const pm of config.port_mappings ?? []) {
    const cp = Number(pm.container_port);
    if (!(cp > 0 && cp < 65536)) throw new InvalidArgumentError(`port mapping: container_port ${pm.container_port} is out of range`, 'ERR_CRI_INVALID');
    const hp = Number(pm.host_port);
    if (hp < 0 || hp > 65535) throw new InvalidArgumentError(`port mapping: host_port ${pm.host_port} is out of range`, 'ERR_CRI_INVALID');
  }
  if (config.hostname && !/^[a-zA-Z0-9]([a-zA-Z0-9.-]{0,251}[a-zA-Z0-9])?$/.test(config.hostname)) {
    throw new InvalidArgumentError(`invalid hostname ${JSON.stringify(config.hostname)}`, 'ERR_CRI_INVALID');
  }
}

/** dockershim's naming: k8s_POD_<name>_<namespace>_<uid>_<attempt> (also what makes a second identical RunPodSandbox collide) */
function sandboxName(md: any): string {
  return sanitizeName(`k8s_POD_${md.name}_${md.namespace}_${md.uid}_${md.attempt ?? 0}`);
}

export class SandboxManager {
  constructor(private readonly d: SandboxDeps) {}

  get(idOrPrefix: string): SandboxEntry {
    if (!idOrPrefix) throw new InvalidArgumentError('pod_sandbox_id is required', 'ERR_CRI_INVALID');
    const id = resolveId(this.d.store.sandboxes.items, idOrPrefix);
    if (!id) throw new NotFoundError(`pod sandbox ${idOrPrefix} not found`, 'ERR_CRI_NOT_FOUND');
    return this.d.store.sandboxes.items.get(id)!;
  }

  async run(config: any, runtimeHandler: string): Promise<string> {
    validateSandboxConfig(config);
    if (runtimeHandler && !['', 'crun', 'runc'].includes(runtimeHandler)) {
      throw new NotFoundError(`runtime handler ${JSON.stringify(runtimeHandler)} is not known (handlers: crun, runc, or empty for the default)`, 'ERR_CRI_NOT_FOUND');
    }
    const md = config.metadata;
    const name = sandboxName(md);
    const clash = [...this.d.store.sandboxes.items.values()].find((s) => sandboxName(s.config.metadata) === name);
    if (clash) throw new ConflictError(`pod sandbox name ${JSON.stringify(name)} is reserved for ${clash.id}`, 'ERR_CRI_CONFLICT');
    const ns = nsOptions(config);
    const hostNetwork = ns.network === 'NODE';
    const net = hostNetwork ? undefined : this.d.cni.network();
    if (!hostNetwork) {
      const why = this.d.cni.notReadyReason();
      if (why || !net) throw new ConflictError(`network is not ready: ${why}`, 'ERR_CRI_NETWORK');
    }
    const timer = new PhaseTimer('RunPodSandbox', { pod: String(md.name) });
    await ensurePauseImage(this.d.engine);
    timer.mark('pauseImage');
    const engine = this.d.engine;
    const dns = config.dns_config ?? {};
    const sec = config.linux?.security_context ?? {};
    const hc: Record<string, unknown> = {
      NetworkMode: hostNetwork ? 'host' : 'none',
      IpcMode: ns.ipc === 'NODE' ? 'host' : 'shareable',
      PidMode: ns.pid === 'NODE' ? 'host' : '',
      UTSMode: hostNetwork ? 'host' : '',
      Dns: dns.servers?.length ? dns.servers : undefined,
      DnsSearch: dns.searches?.length ? dns.searches : undefined,
      DnsOptions: dns.options?.length ? dns.options : undefined,
      Sysctls: config.linux?.sysctls && Object.keys(config.linux.sysctls).length ? config.linux.sysctls : undefined,
      CgroupParent: config.linux?.cgroup_parent || undefined,
      ReadonlyRootfs: true,
      SecurityOpt: ['no-new-privileges'],
      CapDrop: ['ALL'],
      Privileged: !!sec.privileged,
      ...(runtimeHandler ? { Runtime: runtimeHandler } : {}),
    };
    const labels: Record<string, string> = {
      [NAMESPACE_LABEL]: CRI_NAMESPACE, [KIND_LABEL]: 'sandbox',
      'io.kubernetes.pod.name': String(md.name), 'io.kubernetes.pod.namespace': String(md.namespace), 'io.kubernetes.pod.uid': String(md.uid),
    };
    // the namespace first: the pause container is created to join it by path
    const pin: NetnsPin | undefined = net ? await pinNetns(podNetnsDir(this.d.runRoot)) : undefined;
    timer.mark('pinNetns');
    let id: string;
    try {
      id = (await engine.create({
        Image: PAUSE_IMAGE, Entrypoint: PAUSE_COMMAND, Cmd: [], StopSignal: 'SIGINT' /* catatonit -P quits on SIGINT */, Hostname: hostNetwork ? undefined : (config.hostname || md.name).slice(0, 63),
        Labels: labels, HostConfig: hc as never,
      }, name, pin ? { netnsPath: pin.path } : undefined)).Id;
    } catch (e) {
      if (pin) await pin.ready.catch(() => undefined).then(() => unpinNetns(pin.path)).catch((err) => log.warn('unpinning a pod network namespace failed', { path: pin.path, error: (err as Error).message }));
      throw e;
    }
    timer.mark('create');
    const logDirectory = config.log_directory || join(this.d.runRoot, 'cri', 'pods', id);
    const entry: SandboxEntry = {
      id, config, createdAt: nowNanos(), state: 'SANDBOX_READY', runtimeHandler: runtimeHandler || '', hostNetwork,
      ip: '', additionalIps: [], logDirectory, ...(pin ? { pinnedNetns: pin.path } : {}),
    };
    let cniAdded = false;
    try {
      mkdirSync(logDirectory, { recursive: true, mode: 0o755 });
      // CNI ADD and the pause container's start both work on the pinned namespace: run at once
      const adding = net && pin ? (async () => {
        const attach = this.cniAttachment(entry, pin.path);
        entry.network = { name: net.name, file: net.file, result: {}, netnsPath: pin.path };
        cniAdded = true;
        const result = await this.d.cni.add(net, attach);
        entry.network.result = result;
        const ips = resultIps(result);
        entry.ip = ips.ip; entry.additionalIps = ips.additional;
        timer.mark('cniAdd');
      })() : undefined;
      const starting = engine.start(id).then(() => timer.mark('start'));
      // every step settles before a failure is acted on (the cleanup must not race a running ADD)
      const settled = await Promise.allSettled([starting, adding, pin?.ready]);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      if (net) {
        const st = engine.containers.inspect(id).State;
        if (!st?.Running || !st.Pid) throw new ConflictError(`the pod's pause process exited at once (exit code ${st?.ExitCode ?? '?'})`, 'ERR_CRI_NETWORK');
      }
      this.d.store.sandboxes.put(entry);
      timer.mark('store');
      timer.done();
      return id;
    } catch (e) {
      if (cniAdded && net && entry.network) await this.d.cni.del(net, this.cniAttachment(entry, entry.network.netnsPath)).catch((err) => log.warn('CNI DEL after a failed RunPodSandbox failed', { id, error: (err as Error).message }));
      await engine.rm(id, { force: true }).catch((err) => log.warn('removing a half-made pause container failed', { id, error: (err as Error).message }));
      if (pin) await unpinNetns(pin.path).catch((err) => log.warn('unpinning a pod network namespace failed', { path: pin.path, error: (err as Error).message }));
      if (!config.log_directory) rmSync(logDirectory, { recursive: true, force: true });
      throw e;
    }
  }

  /** The pinned namespaces of the pods this CRI knows (the others are stale after a crash: removeStalePins). */
  pinnedNamespaces(): Set<string> {
    return new Set([...this.d.store.sandboxes.items.values()].map((s) => s.pinnedNetns).filter((p): p is string => !!p));
  }

  private cniAttachment(s: SandboxEntry, netnsPath: string) {
    const md = s.config.metadata;
    const portMappings = (s.config.port_mappings ?? []).filter((p: any) => Number(p.host_port) > 0).map((p: any) => ({
      hostPort: Number(p.host_port), containerPort: Number(p.container_port), protocol: String(p.protocol ?? 'TCP').toLowerCase(), hostIP: p.host_ip || '',
    }));
    return {
      containerId: s.id, netnsPath, ifName: 'eth0',
      args: { IgnoreUnknown: '1', K8S_POD_NAMESPACE: String(md.namespace), K8S_POD_NAME: String(md.name), K8S_POD_INFRA_CONTAINER_ID: s.id, K8S_POD_UID: String(md.uid) },
      capabilityArgs: { portMappings, ...(s.config.dns_config ? { dns: { servers: s.config.dns_config.servers ?? [], searches: s.config.dns_config.searches ?? [], options: s.config.dns_config.options ?? [] } } : {}) },
    };
  }

  /** The pod's containers (CRI entries), for stop and remove. */
  containersOf(id: string): string[] {
    return [...this.d.store.containers.items.values()].filter((c) => c.sandboxId === id).map((c) => c.id);
  }

  /** Stop every container, release the network, stop the pause process. Idempotent. */
  async stop(idOrPrefix: string): Promise<void> {
    let s: SandboxEntry;
    try { s = this.get(idOrPrefix); } catch (e) { if (e instanceof NotFoundError) return; throw e; }
    const engine = this.d.engine;
    await Promise.all(this.containersOf(s.id).map((c) => engine.stop(c, { timeout: 0 }).catch((e) => { if (!(e instanceof NotFoundError)) throw e; })));
    await this.teardownNetwork(s);
    await engine.stop(s.id, { timeout: 0 }).catch((e) => { if (!(e instanceof NotFoundError)) throw e; });
    // the namespace goes once nothing uses it any more (CNI DEL ran, the pause process is gone)
    if (s.pinnedNetns) await unpinNetns(s.pinnedNetns);
    this.d.store.sandboxes.put({ ...s, state: 'SANDBOX_NOTREADY', ...(s.network ? { network: undefined } : {}), ...(s.pinnedNetns ? { pinnedNetns: undefined } : {}) });
  }

  private async teardownNetwork(s: SandboxEntry): Promise<void> {
    if (!s.network) return;
    const net = this.d.cni.network();
    if (!net || net.name !== s.network.name) {
      log.warn('the pod\'s CNI network config is gone; its allocation cannot be released', { id: s.id, network: s.network.name });
      return;
    }
    let netnsPath = s.network.netnsPath;
    // a pinned namespace outlives the pause process; /proc/<pid>/ns/net (pods made before pinning) does not
    let alive = !!s.pinnedNetns && netnsPath === s.pinnedNetns && existsSync(netnsPath);
    if (!alive) try { alive = !!this.d.engine.containers.inspect(s.id).State?.Running; } catch { /* gone */ }
    if (!alive) netnsPath = ''; // plugins release what they hold without a namespace (CNI spec: DEL must tolerate a missing netns)
    await this.d.cni.del(net, this.cniAttachment(s, netnsPath), s.network.result);
    s.network = undefined;
    this.d.store.sandboxes.put(s);
  }

  /** Stop, then remove the pod's containers and its pause container. Idempotent. */
  async remove(idOrPrefix: string): Promise<void> {
    let s: SandboxEntry;
    try { s = this.get(idOrPrefix); } catch (e) { if (e instanceof NotFoundError) return; throw e; }
    await this.stop(s.id);
    const engine = this.d.engine;
    for (const c of this.containersOf(s.id)) {
      await engine.rm(c, { force: true }).catch((e) => { if (!(e instanceof NotFoundError)) throw e; });
      this.d.store.containers.delete(c);
    }
    await engine.rm(s.id, { force: true }).catch((e) => { if (!(e instanceof NotFoundError)) throw e; });
    if (!s.config.log_directory) rmSync(s.logDirectory, { recursive: true, force: true });
    this.d.store.sandboxes.delete(s.id);
  }

  /** READY only while the pause process runs (a pause that died makes the pod NOTREADY, as in containerd). */
  stateOf(s: SandboxEntry): SandboxEntry['state'] {
    if (s.state !== 'SANDBOX_READY') return s.state;
    try { return this.d.engine.containers.inspect(s.id).State?.Running ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY'; } catch { return 'SANDBOX_NOTREADY'; }
  }

  pidOf(s: SandboxEntry): number {
    try { return Number(this.d.engine.containers.inspect(s.id).State?.Pid ?? 0); } catch { return 0; }
  }

  view(s: SandboxEntry) {
    return {
      id: s.id, metadata: s.config.metadata, state: this.stateOf(s), created_at: s.createdAt,
      labels: s.config.labels ?? {}, annotations: s.config.annotations ?? {}, runtime_handler: s.runtimeHandler,
    };
  }

  status(s: SandboxEntry) {
    const ns = nsOptions(s.config);
    return {
      ...this.view(s),
      network: { ip: s.hostNetwork ? '' : s.ip, additional_ips: s.additionalIps.map((ip) => ({ ip })) },
      linux: { namespaces: { options: { network: ns.network, pid: ns.pid, ipc: ns.ipc, target_id: '' } } },
    };
  }

  list(filter: any): ReturnType<SandboxManager['view']>[] {
    let items = [...this.d.store.sandboxes.items.values()];
    if (filter?.id) items = items.filter((s) => s.id.startsWith(filter.id));
    const views = items.map((s) => this.view(s));
    return views.filter((v) => {
      if (filter?.state?.state && v.state !== filter.state.state) return false;
      for (const [k, val] of Object.entries((filter?.label_selector ?? {}) as Record<string, string>)) if (v.labels[k] !== val) return false;
      return true;
    });
  }
}

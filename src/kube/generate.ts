/**
 * `kube generate`: containers, a pod that `kube play` made, or a compose project as Kubernetes YAML,
 * podman's `kube generate` shape: a Pod (or a Deployment) per workload whose containers carry what
 * differs from their image (command, args, env, working dir), ports with their host ports, resources
 * and security context; a PersistentVolumeClaim per named volume, hostPath for directories, a
 * ConfigMap (a Secret under /run/secrets) for a bound file, emptyDir for tmpfs and anonymous volumes;
 * with --service a NodePort Service per workload's published ports (the host ports become nodePorts).
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { stringify } from 'yaml';
import { BerthError, UsageError } from '../common/errors.js';
import type { EngineClient } from '../client/engine-client.js';
import { KUBE_FILE_VOLUMES_LABEL, KUBE_POD_INFRA_LABEL, KUBE_POD_LABEL, KUBE_VOLUME_ANNOTATION } from './labels.js';
import { KUBE_CONTAINER_LABEL } from './play.js';
import { containersWithLabel, isNotFound, listContainerDir, readContainerFile } from './engine.js';
import { cpuQuantity, memoryQuantity } from './quantity.js';

const enc = encodeURIComponent;
const COMPOSE_PROJECT = 'com.docker.compose.project';
const COMPOSE_SERVICE = 'com.docker.compose.service';
const COMPOSE_ONEOFF = 'com.docker.compose.oneoff';
/** a bound file larger than this stays a hostPath (a ConfigMap holds 1 MiB at most) */
const MAX_FILE_OBJECT = 1024 * 1024;

export interface GenerateOptions { type?: 'pod' | 'deployment'; service?: boolean; composeProject?: string; version?: string }
export interface Generated { yaml: string; warnings: string[] }

/** One Pod or Deployment to write: its containers (inspected) and where its ports are published. */
interface Workload { name: string; containers: any[]; replicas: number; infra?: any }

export async function generate(client: EngineClient, targets: string[], opts: GenerateOptions = {}): Promise<Generated> {
  const type = opts.type ?? 'pod';
  if (type !== 'pod' && type !== 'deployment') throw new UsageError(`--type must be pod or deployment, not "${String(type)}"`);
  if (opts.composeProject && targets.length) throw new UsageError('kube generate takes containers and pods, or --compose-project, not both');
  if (!opts.composeProject && !targets.length) throw new UsageError('kube generate needs a container, a pod or --compose-project NAME');
  const workloads = opts.composeProject ? await composeWorkloads(client, opts.composeProject) : await targetWorkloads(client, targets);
  const g = new Generator(client, opts.service ?? false, type);
  for (const w of workloads) await g.workload(w);
  const header = `# Save the output of this file and use kubectl create -f to import it into Kubernetes.\n#\n# Created with berth ${opts.version ?? ''}`.trimEnd();
  const docs = [...g.claims.values(), ...g.files.values(), ...g.objects, ...g.services];
  return { yaml: `${header}\n${docs.map((d) => `---\n${stringify(d, { lineWidth: 0 })}`).join('')}`, warnings: g.warnings };
}

async function inspect(client: EngineClient, id: string): Promise<any> {
  return client.json('GET', `/containers/${enc(id)}/json`);
}

async function composeWorkloads(client: EngineClient, project: string): Promise<Workload[]> {
  const list = (await containersWithLabel(client, `${COMPOSE_PROJECT}=${project}`)).filter((c) => c.Labels[COMPOSE_ONEOFF] !== 'True');
  if (!list.length) throw new BerthError(`no containers of compose project "${project}"`, { code: 'ERR_KUBE_NOT_FOUND', status: 404 });
  const byService = new Map<string, any[]>();
  for (const c of list) {
    const s = c.Labels[COMPOSE_SERVICE] ?? c.Names[0].replace(/^\//, '');
    byService.set(s, [...(byService.get(s) ?? []), c]);
  }
  const out: Workload[] = [];
  for (const [service, cs] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
    cs.sort((a, b) => Number(a.Labels['com.docker.compose.container-number'] ?? 0) - Number(b.Labels['com.docker.compose.container-number'] ?? 0));
    const first = await inspect(client, cs[0].Id);
    // the container is named as the service, as in the compose file
    first.Config.Labels = { ...first.Config.Labels, [KUBE_CONTAINER_LABEL]: service };
    out.push({ name: dnsLabel(service), containers: [first], replicas: cs.length });
  }
  return out;
}

async function targetWorkloads(client: EngineClient, targets: string[]): Promise<Workload[]> {
  const loose: any[] = [];
  const pods: Workload[] = [];
  for (const t of targets) {
    try {
      const c = await inspect(client, t);
      const pod = c.Config.Labels?.[KUBE_POD_LABEL];
      if (pod) throw new UsageError(`container ${t} belongs to pod ${pod}: generate the pod (kube generate ${pod})`);
      loose.push(c);
      continue;
    } catch (e) { if (!isNotFound(e)) throw e; }
    const members = await containersWithLabel(client, `${KUBE_POD_LABEL}=${t}`);
    if (!members.length) throw new BerthError(`no container or pod named "${t}"`, { code: 'ERR_KUBE_NOT_FOUND', status: 404 });
    const all = await Promise.all(members.map((m) => inspect(client, m.Id)));
    const infra = all.find((c) => c.Config.Labels?.[KUBE_POD_INFRA_LABEL] === 'true');
    const containers = all.filter((c) => c !== infra).sort((a, b) => Date.parse(a.Created) - Date.parse(b.Created));
    pods.push({ name: t, containers, replicas: 1, infra });
  }
  if (loose.length) pods.unshift({ name: `${dnsLabel(loose[0].Name.replace(/^\//, ''))}-pod`, containers: loose, replicas: 1 });
  return pods;
}

/** A Kubernetes name (RFC 1123 label) from a container or service name. */
function dnsLabel(s: string): string {
  const out = s.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return out || 'container';
}

class Generator {
  readonly objects: any[] = [];
  readonly services: any[] = [];
  readonly claims = new Map<string, any>();
  readonly files = new Map<string, any>();
  readonly warnings: string[] = [];
  private readonly images = new Map<string, any>();

  constructor(private readonly client: EngineClient, private readonly withService: boolean, private readonly type: 'pod' | 'deployment') {}

  private async imageConfig(ref: string): Promise<any> {
    if (!this.images.has(ref)) {
      let cfg: any = {};
      try { cfg = (await this.client.json('GET', `/images/${enc(ref)}/json`)).Config ?? {}; } catch (e) { if (!isNotFound(e)) throw e; }
      this.images.set(ref, cfg);
    }
    return this.images.get(ref);
  }

  async workload(w: Workload): Promise<void> {
    const volumes: any[] = [];
    const containers: any[] = [];
    const servicePorts: any[] = [];
    const netHost = (w.infra ?? w.containers[0]).HostConfig?.NetworkMode === 'host';
    for (const [i, c] of w.containers.entries()) {
      // a pod's ports are its infra container's; loose containers each have their own
      const portsFrom = w.infra ? (i === 0 ? w.infra : null) : c;
      containers.push(await this.container(w, c, portsFrom, volumes, servicePorts));
    }
    const restart = w.containers[0].HostConfig?.RestartPolicy?.Name ?? 'no';
    const podSpec: any = { containers };
    if (w.infra?.Config?.Hostname && w.infra.Config.Hostname !== w.name) podSpec.hostname = w.infra.Config.Hostname;
    if (netHost) podSpec.hostNetwork = true;
    if (volumes.length) podSpec.volumes = volumes;
    const labels = { app: w.name };
    if (this.type === 'deployment') {
      this.objects.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: w.name, labels },
        spec: { replicas: w.replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } } });
    } else {
      podSpec.restartPolicy = restart === 'always' || restart === 'unless-stopped' ? 'Always' : restart === 'on-failure' ? 'OnFailure' : 'Never';
      if (w.replicas > 1) this.warnings.push(`${w.name}: ${w.replicas} containers run for it; a Pod has one (use --type deployment for ${w.replicas} replicas)`);
      this.objects.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: w.name, labels }, spec: podSpec });
    }
    if (this.withService && servicePorts.length) {
      const hasNode = servicePorts.some((p) => p.nodePort !== undefined);
      this.services.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: w.name, labels },
        spec: { ...(hasNode ? { type: 'NodePort' } : {}), selector: labels, ports: servicePorts } });
    }
  }

  private async container(w: Workload, c: any, portsFrom: any | null, volumes: any[], servicePorts: any[]): Promise<any> {
    const cfg = c.Config ?? {};
    const hc = c.HostConfig ?? {};
    const image = await this.imageConfig(cfg.Image);
    const out: any = { name: dnsLabel(cfg.Labels?.[KUBE_CONTAINER_LABEL] ?? c.Name.replace(/^\//, '')), image: cfg.Image };
    const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    if (!same(cfg.Entrypoint, image.Entrypoint)) {
      if (cfg.Entrypoint?.length) out.command = cfg.Entrypoint;
      if (cfg.Cmd?.length) out.args = cfg.Cmd;
    } else if (!same(cfg.Cmd, image.Cmd) && cfg.Cmd?.length) out.args = cfg.Cmd;
    const imageEnv = new Set<string>(image.Env ?? []);
    const env = ((cfg.Env ?? []) as string[]).filter((e) => !imageEnv.has(e) && !/^HOSTNAME=/.test(e)).map((e) => {
      const i = e.indexOf('=');
      return i < 0 ? { name: e, value: '' } : { name: e.slice(0, i), value: e.slice(i + 1) };
    });
    if (env.length) out.env = env;
    if (cfg.WorkingDir && cfg.WorkingDir !== (image.WorkingDir || '')) out.workingDir = cfg.WorkingDir;
    if (cfg.Tty) out.tty = true;
    if (cfg.OpenStdin) out.stdin = true;
    if (portsFrom) {
      const ports = this.ports(portsFrom, servicePorts);
      if (ports.length) out.ports = ports;
    }
    const limits: any = {};
    const requests: any = {};
    if (hc.Memory) limits.memory = memoryQuantity(hc.Memory);
    if (hc.NanoCpus) limits.cpu = cpuQuantity(hc.NanoCpus);
    if (hc.MemoryReservation) requests.memory = memoryQuantity(hc.MemoryReservation);
    if (Object.keys(limits).length || Object.keys(requests).length) out.resources = { ...(Object.keys(limits).length ? { limits } : {}), ...(Object.keys(requests).length ? { requests } : {}) };
    const sc: any = {};
    if (hc.Privileged) sc.privileged = true;
    if (hc.ReadonlyRootfs) sc.readOnlyRootFilesystem = true;
    const caps = (l: string[] | null | undefined) => (l ?? []).map((x) => x.toUpperCase().replace(/^CAP_/, ''));
    if (hc.CapAdd?.length || hc.CapDrop?.length) sc.capabilities = { ...(hc.CapAdd?.length ? { add: caps(hc.CapAdd) } : {}), ...(hc.CapDrop?.length ? { drop: caps(hc.CapDrop) } : {}) };
    if ((hc.SecurityOpt ?? []).some((o: string) => /^no-new-privileges(:true|=true)?$/.test(o))) sc.allowPrivilegeEscalation = false;
    const user = /^(\d+)(?::(\d+))?$/.exec(cfg.User ?? '');
    if (user) { sc.runAsUser = Number(user[1]); if (user[2]) sc.runAsGroup = Number(user[2]); } else if (cfg.User) this.warnings.push(`${w.name}/${out.name}: user "${cfg.User}" is a name; Kubernetes takes numeric ids only (runAsUser): left out`);
    if (Object.keys(sc).length) out.securityContext = sc;
    const mounts = await this.mounts(w, c, volumes);
    if (mounts.length) out.volumeMounts = mounts;
    return out;
  }

  private ports(c: any, servicePorts: any[]): any[] {
    const out: any[] = [];
    const bindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> = c.HostConfig?.PortBindings ?? {};
    const keys = new Set([...Object.keys(bindings), ...Object.keys(c.Config?.ExposedPorts ?? {})]);
    for (const key of [...keys].sort()) {
      const [num, proto = 'tcp'] = key.split('/');
      const containerPort = Number(num);
      const protocol = proto.toUpperCase();
      const hostPorts = (bindings[key] ?? []).map((b) => Number(b.HostPort)).filter((p) => p > 0);
      // a port published on a random host port has no host port to write down: the container port only
      const hostPort = hostPorts[0];
      if (this.withService) {
        out.push({ containerPort, protocol });
        servicePorts.push({ name: `${containerPort}-${proto}`, port: containerPort, targetPort: containerPort, protocol, ...(hostPort ? { nodePort: hostPort } : {}) });
      } else {
        out.push({ containerPort, ...(hostPort ? { hostPort } : {}), protocol });
      }
    }
    return out;
  }

  private async mounts(w: Workload, c: any, volumes: any[]): Promise<any[]> {
    const out: any[] = [];
    const add = (volume: any, mount: any) => {
      const existing = volumes.find((v) => JSON.stringify({ ...v, name: '' }) === JSON.stringify({ ...volume, name: '' }));
      if (existing) mount.name = existing.name;
      else {
        let name = volume.name;
        for (let i = 1; volumes.some((v) => v.name === name); i++) name = `${volume.name}-${i}`;
        volumes.push({ ...volume, name });
        mount.name = name;
      }
      out.push(mount);
    };
    for (const m of (c.Mounts ?? []) as any[]) {
      const target = m.Destination;
      const ro = m.RW === false;
      if (m.Type === 'volume') {
        const meta = await this.volumeInfo(m.Name);
        if (meta?.Labels?.['io.berth.kube.emptydir'] || /^[0-9a-f]{64}$/.test(m.Name)) {
          const mem = meta?.Options?.type === 'tmpfs';
          add({ name: dnsLabel(meta?.Labels?.['io.berth.kube.emptydir'] ?? basename(target)), emptyDir: mem ? { medium: 'Memory' } : {} }, { mountPath: target, ...(ro ? { readOnly: true } : {}) });
        } else {
          const claim = dnsLabel(m.Name);
          // a volume whose name Kubernetes would refuse (compose's proj_data): the claim says which volume it is
          const annotations = claim !== m.Name ? { annotations: { [KUBE_VOLUME_ANNOTATION]: m.Name } } : {};
          this.claims.set(claim, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: claim, ...annotations },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
          add({ name: claim, persistentVolumeClaim: { claimName: claim } }, { mountPath: target, ...(ro ? { readOnly: true } : {}) });
        }
      } else if (m.Type === 'bind') {
        const file = this.boundFile(m.Source);
        if (file) {
          const isSecret = target.startsWith('/run/secrets/');
          const key = basename(target);
          const name = dnsLabel(key);
          const kind = isSecret ? 'Secret' : 'ConfigMap';
          const keyName = key.replace(/[^-._a-zA-Z0-9]/g, '_');
          this.files.set(`${kind}/${name}`, isSecret
            ? { apiVersion: 'v1', kind, metadata: { name }, type: 'Opaque', data: { [keyName]: file.toString('base64') } }
            : { apiVersion: 'v1', kind, metadata: { name }, ...(isUtf8(file) ? { data: { [keyName]: file.toString('utf8') } } : { binaryData: { [keyName]: file.toString('base64') } }) });
          add(isSecret ? { name, secret: { secretName: name, items: [{ key: keyName, path: keyName }] } } : { name, configMap: { name, items: [{ key: keyName, path: keyName }] } },
            { mountPath: target, subPath: keyName, readOnly: true });
        } else {
          add({ name: dnsLabel(basename(m.Source) || 'root'), hostPath: { path: m.Source, type: this.isDir(m.Source) ? 'Directory' : 'File' } }, { mountPath: target, ...(ro ? { readOnly: true } : {}) });
        }
      } else if (m.Type === 'tmpfs') {
        add({ name: dnsLabel(basename(target) || 'tmp'), emptyDir: { medium: 'Memory' } }, { mountPath: target });
      }
    }
    for (const target of Object.keys(c.HostConfig?.Tmpfs ?? {})) {
      if ((c.Mounts ?? []).some((m: any) => m.Destination === target)) continue;
      add({ name: dnsLabel(basename(target) || 'tmp'), emptyDir: { medium: 'Memory' } }, { mountPath: target });
    }
    const played = await this.playedFileVolumes(c, add);
    for (const s of (c.HostConfig?.BerthSecrets ?? []) as any[]) {
      // a played pod's Secret key: written back by playedFileVolumes
      if (played.has(s.File?.Name)) continue;
      const target: string = s.File?.Name?.startsWith('/') ? s.File.Name : `/run/secrets/${s.File?.Name ?? s.SecretName}`;
      const name = dnsLabel(s.SecretName);
      const key = basename(target).replace(/[^-._a-zA-Z0-9]/g, '_');
      // berth never sends a secret's value back: the Secret names the key, the value is for the user to fill in
      this.warnings.push(`berth secret "${s.SecretName}" (at ${target} in ${c.Name.replace(/^\//, '')}): its value cannot be read back; Secret "${name}" has an empty value for "${key}"`);
      const prev = this.files.get(`Secret/${name}`);
      this.files.set(`Secret/${name}`, { apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', data: { ...(prev?.data ?? {}), [key]: '' } });
      add({ name, secret: { secretName: name, items: [{ key, path: key }] } }, { mountPath: target, subPath: key, readOnly: true });
    }
    return out;
  }

  /**
   * A played pod's ConfigMap and Secret volumes (KUBE_FILE_VOLUMES_LABEL): the objects again, their
   * values read back from the container's files. The targets it covered.
   */
  private async playedFileVolumes(c: any, add: (volume: any, mount: any) => void): Promise<Set<string>> {
    const covered = new Set<string>();
    let entries: Array<{ mountPath: string; subPath?: string; volume: any }> = [];
    try { entries = JSON.parse(c.Config?.Labels?.[KUBE_FILE_VOLUMES_LABEL] ?? '[]'); } catch { return covered; }
    for (const e of entries) {
      const isSecret = !!e.volume?.secret;
      const src = isSecret ? e.volume.secret : e.volume?.configMap;
      if (!src) continue;
      const name: string = isSecret ? src.secretName : src.name;
      const kind = isSecret ? 'Secret' : 'ConfigMap';
      const key = `${kind}/${name}`;
      const obj = this.files.get(key) ?? (isSecret ? { apiVersion: 'v1', kind, metadata: { name }, type: 'Opaque', data: {} } : { apiVersion: 'v1', kind, metadata: { name }, data: {} });
      const items: Array<{ key: string; path: string }> = Array.isArray(src.items) ? src.items.map((i: any) => ({ key: i.key, path: i.path ?? i.key })) : [];
      // without items every key of the object was a file: the directory's files are the keys
      const targets = e.subPath ? [{ key: items.find((i) => i.path === e.subPath)?.key ?? e.subPath, file: e.mountPath }]
        : items.length ? items.map((i) => ({ key: i.key, file: `${e.mountPath.replace(/\/$/, '')}/${i.path}` }))
          : (await this.keysIn(c, e.mountPath)).map((f) => ({ key: f, file: `${e.mountPath.replace(/\/$/, '')}/${f}` }));
      const sealed = new Set(((c.HostConfig?.BerthSecrets ?? []) as any[]).map((s) => String(s.File?.Name ?? '')));
      for (const t of targets) {
        covered.add(t.file);
        // a berth secret's value never leaves the engine (not through the archive API either)
        const content = sealed.has(t.file) ? null : await readContainerFile(this.client, c.Id, t.file).catch(() => null);
        if (content === null) this.warnings.push(`${kind} ${name}: ${t.file} in ${c.Name.replace(/^\//, '')} ${sealed.has(t.file) ? 'is a berth secret, whose value cannot be read back' : 'cannot be read'}; "${t.key}" is left empty`);
        const value = content ?? Buffer.alloc(0);
        if (isSecret) obj.data[t.key] = value.toString('base64');
        else if (isUtf8(value)) obj.data[t.key] = value.toString('utf8');
        else (obj.binaryData ??= {})[t.key] = value.toString('base64');
      }
      this.files.set(key, obj);
      add({ ...e.volume }, { mountPath: e.mountPath, ...(e.subPath ? { subPath: e.subPath } : {}) });
    }
    return covered;
  }

  /** The files a ConfigMap or Secret volume put in `dir`: berth secrets mounted there, else the directory's files. */
  private async keysIn(c: any, dir: string): Promise<string[]> {
    const prefix = `${dir.replace(/\/$/, '')}/`;
    const secrets = ((c.HostConfig?.BerthSecrets ?? []) as any[]).map((s) => String(s.File?.Name ?? '')).filter((n) => n.startsWith(prefix)).map((n) => n.slice(prefix.length));
    if (secrets.length) return secrets.sort();
    return listContainerDir(this.client, c.Id, dir).catch(() => []);
  }

  private async volumeInfo(name: string): Promise<any> {
    try { return await this.client.json('GET', `/volumes/${enc(name)}`); } catch (e) { if (isNotFound(e)) return null; throw e; }
  }

  /** The content of a bound regular file small enough for a ConfigMap/Secret (this client runs beside the daemon). */
  private boundFile(source: string): Buffer | null {
    try {
      const st = statSync(source);
      if (!st.isFile() || st.size > MAX_FILE_OBJECT) return null;
      return readFileSync(source);
    } catch { return null; }
  }

  private isDir(source: string): boolean {
    try { return statSync(source).isDirectory(); } catch { return true; }
  }
}

function isUtf8(b: Buffer): boolean {
  return Buffer.from(b.toString('utf8'), 'utf8').equals(b);
}

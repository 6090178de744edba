/**
 * `kube play FILE...`: Podman's model on the Engine API. Each pod is an infra container (`catatonit -P`)
 * that holds the pod's network namespace, hostname, published ports and its DNS names on the
 * play's bridge network; the pod's containers join its network and IPC namespaces (`container:<infra>`),
 * and its PID namespace with shareProcessNamespace. Init containers run to completion first, in order.
 * PVCs are named volumes (kept by --down, as podman keeps them), emptyDirs are volumes of the pod,
 * ConfigMap and Secret volumes are files written into each container before it starts (a Secret through
 * berth's secrets API when the daemon has one: on a tmpfs, never in the container's layer).
 * Whatever fails half-way is removed again: a play either runs or leaves nothing of its pods behind.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BerthError, ConflictError, NotSupportedError } from '../common/errors.js';
import { DaemonError, type EngineClient } from '../client/engine-client.js';
import { KUBE_FILE_VOLUMES_LABEL, KUBE_OBJECT_LABEL, KUBE_PLAY_LABEL, KUBE_POD_INFRA_LABEL, KUBE_POD_LABEL } from './labels.js';
import { parseKubeYaml, type FieldPath, type KubeDocument } from './source.js';
import { readObjects } from './objects.js';
import { planPlay, type PlayPlan, type PodPlan } from './plan.js';
import { quantity } from './quantity.js';
import { containersWithLabel, copyFiles, ensureImage, ensureInfraImage, ensureNetwork, ensureVolume, removeContainer, type FileEntry } from './engine.js';

export const KUBE_CONTAINER_LABEL = 'io.berth.kube.container';
/** the play's network, shared by plays (podman's is podman-default-kube-network) */
export const KUBE_NETWORK = 'berth-kube';

export interface KubeIO { out(s: string): void; err(s: string): void }
export interface PlayOptions { start?: boolean; replace?: boolean; network?: string }

/** Read and check every file, before anything is created. */
export async function loadPlay(files: string[]): Promise<PlayPlan> {
  const docs: KubeDocument[] = [];
  for (const f of files) {
    let text: string;
    try { text = f === '-' ? await readStdin() : await readFile(f, 'utf8'); } catch (e) {
      throw new BerthError(`cannot read ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`, { code: 'ERR_KUBE_NOT_FOUND', status: 404, exitCode: 125 });
    }
    docs.push(...parseKubeYaml(text, f === '-' ? '(stdin)' : f));
  }
  const { objects, warnings } = readObjects(docs);
  const plan = planPlay(objects);
  plan.warnings.unshift(...warnings);
  return plan;
}

let stdinText: Promise<string> | null = null;
/** `-`: the YAML on stdin (read once: --replace reads the files twice) */
function readStdin(): Promise<string> {
  stdinText ??= (async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  })();
  return stdinText;
}

export async function play(client: EngineClient, files: string[], io: KubeIO, opts: PlayOptions = {}): Promise<void> {
  const plan = await loadPlay(files);
  for (const w of plan.warnings) io.err(`WARNING: ${w}\n`);
  if (opts.replace) await down(client, files, io, { quiet: true });
  const existing = await Promise.all(plan.pods.map(async (p) => (await containersWithLabel(client, `${KUBE_POD_LABEL}=${p.name}`)).length ? p.name : ''));
  const taken = existing.filter(Boolean);
  if (taken.length) throw new ConflictError(`pod ${taken.join(', ')} already exists: remove it with kube play --down, or use --replace`);
  const playId = files[0] === '-' ? '(stdin)' : resolve(files[0]);
  const network = opts.network ?? KUBE_NETWORK;
  const infra = await ensureInfraImage(client);
  if (plan.pods.some((p) => !p.spec.hostNetwork)) await ensureNetwork(client, network, { [KUBE_PLAY_LABEL]: 'network' });
  for (const [claim, volume] of plan.claims) await ensureVolume(client, volume, { [KUBE_PLAY_LABEL]: playId, [KUBE_OBJECT_LABEL]: `PersistentVolumeClaim/${claim}` });
  const images = new Map<string, string | undefined>();
  for (const p of plan.pods) for (const c of [...(p.spec.initContainers ?? []), ...p.spec.containers]) if (!images.has(c.image)) images.set(c.image, c.imagePullPolicy);
  for (const [image, policy] of images) await ensureImage(client, image, policy);
  const berthSecrets = await hasSecretsApi(client);
  const created: string[] = [];
  const madeSecrets: string[] = [];
  const madeVolumes: string[] = [];
  try {
    // pods are independent: a few at once (each pod's own steps stay in order)
    const outputs = new Map<PodPlan, string>();
    await eachLimited(plan.pods, POD_CONCURRENCY, async (pod) => {
      outputs.set(pod, await playPod(client, plan, pod, { infra, network, playId, start: opts.start !== false, berthSecrets, created, madeSecrets, madeVolumes }));
    });
    for (const pod of plan.pods) io.out(outputs.get(pod)!);
  } catch (e) {
    for (const id of created.reverse()) await removeContainer(client, id).catch(() => {});
    for (const s of madeSecrets) await client.call('DELETE', `/secrets/${encodeURIComponent(s)}`).catch(() => {});
    for (const v of madeVolumes) await client.call('DELETE', `/volumes/${encodeURIComponent(v)}`).catch(() => {});
    throw e;
  }
}

const POD_CONCURRENCY = 4;

/** `fn` over `items`, at most `limit` at a time; the first failure is thrown once all running ones end. */
async function eachLimited<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { e: unknown } | null = null;
  const worker = async () => {
    while (!failure && next < items.length) {
      const item = items[next++];
      try { await fn(item); } catch (e) { failure ??= { e }; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { e: unknown }).e;
}

/** berth keeps secrets without Swarm; dockerd outside Swarm answers 503 */
async function hasSecretsApi(client: EngineClient): Promise<boolean> {
  try { await client.json('GET', '/secrets'); return true; } catch { return false; }
}

interface PodContext {
  infra: string; network: string; playId: string; start: boolean; berthSecrets: boolean;
  created: string[]; madeSecrets: string[]; madeVolumes: string[];
}

async function playPod(client: EngineClient, plan: PlayPlan, pod: PodPlan, ctx: PodContext): Promise<string> {
  const spec = pod.spec;
  const baseLabels = { ...pod.labels, [KUBE_PLAY_LABEL]: ctx.playId, [KUBE_OBJECT_LABEL]: pod.owner, [KUBE_POD_LABEL]: pod.name };
  const restart = restartPolicyOf(pod.owner.startsWith('Deployment/') ? 'Always' : spec.restartPolicy ?? 'Always');
  const portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  const exposed: Record<string, object> = {};
  for (const p of pod.ports) {
    const key = `${p.containerPort}/${p.protocol}`;
    exposed[key] = {};
    (portBindings[key] ??= []).push({ HostIp: p.hostIP ?? '', HostPort: String(p.hostPort) });
  }
  const hostname = typeof spec.hostname === 'string' && spec.hostname ? spec.hostname : pod.name;
  const infraBody = {
    Image: ctx.infra, Entrypoint: ['/catatonit', '-P'], Cmd: [], StopSignal: 'SIGINT', // catatonit's pause mode quits on SIGINT only
    Hostname: spec.hostNetwork ? undefined : hostname,
    Labels: { ...baseLabels, [KUBE_POD_INFRA_LABEL]: 'true' }, ExposedPorts: exposed,
    HostConfig: {
      NetworkMode: spec.hostNetwork ? 'host' : ctx.network, PortBindings: portBindings, IpcMode: 'shareable',
      RestartPolicy: { Name: restart === 'no' ? 'no' : 'always' },
      ExtraHosts: (spec.hostAliases ?? []).flatMap((a: any) => (a.hostnames ?? []).map((h: string) => `${h}:${a.ip}`)),
    },
    NetworkingConfig: spec.hostNetwork ? undefined : { EndpointsConfig: { [ctx.network]: { Aliases: pod.aliases } } },
  };
  const infra = await client.json<{ Id: string }>('POST', '/containers/create', { query: { name: `${pod.name}-infra` }, body: infraBody });
  ctx.created.push(infra.Id);
  if (ctx.start) await client.call('POST', `/containers/${infra.Id}/start`);
  const emptyDirs = new Map<string, string>();
  const ids: string[] = [];
  const lists: Array<['initContainers' | 'containers', any[]]> = [['initContainers', spec.initContainers ?? []], ['containers', spec.containers]];
  for (const [list, containers] of lists) {
    for (const [i, c] of containers.entries()) {
      const path: FieldPath = [...pod.specPath, list, i];
      const { body, files } = await containerBody(client, plan, pod, c, path, { infraId: infra.Id, restart: list === 'initContainers' ? 'no' : restart, labels: baseLabels, emptyDirs, ctx });
      // the Engine API has no `container:` UTS mode: each container takes the pod's hostname instead
      if (!spec.hostNetwork) body.Hostname = hostname;
      const made = await createJoined(client, `${pod.name}-${c.name}`, body);
      ctx.created.push(made.Id);
      await copyFiles(client, made.Id, files);
      if (list === 'initContainers') {
        if (!ctx.start) continue;
        await client.call('POST', `/containers/${made.Id}/start`);
        const res = await client.json<{ StatusCode: number }>('POST', `/containers/${made.Id}/wait`);
        if (res.StatusCode !== 0) throw new BerthError(`pod ${pod.name}: init container ${c.name} exited with ${res.StatusCode}`, { code: 'ERR_KUBE_INFRA', status: 500 });
      } else {
        ids.push(made.Id);
        if (ctx.start) await client.call('POST', `/containers/${made.Id}/start`);
      }
    }
  }
  // podman's output: the pod, then its containers
  return `Pod:\n${infra.Id}\nContainers:\n${ids.map((id) => `${id}\n`).join('')}\n`;
}

/** dockerd refuses a hostname beside `container:` networking ("conflicting options"): there the container keeps its own */
async function createJoined(client: EngineClient, name: string, body: any): Promise<{ Id: string }> {
  try {
    return await client.json<{ Id: string }>('POST', '/containers/create', { query: { name }, body });
  } catch (e) {
    if (!(e instanceof DaemonError && e.statusCode === 400 && /conflicting options: hostname/.test(e.message)) || !body.Hostname) throw e;
    return client.json<{ Id: string }>('POST', '/containers/create', { query: { name }, body: { ...body, Hostname: undefined } });
  }
}

function restartPolicyOf(p: string): 'always' | 'on-failure' | 'no' {
  return p === 'Always' ? 'always' : p === 'OnFailure' ? 'on-failure' : 'no';
}

interface BodyContext { infraId: string; restart: string; labels: Record<string, string>; emptyDirs: Map<string, string>; ctx: PodContext }

async function containerBody(client: EngineClient, plan: PlayPlan, pod: PodPlan, c: any, path: FieldPath, b: BodyContext): Promise<{ body: any; files: FileEntry[] }> {
  const spec = pod.spec;
  const doc = pod.doc;
  const env = envOf(plan, pod, c, path);
  const sc = c.securityContext ?? {};
  const psc = spec.securityContext ?? {};
  const uid = sc.runAsUser ?? psc.runAsUser;
  const gid = sc.runAsGroup ?? psc.runAsGroup;
  const hc: any = {
    NetworkMode: `container:${b.infraId}`, IpcMode: `container:${b.infraId}`,
    PidMode: spec.shareProcessNamespace ? `container:${b.infraId}` : '',
    RestartPolicy: { Name: b.restart }, Binds: [], Mounts: [], Tmpfs: {},
    Privileged: !!sc.privileged, ReadonlyRootfs: !!sc.readOnlyRootFilesystem,
    CapAdd: sc.capabilities?.add ?? [], CapDrop: sc.capabilities?.drop ?? [],
    GroupAdd: (psc.supplementalGroups ?? []).map(String),
    SecurityOpt: sc.allowPrivilegeEscalation === false ? ['no-new-privileges'] : [],
  };
  const limits = c.resources?.limits ?? {};
  const requests = c.resources?.requests ?? {};
  try {
    if (limits.memory !== undefined) hc.Memory = Math.round(quantity(limits.memory, 'memory'));
    if (limits.cpu !== undefined) hc.NanoCpus = Math.round(quantity(limits.cpu, 'cpu') * 1e9);
    if (requests.memory !== undefined) hc.MemoryReservation = Math.round(quantity(requests.memory, 'memory'));
    // Kubernetes' own conversion of a cpu request to cgroup shares (1 core = 1024)
    if (requests.cpu !== undefined) hc.CpuShares = Math.max(2, Math.round(quantity(requests.cpu, 'cpu') * 1024));
  } catch (e) {
    throw doc.error([...path, 'resources'], (e as Error).message);
  }
  const files: FileEntry[] = [];
  const secretRefs: any[] = [];
  const fileVolumes: Array<{ mountPath: string; subPath?: string; volume: any }> = [];
  for (const [j, m] of ((c.volumeMounts ?? []) as any[]).entries()) {
    const at: FieldPath = [...path, 'volumeMounts', j];
    const vi = (spec.volumes as any[]).findIndex((v) => v.name === m.name);
    const v = spec.volumes[vi];
    const vpath: FieldPath = [...pod.specPath, 'volumes', vi];
    const ro = !!m.readOnly;
    const sub = typeof m.subPath === 'string' && m.subPath ? m.subPath : '';
    if (v.persistentVolumeClaim) {
      if (sub) throw doc.error([...at, 'subPath'], 'subPath on a persistentVolumeClaim is not supported by berth kube play', 'ERR_KUBE_UNSUPPORTED');
      const claim = v.persistentVolumeClaim.claimName;
      if (typeof claim !== 'string' || !claim) throw doc.error([...vpath, 'persistentVolumeClaim', 'claimName'], 'missing');
      // a claim without its PVC in the play is a volume of that name, made on first use (as `-v name:/path`)
      hc.Mounts.push({ Type: 'volume', Source: plan.claims.get(claim) ?? claim, Target: m.mountPath, ReadOnly: ro || !!v.persistentVolumeClaim.readOnly });
    } else if (v.hostPath) {
      const src = String(v.hostPath.path ?? '');
      if (!src.startsWith('/')) throw doc.error([...vpath, 'hostPath', 'path'], 'must be an absolute path');
      hc.Binds.push(`${sub ? `${src.replace(/\/$/, '')}/${sub}` : src}:${m.mountPath}:${ro ? 'ro' : 'rw'}`);
    } else if (v.emptyDir) {
      if (sub) throw doc.error([...at, 'subPath'], 'subPath on an emptyDir is not supported by berth kube play', 'ERR_KUBE_UNSUPPORTED');
      let vol = b.emptyDirs.get(v.name);
      if (!vol) {
        // one volume per pod and emptyDir, shared by its containers (medium Memory: a tmpfs volume)
        vol = `${pod.name}-${v.name}`;
        const mem = v.emptyDir.medium === 'Memory';
        let size: string | undefined;
        try { if (v.emptyDir.sizeLimit !== undefined) size = String(Math.round(quantity(v.emptyDir.sizeLimit, 'sizeLimit'))); } catch (e) { throw doc.error([...vpath, 'emptyDir', 'sizeLimit'], (e as Error).message); }
        await ensureVolume(client, vol, { ...b.labels, [KUBE_OBJECT_LABEL]: `${pod.owner}`, 'io.berth.kube.emptydir': v.name },
          { driverOpts: mem ? { type: 'tmpfs', device: 'tmpfs', o: size ? `size=${size}` : '' } : undefined });
        b.emptyDirs.set(v.name, vol);
        b.ctx.madeVolumes.push(vol);
      }
      hc.Mounts.push({ Type: 'volume', Source: vol, Target: m.mountPath, ReadOnly: ro });
    } else if (v.configMap || v.secret) {
      const isSecret = !!v.secret;
      const src = isSecret ? v.secret : v.configMap;
      const ref = isSecret ? src.secretName : src.name;
      const data = (isSecret ? plan.secrets : plan.configMaps).get(ref);
      const kind = isSecret ? 'Secret' : 'ConfigMap';
      if (!data) {
        if (src.optional) continue;
        throw doc.error([...vpath, isSecret ? 'secret' : 'configMap', isSecret ? 'secretName' : 'name'], `${kind} "${ref}" is not in this play`, 'ERR_KUBE_NOT_FOUND');
      }
      fileVolumes.push({ mountPath: m.mountPath, ...(sub ? { subPath: sub } : {}), volume: v });
      const mode = typeof src.defaultMode === 'number' ? src.defaultMode : 0o644;
      const items: Array<{ key: string; path: string; mode: number }> = Array.isArray(src.items)
        ? src.items.map((it: any) => ({ key: it.key, path: it.path ?? it.key, mode: typeof it.mode === 'number' ? it.mode : mode }))
        : Object.keys(data).map((k) => ({ key: k, path: k, mode }));
      for (const it of items) {
        if (!(it.key in data)) throw doc.error([...vpath, isSecret ? 'secret' : 'configMap', 'items'], `${kind} "${ref}" has no key "${it.key}"`, 'ERR_KUBE_NOT_FOUND');
        if (sub && it.path !== sub) continue;
        const target = sub ? m.mountPath : `${m.mountPath.replace(/\/$/, '')}/${it.path}`;
        // an empty value cannot be a berth secret (1 byte at least): an empty file, as Kubernetes makes it
        if (isSecret && b.ctx.berthSecrets && data[it.key].length > 0) {
          const name = await berthSecret(client, pod, ref, it.key, data[it.key], b);
          secretRefs.push({ SecretName: name, File: { Name: target, UID: String(uid ?? 0), GID: String(gid ?? 0), Mode: it.mode } });
        } else {
          files.push({ path: target, content: data[it.key], mode: it.mode });
        }
      }
    } else {
      throw doc.error(vpath, 'a volume of a kind berth kube play does not run (it runs persistentVolumeClaim, hostPath, emptyDir, configMap, secret)', 'ERR_KUBE_UNSUPPORTED');
    }
  }
  if (secretRefs.length) hc.BerthSecrets = secretRefs;
  if (typeof spec.terminationGracePeriodSeconds === 'number') hc.StopTimeout = spec.terminationGracePeriodSeconds;
  const body: any = {
    Image: c.image, Env: env,
    Labels: { ...b.labels, [KUBE_CONTAINER_LABEL]: c.name, ...(fileVolumes.length ? { [KUBE_FILE_VOLUMES_LABEL]: JSON.stringify(fileVolumes) } : {}) },
    Tty: !!c.tty, OpenStdin: !!c.stdin, StdinOnce: !!c.stdinOnce, HostConfig: hc,
  };
  if (c.command) { body.Entrypoint = c.command.map(String); body.Cmd = (c.args ?? []).map(String); } else if (c.args) body.Cmd = c.args.map(String);
  if (c.workingDir) body.WorkingDir = c.workingDir;
  if (uid !== undefined) body.User = gid !== undefined ? `${uid}:${gid}` : String(uid);
  if (typeof spec.terminationGracePeriodSeconds === 'number') body.StopTimeout = spec.terminationGracePeriodSeconds;
  return { body, files };
}

/** A Secret's key as a berth secret of the pod (`<pod>.<secret>.<key>`), removed with the pod. */
async function berthSecret(client: EngineClient, pod: PodPlan, secret: string, key: string, value: Buffer, b: BodyContext): Promise<string> {
  const name = `${pod.name}.${secret}.${key}`.replace(/[^a-zA-Z0-9-_.]/g, '_');
  if (name.length > 64 || !/^[a-zA-Z0-9]/.test(name)) throw new NotSupportedError(`the berth secret name for Secret ${secret} key ${key} in pod ${pod.name} is longer than 64 characters`, 'ERR_KUBE_UNSUPPORTED');
  if (b.ctx.madeSecrets.includes(name)) return name;
  try {
    await client.json('POST', '/secrets/create', { body: { Name: name, Labels: { [KUBE_POD_LABEL]: pod.name, [KUBE_PLAY_LABEL]: b.ctx.playId }, Data: value.toString('base64') } });
  } catch (e) {
    // left by an earlier play of the same pod that --down did not reach: replace it
    if (!(e instanceof DaemonError && e.statusCode === 409)) throw e;
    await client.call('DELETE', `/secrets/${encodeURIComponent(name)}`);
    await client.json('POST', '/secrets/create', { body: { Name: name, Labels: { [KUBE_POD_LABEL]: pod.name, [KUBE_PLAY_LABEL]: b.ctx.playId }, Data: value.toString('base64') } });
  }
  b.ctx.madeSecrets.push(name);
  return name;
}

/** env and envFrom as KEY=VALUE, with Kubernetes' $(VAR) references to earlier variables expanded. */
function envOf(plan: PlayPlan, pod: PodPlan, c: any, path: FieldPath): string[] {
  const doc = pod.doc;
  const vars = new Map<string, string>();
  for (const [i, f] of ((c.envFrom ?? []) as any[]).entries()) {
    const isSecret = !!f.secretRef;
    const ref = isSecret ? f.secretRef : f.configMapRef;
    if (!ref) continue;
    const data = (isSecret ? plan.secrets : plan.configMaps).get(ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw doc.error([...path, 'envFrom', i, isSecret ? 'secretRef' : 'configMapRef', 'name'], `${isSecret ? 'Secret' : 'ConfigMap'} "${ref.name}" is not in this play`, 'ERR_KUBE_NOT_FOUND');
    }
    for (const [k, v] of Object.entries(data)) vars.set(`${f.prefix ?? ''}${k}`, v.toString('utf8'));
  }
  for (const [i, e] of ((c.env ?? []) as any[]).entries()) {
    const at: FieldPath = [...path, 'env', i];
    if (typeof e?.name !== 'string' || !e.name) throw doc.error([...at, 'name'], 'missing: an environment variable needs a name');
    if (e.valueFrom) {
      const vf = e.valueFrom;
      if (vf.configMapKeyRef || vf.secretKeyRef) {
        const isSecret = !!vf.secretKeyRef;
        const ref = isSecret ? vf.secretKeyRef : vf.configMapKeyRef;
        const value = (isSecret ? plan.secrets : plan.configMaps).get(ref.name)?.[ref.key];
        if (value === undefined) {
          if (ref.optional) continue;
          throw doc.error([...at, 'valueFrom', isSecret ? 'secretKeyRef' : 'configMapKeyRef'], `${isSecret ? 'Secret' : 'ConfigMap'} "${ref.name}" with key "${ref.key}" is not in this play`, 'ERR_KUBE_NOT_FOUND');
        }
        vars.set(e.name, value.toString('utf8'));
      } else if (vf.fieldRef) {
        const fp = vf.fieldRef.fieldPath;
        const label = /^metadata\.labels\['(.+)'\]$/.exec(fp ?? '');
        const value = fp === 'metadata.name' ? pod.name : fp === 'metadata.namespace' ? 'default' : label ? pod.labels[label[1]] ?? '' : undefined;
        if (value === undefined) throw doc.error([...at, 'valueFrom', 'fieldRef', 'fieldPath'], `"${String(fp)}" is not supported by berth kube play (metadata.name, metadata.namespace, metadata.labels['KEY'])`, 'ERR_KUBE_UNSUPPORTED');
        vars.set(e.name, value);
      }
      continue;
    }
    vars.set(e.name, expand(String(e.value ?? ''), vars));
  }
  return [...vars].map(([k, v]) => `${k}=${v}`);
}

/** $(VAR) → its value when defined before; $$(VAR) → $(VAR) (Kubernetes' escaping) */
function expand(s: string, vars: Map<string, string>): string {
  return s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name) => m === '$$' ? '$' : vars.get(name) ?? m);
}

export interface DownOptions { quiet?: boolean }

/** Remove the play's pods (every container labelled with one of its pod names) and their secrets and emptyDir volumes. */
export async function down(client: EngineClient, files: string[], io: KubeIO, opts: DownOptions = {}): Promise<void> {
  const plan = await loadPlay(files);
  const removed = new Map<PodPlan, string>();
  await eachLimited(plan.pods, POD_CONCURRENCY, async (pod) => {
    const cs = await containersWithLabel(client, `${KUBE_POD_LABEL}=${pod.name}`);
    if (!cs.length) return;
    // the pod's containers before its infra, whose namespaces they hold
    cs.sort((a, b) => Number(a.Labels[KUBE_POD_INFRA_LABEL] === 'true') - Number(b.Labels[KUBE_POD_INFRA_LABEL] === 'true'));
    await Promise.all(cs.filter((c) => c.Labels[KUBE_POD_INFRA_LABEL] !== 'true').map((c) => removeContainer(client, c.Id)));
    for (const c of cs.filter((c) => c.Labels[KUBE_POD_INFRA_LABEL] === 'true')) await removeContainer(client, c.Id);
    await removePodSecrets(client, pod.name);
    await removePodVolumes(client, pod.name);
    removed.set(pod, cs.find((c) => c.Labels[KUBE_POD_INFRA_LABEL] === 'true')?.Id ?? pod.name);
  });
  const ids = plan.pods.filter((p) => removed.has(p)).map((p) => `${removed.get(p)}\n`).join('');
  if (!opts.quiet && ids) io.out(`Pods stopped:\n${ids}Pods removed:\n${ids}`);
}

async function removePodSecrets(client: EngineClient, pod: string): Promise<void> {
  let list: Array<{ ID: string }>;
  try { list = await client.json('GET', '/secrets', { query: { filters: JSON.stringify({ label: [`${KUBE_POD_LABEL}=${pod}`] }) } }); } catch { return; }
  for (const s of list) await client.call('DELETE', `/secrets/${s.ID}`).catch(() => {});
}

async function removePodVolumes(client: EngineClient, pod: string): Promise<void> {
  const res = await client.json<{ Volumes: Array<{ Name: string }> | null }>('GET', '/volumes', { query: { filters: JSON.stringify({ label: [`${KUBE_POD_LABEL}=${pod}`, 'io.berth.kube.emptydir'] }) } });
  for (const v of res.Volumes ?? []) await client.call('DELETE', `/volumes/${encodeURIComponent(v.Name)}`).catch(() => {});
}

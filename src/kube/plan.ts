/**
 * From Kubernetes objects to what `kube play` creates, before any call: pods (a Pod, or a
 * Deployment's replicas), the ports each pod's infra container publishes (containers' hostPorts and
 * the Services that select the pod), the DNS names each pod answers to on the play's network (its
 * name, its hostname, its Services' names), and the ConfigMaps, Secrets and claims they use.
 */
import { InvalidArgumentError } from '../common/errors.js';
import type { KubeObject } from './objects.js';
import { KUBE_VOLUME_ANNOTATION } from './labels.js';
import type { FieldPath, KubeDocument } from './source.js';

export interface PortPublish { hostPort: number; containerPort: number; protocol: 'tcp' | 'udp' | 'sctp'; hostIP?: string }

export interface PodPlan {
  name: string;
  /** `Pod/web` or `Deployment/web`: what made it (labels, --down) */
  owner: string;
  labels: Record<string, string>;
  spec: any;
  doc: KubeDocument;
  specPath: FieldPath;
  ports: PortPublish[];
  aliases: string[];
}

export interface PlayPlan {
  pods: PodPlan[];
  configMaps: Map<string, Record<string, Buffer>>;
  secrets: Map<string, Record<string, Buffer>>;
  /** claim name → the engine volume's name (the claim's own, or its KUBE_VOLUME_ANNOTATION) */
  claims: Map<string, string>;
  warnings: string[];
}

function protocolOf(p: unknown): PortPublish['protocol'] {
  const s = String(p ?? 'TCP').toLowerCase();
  return s === 'udp' ? 'udp' : s === 'sctp' ? 'sctp' : 'tcp';
}

function portNumber(doc: KubeDocument, path: FieldPath, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) throw doc.error(path, `"${String(v)}" is not a port number (1-65535)`);
  return v;
}

/** A Deployment's pods are `<name>-pod` (one replica, podman's name) or `<name>-pod-<i>`. */
export function deploymentPodNames(name: string, replicas: number): string[] {
  return replicas === 1 ? [`${name}-pod`] : Array.from({ length: replicas }, (_, i) => `${name}-pod-${i}`);
}

export function planPlay(objects: KubeObject[]): PlayPlan {
  const warnings: string[] = [];
  const pods: PodPlan[] = [];
  const configMaps = new Map<string, Record<string, Buffer>>();
  const secrets = new Map<string, Record<string, Buffer>>();
  const claims = new Map<string, string>();
  for (const { kind, name, doc, object: o } of objects) {
    switch (kind) {
      case 'Pod':
        checkPodSpec(doc, ['spec'], o.spec);
        pods.push({ name, owner: `Pod/${name}`, labels: stringMap(o.metadata?.labels), spec: o.spec, doc, specPath: ['spec'], ports: [], aliases: [] });
        break;
      case 'Deployment': {
        const replicas = o.spec?.replicas ?? 1;
        if (!Number.isInteger(replicas) || replicas < 0 || replicas > 100) throw doc.error(['spec', 'replicas'], `"${String(replicas)}" is not a replica count (0 to 100)`);
        const tmpl = o.spec?.template;
        checkPodSpec(doc, ['spec', 'template', 'spec'], tmpl?.spec);
        const labels = stringMap(tmpl?.metadata?.labels);
        const sel = o.spec?.selector?.matchLabels;
        if (sel && !Object.entries(sel).every(([k, v]) => labels[k] === v)) throw doc.error(['spec', 'selector'], 'does not match the template\'s labels');
        for (const pod of deploymentPodNames(name, replicas)) {
          pods.push({ name: pod, owner: `Deployment/${name}`, labels, spec: tmpl.spec, doc, specPath: ['spec', 'template', 'spec'], ports: [], aliases: [] });
        }
        break;
      }
      case 'ConfigMap': {
        const data: Record<string, Buffer> = {};
        for (const [k, v] of Object.entries(o.data ?? {})) data[k] = Buffer.from(String(v));
        for (const [k, v] of Object.entries(o.binaryData ?? {})) data[k] = Buffer.from(String(v), 'base64');
        configMaps.set(name, data);
        break;
      }
      case 'Secret': {
        const data: Record<string, Buffer> = {};
        for (const [k, v] of Object.entries(o.data ?? {})) {
          if (!/^[A-Za-z0-9+/]*={0,2}$/.test(String(v).replace(/\s/g, ''))) throw doc.error(['data', k], 'not base64 (a Secret\'s data is base64; use stringData for plain text)');
          data[k] = Buffer.from(String(v), 'base64');
        }
        for (const [k, v] of Object.entries(o.stringData ?? {})) data[k] = Buffer.from(String(v));
        secrets.set(name, data);
        break;
      }
      case 'PersistentVolumeClaim': {
        const volume = o.metadata?.annotations?.[KUBE_VOLUME_ANNOTATION];
        if (volume !== undefined && (typeof volume !== 'string' || !/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(volume))) throw doc.error(['metadata', 'annotations', KUBE_VOLUME_ANNOTATION], `"${String(volume)}" is not a volume name`);
        claims.set(name, volume ?? name);
        break;
      }
      case 'Service':
        break;
    }
  }
  const podNames = new Set<string>();
  for (const p of pods) {
    if (podNames.has(p.name)) throw p.doc.error(['metadata', 'name'], `a second pod named ${p.name} in this play`);
    podNames.add(p.name);
    p.aliases.push(p.name);
    if (typeof p.spec.hostname === 'string' && p.spec.hostname && p.spec.hostname !== p.name) p.aliases.push(p.spec.hostname);
    p.spec.containers.forEach((c: any, ci: number) => (c.ports ?? []).forEach((port: any, pi: number) => {
      if (port.hostPort === undefined) return;
      const path = [...p.specPath, 'containers', ci, 'ports', pi];
      addPort(p, { hostPort: portNumber(p.doc, [...path, 'hostPort'], port.hostPort), containerPort: portNumber(p.doc, [...path, 'containerPort'], port.containerPort), protocol: protocolOf(port.protocol), hostIP: port.hostIP });
    }));
  }
  for (const { kind, name, doc, object: o } of objects) {
    if (kind !== 'Service') continue;
    const selector = stringMap(o.spec?.selector);
    const matched = Object.keys(selector).length ? pods.filter((p) => Object.entries(selector).every(([k, v]) => p.labels[k] === v)) : [];
    if (!matched.length) { warnings.push(`${doc.where(['spec', 'selector'])}: Service ${name} selects no pod of this play; nothing published for it`); continue; }
    for (const p of matched) if (!p.aliases.includes(name)) p.aliases.push(name);
    (o.spec?.ports ?? []).forEach((sp: any, i: number) => {
      const path: FieldPath = ['spec', 'ports', i];
      const port = portNumber(doc, [...path, 'port'], sp.port);
      const host = sp.nodePort !== undefined ? portNumber(doc, [...path, 'nodePort'], sp.nodePort) : port;
      const first = matched[0];
      const target = targetPortOf(doc, [...path, 'targetPort'], sp.targetPort ?? port, first);
      addPort(first, { hostPort: host, containerPort: target, protocol: protocolOf(sp.protocol) });
      if (matched.length > 1) warnings.push(`${doc.where([...path])}: Service ${name}: host port ${host} goes to pod ${first.name} only (one host port cannot reach ${matched.length} pods)`);
    });
  }
  return { pods, configMaps, secrets, claims, warnings };
}

/** Same host port and protocol once (a container's hostPort and a Service for it) */
function addPort(p: PodPlan, port: PortPublish): void {
  if (p.ports.some((q) => q.hostPort === port.hostPort && q.protocol === port.protocol && (q.hostIP ?? '') === (port.hostIP ?? ''))) return;
  p.ports.push(port);
}

function targetPortOf(doc: KubeDocument, path: FieldPath, v: unknown, pod: PodPlan): number {
  if (typeof v === 'number') return portNumber(doc, path, v);
  const named = (pod.spec.containers as any[]).flatMap((c) => c.ports ?? []).find((p: any) => p.name === v);
  if (!named) throw doc.error(path, `no container port named "${String(v)}" in pod ${pod.name}`);
  return named.containerPort;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out[k] = String(x);
  return out;
}

const CONTAINER_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function checkPodSpec(doc: KubeDocument, path: FieldPath, spec: any): void {
  if (!spec || typeof spec !== 'object') throw doc.error(path, 'missing: a pod needs a spec');
  if (!Array.isArray(spec.containers) || spec.containers.length === 0) throw doc.error([...path, 'containers'], 'a pod needs at least one container');
  const names = new Set<string>();
  for (const list of ['initContainers', 'containers'] as const) {
    if (spec[list] !== undefined && !Array.isArray(spec[list])) throw doc.error([...path, list], 'must be a list');
    (spec[list] ?? []).forEach((c: any, i: number) => {
      const at = [...path, list, i];
      if (!c || typeof c !== 'object') throw doc.error(at, 'a container must be a mapping');
      if (typeof c.name !== 'string' || !CONTAINER_NAME.test(c.name)) throw doc.error([...at, 'name'], `invalid or missing container name "${String(c.name ?? '')}"`);
      if (names.has(c.name)) throw doc.error([...at, 'name'], `a second container named ${c.name} in this pod`);
      names.add(c.name);
      if (typeof c.image !== 'string' || !c.image) throw doc.error([...at, 'image'], 'missing: a container needs an image');
      for (const k of ['command', 'args'] as const) {
        if (c[k] !== undefined && !(Array.isArray(c[k]) && c[k].every((x: unknown) => typeof x === 'string' || typeof x === 'number'))) throw doc.error([...at, k], 'must be a list of strings');
      }
    });
  }
  const vols = new Set<string>();
  (spec.volumes ?? []).forEach((v: any, i: number) => {
    if (typeof v?.name !== 'string') throw doc.error([...path, 'volumes', i, 'name'], 'missing: a volume needs a name');
    vols.add(v.name);
  });
  for (const list of ['initContainers', 'containers'] as const) (spec[list] ?? []).forEach((c: any, i: number) => (c.volumeMounts ?? []).forEach((m: any, j: number) => {
    const at = [...path, list, i, 'volumeMounts', j];
    if (!vols.has(m.name)) throw doc.error([...at, 'name'], `no volume named "${String(m.name)}" in the pod's volumes`);
    if (typeof m.mountPath !== 'string' || !m.mountPath.startsWith('/')) throw doc.error([...at, 'mountPath'], 'must be an absolute path');
  }));
  const policy = spec.restartPolicy;
  if (policy !== undefined && !['Always', 'OnFailure', 'Never'].includes(policy)) throw doc.error([...path, 'restartPolicy'], `"${String(policy)}" is not Always, OnFailure or Never`);
}

export function invalid(message: string): InvalidArgumentError {
  return new InvalidArgumentError(message, 'ERR_KUBE_FIELD');
}

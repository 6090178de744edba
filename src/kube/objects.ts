/**
 * Which Kubernetes objects and fields `kube play` runs. Every field outside these trees is named in a
 * warning (file, line, field path) and left out; a document that is not a Kubernetes object, or of a
 * kind no Kubernetes API group has, is an error at its `kind` line. Known kinds that berth does not run
 * (StatefulSet, Ingress, ...) and custom resources are warned about and skipped, as podman does.
 */
import { KubeDocument, type FieldPath, fieldName } from './source.js';

/** A field tree: `true` takes the field whole; an object lists its supported keys; [tree] is a list of tree. */
type Tree = true | { [key: string]: Tree } | [Tree];

const METADATA: Tree = { name: true, namespace: true, labels: true, annotations: true, creationTimestamp: true, generateName: true };
const ENV_VAR: Tree = { name: true, value: true, valueFrom: { configMapKeyRef: { name: true, key: true, optional: true }, secretKeyRef: { name: true, key: true, optional: true }, fieldRef: { fieldPath: true, apiVersion: true } } };
const ENV_FROM: Tree = { prefix: true, configMapRef: { name: true, optional: true }, secretRef: { name: true, optional: true } };
const CAPS: Tree = { add: true, drop: true };
const CONTAINER: Tree = {
  name: true, image: true, command: true, args: true, workingDir: true, tty: true, stdin: true, stdinOnce: true, imagePullPolicy: true,
  env: [ENV_VAR], envFrom: [ENV_FROM],
  ports: [{ name: true, containerPort: true, hostPort: true, hostIP: true, protocol: true }],
  volumeMounts: [{ name: true, mountPath: true, readOnly: true, subPath: true }],
  resources: { limits: { cpu: true, memory: true }, requests: { cpu: true, memory: true } },
  securityContext: { runAsUser: true, runAsGroup: true, privileged: true, readOnlyRootFilesystem: true, capabilities: CAPS, allowPrivilegeEscalation: true },
  terminationMessagePath: true, terminationMessagePolicy: true,
};
const KEY_ITEMS: Tree = [{ key: true, path: true, mode: true }];
const VOLUME: Tree = {
  name: true,
  hostPath: { path: true, type: true },
  emptyDir: { medium: true, sizeLimit: true },
  persistentVolumeClaim: { claimName: true, readOnly: true },
  configMap: { name: true, items: KEY_ITEMS, defaultMode: true, optional: true },
  secret: { secretName: true, items: KEY_ITEMS, defaultMode: true, optional: true },
};
const POD_SPEC: Tree = {
  containers: [CONTAINER], initContainers: [CONTAINER], volumes: [VOLUME], restartPolicy: true, hostname: true,
  hostNetwork: true, shareProcessNamespace: true, terminationGracePeriodSeconds: true,
  hostAliases: [{ ip: true, hostnames: true }],
  securityContext: { runAsUser: true, runAsGroup: true, supplementalGroups: true },
  dnsPolicy: true, enableServiceLinks: true,
};
const TREES: Record<SupportedKind, Tree> = {
  Pod: { apiVersion: true, kind: true, metadata: METADATA, spec: POD_SPEC, status: true },
  Deployment: { apiVersion: true, kind: true, metadata: METADATA, status: true,
    spec: { replicas: true, selector: true, template: { metadata: METADATA, spec: POD_SPEC } } },
  Service: { apiVersion: true, kind: true, metadata: METADATA, status: true,
    spec: { selector: true, type: true, ports: [{ name: true, port: true, targetPort: true, nodePort: true, protocol: true }] } },
  ConfigMap: { apiVersion: true, kind: true, metadata: METADATA, data: true, binaryData: true, immutable: true },
  Secret: { apiVersion: true, kind: true, metadata: METADATA, data: true, stringData: true, type: true, immutable: true },
  PersistentVolumeClaim: { apiVersion: true, kind: true, metadata: METADATA, status: true,
    spec: { accessModes: true, resources: true, storageClassName: true, volumeMode: true } },
};

export type SupportedKind = 'Pod' | 'Deployment' | 'Service' | 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim';
const API_VERSIONS: Record<SupportedKind, string> = {
  Pod: 'v1', Deployment: 'apps/v1', Service: 'v1', ConfigMap: 'v1', Secret: 'v1', PersistentVolumeClaim: 'v1',
};
/** Kinds of Kubernetes' own API groups that berth does not run: warned about, skipped. */
const KNOWN_UNSUPPORTED = new Set([
  'Namespace', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Ingress', 'IngressClass',
  'NetworkPolicy', 'ServiceAccount', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume',
  'StorageClass', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'LimitRange', 'ResourceQuota', 'Endpoints', 'EndpointSlice',
  'PodTemplate', 'CustomResourceDefinition', 'Event', 'Node', 'PriorityClass', 'RuntimeClass', 'Lease', 'CSIDriver',
  'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService', 'CertificateSigningRequest', 'VolumeAttachment',
]);

export interface KubeObject { kind: SupportedKind; name: string; doc: KubeDocument; object: any }
export interface ReadResult { objects: KubeObject[]; warnings: string[] }

/** A Kubernetes API group of the project's own (core, apps, *.k8s.io): an unknown kind there is a typo, not a custom resource. */
function isCoreGroup(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  return group === '' || group === 'apps' || group === 'batch' || group === 'policy' || group === 'autoscaling' || group.endsWith('.k8s.io');
}

const NAME_RE = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Sort the documents into objects berth runs; every skipped object and field is one warning line. */
export function readObjects(docs: KubeDocument[]): ReadResult {
  const objects: KubeObject[] = [];
  const warnings: string[] = [];
  const visit = (doc: KubeDocument) => {
    const o = doc.object;
    if (typeof o !== 'object' || Array.isArray(o)) throw doc.error([], 'a Kubernetes object must be a mapping with apiVersion, kind and metadata', 'ERR_KUBE_YAML');
    if (typeof o.kind !== 'string' || !o.kind) throw doc.error(['kind'], 'missing or empty: every object needs a kind', 'ERR_KUBE_KIND');
    if (typeof o.apiVersion !== 'string' || !o.apiVersion) throw doc.error(['apiVersion'], 'missing or empty: every object needs an apiVersion', 'ERR_KUBE_KIND');
    if (o.kind === 'List') {
      if (!Array.isArray(o.items)) throw doc.error(['items'], 'a List needs a list of items', 'ERR_KUBE_FIELD');
      o.items.forEach((item: unknown, i: number) => visit(doc.child(item, ['items', i])));
      return;
    }
    const kind = o.kind as SupportedKind;
    if (!(kind in TREES)) {
      if (KNOWN_UNSUPPORTED.has(o.kind) || !isCoreGroup(o.apiVersion)) {
        warnings.push(`${doc.where(['kind'])}: kind ${o.kind} (${o.apiVersion}) is not supported by berth kube play; skipped`);
        return;
      }
      throw doc.error(['kind'], `unknown kind "${o.kind}" in ${o.apiVersion} (berth kube play runs ${Object.keys(TREES).join(', ')})`, 'ERR_KUBE_KIND');
    }
    if (o.apiVersion !== API_VERSIONS[kind]) throw doc.error(['apiVersion'], `${kind} is in apiVersion ${API_VERSIONS[kind]}, not "${o.apiVersion}"`, 'ERR_KUBE_KIND');
    const name = o.metadata?.name;
    if (typeof name !== 'string' || !name) throw doc.error(['metadata', 'name'], `missing: a ${kind} needs a name`);
    if (!NAME_RE.test(name) || name.length > 253) throw doc.error(['metadata', 'name'], `invalid name "${name}": lower case letters, digits, '-' and '.', starting and ending with a letter or digit`);
    unsupportedFields(o, TREES[kind], [], doc, kind, name, warnings);
    objects.push({ kind, name, doc, object: o });
  };
  for (const d of docs) visit(d);
  return { objects, warnings };
}

function unsupportedFields(value: unknown, tree: Tree, path: FieldPath, doc: KubeDocument, kind: string, name: string, warnings: string[]): void {
  if (tree === true || value === null || value === undefined) return;
  if (Array.isArray(tree)) {
    if (Array.isArray(value)) value.forEach((v, i) => unsupportedFields(v, tree[0], [...path, i], doc, kind, name, warnings));
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    const sub = tree[k];
    if (sub === undefined) {
      warnings.push(`${doc.where([...path, k])}: ${kind} ${name}: field ${fieldName([...path, k])} is not supported by berth kube play; ignored`);
      continue;
    }
    unsupportedFields(v, sub, [...path, k], doc, kind, name, warnings);
  }
}

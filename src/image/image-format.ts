/**
 * Image config and manifest documents: OCI media types are written, OCI and
 * Docker v2 schema 2 are read. The config JSON is built with a fixed key order
 * so that the same inputs always give the same image ID.
 */
import { createHash } from 'node:crypto';
import { InvalidArgumentError, NotFoundError, NotSupportedError } from '../common/errors.js';

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar',
  ociLayerZstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayerGzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  dockerForeignLayer: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
} as const;

export const MANIFEST_TYPES: readonly string[] = [MEDIA.ociManifest, MEDIA.dockerManifest];
export const INDEX_TYPES: readonly string[] = [MEDIA.ociIndex, MEDIA.dockerManifestList];
const LAYER_TYPES: readonly string[] = [MEDIA.ociLayerGzip, MEDIA.ociLayer, MEDIA.ociLayerZstd, MEDIA.dockerLayerGzip, MEDIA.dockerForeignLayer];

export interface Descriptor { mediaType: string; digest: string; size: number; annotations?: Record<string, string>; platform?: Platform }
export interface Platform { architecture: string; os: string; variant?: string }
export interface Manifest { schemaVersion: 2; mediaType: string; config: Descriptor; layers: Descriptor[]; annotations?: Record<string, string> }

export interface HistoryEntry { created?: string; created_by?: string; author?: string; comment?: string; empty_layer?: boolean }

/** Node's process.arch as Go's GOARCH (the names image configs use). */
export function goArch(arch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', mips: 'mips', mipsel: 'mipsle' };
  return map[arch] ?? arch;
}

/** The host platform, for picking a manifest out of an index. */
export function hostPlatform(): Platform {
  const p: Platform = { architecture: goArch(), os: 'linux' };
  if (process.arch === 'arm64') p.variant = 'v8';
  return p;
}

/** OCI ChainID: chain(0) = diffId(0); chain(n) = sha256(chain(n-1) + " " + diffId(n)). */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) {
    out.push(out.length === 0 ? d : 'sha256:' + createHash('sha256').update(`${out[out.length - 1]} ${d}`).digest('hex'));
  }
  return out;
}

/** Keep only the container-config keys images carry, in Docker's order, dropping empty ones. */
function cleanContainerConfig(c: any): any {
  const out: any = {};
  const keys = ['User', 'ExposedPorts', 'Env', 'Entrypoint', 'Cmd', 'Healthcheck', 'ArgsEscaped', 'Volumes', 'WorkingDir', 'Labels', 'OnBuild', 'StopSignal', 'Shell'];
  for (const k of keys) {
    const v = c?.[k];
    if (v === undefined || v === null || v === '' || v === false) continue;
    if (Array.isArray(v) && v.length === 0 && k !== 'Entrypoint' && k !== 'Cmd') continue;
    if (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}

/** Serialise an image config with a fixed key order (the bytes are the image ID). */
export function buildConfigJson(input: {
  architecture: string; os: string; variant?: string; author?: string; comment?: string; created: string;
  config: any; diffIds: string[]; history: HistoryEntry[];
}): string {
  const doc: any = { architecture: input.architecture };
  if (input.author) doc.author = input.author;
  if (input.comment) doc.comment = input.comment;
  doc.config = cleanContainerConfig(input.config);
  doc.created = input.created;
  doc.history = input.history.map((h) => {
    const e: any = {};
    if (h.created) e.created = h.created;
    if (h.author) e.author = h.author;
    if (h.created_by) e.created_by = h.created_by;
    if (h.comment) e.comment = h.comment;
    if (h.empty_layer) e.empty_layer = true;
    return e;
  });
  doc.os = input.os;
  doc.rootfs = { type: 'layers', diff_ids: input.diffIds };
  if (input.variant) doc.variant = input.variant;
  return JSON.stringify(doc);
}

export function buildManifestJson(config: Descriptor, layers: Descriptor[]): string {
  const m: Manifest = { schemaVersion: 2, mediaType: MEDIA.ociManifest, config, layers };
  return JSON.stringify(m);
}

/** Validate a manifest document (OCI or Docker schema 2) and give it back typed. */
export function parseManifest(raw: Buffer | string, mediaTypeHint?: string): Manifest {
  let doc: any;
  try { doc = JSON.parse(raw.toString()); } catch { throw new InvalidArgumentError('manifest is not valid JSON', 'ERR_MANIFEST_INVALID'); }
  const mt = doc.mediaType ?? mediaTypeHint ?? MEDIA.ociManifest;
  if (INDEX_TYPES.includes(mt) || Array.isArray(doc.manifests)) {
    throw new InvalidArgumentError('expected an image manifest, got an index (select a platform first)', 'ERR_MANIFEST_IS_INDEX');
  }
  if (doc.schemaVersion !== 2) throw new NotSupportedError(`manifest schema version ${doc.schemaVersion} is not supported`, 'ERR_MANIFEST_UNSUPPORTED');
  if (!MANIFEST_TYPES.includes(mt)) throw new NotSupportedError(`manifest media type ${mt} is not supported`, 'ERR_MANIFEST_UNSUPPORTED');
  if (!doc.config?.digest || !Array.isArray(doc.layers)) throw new InvalidArgumentError('manifest lacks config or layers', 'ERR_MANIFEST_INVALID');
  for (const l of doc.layers) {
    if (!LAYER_TYPES.includes(l.mediaType)) throw new NotSupportedError(`layer media type ${l.mediaType} is not supported`, 'ERR_LAYER_UNSUPPORTED');
  }
  return { ...doc, mediaType: mt } as Manifest;
}

/** Pick the host's manifest from an OCI index / Docker manifest list. */
export function selectPlatformManifest(index: any, want: Platform = hostPlatform()): Descriptor {
  const ms: Descriptor[] = Array.isArray(index?.manifests) ? index.manifests : [];
  const candidates = ms.filter((m) => m.platform && m.platform.os === want.os && m.platform.architecture === want.architecture
    && MANIFEST_TYPES.includes(m.mediaType));
  const exact = candidates.find((m) => !want.variant || !m.platform!.variant || m.platform!.variant === want.variant);
  const pick = exact ?? candidates[0];
  if (!pick) throw new NotFoundError(`no matching manifest for ${want.os}/${want.architecture}${want.variant ? '/' + want.variant : ''} in the manifest list entries`, 'ERR_PLATFORM_NOT_FOUND');
  return pick;
}


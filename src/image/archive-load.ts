/**
 * `load`: a docker-archive (manifest.json + config + layer tars, old layouts with symlinked
 * layers too) or an OCI image layout (index.json + blobs/), from a tar stream. The archive is read
 * once (archive-read.ts): hostile entries refused (absolute paths, `..`, links leaving the archive,
 * devices, too many entries or bytes), every member hashed on the way into the content store's
 * ingest dir, and layers unpacked into prepared layers while they stream. Then every blob an image
 * uses is checked against the digest the archive names and committed, ImageStore.addFromManifest
 * builds the image from the prepared layers (diff IDs checked against the config), and what a failed
 * load had added is removed. Nothing is registered unless the whole image checks out.
 *
 * A docker-archive that also carries an OCI layout (berth's and Docker 25+'s save) keeps each image's
 * own manifest from blobs/ when it matches the manifest.json entry, so the manifest digest, which
 * signatures name, survives a save and load. Referrers saved with an image (archive-save.ts's
 * REFERRERS_ANNOTATION, or index.json entries whose manifest has a subject, as `cosign save` and oras
 * write) are loaded into the referrer store when their subject is an image loaded here.
 */
import type { Readable } from 'node:stream';
import { ArchiveError } from '../common/errors.js';
import { DIGEST_RE, sha256 } from '../common/digest.js';
import type { ImageStore } from './image-store.js';
import type { ReferrerStore } from './referrers.js';
import { REFERRERS_ANNOTATION } from './archive-save.js';
import { ArchiveMembers, type Member } from './archive-read.js';
import { INDEX_TYPES, MEDIA, buildManifestJson, hostPlatform, selectPlatformManifest } from './image-format.js';
import { parseNormalizedNamed } from './reference.js';

export interface LoadLimits { maxEntries?: number; maxBytes?: number; maxJsonBytes?: number }
export interface Loaded { id: string; tag?: string; /** the image's manifest digest */ manifestDigest?: string }

const DEFAULTS = { maxEntries: 100_000, maxBytes: 64 * 1024 ** 3, maxJsonBytes: 16 * 1024 * 1024 };

function sniff(head: Buffer): string {
  if (head[0] === 0x1f && head[1] === 0x8b) return MEDIA.ociLayerGzip;
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return MEDIA.ociLayerZstd;
  return MEDIA.ociLayer;
}

/** The members of one load, with the blobs it added to the content store (removed again if the load fails). */
class Load {
  readonly added: string[] = [];
  constructor(readonly images: ImageStore, readonly ex: ArchiveMembers) {}
  async commit(m: Member, expected?: string): Promise<{ digest: string; size: number }> {
    if (await this.ex.commitBlob(m, expected)) this.added.push(m.digest);
    return { digest: m.digest, size: m.size };
  }
  /** A document load makes itself (a docker-archive's manifest). */
  async put(data: string): Promise<string> {
    const digest = sha256(data);
    if (!this.images.content.has(digest)) { await this.images.content.put(data, digest); this.added.push(digest); }
    return digest;
  }
  /** A blob the archive names by digest (OCI layout), checked against it. */
  async putBlob(digest: string): Promise<void> {
    if (typeof digest !== 'string' || !DIGEST_RE.test(digest)) throw new ArchiveError(`invalid digest in OCI layout: ${digest}`, 'ERR_ARCHIVE_INVALID');
    if (this.images.content.has(digest)) return;
    await this.commit(this.ex.member(`blobs/sha256/${digest.slice(7)}`), digest);
  }
  /** After a failure: the blobs this load added that no image uses (an image loaded before the failure keeps its own). */
  async rollback(): Promise<void> {
    for (const d of this.added) if (!this.images.blobReferenced(d) && !this.images.options.blobHeld?.(d)) await this.images.content.delete(d);
  }
  addFromManifest(opts: { manifestDigest: string; mediaType?: string; tags: string[] }) {
    return this.images.addFromManifest({ ...opts, prepared: (d) => this.ex.preparedLayer(d) });
  }
}

async function loadDockerArchive(ld: Load, limits: Required<LoadLimits>): Promise<Loaded[]> {
  const { ex } = ld;
  const entries = ex.json('manifest.json', limits.maxJsonBytes);
  if (!Array.isArray(entries)) throw new ArchiveError('manifest.json is not a list', 'ERR_ARCHIVE_INVALID');
  const out: Loaded[] = [];
  const originals = ex.has('index.json') ? layoutManifests(ex, limits) : new Map<string, { desc: { digest: string; mediaType: string }; layers: string[] }>();
  for (const e of entries) {
    if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers)) throw new ArchiveError('manifest.json entry lacks Config or Layers', 'ERR_ARCHIVE_INVALID');
    const cfg = await ld.commit(ex.member(e.Config));
    const layers: Array<{ mediaType: string; digest: string; size: number }> = [];
    for (const l of e.Layers as string[]) {
      const m = ex.member(String(l));
      const mediaType = sniff(m.head);
      const b = await ld.commit(m);
      layers.push({ mediaType, digest: b.digest, size: b.size });
    }
    const original = originals.get(cfg.digest);
    const sameLayers = original !== undefined && original.layers.length === layers.length && original.layers.every((d, i) => d === layers[i]!.digest);
    let manifestDigest: string;
    let mediaType: string | undefined;
    if (original && sameLayers) {
      await ld.putBlob(original.desc.digest);
      manifestDigest = original.desc.digest;
      mediaType = original.desc.mediaType;
    } else {
      manifestDigest = await ld.put(buildManifestJson({ mediaType: MEDIA.ociConfig, digest: cfg.digest, size: cfg.size }, layers));
    }
    const tags = (Array.isArray(e.RepoTags) ? e.RepoTags : []).map((t: string) => parseTag(t)).filter(Boolean) as string[];
    const img = await ld.addFromManifest({ manifestDigest, mediaType, tags });
    if (tags.length) for (const t of tags) out.push({ id: img.id, tag: t, manifestDigest });
    else out.push({ id: img.id, manifestDigest });
  }
  return out;
}

/**
 * The image manifests an OCI layout beside manifest.json holds, by config digest (only those whose
 * blob is in the archive and parses; the blobs are verified when stored).
 */
function layoutManifests(ex: ArchiveMembers, limits: Required<LoadLimits>): Map<string, { desc: { digest: string; mediaType: string }; layers: string[] }> {
  const out = new Map<string, { desc: { digest: string; mediaType: string }; layers: string[] }>();
  let index: any;
  try { index = ex.json('index.json', limits.maxJsonBytes); } catch { return out; }
  for (const d of Array.isArray(index?.manifests) ? index.manifests : []) {
    if (typeof d?.digest !== 'string' || !DIGEST_RE.test(d.digest) || INDEX_TYPES.includes(d.mediaType)) continue;
    const name = `blobs/sha256/${d.digest.slice(7)}`;
    if (!ex.has(name)) continue;
    let m: any;
    try { m = ex.json(name, limits.maxJsonBytes); } catch { continue; }
    if (typeof m?.config?.digest !== 'string' || !Array.isArray(m.layers) || m.subject) continue;
    out.set(m.config.digest, { desc: { digest: d.digest, mediaType: m.mediaType ?? d.mediaType ?? MEDIA.ociManifest }, layers: m.layers.map((l: any) => String(l?.digest)) });
  }
  return out;
}

/**
 * Referrers saved with the images: named by an image entry's REFERRERS_ANNOTATION, or index.json
 * entries of their own whose manifest has a subject. Only those whose subject is an image loaded from
 * this archive are kept (a referrer without its image would never be removed).
 */
async function loadReferrers(ld: Load, referrers: ReferrerStore, limits: Required<LoadLimits>, loaded: Loaded[]): Promise<void> {
  const { ex } = ld;
  if (!ex.has('index.json')) return;
  const subjects = new Set(loaded.map((l) => l.manifestDigest).filter(Boolean));
  const index = ex.json('index.json', limits.maxJsonBytes);
  const wanted = new Set<string>();
  for (const d of Array.isArray(index?.manifests) ? index.manifests : []) {
    const listed = d?.annotations?.[REFERRERS_ANNOTATION];
    if (typeof listed === 'string') {
      let descs: any;
      try { descs = JSON.parse(listed); } catch { throw new ArchiveError(`index.json: ${REFERRERS_ANNOTATION} is not valid JSON`, 'ERR_ARCHIVE_INVALID'); }
      for (const r of Array.isArray(descs) ? descs : []) if (typeof r?.digest === 'string') wanted.add(r.digest);
    }
    if (typeof d?.digest === 'string' && d.mediaType === MEDIA.ociManifest && subjects.size) wanted.add(d.digest);
  }
  for (const digest of wanted) {
    if (!DIGEST_RE.test(digest)) throw new ArchiveError(`invalid referrer digest in index.json: ${digest}`, 'ERR_ARCHIVE_INVALID');
    const name = `blobs/sha256/${digest.slice(7)}`;
    if (!ex.has(name)) continue;
    let m: any;
    try { m = ex.json(name, limits.maxJsonBytes); } catch { continue; }
    if (typeof m?.subject?.digest !== 'string' || !subjects.has(m.subject.digest)) continue;
    for (const b of [m.config, ...(Array.isArray(m.layers) ? m.layers : [])]) await ld.putBlob(b?.digest);
    await referrers.add(ex.bytes(name), digest);
  }
}

/** An index.json entry whose manifest has a subject (looked at in the archive, before anything is stored). */
function isReferrerEntry(ex: ArchiveMembers, d: any, limits: Required<LoadLimits>): boolean {
  if (typeof d?.digest !== 'string' || !DIGEST_RE.test(d.digest) || INDEX_TYPES.includes(d.mediaType)) return false;
  const name = `blobs/sha256/${d.digest.slice(7)}`;
  if (!ex.has(name)) return false;
  try { return Boolean(ex.json(name, limits.maxJsonBytes)?.subject); } catch { return false; }
}

function parseTag(t: string): string | undefined {
  try { const n = parseNormalizedNamed(t); return n.digest ? undefined : `${n.domain}/${n.path}:${n.tag ?? 'latest'}`; } catch { return undefined; }
}

async function loadOciLayout(ld: Load, limits: Required<LoadLimits>): Promise<Loaded[]> {
  const { images, ex } = ld;
  const index = ex.json('index.json', limits.maxJsonBytes);
  const out: Loaded[] = [];
  for (const d of Array.isArray(index?.manifests) ? index.manifests : []) {
    let desc = d;
    if (isReferrerEntry(ex, d, limits)) continue; // a signature or SBOM of its own: loadReferrers takes it
    await ld.putBlob(desc.digest);
    if (INDEX_TYPES.includes(desc.mediaType)) {
      desc = selectPlatformManifest(images.content.readJson(desc.digest), hostPlatform());
      await ld.putBlob(desc.digest);
    }
    const m: any = images.content.readJson(desc.digest);
    if (!m?.config?.digest || !Array.isArray(m.layers)) throw new ArchiveError(`manifest ${desc.digest} lacks config or layers`, 'ERR_ARCHIVE_INVALID');
    await ld.putBlob(m.config.digest);
    for (const l of m.layers) await ld.putBlob(l.digest);
    const ann = d.annotations ?? {};
    const name = ann['io.containerd.image.name'] ?? (String(ann['org.opencontainers.image.ref.name'] ?? '').match(/[/:]/) ? ann['org.opencontainers.image.ref.name'] : undefined);
    const tag = name ? parseTag(name) : undefined;
    const img = await ld.addFromManifest({ manifestDigest: desc.digest, mediaType: desc.mediaType, tags: tag ? [tag] : [] });
    out.push({ id: img.id, tag, manifestDigest: desc.digest });
  }
  return out;
}

/** `tmpDir` is no longer used (members go straight to the content store's ingest dir); kept for callers. */
export async function loadArchive(images: ImageStore, src: Readable, opts: { tmpDir?: string; limits?: LoadLimits; referrers?: ReferrerStore } = {}): Promise<Loaded[]> {
  const limits = { ...DEFAULTS, ...opts.limits };
  const ex = new ArchiveMembers(images.content, images.layers, limits);
  const ld = new Load(images, ex);
  try {
    await ex.read(src);
    let loaded: Loaded[];
    if (ex.has('manifest.json')) loaded = await loadDockerArchive(ld, limits);
    else if (ex.has('index.json')) loaded = await loadOciLayout(ld, limits);
    else throw new ArchiveError('not an image archive: no manifest.json or index.json', 'ERR_ARCHIVE_INVALID');
    if (opts.referrers) await loadReferrers(ld, opts.referrers, limits, loaded);
    return loaded;
  } catch (e) {
    await ld.rollback();
    throw e;
  } finally {
    await ex.dispose();
  }
}

/**
 * `load`: a docker-archive (manifest.json + config + layer tars, old layouts with symlinked
 * layers too) or an OCI image layout (index.json + blobs/), from a tar stream. The tar is
 * first unpacked into a private temp dir with hostile entries refused (absolute paths, `..`,
 * links leaving the archive, devices, too many entries or bytes); then every blob goes
 * through the content store with its digest verified and ImageStore.addFromManifest builds
 * the image. Nothing is registered unless the whole image checks out.
 *
 * A docker-archive that also carries an OCI layout (berth's and Docker 25+'s save) keeps each image's
 * own manifest from blobs/ when it matches the manifest.json entry, so the manifest digest, which
 * signatures name, survives a save and load. Referrers saved with an image (archive-save.ts's
 * REFERRERS_ANNOTATION, or index.json entries whose manifest has a subject, as `cosign save` and oras
 * write) are loaded into the referrer store when their subject is an image loaded here.
 */
import { createReadStream, createWriteStream, mkdirSync, openSync, readSync, closeSync, readFileSync, existsSync, lstatSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { dirname, join, normalize, posix } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { ArchiveError, BerthError } from '../common/errors.js';
import { DIGEST_RE } from '../common/digest.js';
import type { ImageStore } from './image-store.js';
import type { ReferrerStore } from './referrers.js';
import { REFERRERS_ANNOTATION } from './archive-save.js';
import { INDEX_TYPES, MEDIA, buildManifestJson, hostPlatform, selectPlatformManifest } from './image-format.js';
import { parseNormalizedNamed } from './reference.js';

export interface LoadLimits { maxEntries?: number; maxBytes?: number; maxJsonBytes?: number }
export interface Loaded { id: string; tag?: string; /** the image's manifest digest */ manifestDigest?: string }

const DEFAULTS = { maxEntries: 100_000, maxBytes: 64 * 1024 ** 3, maxJsonBytes: 16 * 1024 * 1024 };

/** Archive member names, normalised; anything leaving the archive is refused. */
function safeName(name: string): string {
  const n = posix.normalize(name.replace(/^\.\/+/, '')).replace(/\/+$/, '');
  if (n === '' || n === '.') return '';
  if (n.startsWith('/') || n === '..' || n.startsWith('../') || n.includes('\0')) throw new ArchiveError(`archive entry escapes the archive: ${name}`, 'ERR_ARCHIVE_HOSTILE');
  return n;
}

class Extracted {
  links = new Map<string, string>();
  constructor(readonly dir: string) {}
  /** A member's file path, following in-archive symlinks (old docker save links layers). */
  path(name: string): string {
    let n = safeName(name);
    for (let hops = 0; hops < 16; hops++) {
      const target = this.links.get(n);
      if (target === undefined) {
        const p = join(this.dir, n);
        if (!existsSync(p) || !lstatSync(p).isFile()) throw new ArchiveError(`archive lacks ${name}`, 'ERR_ARCHIVE_INVALID');
        return p;
      }
      n = safeName(posix.join(posix.dirname(n), target));
    }
    throw new ArchiveError(`too many links resolving ${name}`, 'ERR_ARCHIVE_HOSTILE');
  }
  has(name: string): boolean { try { this.path(name); return true; } catch { return false; } }
  json(name: string, limit: number): any {
    const p = this.path(name);
    const buf = readFileSync(p);
    if (buf.length > limit) throw new ArchiveError(`${name} is too large`, 'ERR_ARCHIVE_INVALID');
    try { return JSON.parse(buf.toString('utf8')); } catch { throw new ArchiveError(`${name} is not valid JSON`, 'ERR_ARCHIVE_INVALID'); }
  }
}

async function extract(src: Readable, dir: string, limits: Required<LoadLimits>): Promise<Extracted> {
  const ex = new Extracted(dir);
  const x = tar.extract();
  let entries = 0;
  let bytes = 0;
  x.on('entry', (h, stream, next) => {
    const fail = (e: Error) => { stream.resume(); x.destroy(e); };
    try {
      if (++entries > limits.maxEntries) throw new ArchiveError('archive has too many entries', 'ERR_ARCHIVE_LIMIT');
      const name = safeName(h.name);
      if (h.type === 'directory' || name === '') { stream.resume(); stream.on('end', next); return; }
      if (h.type === 'symlink' || h.type === 'link') {
        const target = h.type === 'link' ? posix.relative(posix.dirname(name), safeName(h.linkname ?? '')) : (h.linkname ?? '');
        if (target.startsWith('/')) throw new ArchiveError(`absolute link in archive: ${h.name}`, 'ERR_ARCHIVE_HOSTILE');
        safeName(posix.join(posix.dirname(name), target)); // must stay inside
        ex.links.set(name, target);
        stream.resume(); stream.on('end', next); return;
      }
      if (h.type !== 'file' && h.type !== 'contiguous-file') throw new ArchiveError(`unexpected ${h.type} entry in image archive: ${h.name}`, 'ERR_ARCHIVE_HOSTILE');
      bytes += h.size ?? 0;
      if (bytes > limits.maxBytes) throw new ArchiveError('archive is larger than the limit', 'ERR_ARCHIVE_LIMIT');
      const dest = join(dir, normalize(name));
      mkdirSync(dirname(dest), { recursive: true });
      pipeline(stream, createWriteStream(dest, { flags: 'wx', mode: 0o600 })).then(() => next(), fail);
    } catch (e) { fail(e as Error); }
  });
  await new Promise<void>((resolve, reject) => {
    x.on('finish', resolve);
    x.on('error', reject);
    src.on('error', reject);
    src.pipe(x);
  }).catch((e) => {
    src.destroy();
    x.destroy();
    // tar-stream's parse errors are plain Errors: a broken archive is the client's, not a daemon failure
    if (e instanceof BerthError) throw e;
    throw new ArchiveError(`invalid tar archive: ${(e as Error)?.message ?? e}`, 'ERR_ARCHIVE_CORRUPT');
  });
  return ex;
}

function sniff(path: string): string {
  const fd = openSync(path, 'r');
  const b = Buffer.alloc(4);
  try { readSync(fd, b, 0, 4, 0); } finally { closeSync(fd); }
  if (b[0] === 0x1f && b[1] === 0x8b) return MEDIA.ociLayerGzip;
  if (b.readUInt32LE(0) === 0xfd2fb528) return MEDIA.ociLayerZstd;
  return MEDIA.ociLayer;
}

async function loadDockerArchive(images: ImageStore, ex: Extracted, limits: Required<LoadLimits>): Promise<Loaded[]> {
  const entries = ex.json('manifest.json', limits.maxJsonBytes);
  if (!Array.isArray(entries)) throw new ArchiveError('manifest.json is not a list', 'ERR_ARCHIVE_INVALID');
  const out: Loaded[] = [];
  const originals = ex.has('index.json') ? layoutManifests(ex, limits) : new Map<string, { desc: { digest: string; mediaType: string }; layers: string[] }>();
  for (const e of entries) {
    if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers)) throw new ArchiveError('manifest.json entry lacks Config or Layers', 'ERR_ARCHIVE_INVALID');
    const cfgPath = ex.path(e.Config);
    const cfg = await images.content.putStream(createReadStream(cfgPath));
    const layers: Array<{ mediaType: string; digest: string; size: number }> = [];
    for (const l of e.Layers as string[]) {
      const p = ex.path(String(l));
      const mediaType = sniff(p);
      const b = await images.content.putStream(createReadStream(p));
      layers.push({ mediaType, digest: b.digest, size: b.size });
    }
    const original = originals.get(cfg.digest);
    const sameLayers = original !== undefined && original.layers.length === layers.length && original.layers.every((d, i) => d === layers[i]!.digest);
    let manifestDigest: string;
    let mediaType: string | undefined;
    if (original && sameLayers) {
      await putBlob(images, ex, original.desc.digest);
      manifestDigest = original.desc.digest;
      mediaType = original.desc.mediaType;
    } else {
      manifestDigest = (await images.content.put(buildManifestJson({ mediaType: MEDIA.ociConfig, digest: cfg.digest, size: cfg.size }, layers))).digest;
    }
    const tags = (Array.isArray(e.RepoTags) ? e.RepoTags : []).map((t: string) => parseTag(t)).filter(Boolean) as string[];
    const img = await images.addFromManifest({ manifestDigest, mediaType, tags });
    if (tags.length) for (const t of tags) out.push({ id: img.id, tag: t, manifestDigest });
    else out.push({ id: img.id, manifestDigest });
  }
  return out;
}

/**
 * The image manifests an OCI layout beside manifest.json holds, by config digest (only those whose
 * blob is in the archive and parses; the blobs are verified when stored).
 */
function layoutManifests(ex: Extracted, limits: Required<LoadLimits>): Map<string, { desc: { digest: string; mediaType: string }; layers: string[] }> {
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
async function loadReferrers(images: ImageStore, referrers: ReferrerStore, ex: Extracted, limits: Required<LoadLimits>, loaded: Loaded[]): Promise<void> {
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
    for (const b of [m.config, ...(Array.isArray(m.layers) ? m.layers : [])]) await putBlob(images, ex, b?.digest);
    await referrers.add(readFileSync(ex.path(name)), digest);
  }
}

/** An index.json entry whose manifest has a subject (looked at in the archive, before anything is stored). */
function isReferrerEntry(ex: Extracted, d: any, limits: Required<LoadLimits>): boolean {
  if (typeof d?.digest !== 'string' || !DIGEST_RE.test(d.digest) || INDEX_TYPES.includes(d.mediaType)) return false;
  const name = `blobs/sha256/${d.digest.slice(7)}`;
  if (!ex.has(name)) return false;
  try { return Boolean(ex.json(name, limits.maxJsonBytes)?.subject); } catch { return false; }
}

function parseTag(t: string): string | undefined {
  try { const n = parseNormalizedNamed(t); return n.digest ? undefined : `${n.domain}/${n.path}:${n.tag ?? 'latest'}`; } catch { return undefined; }
}

async function putBlob(images: ImageStore, ex: Extracted, digest: string): Promise<void> {
  if (typeof digest !== 'string' || !DIGEST_RE.test(digest)) throw new ArchiveError(`invalid digest in OCI layout: ${digest}`, 'ERR_ARCHIVE_INVALID');
  if (images.content.has(digest)) return;
  await images.content.putStream(createReadStream(ex.path(`blobs/sha256/${digest.slice(7)}`)), digest);
}

async function loadOciLayout(images: ImageStore, ex: Extracted, limits: Required<LoadLimits>): Promise<Loaded[]> {
  const index = ex.json('index.json', limits.maxJsonBytes);
  const out: Loaded[] = [];
  for (const d of Array.isArray(index?.manifests) ? index.manifests : []) {
    let desc = d;
    if (isReferrerEntry(ex, d, limits)) continue; // a signature or SBOM of its own: loadReferrers takes it
    await putBlob(images, ex, desc.digest);
    if (INDEX_TYPES.includes(desc.mediaType)) {
      desc = selectPlatformManifest(images.content.readJson(desc.digest), hostPlatform());
      await putBlob(images, ex, desc.digest);
    }
    const m: any = images.content.readJson(desc.digest);
    if (!m?.config?.digest || !Array.isArray(m.layers)) throw new ArchiveError(`manifest ${desc.digest} lacks config or layers`, 'ERR_ARCHIVE_INVALID');
    await putBlob(images, ex, m.config.digest);
    for (const l of m.layers) await putBlob(images, ex, l.digest);
    const ann = d.annotations ?? {};
    const name = ann['io.containerd.image.name'] ?? (String(ann['org.opencontainers.image.ref.name'] ?? '').match(/[/:]/) ? ann['org.opencontainers.image.ref.name'] : undefined);
    const tag = name ? parseTag(name) : undefined;
    const img = await images.addFromManifest({ manifestDigest: desc.digest, mediaType: desc.mediaType, tags: tag ? [tag] : [] });
    out.push({ id: img.id, tag, manifestDigest: desc.digest });
  }
  return out;
}

export async function loadArchive(images: ImageStore, src: Readable, opts: { tmpDir: string; limits?: LoadLimits; referrers?: ReferrerStore }): Promise<Loaded[]> {
  const limits = { ...DEFAULTS, ...opts.limits };
  mkdirSync(opts.tmpDir, { recursive: true });
  const dir = await mkdtemp(join(opts.tmpDir, 'load-'));
  try {
    const ex = await extract(src, dir, limits);
    let loaded: Loaded[];
    if (ex.has('manifest.json')) loaded = await loadDockerArchive(images, ex, limits);
    else if (ex.has('index.json')) loaded = await loadOciLayout(images, ex, limits);
    else throw new ArchiveError('not an image archive: no manifest.json or index.json', 'ERR_ARCHIVE_INVALID');
    if (opts.referrers) await loadReferrers(images, opts.referrers, ex, limits, loaded);
    return loaded;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

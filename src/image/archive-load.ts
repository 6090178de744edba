/**
 * `load`: a docker-archive (manifest.json + config + layer tars, old layouts with symlinked
 * layers too) or an OCI image layout (index.json + blobs/), from a tar stream. The tar is
 * first unpacked into a private temp dir with hostile entries refused (absolute paths, `..`,
 * links leaving the archive, devices, too many entries or bytes); then every blob goes
 * through the content store with its digest verified and ImageStore.addFromManifest builds
 * the image. Nothing is registered unless the whole image checks out.
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
import { INDEX_TYPES, MEDIA, buildManifestJson, hostPlatform, selectPlatformManifest } from './image-format.js';
import { parseNormalizedNamed } from './reference.js';

export interface LoadLimits { maxEntries?: number; maxBytes?: number; maxJsonBytes?: number }
export interface Loaded { id: string; tag?: string }

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
  for (const e of entries) {
    if (typeof e?.Config !== 'string' || !Array.isArray(e.Layers)) throw new ArchiveError('manifest.json entry lacks Config or Layers', 'ERR_ARCHIVE_INVALID');
    const cfgPath = ex.path(e.Config);
    const cfg = await images.content.putStream(createReadStream(cfgPath));
    const layers = [];
    for (const l of e.Layers as string[]) {
      const p = ex.path(String(l));
      const mediaType = sniff(p);
      const b = await images.content.putStream(createReadStream(p));
      layers.push({ mediaType, digest: b.digest, size: b.size });
    }
    const mf = await images.content.put(buildManifestJson({ mediaType: MEDIA.ociConfig, digest: cfg.digest, size: cfg.size }, layers));
    const tags = (Array.isArray(e.RepoTags) ? e.RepoTags : []).map((t: string) => parseTag(t)).filter(Boolean) as string[];
    const img = await images.addFromManifest({ manifestDigest: mf.digest, tags });
    if (tags.length) for (const t of tags) out.push({ id: img.id, tag: t });
    else out.push({ id: img.id });
  }
  return out;
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
    out.push({ id: img.id, tag });
  }
  return out;
}

export async function loadArchive(images: ImageStore, src: Readable, opts: { tmpDir: string; limits?: LoadLimits }): Promise<Loaded[]> {
  const limits = { ...DEFAULTS, ...opts.limits };
  mkdirSync(opts.tmpDir, { recursive: true });
  const dir = await mkdtemp(join(opts.tmpDir, 'load-'));
  try {
    const ex = await extract(src, dir, limits);
    if (ex.has('manifest.json')) return await loadDockerArchive(images, ex, limits);
    if (ex.has('index.json')) return await loadOciLayout(images, ex, limits);
    throw new ArchiveError('not an image archive: no manifest.json or index.json', 'ERR_ARCHIVE_INVALID');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

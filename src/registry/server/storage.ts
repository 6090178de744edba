/**
 * Storage of the built-in registry: blobs in the same content-store format as the
 * engine (blobs/sha256/<hex>, written through ingest/ and renamed only once verified,
 * so a partially written blob is never visible), and per repository:
 *   repositories/<name>/_manifests/revisions/<hex>   media type of a manifest the repo holds
 *   repositories/<name>/_manifests/tags/<tag>        digest the tag points at
 *   repositories/<name>/_layers/<hex>                the repo may serve this blob
 *   repositories/<name>/_referrers/<subject-hex>/<hex>  descriptor JSON of a manifest with a subject
 * Uploads live in uploads/<uuid>/ (data + info.json) until committed.
 */
import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync, type Stats } from 'node:fs';
import { rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ContentStore } from '../../store/content.js';
import { DIGEST_RE } from '../../common/digest.js';
import { RegistryError } from './errors.js';

/** distribution's repository name grammar */
export const NAME_RE = /^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export interface UploadInfo { uuid: string; repo: string; size: number; started: string }

export interface StoredManifest { digest: string; mediaType: string; raw: Buffer }

const MANIFEST_TYPES_KNOWN = [
  'application/vnd.oci.image.manifest.v1+json', 'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.docker.distribution.manifest.list.v2+json',
];

export class RegistryStorage {
  readonly content: ContentStore;
  readonly reposDir: string;
  readonly uploadsDir: string;
  /** running hashes of chunked uploads (lost on restart: then the data is re-hashed) */
  private hashes = new Map<string, { hash: Hash; size: number }>();

  constructor(readonly root: string) {
    this.content = new ContentStore(root);
    this.reposDir = join(root, 'repositories');
    this.uploadsDir = join(root, 'uploads');
    mkdirSync(this.reposDir, { recursive: true });
    mkdirSync(this.uploadsDir, { recursive: true });
  }

  checkName(name: string): void {
    if (name.length > 255 || !NAME_RE.test(name)) throw new RegistryError(400, 'NAME_INVALID', 'invalid repository name', { name });
  }

  private repoDir(name: string): string { return join(this.reposDir, name); }

  repoExists(name: string): boolean { return existsSync(this.repoDir(name)); }

  // ---------- blobs ----------

  /** Is the blob present and linked into this repository? */
  repoHasBlob(name: string, digest: string): boolean {
    return DIGEST_RE.test(digest) && existsSync(join(this.repoDir(name), '_layers', digest.slice(7))) && this.content.has(digest);
  }

  blobStat(name: string, digest: string): Stats {
    if (!DIGEST_RE.test(digest)) throw new RegistryError(400, 'DIGEST_INVALID', 'invalid digest', { digest });
    if (!this.repoHasBlob(name, digest) && !this.isManifestOf(name, digest)) throw new RegistryError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { digest });
    try { return statSync(this.content.path(digest)); } catch { throw new RegistryError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { digest }); }
  }

  blobStream(digest: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.content.path(digest), range);
  }

  linkBlob(name: string, digest: string): void {
    const dir = join(this.repoDir(name), '_layers');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, digest.slice(7)), '');
  }

  async unlinkBlob(name: string, digest: string): Promise<void> {
    if (!DIGEST_RE.test(digest)) throw new RegistryError(400, 'DIGEST_INVALID', 'invalid digest', { digest });
    if (!this.repoHasBlob(name, digest)) throw new RegistryError(404, 'BLOB_UNKNOWN', 'blob unknown to registry', { digest });
    await unlink(join(this.repoDir(name), '_layers', digest.slice(7)));
  }

  // ---------- uploads ----------

  startUpload(repo: string): UploadInfo {
    const info: UploadInfo = { uuid: randomUUID(), repo, size: 0, started: new Date().toISOString() };
    const dir = join(this.uploadsDir, info.uuid);
    mkdirSync(dir);
    writeFileSync(join(dir, 'data'), '');
    writeFileSync(join(dir, 'info.json'), JSON.stringify(info));
    this.hashes.set(info.uuid, { hash: createHash('sha256'), size: 0 });
    return info;
  }

  upload(repo: string, uuid: string): UploadInfo {
    if (!/^[0-9a-f-]{36}$/.test(uuid)) throw new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { uuid });
    let info: UploadInfo;
    try { info = JSON.parse(readFileSync(join(this.uploadsDir, uuid, 'info.json'), 'utf8')); } catch {
      throw new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { uuid });
    }
    if (info.repo !== repo) throw new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', 'blob upload unknown to registry', { uuid });
    info.size = statSync(join(this.uploadsDir, uuid, 'data')).size;
    return info;
  }

  /** Append a chunk; `start` (from Content-Range) must be where the upload stands. */
  async appendUpload(info: UploadInfo, body: Readable, start: number | undefined, maxBlob: number): Promise<UploadInfo> {
    if (start !== undefined && start !== info.size) {
      body.resume();
      throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `chunk starts at ${start}, upload is at ${info.size}`);
    }
    const dataPath = join(this.uploadsDir, info.uuid, 'data');
    let h = this.hashes.get(info.uuid);
    if (h && h.size !== info.size) { this.hashes.delete(info.uuid); h = undefined; }
    let size = info.size;
    body.on('data', (c: Buffer) => {
      size += c.length;
      h?.hash.update(c);
      if (size > maxBlob) body.destroy(new RegistryError(413, 'SIZE_INVALID', `blob exceeds the limit of ${maxBlob} bytes`));
    });
    try {
      await pipeline(body, createWriteStream(dataPath, { flags: 'a' }));
    } catch (e) {
      // a failed chunk leaves the session unusable for hashing; truncate back is not possible with streams
      this.hashes.delete(info.uuid);
      throw e instanceof RegistryError ? e : new RegistryError(400, 'BLOB_UPLOAD_INVALID', `upload interrupted: ${(e as Error).message}`);
    }
    if (h) h.size = size;
    return { ...info, size };
  }

  /** Verify the whole upload against the digest and move it into the blob store. */
  async commitUpload(info: UploadInfo, digest: string): Promise<void> {
    if (!DIGEST_RE.test(digest)) {
      throw new RegistryError(400, 'DIGEST_INVALID', digest.startsWith('sha256:') || !digest.includes(':') ? 'invalid digest' : 'unsupported digest algorithm', { digest });
    }
    const dir = join(this.uploadsDir, info.uuid);
    const dataPath = join(dir, 'data');
    let actual: string;
    const h = this.hashes.get(info.uuid);
    if (h && h.size === info.size) actual = 'sha256:' + h.hash.digest('hex');
    else {
      const hash = createHash('sha256');
      await pipeline(createReadStream(dataPath), async function* (src) { for await (const c of src) hash.update(c as Buffer); });
      actual = 'sha256:' + hash.digest('hex');
    }
    this.hashes.delete(info.uuid);
    if (actual !== digest) {
      await rm(dir, { recursive: true, force: true });
      throw new RegistryError(400, 'DIGEST_INVALID', 'provided digest did not match uploaded content', { expected: digest, actual });
    }
    if (!this.content.has(digest)) await rename(dataPath, this.content.path(digest));
    await rm(dir, { recursive: true, force: true });
    this.linkBlob(info.repo, digest);
  }

  async cancelUpload(info: UploadInfo): Promise<void> {
    this.hashes.delete(info.uuid);
    await rm(join(this.uploadsDir, info.uuid), { recursive: true, force: true });
  }

  /** Cross-repository mount: link an existing blob of `from` into `to`. */
  mount(to: string, from: string | undefined, digest: string): boolean {
    if (!DIGEST_RE.test(digest) || !this.content.has(digest)) return false;
    // without `from` (OCI 1.1 allows it) any blob the registry holds may be mounted
    if (from !== undefined && !this.repoHasBlob(from, digest)) return false;
    this.linkBlob(to, digest);
    return true;
  }

  // ---------- manifests ----------

  private isManifestOf(name: string, digest: string): boolean {
    return DIGEST_RE.test(digest) && existsSync(join(this.repoDir(name), '_manifests', 'revisions', digest.slice(7)));
  }

  resolveTag(name: string, tag: string): string | undefined {
    if (!TAG_RE.test(tag)) return undefined;
    try { return readFileSync(join(this.repoDir(name), '_manifests', 'tags', tag), 'utf8').trim(); } catch { return undefined; }
  }

  getManifest(name: string, reference: string): StoredManifest {
    const digest = DIGEST_RE.test(reference) ? reference : this.resolveTag(name, reference);
    if (!digest || !this.isManifestOf(name, digest) || !this.content.has(digest)) {
      if (reference.includes(':') && !DIGEST_RE.test(reference)) throw new RegistryError(400, 'DIGEST_INVALID', 'invalid digest', { digest: reference });
      throw new RegistryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { name, reference });
    }
    const mediaType = readFileSync(join(this.repoDir(name), '_manifests', 'revisions', digest.slice(7)), 'utf8').trim();
    return { digest, mediaType, raw: this.content.read(digest) };
  }

  /**
   * Store a manifest under a tag or digest. Blobs it references (config, layers, child
   * manifests) must be in the repository; the subject (referrers) need not be.
   */
  async putManifest(name: string, reference: string, raw: Buffer, contentType: string | undefined, tags: string[]): Promise<string> {
    let doc: any;
    try { doc = JSON.parse(raw.toString('utf8')); } catch { throw new RegistryError(400, 'MANIFEST_INVALID', 'manifest invalid: not JSON'); }
    if (!doc || typeof doc !== 'object' || doc.schemaVersion !== 2) throw new RegistryError(400, 'MANIFEST_INVALID', 'manifest invalid: schemaVersion must be 2');
    const mediaType = doc.mediaType ?? contentType ?? (Array.isArray(doc.manifests) ? MANIFEST_TYPES_KNOWN[1] : MANIFEST_TYPES_KNOWN[0]);
    if (doc.mediaType && contentType && contentType.split(';')[0].trim() !== doc.mediaType) {
      throw new RegistryError(400, 'MANIFEST_INVALID', `manifest invalid: Content-Type ${contentType} does not match mediaType ${doc.mediaType}`);
    }
    if (!MANIFEST_TYPES_KNOWN.includes(mediaType)) throw new RegistryError(400, 'MANIFEST_INVALID', `manifest invalid: unsupported media type ${mediaType}`);
    const digest = 'sha256:' + createHash('sha256').update(raw).digest('hex');
    const isDigestRef = reference.includes(':');
    if (isDigestRef) {
      if (!DIGEST_RE.test(reference)) throw new RegistryError(400, 'DIGEST_INVALID', 'invalid digest', { digest: reference });
      if (reference !== digest) throw new RegistryError(400, 'DIGEST_INVALID', 'manifest digest did not match', { expected: reference, actual: digest });
    } else if (!TAG_RE.test(reference)) {
      throw new RegistryError(400, 'MANIFEST_INVALID', 'invalid tag', { tag: reference });
    }
    for (const t of tags) if (!TAG_RE.test(t)) throw new RegistryError(400, 'MANIFEST_INVALID', 'invalid tag', { tag: t });
    const refs: any[] = Array.isArray(doc.manifests) ? doc.manifests : [doc.config, ...(Array.isArray(doc.layers) ? doc.layers : [])].filter(Boolean);
    if (!Array.isArray(doc.manifests) && (!doc.config || !Array.isArray(doc.layers))) throw new RegistryError(400, 'MANIFEST_INVALID', 'manifest invalid: config and layers required');
    for (const d of refs) {
      if (!d || typeof d.digest !== 'string' || !DIGEST_RE.test(d.digest)) throw new RegistryError(400, 'MANIFEST_INVALID', 'manifest invalid: bad descriptor');
      const known = Array.isArray(doc.manifests) ? this.isManifestOf(name, d.digest) : this.repoHasBlob(name, d.digest);
      if (!known) throw new RegistryError(400, Array.isArray(doc.manifests) ? 'MANIFEST_UNKNOWN' : 'MANIFEST_BLOB_UNKNOWN', 'blob unknown to registry', { digest: d.digest });
    }
    await this.content.put(raw, digest);
    const base = join(this.repoDir(name), '_manifests');
    mkdirSync(join(base, 'revisions'), { recursive: true });
    mkdirSync(join(base, 'tags'), { recursive: true });
    await writeFile(join(base, 'revisions', digest.slice(7)), mediaType);
    for (const t of [...(isDigestRef ? [] : [reference]), ...tags]) await atomicWrite(join(base, 'tags', t), digest);
    if (doc.subject?.digest && DIGEST_RE.test(doc.subject.digest)) {
      const desc: any = { mediaType, digest, size: raw.length };
      const artifactType = doc.artifactType ?? (doc.config?.mediaType !== 'application/vnd.oci.empty.v1+json' ? doc.config?.mediaType : undefined);
      if (artifactType) desc.artifactType = artifactType;
      if (doc.annotations) desc.annotations = doc.annotations;
      const dir = join(this.repoDir(name), '_referrers', doc.subject.digest.slice(7));
      mkdirSync(dir, { recursive: true });
      await writeFile(join(dir, digest.slice(7)), JSON.stringify(desc));
    }
    return digest;
  }

  /** Delete by digest (manifest and every tag on it) or by tag (only the tag). */
  async deleteManifest(name: string, reference: string): Promise<void> {
    const base = join(this.repoDir(name), '_manifests');
    if (!reference.includes(':')) {
      if (!this.resolveTag(name, reference)) throw new RegistryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { reference });
      await unlink(join(base, 'tags', reference));
      return;
    }
    if (!DIGEST_RE.test(reference)) throw new RegistryError(400, 'DIGEST_INVALID', 'invalid digest', { digest: reference });
    if (!this.isManifestOf(name, reference)) throw new RegistryError(404, 'MANIFEST_UNKNOWN', 'manifest unknown', { reference });
    let doc: any = {};
    try { doc = JSON.parse(this.content.read(reference).toString()); } catch { /* kept as unknown */ }
    await unlink(join(base, 'revisions', reference.slice(7)));
    for (const t of this.tags(name)) if (this.resolveTag(name, t) === reference) await rm(join(base, 'tags', t), { force: true });
    if (doc?.subject?.digest && DIGEST_RE.test(doc.subject.digest)) {
      await rm(join(this.repoDir(name), '_referrers', doc.subject.digest.slice(7), reference.slice(7)), { force: true });
    }
  }

  tags(name: string): string[] {
    try { return readdirSync(join(this.repoDir(name), '_manifests', 'tags')).sort(); } catch { return []; }
  }

  referrers(name: string, subject: string): any[] {
    const dir = join(this.repoDir(name), '_referrers', subject.slice(7));
    let files: string[] = [];
    try { files = readdirSync(dir).sort(); } catch { return []; }
    const out: any[] = [];
    for (const f of files) {
      if (!this.isManifestOf(name, 'sha256:' + f)) continue;
      try { out.push(JSON.parse(readFileSync(join(dir, f), 'utf8'))); } catch { /* skip a broken entry */ }
    }
    return out;
  }

  /** Repository names, sorted (directories holding _manifests or _layers). */
  catalog(): string[] {
    const out: string[] = [];
    const walk = (dir: string, prefix: string, depth: number): void => {
      if (depth > 16) return;
      let entries: string[];
      try { entries = readdirSync(dir); } catch { return; }
      if (entries.includes('_manifests') || entries.includes('_layers')) out.push(prefix);
      for (const e of entries) {
        if (e.startsWith('_')) continue;
        const p = join(dir, e);
        try { if (statSync(p).isDirectory()) walk(p, prefix ? `${prefix}/${e}` : e, depth + 1); } catch { /* raced */ }
      }
    };
    walk(this.reposDir, '', 0);
    return out.filter((x) => x).sort();
  }

  // ---------- garbage collection ----------

  /**
   * Mark every blob a stored manifest reaches (manifests, their configs and layers, index
   * children), sweep the rest. Blobs younger than `graceMs` are kept: a push may have
   * uploaded them and not yet put the manifest that references them.
   */
  async collectGarbage(opts: { graceMs?: number; dryRun?: boolean } = {}): Promise<{ deleted: string[]; kept: number; orphans: string[] }> {
    const orphans: string[] = [];
    for (const repo of this.catalog()) orphans.push(...await this.dropOrphanedAttachments(repo, opts));
    const marked = new Set<string>();
    for (const repo of this.catalog()) {
      const revDir = join(this.repoDir(repo), '_manifests', 'revisions');
      let revs: string[] = [];
      try { revs = readdirSync(revDir); } catch { /* no manifests */ }
      for (const hex of revs) {
        const d = 'sha256:' + hex;
        marked.add(d);
        try {
          const doc = JSON.parse(this.content.read(d).toString());
          for (const x of [doc.config, ...(doc.layers ?? []), ...(doc.manifests ?? [])]) if (x?.digest) marked.add(x.digest);
        } catch { /* a missing manifest blob marks nothing */ }
      }
    }
    const now = Date.now();
    const deleted: string[] = [];
    let kept = 0;
    for (const d of await this.content.list()) {
      if (marked.has(d)) { kept++; continue; }
      if (opts.graceMs) {
        try { if (now - (await stat(this.content.path(d))).mtimeMs < opts.graceMs) { kept++; continue; } } catch { continue; }
      }
      deleted.push(d);
      if (!opts.dryRun) await this.content.delete(d);
    }
    if (!opts.dryRun && deleted.length) {
      const gone = new Set(deleted.map((d) => d.slice(7)));
      for (const repo of this.catalog()) {
        const dir = join(this.repoDir(repo), '_layers');
        let links: string[] = [];
        try { links = readdirSync(dir); } catch { continue; }
        for (const l of links) if (gone.has(l)) await rm(join(dir, l), { force: true });
      }
    }
    return { deleted, kept, orphans };
  }

  /**
   * Signatures and other attachments outlive nothing: a manifest whose subject (OCI referrers) or whose
   * cosign tag `sha256-<hex>.sig` names a manifest this repository no longer holds is deleted, with its
   * tags and referrer entry, so the sweep that follows frees its blobs. While the subject lives its
   * attachments are kept (every stored revision is marked). A manifest that also carries a tag of its own
   * keeps living (only the dangling `.sig` tag goes), and so does one younger than the grace period: a
   * client may push a signature before its image (OCI allows referrers first).
   * Returns `<repo>@<digest>` of each manifest dropped.
   */
  private async dropOrphanedAttachments(repo: string, opts: { graceMs?: number; dryRun?: boolean }): Promise<string[]> {
    const base = join(this.repoDir(repo), '_manifests');
    let revs: string[] = [];
    try { revs = readdirSync(join(base, 'revisions')); } catch { return []; }
    const live = new Set(revs.map((h) => 'sha256:' + h));
    const tagsOf = new Map<string, string[]>();
    for (const t of this.tags(repo)) {
      const d = this.resolveTag(repo, t);
      if (d) tagsOf.set(d, [...(tagsOf.get(d) ?? []), t]);
    }
    const orphanTag = (t: string): boolean => {
      const m = /^sha256-([0-9a-f]{64})\.sig$/.exec(t);
      return m !== null && !live.has('sha256:' + m[1]);
    };
    const now = Date.now();
    const young = (path: string): boolean => {
      if (!opts.graceMs) return false;
      try { return now - statSync(path).mtimeMs < opts.graceMs; } catch { return false; }
    };
    const dropped: string[] = [];
    for (const hex of revs) {
      const digest = 'sha256:' + hex;
      const tags = tagsOf.get(digest) ?? [];
      let subject: string | undefined;
      try {
        const s = JSON.parse(this.content.read(digest).toString()).subject?.digest;
        if (typeof s === 'string' && DIGEST_RE.test(s)) subject = s;
      } catch { /* not JSON: no subject */ }
      // a referrer whose subject lives is kept whatever its tags say
      if (subject ? live.has(subject) : !tags.some(orphanTag)) continue;
      if (tags.some((t) => !orphanTag(t))) {
        if (!opts.dryRun) for (const t of tags.filter(orphanTag)) if (!young(join(base, 'tags', t))) await rm(join(base, 'tags', t), { force: true });
        continue;
      }
      if (young(join(base, 'revisions', hex)) || tags.some((t) => young(join(base, 'tags', t)))) continue;
      dropped.push(`${repo}@${digest}`);
      if (opts.dryRun) continue;
      for (const t of tags) await rm(join(base, 'tags', t), { force: true });
      await rm(join(base, 'revisions', hex), { force: true });
      if (subject) {
        const dir = join(this.repoDir(repo), '_referrers', subject.slice(7));
        await rm(join(dir, hex), { force: true });
        try { if (readdirSync(dir).length === 0) await rm(dir, { recursive: true, force: true }); } catch { /* already gone */ }
      }
    }
    return dropped;
  }
}

async function atomicWrite(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

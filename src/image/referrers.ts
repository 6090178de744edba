/**
 * Artifacts attached to images as OCI referrers (image-spec 1.1): an image manifest whose `subject`
 * is the image's manifest, an `artifactType` (`application/spdx+json` for an SBOM), the empty config,
 * and the artifact itself as its one layer. The manifests and their blobs live in the content store;
 * this table indexes them by subject so that push, pull, `berth sbom` and rmi find them, and so that
 * removing an image removes what was attached to it (no blob is left behind).
 */
import { InvalidArgumentError } from '../common/errors.js';
import { DIGEST_RE } from '../common/digest.js';
import { ensureSchema, type Db } from '../store/db.js';
import type { ContentStore } from '../store/content.js';
import { MEDIA, type Descriptor } from './image-format.js';

export const EMPTY_CONFIG: Descriptor = {
  mediaType: 'application/vnd.oci.empty.v1+json',
  digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
  size: 2,
};
const EMPTY_CONFIG_BYTES = Buffer.from('{}');

export interface ReferrerDescriptor extends Descriptor { artifactType?: string }

/** An OCI image manifest with a subject: what this store indexes. */
export interface ReferrerManifest {
  schemaVersion: 2;
  mediaType: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject: Descriptor;
  annotations?: Record<string, string>;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS image_referrers (
  subject TEXT NOT NULL,
  digest TEXT NOT NULL,
  media_type TEXT NOT NULL,
  artifact_type TEXT,
  size INTEGER NOT NULL,
  annotations_json TEXT,
  blobs_json TEXT NOT NULL,
  added_at INTEGER NOT NULL,
  PRIMARY KEY (subject, digest)
);
CREATE INDEX IF NOT EXISTS image_referrers_digest ON image_referrers(digest);
`;

interface Row { subject: string; digest: string; media_type: string; artifact_type: string | null; size: number; annotations_json: string | null; blobs_json: string; added_at: number }

/** The referrer manifest's artifact type, as the distribution spec derives it (artifactType, else a non-empty config's type). */
export function artifactTypeOf(doc: { artifactType?: unknown; config?: { mediaType?: unknown } }): string | undefined {
  if (typeof doc.artifactType === 'string' && doc.artifactType) return doc.artifactType;
  const cfg = doc.config?.mediaType;
  return typeof cfg === 'string' && cfg !== EMPTY_CONFIG.mediaType ? cfg : undefined;
}

/** Parse and check a referrer manifest (the fields push, pull and the index rely on). */
export function parseReferrerManifest(raw: Buffer): ReferrerManifest {
  let doc: any;
  try { doc = JSON.parse(raw.toString('utf8')); } catch { throw new InvalidArgumentError('referrer manifest is not valid JSON', 'ERR_MANIFEST_INVALID'); }
  const isDesc = (d: any): d is Descriptor => !!d && typeof d.digest === 'string' && DIGEST_RE.test(d.digest) && typeof d.size === 'number' && typeof d.mediaType === 'string';
  if (doc?.schemaVersion !== 2 || (doc.mediaType ?? MEDIA.ociManifest) !== MEDIA.ociManifest) {
    throw new InvalidArgumentError('referrer is not an OCI image manifest', 'ERR_MANIFEST_INVALID');
  }
  if (!isDesc(doc.config) || !Array.isArray(doc.layers) || !doc.layers.every(isDesc) || !isDesc(doc.subject)) {
    throw new InvalidArgumentError('referrer manifest lacks a config, layers or subject', 'ERR_MANIFEST_INVALID');
  }
  return { ...doc, mediaType: MEDIA.ociManifest } as ReferrerManifest;
}

export class ReferrerStore {
  /**
   * `blobInUse`: whether something else (an image, the build cache) uses a blob; such blobs stay when
   * a referrer is dropped.
   */
  constructor(readonly db: Db, readonly content: ContentStore, private readonly blobInUse: (digest: string) => boolean = () => false) {
    ensureSchema(db, SCHEMA);
  }

  /**
   * Attach `payload` to the image whose manifest is `subject`: writes the blobs and the manifest and
   * indexes it. An earlier referrer of the same artifact type for this subject is replaced (a rebuild
   * that hits the cache gives the same image and a new SBOM: one SBOM per image stays).
   */
  async attach(subject: Descriptor, artifactType: string, payload: Buffer, annotations: Record<string, string> = {}): Promise<ReferrerDescriptor> {
    await this.content.put(EMPTY_CONFIG_BYTES, EMPTY_CONFIG.digest);
    const blob = await this.content.put(payload);
    const manifest: ReferrerManifest = {
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      artifactType,
      config: EMPTY_CONFIG,
      layers: [{ mediaType: artifactType, digest: blob.digest, size: blob.size }],
      subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
      ...(Object.keys(annotations).length ? { annotations } : {}),
    };
    const raw = Buffer.from(JSON.stringify(manifest));
    const stored = await this.content.put(raw);
    const old = this.list(subject.digest, artifactType).filter((d) => d.digest !== stored.digest);
    this.index(manifest, stored.digest, raw.length);
    for (const d of old) await this.drop(subject.digest, d.digest);
    return this.describe(manifest, stored.digest, raw.length);
  }

  /**
   * Index a referrer manifest whose blobs are already in the content store (a pull puts them there
   * first); the manifest itself is stored here, verified against `digest`.
   */
  async add(raw: Buffer, digest: string): Promise<ReferrerDescriptor> {
    const manifest = parseReferrerManifest(raw);
    for (const d of [manifest.config, ...manifest.layers]) {
      if (!this.content.has(d.digest)) throw new InvalidArgumentError(`blob ${d.digest} of referrer ${digest} is not in the content store`, 'ERR_BLOB_NOT_FOUND');
    }
    await this.content.put(raw, digest);
    this.index(manifest, digest, raw.length);
    return this.describe(manifest, digest, raw.length);
  }

  private describe(m: ReferrerManifest, digest: string, size: number): ReferrerDescriptor {
    const artifactType = artifactTypeOf(m);
    return { mediaType: m.mediaType, digest, size, ...(artifactType ? { artifactType } : {}), ...(m.annotations ? { annotations: m.annotations } : {}) };
  }

  private index(m: ReferrerManifest, digest: string, size: number): void {
    const blobs = [m.config.digest, ...m.layers.map((l) => l.digest)];
    this.db.prepare(`INSERT OR REPLACE INTO image_referrers (subject, digest, media_type, artifact_type, size, annotations_json, blobs_json, added_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(m.subject.digest, digest, m.mediaType, artifactTypeOf(m) ?? null, size,
      m.annotations ? JSON.stringify(m.annotations) : null, JSON.stringify(blobs), Date.now());
  }

  /** Referrers of a subject (newest first), optionally of one artifact type. */
  list(subject: string, artifactType?: string): ReferrerDescriptor[] {
    const rows = (artifactType
      ? this.db.prepare('SELECT * FROM image_referrers WHERE subject = ? AND artifact_type = ? ORDER BY added_at DESC, digest').all(subject, artifactType)
      : this.db.prepare('SELECT * FROM image_referrers WHERE subject = ? ORDER BY added_at DESC, digest').all(subject)) as unknown as Row[];
    return rows.map((r) => ({
      mediaType: r.media_type, digest: r.digest, size: r.size,
      ...(r.artifact_type ? { artifactType: r.artifact_type } : {}),
      ...(r.annotations_json ? { annotations: JSON.parse(r.annotations_json) as Record<string, string> } : {}),
    }));
  }

  /** The stored manifest of a referrer. */
  manifest(digest: string): { raw: Buffer; manifest: ReferrerManifest } {
    const raw = this.content.read(digest);
    return { raw, manifest: parseReferrerManifest(raw) };
  }

  /** True when a referrer holds the blob (its manifest, config or a layer). */
  holds(digest: string): boolean {
    if (this.db.prepare('SELECT 1 FROM image_referrers WHERE digest = ?').get(digest)) return true;
    return this.db.prepare('SELECT 1 FROM image_referrers WHERE instr(blobs_json, ?) > 0').get(`"${digest}"`) !== undefined;
  }

  /** Every blob digest the referrers hold (for a check that nothing leaks). */
  allBlobs(): string[] {
    const out = new Set<string>();
    for (const r of this.db.prepare('SELECT digest, blobs_json FROM image_referrers').all() as unknown as Row[]) {
      out.add(r.digest);
      for (const b of JSON.parse(r.blobs_json) as string[]) out.add(b);
    }
    return [...out];
  }

  /** Drop one referrer of a subject, and its blobs unless something else still holds them. */
  async drop(subject: string, digest: string): Promise<void> {
    const row = this.db.prepare('SELECT * FROM image_referrers WHERE subject = ? AND digest = ?').get(subject, digest) as Row | undefined;
    if (!row) return;
    this.db.prepare('DELETE FROM image_referrers WHERE subject = ? AND digest = ?').run(subject, digest);
    await this.release([digest, ...(JSON.parse(row.blobs_json) as string[])]);
  }

  /** Delete blobs that neither a referrer nor anything else holds (what a failed pull brought in). */
  async release(digests: string[]): Promise<void> {
    for (const b of digests) if (!this.holds(b) && !this.blobInUse(b)) await this.content.delete(b);
  }

  /** Drop everything attached to these subjects (their images were removed). Referrers of referrers go too. */
  async dropSubjects(subjects: string[]): Promise<void> {
    const queue = [...new Set(subjects)];
    for (let i = 0; i < queue.length && i < 10_000; i++) {
      const rows = this.db.prepare('SELECT digest FROM image_referrers WHERE subject = ?').all(queue[i]!) as unknown as Array<{ digest: string }>;
      for (const r of rows) {
        await this.drop(queue[i]!, r.digest);
        queue.push(r.digest);
      }
    }
  }
}

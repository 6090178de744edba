/**
 * Local images: metadata rows in SQLite (images, tags, repo digests) and the
 * documents (OCI manifest, config, gzip layer blobs) in the ContentStore.
 * The image ID is the sha256 of the config JSON, as in Docker.
 */
import type { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { shortId } from '../common/digest.js';
import { ConflictError, InvalidArgumentError, isBerthError, NoSuchImageError, NotFoundError, SystemError } from '../common/errors.js';
import { log } from '../common/log.js';
import type { EventLog } from '../events/events.js';
import type { ContentStore } from '../store/content.js';
import { ensureSchema, tx, type Db } from '../store/db.js';
import type { LayerRecord, PreparedLayer } from '../snapshot/layer-store.js';
import {
  buildConfigJson, buildManifestJson, chainIds, goArch, MEDIA, parseManifest, type Descriptor, type HistoryEntry,
} from './image-format.js';
import {
  familiarString, fullName, parseAnyReference, parseDockerRef, parseNormalizedNamed, referenceString, type ParsedReference,
} from './reference.js';
import { buildHistory, buildInspect, buildSummaries, type SummaryOptions } from './image-views.js';
import { pruneImages, type PruneOptions, type PruneReport } from './image-prune.js';

/** The subset of LayerStore the image store needs (LayerStore satisfies it). */
export interface LayerBackend {
  get(chainId: string): LayerRecord | undefined;
  register(parentChainId: string | null, tar: Readable, expectedDiffId?: string, limits?: undefined, beforeCommit?: () => Promise<void>): Promise<LayerRecord>;
  prepare(tar: Readable, opts?: { srcDigest?: Promise<string> }): Promise<PreparedLayer>;
  commitPrepared(parentChainId: string | null, prepared: PreparedLayer, expectedDiffId?: string): Promise<LayerRecord>;
  discard(prepared: PreparedLayer): Promise<void>;
  lowerDirs(chainId: string | null): string[];
  remove(chainId: string): Promise<void>;
  /** children before parents, in one transaction; what cannot go is kept and told to `kept` */
  removeMany(chainIds: string[], kept: (chainId: string, reason: string) => void): Promise<LayerRecord[]>;
}

/** size: bytes of the compressed blob (descriptor size); diffSize: bytes unpacked. */
export interface ImageLayer { diffId: string; chainId: string; blobDigest: string; mediaType: string; size: number; diffSize: number }

/** repoTags / repoDigests hold full normalised references (docker.io/library/busybox:latest). */
export interface ImageRecord {
  id: string; config: any; manifestDigest: string | null; manifestMediaType: string | null; layers: ImageLayer[];
  topChainId: string | null; size: number; created: string; repoTags: string[]; repoDigests: string[]; parent: string;
  lastTagTime: string | null;
}

/** A container using an image; a plain string is taken as a stopped container's id. */
export type ImageUser = { id: string; running: boolean };
export type InUseBy = (imageId: string) => ImageUser | string | undefined;

export interface RemoveOptions {
  force?: boolean; noPrune?: boolean; inUseBy: InUseBy;
  /** told about every layer removed (prune sums their sizes) */
  onLayerRemoved?: (layer: LayerRecord) => void;
}
export type DeleteItem = { Untagged?: string; Deleted?: string };

export interface CreateImageOptions {
  parent?: ImageRecord | null;
  layerTar?: Readable;
  /** container-config part (Env, Cmd, Entrypoint, ...) of the new image */
  config: any;
  history: { created_by: string; comment?: string; author?: string; empty_layer?: boolean };
  tags?: string[];
  /** fixed creation time (bootstrap: the same inputs give the same image ID) */
  created?: string;
  architecture?: string;
}

export interface ImageStoreOptions {
  /** Layers held by someone else (build cache): never removed by image deletion. */
  layerHeld?: (chainId: string) => boolean;
  /** Blobs held by someone else (build cache): never deleted with an image. */
  blobHeld?: (digest: string) => boolean;
  /** Told about the images a removal deleted, after their rows are gone (their referrers go with them). */
  onImagesDeleted?: (images: ImageRecord[]) => Promise<void>;
  /** Number of containers using an image for ImageSummary.Containers (-1 when absent). */
  containerCount?: (imageId: string) => number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS images (
  id TEXT PRIMARY KEY,
  config_json TEXT NOT NULL,
  manifest_digest TEXT,
  manifest_media_type TEXT,
  parent TEXT NOT NULL DEFAULT '',
  layers_json TEXT NOT NULL,
  top_chain_id TEXT,
  size INTEGER NOT NULL,
  created TEXT NOT NULL,
  added_at INTEGER NOT NULL,
  last_tag_time TEXT
);
CREATE INDEX IF NOT EXISTS images_parent ON images(parent);
CREATE TABLE IF NOT EXISTS image_refs (
  ref TEXT PRIMARY KEY,
  image_id TEXT NOT NULL REFERENCES images(id),
  kind TEXT NOT NULL CHECK (kind IN ('tag', 'digest')),
  repo TEXT NOT NULL,
  added_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS image_refs_image ON image_refs(image_id);
`;

interface ImageRow {
  id: string; config_json: string; manifest_digest: string | null; manifest_media_type: string | null; parent: string;
  layers_json: string; top_chain_id: string | null; size: number; created: string; added_at: number; last_tag_time: string | null;
}

interface RemovePlan { records: DeleteItem[]; events: Array<[string, string, Record<string, string>]>; deleted: ImageRecord[]; protectedChains: Set<string> }

function newPlan(): RemovePlan { return { records: [], events: [], deleted: [], protectedChains: new Set() }; }

// Docker's conflict classes (daemon/images/image_delete.go)
const CONFLICT_CHILD = 1, CONFLICT_RUNNING = 2, CONFLICT_REFERENCE = 4, CONFLICT_STOPPED = 8;
const CONFLICT_HARD = CONFLICT_CHILD | CONFLICT_RUNNING;
const CONFLICT_SOFT = CONFLICT_REFERENCE | CONFLICT_STOPPED;

class ImageDeleteConflict extends ConflictError {
  constructor(imageId: string, readonly hard: boolean, readonly used: boolean, message: string) {
    super(`conflict: unable to delete ${shortId(imageId)} (${hard ? 'cannot be forced' : 'must be forced'}) - ${message}`, 'ERR_IMAGE_IN_USE');
  }
}

export class ImageStore {
  constructor(
    readonly db: Db,
    readonly content: ContentStore,
    readonly layers: LayerBackend,
    readonly events: EventLog,
    readonly options: ImageStoreOptions = {},
  ) {
    ensureSchema(db, SCHEMA);
  }

  // ---------- reading ----------

  private toRecord(r: ImageRow): ImageRecord {
    const refs = this.db.prepare('SELECT ref, kind FROM image_refs WHERE image_id = ? ORDER BY ref').all(r.id) as { ref: string; kind: string }[];
    const layers = JSON.parse(r.layers_json) as ImageLayer[];
    return {
      id: r.id, config: JSON.parse(r.config_json), manifestDigest: r.manifest_digest, manifestMediaType: r.manifest_media_type,
      layers, topChainId: r.top_chain_id, size: r.size, created: r.created, parent: r.parent,
      repoTags: refs.filter((x) => x.kind === 'tag').map((x) => x.ref),
      repoDigests: refs.filter((x) => x.kind === 'digest').map((x) => x.ref),
      lastTagTime: r.last_tag_time,
    };
  }

  get(id: string): ImageRecord | undefined {
    const r = this.db.prepare('SELECT * FROM images WHERE id = ?').get(id) as ImageRow | undefined;
    return r ? this.toRecord(r) : undefined;
  }

  list(): ImageRecord[] {
    return (this.db.prepare('SELECT * FROM images ORDER BY added_at, id').all() as unknown as ImageRow[]).map((r) => this.toRecord(r));
  }

  /** Local images built on this one (build/commit parents). */
  children(id: string): string[] {
    return (this.db.prepare('SELECT id FROM images WHERE parent = ?').all(id) as { id: string }[]).map((r) => r.id);
  }

  /**
   * Docker's GetImage: an ID (64 hex or sha256:…), a tag or digest reference
   * (normalised: busybox -> docker.io/library/busybox:latest), else a unique ID prefix.
   * Undefined when nothing matches; throws on an invalid reference or an ambiguous prefix.
   */
  tryResolve(nameOrId: string): ImageRecord | undefined {
    const any = parseAnyReference(nameOrId);
    if ('id' in any) return this.get(any.id);
    const named = any.named;
    if (named.digest) {
      const exact = this.imageIdOfRef(referenceString({ domain: named.domain, path: named.path, digest: named.digest }));
      if (exact) return this.get(exact);
      const byManifest = this.db.prepare('SELECT id FROM images WHERE manifest_digest = ? ORDER BY added_at LIMIT 1').get(named.digest) as { id: string } | undefined;
      if (byManifest) return this.get(byManifest.id);
    } else {
      const id = this.imageIdOfRef(referenceString({ domain: named.domain, path: named.path, tag: named.tag ?? 'latest' }));
      if (id) return this.get(id);
    }
    const hex = nameOrId.startsWith('sha256:') ? nameOrId.slice(7) : nameOrId;
    if (/^[a-f0-9]+$/.test(hex)) {
      const ids = (this.db.prepare("SELECT id FROM images WHERE substr(id, 8, ?) = ? LIMIT 2").all(hex.length, hex) as { id: string }[]);
      if (ids.length > 1) throw new InvalidArgumentError(`multiple images found with provided prefix: ${hex}`, 'ERR_AMBIGUOUS_ID');
      if (ids.length === 1) return this.get(ids[0].id);
    }
    return undefined;
  }

  resolve(nameOrId: string): ImageRecord {
    const img = this.tryResolve(nameOrId);
    if (!img) throw new NoSuchImageError(notFoundName(nameOrId));
    return img;
  }

  private imageIdOfRef(ref: string): string | undefined {
    return (this.db.prepare('SELECT image_id FROM image_refs WHERE ref = ?').get(ref) as { image_id: string } | undefined)?.image_id;
  }

  /** Manifest document of an image (for save and push); its layer blobs are in the content store. */
  manifest(img: ImageRecord): { digest: string; mediaType: string; raw: Buffer } {
    if (!img.manifestDigest) throw new NotFoundError(`image ${shortId(img.id)} has no manifest`, 'ERR_MANIFEST_NOT_FOUND');
    return { digest: img.manifestDigest, mediaType: img.manifestMediaType ?? MEDIA.ociManifest, raw: this.content.read(img.manifestDigest) };
  }

  // ---------- tags ----------

  /** docker tag SOURCE TARGET: target normalised, tag defaulted to latest, digests refused. */
  tag(source: string, target: string): void {
    const img = this.resolve(source);
    const ref = parseTagTarget(target);
    tx(this.db, () => this.setRef(img.id, ref, 'tag'));
    this.emitImageEvent(img.id, 'tag', familiarString(ref));
  }

  /** Record a repo digest (name@sha256:manifest) after a pull or push. */
  addRepoDigest(imageId: string, ref: string): void {
    const parsed = parseNormalizedNamed(ref);
    if (!parsed.digest) throw new InvalidArgumentError(`not a digest reference: ${ref}`, 'ERR_INVALID_REFERENCE');
    tx(this.db, () => this.setRef(imageId, { domain: parsed.domain, path: parsed.path, digest: parsed.digest }, 'digest'));
  }

  private setRef(imageId: string, ref: ParsedReference, kind: 'tag' | 'digest'): void {
    const now = Date.now();
    this.db.prepare(`INSERT INTO image_refs (ref, image_id, kind, repo, added_at) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT(ref) DO UPDATE SET image_id = excluded.image_id, added_at = excluded.added_at`)
      .run(referenceString(ref), imageId, kind, fullName(ref), now);
    if (kind === 'tag') this.db.prepare('UPDATE images SET last_tag_time = ? WHERE id = ?').run(new Date(now).toISOString(), imageId);
  }

  /** Docker's LogImageEvent: attributes are the image's labels plus `name`. */
  private emitImageEvent(imageId: string, action: string, name: string): void {
    this.events.emitEvent('image', action, imageId, this.eventAttributes(imageId, name));
  }

  /**
   * Docker's LogImageEvent for the operations above the store (pull, push: the Actor is the reference
   * `busybox:latest` and `name` the repository; load, save: the image ID twice); labels from `labelsOf`.
   */
  logImageEvent(action: 'pull' | 'push' | 'load' | 'save', actorId: string, name: string, labelsOf: string = actorId): void {
    this.events.emitEvent('image', action, actorId, this.eventAttributes(labelsOf, name));
  }

  private eventAttributes(imageId: string, name: string): Record<string, string> {
    // the config alone (not the whole record: an untag per image of a prune read every image's refs too)
    const row = this.db.prepare('SELECT config_json FROM images WHERE id = ?').get(imageId) as { config_json: string } | undefined;
    const labels = ((row ? JSON.parse(row.config_json) : undefined)?.config?.Labels ?? {}) as Record<string, string>;
    return { ...labels, name };
  }

  // ---------- creating ----------

  /**
   * New image from an optional parent plus an optional layer tar (bootstrap, import,
   * commit, build). The tar is gzipped into a blob and unpacked into the LayerStore
   * in one pass. Rows are written in one transaction after all files are in place;
   * a failure leaves no row and no blob behind.
   */
  async createImage(opts: CreateImageOptions): Promise<ImageRecord> {
    const parent = opts.parent ?? null;
    const baseLayers = parent ? parent.layers : [];
    const created = opts.created ?? new Date().toISOString();
    try { (opts.tags ?? []).forEach(parseTagTarget); } catch (e) { opts.layerTar?.destroy(); throw e; } // before any work
    const newBlobs: string[] = [];
    try {
      let layers = baseLayers;
      if (opts.layerTar) {
        const { layer, blobIsNew } = await this.ingestLayer(baseLayers.at(-1)?.chainId ?? null, opts.layerTar);
        if (blobIsNew) newBlobs.push(layer.blobDigest);
        layers = [...baseLayers, layer];
      }
      const h = opts.history;
      const history: HistoryEntry[] = [...((parent?.config?.history as HistoryEntry[] | undefined) ?? []), {
        created, created_by: h.created_by, author: h.author, comment: h.comment, empty_layer: !opts.layerTar || h.empty_layer,
      }];
      const configJson = buildConfigJson({
        architecture: opts.architecture ?? parent?.config?.architecture ?? goArch(), os: 'linux', variant: parent?.config?.variant,
        author: h.author, comment: h.comment, created, config: opts.config, diffIds: layers.map((l) => l.diffId), history,
      });
      const img = await this.storeDocuments(configJson, layers, newBlobs);
      return this.insertImage(img, { parent: parent?.id ?? '', tags: opts.tags ?? [] });
    } catch (e) {
      await this.deleteUnreferencedBlobs(newBlobs);
      throw e;
    }
  }

  /**
   * An image whose manifest, config and layer blobs are already in the content store
   * (pull, load). Layers missing from the LayerStore are unpacked from their blobs and
   * checked against the config's diff_ids.
   */
  async addFromManifest(opts: {
    manifestDigest: string; mediaType?: string; tags?: string[]; repoDigests?: string[]; parent?: string;
    /** a layer already unpacked from this blob (load unpacks while it reads the archive), used instead of unpacking the blob again */
    prepared?: (blobDigest: string) => Promise<PreparedLayer | undefined>;
  }): Promise<ImageRecord> {
    const manifest = parseManifest(this.content.read(opts.manifestDigest), opts.mediaType);
    const configRaw = this.content.read(manifest.config.digest);
    const config = JSON.parse(configRaw.toString());
    const diffIds: string[] = config?.rootfs?.diff_ids ?? [];
    if (diffIds.length !== manifest.layers.length) {
      throw new InvalidArgumentError(`image config lists ${diffIds.length} layers, manifest ${manifest.layers.length}`, 'ERR_MANIFEST_INVALID');
    }
    const chains = chainIds(diffIds);
    const layers: ImageLayer[] = [];
    const made: LayerRecord[] = [];
    try {
      for (let i = 0; i < diffIds.length; i++) {
        const d = manifest.layers[i];
        const parent = i === 0 ? null : chains[i - 1];
        let rec = this.layers.get(chains[i]);
        if (!rec) {
          const prepared = await opts.prepared?.(d.digest);
          rec = prepared ? await this.layers.commitPrepared(parent, prepared, diffIds[i]) : await this.unpackLayer(parent, chains[i], d.digest, diffIds[i]);
          made.push(rec);
        }
        layers.push({ diffId: diffIds[i], chainId: chains[i], blobDigest: d.digest, mediaType: d.mediaType, size: d.size, diffSize: rec.size });
      }
    } catch (e) {
      await this.dropUnusedLayers(made); // a layer that fails its diff ID leaves none of the image's layers behind
      throw e;
    }
    const row: PendingImage = {
      id: manifest.config.digest, configJson: configRaw.toString(), manifestDigest: opts.manifestDigest,
      manifestMediaType: manifest.mediaType, layers,
    };
    const img = this.insertImage(row, { parent: opts.parent ?? '', tags: opts.tags ?? [] });
    if (opts.repoDigests?.length) {
      for (const r of opts.repoDigests) this.addRepoDigest(img.id, r);
      return this.get(img.id)!;
    }
    return img;
  }

  /**
   * The unpacked layer of a verified blob in the content store, unpacking it if it is not there yet
   * (its parent must be). A pull calls this for each layer as soon as the layer's download is done,
   * while later layers still download; addFromManifest then finds them.
   */
  async unpackLayer(parentChainId: string | null, chainId: string, blobDigest: string, diffId: string): Promise<LayerRecord> {
    return this.layers.get(chainId) ?? this.layers.register(parentChainId, this.content.stream(blobDigest), diffId);
  }

  /** gzip the tar into a blob while the LayerStore unpacks it (one read of the input). */
  private async ingestLayer(parentChainId: string | null, tar: Readable): Promise<{ layer: ImageLayer; blobIsNew: boolean }> {
    const gzip = createGzip();
    const forLayer = new PassThrough();
    const fail = (e: Error): void => {
      if (!tar.destroyed) tar.destroy(e);
      if (!gzip.destroyed) gzip.destroy(e);
      if (!forLayer.destroyed) forLayer.destroy(e);
    };
    tar.on('error', fail);
    tar.pipe(gzip);
    tar.pipe(forLayer);
    const pBlob = this.content.putStream(gzip).catch((e: Error) => { fail(e); throw e; });
    const pLayer = this.layers.register(parentChainId, forLayer).then((r) => {
      forLayer.resume(); // drain anything the unpacker did not read (trailing padding)
      return r;
    }, (e: Error) => { fail(e); throw e; });
    const hadBefore = (d: string): boolean => this.blobReferenced(d);
    const [blobRes, layerRes] = await Promise.allSettled([pBlob, pLayer]);
    if (layerRes.status === 'rejected') {
      if (blobRes.status === 'fulfilled' && !hadBefore(blobRes.value.digest)) await this.content.delete(blobRes.value.digest);
      throw layerRes.reason;
    }
    if (blobRes.status === 'rejected') throw blobRes.reason;
    const rec = layerRes.value;
    return {
      layer: { diffId: rec.diffId, chainId: rec.chainId, blobDigest: blobRes.value.digest, mediaType: MEDIA.ociLayerGzip, size: blobRes.value.size, diffSize: rec.size },
      blobIsNew: !hadBefore(blobRes.value.digest),
    };
  }

  private async storeDocuments(configJson: string, layers: ImageLayer[], newBlobs: string[]): Promise<PendingImage> {
    const configBlob = await this.content.put(configJson);
    if (!this.blobReferenced(configBlob.digest)) newBlobs.push(configBlob.digest);
    const manifestJson = buildManifestJson(
      { mediaType: MEDIA.ociConfig, digest: configBlob.digest, size: configBlob.size },
      layers.map((l): Descriptor => ({ mediaType: l.mediaType, digest: l.blobDigest, size: l.size })),
    );
    const manifestBlob = await this.content.put(manifestJson);
    if (!this.blobReferenced(manifestBlob.digest)) newBlobs.push(manifestBlob.digest);
    return { id: configBlob.digest, configJson, manifestDigest: manifestBlob.digest, manifestMediaType: MEDIA.ociManifest, layers };
  }

  private insertImage(p: PendingImage, opts: { parent: string; tags: string[] }): ImageRecord {
    const refs = opts.tags.map(parseTagTarget);
    const config = JSON.parse(p.configJson);
    tx(this.db, () => {
      const exists = this.db.prepare('SELECT 1 FROM images WHERE id = ?').get(p.id);
      if (!exists) {
        this.db.prepare(`INSERT INTO images (id, config_json, manifest_digest, manifest_media_type, parent, layers_json, top_chain_id, size, created, added_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
          p.id, p.configJson, p.manifestDigest, p.manifestMediaType, opts.parent, JSON.stringify(p.layers),
          p.layers.at(-1)?.chainId ?? null, p.layers.reduce((s, l) => s + l.diffSize, 0), config.created ?? new Date(0).toISOString(), Date.now());
      }
      for (const r of refs) this.setRef(p.id, r, 'tag');
    });
    for (const r of refs) this.emitImageEvent(p.id, 'tag', familiarString(r));
    return this.get(p.id)!;
  }

  // ---------- removing ----------

  /** docker rmi with Docker's rules (untag first; delete when unreferenced; conflicts with containers and children). */
  async remove(nameOrId: string, opts: RemoveOptions): Promise<DeleteItem[]> {
    const plan = newPlan();
    tx(this.db, () => this.planRemove(nameOrId, opts, plan));
    await this.finishRemoval([plan], opts);
    return plan.records;
  }

  /**
   * `remove` of each name in turn, as one removal: one commit for all the rows and one garbage
   * collection (image prune; one per name made it quadratic). A name that conflicts or is gone is
   * skipped (told to `skipped`); its savepoint undoes only its own part. Another error stops at that
   * name: the names before it are removed, then it is thrown. The items read as the removes' in turn.
   * A blob that cannot be deleted (I/O) is thrown after the whole removal is done (finishRemoval).
   */
  async removeEach(names: Iterable<string>, opts: RemoveOptions, skipped: (name: string, e: Error) => void): Promise<DeleteItem[]> {
    const plans: RemovePlan[] = [];
    let failure: unknown;
    tx(this.db, () => {
      for (const name of names) {
        const plan = newPlan();
        try {
          tx(this.db, () => this.planRemove(name, opts, plan));
          plans.push(plan);
        } catch (e) {
          if (isBerthError(e) && (e.status === 409 || e.status === 404)) { skipped(name, e); continue; }
          failure = e;
          break;
        }
      }
    });
    await this.finishRemoval(plans, opts);
    if (failure !== undefined) throw failure;
    return plans.flatMap((p) => p.records);
  }

  /** After the rows' commit: the events, then layers and blobs that no image uses, each layer reported with the last plan that freed it. */
  private async finishRemoval(plans: RemovePlan[], opts: RemoveOptions): Promise<void> {
    // one commit for the events' rows too
    tx(this.db, () => { for (const p of plans) for (const [id, action, attrs] of p.events) this.events.emitEvent('image', action, id, attrs); });
    const deleted = plans.flatMap((p) => p.deleted);
    if (deleted.length === 0) return;
    const protectedChains = new Set(plans.flatMap((p) => [...p.protectedChains]));
    // a blob that cannot be deleted does not stop the rest: the images are gone (their rows are
    // committed), so their hooks and items are made whole first and the failure is thrown last
    const garbage = await this.collectGarbage(deleted, protectedChains);
    const removed = new Map(garbage.layers.map((l) => [l.chainId, l]));
    await this.options.onImagesDeleted?.(deleted);
    // a layer shared by several images went, one remove at a time, with the last of them
    const layersOf: LayerRecord[][] = plans.map(() => []);
    for (let i = plans.length - 1; i >= 0 && removed.size > 0; i--) {
      for (const img of plans[i].deleted) {
        for (const l of [...img.layers].reverse()) { // top-most first
          const rec = removed.get(l.chainId);
          if (!rec) continue;
          removed.delete(l.chainId);
          layersOf[i].push(rec);
        }
      }
    }
    plans.forEach((p, i) => {
      for (const l of layersOf[i]) {
        p.records.push({ Deleted: l.chainId });
        opts.onLayerRemoved?.(l);
      }
    });
    if (garbage.blobError) throw garbage.blobError;
  }

  private userOf(imageId: string, inUseBy: InUseBy): ImageUser | undefined {
    const u = inUseBy(imageId);
    if (u === undefined) return undefined;
    return typeof u === 'string' ? { id: u, running: false } : u;
  }

  private planRemove(nameOrId: string, opts: RemoveOptions, plan: RemovePlan): void {
    const img = this.resolve(nameOrId);
    const force = !!opts.force;
    const prune = !opts.noPrune;
    let refs = this.refsOf(img.id);
    let quiet = false;
    if (!isIdPrefix(img.id, nameOrId)) {
      const user = this.userOf(img.id, opts.inUseBy);
      if (!force && isSingleReference(refs) && user) {
        throw new ConflictError(`conflict: unable to remove repository reference "${nameOrId}" (must force) - container ${shortId(user.id)} is using its referenced image ${shortId(img.id)}`, 'ERR_IMAGE_IN_USE');
      }
      const given = parseDockerRefOrTag(nameOrId);
      const givenStr = referenceString(given);
      // a digest reference may have matched through the manifest digest: untag what is stored
      const stored = refs.find((r) => r.ref === givenStr);
      if (stored) {
        this.deleteRef(img.id, stored.ref, plan);
        refs = this.refsOf(img.id);
        if (!given.digest && !refs.some((r) => r.kind === 'tag' && r.repo === fullName(given))) {
          // the last tag of a repository takes its digest references with it
          for (const r of refs.filter((x) => x.kind === 'digest' && x.repo === fullName(given))) this.deleteRef(img.id, r.ref, plan);
          refs = this.refsOf(img.id);
        }
        if (refs.length > 0) return;
        quiet = true;
      }
    } else if (isSingleReference(refs)) {
      let mask = CONFLICT_HARD;
      if (!force) mask |= CONFLICT_SOFT & ~CONFLICT_REFERENCE;
      const c = this.checkConflict(img.id, mask, opts.inUseBy);
      if (c) throw c;
      for (const r of refs) this.deleteRef(img.id, r.ref, plan);
    }
    this.deleteHelper(img.id, plan, opts.inUseBy, force, prune, quiet);
  }

  private deleteHelper(imageId: string, plan: RemovePlan, inUseBy: InUseBy, force: boolean, prune: boolean, quiet: boolean): void {
    let mask = CONFLICT_HARD;
    if (!force) mask |= CONFLICT_SOFT;
    const c = this.checkConflict(imageId, mask, inUseBy);
    if (c) {
      // a pruned parent or an untagged-but-used image stays, silently, unless it is dangling and unused
      if (quiet && (!this.isDangling(imageId) || c.used)) return;
      throw c;
    }
    const img = this.get(imageId)!;
    if (this.userOf(imageId, inUseBy)) for (const l of img.layers) plan.protectedChains.add(l.chainId);
    for (const r of this.refsOf(imageId)) this.deleteRef(imageId, r.ref, plan);
    // dockerd logs the delete after the image is gone: no labels left to copy
    plan.events.push([imageId, 'delete', { name: imageId }]);
    this.db.prepare('DELETE FROM images WHERE id = ?').run(imageId);
    plan.deleted.push(img);
    plan.records.push({ Deleted: imageId });
    if (!prune || !img.parent || !this.get(img.parent)) return;
    this.deleteHelper(img.parent, plan, inUseBy, false, true, true);
  }

  private checkConflict(imageId: string, mask: number, inUseBy: InUseBy): ImageDeleteConflict | undefined {
    if (mask & CONFLICT_CHILD && this.children(imageId).length > 0) {
      return new ImageDeleteConflict(imageId, true, false, 'image has dependent child images');
    }
    const user = (mask & (CONFLICT_RUNNING | CONFLICT_STOPPED)) ? this.userOf(imageId, inUseBy) : undefined;
    if (mask & CONFLICT_RUNNING && user?.running) {
      return new ImageDeleteConflict(imageId, true, true, `image is being used by running container ${shortId(user.id)}`);
    }
    if (mask & CONFLICT_REFERENCE && this.refsOf(imageId).length > 0) {
      return new ImageDeleteConflict(imageId, false, false, 'image is referenced in multiple repositories');
    }
    if (mask & CONFLICT_STOPPED && user && !user.running) {
      return new ImageDeleteConflict(imageId, false, true, `image is being used by stopped container ${shortId(user.id)}`);
    }
    return undefined;
  }

  private isDangling(imageId: string): boolean {
    return this.refsOf(imageId).length === 0 && this.children(imageId).length === 0;
  }

  private refsOf(imageId: string): { ref: string; kind: 'tag' | 'digest'; repo: string }[] {
    return this.db.prepare('SELECT ref, kind, repo FROM image_refs WHERE image_id = ? ORDER BY ref').all(imageId) as { ref: string; kind: 'tag' | 'digest'; repo: string }[];
  }

  private deleteRef(imageId: string, ref: string, plan: RemovePlan): void {
    this.db.prepare('DELETE FROM image_refs WHERE ref = ?').run(ref);
    plan.records.push({ Untagged: familiarString(parseNormalizedNamed(ref)) });
    plan.events.push([imageId, 'untag', this.eventAttributes(imageId, imageId)]);
  }

  /** After rows are gone: remove layers and blobs no remaining image uses. */
  private async collectGarbage(deleted: ImageRecord[], protectedChains: Set<string>): Promise<{ layers: LayerRecord[]; blobError?: SystemError }> {
    if (deleted.length === 0) return { layers: [] };
    const usedChains = this.usedChains();
    // children before parents: a layer's depth in its chain is its index in any image using it
    const doomed = new Map<string, number>();
    for (const img of deleted) {
      img.layers.forEach((l, depth) => {
        if (usedChains.has(l.chainId) || protectedChains.has(l.chainId) || this.options.layerHeld?.(l.chainId)) return;
        doomed.set(l.chainId, depth);
      });
    }
    const order = [...doomed].sort((a, b) => b[1] - a[1]).map(([chainId]) => chainId);
    const removed = await this.layers.removeMany(order, (chainId, reason) => log.warn('layer kept', { chainId, reason }));
    const blobs = new Set<string>();
    for (const img of deleted) {
      blobs.add(img.id);
      if (img.manifestDigest) blobs.add(img.manifestDigest);
      for (const l of img.layers) blobs.add(l.blobDigest);
    }
    return { layers: removed, blobError: await this.deleteUnreferencedBlobs([...blobs]) };
  }

  /** Chain IDs of every layer of the images stored. */
  private usedChains(): Set<string> {
    const used = new Set<string>();
    for (const r of this.db.prepare('SELECT layers_json FROM images').all() as { layers_json: string }[]) {
      for (const l of JSON.parse(r.layers_json) as ImageLayer[]) used.add(l.chainId);
    }
    return used;
  }

  /** Remove layers, top-most first, that no image uses and nothing holds (layers of an image that failed to register). */
  private async dropUnusedLayers(made: LayerRecord[]): Promise<void> {
    const usedChains = this.usedChains();
    for (const rec of [...made].reverse()) {
      if (usedChains.has(rec.chainId) || this.options.layerHeld?.(rec.chainId)) continue;
      try { await this.layers.remove(rec.chainId); } catch (e) { log.warn('layer kept', { chainId: rec.chainId, reason: (e as Error).message }); }
    }
  }

  /** True when a remaining image refers to the blob (config, manifest or layer). */
  blobReferenced(digest: string): boolean {
    if (this.db.prepare('SELECT 1 FROM images WHERE id = ? OR manifest_digest = ?').get(digest, digest)) return true;
    return this.db.prepare("SELECT 1 FROM images WHERE instr(layers_json, ?) > 0").get(`"blobDigest":"${digest}"`) !== undefined;
  }

  /** Decided in one pass over the images (a query per blob scanned every image's layers: quadratic in a prune), then unlinked together. */
  private async deleteUnreferencedBlobs(digests: string[]): Promise<SystemError | undefined> {
    const used = new Set<string>();
    for (const r of this.db.prepare('SELECT id, manifest_digest, layers_json FROM images').all() as { id: string; manifest_digest: string | null; layers_json: string }[]) {
      used.add(r.id);
      if (r.manifest_digest) used.add(r.manifest_digest);
      for (const l of JSON.parse(r.layers_json) as ImageLayer[]) used.add(l.blobDigest);
    }
    const doomed = digests.filter((d) => !used.has(d) && !this.options.blobHeld?.(d));
    // every unlink is tried; the ones that failed (an I/O error, a directory in a blob's place) are
    // reported together, with the blobs they left behind
    const results = await Promise.allSettled(doomed.map((d) => this.content.delete(d)));
    const failed = results.flatMap((r, i) => r.status === 'rejected' ? [{ digest: doomed[i], error: r.reason as Error }] : []);
    if (failed.length === 0) return undefined;
    for (const f of failed) log.warn('image blob kept', { digest: f.digest, reason: f.error.message });
    const list = failed.map((f) => `${f.digest} (${f.error.message})`).join(', ');
    return new SystemError(`image removed, but ${failed.length === 1 ? 'its blob' : `${failed.length} of its blobs`} could not be deleted: ${list}`, 'ERR_BLOB_DELETE', failed[0].error);
  }

  // ---------- views ----------

  inspect(nameOrId: string): any { return buildInspect(this, this.resolve(nameOrId)); }

  history(nameOrId: string): any[] { return buildHistory(this, this.resolve(nameOrId)); }

  summaries(opts: SummaryOptions = {}): any[] { return buildSummaries(this, opts); }

  prune(opts: PruneOptions): Promise<PruneReport> { return pruneImages(this, opts); }


}

interface PendingImage { id: string; configJson: string; manifestDigest: string | null; manifestMediaType: string | null; layers: ImageLayer[] }

/** A target for `docker tag`: normalised, latest by default, no digest. */
function parseTagTarget(target: string): ParsedReference {
  const r = parseNormalizedNamed(target);
  if (r.digest) throw new InvalidArgumentError('refusing to create a tag with a digest reference', 'ERR_INVALID_REFERENCE');
  return { domain: r.domain, path: r.path, tag: r.tag ?? 'latest' };
}

/** A name given to rmi: as stored (tag defaulted; a digest wins). */
function parseDockerRefOrTag(s: string): ParsedReference { return parseDockerRef(s); }

/** Docker's message names the reference with its tag defaulted ("No such image: foo:latest"). */
function notFoundName(s: string): string {
  try {
    const any = parseAnyReference(s);
    if ('id' in any) return any.id;
    return familiarString(parseDockerRef(s));
  } catch {
    return s;
  }
}

function isIdPrefix(imageId: string, s: string): boolean {
  return imageId.startsWith(s) || imageId.slice(7).startsWith(s);
}

/** At most one tag, and every digest reference in that tag's repository (Docker's isSingleReference). */
function isSingleReference(refs: { kind: string; repo: string }[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  let single: { kind: string; repo: string } | undefined;
  const canonicalRepos = new Set<string>();
  for (const r of refs) {
    if (r.kind === 'digest') canonicalRepos.add(r.repo);
    else if (!single) single = r;
    else return false;
  }
  single ??= refs[0];
  return canonicalRepos.size === 1 && canonicalRepos.has(single.repo);
}

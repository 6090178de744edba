/**
 * SBOMs through the engine: of an image (the union of its unpacked layers), a container's current
 * filesystem, or a directory.
 *
 * A container is read as its image's layers plus its snapshot's upper dir stacked on top, the same
 * view overlayfs gives it (berth mounts with redirect_dir and metacopy off, so the upper dir alone is
 * the complete diff: `docker diff` and commit rely on that too). Nothing is mounted for it, so a
 * stopped container needs no mount, a running one is read without touching its mounts, and an error
 * cannot leave a mount behind. Volumes and bind mounts are not part of the container's filesystem
 * and are not catalogued (as with `docker export`).
 */
import { NotFoundError } from '../common/errors.js';
import { familiarString, parseDockerRef, referenceString } from '../image/reference.js';
import type { ImageRecord } from '../image/image-store.js';
import { directorySbom } from '../sbom/directory-sbom.js';
import { generateSbom } from '../sbom/generate.js';
import type { Sbom, SbomSource } from '../sbom/types.js';
import { UnionTree, type TreeLayer } from '../sbom/union-tree.js';
import type { Engine } from './engine.js';

export type SbomTarget = { image: string } | { container: string } | { dir: string };

export interface SbomOptions { signal?: AbortSignal }

/** The name to show for an image: `debian:latest` for `debian`, else what the caller typed (an ID). */
function imageDisplayName(typed: string, img: ImageRecord): string {
  try {
    const ref = parseDockerRef(typed);
    const full = referenceString(ref);
    if (img.repoTags.includes(full) || img.repoDigests.some((d) => d.endsWith(`@${ref.digest ?? ''}`))) return familiarString(ref);
  } catch { /* an ID or ID prefix */ }
  return typed;
}

/** An image's layer dirs, bottom first, each with its diff ID. */
function imageLayers(engine: Engine, img: ImageRecord): TreeLayer[] {
  return img.layers.map((l) => {
    const rec = engine.layers.get(l.chainId);
    if (!rec) throw new NotFoundError(`layer ${l.diffId} of image ${img.id} is missing from the layer store`, 'ERR_SBOM_SOURCE');
    return { dir: rec.dir, digest: l.diffId };
  });
}

/** The layer chain under a snapshot, bottom first (the image may be gone; the layers stay while the container exists). */
function chainLayers(engine: Engine, topChainId: string | null): TreeLayer[] {
  const out: TreeLayer[] = [];
  for (let cur = topChainId; cur !== null;) {
    const rec = engine.layers.get(cur);
    if (!rec) throw new NotFoundError(`layer ${cur} is missing from the layer store`, 'ERR_SBOM_SOURCE');
    out.unshift({ dir: rec.dir, digest: rec.diffId });
    cur = rec.parent;
  }
  return out;
}

async function imageSbom(engine: Engine, name: string, opts: SbomOptions): Promise<Sbom> {
  const img = engine.images.resolve(name); // NoSuchImageError: Docker's "No such image: X"
  const layers = imageLayers(engine, img);
  const source: SbomSource = {
    type: 'image',
    name: imageDisplayName(name, img),
    imageId: img.id,
    ...(img.manifestDigest ? { manifestDigest: img.manifestDigest } : {}),
    layers: img.layers.map((l) => l.diffId),
  };
  // an image of no layers is an empty filesystem: the store's empty lower dir stands for it
  const tree = new UnionTree(layers.length ? layers : [{ dir: engine.snapshots.emptyLower }], true);
  return generateSbom(tree, source, { signal: opts.signal });
}

async function containerSbom(engine: Engine, nameOrId: string, opts: SbomOptions): Promise<Sbom> {
  const c = engine.containers.inspect(nameOrId); // NoSuchContainerError: "No such container: X"
  const snap = engine.snapshots.get(c.Id);
  if (!snap) throw new NotFoundError(`container ${c.Name.replace(/^\//, '')} has no filesystem snapshot`, 'ERR_SBOM_SOURCE');
  const layers = chainLayers(engine, snap.parent);
  const source: SbomSource = {
    type: 'container',
    name: c.Name.replace(/^\//, ''),
    ...(c.Image ? { imageId: c.Image } : {}),
    layers: layers.map((l) => l.digest!),
  };
  // the upper dir has no layer digest: packages found there are the container's own changes
  const tree = new UnionTree([...(layers.length ? layers : [{ dir: engine.snapshots.emptyLower }]), { dir: engine.snapshots.upperDir(c.Id) }], true);
  return generateSbom(tree, source, { signal: opts.signal });
}

export async function sbomOf(engine: Engine, target: SbomTarget, opts: SbomOptions = {}): Promise<Sbom> {
  if ('image' in target) return imageSbom(engine, target.image, opts);
  if ('container' in target) return containerSbom(engine, target.container, opts);
  return directorySbom(target.dir, opts);
}

/**
 * `save`: one tar that is both a docker-archive (manifest.json, repositories) and an OCI
 * image layout (oci-layout, index.json, blobs/sha256/), as Docker 25+ writes; `docker load`,
 * `skopeo copy docker-archive:` / `oci-archive:` and berth's load all read it.
 *
 * What is attached to an image as an OCI referrer (signatures, SBOMs) rides along: the referrer
 * manifests and their blobs go into blobs/, and the image's index.json entries name them in the
 * annotation REFERRERS_ANNOTATION (a JSON list of descriptors, like a referrers API answer). They are
 * not index.json entries of their own: skopeo's `oci-archive:FILE` without a name wants exactly one
 * entry, and Docker's and skopeo's loaders would take them for images.
 */
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import type { ImageRecord, ImageStore } from './image-store.js';
import { parseManifest } from './image-format.js';
import { familiarName, familiarString, parseAnyReference, parseNormalizedNamed } from './reference.js';
import type { ReferrerStore } from './referrers.js';

/** index.json annotation on an image's entry: the referrer manifests saved with it (JSON descriptors) */
export const REFERRERS_ANNOTATION = 'dev.berth.referrers';

const MTIME = new Date(0);

export async function saveImages(images: ImageStore, names: string[], out: Writable, onStart?: () => void, referrers?: ReferrerStore): Promise<void> {
  // resolve everything before the first byte: a bad name is a clean 404
  const picked: Array<{ img: ImageRecord; tags: string[] }> = [];
  for (const n of names) {
    const img = images.resolve(n);
    const any = parseAnyReference(n);
    let tags: string[];
    if ('id' in any || /^[a-f0-9]{6,64}$/.test(n)) tags = [];
    else if (any.named.digest) tags = [];
    else {
      const named = parseNormalizedNamed(n);
      tags = named.tag || n.includes(':') ? [`${named.domain}/${named.path}:${named.tag ?? 'latest'}`]
        : img.repoTags.filter((t) => t.startsWith(`${named.domain}/${named.path}:`));
    }
    const existing = picked.find((p) => p.img.id === img.id);
    if (existing) existing.tags.push(...tags.filter((t) => !existing.tags.includes(t)));
    else picked.push({ img, tags });
  }
  const pack = tar.pack();
  onStart?.();
  const done = pipeline(pack, out);
  const written = new Set<string>();
  const addFile = (name: string, data: Buffer | string) => new Promise<void>((resolve, reject) => {
    pack.entry({ name, mtime: MTIME, mode: 0o644 }, data, (e) => (e ? reject(e) : resolve()));
  });
  const addBlob = async (digest: string): Promise<void> => {
    if (written.has(digest)) return;
    written.add(digest);
    const size = images.content.size(digest);
    const entry = pack.entry({ name: `blobs/sha256/${digest.slice(7)}`, size, mtime: MTIME, mode: 0o644 });
    await pipeline(images.content.stream(digest), entry);
  };
  const index: any = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] };
  const manifestJson: any[] = [];
  const repositories: Record<string, Record<string, string>> = {};
  for (const { img, tags } of picked) {
    const mf = images.manifest(img);
    const m = parseManifest(mf.raw, mf.mediaType);
    for (const l of m.layers) await addBlob(l.digest);
    await addBlob(m.config.digest);
    await addBlob(mf.digest);
    const desc: any = { mediaType: mf.mediaType, digest: mf.digest, size: mf.raw.length };
    const attached = referrers?.list(mf.digest) ?? [];
    for (const r of attached) {
      const { manifest } = referrers!.manifest(r.digest);
      for (const b of [manifest.config, ...manifest.layers]) await addBlob(b.digest);
      await addBlob(r.digest);
    }
    if (attached.length) {
      desc.annotations = { [REFERRERS_ANNOTATION]: JSON.stringify(attached.map((r) => ({ mediaType: r.mediaType, digest: r.digest, size: r.size, ...(r.artifactType ? { artifactType: r.artifactType } : {}) }))) };
    }
    if (tags.length === 0) index.manifests.push(desc);
    for (const t of tags) {
      const named = parseNormalizedNamed(t);
      index.manifests.push({ ...desc, annotations: { ...desc.annotations, 'io.containerd.image.name': t, 'org.opencontainers.image.ref.name': named.tag } });
      (repositories[familiarName(named)] ??= {})[named.tag!] = img.id.slice(7);
    }
    manifestJson.push({
      Config: `blobs/sha256/${m.config.digest.slice(7)}`,
      RepoTags: tags.length ? tags.map((t) => familiarString(parseNormalizedNamed(t))) : null,
      Layers: m.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
    });
  }
  await addFile('index.json', JSON.stringify(index));
  await addFile('manifest.json', JSON.stringify(manifestJson));
  await addFile('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  if (Object.keys(repositories).length) await addFile('repositories', JSON.stringify(repositories));
  pack.finalize();
  await done;
}

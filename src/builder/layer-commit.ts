/**
 * Turning a snapshot's upper dir into a layer (LayerStore) and its gzip blob
 * (ContentStore) in one pass, and assembling the final image from layers that
 * already exist (no layer is unpacked twice).
 */
import { PassThrough, type Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { ContentStore } from '../store/content.js';
import type { LayerStore } from '../snapshot/layer-store.js';
import type { ImageLayer, ImageRecord, ImageStore } from '../image/image-store.js';
import { buildConfigJson, buildManifestJson, goArch, MEDIA, type HistoryEntry } from '../image/image-format.js';

export async function commitLayer(content: ContentStore, layers: LayerStore, parentChainId: string | null, tar: Readable): Promise<ImageLayer> {
  const gzip = createGzip();
  const forLayer = new PassThrough();
  const fail = (e: Error): void => {
    for (const s of [tar, gzip, forLayer]) if (!s.destroyed) s.destroy(e);
  };
  tar.on('error', fail);
  tar.pipe(gzip);
  tar.pipe(forLayer);
  const pBlob = content.putStream(gzip).catch((e: Error) => { fail(e); throw e; });
  const pLayer = layers.register(parentChainId, forLayer).then((r) => { forLayer.resume(); return r; }, (e: Error) => { fail(e); throw e; });
  const [blob, layer] = await Promise.all([pBlob, pLayer]);
  return { diffId: layer.diffId, chainId: layer.chainId, blobDigest: blob.digest, mediaType: MEDIA.ociLayerGzip, size: blob.size, diffSize: layer.size };
}

export interface FinalImage {
  config: any; layers: ImageLayer[]; history: HistoryEntry[]; author?: string; architecture?: string; parentId?: string; created: string;
}

export async function assembleImage(content: ContentStore, images: ImageStore, img: FinalImage, tags: string[]): Promise<ImageRecord> {
  const configJson = buildConfigJson({
    architecture: img.architecture ?? goArch(), os: 'linux', author: img.author, created: img.created,
    config: img.config, diffIds: img.layers.map((l) => l.diffId), history: img.history,
  });
  const cfg = await content.put(configJson);
  const manifest = buildManifestJson(
    { mediaType: MEDIA.ociConfig, digest: cfg.digest, size: cfg.size },
    img.layers.map((l) => ({ mediaType: l.mediaType, digest: l.blobDigest, size: l.size })),
  );
  const man = await content.put(manifest);
  return images.addFromManifest({ manifestDigest: man.digest, mediaType: MEDIA.ociManifest, tags, parent: img.parentId });
}

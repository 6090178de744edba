/** docker import: a flat rootfs tarball (plain or compressed) becomes a one-layer image. */
import type { Readable } from 'node:stream';
import { InvalidArgumentError } from '../common/errors.js';
import { decompressAuto } from '../snapshot/decompress.js';
import { applyChanges } from './changes.js';
import type { ImageRecord, ImageStore } from './image-store.js';
import { parseNormalizedNamed } from './reference.js';

export { applyChanges } from './changes.js';

export interface ImportOptions {
  /** repository[:tag] to tag the new image with */
  ref?: string;
  /** history comment (the API layer passes Docker's default "Imported from <src>") */
  message?: string;
  /** Dockerfile instructions applied to an empty config (`--change`) */
  changes?: string[];
}

export async function importImage(images: ImageStore, tar: Readable, opts: ImportOptions = {}): Promise<ImageRecord> {
  // check everything cheap before reading the archive
  if (opts.ref) {
    const r = parseNormalizedNamed(opts.ref);
    if (r.digest) throw new InvalidArgumentError('cannot import digest reference', 'ERR_INVALID_REFERENCE');
  }
  const config = applyChanges({}, opts.changes ?? []);
  const plain = await decompressAuto(tar);
  const img = await images.createImage({
    layerTar: plain,
    config,
    history: { created_by: '', comment: opts.message || undefined },
    tags: opts.ref ? [opts.ref] : [],
  });
  images.events.emitEvent('image', 'import', img.id, { ...(img.config?.config?.Labels ?? {}), name: img.id });
  return img;
}

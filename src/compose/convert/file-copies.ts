/**
 * The tar archive that writes a plan's secrets and configs from `content`/`environment` into a created
 * container (PUT /containers/{id}/archive?path=/, before start), as compose v2's injectFileReferences:
 * one entry per file, named by its absolute target, with its uid, gid and mode.
 */
import { tarBuffer } from '../../client/tar-buffer.js';
import type { FileCopy } from './mounts.js';

export function fileCopiesArchive(copies: FileCopy[], now = new Date()): Promise<Buffer> {
  return tarBuffer((pack) => {
    for (const c of copies) {
      pack.entry({ name: c.target.replace(/^\/+/, ''), size: Buffer.byteLength(c.content), mode: c.mode, uid: c.uid, gid: c.gid, mtime: now, type: 'file' }, c.content);
    }
  });
}

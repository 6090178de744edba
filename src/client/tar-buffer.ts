/**
 * A small tar archive built in memory, for request bodies such as PUT /containers/{id}/archive and
 * POST /images/create?fromSrc=- (compose's file copies and watch sync, kube's infra image and files).
 */
import * as tar from 'tar-stream';

/** Runs `fill` on a fresh tar-stream pack, finalizes it, and resolves to the whole archive. */
export function tarBuffer(fill: (pack: tar.Pack) => void): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pack.on('data', (c) => chunks.push(c as Buffer));
    pack.on('end', () => resolve(Buffer.concat(chunks)));
    pack.on('error', reject);
  });
  try {
    fill(pack);
  } catch (e) {
    pack.destroy(e as Error);
    throw e;
  }
  pack.finalize();
  return done;
}

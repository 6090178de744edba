/**
 * Pulling a build's base image from its registry, as the classic builder does when FROM names an
 * image that is not local (or always, with --pull). The progress goes into the build's output as
 * plain lines (`<tag>: Pulling from ...`, one line per layer when it is complete, the digest and
 * the status), which is what `docker build` prints through the classic API.
 */
import type { BuildHost } from './build-host.js';
import type { ImageRecord } from '../image/image-store.js';
import { familiarString, parseNormalizedNamed } from '../image/reference.js';
import type { Credentials } from '../registry/client/http.js';
import { registryHostsConfig } from '../registry/client/daemon-config.js';
import { pullImage } from '../registry/client/pull.js';
import type { Progress } from '../registry/client/progress.js';

export interface BasePullOptions { creds?: Credentials; platform?: string; out: (text: string) => void }

/** Layer states worth a line of build output (the rest are progress bars). */
const SHOWN = new Set(['Already exists', 'Pull complete']);

export async function pullBaseImage(engine: BuildHost, ref: string, opts: BasePullOptions): Promise<ImageRecord> {
  const progress: Progress = {
    status: (status, id) => opts.out(`${id ? `${id}: ` : ''}${status}\n`),
    layer: (id, status) => { if (SHOWN.has(status)) opts.out(`${id}: ${status}\n`); },
    bytes: () => {},
  };
  const r = await pullImage({ images: engine.images, content: engine.content, ref, platform: opts.platform, creds: opts.creds, hosts: registryHostsConfig(), progress, ...engine.pullHooks });
  opts.out(`Digest: ${r.digest}\n`);
  const shown = familiarString(parseNormalizedNamed(ref));
  opts.out(r.upToDate ? `Status: Image is up to date for ${shown}\n` : `Status: Downloaded newer image for ${shown}\n`);
  return r.image;
}

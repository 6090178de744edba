/**
 * The image the pause process runs from: one layer holding the host's catatonit (statically linked,
 * Debian's `catatonit`), built locally on first use so pods need no registry. `catatonit --pause`
 * sleeps until signalled and reaps nothing: it only holds the pod's namespaces.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { SystemError } from '../common/errors.js';
import type { Engine } from '../engine/engine.js';

export const PAUSE_IMAGE = 'localhost/berth-pause:catatonit';
const CATATONIT_PATHS = ['/usr/bin/catatonit', '/usr/libexec/podman/catatonit', '/usr/local/bin/catatonit'];
/** -P is the pause mode of every catatonit release (Debian 12's 0.1.7 knows no --pause) */
export const PAUSE_COMMAND = ['/catatonit', '-P'];

function catatonitPath(): string {
  const p = CATATONIT_PATHS.find((x) => existsSync(x));
  if (!p) throw new SystemError(`catatonit is needed for pod sandboxes and was not found (${CATATONIT_PATHS.join(', ')}); install the Debian package catatonit`, 'ERR_CRI_INVALID');
  return p;
}

let building: Promise<string> | undefined;

/** The pause image's id, imported from catatonit the first time. */
export function ensurePauseImage(engine: Engine): Promise<string> {
  const have = engine.images.tryResolve(PAUSE_IMAGE);
  if (have) return Promise.resolve(have.id);
  building ??= (async () => {
    const bin = readFileSync(catatonitPath());
    const mtime = new Date(statSync(catatonitPath()).mtimeMs);
    const p = pack();
    for (const d of ['dev', 'proc', 'sys', 'etc', 'tmp']) p.entry({ name: `${d}/`, type: 'directory', mode: 0o755, mtime });
    for (const f of ['etc/hostname', 'etc/hosts', 'etc/resolv.conf']) p.entry({ name: f, mode: 0o644, mtime }, '');
    p.entry({ name: 'catatonit', mode: 0o755, mtime }, bin);
    p.finalize();
    const { id } = await engine.importImage(Readable.from(p), { ref: PAUSE_IMAGE, message: 'berth pod sandbox (catatonit --pause)', changes: [`ENTRYPOINT ${JSON.stringify(PAUSE_COMMAND)}`] });
    return id;
  })().finally(() => { building = undefined; });
  return building;
}

/**
 * RUN --mount: type=cache (persistent dirs under the engine root, by id),
 * type=bind (from the context or a stage/image, read-only unless rw),
 * type=tmpfs, type=secret (from the build's secrets; never in a layer, the
 * history or the cache key). None of them land in the step's layer: they are
 * mounts on top of the rootfs, not files in the upper dir.
 */
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { randomId } from '../common/digest.js';
import { mountAll } from '../snapshot/mounts.js';
import type { BuildHost } from './build-host.js';
import type { ImageLayer, ImageRecord } from '../image/image-store.js';
import type { SpecMount } from '../runtime/index.js';
import type { BuildContext } from './context/build-context.js';
import { DockerfileError, type Location } from './parser/errors.js';

export interface MountDeps {
  engine: BuildHost;
  ctx: BuildContext;
  secrets: Record<string, Buffer>;
  location: Location;
  stageState(ref: string): Promise<{ layers: ImageLayer[]; key: string } | undefined>;
  resolveImage(ref: string): Promise<ImageRecord>;
}

export interface PreparedMounts {
  /** what of the mounts determines the step's output (cache key) */
  keyParts: unknown[];
  /** mounts for the spec (after the rootfs is mounted) */
  prepare(rootfs: string): Promise<SpecMount[]>;
  /** after the container ran */
  release(): Promise<void>;
  /** always, at the end of the step */
  cleanup(): Promise<void>;
}

type Opts = Record<string, string>;

function parseMount(spec: string, loc: Location): Opts {
  const o: Opts = {};
  for (const part of spec.split(',')) {
    if (part === '') continue;
    const i = part.indexOf('=');
    const k = (i < 0 ? part : part.slice(0, i)).toLowerCase();
    o[k === 'dst' || k === 'destination' ? 'target' : k === 'src' ? 'source' : k] = i < 0 ? 'true' : part.slice(i + 1);
  }
  o.type ??= 'bind';
  if (!['bind', 'cache', 'tmpfs', 'secret', 'ssh'].includes(o.type)) throw new DockerfileError(`unsupported mount type ${JSON.stringify(o.type)}`, loc, 'ERR_DOCKERFILE_MOUNT');
  if (o.type === 'ssh') throw new DockerfileError('RUN --mount=type=ssh is not supported', loc, 'ERR_DOCKERFILE_MOUNT');
  if (o.type !== 'secret' && !o.target) throw new DockerfileError(`mount type=${o.type} needs a target`, loc, 'ERR_DOCKERFILE_MOUNT');
  return o;
}

export async function runMountsFor(specs: string[], deps: MountDeps): Promise<PreparedMounts> {
  const parsed = specs.map((s) => parseMount(s, deps.location));
  const keyParts: unknown[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  const releases: Array<() => Promise<void>> = [];
  const builders: Array<(rootfs: string) => Promise<SpecMount | undefined>> = [];
  const tmpBase = join(deps.engine.paths.runRoot, 'build-secrets');

  for (const o of parsed) {
    const ro = o.readonly === 'true' || o.ro === 'true' || (o.type === 'bind' && o.rw !== 'true' && o.readwrite !== 'true');
    const opts = ['rbind', ro ? 'ro' : 'rw'];
    if (o.type === 'tmpfs') {
      keyParts.push(['tmpfs', o.target]);
      builders.push(async () => ({ destination: o.target, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', ...(o.size ? [`size=${o.size}`] : [])] }));
    } else if (o.type === 'cache') {
      const id = o.id || o.target;
      keyParts.push(['cache', o.target]); // the contents of a cache mount are not part of the key (as Docker)
      const dir = join(deps.engine.paths.root, 'build-cache-mounts', createHash('sha256').update(id).digest('hex').slice(0, 32));
      builders.push(async () => {
        mkdirSync(dir, { recursive: true, mode: 0o755 });
        const mode = o.mode ? parseInt(o.mode, 8) : 0o755;
        chmodSync(dir, mode);
        chownSync(dir, Number(o.uid ?? 0), Number(o.gid ?? 0));
        return { destination: o.target, type: 'bind', source: dir, options: ['rbind', ro ? 'ro' : 'rw'] };
      });
    } else if (o.type === 'secret') {
      const id = o.id || (o.target ? o.target.split('/').pop()! : '');
      const target = o.target || `/run/secrets/${id}`;
      const value = deps.secrets[id];
      if (value === undefined && o.required === 'true') throw new DockerfileError(`secret ${id} not found`, deps.location, 'ERR_BUILD_SECRET');
      keyParts.push(['secret', target]);
      if (value === undefined) continue;
      const dir = join(tmpBase, randomId().slice(0, 16));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      builders.push(async () => {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        const file = join(dir, 'secret');
        writeFileSync(file, value, { mode: o.mode ? parseInt(o.mode, 8) : 0o400 });
        chownSync(file, Number(o.uid ?? 0), Number(o.gid ?? 0));
        return { destination: target, type: 'bind', source: file, options: ['rbind', 'ro'] };
      });
    } else {
      // bind: from the context (checksummed) or from a stage / image
      const source = (o.source ?? '.').replace(/^\/+/, '') || '.';
      if (o.from) {
        const st = await deps.stageState(o.from);
        const layers = st ? st.layers : (await deps.resolveImage(o.from)).layers;
        keyParts.push(['bind', o.target, o.from, st?.key ?? layers.at(-1)?.chainId ?? 'scratch', source, ro]);
        const key = 'build-' + randomId().slice(0, 20);
        cleanups.push(() => deps.engine.snapshots.remove(key).catch(() => undefined));
        builders.push(async () => {
          await deps.engine.snapshots.create(key, layers.at(-1)?.chainId ?? null);
          const root = deps.engine.snapshots.mountpoint(key);
          await mountAll(await deps.engine.snapshots.mounts(key), root);
          return { destination: o.target, type: 'bind', source: join(root, source), options: opts };
        });
      } else {
        const rel = deps.ctx.relPath(source);
        keyParts.push(['bind', o.target, rel, ro, await deps.ctx.checksum(deps.ctx.list(rel))]);
        builders.push(async () => ({ destination: o.target, type: 'bind', source: join(await deps.ctx.root(), rel), options: opts }));
        // a rw bind of the context must not change the context: give it a throw-away copy
        if (!ro) {
          const copy = join(deps.engine.paths.tmp, 'bind-' + randomId().slice(0, 16));
          cleanups.push(() => rm(copy, { recursive: true, force: true }));
          builders.pop();
          builders.push(async () => {
            const { cp } = await import('node:fs/promises');
            await cp(join(await deps.ctx.root(), rel), copy, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
            return { destination: o.target, type: 'bind', source: copy, options: ['rbind', 'rw'] };
          });
        }
      }
    }
  }
  return {
    keyParts,
    async prepare(rootfs: string) {
      const out: SpecMount[] = [];
      for (const b of builders) {
        const m = await b(rootfs);
        if (m) out.push(m);
      }
      // the runtime creates missing mount points; they must not land in the layer
      for (const m of out) {
        const parts = m.destination.split('/').filter(Boolean);
        for (let i = 1; i <= parts.length; i++) {
          const p = join(rootfs, ...parts.slice(0, i));
          let st;
          try { st = lstatSync(p); } catch { releases.push(() => rm(p, { recursive: true, force: true })); break; }
          if (st.isSymbolicLink()) break; // never follow the image's links on the host
        }
      }
      return out;
    },
    async release() { for (const r of releases) await r(); },
    async cleanup() { for (const c of cleanups) await c(); },
  };
}

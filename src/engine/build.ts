/**
 * Image builds through the engine: the context arrives as a tar stream (POST /build's body,
 * plain, gzip or zstd) or is a directory; the classic builder runs it; its temporary
 * directories are removed whatever happens.
 */
import type { Readable } from 'node:stream';
import { Builder, buildTmpDir, removeDir, type BuildOptions, type BuildResult } from '../builder/builder.js';
import type { BuildHost } from '../builder/build-host.js';
import { receiveContext } from '../builder/context/receive-context.js';
import { DiskContextFs } from '../builder/context/context-fs.js';
import { parseSize, parseUntil } from '../builder/prune-options.js';
import type { PruneResult } from '../builder/cache.js';
import { log } from '../common/log.js';
import { applyBuildLint, lintBuildDockerfile } from './build-lint.js';

export type { BuildResult } from '../builder/builder.js';
export { BuildStepError } from '../builder/builder.js';

export interface EngineBuildOptions extends Omit<BuildOptions, 'context' | 'contextDir'> {
  /** the build context: a tar stream (plain, gzip or zstd), or a directory's path */
  context: Readable | string;
  /** notes that are not build output (a --cache-from image that is not here) */
  onNotice?: (text: string) => void;
  /** attach the new image's SBOM to it (`berth build --sbom`, berth's own extension) */
  sbom?: boolean;
}

export interface BuildCachePruneOptions {
  /** keep this much cache (bytes, or a size such as `512MB`) */
  keepStorage?: number | string;
  /** only entries unused since (a duration such as `24h`, or a timestamp) */
  until?: string;
}

export async function runBuild(host: BuildHost, builder: Builder, opts: EngineBuildOptions): Promise<BuildResult> {
  const dirs: string[] = [];
  const makeDir = (): string => { const dir = buildTmpDir(host); dirs.push(dir); return dir; };
  const { context: source, onNotice, sbom: _sbom, ...rest } = opts;
  try {
    opts.signal?.throwIfAborted();
    const t0 = performance.now();
    const context = typeof source === 'string' ? new DiskContextFs(source) : await receiveContext(source, makeDir);
    const tReceived = performance.now();
    for (const ref of opts.cacheFrom ?? []) if (!host.images.tryResolve(ref)) onNotice?.(`cache-from image ${ref} not found locally, ignored\n`);
    // BuildKit's checks run before any step; `# check=error=true` stops the build here
    applyBuildLint(await lintBuildDockerfile(host, context, rest).catch((e: unknown) => {
      log.warn('build checks failed; building without them', { error: String(e) }); // a lint bug must not stop builds
      return undefined;
    }), onNotice);
    const res = await builder.build({ ...rest, context });
    log.debug('build timings', { receiveMs: +(tReceived - t0).toFixed(2), buildMs: +(performance.now() - tReceived).toFixed(2), cached: res.cachedSteps, executed: res.executedSteps });
    return res;
  } finally {
    for (const dir of dirs) await removeDir(dir);
  }
}

export function pruneBuildCache(builder: Builder, opts: BuildCachePruneOptions = {}): Promise<PruneResult> {
  const keep = opts.keepStorage;
  return builder.cache.prune({
    all: true,
    keepBytes: keep === undefined || keep === '' ? undefined : typeof keep === 'number' ? keep : parseSize(keep),
    untilMs: opts.until ? parseUntil(opts.until) : undefined,
  });
}

/**
 * Builds of the same small Dockerfile, cold (--no-cache), fully cached, and with a change late in the
 * file (its last COPY and RUN rebuild): berth build against the legacy docker builder and buildah.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import type { Case, Tool } from '../lib/types.js';
import { benchEnv, timedSpawnOk } from '../lib/proc.js';
import { peerAvailable } from '../peers/availability.js';
import { engine, type Engine } from '../peers/engine.js';
import { podmanEnv, podmanPaths, storageFlags } from '../peers/podman.js';

const DOCKERFILE = [
  'FROM busybox',
  'RUN echo one > /one',
  'COPY a.txt /a.txt',
  'RUN cat /a.txt /one > /two',
  'COPY late.txt /late.txt',
  'RUN cat /late.txt > /three',
  '',
].join('\n');

type Mode = 'cold' | 'cached' | 'late';
type Builder = 'berth' | 'docker' | 'buildah';

function contextDir(ctx: BenchContext, builder: Builder, mode: Mode): string {
  const dir = join(ctx.workDir, `build-${builder}-${mode}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  writeFileSync(join(dir, 'late.txt'), 'late 0\n');
  return dir;
}

function buildTool(ctx: BenchContext, builder: Builder, mode: Mode): Tool {
  let dir = '';
  let e: Engine | undefined;
  const tag = `bench/build-${mode}:latest`;
  const noCache = mode === 'cold' ? ['--no-cache'] : [];
  const argv = (): { cmd: string; args: string[]; env?: NodeJS.ProcessEnv } => {
    switch (builder) {
      case 'berth': return { cmd: 'berth', args: ['build', ...noCache, '-q', '-t', tag, dir] };
      case 'docker': return { cmd: 'docker', args: ['build', ...noCache, '-q', '-t', tag, dir], env: { DOCKER_BUILDKIT: '0' } };
      case 'buildah': return { cmd: 'buildah', args: [...storageFlags(ctx), 'bud', '--layers', ...noCache, '-q', '-t', tag, dir] };
    }
  };
  const build = async () => {
    const a = argv();
    if (builder === 'buildah') {
      return timedSpawnOk('nsenter', [`--net=/run/netns/${e!.netns}`, 'buildah', ...a.args], { timeoutMs: ctx.options.runTimeoutMs * 2, env: { ...podmanEnv(ctx), TMPDIR: podmanPaths(ctx).tmp } });
    }
    return e!.cli(a.args, ctx.options.runTimeoutMs * 2, a.env);
  };
  const shown = builder === 'docker' ? 'DOCKER_BUILDKIT=0 docker' : builder;
  return {
    name: builder === 'docker' ? 'docker (legacy builder)' : builder,
    role: builder === 'berth' ? 'berth' : 'peer',
    command: `${shown} ${builder === 'buildah' ? 'bud --layers' : 'build'} ${noCache.join(' ')} -q -t ${tag} <dir>${mode === 'late' ? '   (late.txt changed before each build)' : ''}`.replace(/ +/g, ' '),
    async setup() {
      // buildah shares podman's storage, where busybox is loaded
      e = await engine(ctx, builder === 'buildah' ? 'podman' : builder);
      dir = contextDir(ctx, builder, mode);
      if (mode !== 'cold') await build(); // fill the cache
    },
    async run(i) {
      if (mode === 'late') writeFileSync(join(dir, 'late.txt'), `late ${i + 1} ${process.hrtime.bigint()}\n`);
      return (await build()).ms;
    },
    async teardown() { /* images and cache go with the engine's temporary root */ },
  };
}

function builders(ctx: BenchContext): Builder[] {
  return (['berth', 'docker', 'buildah'] as Builder[]).filter((b) => b === 'berth' || (b === 'docker' ? peerAvailable(ctx, 'docker') : peerAvailable(ctx, 'buildah') && peerAvailable(ctx, 'podman')));
}

export const buildColdCase: Case = {
  name: 'build, cold (--no-cache)',
  description: `A six-line Dockerfile (FROM busybox, three RUN, two COPY) built without cache. The peers: docker's legacy builder (DOCKER_BUILDKIT=0) and buildah (bud --layers).`,
  maxIterations: 5,
  tools: (ctx) => builders(ctx).map((b) => buildTool(ctx, b, 'cold')),
};

export const buildCachedCase: Case = {
  name: 'build, fully cached',
  description: 'The same Dockerfile and context built again: every step is a cache hit.',
  goal: '<= 0.5x Docker (Docker legacy 117 ms, buildah 1077 ms)',
  maxIterations: 10,
  tools: (ctx) => builders(ctx).map((b) => buildTool(ctx, b, 'cached')),
};

export const buildLateChangeCase: Case = {
  name: 'build, late change',
  description: 'The file copied by the second-to-last step changes before every build: four steps are cache hits, the last COPY and RUN rebuild.',
  maxIterations: 5,
  tools: (ctx) => builders(ctx).map((b) => buildTool(ctx, b, 'late')),
};

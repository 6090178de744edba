/**
 * Builds of the same small Dockerfile, cold (--no-cache), fully cached, and with a change late in the
 * file (its last COPY and RUN rebuild): berth build against the legacy docker builder and buildah.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import type { Case, Tool } from '../lib/types.js';
import { timedSpawnOk } from '../lib/proc.js';
import { peerAvailable } from '../peers/availability.js';
import { engine, engineLabel, type Engine } from '../peers/engine.js';
import { podmanEnv, podmanPaths, storageFlags } from '../peers/podman.js';

/** A build project: its Dockerfile and context, and the file a late change touches. */
interface Project {
  key: string;
  files(ctx: BenchContext): Record<string, string>;
  /** the context file changed before each late-change build */
  lateFile: string;
  /** untimed: make the base image available to the builder (busybox is everywhere already) */
  prepare?(ctx: BenchContext, builder: Builder, e: Engine): Promise<void>;
}

const SMALL: Project = {
  key: 'small',
  lateFile: 'late.txt',
  files: () => ({
    Dockerfile: [
      'FROM busybox',
      'RUN echo one > /one',
      'COPY a.txt /a.txt',
      'RUN cat /a.txt /one > /two',
      'COPY late.txt /late.txt',
      'RUN cat /late.txt > /three',
      '',
    ].join('\n'),
    'a.txt': 'a\n',
    'late.txt': 'late 0\n',
  }),
};

/**
 * A Node-style project in stages: dependencies installed from the manifest (300 packages), assets
 * packed in a stage of their own, sources bundled on top of the dependencies, and a final image
 * that copies from all three. The late change edits one source file: the bundle step and the
 * final COPY --from=build rebuild, dependencies and assets stay cached.
 */
const MULTI_STAGE: Project = {
  key: 'multi-stage',
  lateFile: 'src/zz-last.js',
  files: (ctx) => {
    const files: Record<string, string> = {
      Dockerfile: [
        'FROM busybox AS deps',
        'WORKDIR /src',
        'COPY package.json package-lock.json ./',
        'RUN mkdir -p node_modules && for i in $(seq 1 300); do mkdir -p node_modules/pkg$i && echo "module.exports = $i;" > node_modules/pkg$i/index.js; done',
        '',
        'FROM busybox AS assets',
        'COPY assets/ /assets/',
        'RUN cd /assets && tar cf /assets.tar . && rm -rf /assets',
        '',
        'FROM deps AS build',
        'COPY src/ ./src/',
        'RUN mkdir -p dist && cat src/*.js > dist/app.js && wc -c dist/app.js > dist/size',
        '',
        'FROM busybox',
        'WORKDIR /app',
        'COPY --from=deps /src/node_modules ./node_modules',
        'COPY --from=assets /assets.tar ./',
        'COPY --from=build /src/dist ./dist',
        'ENV NODE_ENV=production',
        'CMD ["cat", "/app/dist/app.js"]',
        '',
      ].join('\n'),
      'package.json': JSON.stringify({ name: 'bench-app', version: '1.0.0', dependencies: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`pkg${i + 1}`, '1.0.0'])) }, null, 2),
      'package-lock.json': JSON.stringify({ lockfileVersion: 3, packages: {} }),
      '.dockerignore': 'node_modules\n*.log\n',
      'debug.log': 'ignored\n',
    };
    const sources = ctx.size(200, 20);
    for (let i = 0; i < sources; i++) files[`src/m${String(i).padStart(3, '0')}.js`] = `export const m${i} = ${i};\n`.repeat(20);
    for (let i = 0; i < ctx.size(50, 5); i++) files[`assets/img${i}.svg`] = `<svg id="${i}">${'x'.repeat(2000)}</svg>\n`;
    files['src/zz-last.js'] = 'export const last = 0;\n';
    return files;
  },
};

const DEBIAN_IMAGE = 'debian:bookworm';

/**
 * A Debian-based Dockerfile (no network in the build: user, packages list, config, a script). The
 * base is debian:bookworm made with mmdebstrap and imported into berth (untimed, once), saved and loaded
 * into the peers; the smoke run uses busybox with the same steps in busybox's words.
 */
const DEBIAN: Project = {
  key: 'debian',
  lateFile: 'app.sh',
  files: (ctx) => {
    const debian = !ctx.options.smoke;
    return {
      Dockerfile: [
        `FROM ${debian ? DEBIAN_IMAGE : 'busybox'}`,
        'ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8',
        debian ? 'RUN useradd --create-home --uid 1000 app && dpkg-query -W > /packages.txt' : 'RUN echo "app:x:1000:1000::/home/app:/bin/sh" >> /etc/passwd && mkdir -p /home/app && ls /bin > /packages.txt',
        'WORKDIR /app',
        'COPY config/ /app/config/',
        'RUN sha256sum /app/config/* > /app/config.sums && chown -R 1000 /app',
        'COPY app.sh /app/app.sh',
        'RUN sh -n /app/app.sh && chmod +x /app/app.sh',
        'USER app',
        'CMD ["/app/app.sh"]',
        '',
      ].join('\n'),
      ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`config/c${i}.conf`, `key${i} = ${'v'.repeat(500)}\n`])),
      'app.sh': '#!/bin/sh\necho started 0\n',
    };
  },
  async prepare(ctx, builder, e) {
    if (ctx.options.smoke) return;
    const archive = await ctx.shared('archive:debian', async () => {
      const berth = await ctx.berth();
      // the daemon's namespace has no route to a mirror: mmdebstrap runs here, as berth's bootstrap
      // would (minbase, root mode), only downloading Debian's packages; berth imports its tar
      ctx.log('building debian:bookworm with mmdebstrap (untimed; minutes)');
      const rootfs = join(ctx.workDir, 'debian-rootfs.tar');
      await timedSpawnOk('mmdebstrap', ['--variant=minbase', '--mode=root', '--format=tar', '--quiet', 'bookworm', rootfs], { timeoutMs: 1_800_000 });
      await berth.cli(['import', '-c', 'CMD ["bash"]', rootfs, DEBIAN_IMAGE], 600_000);
      const file = join(ctx.workDir, 'debian.tar');
      await berth.cli(['save', '-o', file, DEBIAN_IMAGE], 300_000);
      return file;
    });
    if (builder !== 'berth') await ctx.shared(`debian-loaded:${e.kind}`, async () => { await e.cli(['load', '-i', archive], 300_000); });
  },
};

/** A fresh context directory of one of the projects (for cases outside this file). */
export function projectContext(ctx: BenchContext, key: 'small' | 'multi-stage', label: string): string {
  const project = key === 'small' ? SMALL : MULTI_STAGE;
  const dir = join(ctx.workDir, `build-${project.key}-${label}`);
  writeProject(ctx, project, dir);
  return dir;
}

function writeProject(ctx: BenchContext, project: Project, dir: string): void {
  for (const [name, content] of Object.entries(project.files(ctx))) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
}

type Mode = 'cold' | 'cached' | 'late';
/** berth-baseline: the BENCH_BASELINE_REF build's `berth build` against its own daemon */
type Builder = 'berth' | 'berth-baseline' | 'docker' | 'buildah';

function contextDir(ctx: BenchContext, project: Project, builder: Builder, mode: Mode): string {
  const dir = join(ctx.workDir, `build-${project.key}-${builder}-${mode}`);
  writeProject(ctx, project, dir);
  return dir;
}

function buildTool(ctx: BenchContext, project: Project, builder: Builder, mode: Mode): Tool {
  let dir = '';
  let e: Engine | undefined;
  const tag = `bench/build-${project.key}-${mode}:latest`;
  const noCache = mode === 'cold' ? ['--no-cache'] : [];
  const argv = (): { cmd: string; args: string[]; env?: NodeJS.ProcessEnv } => {
    switch (builder) {
      case 'berth': case 'berth-baseline': return { cmd: 'berth', args: ['build', ...noCache, '-q', '-t', tag, dir] };
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
  const name = (b: Builder) => (b === 'docker' ? 'docker (legacy builder)' : b === 'berth-baseline' ? engineLabel(ctx, b) : b);
  const shown = builder === 'docker' ? 'DOCKER_BUILDKIT=0 docker' : name(builder);
  return {
    name: name(builder),
    role: builder === 'berth' || builder === 'berth-baseline' ? 'berth' : 'peer',
    ...(builder === 'berth-baseline' ? { baselineOf: name('berth') } : {}),
    command: `${shown} ${builder === 'buildah' ? 'bud --layers' : 'build'} ${noCache.join(' ')} -q -t ${tag} <dir>${mode === 'late' ? `   (${project.lateFile} changed before each build)` : ''}`.replace(/ +/g, ' '),
    async setup() {
      // buildah shares podman's storage, where busybox is loaded
      e = await engine(ctx, builder === 'buildah' ? 'podman' : builder);
      dir = contextDir(ctx, project, builder, mode);
      await project.prepare?.(ctx, builder, e);
      if (mode !== 'cold') await build(); // fill the cache
    },
    async run(i) {
      if (mode === 'late') writeFileSync(join(dir, project.lateFile), `${readFileSync(join(dir, project.lateFile), 'utf8')}// change ${i + 1} ${process.hrtime.bigint()}\n`);
      return (await build()).ms;
    },
    async teardown() { /* images and cache go with the engine's temporary root */ },
  };
}

function builders(ctx: BenchContext): Builder[] {
  return (['berth', 'berth-baseline', 'docker', 'buildah'] as Builder[]).filter((b) => b === 'berth' || (b === 'berth-baseline' ? !!ctx.options.baseline
    : b === 'docker' ? peerAvailable(ctx, 'docker') : peerAvailable(ctx, 'buildah') && peerAvailable(ctx, 'podman')));
}

export const buildColdCase: Case = {
  name: 'build, cold (--no-cache)',
  description: `A six-line Dockerfile (FROM busybox, three RUN, two COPY) built without cache. The peers: docker's legacy builder (DOCKER_BUILDKIT=0) and buildah (bud --layers).`,
  maxIterations: 5,
  tools: (ctx) => builders(ctx).map((b) => buildTool(ctx, SMALL, b, 'cold')),
};

export const buildCachedCase: Case = {
  name: 'build, fully cached',
  description: 'The same Dockerfile and context built again: every step is a cache hit.',
  goal: '<= 0.5x Docker (Docker legacy 117 ms, buildah 1077 ms)',
  maxIterations: 10,
  tools: (ctx) => builders(ctx).map((b) => buildTool(ctx, SMALL, b, 'cached')),
};

export const buildLateChangeCase: Case = {
  name: 'build, late change',
  description: 'The file copied by the second-to-last step changes before every build: four steps are cache hits, the last COPY and RUN rebuild.',
  maxIterations: 5,
  tools: (ctx) => builders(ctx).map((b) => buildTool(ctx, SMALL, b, 'late')),
};

/** The three cases of a project: cold, fully cached and after a late change, each against Docker. */
function projectCases(project: Project, title: string, description: string, late: { name: string; description: string }): [Case, Case, Case] {
  const make = (mode: Mode, name: string, desc: string, goal: string, maxIterations: number): Case => ({
    name: `${title}, ${name}`, description: `${description}${desc}`, goal, maxIterations,
    tools: (ctx) => builders(ctx).map((b) => buildTool(ctx, project, b, mode)),
  });
  return [
    make('cold', 'cold (--no-cache)', ', built without cache.', 'no slower than Docker', 5),
    make('cached', 'fully cached', ', built again unchanged.', '<= 0.5x Docker', 10),
    make('late', late.name, late.description, 'no slower than Docker', 5),
  ];
}

export const [buildMultiStageColdCase, buildMultiStageCachedCase, buildMultiStageLateCase] = projectCases(MULTI_STAGE, 'multi-stage project',
  'A Node-style project in four stages (dependencies from package.json: 300 packages; assets packed; 200 sources bundled on the dependencies; a final image copying from all three), 250 context files and a .dockerignore',
  { name: 'one source file changed', description: '; one source file changes before each build: the bundle step and the final COPY --from=build rebuild.' });

export const [buildDebianColdCase, buildDebianCachedCase, buildDebianLateCase] = projectCases(DEBIAN, 'Debian-based Dockerfile',
  'A Debian-based Dockerfile (FROM debian:bookworm, made by mmdebstrap, imported into berth and loaded into the peers untimed; useradd, dpkg-query, WORKDIR, COPY of a config directory, a script, USER; no network)',
  { name: 'late change', description: '; the script copied by the second-to-last step changes before each build.' });

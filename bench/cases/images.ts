/**
 * Moving a 100 MB image (one layer of random bytes): push to and pull from a local registry (Debian's
 * docker-registry inside a namespace the benchmark made), and save / load as a docker-archive.
 * berth, docker and podman each load the image from the same archive first; skopeo copies the archive
 * itself (push) and pulls into a `dir:` (it has no image store).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import type { Case, Probe, ProbeLine, Tool } from '../lib/types.js';
import { benchEnv, timedSpawnOk } from '../lib/proc.js';
import { peerAvailable } from '../peers/availability.js';
import { engine, enginesFor, type Engine, type EngineKind } from '../peers/engine.js';
import { BIG_IMAGE, bigImageArchive, bigImageBytes, bigImageId } from '../peers/images.js';
import { startRegistry, type LocalRegistry } from '../peers/registry.js';
import { engineTool } from './engine-tool.js';

const LONG = 300_000;

const tlsOff = (k: EngineKind) => (k === 'podman' ? ['--tls-verify=false'] : []);

/** Remove the big image under all its tags, so the next pull or load really transfers it. */
async function removeBig(ctx: BenchContext, e: Engine): Promise<void> {
  await e.cliRaw(['rmi', '-f', await bigImageId(ctx)]);
}

async function loadBig(ctx: BenchContext, e: Engine): Promise<void> {
  await e.cli(['load', '-i', await bigImageArchive(ctx)], LONG);
}

function registryAvailable(ctx: BenchContext): boolean { return peerAvailable(ctx, 'registry'); }

function pushTool(ctx: BenchContext, k: EngineKind): Tool {
  let reg: LocalRegistry | undefined;
  let ref = '';
  return engineTool(ctx, k, {
    args: ['push', ...tlsOff(k), '127.0.0.1:<port>/bench/big:latest', '  (registry emptied before each push)'],
    async setup(e) {
      await loadBig(ctx, e);
      reg = await startRegistry(ctx, e.netns, `push-${k}`);
      ref = `${reg.address}/bench/big:latest`;
      await e.cli(['tag', BIG_IMAGE, ref]);
    },
    async run(e) {
      await reg!.reset();
      return (await e.cli(['push', ...tlsOff(k), ref], LONG)).ms;
    },
  });
}

function pullTool(ctx: BenchContext, k: EngineKind): Tool {
  let ref = '';
  return engineTool(ctx, k, {
    args: ['pull', ...tlsOff(k), '127.0.0.1:<port>/bench/big:latest', '  (image removed before each pull)'],
    async setup(e) {
      await loadBig(ctx, e);
      const reg = await startRegistry(ctx, e.netns, `pull-${k}`);
      ref = `${reg.address}/bench/big:latest`;
      await e.cli(['tag', BIG_IMAGE, ref]);
      await e.cli(['push', ...tlsOff(k), ref], LONG);
    },
    async run(e) {
      await removeBig(ctx, e);
      return (await e.cli(['pull', ...tlsOff(k), ref], LONG)).ms;
    },
  });
}

function skopeoTool(ctx: BenchContext, direction: 'push' | 'pull'): Tool {
  let reg: LocalRegistry | undefined;
  let archive = '';
  let netns = '';
  const dest = join(ctx.workDir, 'skopeo-pulled');
  const skopeo = (args: string[]) => timedSpawnOk('nsenter', [`--net=/run/netns/${netns}`, 'skopeo', '--insecure-policy', ...args], { timeoutMs: LONG, env: benchEnv() });
  const ref = () => `docker://${reg!.address}/bench/big:latest`;
  return {
    name: 'skopeo',
    role: 'peer',
    command: direction === 'push'
      ? 'skopeo copy --dest-tls-verify=false docker-archive:<big.tar> docker://127.0.0.1:<port>/bench/big:latest   (registry emptied before each push)'
      : 'skopeo copy --src-tls-verify=false docker://127.0.0.1:<port>/bench/big:latest dir:<fresh dir>',
    async setup() {
      netns = ctx.netns();
      archive = await bigImageArchive(ctx);
      reg = await startRegistry(ctx, netns, `${direction}-skopeo`);
      if (direction === 'pull') await skopeo(['copy', '--dest-tls-verify=false', `docker-archive:${archive}`, ref()]);
    },
    async run() {
      if (direction === 'push') {
        await reg!.reset();
        return (await skopeo(['copy', '--dest-tls-verify=false', `docker-archive:${archive}`, ref()])).ms;
      }
      rmSync(dest, { recursive: true, force: true });
      return (await skopeo(['copy', '--src-tls-verify=false', ref(), `dir:${dest}`])).ms;
    },
    async teardown() { rmSync(dest, { recursive: true, force: true }); },
  };
}

const pushPullGoal = '>= skopeo (skopeo 162 / 177 MB/s push / pull, Docker 34 / 98 MB/s)';

export const pushCase: Case = {
  name: 'push a 100 MB image to a local registry',
  description: 'One 100 MB layer of random bytes (4 MB in smoke mode) pushed to Debian\'s docker-registry on loopback, the registry emptied (restarted on fresh storage) before each push.',
  goal: pushPullGoal,
  maxIterations: 5,
  bytesPerIteration: bigImageBytes,
  tools: (ctx) => registryAvailable(ctx) ? [
    ...enginesFor(ctx).map((k) => pushTool(ctx, k)),
    ...(peerAvailable(ctx, 'skopeo') ? [skopeoTool(ctx, 'push')] : []),
  ] : [],
};

export const pullCase: Case = {
  name: 'pull a 100 MB image from a local registry',
  description: 'The same image pulled back after `rmi` (skopeo: copied into a fresh `dir:`).',
  goal: pushPullGoal,
  maxIterations: 5,
  bytesPerIteration: bigImageBytes,
  tools: (ctx) => registryAvailable(ctx) ? [
    ...enginesFor(ctx).map((k) => pullTool(ctx, k)),
    ...(peerAvailable(ctx, 'skopeo') ? [skopeoTool(ctx, 'pull')] : []),
  ] : [],
};

const saveArgs = (k: EngineKind, file: string) => ['save', ...(k === 'podman' ? ['--format', 'docker-archive'] : []), '-o', file, BIG_IMAGE];

export const saveCase: Case = {
  name: 'save a 100 MB image',
  description: '`save -o <file>` of the 100 MB image as a docker-archive (4 MB in smoke mode).',
  maxIterations: 5,
  bytesPerIteration: bigImageBytes,
  tools: (ctx) => enginesFor(ctx).map((k) => {
    const file = join(ctx.workDir, `saved-${k}.tar`);
    return engineTool(ctx, k, {
      args: saveArgs(k, '<file>'),
      setup: (e) => loadBig(ctx, e),
      async run(e) { rmSync(file, { force: true }); return (await e.cli(saveArgs(k, file), LONG)).ms; },
      async teardown() { rmSync(file, { force: true }); },
    });
  }),
};

export const loadCase: Case = {
  name: 'load a 100 MB image',
  description: '`load -i <file>` of the same docker-archive, the image removed (untimed) before each load.',
  maxIterations: 5,
  bytesPerIteration: bigImageBytes,
  tools: (ctx) => enginesFor(ctx).map((k) => {
    let archive = '';
    return engineTool(ctx, k, {
      args: ['load', '-i', '<big.tar>'],
      async setup() { archive = await bigImageArchive(ctx); },
      async run(e) {
        await removeBig(ctx, e);
        return (await e.cli(['load', '-i', archive], LONG)).ms;
      },
    });
  }),
};


/** VmRSS and VmHWM (peak since the last reset) of a process, in MiB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** Start a new peak: writing 5 to clear_refs resets VmHWM to the current RSS (Linux 4.0+). */
function resetPeak(pid: number): void { writeFileSync(`/proc/${pid}/clear_refs`, '5'); }

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The berth daemon's memory around the 100 MB push and pull (issue 27: the data paths must not leave
 * the daemon's RSS high): its peak during each transfer and its RSS 2 s after it, beside the RSS
 * before. The same daemon as the push and pull cases, so the figures include what they left.
 */
export const imageIoMemoryProbe: Probe = {
  name: 'daemon memory around a 100 MB push and pull',
  async measure(ctx): Promise<ProbeLine[]> {
    if (!registryAvailable(ctx)) return [];
    const e = await engine(ctx, 'berth');
    const pid = e.daemonPids()[0];
    if (pid === undefined) return [];
    await loadBig(ctx, e);
    const reg = await startRegistry(ctx, e.netns, 'rss-berth');
    const ref = `${reg.address}/bench/big:latest`;
    await e.cli(['tag', BIG_IMAGE, ref]);
    const lines: ProbeLine[] = [];
    const mb = bigImageBytes(ctx) / 1e6;
    const phase = async (what: 'push' | 'pull', run: () => Promise<unknown>) => {
      await settle(2000);
      const before = memoryOf(pid).rss;
      resetPeak(pid);
      await run();
      const peak = memoryOf(pid).peak;
      await settle(2000);
      const after = memoryOf(pid).rss;
      lines.push(
        { name: `berth daemon peak RSS during a ${mb.toFixed(0)} MB ${what}`, value: peak, unit: 'MiB', note: `RSS before: ${before.toFixed(1)} MiB; the peak is ${(peak - before).toFixed(1)} MiB above it` },
        { name: `berth daemon RSS 2 s after a ${mb.toFixed(0)} MB ${what}`, value: after, unit: 'MiB', goal: 'back near the RSS before (issue 27)', note: `${(after - before).toFixed(1)} MiB above the RSS before` },
      );
    };
    await phase('push', () => e.cli(['push', ref], LONG));
    await phase('pull', async () => { await removeBig(ctx, e); await e.cli(['pull', ref], LONG); });
    return lines;
  },
};

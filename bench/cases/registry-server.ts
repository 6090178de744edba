/**
 * berth's registry server against distribution's, under the same client: skopeo (independent of
 * both) pushes the big multi-layer image to, and pulls it from, Debian's docker-registry and
 * `berth registry serve`, each on a loopback port in the benchmark's namespace with its storage
 * under the work directory.
 *
 * skopeo pushes from a `dir:` copy whose layers are already gzipped (made once, untimed), so no
 * iteration spends its time compressing in the client and both servers receive the same blobs.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import type { Case, Tool } from '../lib/types.js';
import { benchEnv, timedSpawnOk, type TimedResult } from '../lib/proc.js';
import { peerAvailable } from '../peers/availability.js';
import { bigImageArchive, bigImageBytes } from '../peers/images.js';
import { startRegistry, type LocalRegistry, type RegistryKind } from '../peers/registry.js';
import { baselineBuild, baselineLabel, CURRENT_BUILD } from '../peers/berth-build.js';

const LONG = 300_000;

function skopeo(ctx: BenchContext, args: string[]): Promise<TimedResult> {
  return timedSpawnOk('nsenter', [`--net=/run/netns/${ctx.netns()}`, 'skopeo', '--insecure-policy', ...args], { timeoutMs: LONG, env: benchEnv() });
}

/** The big image as a skopeo `dir:` with gzipped layers, made once from the docker-archive. */
function gzippedDir(ctx: BenchContext): Promise<string> {
  return ctx.shared('dir:big-gzip', async () => {
    const dir = join(ctx.workDir, 'big-gzip-dir');
    await skopeo(ctx, ['copy', '--dest-compress', `docker-archive:${await bigImageArchive(ctx)}`, `dir:${dir}`]);
    return dir;
  });
}

interface Server {
  kind: RegistryKind;
  name: string;
  role: Tool['role'];
  serve: string;
  /** the baseline build's server: started from that build, compared with this checkout's */
  baseline?: boolean;
}

const berthServer = (label: string, baseline = false): Server => ({
  kind: 'berth', name: `${label} registry serve`, role: 'berth', serve: `${label} registry serve --root <dir> --addr 127.0.0.1:<port>`, baseline,
});
const DISTRIBUTION: Server = { kind: 'distribution', name: 'docker-registry', role: 'peer', serve: 'docker-registry serve <config.yml> (distribution 2.8, filesystem storage)' };

function serverTool(ctx: BenchContext, server: Server, direction: 'push' | 'pull'): Tool {
  let reg: LocalRegistry | undefined;
  let src = '';
  const dest = join(ctx.workDir, `server-pulled-${server.kind}${server.baseline ? '-baseline' : ''}`);
  const ref = () => `docker://${reg!.address}/bench/big:latest`;
  const push = () => skopeo(ctx, ['copy', '--dest-tls-verify=false', `dir:${src}`, ref()]);
  return {
    name: server.name,
    role: server.role,
    ...(server.baseline ? { baselineOf: berthServer(CURRENT_BUILD.label).name } : {}),
    command: (direction === 'push'
      ? 'skopeo copy --dest-tls-verify=false dir:<gzipped image> docker://127.0.0.1:<port>/bench/big:latest   (storage emptied, server restarted before each push)'
      : 'skopeo copy --src-tls-verify=false docker://127.0.0.1:<port>/bench/big:latest dir:<fresh dir>') + `; server: ${server.serve}`,
    async setup() {
      src = await gzippedDir(ctx);
      const build = server.baseline ? await baselineBuild(ctx) : CURRENT_BUILD;
      reg = await startRegistry(ctx, ctx.netns(), `server-${direction}-${server.kind}${server.baseline ? '-baseline' : ''}`, server.kind, build);
      if (direction === 'pull') await push();
    },
    async run() {
      if (direction === 'push') {
        await reg!.reset();
        return (await push()).ms;
      }
      rmSync(dest, { recursive: true, force: true });
      return (await skopeo(ctx, ['copy', '--src-tls-verify=false', ref(), `dir:${dest}`])).ms;
    },
    async teardown() { rmSync(dest, { recursive: true, force: true }); },
  };
}

const serverGoal = 'berth registry serve at least as fast as distribution (docker-registry 2.8) under the same client';

/**
 * Both servers (and the baseline's berth, with BENCH_BASELINE_REF) when skopeo (the client) is there;
 * without docker-registry berth's server runs alone.
 */
function serverTools(ctx: BenchContext, direction: 'push' | 'pull'): Tool[] {
  if (!peerAvailable(ctx, 'skopeo')) return [];
  const baseline = ctx.options.baseline;
  const servers = [
    berthServer(CURRENT_BUILD.label),
    ...(baseline ? [berthServer(baselineLabel(baseline), true)] : []),
    ...(peerAvailable(ctx, 'registry') ? [DISTRIBUTION] : []),
  ];
  return servers.map((s) => serverTool(ctx, s, direction));
}

export const serverPushCase: Case = {
  name: 'registry server: skopeo pushes a 100 MB image',
  description: 'skopeo pushes the big multi-layer image (gzipped layers, 5 layers, 100 MB; 4 MB in smoke mode) to berth registry serve and to docker-registry, each restarted on empty storage before each push.',
  goal: serverGoal,
  goalRatio: 1,
  maxIterations: 5,
  bytesPerIteration: bigImageBytes,
  tools: (ctx) => serverTools(ctx, 'push'),
};

export const serverPullCase: Case = {
  name: 'registry server: skopeo pulls a 100 MB image',
  description: 'skopeo pulls the same image from each server into a fresh `dir:` (blobs verified, not unpacked).',
  goal: serverGoal,
  goalRatio: 1,
  maxIterations: 5,
  bytesPerIteration: bigImageBytes,
  tools: (ctx) => serverTools(ctx, 'pull'),
};

/**
 * Podman as a peer: Debian's podman with its own root, run root and temporary directory, cgroupfs,
 * file events, netavark with its own config directory, every command inside the benchmark's network
 * namespace (netavark's bridge and firewall rules exist only there). busybox comes from `berth save`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../lib/context.js';
import { pidsWithArg, stopPid, unmountUnder } from '../lib/daemon-proc.js';
import { benchEnv, timedSpawn, timedSpawnOk } from '../lib/proc.js';
import type { Engine } from './engine.js';
import { busyboxArchive } from './images.js';

/**
 * Podman asks for RLIMIT_NOFILE/NPROC above this machine's hard limits and crun then fails with
 * "setrlimit: Operation not permitted"; ask for what the harness itself has (podman caps its own
 * NPROC at 32768).
 */
function ulimits(): string[] {
  const limits = readFileSync('/proc/self/limits', 'utf8');
  const hard = (label: string, fallback: number) => {
    const m = new RegExp(`^${label}\\s+\\S+\\s+(\\S+)`, 'm').exec(limits);
    return m && /^\d+$/.test(m[1]) ? Number(m[1]) : fallback;
  };
  const nofile = hard('Max open files', 1024);
  const nproc = Math.min(hard('Max processes', 32768), 32768);
  return [`nofile=${nofile}:${nofile}`, `nproc=${nproc}:${nproc}`];
}

export function podmanPaths(ctx: BenchContext) {
  const dir = join(ctx.workDir, 'podman');
  return { dir, root: join(dir, 'root'), runRoot: join(dir, 'runroot'), tmp: join(dir, 'tmp'), conf: join(dir, 'containers.conf') };
}

/** `--root/--runroot` storage flags, shared by podman and buildah so both see the same images. */
export function storageFlags(ctx: BenchContext): string[] {
  const p = podmanPaths(ctx);
  return ['--root', p.root, '--runroot', p.runRoot, '--storage-driver', 'overlay'];
}

export function podmanEnv(ctx: BenchContext): NodeJS.ProcessEnv {
  return benchEnv({ CONTAINERS_CONF: podmanPaths(ctx).conf });
}

export async function startPodman(ctx: BenchContext): Promise<Engine> {
  const netns = ctx.netns();
  const p = podmanPaths(ctx);
  for (const d of [p.root, p.runRoot, p.tmp, join(p.dir, 'net')]) mkdirSync(d, { recursive: true });
  writeFileSync(p.conf, [
    '[containers]',
    `default_ulimits = [${ulimits().map((u) => JSON.stringify(u)).join(', ')}]`,
    '[engine]',
    'cgroup_manager = "cgroupfs"',
    'events_logger = "file"',
    `events_logfile_path = "${p.dir}/events.log"`,
    'runtime = "crun"',
    `tmp_dir = "${p.tmp}"`,
    '[network]',
    'network_backend = "netavark"',
    `network_config_dir = "${p.dir}/net"`,
    '',
  ].join('\n'));
  const env = podmanEnv(ctx);
  const command = (args: string[]): [string, string[]] =>
    ['nsenter', [`--net=/run/netns/${netns}`, 'podman', ...storageFlags(ctx), '--tmpdir', p.tmp, ...args]];
  const e: Engine = {
    kind: 'podman', netns,
    display: (args) => `podman ${args.join(' ')}`,
    cli: (args, t = ctx.options.runTimeoutMs, extra) => timedSpawnOk(...command(args), { timeoutMs: t, env: { ...env, ...extra } }),
    cliRaw: (args, t = ctx.options.runTimeoutMs, extra) => timedSpawn(...command(args), { timeoutMs: t, env: { ...env, ...extra } }),
    daemonPids: () => [],
  };
  ctx.onCleanup('remove podman containers and storage', async () => {
    await e.cliRaw(['rm', '-af', '-t', '0'], 180_000).catch(() => {});
    for (const pid of pidsWithArg(p.runRoot)) await stopPid(pid, 2_000); // conmons left behind
    unmountUnder(p.dir);
  });
  ctx.log('podman: loading busybox');
  await e.cli(['load', '-i', await busyboxArchive(ctx)], 120_000);
  return e;
}

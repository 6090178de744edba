/**
 * Docker as a peer: Debian's dockerd with a containerd of its own (own root, state and socket), both
 * inside the benchmark's network namespace, so docker0 and its iptables rules exist only there.
 * Driven by the same docker CLI a user has (/usr/local/bin/docker). busybox comes from berth's
 * `berth save` (no internet here).
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { apiRequest } from '../../test/helpers/daemon.js';
import type { BenchContext } from '../lib/context.js';
import { pidsWithArg, removeCgroupDirs, startInNetns, stopPid, unmountUnder, waitReady } from '../lib/daemon-proc.js';
import { benchEnv, timedSpawn, timedSpawnOk } from '../lib/proc.js';
import { DOCKER_CLI } from './availability.js';
import type { Engine } from './engine.js';
import { busyboxArchive } from './images.js';

const DOCKER_KEY = '/etc/docker/key.json'; // dockerd 20.10 writes its trust key there whatever its roots

export async function startDockerd(ctx: BenchContext): Promise<Engine> {
  const netns = ctx.netns();
  const dir = join(ctx.workDir, 'docker');
  mkdirSync(dir, { recursive: true });
  const cgroupParent = `berth-bench-docker-${randomBytes(3).toString('hex')}`;
  const ctrdSock = join(dir, 'containerd.sock');
  const socket = join(dir, 'docker.sock');
  writeFileSync(join(dir, 'containerd.toml'), [
    'version = 2',
    `root = "${dir}/containerd-root"`,
    `state = "${dir}/containerd-state"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]', `  address = "${ctrdSock}"`,
    '[ttrpc]', `  address = "${ctrdSock}.ttrpc"`,
    '[debug]', '  address = ""',
    '[metrics]', '  address = ""',
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'daemon.json'), '{}\n');
  const keyExisted = existsSync(DOCKER_KEY);

  ctx.log('starting containerd and dockerd (own roots, benchmark netns)');
  const containerd = startInNetns(netns, 'containerd', 'containerd', ['--config', join(dir, 'containerd.toml')], join(dir, 'containerd.log'));
  const pids = { containerd: containerd.pid, dockerd: 0 };
  ctx.onCleanup('stop dockerd and containerd', async () => {
    if (pids.dockerd) {
      await timedSpawn(DOCKER_CLI, ['-H', `unix://${socket}`, 'rm', '-f', ...(await listAll(socket))], { timeoutMs: 120_000 }).catch(() => {});
      await stopPid(pids.dockerd, 20_000);
    }
    await stopPid(pids.containerd, 10_000);
    for (const pid of pidsWithArg(ctrdSock)) await stopPid(pid, 2_000); // containerd-shims left behind
    unmountUnder(dir);
    removeCgroupDirs(cgroupParent);
    if (!keyExisted) rmSync(DOCKER_KEY, { force: true });
  });
  await waitReady(containerd, () => existsSync(ctrdSock), 30_000);
  const dockerd = startInNetns(netns, 'dockerd', 'dockerd', [
    '--config-file', join(dir, 'daemon.json'), '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'),
    '--pidfile', join(dir, 'dockerd.pid'), '-H', `unix://${socket}`, '--containerd', ctrdSock,
    '--cgroup-parent', cgroupParent, '--storage-driver', 'overlay2',
  ], join(dir, 'dockerd.log'));
  pids.dockerd = dockerd.pid;
  await waitReady(dockerd, async () => existsSync(socket) && (await apiRequest(socket, 'GET', '/_ping').then((r) => r.status === 200, () => false)), 60_000);

  const env = benchEnv({ DOCKER_CONFIG: join(dir, 'client-config') });
  const command = (args: string[]): [string, string[]] => ['nsenter', [`--net=/run/netns/${netns}`, DOCKER_CLI, '-H', `unix://${socket}`, ...args]];
  const e: Engine = {
    kind: 'docker', netns, socket,
    display: (args) => `docker ${args.join(' ')}`,
    cli: (args, t = ctx.options.runTimeoutMs, extra) => timedSpawnOk(...command(args), { timeoutMs: t, env: { ...env, ...extra } }),
    cliRaw: (args, t = ctx.options.runTimeoutMs, extra) => timedSpawn(...command(args), { timeoutMs: t, env: { ...env, ...extra } }),
    daemonPids: () => [pids.dockerd, pids.containerd],
  };
  await e.cli(['load', '-i', await busyboxArchive(ctx)], 120_000);
  return e;
}

async function listAll(socket: string): Promise<string[]> {
  const r = await apiRequest(socket, 'GET', '/containers/json?all=1');
  return Array.isArray(r.body) ? r.body.map((c: { Id: string }) => c.Id) : [];
}

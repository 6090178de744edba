/**
 * Starts Debian's dockerd (docker.io, 20.10) for a test, to run the same client against berth and
 * dockerd and compare: a containerd and a dockerd of their own (roots, exec root, pidfile, sockets
 * under a temporary directory), inside a network namespace this helper creates (docker0 and its
 * iptables rules exist only there), with a cgroup parent of their own. The cleanup removes every
 * container, stops both daemons and their shims by PID, unmounts what is under the directory and
 * removes the cgroups, the namespace and the directory.
 *
 * Nothing can be pulled here: `loadImages` copies images from a test berth daemon (its
 * GET /images/{name}/get, i.e. `berth save`) into dockerd with `docker load`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { apiRequest, cleanEnv, waitFor, type RunResult } from './daemon.js';
import { runProgram } from '../compat/helpers.js';

export const DOCKERD = '/usr/sbin/dockerd';
export const CONTAINERD = '/usr/bin/containerd';
/** the docker CLI users have; it negotiates the API version down to dockerd 20.10's 1.41 */
export const DOCKER_CLI = process.env.BERTH_TEST_DOCKER_CLI ?? '/usr/local/bin/docker';
/** dockerd 20.10 writes its trust key there whatever its roots */
const DOCKER_KEY = '/etc/docker/key.json';

/** Why dockerd cannot run here (for `skip`), or false when it can. */
export function dockerdMissing(): string | false {
  for (const bin of [DOCKERD, CONTAINERD, DOCKER_CLI]) if (!existsSync(bin)) return `${bin} not installed (scripts/install-deps.sh --test installs docker.io)`;
  if (process.getuid?.() !== 0) return 'dockerd needs root';
  return false;
}

export interface TestDockerd {
  /** the temporary directory holding everything of this dockerd */
  dir: string;
  socket: string;
  netns: string;
  cgroupParent: string;
  pids: { dockerd: number; containerd: number };
  /** environment for clients (docker CLI, docker-compose): DOCKER_HOST at this dockerd, a config dir of their own */
  env: NodeJS.ProcessEnv;
  api(method: string, path: string, body?: unknown): ReturnType<typeof apiRequest>;
  /** run the docker CLI against this dockerd */
  docker(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  /** copy images from another Engine API (a test berth daemon's socket) with save + docker load */
  loadImages(fromSocket: string, refs: string[]): Promise<void>;
  cleanup(): Promise<void>;
}

function sh(cmd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { code: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

function alive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch { return false; }
}

/** SIGTERM, up to `graceMs`, then SIGKILL: only this PID. */
async function stopPid(pid: number, graceMs: number): Promise<void> {
  if (!alive(pid)) return;
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  await waitFor(() => !alive(pid), graceMs, `PID ${pid} to exit`).catch(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } });
  await waitFor(() => !alive(pid), 5_000, `PID ${pid} to die`).catch(() => {});
}

/** PIDs whose command line contains `needle` (the containerd socket: its shims are started with it). */
function pidsWithArg(needle: string): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try { if (readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0').includes(needle)) out.push(Number(e)); } catch { /* gone */ }
  }
  return out;
}

function unmountUnder(dir: string): void {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4])
    .filter((m) => m && (m === dir || m.startsWith(dir + '/')));
  for (const m of mounts.sort((a, b) => b.length - a.length)) sh('umount', ['-l', m]);
}

/** The cgroup parent in every v1 hierarchy and the unified one, deepest first. */
function removeCgroupDirs(name: string): void {
  const base = '/sys/fs/cgroup';
  const rmTree = (dir: string): void => {
    let kids: string[] = [];
    try { kids = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name); } catch { return; }
    for (const k of kids) rmTree(join(dir, k));
    try { rmdirSync(dir); } catch { /* busy or gone */ }
  };
  const roots = [base];
  try { for (const h of readdirSync(base, { withFileTypes: true })) if (h.isDirectory()) roots.push(join(base, h.name)); } catch { return; }
  for (const r of roots) if (existsSync(join(r, name))) rmTree(join(r, name));
}

function startInNetns(netns: string, name: string, cmd: string, args: string[], log: string): number {
  const fd = openSync(log, 'a');
  try {
    const child = spawn('nsenter', [`--net=/run/netns/${netns}`, cmd, ...args], { stdio: ['ignore', fd, fd], detached: true, env: cleanEnv() });
    child.unref();
    if (!child.pid) throw new Error(`cannot start ${name}`);
    return child.pid; // nsenter execs the command: this is the daemon's own PID
  } finally { closeSync(fd); }
}

function logTail(log: string): string {
  try { return readFileSync(log, 'utf8').trim().split('\n').slice(-15).join('\n'); } catch { return '(no log)'; }
}

async function waitReady(name: string, pid: number, log: string, ready: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  await waitFor(async () => {
    if (!alive(pid)) throw new Error(`${name} exited during start:\n${logTail(log)}`);
    return ready();
  }, timeoutMs, `${name} to answer`).catch((e: Error) => { throw new Error(`${e.message}\n${logTail(log)}`); });
}

/** The docker CLI against this dockerd, bounded by timeoutMs (compat's runProgram: output collected, the group killed on timeout). */
export function runDockerCli(env: NodeJS.ProcessEnv, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return runProgram(DOCKER_CLI, args, { env, input: opts.input, timeoutMs: opts.timeoutMs ?? 60_000 });
}

function download(socket: string, path: string, file: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method: 'GET', path }, (res) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => reject(new Error(`GET ${path}: ${res.statusCode} ${Buffer.concat(chunks)}`)));
        return;
      }
      pipeline(res, createWriteStream(file)).then(resolve, reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

export interface DockerdOptions {
  /** a directory to hold everything (default: a new /tmp/bt-dockerd-*) */
  dir?: string;
  /** run in this existing namespace (the caller owns it) instead of a new berth-test-* one */
  netns?: string;
  /** prefix of the cgroup parent's name (a random suffix is added) */
  cgroupPrefix?: string;
}

export async function startDockerd(opts: DockerdOptions = {}): Promise<TestDockerd> {
  const missing = dockerdMissing();
  if (missing) throw new Error(missing);
  const dir = opts.dir ?? mkdtempSync('/tmp/bt-dockerd-');
  mkdirSync(dir, { recursive: true });
  const ownNetns = !opts.netns;
  const netns = opts.netns ?? `berth-test-${randomBytes(4).toString('hex')}`;
  if (ownNetns) {
    const r = sh('ip', ['netns', 'add', netns]);
    if (r.code !== 0) throw new Error(`ip netns add failed: ${r.out}`);
    sh('ip', ['-n', netns, 'link', 'set', 'lo', 'up']);
  }
  const cgroupParent = `${opts.cgroupPrefix ?? 'berth-test-docker-'}${randomBytes(3).toString('hex')}`;
  const ctrdSock = join(dir, 'containerd.sock');
  const socket = join(dir, 'docker.sock');
  const keyExisted = existsSync(DOCKER_KEY);
  writeFileSync(join(dir, 'containerd.toml'), [
    'version = 2',
    `root = "${dir}/containerd-root"`,
    `state = "${dir}/containerd-state"`,
    'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
    '[grpc]', `  address = "${ctrdSock}"`,
    '[ttrpc]', `  address = "${ctrdSock}.ttrpc"`,
    '[debug]', '  address = ""',
    '[metrics]', '  address = ""',
    // the opt plugin's default is /opt/containerd, outside the test's directory
    '[plugins]', '  [plugins."io.containerd.internal.v1.opt"]', `    path = "${dir}/containerd-opt"`,
    '',
  ].join('\n'));
  writeFileSync(join(dir, 'daemon.json'), '{}\n');
  const configDir = join(dir, 'client-config');
  mkdirSync(configDir, { recursive: true });
  // cleanEnv drops DOCKER_HOST: it is set afterwards
  const env: NodeJS.ProcessEnv = { ...cleanEnv({ DOCKER_CONFIG: configDir, HOME: configDir }), DOCKER_HOST: `unix://${socket}` };
  delete env.DOCKER_API_VERSION;
  delete env.DOCKER_CONTEXT;
  delete env.DOCKER_TLS_VERIFY;

  const pids = { dockerd: 0, containerd: 0 };
  let cleaned = false;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    try {
      if (alive(pids.dockerd)) {
        const list = await apiRequest(socket, 'GET', '/containers/json?all=1').catch(() => ({ body: [] }));
        for (const c of (Array.isArray(list.body) ? list.body : []) as { Id: string }[]) {
          await apiRequest(socket, 'DELETE', `/containers/${c.Id}?force=1&v=1`).catch(() => {});
        }
      }
      await stopPid(pids.dockerd, 20_000);
      await stopPid(pids.containerd, 10_000);
      for (const pid of pidsWithArg(ctrdSock)) await stopPid(pid, 2_000); // containerd-shims left behind
    } finally {
      unmountUnder(dir);
      removeCgroupDirs(cgroupParent);
      if (ownNetns) sh('ip', ['netns', 'del', netns]);
      if (!keyExisted) rmSync(DOCKER_KEY, { force: true });
      rmSync(dir, { recursive: true, force: true });
    }
  };

  try {
    const ctrdLog = join(dir, 'containerd.log');
    pids.containerd = startInNetns(netns, 'containerd', CONTAINERD, ['--config', join(dir, 'containerd.toml')], ctrdLog);
    await waitReady('containerd', pids.containerd, ctrdLog, () => existsSync(ctrdSock), 30_000);
    const dockerdLog = join(dir, 'dockerd.log');
    pids.dockerd = startInNetns(netns, 'dockerd', DOCKERD, [
      '--config-file', join(dir, 'daemon.json'), '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'dockerd.pid'), '-H', `unix://${socket}`, '--containerd', ctrdSock,
      '--cgroup-parent', cgroupParent, '--storage-driver', 'overlay2',
    ], dockerdLog);
    await waitReady('dockerd', pids.dockerd, dockerdLog,
      async () => existsSync(socket) && (await apiRequest(socket, 'GET', '/_ping').then((r) => r.status === 200, () => false)), 60_000);
  } catch (e) {
    await cleanup();
    throw e;
  }

  const docker = (args: string[], o?: { input?: string; timeoutMs?: number }) => runDockerCli(env, args, o);
  return {
    dir, socket, netns, cgroupParent, pids, env,
    api: (m, p, b) => apiRequest(socket, m, p, b),
    docker,
    async loadImages(fromSocket, refs) {
      const file = join(dir, `images-${randomBytes(3).toString('hex')}.tar`);
      try {
        const names = refs.map((r) => `names=${encodeURIComponent(r)}`).join('&');
        await download(fromSocket, `/images/get?${names}`, file, 120_000);
        const r = await docker(['load', '-i', file], { timeoutMs: 120_000 });
        if (r.code !== 0) throw new Error(`docker load: ${r.stderr}`);
      } finally { rmSync(file, { force: true }); }
    },
    cleanup,
  };
}

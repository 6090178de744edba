/**
 * Rootless networking: throughput through a published port of a rootless engine, berth (pasta, its
 * port relay) against rootless Podman (Debian's 4.3 has no pasta network mode: slirp4netns, with its
 * default rootlesskit port handler), both run by one unprivileged user made for the run, at three
 * transfer sizes. Each engine's container is busybox httpd serving files from a bind mount; the timed
 * iteration downloads one of them with curl from the "host" side: a network namespace the benchmark
 * makes, with a routable interface (a veth pair and a default route that leads nowhere), never the
 * machine's own.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SystemError } from '../../src/common/errors.js';
import { BenchError } from '../lib/errors.js';
import type { BenchContext } from '../lib/context.js';
import { createNetns, deleteNetns } from '../lib/netns.js';
import { timedSpawn, type TimedResult } from '../lib/proc.js';
import type { Case, Tool } from '../lib/types.js';
import { peerAvailable } from '../peers/availability.js';
import { busyboxArchive } from '../peers/images.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const HOST = '10.97.0.2';
const GATEWAY = '10.97.0.1';
const PORTS = { berth: 18480, podman: 18481 } as const;
const READY_TIMEOUT_MS = 60_000;
/** the sizes, in bytes, of the three transfers (smoke: a few hundred KB at most) */
const SIZES = [{ full: 1_000_000, smoke: 64_000 }, { full: 10_000_000, smoke: 256_000 }, { full: 100_000_000, smoke: 1_000_000 }];
/** /dev/net/tun of udev's mode in the user's mount namespace: some VM images ship it 0600 */
const TUN_FIX = 'if [ -c /dev/net/tun ] && [ "$(stat -c %a /dev/net/tun)" != 666 ]; then mount -t tmpfs -o mode=755 tmpfs /dev/net && mknod -m 666 /dev/net/tun c 10 200 || exit 126; fi; ';

function sh(cmd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}
function must(cmd: string, args: string[]): string {
  const r = sh(cmd, args);
  if (r.code !== 0) throw new SystemError(`${cmd} ${args.join(' ')}: ${r.out.trim()}`, 'ERR_EXEC');
  return r.out;
}

interface RootlessEnv {
  netns: string;
  dir: string;
  payload: string;
  /** run a program as the user, in the namespace, with the checkout bind-mounted where the user can read it */
  as(cmd: string, args: string[], timeoutMs?: number): Promise<TimedResult>;
  berth(args: string[], timeoutMs?: number): Promise<TimedResult>;
  podman(args: string[], timeoutMs?: number): Promise<TimedResult>;
}

function sizeOf(ctx: BenchContext, i: number): number { return ctx.size(SIZES[i].full, SIZES[i].smoke); }
function fileName(ctx: BenchContext, i: number): string { return `payload-${sizeOf(ctx, i)}.bin`; }
function repeats(ctx: BenchContext): number { return ctx.size(5, 1); }

async function ok(p: Promise<TimedResult>, what: string): Promise<TimedResult> {
  const r = await p;
  if (r.code !== 0) throw new SystemError(`${what} exited ${r.code}: ${(r.stderr || r.stdout).trim().slice(-1500)}`, 'ERR_EXEC');
  return r;
}

/** The user, the namespace, the payload, the rootless berth daemon: made once per run, undone at its end. */
function rootlessEnv(ctx: BenchContext): Promise<RootlessEnv> {
  return ctx.shared('rootless-net:env', async () => {
    const name = `berth-rlb-${randomBytes(3).toString('hex')}`;
    must('useradd', ['-m', '-s', '/bin/sh', name]);
    const uid = Number(must('id', ['-u', name]).trim());
    const gid = Number(must('id', ['-g', name]).trim());
    const home = `/home/${name}`;
    const dir = `/tmp/${name}`;
    const subuid = readFileSync('/etc/subuid', 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === name);
    let daemonPid = 0;
    ctx.onCleanup(`remove rootless user ${name}`, async () => {
      if (daemonPid) { try { process.kill(daemonPid, 'SIGTERM'); } catch { /* gone */ } await new Promise((r) => setTimeout(r, 1000)); }
      // everything left runs as the user or its subordinate ids: the holder, conmon, containers, drivers
      const ranges: Array<[number, number]> = [[uid, 1], ...(subuid ? [[Number(subuid[1]), Number(subuid[2])] as [number, number]] : [])];
      for (let i = 0; i < 5; i++) {
        const pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
          try { const u = Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1]); return ranges.some(([a, n]) => u >= a && u < a + n); } catch { return false; }
        });
        if (!pids.length) break;
        for (const p of pids) { try { process.kill(Number(p), 'SIGKILL'); } catch { /* gone */ } }
        await new Promise((r) => setTimeout(r, 200));
      }
      sh('userdel', ['-r', name]);
      rmSync(home, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
      sh('groupdel', [name]);
    });
    mkdirSync(dir, { mode: 0o711 });
    const runtimeDir = join(dir, 'xdg-run');
    mkdirSync(runtimeDir, { mode: 0o700 });
    chownSync(runtimeDir, uid, gid);
    const repo = join(dir, 'repo');
    mkdirSync(repo, { mode: 0o755 });
    // the payload and the image archive, readable by the user
    const payload = join(dir, 'www');
    mkdirSync(payload, { mode: 0o755 });
    for (let i = 0; i < SIZES.length; i++) {
      const fd = openSync(join(payload, fileName(ctx, i)), 'w', 0o644);
      try { for (let done = 0; done < sizeOf(ctx, i); done += 1 << 20) writeSync(fd, randomBytes(Math.min(1 << 20, sizeOf(ctx, i) - done))); } finally { closeSync(fd); }
    }
    const archive = join(dir, 'busybox.tar');
    copyFileSync(await busyboxArchive(ctx), archive);
    chmodSync(archive, 0o644);
    // the "host": its own namespace with a routable interface (pasta copies its address and route)
    const netns = createNetns();
    ctx.log(`created netns ${netns}`);
    ctx.onCleanup(`delete netns ${netns}`, () => deleteNetns(netns));
    must('ip', ['-n', netns, 'link', 'add', 'rlb0', 'type', 'veth', 'peer', 'name', 'rlb1']);
    must('ip', ['-n', netns, 'addr', 'add', `${HOST}/24`, 'dev', 'rlb0']);
    must('ip', ['-n', netns, 'link', 'set', 'rlb0', 'up']);
    must('ip', ['-n', netns, 'link', 'set', 'rlb1', 'up']);
    must('ip', ['-n', netns, 'route', 'add', 'default', 'via', GATEWAY]);
    const nodeDir = process.execPath.startsWith(REPO) ? join(repo, process.execPath.slice(REPO.length, process.execPath.lastIndexOf('/'))) : '/usr/bin';
    const env = [`HOME=${home}`, `USER=${name}`, `LOGNAME=${name}`, 'LANG=C.UTF-8', `XDG_RUNTIME_DIR=${runtimeDir}`, 'BERTH_NO_AUTOSTART=1',
      `PATH=${nodeDir}:/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin`, ...['BERTH_ROOTLESS_TRANSPARENT', 'BERTH_ROOTLESS_RELAY'].filter((k) => process.env[k]).map((k) => `${k}=${process.env[k]}`)];
    const wrap = (cmd: string, args: string[]): [string, string[]] => ['nsenter', [`--net=/run/netns/${netns}`, 'unshare', '--mount', '--propagation', 'private', '--',
      'sh', '-c', 'mount --bind "$1" "$2" || exit 126; shift 2; ' + TUN_FIX + 'exec "$@"', 'sh', REPO, repo,
      'setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--', 'env', '-i', '-C', '/', ...env, cmd, ...args]];
    const as = (cmd: string, args: string[], timeoutMs = ctx.options.runTimeoutMs) => timedSpawn(...wrap(cmd, args), { timeoutMs });
    const socket = join(runtimeDir, 'berth.sock');
    const berth = (args: string[], t?: number) => as(join(repo, 'bin', 'berth'), ['-H', `unix://${socket}`, ...args], t);
    // podman: no systemd here (cgroupfs, events in a file)
    const conf = join(home, '.config', 'containers');
    await ok(as('mkdir', ['-p', conf]), 'mkdir');
    await ok(as('sh', ['-c', `printf '[engine]\\ncgroup_manager = "cgroupfs"\\nevents_logger = "file"\\n' > ${conf}/containers.conf`]), 'containers.conf');
    const podman = (args: string[], t?: number) => as('podman', args, t);
    // the rootless daemon: the CLI would not autostart it (BERTH_NO_AUTOSTART), so it is started here
    const log = join(dir, 'daemon.log');
    const fd = openSync(log, 'a');
    const [c, a] = wrap(join(repo, 'bin', 'berth'), ['serve']);
    const child = spawn(c, a, { stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    child.unref();
    daemonPid = child.pid!;
    const end = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null) throw new SystemError(`the rootless berth daemon exited ${child.exitCode}: ${readFileSync(log, 'utf8').slice(-1500)}`, 'ERR_DAEMON');
      if ((await berth(['version'], 10_000)).code === 0) break;
      if (Date.now() > end) throw new SystemError(`the rootless berth daemon did not answer in ${READY_TIMEOUT_MS} ms: ${readFileSync(log, 'utf8').slice(-1500)}`, 'ERR_TIMEOUT');
      await new Promise((r) => setTimeout(r, 250));
    }
    const net = (await ok(berth(['info', '--format', '{{.RootlessNetwork}}']), 'berth info')).stdout.trim();
    if (net !== 'pasta') throw new SystemError(`the rootless berth daemon is not connected with pasta: ${net}`, 'ERR_ROOTLESS_NET_DRIVER');
    await ok(berth(['load', '-i', archive], 120_000), 'berth load');
    return { netns, dir, payload, as, berth, podman } satisfies RootlessEnv;
  });
}

/** curl (or busybox wget) from the host side, `times` downloads of one file; checks every byte count. */
async function download(ctx: BenchContext, e: RootlessEnv, port: number, i: number, times: number): Promise<TimedResult> {
  const url = `http://${HOST}:${port}/${fileName(ctx, i)}`;
  const ns = `--net=/run/netns/${e.netns}`;
  const r = existsSync('/usr/bin/curl')
    ? await timedSpawn('nsenter', [ns, 'curl', '--noproxy', '*', '-sS', '-f', '-w', '%{size_download}\\n', ...Array.from({ length: times }, () => ['-o', '/dev/null', url]).flat()], { timeoutMs: ctx.options.runTimeoutMs })
    : await timedSpawn('sh', ['-c', `for i in $(seq ${times}); do nsenter ${ns} busybox wget -q -Y off -O /dev/null "$1" || exit 1; done`, 'sh', url], { timeoutMs: ctx.options.runTimeoutMs });
  if (r.code !== 0) throw new BenchError(`download of ${url} failed (exit ${r.code}): ${(r.stderr || r.stdout).trim().slice(0, 500)}`, 'ERR_DOWNLOAD');
  const sizes = r.stdout.split('\n').filter(Boolean);
  if (sizes.some((n) => Number(n) !== sizeOf(ctx, i))) throw new BenchError(`downloads of ${url} got ${sizes.join(', ')} bytes, expected ${sizeOf(ctx, i)}`, 'ERR_DOWNLOAD');
  return r;
}

/** The engine's web container, once per run: busybox httpd on the payload, port 80 published. */
function webContainer(ctx: BenchContext, kind: 'berth' | 'podman'): Promise<RootlessEnv> {
  return ctx.shared(`rootless-net:${kind}`, async () => {
    const e = await rootlessEnv(ctx);
    const cli = kind === 'berth' ? e.berth : e.podman;
    if (kind === 'podman') await ok(e.podman(['load', '-i', join(e.dir, 'busybox.tar')], 120_000), 'podman load');
    const net = kind === 'podman' ? ['--network', 'slirp4netns'] : [];
    await ok(cli(['run', '-d', ...net, '-p', `${PORTS[kind]}:80`, '-v', `${e.payload}:/www:ro`, 'busybox', 'httpd', '-f', '-p', '80', '-h', '/www'], 120_000), `${kind} run`);
    const end = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      try { await download(ctx, e, PORTS[kind], 0, 1); break; } catch (err) {
        if (Date.now() > end) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    return e;
  });
}

function tool(ctx: BenchContext, kind: 'berth' | 'podman', i: number): Tool {
  let e: RootlessEnv | undefined;
  const cmd = kind === 'berth' ? 'berth run -d -p 18480:80 busybox httpd (rootless, pasta)' : 'podman run -d --network slirp4netns -p 18481:80 busybox httpd (rootless)';
  return {
    name: kind === 'berth' ? 'berth' : 'podman',
    role: kind === 'berth' ? 'berth' : 'peer',
    command: `${cmd}; curl -o /dev/null ×${repeats(ctx)} http://<host>:${PORTS[kind]}/${fileName(ctx, i)}`,
    async setup() { e = await webContainer(ctx, kind); },
    async run() { return (await download(ctx, e!, PORTS[kind], i, repeats(ctx))).ms; },
    async teardown() { /* the containers serve every size; they go with the user at the run's end */ },
  };
}

function sizeCase(i: number): Case {
  const label = ['1 MB', '10 MB', '100 MB'][i];
  return {
    name: `rootless published port throughput, ${label}`,
    description: `A rootless engine run by an unprivileged user; busybox httpd in a container publishing port 80, serving a ${label} file ` +
      `(smoke: ${SIZES[i].smoke / 1000} KB) from a bind mount; timed: one curl downloading it ${5} times (once in smoke mode) from the host side ` +
      '(a namespace of the benchmark with a routable interface). berth: pasta, host port bound by the entry, relayed by the daemon with the client\'s address (splice(2) on a worker thread; BERTH_ROOTLESS_RELAY=js: the JavaScript copy); ' +
      'Podman 4.3: slirp4netns with its rootlesskit port handler (its pasta mode came in 4.4). Container start and readiness are untimed.',
    goal: 'at least rootless Podman\'s throughput',
    maxIterations: 10,
    bytesPerIteration: (ctx) => sizeOf(ctx, i) * repeats(ctx),
    series: (ctx) => ({ name: 'rootless published port throughput', size: Math.round(sizeOf(ctx, i) / 1000), unit: 'KB' }),
    tools: (ctx) => [tool(ctx, 'berth', i), ...(peerAvailable(ctx, 'podman') ? [tool(ctx, 'podman', i)] : [])],
  };
}

export const ROOTLESS_NET_CASES: Case[] = [0, 1, 2].map(sizeCase);

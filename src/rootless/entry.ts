/**
 * The rootless daemon's entry. `berth serve` run by an unprivileged user does not serve itself: it makes
 * (or finds) a user namespace with its own mount and network namespaces, and runs the real daemon inside
 * as root of that namespace, where it mounts overlays, builds bridges and runs crun as a root daemon does.
 *
 * Why not rootlesskit: Debian's rootlesskit 1.1 has no pasta driver, and it makes the namespaces die with
 * the daemon, so a restarted daemon could never find the containers it left running. Doing it ourselves
 * is small: `unshare` makes the namespaces around a holder process (`sleep infinity`, as Podman's pause
 * process), newuidmap/newgidmap write the maps from /etc/subuid and /etc/subgid, the network driver
 * connects the holder's network namespace to the host, and each daemon start joins the holder's
 * namespaces with `nsenter`. The holder keeps them alive across daemon restarts (live restore).
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { BerthError, SystemError } from '../common/errors.js';
import { PortForwarder } from './net/port-forwarder.js';
import type { AttachRootlessNetwork, RootlessNetDriverName } from './net-contract.js';
import { mapArgs, requireSubIds, rootlessSubIdFiles, type SubIdRange } from './subid.js';
import { requireTool } from './tools.js';
import { ROOTLESS_NET_ENV } from './facts.js';
import { PORT_CHANNEL_ENV, PORT_CHANNEL_IPC, ROOTLESS_ENV, ROOTLESS_HOST_USER_ENV } from './env-names.js';

export interface RootlessIds { user: string; uid: number; gid: number; subuid: SubIdRange[]; subgid: SubIdRange[] }

/** What the entry needs from the host; each missing piece is one coded error naming the fix. */
export function checkRootlessHost(env: NodeJS.ProcessEnv = process.env): RootlessIds & { tools: Record<string, string> } {
  const me = userInfo();
  const why = 'to map the subordinate ids of /etc/subuid and /etc/subgid into the user namespace';
  const tools = {
    newuidmap: requireTool('newuidmap', why, env),
    newgidmap: requireTool('newgidmap', why, env),
    unshare: requireTool('unshare', 'to make the user namespace', env),
    nsenter: requireTool('nsenter', 'to join the user namespace', env),
    ip: requireTool('ip', 'to bring up loopback in the namespace', env),
  };
  const files = rootlessSubIdFiles(env);
  const subuid = requireSubIds(files.subuid, 'uid', me.username, me.uid);
  const subgid = requireSubIds(files.subgid, 'gid', me.username, me.uid);
  return { user: me.username, uid: me.uid, gid: me.gid, subuid, subgid, tools };
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

function nsLink(pid: number | 'self', ns: string): string | undefined {
  try { return readlinkSync(`/proc/${pid}/ns/${ns}`); } catch { return undefined; }
}

/** The holder of an earlier start, when its pid file names a live process of ours in another user namespace. */
function liveHolder(pidFile: string): number | undefined {
  let pid: number;
  try { pid = Number(readFileSync(pidFile, 'utf8').trim()); } catch { return undefined; }
  if (!Number.isInteger(pid) || pid <= 1 || !alive(pid)) return undefined;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmd.startsWith('sleep\0infinity')) return undefined; // the pid was reused by something else
  } catch { return undefined; }
  const theirs = nsLink(pid, 'user');
  return theirs && theirs !== nsLink('self', 'user') ? pid : undefined;
}

function sleep(ms: number): Promise<void> { return new Promise((r) => setTimeout(r, ms)); }

function runMap(tool: string, pid: number, args: string[]): void {
  const r = spawnSync(tool, [String(pid), ...args], { encoding: 'utf8', timeout: 10_000 });
  if (r.status !== 0) {
    throw new SystemError(`${tool} ${pid} ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim()} ` +
      `(newuidmap/newgidmap must be setuid root or carry file capabilities, as Debian's uidmap package installs them)`, 'ERR_ROOTLESS_SUBID');
  }
}

/**
 * Start the holder: `unshare --user --mount --net` around `sleep infinity`, then write its maps and let the
 * network driver connect it. Returns its pid. The holder is detached: it outlives this process.
 */
async function startHolder(ids: RootlessIds, tools: Record<string, string>, stateDir: string,
  attachNetwork: AttachRootlessNetwork | undefined, preferred: RootlessNetDriverName | undefined): Promise<number> {
  const mine = nsLink('self', 'user');
  const holder = spawn(tools.unshare!, ['--user', '--mount', '--net', '--propagation', 'private', '--', 'sleep', 'infinity'],
    { detached: true, stdio: 'ignore', cwd: '/' });
  const pid = holder.pid;
  if (!pid) throw new SystemError('could not start unshare for the rootless user namespace', 'ERR_ROOTLESS_TOOL_MISSING');
  holder.unref();
  let exited: number | null = null;
  holder.once('exit', (code) => { exited = code ?? 1; });
  try {
    // unshare(2) is done once the process's user namespace is no longer ours (bounded: 5 s)
    const deadline = Date.now() + 5000;
    for (;;) {
      if (exited !== null) throw new SystemError(`unshare --user --mount --net exited with code ${exited}: this kernel or its settings (kernel.unprivileged_userns_clone, user.max_user_namespaces) do not let users make user namespaces`, 'ERR_USERNS');
      const ns = nsLink(pid, 'user');
      if (ns && ns !== mine && readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep')) break;
      if (Date.now() > deadline) throw new SystemError('the rootless user namespace did not appear within 5 s', 'ERR_USERNS');
      await sleep(5);
    }
    runMap(tools.newuidmap!, pid, mapArgs(ids.uid, ids.subuid));
    runMap(tools.newgidmap!, pid, mapArgs(ids.gid, ids.subgid));
    // a new network namespace starts with loopback down: the daemon, its registry and -p on 127.0.0.1 need it
    const lo = spawnSync(tools.nsenter!, ['--user', '--net', '--target', String(pid), '--', tools.ip!, 'link', 'set', 'lo', 'up'], { encoding: 'utf8', timeout: 10_000 });
    if (lo.status !== 0) throw new SystemError(`bringing up loopback in the rootless network namespace failed: ${(lo.stderr || lo.error?.message || '').trim()} (ip is in the Debian package iproute2)`, 'ERR_ROOTLESS_TOOL_MISSING');
    // the driver outlives this entry with the namespace; later entries read its name from here. A driver
    // that is missing or fails leaves the namespace to itself (containers reach each other and published
    // ports work, nothing beyond): the reason is said now and shown by `berth info`
    let network = 'none';
    if (attachNetwork) {
      try {
        network = (await attachNetwork({ childPid: pid, stateDir, ...(preferred ? { preferred } : {}) })).driver;
      } catch (e) {
        if (!(e instanceof BerthError)) throw e;
        process.stderr.write(`berth serve: ${e.message}; containers will not reach the host's network\n`);
        network = `none: ${e.message}`;
      }
    }
    writeFileSync(join(stateDir, 'network'), network);
  } catch (e) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    throw e;
  }
  return pid;
}

export interface RootlessEntryOptions {
  /** the daemon's command: node, its flags, the script and `serve ...` */
  command: string[];
  /** $XDG_RUNTIME_DIR/berth: the holder's pid file and the network driver's state */
  runRoot: string;
  attachNetwork?: AttachRootlessNetwork;
  preferredNetwork?: RootlessNetDriverName;
  env?: NodeJS.ProcessEnv;
}

/**
 * Find or make the namespaces, then run the daemon inside them until it exits; its exit code is returned.
 * SIGTERM and SIGINT are passed on to the daemon (which stops, leaving containers running).
 */
export async function runRootlessDaemon(opts: RootlessEntryOptions): Promise<number> {
  const env = opts.env ?? process.env;
  const host = checkRootlessHost(env);
  const nsDir = join(opts.runRoot, 'ns');
  mkdirSync(nsDir, { recursive: true, mode: 0o700 });
  const pidFile = join(nsDir, 'holder.pid');
  // one entry at a time makes the holder: a second `berth serve` racing this one waits on the lock file
  const lock = join(nsDir, 'holder.lock');
  let pid: number | undefined;
  const deadline = Date.now() + 15_000;
  for (;;) {
    pid = liveHolder(pidFile);
    if (pid) break;
    let fd: number | undefined;
    try { fd = openSync(lock, 'wx', 0o600); } catch {
      if (Date.now() > deadline) { rmSync(lock, { force: true }); continue; } // a stale lock of a killed entry
      await sleep(50);
      continue;
    }
    try {
      pid = liveHolder(pidFile) ?? await startHolder(host, host.tools, nsDir, opts.attachNetwork, opts.preferredNetwork);
      writeFileSync(pidFile, `${pid}\n`);
    } finally {
      closeSync(fd);
      rmSync(lock, { force: true });
    }
    break;
  }
  const [cmd, ...args] = opts.command;
  // nsenter without --preserve-credentials becomes uid and gid 0 in the namespace: the daemon is its root
  let network = 'none';
  try { network = readFileSync(join(nsDir, 'network'), 'utf8').trim() || 'none'; } catch { /* an older holder */ }
  // the IPC channel carries host ports: the daemon asks, this entry binds them on the host (src/rootless/net)
  const child = spawn(host.tools.nsenter!, ['--user', '--mount', '--net', '--target', String(pid), '--', cmd!, ...args],
    { stdio: ['inherit', 'inherit', 'inherit', 'ipc'], env: { ...env, [ROOTLESS_ENV]: '1', [ROOTLESS_NET_ENV]: network, [PORT_CHANNEL_ENV]: PORT_CHANNEL_IPC, [ROOTLESS_HOST_USER_ENV]: `${host.uid}:${host.gid}:${host.user}` } });
  const ports = new PortForwarder(child);
  const forward = (sig: NodeJS.Signals) => { try { child.kill(sig); } catch { /* gone */ } };
  process.on('SIGTERM', forward);
  process.on('SIGINT', forward);
  return await new Promise<number>((resolve) => {
    child.once('error', (e) => { process.stderr.write(`berth serve: ${e.message}\n`); resolve(1); });
    child.once('exit', (code, signal) => {
      ports.close();
      process.off('SIGTERM', forward);
      process.off('SIGINT', forward);
      resolve(code ?? (signal === 'SIGTERM' || signal === 'SIGINT' ? 0 : 1));
    });
  });
}

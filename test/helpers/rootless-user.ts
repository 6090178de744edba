/**
 * A real unprivileged user for rootless tests: made with useradd (which also gives it subordinate ids in
 * /etc/subuid and /etc/subgid), used through `setpriv` with a clean environment, and removed with
 * `userdel -r` afterwards, together with every process it still has.
 *
 * The repository may sit under a directory the user cannot enter (a CI clone under /root, mode 700).
 * The user's commands therefore run in a private mount namespace where the clone is bind-mounted at a
 * path under /tmp that anyone may traverse; nothing of the caller's is chmodded. Everything the user
 * starts (its daemon, the rootless namespace holder) inherits that mount namespace.
 *
 * The tests run as root inside `unshare --net`; the user's processes stay in that network namespace.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { REPO, runProcess, waitFor, type RunResult } from './daemon.js';

export interface RootlessUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** the user's $XDG_RUNTIME_DIR (a private directory, mode 700) */
  runtimeDir: string;
  /** the rootless daemon's socket: $XDG_RUNTIME_DIR/berth.sock */
  socket: string;
  /** the repository as the user sees it (bind-mounted in the user's mount namespace) */
  repo: string;
  /** the user's subordinate ranges */
  subuid: { start: number; count: number };
  subgid: { start: number; count: number };
  /** the environment the user's commands get (HOME, USER, PATH, XDG_RUNTIME_DIR, ...) */
  env(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
  /** run a program as the user (in the private mount namespace, the caller's network namespace) */
  run(cmd: string, args: string[], opts?: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<RunResult>;
  /** `berth -H unix://<socket> ...` as the user (autostart off unless opts.autostart) */
  berth(args: string[], opts?: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv; autostart?: boolean }): Promise<RunResult>;
  /** the same, failing unless it exits 0; returns stdout */
  ok(args: string[], opts?: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv }): Promise<string>;
  /** start `berth serve` as the user (extra args e.g. --log-level debug), wait for /_ping */
  startDaemon(opts?: { args?: string[]; env?: NodeJS.ProcessEnv }): Promise<void>;
  /** SIGTERM the daemon (containers keep running), wait until it is gone */
  stopDaemon(): Promise<void>;
  /** the daemon's output so far */
  daemonLog(): string;
  /** the pid of the process holding the rootless namespaces (nsenter --net/--user -t it) */
  holderPid(): number;
  /** a directory of the user's (under its home) */
  mkdir(rel: string): Promise<string>;
  /** remove containers, stop the daemon, kill every process of the user and its subordinate ids, userdel -r */
  cleanup(): Promise<void>;
}

const TUN_FIX = 'if [ -c /dev/net/tun ] && [ "$(stat -c %a /dev/net/tun)" != 666 ]; then mount -t tmpfs -o mode=755 tmpfs /dev/net && mknod -m 666 /dev/net/tun c 10 200 || exit 126; fi; ';

function sh(cmd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') + (r.error ? r.error.message : '') };
}

function subRange(file: string, name: string): { start: number; count: number } | undefined {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length === 3) return { start: Number(f[1]), count: Number(f[2]) };
  }
  return undefined;
}

/** Every process whose real uid is `uid` or in [from, from+count) (found in /proc, killed by PID). */
export function processesOf(uids: Array<[number, number]>): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const m = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'));
      const uid = Number(m?.[1]);
      if (uids.some(([a, n]) => uid >= a && uid < a + n)) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** The node binary berth runs with, as a path inside the repository (else the caller's, which must be readable). */
function nodeRelative(): string | undefined {
  return process.execPath.startsWith(REPO) ? process.execPath.slice(REPO.length) : undefined;
}

/** Make the user. opts.subids=false leaves it without subordinate ids (for the bad-input test). */
export async function createRootlessUser(opts: { subids?: boolean } = {}): Promise<RootlessUser> {
  for (const tool of ['useradd', 'userdel', 'setpriv', 'unshare', 'newuidmap']) {
    if (sh('sh', ['-c', `command -v ${tool}`]).code !== 0) throw new Error(`rootless tests need ${tool} (Debian packages passwd, util-linux, uidmap)`);
  }
  const name = `berth-rl-${randomBytes(4).toString('hex')}`;
  const add = sh('useradd', ['-m', '-s', '/bin/sh', name]);
  if (add.code !== 0) throw new Error(`useradd ${name}: ${add.out}`);
  const base = `/tmp/${name}`;
  try {
    if (opts.subids === false) {
      const su = subRange('/etc/subuid', name);
      const sg = subRange('/etc/subgid', name);
      const del = sh('usermod', [...(su ? ['--del-subuids', `${su.start}-${su.start + su.count - 1}`] : []), ...(sg ? ['--del-subgids', `${sg.start}-${sg.start + sg.count - 1}`] : []), name]);
      if ((su || sg) && del.code !== 0) throw new Error(`usermod --del-subuids ${name}: ${del.out}`);
    } else if (!subRange('/etc/subuid', name) || !subRange('/etc/subgid', name)) {
      throw new Error(`useradd gave ${name} no subordinate ids: set SUB_UID_COUNT/SUB_GID_COUNT in /etc/login.defs`);
    }
    const uid = Number(sh('id', ['-u', name]).out.trim());
    const gid = Number(sh('id', ['-g', name]).out.trim());
    const home = `/home/${name}`;
    // the user's private directories live in a 711 folder of ours: traversable, not listable
    mkdirSync(base, { mode: 0o711 });
    const runtimeDir = join(base, 'xdg-run');
    mkdirSync(runtimeDir, { mode: 0o700 });
    chownSync(runtimeDir, uid, gid);
    const repo = join(base, 'repo');
    mkdirSync(repo, { mode: 0o755 });
    const nodeRel = nodeRelative();
    const node = nodeRel ? join(repo, nodeRel) : process.execPath;
    for (const p of ['dist/cli/start.cjs', 'bin/berth']) {
      try { const st = statSync(join(REPO, p)); if (!(st.mode & 0o004)) throw new Error(`${p} is not world-readable`); } catch (e) {
        throw new Error(`the rootless user cannot read ${join(REPO, p)}: ${(e as Error).message} (build first; the clone's own files must be readable by others)`);
      }
    }
    const pathDirs = [node.slice(0, node.lastIndexOf('/')), '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
    let daemon: { pid: number; log: string } | undefined;
    const subuid = subRange('/etc/subuid', name) ?? { start: 0, count: 0 };
    const subgid = subRange('/etc/subgid', name) ?? { start: 0, count: 0 };
    const socket = join(runtimeDir, 'berth.sock');
    const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
      HOME: home, USER: name, LOGNAME: name, SHELL: '/bin/sh', PATH: pathDirs.join(':'), LANG: 'C.UTF-8',
      XDG_RUNTIME_DIR: runtimeDir, ...extra,
    });
    // root binds the clone, then becomes the user: both in one `unshare --mount` (a private mount namespace)
    const wrap = (cmd: string, args: string[], e: NodeJS.ProcessEnv): [string, string[]] => {
      const envArgs = Object.entries(e).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`);
      // a /dev/net/tun of udev's mode (0666) in that namespace too: some VM images (this project's
      // machines) ship it 0600, and pasta and slirp4netns open it as the user
      return ['unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c',
        'mount --bind "$1" "$2" || exit 126; shift 2; ' + TUN_FIX + 'exec "$@"', 'sh', REPO, repo,
        'setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--init-groups', '--', 'env', '-i', '-C', '/', ...envArgs, cmd, ...args]];
    };
    const run = (cmd: string, args: string[], o: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> => {
      const [c, a] = wrap(cmd, args, env(o.env));
      return runProcess(c, a, { ...(o.input !== undefined ? { input: o.input } : {}), ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}), label: `${cmd} ${args.join(' ')} (as ${name})` });
    };
    const berthBin = join(repo, 'bin', 'berth');
    const berth = (args: string[], o: { input?: string | Buffer; timeoutMs?: number; env?: NodeJS.ProcessEnv; autostart?: boolean } = {}) =>
      run(berthBin, ['-H', `unix://${socket}`, ...args], { ...o, env: { ...(o.autostart ? {} : { BERTH_NO_AUTOSTART: '1' }), ...o.env } });
    const user: RootlessUser = {
      name, uid, gid, home, runtimeDir, socket, repo, subuid, subgid, env, run, berth,
      async ok(args, o) {
        const r = await berth(args, o);
        if (r.code !== 0) throw new Error(`berth ${args.join(' ')} (as ${name}) exited ${r.code}: ${r.stderr}${r.stdout}`);
        return r.stdout;
      },
      async startDaemon(o = {}) {
        const log = join(base, `daemon-${Date.now()}.log`);
        const [c, a] = wrap(berthBin, ['serve', ...(o.args ?? [])], env({ BERTH_LOG_LEVEL: 'debug', ...o.env }));
        const { openSync, closeSync } = await import('node:fs');
        const fd = openSync(log, 'a');
        const child = spawn(c, a, { stdio: ['ignore', fd, fd], detached: true });
        closeSync(fd);
        child.unref();
        daemon = { pid: child.pid!, log };
        await waitFor(async () => {
          if (child.exitCode !== null) throw new Error(`the rootless daemon exited ${child.exitCode}: ${readFileSync(log, 'utf8').slice(-3000)}`);
          const r = await berth(['version', '--format', '{{.Server.Version}}'], { timeoutMs: 10_000 });
          return r.code === 0;
        }, 40_000, `${name}'s rootless daemon`);
      },
      async stopDaemon() {
        if (!daemon || !pidAlive(daemon.pid)) return;
        // the pid is unshare's, which became sh, setpriv, env and berth serve (one process, exec'd)
        process.kill(daemon.pid, 'SIGTERM');
        await waitFor(() => !pidAlive(daemon!.pid), 20_000, `${name}'s daemon to stop`);
      },
      holderPid() {
        return Number(readFileSync(join(runtimeDir, 'berth', 'ns', 'holder.pid'), 'utf8').trim());
      },
      async mkdir(rel) {
        const dir = join(home, rel);
        const r = await run('mkdir', ['-p', dir]);
        if (r.code !== 0) throw new Error(`mkdir ${dir} as ${name}: ${r.stderr}`);
        return dir;
      },
      daemonLog() {
        try { return daemon ? readFileSync(daemon.log, 'utf8') : ''; } catch { return ''; }
      },
      async cleanup() {
        try {
          if (daemon && pidAlive(daemon.pid)) {
            const ids = await berth(['ps', '-aq'], { timeoutMs: 20_000 }).catch(() => undefined);
            const list = ids?.stdout.split('\n').filter(Boolean) ?? [];
            if (list.length) await berth(['rm', '-f', ...list], { timeoutMs: 60_000 }).catch(() => undefined);
            await user.stopDaemon().catch(() => undefined);
          }
        } finally {
          // whatever is left (the namespace holder, conmon, container processes) runs as the user or its subordinate ids
          const ranges: Array<[number, number]> = [[uid, 1]];
          if (subuid.count) ranges.push([subuid.start, subuid.count]);
          for (let i = 0; i < 5; i++) {
            const pids = processesOf(ranges);
            if (!pids.length) break;
            for (const p of pids) { try { process.kill(p, 'SIGKILL'); } catch { /* gone */ } }
            await new Promise((r) => setTimeout(r, 100));
          }
          // the home holds overlay dirs and files of subordinate ids: root removes it all
          const del = sh('userdel', ['-r', name]);
          if (del.code !== 0 && !/mail spool/.test(del.out)) sh('userdel', ['-f', '-r', name]);
          rmSync(home, { recursive: true, force: true });
          rmSync(base, { recursive: true, force: true });
          sh('groupdel', [name]);
        }
      },
    };
    return user;
  } catch (e) {
    sh('userdel', ['-r', name]);
    rmSync(base, { recursive: true, force: true });
    throw e;
  }
}

/**
 * A stand-in "host" for rootless networking tests: a network namespace and mount namespace the test
 * makes (never the machine's), with a routable interface (a veth pair, 10.99.0.2/24, a default route via
 * 10.99.0.1 that leads nowhere: this kernel has no dummy driver), loopback up, a private /dev/net/tun of
 * the mode udev gives it (0666), and its own net.ipv4.ip_unprivileged_port_start (the sysctl is per
 * network namespace). An unprivileged user made with useradd runs the entry inside it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { REPO } from './daemon.js';

export const HOST_ADDRESS = '10.99.0.2';
export const HOST_GATEWAY = '10.99.0.1';
export const REMOTE_ADDRESS = '10.99.0.9';

export interface NetHost {
  pid: number;
  /** argv prefix that runs a program inside the host namespaces as root */
  nsenter(): string[];
  /** argv prefix that runs a program on the remote client's namespace */
  remote(): string[];
  cleanup(): Promise<void>;
}

function sh(cmd: string, args: string[]): { code: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

export async function makeNetHost(opts: { tunMode?: string; unprivilegedPortStart?: number } = {}): Promise<NetHost> {
  const script = [
    'set -e',
    'mount -t tmpfs -o mode=755 tmpfs /dev/net',
    // the host's resolver on its loopback, as systemd-resolved's 127.0.0.53 is (the test may run one)
    "printf 'nameserver 127.0.0.1\\n' > /dev/net/resolv.conf",
    'mount --bind /dev/net/resolv.conf /etc/resolv.conf',
    `mknod -m ${opts.tunMode ?? '0666'} /dev/net/tun c 10 200`,
    'ip link set lo up',
    'ip link add host0 type veth peer name host0p',
    'ip link set host0p up',
    `ip addr add ${HOST_ADDRESS}/24 dev host0`,
    'ip link set host0 up',
    `ip route add default via ${HOST_GATEWAY}`,
    `sysctl -qw net.ipv4.ip_unprivileged_port_start=${opts.unprivilegedPortStart ?? 1024}`,
    // a remote client: the veth's other end in a namespace of its own, at ${REMOTE_ADDRESS}
    'unshare --net -- sleep 900 &',
    'R=$!',
    'for i in $(seq 50); do [ "$(readlink /proc/$R/ns/net)" != "$(readlink /proc/$$/ns/net)" ] && break; sleep 0.05; done',
    'ip link set host0p netns $R',
    `nsenter -t $R -n sh -c 'ip link set lo up && ip addr add ${REMOTE_ADDRESS}/24 dev host0p && ip link set host0p up'`,
    'echo ready $R',
    'exec sleep 900',
  ].join('\n');
  const holder = spawn('unshare', ['--net', '--mount', '--propagation', 'private', '--', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  holder.stderr!.on('data', (d) => { err += d; });
  const remotePid = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => { holder.kill('SIGKILL'); reject(new Error('the test host namespace did not come up')); }, 10_000);
    holder.stdout!.on('data', (d) => { const m = /ready (\d+)/.exec(String(d)); if (m) { clearTimeout(timer); resolve(Number(m[1])); } });
    holder.on('exit', () => { clearTimeout(timer); reject(new Error(`the test host namespace failed: ${err}`)); });
  });
  const pid = holder.pid!;
  return {
    pid,
    nsenter: () => ['nsenter', '-t', String(pid), '-n', '-m', '--'],
    remote: () => ['nsenter', '-t', String(remotePid), '-n', '--'],
    cleanup: async () => {
      try { process.kill(remotePid, 'SIGKILL'); } catch { /* gone */ }
      if (holder.exitCode === null) {
        const gone = new Promise((r) => holder.once('exit', r));
        holder.kill('SIGKILL');
        await gone;
      }
    },
  };
}

export interface NetUser { name: string; uid: number; gid: number; cleanup(): void }

/** A real unprivileged account (useradd, no home, no login shell), removed at cleanup. */
export function makeUser(): NetUser {
  const name = `bnet${randomBytes(3).toString('hex')}`;
  const r = sh('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name]);
  if (r.code !== 0) throw new Error(`useradd ${name}: ${r.out}`);
  const uid = Number(sh('id', ['-u', name]).out.trim());
  const gid = Number(sh('id', ['-g', name]).out.trim());
  return { name, uid, gid, cleanup: () => { sh('userdel', [name]); } };
}

/**
 * The fixture bundled into a directory the user can read, with a copy of this Node binary: the checkout
 * may sit under a directory the user cannot enter (/root, mode 700, in CI).
 */
export async function bundleFixture(user: NetUser): Promise<{ dir: string; node: string; script: string; stateDir: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-rlnet-'));
  chmodSync(dir, 0o755);
  const script = join(dir, 'net-entry.mjs');
  await build({ entryPoints: [join(REPO, 'test/rootless/fixtures/net-entry.ts')], outfile: script, bundle: true, platform: 'node', format: 'esm', target: 'node22', external: ['koffi'], logLevel: 'error' });
  // koffi (libc calls: the transparent relay) beside the bundle, this platform's build only
  const koffi = join(REPO, 'node_modules', 'koffi');
  const to = join(dir, 'node_modules', 'koffi');
  const native = join('build', 'koffi', `${process.platform}_${process.arch}`);
  mkdirSync(join(to, native), { recursive: true });
  for (const f of ['package.json', 'index.js', 'indirect.js', join(native, 'koffi.node')]) if (existsSync(join(koffi, f))) copyFileSync(join(koffi, f), join(to, f));
  spawnSync('chmod', ['-R', 'a+rX', join(dir, 'node_modules')]);
  const node = join(dir, 'node');
  copyFileSync(process.execPath, node);
  chmodSync(node, 0o755);
  const stateDir = join(dir, 'state');
  mkdirSync(stateDir, { mode: 0o700 });
  chownSync(stateDir, user.uid, user.gid);
  return { dir, node, script, stateDir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface EntryResult { ok: boolean; code?: string; message?: string; text?: string; free?: boolean }

export interface Entry {
  attached: { attached: boolean; holder?: number; driver?: string; address?: string; gateway?: string; hostAddress?: string; dns?: string; code?: string; message?: string };
  cmd(c: Record<string, unknown>, timeoutMs?: number): Promise<EntryResult>;
  stop(): Promise<void>;
  /** SIGKILL the entry alone (its daemon and the driver live on) */
  kill(): Promise<void>;
  stderr(): string;
}

/** Start the fixture's entry as `user` inside `host`, with `driver` preferred ('' for the default order). */
export async function startEntry(host: NetHost, user: NetUser, fx: { node: string; script: string; stateDir: string }, driver: string, env: NodeJS.ProcessEnv = {}): Promise<Entry> {
  const child: ChildProcess = spawn(host.nsenter()[0], [...host.nsenter().slice(1), 'setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--',
    fx.node, fx.script, 'entry', driver, fx.stateDir], {
    stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/nonexistent', ...env },
  });
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  const lines: any[] = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout! }).on('line', (l) => {
    try { lines.push(JSON.parse(l)); } catch { err += l + '\n'; }
    for (const w of waiters.splice(0)) w();
  });
  const next = (pred: (m: any) => boolean, timeoutMs: number): Promise<any> => new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = () => {
      const i = lines.findIndex(pred);
      if (i >= 0) { resolve(lines.splice(i, 1)[0]); return; }
      if (Date.now() > deadline || child.exitCode !== null) { reject(new Error(`no answer from the entry fixture; stderr: ${err}`)); return; }
      waiters.push(check);
      setTimeout(check, 200);
    };
    check();
  });
  const attached = await next((m) => 'attached' in m, 20_000);
  let id = 0;
  return {
    attached,
    cmd: (c, timeoutMs = 15_000) => {
      const my = ++id;
      child.stdin!.write(JSON.stringify({ ...c, id: my }) + '\n');
      return next((m) => m.id === my, timeoutMs);
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      // nsenter and setpriv exec: the child's pid is the entry's own
      child.kill('SIGKILL');
      await gone;
    },
    stderr: () => err,
  };
}

/** Connect from the host side (root, inside the host namespace) and return what the server sent back. */
export function hostClient(host: NetHost, fx: { node: string }, address: string, port: number, send = 'ping', from: 'host' | 'remote' = 'host'): { code: number; out: string } {
  const js = `const s=require('net').connect(${port},${JSON.stringify(address)});let b='';s.setTimeout(5000,()=>{console.log('timeout');process.exit(3)});s.on('connect',()=>s.write(${JSON.stringify(send + '\n')}));s.on('data',d=>b+=d);s.on('end',()=>{process.stdout.write(b);process.exit(0)});s.on('error',e=>{console.log(e.code);process.exit(2)})`;
  const argv = [...(from === 'remote' ? host.remote() : host.nsenter()), fx.node, '-e', js];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 15_000 });
  return { code: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

/** One datagram from the host side, and the answer. */
export function hostUdpClient(host: NetHost, fx: { node: string }, address: string, port: number, send: string): { code: number; out: string } {
  const js = `const s=require('dgram').createSocket('udp4');setTimeout(()=>{console.log('timeout');process.exit(3)},5000);s.on('message',m=>{process.stdout.write(String(m));process.exit(0)});s.send(${JSON.stringify(send)},${port},${JSON.stringify(address)})`;
  const argv = [...host.nsenter(), fx.node, '-e', js];
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 15_000 });
  return { code: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') };
}

/**
 * A DNS server on the host's loopback (root, inside the host namespace) that answers every A question
 * with `answer`. Hand-made packets: the question is copied back, one A record points at it.
 */
export function loopbackResolver(host: NetHost, fx: { node: string }, answer: string): { stop(): void } {
  const js = `const d=require('dgram').createSocket('udp4');d.on('message',(q,r)=>{const h=Buffer.from(q.subarray(0,12));h.writeUInt16BE(0x8180,2);h.writeUInt16BE(1,6);` +
    `const a=Buffer.from([0xc0,0x0c,0,1,0,1,0,0,0,60,0,4,...${JSON.stringify(answer)}.split('.').map(Number)]);d.send(Buffer.concat([h,q.subarray(12),a]),r.port,r.address)});` +
    `d.bind(53,'127.0.0.1',()=>console.log('up'));setTimeout(()=>process.exit(0),120000)`;
  const argv = [...host.nsenter(), fx.node, '-e', js];
  const p = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  return { stop: () => { p.kill('SIGKILL'); } };
}

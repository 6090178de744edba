/** Receivers for the logging driver tests, started inside the test daemon's network namespace and stopped by pid. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, REPO } from '../helpers/daemon.js';

export async function waitUntil<T>(what: string, fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  let v = await fn();
  while (!ok(v)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)?.slice(0, 800)}`);
    await new Promise((r) => setTimeout(r, 100));
    v = await fn();
  }
  return v;
}

export interface Receiver { messages: any[]; stop(): Promise<void>; pid: number }

/** test/logging/receiver.ts in the namespace: messages collected as they arrive. */
export async function startReceiver(netns: string, kind: string, addr: string, extra: string[] = [], opts: { count?: boolean } = {}): Promise<Receiver> {
  const node = process.execPath;
  const child: ChildProcess = spawn('nsenter', [`--net=/run/netns/${netns}`, node, '--import', 'tsx', join(REPO, 'test/logging/receiver.ts'), kind, addr, ...extra],
    { cwd: REPO, env: cleanEnv(opts.count ? { RECEIVER_COUNT: '1' } : {}), stdio: ['ignore', 'pipe', 'pipe'] });
  const messages: any[] = [];
  let ready = false;
  let buf = '';
  let err = '';
  child.stdout!.on('data', (d) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line === 'ready') ready = true; else messages.push(JSON.parse(line).data);
    }
  });
  child.stderr!.on('data', (d) => { err += d.toString(); });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
  };
  try {
    await waitUntil(`${kind} receiver`, () => { if (child.exitCode !== null) throw new Error(`receiver exited: ${err}`); return ready; }, (v) => v, 20_000);
  } catch (e) { await stop(); throw e; }
  return { messages, stop, pid: child.pid! };
}

export interface Rsyslog { out(): string[]; stop(): Promise<void>; udpPort: number; tcpPort: number; dgramSocket: string; streamSocket: string }

/**
 * rsyslogd with its own configuration (no system socket, no host files): udp and tcp on 127.0.0.1
 * in the namespace, a datagram socket (imuxsock) and a stream socket (imptcp) in dir; every message
 * goes to dir/out.log as `input|tag|programname|hostname|facility|severity|msg|rawmsg`.
 */
export async function startRsyslog(netns: string, dir: string, udpPort: number, tcpPort: number): Promise<Rsyslog> {
  const dgramSocket = join(dir, 'dgram.sock');
  const streamSocket = join(dir, 'stream.sock');
  const outFile = join(dir, 'out.log');
  const conf = join(dir, 'rsyslog.conf');
  writeFileSync(conf, `
global(workDirectory="${dir}")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="${dgramSocket}" CreatePath="on" RateLimit.Interval="0")
module(load="imptcp")
input(type="imptcp" path="${streamSocket}" unlink="on")
module(load="imudp")
input(type="imudp" address="127.0.0.1" port="${udpPort}")
module(load="imtcp")
input(type="imtcp" address="127.0.0.1" port="${tcpPort}")
template(name="raw" type="string" string="%inputname%|%syslogtag%|%programname%|%hostname%|%syslogfacility-text%|%syslogseverity-text%|%msg%|%rawmsg%\\n")
*.* action(type="omfile" file="${outFile}" template="raw")
`);
  const pidFile = join(dir, 'rsyslog.pid');
  const child = spawn('nsenter', [`--net=/run/netns/${netns}`, '/usr/sbin/rsyslogd', '-f', conf, '-i', pidFile, '-n'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => { err += d.toString(); });
  const listening = () => {
    const ss = spawnSync('nsenter', [`--net=/run/netns/${netns}`, 'ss', '-lntu'], { encoding: 'utf8' }).stdout ?? '';
    return ss.includes(`:${udpPort}`) && ss.includes(`:${tcpPort}`) && existsSync(dgramSocket) && existsSync(streamSocket);
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
  };
  try {
    await waitUntil('rsyslogd', () => { if (child.exitCode !== null) throw new Error(`rsyslogd exited: ${err}`); return listening(); }, (v) => v, 20_000);
  } catch (e) { await stop(); throw e; }
  return {
    udpPort, tcpPort, dgramSocket, streamSocket, stop,
    out: () => (existsSync(outFile) ? readFileSync(outFile, 'utf8').split('\n').filter(Boolean) : []),
  };
}

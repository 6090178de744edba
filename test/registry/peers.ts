/**
 * `berth registry serve` processes inside a test daemon's network namespace, started by
 * the test and killed by their PID afterwards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { BERTH_BIN, cleanEnv } from '../helpers/daemon.js';

export interface Peer { child: ChildProcess; stop(): void }

export function inNetns(netns: string, cmd: string, args: string[]) {
  return spawnSync('nsenter', [`--net=/run/netns/${netns}`, cmd, ...args], { encoding: 'utf8', env: cleanEnv(), timeout: 60_000 });
}

/** Start `berth registry serve` with extra flags in the namespace; resolves when the port accepts. */
export async function serveRegistry(netns: string, root: string, addr: string, extra: string[] = []): Promise<Peer> {
  const child = spawn('nsenter', [`--net=/run/netns/${netns}`, BERTH_BIN, 'registry', 'serve', '--root', root, '--addr', addr, ...extra],
    { stdio: ['ignore', 'ignore', 'pipe'], env: cleanEnv() });
  let errText = '';
  child.stderr!.on('data', (c) => { errText += c; });
  const peer: Peer = { child, stop() { if (child.exitCode === null) child.kill('SIGKILL'); } };
  const [host, port] = [addr.slice(0, addr.lastIndexOf(':')), addr.slice(addr.lastIndexOf(':') + 1)];
  for (let i = 0; i < 300; i++) {
    if (inNetns(netns, 'bash', ['-c', `exec 3<>/dev/tcp/${host}/${port}`]).status === 0) return peer;
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  peer.stop();
  throw new Error(`registry on ${addr} did not start: ${errText}`);
}

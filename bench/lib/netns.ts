/** Network namespaces the benchmark creates, so no engine touches the host's network (HOST-NOTES #3). */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { SystemError } from '../../src/common/errors.js';

export const NETNS_PREFIX = 'berth-bench-';

export function createNetns(): string {
  const name = NETNS_PREFIX + randomBytes(4).toString('hex');
  const r = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
  if (r.status !== 0) throw new SystemError(`ip netns add ${name} failed: ${r.stderr}`, 'ERR_NETNS');
  spawnSync('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

export function deleteNetns(name: string): void {
  spawnSync('ip', ['netns', 'del', name]);
}

/** Prefix a command so it runs inside the namespace (nsenter, not `ip netns exec`: HOST-NOTES #4). */
export function inNetns(name: string, cmd: string, args: string[]): [string, string[]] {
  return ['nsenter', [`--net=/run/netns/${name}`, cmd, ...args]];
}

/**
 * The rootless daemon's /etc/resolv.conf. The host's may name resolvers on the host's loopback
 * (systemd-resolved's 127.0.0.53, dnsmasq's 127.0.0.1), which the daemon's namespace cannot reach: those
 * lines become the driver's DNS forwarder (pasta's --dns-forward address, slirp4netns's 10.0.2.3), which
 * asks the host's resolvers from the host. The embedded DNS of user-defined networks and containers on the
 * default bridge then read resolvers that answer.
 */
import { chmodSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../../common/exec.js';
import { SystemError } from '../../common/errors.js';

export function rootlessResolvConf(hostResolv: string, driverDns: string): string {
  let replaced = false;
  const body = hostResolv.replace(/\n+$/, '');
  const lines = (body ? body.split('\n') : []).flatMap((l) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(l);
    if (!m) return [l];
    if (!/^127\.|^::1$/.test(m[1])) return [l];
    if (replaced) return [];
    replaced = true;
    return [`nameserver ${driverDns}`];
  });
  if (!lines.some((l) => /^\s*nameserver\s/.test(l))) lines.push(`nameserver ${driverDns}`);
  return lines.join('\n').replace(/\n*$/, '\n');
}

/**
 * Give the daemon's mount namespace (the holder's) that resolv.conf, bind-mounted over /etc/resolv.conf,
 * when the host's names a loopback resolver. Done by the entry (the user, who owns the namespaces, becomes
 * their root through nsenter) once per holder, as the driver is. Nothing to do when the holder shares the
 * entry's mount namespace or the host's resolvers are reachable as they are.
 */
export async function installResolvConf(holderPid: number, stateDir: string, driverDns: string, hostFile = '/etc/resolv.conf'): Promise<boolean> {
  let host: string;
  try { host = readFileSync(hostFile, 'utf8'); } catch { host = ''; }
  if (!/^\s*nameserver\s+(127\.|::1\s*$)/m.test(host) && /^\s*nameserver\s/m.test(host)) return false;
  const wanted = rootlessResolvConf(host, driverDns);
  if (readlinkSync(`/proc/${holderPid}/ns/mnt`) === readlinkSync('/proc/self/ns/mnt')) return false;
  const file = join(stateDir, 'resolv.conf');
  writeFileSync(file, wanted, { mode: 0o644 });
  chmodSync(file, 0o644);
  const r = await run('nsenter', ['--user', '--mount', '--target', String(holderPid), '--', 'mount', '--bind', file, '/etc/resolv.conf']);
  if (r.code !== 0) throw new SystemError(`cannot give the rootless namespace a resolv.conf: ${(r.stderr || r.stdout).trim()}`, 'ERR_ROOTLESS_NET_DRIVER_FAILED');
  return true;
}

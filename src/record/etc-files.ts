import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const LOCALHOST_HOSTS = [
  '127.0.0.1\tlocalhost',
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::0\tip6-localnet',
  'ff00::0\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

// Docker's fallback when the host only has local resolvers a container cannot reach.
const DEFAULT_NAMESERVERS = ['8.8.8.8', '8.8.4.4', '2001:4860:4860::8888', '2001:4860:4860::8844'];

export interface EtcFilePaths { hostname: string; hosts: string; resolvConf: string }

export function etcFilePaths(containerDir: string): EtcFilePaths {
  return { hostname: join(containerDir, 'hostname'), hosts: join(containerDir, 'hosts'), resolvConf: join(containerDir, 'resolv.conf') };
}

function readHost(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch { return ''; }
}

/** /etc/resolv.conf for a container: the host's (minus loopback resolvers outside host mode) with --dns* overrides. */
export function resolvConfFor(networkMode: string, hostConfig: any, hostResolv = readHost('/etc/resolv.conf')): string {
  const lines = hostResolv.split('\n');
  let nameservers = lines.filter((l) => /^\s*nameserver\s/.test(l)).map((l) => l.trim().split(/\s+/)[1]);
  let search = lines.filter((l) => /^\s*(search|domain)\s/.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1));
  let options = lines.filter((l) => /^\s*options\s/.test(l)).flatMap((l) => l.trim().split(/\s+/).slice(1));
  if (networkMode !== 'host') {
    nameservers = nameservers.filter((n) => !/^127\./.test(n) && n !== '::1');
    if (nameservers.length === 0) nameservers = DEFAULT_NAMESERVERS;
  }
  if (hostConfig?.Dns?.length) nameservers = hostConfig.Dns;
  if (hostConfig?.DnsSearch?.length) search = hostConfig.DnsSearch;
  if (hostConfig?.DnsOptions?.length) options = hostConfig.DnsOptions;
  const out: string[] = [];
  if (search.length) out.push(`search ${search.join(' ')}`);
  for (const n of nameservers) out.push(`nameserver ${n}`);
  if (options.length) out.push(`options ${options.join(' ')}`);
  return out.join('\n') + '\n';
}

/** /etc/hosts: the host's in host mode, localhost entries otherwise, plus --add-host lines. */
export function hostsFor(networkMode: string, hostConfig: any, hostHosts = readHost('/etc/hosts')): string {
  const lines = networkMode === 'host' ? hostHosts.replace(/\n+$/, '').split('\n') : [...LOCALHOST_HOSTS];
  for (const entry of (hostConfig?.ExtraHosts ?? []) as string[]) {
    // "name:ip" (Docker also accepts "name=ip")
    const m = /^([^:=]+)[:=](.+)$/.exec(entry);
    if (m) lines.push(`${m[2].replace(/^\[|\]$/g, '')}\t${m[1]}`);
  }
  return lines.join('\n') + '\n';
}

export async function writeEtcFiles(containerDir: string, hostname: string, networkMode: string, hostConfig: any): Promise<EtcFilePaths> {
  const p = etcFilePaths(containerDir);
  await writeFile(p.hostname, hostname + '\n');
  await writeFile(p.hosts, hostsFor(networkMode, hostConfig));
  await writeFile(p.resolvConf, resolvConfFor(networkMode, hostConfig));
  return p;
}

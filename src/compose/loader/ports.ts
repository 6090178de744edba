/**
 * The short syntax of `ports:` (`[[HOST_IP:]PUBLISHED:]TARGET[/PROTOCOL]`, with ranges and IPv6 hosts
 * in brackets), written out long, one entry per container port as compose v2 prints it.
 */
import type { ServicePortConfig } from '../model.js';

export class PortSpecError extends Error {}

function range(s: string, spec: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw new PortSpecError(`Invalid containerPort: ${s}`);
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  if (end < start || end > 65535) throw new PortSpecError(`Invalid range specified for port: ${spec}`);
  return [start, end];
}

export function parsePortSpec(input: string | number): ServicePortConfig[] {
  const spec = String(input);
  let rest = spec;
  let protocol = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) { protocol = rest.slice(slash + 1); rest = rest.slice(0, slash); }
  if (!protocol) throw new PortSpecError(`Invalid proto: ${spec}`);
  const parts = rest.split(':');
  const n = parts.length;
  const container = parts[n - 1]!;
  let hostPort = '';
  let hostIp = '';
  if (n === 2) hostPort = parts[0]!;
  else if (n === 3) { hostIp = parts[0]!; hostPort = parts[1]!; }
  else if (n > 3) { hostIp = parts.slice(0, n - 2).join(':'); hostPort = parts[n - 2]!; }
  if (hostIp.startsWith('[') && hostIp.endsWith(']')) hostIp = hostIp.slice(1, -1);
  if (hostIp && !isIp(hostIp)) throw new PortSpecError(`invalid IP address: ${hostIp}`);
  if (!container) throw new PortSpecError(`no port specified: ${spec}<empty>`);
  const [start, end] = range(container, spec);
  const base = (target: number, published?: string): ServicePortConfig => ({
    mode: 'ingress', ...(hostIp ? { host_ip: hostIp } : {}), target, ...(published !== undefined ? { published } : {}), protocol,
  });
  if (!hostPort) {
    const out: ServicePortConfig[] = [];
    for (let p = start; p <= end; p++) out.push(base(p));
    return out;
  }
  const [hStart, hEnd] = range(hostPort, spec);
  if (end === start) return [base(start, hEnd === hStart ? String(hStart) : `${hStart}-${hEnd}`)];
  if (hEnd - hStart !== end - start) throw new PortSpecError(`Invalid ranges specified for container and host Ports: ${container} and ${hostPort}`);
  const out: ServicePortConfig[] = [];
  for (let i = 0; i <= end - start; i++) out.push(base(start + i, String(hStart + i)));
  return out;
}

function isIp(s: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) return s.split('.').every((o) => Number(o) <= 255);
  return s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s);
}

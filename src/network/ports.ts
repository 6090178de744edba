/** Host ports for a starting container: fixed, ranged or random, checked against berth's and the host's use. */
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { ConflictError, InvalidArgumentError } from '../common/errors.js';
import type { PortRecord } from './network-store.js';

const EPHEMERAL_LO = 49153;
const EPHEMERAL_HI = 60999;

/** Can the daemon bind this port right now (no host process uses it)? */
function bindable(proto: 'tcp' | 'udp', ip: string, port: number): Promise<boolean> {
  const host = ip || '0.0.0.0';
  return new Promise((resolve) => {
    if (proto === 'tcp') {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
    } else {
      const s = createSocket('udp4');
      s.once('error', () => { s.close(); resolve(false); });
      s.bind({ port, address: host, exclusive: true }, () => s.close(() => resolve(true)));
    }
  });
}

function clash(a: { proto: string; hostIp: string; hostPort: number }, b: { proto: string; hostIp: string; hostPort: number }): boolean {
  const any = (ip: string) => !ip || ip === '0.0.0.0';
  return a.proto === b.proto && a.hostPort === b.hostPort && (any(a.hostIp) || any(b.hostIp) || a.hostIp === b.hostIp);
}

export interface WantedPort { proto: 'tcp' | 'udp'; containerPort: number; hostIp: string; lo: number; hi: number }

/** PortBindings (+ -P: every exposed port on a random host port) -> what to allocate. */
export function wantedPorts(hostConfig: any, exposed: Record<string, unknown> | undefined): WantedPort[] {
  const out: WantedPort[] = [];
  const bindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> = { ...(hostConfig.PortBindings ?? {}) };
  if (hostConfig.PublishAllPorts) for (const k of Object.keys(exposed ?? {})) if (!bindings[k]?.length) bindings[k] = [{ HostIp: '', HostPort: '' }];
  for (const [key, list] of Object.entries(bindings)) {
    const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(key);
    if (!m) throw new InvalidArgumentError(`invalid port specification: "${key}"`);
    if (m[2] === 'sctp') throw new InvalidArgumentError('publishing sctp ports is not supported');
    for (const b of list ?? []) {
      const hp = b.HostPort ?? '';
      const r = /^(\d+)(?:-(\d+))?$/.exec(hp);
      if (hp && !r) throw new InvalidArgumentError(`invalid host port "${hp}" for ${key}`);
      const ip = b.HostIp ?? '';
      if (ip.includes(':')) continue; // IPv6 host addresses: the container side is IPv4 only
      if (ip && !/^\d+\.\d+\.\d+\.\d+$/.test(ip)) throw new InvalidArgumentError(`invalid IP address: ${ip}`);
      const lo = r && Number(r[1]) ? Number(r[1]) : 0;
      out.push({ proto: (m[2] ?? 'tcp') as 'tcp' | 'udp', containerPort: Number(m[1]), hostIp: ip, lo, hi: r?.[2] ? Number(r[2]) : lo });
    }
  }
  return out;
}

/** Is a host port free? The daemon's own bind test by default; rootless mode asks its entry process (the host's namespace). */
export type PortProbe = (proto: 'tcp' | 'udp', ip: string, port: number) => Promise<boolean>;

/** Choose host ports; throws Docker's wording when a fixed one is taken. */
export async function allocatePorts(containerId: string, wanted: WantedPort[], taken: PortRecord[], isFree: PortProbe = bindable): Promise<PortRecord[]> {
  const chosen: PortRecord[] = [];
  const used = () => [...taken, ...chosen];
  for (const w of wanted) {
    const candidates: number[] = [];
    if (w.lo === 0) {
      const start = EPHEMERAL_LO + Math.floor(Math.random() * (EPHEMERAL_HI - EPHEMERAL_LO));
      for (let i = 0; i <= EPHEMERAL_HI - EPHEMERAL_LO; i++) candidates.push(EPHEMERAL_LO + ((start - EPHEMERAL_LO + i) % (EPHEMERAL_HI - EPHEMERAL_LO + 1)));
    } else for (let p = w.lo; p <= w.hi; p++) candidates.push(p);
    let got = 0;
    let tries = 0;
    for (const port of candidates) {
      if (tries++ > 200) break;
      const c = { proto: w.proto, hostIp: w.hostIp || '0.0.0.0', hostPort: port };
      if (used().some((u) => clash(u, c))) continue;
      if (!(await isFree(w.proto, w.hostIp, port))) {
        if (w.lo !== 0 && w.lo === w.hi) {
          throw new ConflictError(`driver failed programming external connectivity on endpoint ${containerId.slice(0, 12)}: Error starting userland proxy: listen ${w.proto} ${c.hostIp}:${port}: bind: address already in use`, 'ERR_PORT_IN_USE');
        }
        continue;
      }
      got = port;
      break;
    }
    if (!got) {
      if (w.lo !== 0 && w.lo === w.hi) throw new ConflictError(`Bind for ${w.hostIp || '0.0.0.0'}:${w.lo} failed: port is already allocated`, 'ERR_PORT_IN_USE');
      throw new ConflictError(`no free host port for ${w.containerPort}/${w.proto}${w.lo ? ` in ${w.lo}-${w.hi}` : ''}: all ports are already allocated`, 'ERR_PORT_IN_USE');
    }
    chosen.push({ containerId, proto: w.proto, containerPort: w.containerPort, hostIp: w.hostIp || '0.0.0.0', hostPort: got });
  }
  return chosen;
}

/**
 * The messages between the rootless daemon (in its own network namespace) and the entry process (in the
 * host's), over Node's IPC channel. The daemon asks; the entry binds host sockets as the user and answers,
 * handing a bound socket over with the answer to `publish`.
 */
import { readFileSync } from 'node:fs';
import { BerthError } from '../../common/errors.js';

export type PortProto = 'tcp' | 'udp';

export interface PortRequest {
  berthPort: 'probe' | 'publish';
  id: number;
  proto: PortProto;
  hostIp: string;
  hostPort: number;
}

export interface PortReply {
  berthPort: 'reply';
  id: number;
  ok: boolean;
  /** on failure: the error's code and message, rebuilt as a BerthError on the daemon's side */
  code?: string;
  message?: string;
  /** probe: the port is taken on the host */
  inUse?: boolean;
}

export function isPortRequest(m: unknown): m is PortRequest {
  const r = m as PortRequest;
  return !!r && typeof r === 'object' && (r.berthPort === 'probe' || r.berthPort === 'publish') && typeof r.id === 'number';
}

export function isPortReply(m: unknown): m is PortReply {
  return !!m && typeof m === 'object' && (m as PortReply).berthPort === 'reply';
}

/** A port the user may not bind on the host; the message names the sysctl that allows it. */
export class PortNotPermittedError extends BerthError {
  constructor(message: string) { super(message, { code: 'ERR_ROOTLESS_NET_PORT', status: 403 }); }
}

/** net.ipv4.ip_unprivileged_port_start of the caller's network namespace (1024 when it cannot be read). */
export function unprivilegedPortStart(file = '/proc/sys/net/ipv4/ip_unprivileged_port_start'): number {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) ? n : 1024;
  } catch {
    return 1024;
  }
}

export function portNotPermitted(proto: PortProto, hostIp: string, port: number, start: number, uid: number): PortNotPermittedError {
  return new PortNotPermittedError(`cannot publish ${hostIp || '0.0.0.0'}:${port}/${proto}: rootless mode binds host ports as user ${uid}, and this host lets users bind ports from ${start} up only (net.ipv4.ip_unprivileged_port_start=${start}); allow it with: sysctl -w net.ipv4.ip_unprivileged_port_start=${port}, or publish a port of ${start} or above`);
}

/**
 * `-p` strings and HostConfig.PortBindings: Docker's syntax
 * `[hostIp:][hostPort[-end]:]containerPort[-end][/tcp|udp]`.
 */
import { InvalidArgumentError } from '../common/errors.js';

export interface PortBinding { HostIp: string; HostPort: string }
export type PortBindings = Record<string, PortBinding[]>;

function parseRange(s: string, what: string, spec: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  if (!m) throw new InvalidArgumentError(`invalid ${what} "${s}" in port specification "${spec}"`);
  const lo = Number(m[1]);
  const hi = m[2] !== undefined ? Number(m[2]) : lo;
  if (lo < 1 || hi > 65535 || hi < lo) throw new InvalidArgumentError(`invalid ${what} "${s}" in port specification "${spec}"`);
  return [lo, hi];
}

/** One -p value -> exposed ports and bindings (merged into the maps given). */
export function parsePublish(spec: string, exposed: Record<string, object>, bindings: PortBindings): void {
  let rest = spec;
  let proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) { proto = rest.slice(slash + 1).toLowerCase(); rest = rest.slice(0, slash); }
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new InvalidArgumentError(`invalid proto: ${proto}`);
  if (proto === 'sctp') throw new InvalidArgumentError('publishing sctp ports is not supported');
  let hostIp = '';
  let hostPart = '';
  let ctrPart = rest;
  const v6 = /^\[([0-9a-fA-F:]+)\]:(.*)$/.exec(rest);
  if (v6) { hostIp = v6[1]; rest = v6[2]; }
  const parts = rest.split(':');
  if (v6) {
    if (parts.length !== 2) throw new InvalidArgumentError(`invalid port specification: "${spec}"`);
    [hostPart, ctrPart] = parts;
  } else if (parts.length === 1) ctrPart = parts[0];
  else if (parts.length === 2) [hostPart, ctrPart] = parts;
  else if (parts.length === 3) [hostIp, hostPart, ctrPart] = parts;
  else throw new InvalidArgumentError(`invalid port specification: "${spec}"`);
  if (hostIp && !/^\d+\.\d+\.\d+\.\d+$/.test(hostIp) && !hostIp.includes(':')) throw new InvalidArgumentError(`invalid IP address: ${hostIp}`);
  if (!ctrPart) throw new InvalidArgumentError(`no port specified: ${spec}<empty>`);
  const [clo, chi] = parseRange(ctrPart, 'containerPort', spec);
  let hlo = 0, hhi = 0;
  if (hostPart) [hlo, hhi] = parseRange(hostPart, 'hostPort', spec);
  const n = chi - clo + 1;
  if (hostPart && hhi - hlo + 1 !== n && n !== 1) {
    throw new InvalidArgumentError(`invalid ranges specified for container and host Ports: ${ctrPart} and ${hostPart}`);
  }
  for (let i = 0; i < n; i++) {
    const key = `${clo + i}/${proto}`;
    exposed[key] = {};
    let hostPort = '';
    if (hostPart) hostPort = n === 1 ? (hlo === hhi ? String(hlo) : `${hlo}-${hhi}`) : String(hlo + i);
    (bindings[key] ??= []).push({ HostIp: hostIp, HostPort: hostPort });
  }
}

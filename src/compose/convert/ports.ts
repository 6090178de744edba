/**
 * `ports:` and `expose:` as ExposedPorts and HostConfig.PortBindings, as compose v2 builds them: every
 * published port is exposed too; a port without `published` gets an ephemeral host port (HostPort "");
 * a host range ("8000-8010") stays a range, from which the engine picks one free port.
 */
import type { PortMap } from '../../common/engine-api/types.js';
import type { ServiceConfig } from '../model.js';
import { composeError } from './units.js';

const PORT = /^(\d+)(?:-(\d+))?(?:\/(\w+))?$/;

function checkPort(n: number, what: string): number {
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw composeError(`invalid ${what}: ${n}`);
  return n;
}

export function exposedPorts(service: ServiceConfig): Record<string, Record<string, never>> {
  const out: Record<string, Record<string, never>> = {};
  for (const p of service.ports ?? []) out[`${checkPort(p.target, 'containerPort')}/${p.protocol || 'tcp'}`] = {};
  for (const e of service.expose ?? []) {
    // "3000", "3000/udp", "3000-3005", "3000-3005/tcp"
    const m = PORT.exec(String(e).trim());
    if (!m) throw composeError(`invalid port range in expose: ${JSON.stringify(e)}`);
    const start = checkPort(Number(m[1]), 'port');
    const end = m[2] ? checkPort(Number(m[2]), 'port') : start;
    if (end < start) throw composeError(`invalid port range in expose: ${JSON.stringify(e)}`);
    for (let p = start; p <= end; p++) out[`${p}/${m[3] ?? 'tcp'}`] = {};
  }
  return out;
}

export function portBindings(service: ServiceConfig): PortMap {
  const out: PortMap = {};
  for (const p of service.ports ?? []) {
    const key = `${checkPort(p.target, 'containerPort')}/${p.protocol || 'tcp'}`;
    const published = p.published === undefined || p.published === null ? '' : String(p.published);
    if (published && !/^\d+(-\d+)?$/.test(published)) throw composeError(`invalid published port: ${JSON.stringify(published)}`);
    (out[key] ??= []).push({ HostIp: p.host_ip ?? '', HostPort: published });
  }
  return out;
}

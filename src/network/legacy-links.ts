/**
 * Docker's legacy container links (`--link name[:alias]`): the linking container gets /etc/hosts
 * lines for the linked ones and, on the default bridge, environment variables describing their
 * exposed ports and environment. Pure functions; the network manager supplies the addresses.
 */
import { InvalidArgumentError } from '../common/errors.js';

export interface LinkRef { name: string; alias: string }

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** `name[:alias]` as the CLI and the API take it (`/name:/linker/alias` as Docker reports it is read too). */
export function parseLink(spec: string): LinkRef {
  const i = spec.indexOf(':');
  const name = (i < 0 ? spec : spec.slice(0, i)).replace(/^\//, '');
  // the stored form's alias is the path /linker/alias: its last part is the alias
  const alias = (i < 0 ? name : spec.slice(i + 1)).split('/').pop() ?? '';
  if (!NAME_RE.test(name)) throw new InvalidArgumentError(`invalid link "${spec}": expected <name or id>[:alias]`, 'ERR_LINK');
  if (!NAME_RE.test(alias)) throw new InvalidArgumentError(`invalid link alias in "${spec}"`, 'ERR_LINK');
  return { name, alias };
}

/** How Docker shows a link in HostConfig.Links: `/target:/linker/alias`. */
export function storedLink(targetName: string, linkerName: string, alias: string): string {
  return `/${targetName}:/${linkerName}/${alias}`;
}

export interface LinkTarget {
  /** the linked container's name (no slash) */
  name: string;
  hostname: string;
  ip: string;
  /** ExposedPorts keys: `80/tcp` */
  ports: string[];
  /** its Config.Env */
  env: string[];
}

/** `ip<TAB>alias hostname [name]`: the alias, the container's hostname and its name resolve. */
export function hostsLine(alias: string, t: LinkTarget): string {
  const names = [alias, t.hostname, ...(alias !== t.name ? [t.name] : [])].filter((n, i, a) => n && a.indexOf(n) === i);
  return `${t.ip}\t${names.join(' ')}\n`;
}

function sortedPorts(ports: string[]): Array<{ port: number; proto: string }> {
  return ports.map((k) => { const [p, proto] = k.split('/'); return { port: Number(p), proto: (proto || 'tcp').toLowerCase() }; })
    .filter((p) => Number.isInteger(p.port) && p.port > 0)
    // by number; for the same number tcp first (the default port is the first)
    .sort((a, b) => a.port - b.port || (a.proto === 'tcp' ? -1 : b.proto === 'tcp' ? 1 : a.proto.localeCompare(b.proto)));
}

/**
 * The variables Docker sets for a link on the default bridge: <ALIAS>_PORT (the lowest exposed port),
 * <ALIAS>_PORT_<port>_<PROTO>[_ADDR|_PORT|_PROTO] for each exposed port, <ALIAS>_NAME (/linker/alias)
 * and <ALIAS>_ENV_<var> for the linked container's environment (not HOME or PATH).
 */
export function linkEnv(alias: string, linkerName: string, t: LinkTarget): string[] {
  const a = alias.toUpperCase().replace(/-/g, '_');
  const env: string[] = [];
  const ports = sortedPorts(t.ports);
  if (ports.length) env.push(`${a}_PORT=${ports[0].proto}://${t.ip}:${ports[0].port}`);
  for (const p of ports) {
    const k = `${a}_PORT_${p.port}_${p.proto.toUpperCase()}`;
    env.push(`${k}=${p.proto}://${t.ip}:${p.port}`, `${k}_ADDR=${t.ip}`, `${k}_PORT=${p.port}`, `${k}_PROTO=${p.proto}`);
  }
  env.push(`${a}_NAME=/${linkerName}/${alias}`);
  for (const e of t.env) {
    const i = e.indexOf('=');
    if (i <= 0) continue;
    const key = e.slice(0, i);
    if (key === 'HOME' || key === 'PATH') continue;
    env.push(`${a}_ENV_${key}=${e.slice(i + 1)}`);
  }
  return env;
}

/**
 * Docker's networks on one host: the default `bridge` (berth0), `host`, `none`
 * and user-defined bridges. State (networks, endpoints with their addresses,
 * published ports) is in SQLite; the kernel side (bridges, veths, the nft table,
 * DNS sockets) is derived from it and put right again at every daemon start.
 */
import { existsSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomId } from '../common/digest.js';
import { ConflictError, InvalidArgumentError, NoSuchNetworkError, NotFoundError, NotSupportedError, BerthError, type ErrorCode } from '../common/errors.js';
import { log } from '../common/log.js';
import { parseTimestamp } from '../image/filters.js';
import type { EnginePaths } from '../common/paths.js';
import type { EventLog } from '../events/events.js';
import type { Db } from '../store/db.js';
import { ContainerStore, type ContainerRecord } from '../record/container-store.js';
import { hostsFor, resolvConfFor, etcFilePaths } from '../record/etc-files.js';
import { broadcast, contains, defaultPools, formatIp4, formatSubnet4, isIp4, overlaps, parseIp4, parseSubnet4, type Subnet4 } from './cidr.js';
import { contains6, formatIp6, formatSubnet6, isIp6, overlaps6, parseIp6, parseSubnet6, randomUla64, type Subnet6 } from './cidr6.js';
import { NetworkStore, type EndpointRecord, type NetworkRecord, type PortRecord } from './network-store.js';
import { applyRuleset, renderRuleset } from './firewall.js';
import { addAddresses, attachVeth, createNetnsWithVeths, deleteLink, ensureBridge, linkNames, netnsDir, removeNetns, removeNetnsWithVeths, routedSubnets, setSysctl } from './links.js';
import type { EmbeddedDns } from './dns-server.js';
import { allocatePorts, wantedPorts } from './ports.js';
import { networkView, endpointView } from './network-views.js';
import { hostsLine, linkEnv, parseLink, storedLink, type LinkTarget } from './legacy-links.js';
import { PORT_CHANNEL_ENV, PORT_CHANNEL_IPC } from '../rootless/env-names.js';
import type { RootlessHostPorts } from '../rootless/net/host-ports.js';

const DEFAULT_BRIDGE = 'berth0';
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const VETH_PREFIX = 'vb';

class Forbidden extends BerthError {
  constructor(message: string, code: ErrorCode = 'ERR_FORBIDDEN') { super(message, { code, status: 403 }); }
}

function nowIso(): string { return new Date().toISOString(); }

const ICC = 'com.docker.network.bridge.enable_icc';
/** Docker parses bridge booleans with Go's strconv.ParseBool. */
function parseBool(key: string, v: string): boolean {
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(v)) return false;
  throw new InvalidArgumentError(`invalid value "${v}" for ${key}: expected true or false`);
}
function iccDisabled(n: NetworkRecord): boolean { return n.options[ICC] !== undefined && !parseBool(ICC, n.options[ICC]); }
/** A network's veths share this prefix, so one wildcard rule can isolate them (enable_icc=false). */
function vethPrefix(networkId: string): string { return `${VETH_PREFIX}${networkId.slice(0, 6)}`; }

/** Docker's MAC from the IPv4 address: 02:42:<ip bytes>. */
function macFor(ip: string): string {
  return ['02', '42', ...ip.split('.').map((b) => Number(b).toString(16).padStart(2, '0'))].join(':');
}

/** Where the container views of networks read endpoints, networks and published ports from. */
export interface NetworkViewSource {
  endpointsOf(containerId: string): EndpointRecord[];
  network(networkId: string): NetworkRecord | undefined;
  networks(): NetworkRecord[];
  portsOf(containerId: string): PortRecord[];
}

function groupBy<T>(items: T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) { const k = key(x); const list = out.get(k); if (list) list.push(x); else out.set(k, [x]); }
  return out;
}

export interface AttachResult {
  netnsPath?: string;
  /** legacy links on the default bridge: variables describing the linked containers */
  env?: string[];
}

export class NetworkManager {
  readonly store: NetworkStore;
  private readonly containers: ContainerStore;
  /** the embedded DNS server of user-defined networks, loaded with dns-packet when the first one comes up */
  private dns?: EmbeddedDns;
  private fwChain: Promise<void> = Promise.resolve();
  /**
   * rootless mode: host ports are bound by the entry process, in the host's namespace (null as root).
   * Set by init(), which loads the rootless port code only when the entry offers its port channel.
   */
  private hostPorts: RootlessHostPorts | null = null;

  constructor(db: Db, private readonly paths: EnginePaths, private readonly events: EventLog) {
    this.store = new NetworkStore(db);
    this.containers = new ContainerStore(db);
  }

  private async embeddedDns(): Promise<EmbeddedDns> {
    const { EmbeddedDns } = await import('./dns-server.js');
    this.dns ??= new EmbeddedDns((net, name) => this.lookupName(net, name));
    return this.dns;
  }

  // ---------------------------------------------------------------- start-up

  /** Built-in networks, bridges and DNS listeners; before containers are restored. */
  async init(): Promise<void> {
    if (process.env[PORT_CHANNEL_ENV] === PORT_CHANNEL_IPC) this.hostPorts = (await import('../rootless/net/host-ports.js')).rootlessHostPorts();
    const nets = this.store.networks();
    if (!nets.some((n) => n.name === 'bridge')) {
      const subnet = await this.freeSubnet([]);
      this.store.insertNetwork(this.newRecord({ name: 'bridge', driver: 'bridge', subnet: formatSubnet4(subnet), gateway: formatIp4(subnet.base + 1),
        bridge: DEFAULT_BRIDGE, options: { 'com.docker.network.bridge.default_bridge': 'true', 'com.docker.network.bridge.enable_icc': 'true',
          'com.docker.network.bridge.enable_ip_masquerade': 'true', 'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
          'com.docker.network.bridge.name': DEFAULT_BRIDGE, 'com.docker.network.driver.mtu': '1500' } }));
    }
    if (!nets.some((n) => n.name === 'host')) this.store.insertNetwork(this.newRecord({ name: 'host', driver: 'host' }));
    if (!nets.some((n) => n.name === 'none')) this.store.insertNetwork(this.newRecord({ name: 'none', driver: 'null' }));
    setSysctl('net.ipv4.ip_forward', '1');
    for (const n of this.store.networks()) if (n.driver === 'bridge') await this.bringUp(n);
  }

  /** After containers are restored: drop what belongs to no running container, render the firewall. */
  async reconcile(): Promise<void> {
    const running = new Set(this.containers.all().filter((c) => c.state.Running).map((c) => c.id));
    const keepVeths = new Set<string>();
    for (const ep of this.store.endpoints()) {
      if (!this.containers.get(ep.containerId)) { this.store.deleteEndpoint(ep.containerId, ep.networkId); continue; }
      if (running.has(ep.containerId)) { if (ep.veth) keepVeths.add(ep.veth); continue; }
      if (ep.ip || ep.veth) this.store.putEndpoint({ ...ep, ip: '', ip6: '', mac: '', veth: '' });
    }
    for (const p of this.store.ports()) if (!running.has(p.containerId)) this.store.clearPorts(p.containerId);
    const bridges = new Set(this.store.networks().filter((n) => n.driver === 'bridge').map((n) => n.bridge));
    for (const l of await linkNames()) {
      if (l.startsWith(VETH_PREFIX) && !keepVeths.has(l)) await deleteLink(l).catch(() => undefined);
      if ((l.startsWith('br-') || l === DEFAULT_BRIDGE) && !bridges.has(l)) await deleteLink(l).catch(() => undefined);
    }
    const dir = netnsDir(this.paths.runRoot);
    if (existsSync(dir)) for (const f of readdirSync(dir)) if (!running.has(f)) await removeNetns(join(dir, f)).catch(() => undefined);
    await this.applyFirewall();
    if (this.hostPorts) await this.republish(running);
  }

  /** Rootless: a new daemon (and entry) binds the host ports of the containers that kept running. */
  private async republish(running: Set<string>): Promise<void> {
    for (const id of running) {
      const ports = this.store.ports(id);
      const ip = this.store.endpoints({ containerId: id }).find((e) => e.ip)?.ip;
      if (!ports.length || !ip) continue;
      await this.hostPorts!.publish(id, ports, ip).catch((e) => log.warn('cannot publish the ports of a running container again', { container: id.slice(0, 12), error: (e as Error).message }));
    }
  }

  async close(): Promise<void> { this.dns?.closeAll(); await this.fwChain; }

  private newRecord(p: Partial<NetworkRecord> & Pick<NetworkRecord, 'name' | 'driver'>): NetworkRecord {
    return { id: randomId(), created: nowIso(), subnet: '', gateway: '', ipRange: '', internal: false, ipv6: false, attachable: false,
      labels: {}, options: {}, bridge: '', ...p };
  }

  private async bringUp(n: NetworkRecord): Promise<void> {
    const s = parseSubnet4(n.subnet);
    await ensureBridge(n.bridge, `${n.gateway}/${s.bits}`);
    if (n.subnet6 && n.gateway6) {
      setSysctl('net.ipv6.conf.all.forwarding', '1');
      await addAddresses(n.bridge, [`${n.gateway6}/${parseSubnet6(n.subnet6).bits}`]);
    }
    if (n.options['com.docker.network.driver.mtu'] && n.options['com.docker.network.driver.mtu'] !== '1500') {
      const { runOk } = await import('../common/exec.js');
      await runOk('ip', ['link', 'set', n.bridge, 'mtu', n.options['com.docker.network.driver.mtu']]);
    }
    if (n.name !== 'bridge') await (await this.embeddedDns()).listen(n.id, n.gateway);
  }

  /** The firewall is rendered whole from the database; applies run one after another. */
  applyFirewall(): Promise<void> {
    const next = this.fwChain.then(async () => {
      const nets = this.store.networks().filter((n) => n.driver === 'bridge');
      const masq = (n: NetworkRecord) => n.options['com.docker.network.bridge.enable_ip_masquerade'] !== 'false';
      const ipOf = new Map<string, string>();
      for (const ep of this.store.endpoints()) if (ep.ip && !ipOf.has(ep.containerId)) ipOf.set(ep.containerId, ep.ip);
      const ports = this.store.ports().filter((p) => ipOf.has(p.containerId)).map((p) => ({ ...p, ip: ipOf.get(p.containerId)! }));
      await applyRuleset(renderRuleset(nets.map((n) => ({ bridge: n.bridge, subnet: n.subnet, subnet6: n.subnet6, internal: n.internal || !masq(n),
        isolatedVethPrefix: iccDisabled(n) ? vethPrefix(n.id) : undefined })), ports));
    });
    this.fwChain = next.catch(() => undefined);
    return next;
  }

  // ---------------------------------------------------------------- lookups

  resolve(idOrName: string): NetworkRecord {
    const all = this.store.networks();
    const hit = all.find((n) => n.id === idOrName) ?? all.find((n) => n.name === idOrName);
    if (hit) return hit;
    const byPrefix = idOrName.length > 0 ? all.filter((n) => n.id.startsWith(idOrName)) : [];
    if (byPrefix.length === 1) return byPrefix[0];
    if (byPrefix.length > 1) throw new InvalidArgumentError(`network ${idOrName} is ambiguous (${byPrefix.length} matches found based on ID prefix)`);
    throw new NoSuchNetworkError(idOrName);
  }

  private lookupName(networkId: string, name: string): { a: string[]; aaaa: string[] } {
    const out = { a: [] as string[], aaaa: [] as string[] };
    const net = this.store.network(networkId);
    const short = net && name.endsWith('.' + net.name.toLowerCase()) ? name.slice(0, -(net.name.length + 1)) : name;
    for (const ep of this.store.endpoints({ networkId })) {
      if (!ep.ip) continue;
      const c = this.containers.get(ep.containerId);
      if (!c) continue;
      const names = [c.name, c.id.slice(0, 12), ...ep.aliases, c.config?.Hostname].filter((s): s is string => !!s).map((s) => s.toLowerCase());
      if (!names.includes(short)) continue;
      out.a.push(ep.ip);
      if (ep.ip6) out.aaaa.push(ep.ip6);
    }
    return out;
  }

  private netnsPath(containerId: string): string { return join(netnsDir(this.paths.runRoot), containerId); }

  // ---------------------------------------------------------------- networks

  async create(body: any): Promise<{ Id: string; Warning: string }> {
    const name = String(body?.Name ?? '');
    if (!name) throw new InvalidArgumentError('network name must not be empty');
    if (!NAME_RE.test(name)) throw new InvalidArgumentError(`invalid network name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const driver = body.Driver || 'bridge';
    if (driver !== 'bridge') throw new NotSupportedError(`network driver "${driver}" is not supported; berth supports the bridge driver`, 'ERR_NETWORK_DRIVER');
    if (['bridge', 'host', 'none', 'default'].includes(name)) throw new Forbidden(`operation is not permitted on predefined ${name} network `);
    if (this.store.networks().some((n) => n.name === name)) throw new ConflictError(`network with name ${name} already exists`, 'ERR_NETWORK_EXISTS');
    const allConfigs = (body.IPAM?.Config ?? []) as any[];
    const isV6 = (c: any) => String(c?.Subnet ?? '').includes(':');
    const ipamConfigs = allConfigs.filter((c) => !isV6(c));
    const v6Configs = allConfigs.filter(isV6);
    if (ipamConfigs.length > 1) throw new NotSupportedError('only one IPv4 subnet per network is supported');
    if (v6Configs.length > 1) throw new NotSupportedError('only one IPv6 subnet per network is supported');
    if (v6Configs.length && !body.EnableIPv6) throw new InvalidArgumentError(`IPv6 subnet ${v6Configs[0].Subnet} needs an IPv6 network: create it with --ipv6`);
    const v6 = body.EnableIPv6 ? this.planIpv6(v6Configs[0] ?? {}) : undefined;
    const cfg = ipamConfigs[0] ?? {};
    const others = this.store.networks().filter((n) => n.subnet).map((n) => parseSubnet4(n.subnet));
    let subnet: Subnet4;
    if (cfg.Subnet) {
      subnet = parseSubnet4(cfg.Subnet);
      if (subnet.bits > 30) throw new InvalidArgumentError(`subnet ${cfg.Subnet} is too small`);
      if (others.some((o) => overlaps(o, subnet))) throw new Forbidden(`invalid pool request: Pool overlaps with other one on this address space`, 'ERR_POOL_OVERLAP');
    } else {
      if (cfg.Gateway || cfg.IPRange) throw new InvalidArgumentError('a gateway or an ip range needs a subnet (--subnet)');
      subnet = await this.freeSubnet(others);
    }
    const gateway = cfg.Gateway ? parseIp4(cfg.Gateway) : subnet.base + 1;
    if (!contains(subnet, gateway) || gateway === subnet.base || gateway === broadcast(subnet)) throw new InvalidArgumentError(`gateway ${cfg.Gateway} is not a usable address of subnet ${formatSubnet4(subnet)}`);
    let ipRange = '';
    if (cfg.IPRange) {
      const r = parseSubnet4(cfg.IPRange);
      if (!contains(subnet, r.base) || r.bits < subnet.bits) throw new InvalidArgumentError(`ip range ${cfg.IPRange} is not within subnet ${formatSubnet4(subnet)}`);
      ipRange = formatSubnet4(r);
    }
    const options: Record<string, string> = { ...(body.Options ?? {}) };
    for (const k of [ICC, 'com.docker.network.bridge.enable_ip_masquerade']) if (options[k] !== undefined) parseBool(k, String(options[k]));
    const id = randomId();
    const bridge = options['com.docker.network.bridge.name'] || `br-${id.slice(0, 12)}`;
    if (bridge.length > 15 || !/^[a-zA-Z0-9_.-]+$/.test(bridge)) throw new InvalidArgumentError(`invalid bridge name "${bridge}": at most 15 characters of [a-zA-Z0-9_.-]`);
    if (this.store.networks().some((n) => n.bridge === bridge) || (await linkNames()).includes(bridge)) throw new ConflictError(`bridge name ${bridge} is already in use`, 'ERR_BRIDGE_EXISTS');
    const rec = this.newRecord({ id, name, driver: 'bridge', subnet: formatSubnet4(subnet), gateway: formatIp4(gateway), ipRange,
      internal: !!body.Internal, ipv6: !!v6, ...(v6 ?? {}), attachable: !!body.Attachable, labels: body.Labels ?? {}, options, bridge });
    this.store.insertNetwork(rec);
    try {
      await this.bringUp(rec);
      await this.applyFirewall();
    } catch (e) {
      // nothing half-created: the row, the bridge and the DNS socket go again
      this.dns?.close(rec.id);
      await deleteLink(bridge).catch(() => undefined);
      this.store.deleteNetwork(rec.id);
      await this.applyFirewall().catch(() => undefined);
      throw e;
    }
    this.events.emitEvent('network', 'create', id, { name, type: 'bridge' });
    return { Id: id, Warning: '' };
  }

  /** --ipv6: the given subnet (or a random unique local /64) and its gateway, clear of other networks'. */
  private planIpv6(cfg: any): { subnet6: string; gateway6: string } {
    if (cfg.IPRange) throw new NotSupportedError('an IPv6 --ip-range is not supported; give the IPv6 subnet only');
    const others = this.store.networks().filter((n) => n.subnet6).map((n) => parseSubnet6(n.subnet6!));
    let subnet: Subnet6;
    if (cfg.Subnet) {
      subnet = parseSubnet6(cfg.Subnet);
      if (subnet.bits > 120) throw new InvalidArgumentError(`subnet ${cfg.Subnet} is too small`);
      if (others.some((o) => overlaps6(o, subnet))) throw new Forbidden(`invalid pool request: Pool overlaps with other one on this address space`, 'ERR_POOL_OVERLAP');
    } else {
      if (cfg.Gateway) throw new InvalidArgumentError('an IPv6 gateway needs an IPv6 subnet (--subnet)');
      subnet = randomUla64();
    }
    const gw = cfg.Gateway ? parseIp6(cfg.Gateway) : subnet.base + 1n;
    if (!contains6(subnet, gw) || gw === subnet.base) throw new InvalidArgumentError(`gateway ${cfg.Gateway} is not a usable address of subnet ${formatSubnet6(subnet)}`);
    return { subnet6: formatSubnet6(subnet), gateway6: formatIp6(gw) };
  }

  private async freeSubnet(taken: Subnet4[]): Promise<Subnet4> {
    const routed = (await routedSubnets()).map(parseSubnet4);
    for (const p of defaultPools()) if (![...taken, ...routed].some((t) => overlaps(t, p))) return p;
    throw new ConflictError('could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network', 'ERR_NO_POOL');
  }

  list(filters: Record<string, string[]> = {}): any[] {
    const nets = this.store.networks().filter((n) => {
      const f = (k: string, ok: (v: string) => boolean) => !filters[k]?.length || filters[k].some(ok);
      const builtin = ['bridge', 'host', 'none'].includes(n.name);
      return f('name', (v) => n.name.includes(v)) && f('id', (v) => n.id.startsWith(v)) && f('driver', (v) => v === n.driver)
        && f('type', (v) => (v === 'builtin') === builtin) && f('scope', (v) => v === 'local')
        && f('label', (v) => { const i = v.indexOf('='); return i < 0 ? v in n.labels : n.labels[v.slice(0, i)] === v.slice(i + 1); })
        && f('dangling', (v) => (v === 'true' || v === '1') === (!builtin && this.store.endpoints({ networkId: n.id }).length === 0));
    });
    return nets.sort((a, b) => a.created.localeCompare(b.created)).map((n) => this.view(n, false));
  }

  inspect(idOrName: string): any { return this.view(this.resolve(idOrName), true); }

  private view(n: NetworkRecord, withContainers: boolean): any {
    const eps = withContainers ? this.store.endpoints({ networkId: n.id }).filter((e) => e.ip) : [];
    return networkView(n, eps.map((e) => ({ ep: e, name: this.containers.get(e.containerId)?.name ?? '' })));
  }

  async remove(idOrName: string): Promise<void> {
    const n = this.resolve(idOrName);
    if (['bridge', 'host', 'none'].includes(n.name)) throw new Forbidden(`${n.name} is a pre-defined network and cannot be removed`);
    const active = this.store.endpoints({ networkId: n.id }).filter((e) => this.containers.get(e.containerId)?.state.Running);
    if (active.length) {
      throw new Forbidden(`error while removing network: network ${n.name} id ${n.id} has active endpoints (${active.map((e) => this.containers.get(e.containerId)?.name).join(', ')})`, 'ERR_NETWORK_IN_USE');
    }
    this.store.deleteNetwork(n.id);
    this.dns?.close(n.id);
    await deleteLink(n.bridge);
    await this.applyFirewall();
    this.events.emitEvent('network', 'destroy', n.id, { name: n.name, type: n.driver });
  }

  async prune(filters: Record<string, string[]> = {}): Promise<{ NetworksDeleted: string[] }> {
    const deleted: string[] = [];
    // a Go duration before now or a timestamp, as the other prunes read it (Date.parse alone took `24h` as NaN and pruned all)
    const until = filters.until?.length ? parseTimestamp(filters.until[0]!) : Infinity;
    for (const n of this.store.networks()) {
      if (['bridge', 'host', 'none'].includes(n.name)) continue;
      if (this.store.endpoints({ networkId: n.id }).length) continue;
      const labels = filters.label ?? [];
      if (!labels.every((v) => { const i = v.indexOf('='); return i < 0 ? v in n.labels : n.labels[v.slice(0, i)] === v.slice(i + 1); })) continue;
      if (Date.parse(n.created) > until) continue;
      await this.remove(n.id);
      deleted.push(n.name);
    }
    // dockerd's prune event: no Actor ID, nothing reclaimed in bytes
    this.events.emitEvent('network', 'prune', '', { reclaimed: '0' });
    return { NetworksDeleted: deleted };
  }

  // ---------------------------------------------------------------- containers

  /**
   * At container create: the network mode as Docker records it (default ->
   * bridge) and the endpoints the container will have. Throws before anything
   * is stored when a network is missing or a setting does not fit it.
   */
  planForCreate(hostConfig: any, networkingConfig: any): { mode: string; endpoints: EndpointRecord[] } {
    let mode: string = hostConfig.NetworkMode || 'default';
    if (mode === 'default') mode = 'bridge';
    // the docker CLI names the default network "default" in EndpointsConfig too
    const epCfgs: Record<string, any> = {};
    for (const [k, v] of Object.entries(networkingConfig?.EndpointsConfig ?? {})) epCfgs[k === 'default' ? 'bridge' : k] = v;
    if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) {
      if (Object.keys(epCfgs).some((k) => k !== mode)) throw new InvalidArgumentError(`conflicting options: cannot attach both user-defined and non-user-defined network-modes`);
      if (hostConfig.PortBindings && Object.keys(hostConfig.PortBindings).length && mode !== 'none') {
        // Docker ignores published ports in host mode and refuses them when sharing another container's namespace
        if (mode.startsWith('container:')) throw new InvalidArgumentError('conflicting options: port publishing and the container type network mode');
      }
      return { mode, endpoints: [] };
    }
    const wanted: Array<[NetworkRecord, any]> = [[this.resolve(mode), epCfgs[mode] ?? {}]];
    for (const [k, v] of Object.entries(epCfgs)) {
      if (k === mode) continue;
      const n = this.resolve(k);
      if (n.id === wanted[0][0].id) { wanted[0][1] = v ?? {}; continue; }
      wanted.push([n, v ?? {}]);
    }
    const endpoints = wanted.map(([n, cfg], i) => this.endpointFor('', n, cfg, i));
    return { mode: wanted[0][0].name, endpoints };
  }

  private endpointFor(containerId: string, n: NetworkRecord, cfg: any, seq: number): EndpointRecord {
    if (n.driver !== 'bridge') throw new InvalidArgumentError(`container cannot be connected to network ${n.name} together with other networks`);
    const user = n.name !== 'bridge';
    const staticIp = cfg?.IPAMConfig?.IPv4Address ?? '';
    const aliases: string[] = (cfg?.Aliases ?? []).filter((a: string) => a);
    if (staticIp) {
      if (!user) throw new InvalidArgumentError('user specified IP address is supported on user defined networks only');
      if (!isIp4(staticIp) || !contains(parseSubnet4(n.subnet), parseIp4(staticIp))) throw new InvalidArgumentError(`no configured subnet or ip-range contain the IP address ${staticIp}`);
      if (staticIp === n.gateway) throw new InvalidArgumentError(`address ${staticIp} is the network's gateway`);
    }
    const staticIp6 = cfg?.IPAMConfig?.IPv6Address ?? '';
    if (staticIp6) {
      if (!n.subnet6) throw new InvalidArgumentError(`network ${n.name} has no IPv6 subnet for the address ${staticIp6} (create it with --ipv6)`);
      if (!isIp6(staticIp6) || !contains6(parseSubnet6(n.subnet6), parseIp6(staticIp6))) throw new InvalidArgumentError(`no configured subnet or ip-range contain the IP address ${staticIp6}`);
      if (parseIp6(staticIp6) === parseIp6(n.gateway6!)) throw new InvalidArgumentError(`address ${staticIp6} is the network's gateway`);
    }
    if (aliases.length && !user) throw new InvalidArgumentError('network-scoped alias is supported only for containers in user defined networks');
    return { containerId, networkId: n.id, endpointId: '', aliases, staticIp, ip: '', ...(staticIp6 ? { staticIp6: formatIp6(parseIp6(staticIp6)) } : {}), mac: cfg?.MacAddress ?? '', veth: '', seq, ifname: '' };
  }

  /**
   * `--link name[:alias]` at create: the targets must exist and the container must be on a bridge.
   * Returns HostConfig.Links as Docker shows them (`/target:/linker/alias`).
   */
  planLinks(links: unknown, mode: string, linkerName: string): string[] | null {
    if (!Array.isArray(links) || links.length === 0) return null;
    if (mode === 'host') throw new InvalidArgumentError('conflicting options: host type networking can\'t be used with links. This would result in undefined behavior', 'ERR_LINK');
    if (mode.startsWith('container:')) throw new InvalidArgumentError('conflicting options: container type network can\'t be used with links. This would result in undefined behavior', 'ERR_LINK');
    if (mode === 'none') throw new InvalidArgumentError('links need a bridge network; the container has --network none', 'ERR_LINK');
    const out: string[] = [];
    const aliases = new Set<string>();
    for (const l of links) {
      const { name, alias } = parseLink(String(l));
      const target = this.containers.tryResolve(name);
      if (!target) throw new NotFoundError(`could not get container for ${name}: No such container: ${name}`, 'ERR_LINK_TARGET');
      if (target.name === linkerName) throw new InvalidArgumentError(`a container cannot link to itself: ${name}`, 'ERR_LINK');
      if (aliases.has(alias)) throw new ConflictError(`conflicting link alias "${alias}"`, 'ERR_LINK');
      aliases.add(alias);
      out.push(storedLink(target.name, linkerName, alias));
    }
    return out;
  }

  /** The running targets of a container's links, with their address on a network it shares with them. */
  private linkTargets(rec: ContainerRecord): Array<{ alias: string; target: LinkTarget }> {
    const links = (rec.hostConfig?.Links ?? []) as string[];
    if (!links.length) return [];
    const mine = new Set(this.store.endpoints({ containerId: rec.id }).map((e) => e.networkId));
    return links.map((l) => this.linkTarget(rec, l, mine));
  }

  private linkTarget(rec: ContainerRecord, link: string, mine: Set<string>): { alias: string; target: LinkTarget } {
    const { name, alias } = parseLink(link);
    const t = this.containers.tryResolve(name);
    if (!t || !t.state.Running) throw new ConflictError(`Cannot link to a non running container: /${name} AS /${rec.name}/${alias}`, 'ERR_LINK_NOT_RUNNING');
    const ep = this.store.endpoints({ containerId: t.id }).find((e) => e.ip && mine.has(e.networkId));
    if (!ep) throw new InvalidArgumentError(`Cannot link to /${t.name}, as it does not belong to the default network`, 'ERR_LINK_NETWORK');
    return { alias, target: { name: t.name, hostname: t.config?.Hostname ?? '', ip: ep.ip, ports: Object.keys(t.config?.ExposedPorts ?? {}), env: t.config?.Env ?? [] } };
  }

  /** Link variables as of now (for exec): links whose target is gone are left out, as they cannot be described. */
  linkEnvFor(rec: ContainerRecord): string[] {
    const links = (rec.hostConfig?.Links ?? []) as string[];
    if (!links.length) return []; // exec is a hot path: no store lookups for the usual container without links
    const bridge = this.store.networks().find((n) => n.name === 'bridge');
    const mine = new Set(this.store.endpoints({ containerId: rec.id }).map((e) => e.networkId));
    if (!bridge || !mine.has(bridge.id)) return [];
    const out: string[] = [];
    for (const l of links) {
      try {
        const { alias, target } = this.linkTarget(rec, l, mine);
        out.push(...linkEnv(alias, rec.name, target));
      } catch { /* target not running */ }
    }
    return out;
  }

  /** Store the endpoints planned at create. */
  commitCreate(containerId: string, endpoints: EndpointRecord[]): void { for (const e of endpoints) this.store.putEndpoint({ ...e, containerId }); }

  private allocateIp(n: NetworkRecord, ep: EndpointRecord): string {
    const others = this.store.addresses(n.id).filter((e) => e.containerId !== ep.containerId);
    const used = new Set(others.map((e) => e.ip).filter(Boolean));
    if (ep.staticIp) {
      if (used.has(ep.staticIp)) throw new ConflictError(`Address already in use: ${ep.staticIp}`, 'ERR_IP_IN_USE');
      return ep.staticIp;
    }
    used.add(n.gateway);
    // another container's --ip stays its own while that container is stopped
    for (const e of others) if (e.staticIp) used.add(e.staticIp);
    const subnet = parseSubnet4(n.subnet);
    const range = n.ipRange ? parseSubnet4(n.ipRange) : subnet;
    const last = Math.min(broadcast(range), broadcast(subnet) - 1);
    for (let ip = Math.max(range.base, subnet.base + 1); ip <= last; ip++) {
      const s = formatIp4(ip);
      if (!used.has(s)) return s;
    }
    throw new ConflictError(`no available IPv4 addresses on network ${n.name}`, 'ERR_NO_ADDRESS');
  }

  private allocateIp6(n: NetworkRecord, ep: EndpointRecord): string {
    const others = this.store.addresses(n.id).filter((e) => e.containerId !== ep.containerId);
    const used = new Set([...others.map((e) => e.ip6), ...others.map((e) => e.staticIp6), n.gateway6].filter(Boolean));
    if (ep.staticIp6) {
      if (others.some((e) => e.ip6 === ep.staticIp6)) throw new ConflictError(`Address already in use: ${ep.staticIp6}`, 'ERR_IP_IN_USE');
      return ep.staticIp6;
    }
    const subnet = parseSubnet6(n.subnet6!);
    // sequential from ::1 on, bounded: a /64 never runs out, a small subnet can
    const room = subnet.bits >= 112 ? Number((1n << BigInt(128 - subnet.bits)) - 1n) : 65_536;
    for (let i = 1; i < room; i++) {
      const s = formatIp6(subnet.base + BigInt(i));
      if (!used.has(s)) return s;
    }
    throw new ConflictError(`no available IPv6 addresses on network ${n.name}`, 'ERR_NO_ADDRESS');
  }

  /** Assign addresses synchronously (no two starts can pick the same one), then plug the veths in. */
  private reserve(rec: ContainerRecord, ep: EndpointRecord, ifname: string, macOverride?: string): EndpointRecord {
    const n = this.store.network(ep.networkId);
    if (!n) throw new NoSuchNetworkError(ep.networkId);
    const ip = this.allocateIp(n, ep);
    const ip6 = n.subnet6 ? this.allocateIp6(n, ep) : '';
    const veth = `${vethPrefix(n.id)}${rec.id.slice(0, 7)}`;
    const out = { ...ep, ip, ip6, mac: macOverride || ep.mac || macFor(ip), veth, ifname, endpointId: randomId() };
    this.store.putEndpoint(out);
    return out;
  }

  /**
   * At container start: its own network namespace (bind-mounted under the run
   * root), a veth per network, published ports, /etc/hosts and resolv.conf.
   */
  async attach(rec: ContainerRecord, pidOf: (ref: string) => number): Promise<AttachResult> {
    const mode: string = rec.hostConfig.NetworkMode ?? 'none';
    const dir = join(this.paths.containers, rec.id);
    if (mode.startsWith('container:')) {
      const other = this.containers.resolve(mode.slice(10));
      const pid = pidOf(other.id);
      const path = existsSync(this.netnsPath(other.id)) ? this.netnsPath(other.id) : `/proc/${pid}/ns/net`;
      // Docker shares hostname, hosts and resolv.conf with the namespace's owner
      const mine = etcFilePaths(dir);
      const theirs = etcFilePaths(join(this.paths.containers, other.id));
      for (const k of ['hosts', 'resolvConf'] as const) { try { writeFileSync(mine[k], readFileSync(theirs[k])); } catch { /* theirs absent */ } }
      return { netnsPath: path };
    }
    const eps = this.store.endpoints({ containerId: rec.id });
    if (mode === 'host' || mode === 'none' || eps.length === 0) return {};
    // checked before anything is reserved: a link to a stopped container fails the start cleanly
    const links = this.linkTargets(rec);
    const path = this.netnsPath(rec.id);
    await removeNetns(path);
    const reserved = eps.map((ep, i) => this.reserve(rec, ep, `eth${i}`, i === 0 ? rec.config.MacAddress : undefined));
    try {
      const probe = this.hostPorts ? this.hostPorts.probe.bind(this.hostPorts) : undefined;
      const ports = await allocatePorts(rec.id, wantedPorts(rec.hostConfig, rec.config.ExposedPorts ?? undefined), this.store.ports().filter((p) => p.containerId !== rec.id), probe);
      this.store.setPorts(rec.id, ports);
      const nets = reserved.map((ep) => this.store.network(ep.networkId)!);
      const routeVia = nets.find((n) => !n.internal);
      await createNetnsWithVeths(path, reserved.map((ep, i) => ({
        veth: ep.veth, ifname: ep.ifname, bridge: nets[i].bridge, ipCidr: `${ep.ip}/${parseSubnet4(nets[i].subnet).bits}`, mac: ep.mac,
        gateway: nets[i] === routeVia ? nets[i].gateway : undefined, ...this.v6Plan(nets[i], ep, nets[i] === routeVia),
      })));
      if (ports.length) await this.applyFirewall();
      if (ports.length && this.hostPorts) await this.hostPorts.publish(rec.id, ports, reserved[0].ip);
      this.writeEtc(rec, dir, reserved, nets, links);
      // Docker sets link variables on the default bridge only (elsewhere a link is a name)
      const env = nets.some((n) => n.name === 'bridge') ? links.flatMap(({ alias, target }) => linkEnv(alias, rec.name, target)) : [];
      // dockerd connects a starting container to each of its networks, with an event each
      for (const n of nets) this.events.emitEvent('network', 'connect', n.id, { container: rec.id, name: n.name, type: n.driver });
      return { netnsPath: path, ...(env.length ? { env } : {}) };
    } catch (e) {
      await this.detach(rec).catch(() => undefined);
      throw e;
    }
  }

  private v6Plan(n: NetworkRecord, ep: EndpointRecord, defaultRoute: boolean): { ip6Cidr?: string; gateway6?: string } {
    if (!ep.ip6 || !n.subnet6) return {};
    return { ip6Cidr: `${ep.ip6}/${parseSubnet6(n.subnet6).bits}`, gateway6: defaultRoute ? n.gateway6 : undefined };
  }

  private writeEtc(rec: ContainerRecord, dir: string, eps: EndpointRecord[], nets: NetworkRecord[], links: Array<{ alias: string; target: LinkTarget }>): void {
    const hc = rec.hostConfig;
    const defaultBridge = this.store.networks().find((n) => n.name === 'bridge');
    const extra = ((hc.ExtraHosts ?? []) as string[]).map((h) => h.replace(/[:=]host-gateway$/, `:${defaultBridge?.gateway ?? nets[0].gateway}`));
    const p = etcFilePaths(dir);
    let hosts = hostsFor('bridge', { ...hc, ExtraHosts: extra });
    const names = [rec.config.Hostname, ...(rec.config.Domainname ? [`${rec.config.Hostname}.${rec.config.Domainname}`] : [])];
    hosts += `${eps[0].ip}\t${names.join(' ')}\n`;
    if (eps[0].ip6) hosts += `${eps[0].ip6}\t${names.join(' ')}\n`;
    for (const l of links) hosts += hostsLine(l.alias, l.target);
    writeFileSync(p.hosts, hosts);
    const userNet = nets.find((n) => n.name !== 'bridge');
    // user-defined networks: the embedded DNS on the gateway answers names and forwards the rest
    const resolv = userNet && !hc.Dns?.length ? resolvConfFor('bridge', { ...hc, Dns: [userNet.gateway] }) : resolvConfFor('bridge', hc);
    writeFileSync(p.resolvConf, resolv);
  }

  /** At container stop: veths, addresses, ports and the namespace go; the endpoints stay for the next start. */
  async detach(rec: ContainerRecord): Promise<void> {
    const eps = this.store.endpoints({ containerId: rec.id });
    const hadPorts = this.store.ports(rec.id).length > 0;
    const veths = eps.map((ep) => ep.veth).filter(Boolean);
    if (this.netnsSharedByRunning(rec.id)) {
      // another container lives in this namespace: its veths must go now, not when the last user leaves
      for (const v of veths) await deleteLink(v).catch((e) => log.warn('veth delete failed', { veth: v, error: (e as Error).message }));
      await removeNetns(this.netnsPath(rec.id));
    } else {
      await removeNetnsWithVeths(this.netnsPath(rec.id), veths).catch((e) => log.warn('veth delete failed', { veths, error: (e as Error).message }));
    }
    for (const ep of eps) {
      const n = ep.veth ? this.store.network(ep.networkId) : undefined;
      if (n) this.events.emitEvent('network', 'disconnect', n.id, { container: rec.id, name: n.name, type: n.driver });
      if (ep.ip || ep.veth) this.store.putEndpoint({ ...ep, ip: '', ip6: '', veth: '', endpointId: '', mac: ep.staticIp || !ep.mac?.startsWith('02:42:') ? ep.mac : '' });
    }
    this.hostPorts?.unpublish(rec.id);
    this.store.clearPorts(rec.id);
    if (hadPorts) await this.applyFirewall();
  }

  /** Does a running container use this one's namespace (`--network container:<it>`)? */
  private netnsSharedByRunning(containerId: string): boolean {
    return this.containers.sharingNetns().some((c) => {
      const mode: string = c.hostConfig?.NetworkMode ?? '';
      if (c.id === containerId || !c.state.Running) return false;
      try { return this.containers.resolve(mode.slice(10)).id === containerId; } catch { return false; }
    });
  }

  /** At container removal. */
  forget(containerId: string): void { this.store.deleteEndpointsOf(containerId); }

  async connect(netRef: string, containerRef: string, cfg: any = {}): Promise<void> {
    const n = this.resolve(netRef);
    const rec = this.containers.resolve(containerRef);
    const mode: string = rec.hostConfig.NetworkMode ?? '';
    if (n.driver !== 'bridge') throw new Forbidden(`container cannot be disconnected from host network or connected to host network`);
    if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) throw new Forbidden(`container sharing network namespace with another container or host cannot be connected to any other network`);
    const eps = this.store.endpoints({ containerId: rec.id });
    if (eps.some((e) => e.networkId === n.id)) throw new Forbidden(`endpoint with name ${rec.name} already exists in network ${n.name}`, 'ERR_ALREADY_CONNECTED');
    const seq = eps.reduce((m, e) => Math.max(m, e.seq + 1), 0);
    const ep = this.endpointFor(rec.id, n, cfg, seq);
    if (rec.state.Running && existsSync(this.netnsPath(rec.id))) {
      const used = new Set(eps.map((e) => e.ifname));
      let i = 0;
      while (used.has(`eth${i}`)) i++;
      const r = this.reserve(rec, ep, `eth${i}`);
      try {
        await attachVeth(this.netnsPath(rec.id), { veth: r.veth, ifname: r.ifname, bridge: n.bridge, ipCidr: `${r.ip}/${parseSubnet4(n.subnet).bits}`, mac: r.mac, ...this.v6Plan(n, r, false) });
      } catch (e) { this.store.deleteEndpoint(rec.id, n.id); throw e; }
    } else if (rec.state.Running) {
      throw new Forbidden(`container ${rec.name} has no network namespace of its own to connect`);
    } else this.store.putEndpoint(ep);
    // as dockerd: a stopped container's connect changes its configuration only, without an event
    if (rec.state.Running) this.events.emitEvent('network', 'connect', n.id, { container: rec.id, name: n.name, type: n.driver });
  }

  async disconnect(netRef: string, containerRef: string, force = false): Promise<void> {
    const n = this.resolve(netRef);
    const rec = this.containers.resolve(containerRef);
    const ep = this.store.endpoints({ containerId: rec.id }).find((e) => e.networkId === n.id);
    if (!ep) {
      if (force) return;
      throw new Forbidden(`container ${rec.id} is not connected to network ${n.name}`, 'ERR_NOT_CONNECTED');
    }
    if (ep.veth) await deleteLink(ep.veth);
    this.store.deleteEndpoint(rec.id, n.id);
    if (ep.veth) this.events.emitEvent('network', 'disconnect', n.id, { container: rec.id, name: n.name, type: n.driver });
  }

  // ---------------------------------------------------------------- container views

  /**
   * What the container views read: the store row by row for one container (inspect), or every
   * endpoint, network and port read once for a whole list (ps of 1,000 containers made ~7,000
   * queries before). Both answer the same, so a list shows what inspect shows.
   */
  private storeViewSource(): NetworkViewSource {
    return {
      endpointsOf: (id) => this.store.endpoints({ containerId: id }),
      network: (id) => this.store.network(id),
      networks: () => this.store.networks(),
      portsOf: (id) => this.store.ports(id),
    };
  }

  /** One read of the endpoints, networks and ports for the views of many containers (ps). */
  listViewSource(): NetworkViewSource {
    const endpoints = groupBy(this.store.endpoints(), (e) => e.containerId);
    const ports = groupBy(this.store.ports(), (p) => p.containerId);
    const networks = this.store.networks();
    const byId = new Map(networks.map((n) => [n.id, n]));
    // the views only read these records (endpoint aliases end up in one container's view only)
    return {
      endpointsOf: (id) => endpoints.get(id) ?? [],
      network: (id) => byId.get(id),
      networks: () => networks,
      portsOf: (id) => ports.get(id) ?? [],
    };
  }

  /** NetworkSettings of container inspect. */
  containerSettings(rec: ContainerRecord, src: NetworkViewSource = this.storeViewSource()): any {
    const mode: string = rec.hostConfig?.NetworkMode ?? 'none';
    const eps = src.endpointsOf(rec.id);
    const networks: Record<string, any> = {};
    for (const ep of eps) {
      const n = src.network(ep.networkId);
      if (n) networks[n.name] = endpointView(n, ep, n.name === 'bridge' ? [] : [rec.name, rec.id.slice(0, 12), ...ep.aliases]);
    }
    if (!eps.length && !mode.startsWith('container:')) {
      const n = src.networks().find((x) => x.name === mode);
      if (n) networks[mode] = endpointView(n, null, []);
    }
    const running = rec.state.Running;
    const ports: Record<string, any> = {};
    if (running && eps.length) {
      for (const k of Object.keys(rec.config.ExposedPorts ?? {})) ports[k] = null;
      for (const p of src.portsOf(rec.id)) (ports[`${p.containerPort}/${p.proto}`] ??= []).push({ HostIp: p.hostIp, HostPort: String(p.hostPort) });
    }
    const firstNet = eps[0] ? src.network(eps[0].networkId) : undefined;
    const first = eps[0] && networks[firstNet?.name ?? ''];
    const onDefault = first && firstNet?.name === 'bridge';
    return {
      Bridge: '', SandboxID: running ? rec.id.slice(0, 64) : '', SandboxKey: running && eps.length ? this.netnsPath(rec.id) : (running && rec.state.Pid ? `/proc/${rec.state.Pid}/ns/net` : ''),
      HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
      Ports: ports, SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
      EndpointID: onDefault ? first.EndpointID : '', Gateway: onDefault ? first.Gateway : '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
      IPAddress: onDefault ? first.IPAddress : '', IPPrefixLen: onDefault ? first.IPPrefixLen : 0, IPv6Gateway: '', MacAddress: onDefault ? first.MacAddress : '',
      Networks: networks,
    };
  }

  /** Ports of `docker ps` / ContainerSummary. */
  summaryPorts(rec: ContainerRecord, src: NetworkViewSource = this.storeViewSource()): any[] {
    const out: any[] = [];
    const published = rec.state.Running ? src.portsOf(rec.id) : [];
    for (const p of published) out.push({ IP: p.hostIp, PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.proto });
    for (const k of Object.keys(rec.config?.ExposedPorts ?? {})) {
      const [port, proto] = k.split('/');
      if (!published.some((p) => p.containerPort === Number(port) && p.proto === proto)) out.push({ PrivatePort: Number(port), Type: proto });
    }
    return out;
  }
}

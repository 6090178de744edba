import type { Db } from '../store/db.js';
import { ensureSchema, sharedPerDb, tx } from '../store/db.js';

/** One network (built-in bridge/host/none or user-defined bridge). */
export interface NetworkRecord {
  id: string;
  name: string;
  driver: 'bridge' | 'host' | 'null';
  created: string;
  /** IPv4 subnet/gateway/ip-range; empty for host and none */
  subnet: string;
  gateway: string;
  ipRange: string;
  internal: boolean;
  ipv6: boolean;
  /** IPv6 subnet and gateway of an --ipv6 network (absent on older records) */
  subnet6?: string;
  gateway6?: string;
  attachable: boolean;
  labels: Record<string, string>;
  options: Record<string, string>;
  /** the Linux bridge's name (berth0 for the default network) */
  bridge: string;
}

/** A container's membership in a network; ip/mac/veth are set while the container runs. */
export interface EndpointRecord {
  containerId: string;
  networkId: string;
  endpointId: string;
  aliases: string[];
  /** --ip / IPAMConfig.IPv4Address: the address asked for */
  staticIp: string;
  ip: string;
  /** --ip6 and the IPv6 address in force (IPv6 networks only) */
  staticIp6?: string;
  ip6?: string;
  mac: string;
  /** host side of the veth pair, and the interface's name inside (eth0, eth1...) */
  veth: string;
  ifname: string;
  /** the order the container joined its networks (the first one gives the default route) */
  seq: number;
}

/** The address fields of an endpoint (null where the record has none). */
export interface EndpointAddresses { containerId: string; ip: string | null; staticIp: string | null; ip6: string | null; staticIp6: string | null }

/** A published port as it is in force while the container runs. */
export interface PortRecord { containerId: string; proto: 'tcp' | 'udp'; containerPort: number; hostIp: string; hostPort: number }

const SCHEMA = `
CREATE TABLE IF NOT EXISTS networks (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS net_endpoints (
  container_id TEXT NOT NULL,
  network_id TEXT NOT NULL REFERENCES networks(id),
  body TEXT NOT NULL,
  PRIMARY KEY (container_id, network_id)
);
CREATE TABLE IF NOT EXISTS net_ports (
  container_id TEXT NOT NULL,
  proto TEXT NOT NULL,
  container_port INTEGER NOT NULL,
  host_ip TEXT NOT NULL,
  host_port INTEGER NOT NULL,
  PRIMARY KEY (host_ip, host_port, proto)
);
CREATE INDEX IF NOT EXISTS net_endpoints_network ON net_endpoints(network_id);
CREATE INDEX IF NOT EXISTS net_ports_container ON net_ports(container_id);
`;

export class NetworkStore {
  private readonly addressCache: AddressCache;

  constructor(private readonly db: Db) {
    ensureSchema(db, SCHEMA);
    this.addressCache = addressCacheOf(db);
  }

  networks(): NetworkRecord[] {
    return (this.db.prepare('SELECT body FROM networks').all() as { body: string }[]).map((r) => JSON.parse(r.body));
  }
  network(id: string): NetworkRecord | undefined {
    const r = this.db.prepare('SELECT body FROM networks WHERE id = ?').get(id) as { body: string } | undefined;
    return r ? JSON.parse(r.body) : undefined;
  }
  insertNetwork(n: NetworkRecord): void {
    this.db.prepare('INSERT INTO networks (id, name, body) VALUES (?, ?, ?)').run(n.id, n.name, JSON.stringify(n));
  }
  deleteNetwork(id: string): void {
    tx(this.db, () => {
      this.db.prepare('DELETE FROM net_endpoints WHERE network_id = ?').run(id);
      this.db.prepare('DELETE FROM networks WHERE id = ?').run(id);
      this.addressCache.dropNetwork(id);
    });
  }

  endpoints(filter: { containerId?: string; networkId?: string } = {}): EndpointRecord[] {
    let rows: { body: string }[];
    if (filter.containerId) rows = this.db.prepare('SELECT body FROM net_endpoints WHERE container_id = ?').all(filter.containerId) as any;
    else if (filter.networkId) rows = this.db.prepare('SELECT body FROM net_endpoints WHERE network_id = ?').all(filter.networkId) as any;
    else rows = this.db.prepare('SELECT body FROM net_endpoints').all() as any;
    return rows.map((r) => JSON.parse(r.body) as EndpointRecord).sort((a, b) => a.seq - b.seq);
  }
  /**
   * The addresses of a network's endpoints, for allocation, from memory (shared, frozen): each start
   * read them from SQLite, which extracted four fields from every endpoint's JSON (1,000 endpoints:
   * ~7 ms a start). The first use per network reads them once; every endpoint write below keeps them.
   */
  addresses(networkId: string): readonly EndpointAddresses[] {
    return this.addressCache.of(networkId, () => this.db.prepare(`SELECT container_id AS containerId, json_extract(body, '$.ip') AS ip, json_extract(body, '$.staticIp') AS staticIp,
      json_extract(body, '$.ip6') AS ip6, json_extract(body, '$.staticIp6') AS staticIp6 FROM net_endpoints WHERE network_id = ?`)
      .all(networkId) as unknown as EndpointAddresses[]);
  }
  putEndpoint(e: EndpointRecord): void {
    this.db.prepare('INSERT OR REPLACE INTO net_endpoints (container_id, network_id, body) VALUES (?, ?, ?)').run(e.containerId, e.networkId, JSON.stringify(e));
    this.addressCache.put(e);
  }
  deleteEndpoint(containerId: string, networkId: string): void {
    this.db.prepare('DELETE FROM net_endpoints WHERE container_id = ? AND network_id = ?').run(containerId, networkId);
    this.addressCache.drop(containerId, networkId);
  }
  deleteEndpointsOf(containerId: string): void {
    tx(this.db, () => {
      this.db.prepare('DELETE FROM net_endpoints WHERE container_id = ?').run(containerId);
      this.db.prepare('DELETE FROM net_ports WHERE container_id = ?').run(containerId);
      this.addressCache.drop(containerId);
    });
  }

  ports(containerId?: string): PortRecord[] {
    const rows = (containerId
      ? this.db.prepare('SELECT * FROM net_ports WHERE container_id = ?').all(containerId)
      : this.db.prepare('SELECT * FROM net_ports').all()) as any[];
    return rows.map((r) => ({ containerId: r.container_id, proto: r.proto, containerPort: r.container_port, hostIp: r.host_ip, hostPort: r.host_port }));
  }
  /** All of a container's ports at once, or none (a taken port fails the whole set). */
  setPorts(containerId: string, ports: PortRecord[]): void {
    tx(this.db, () => {
      this.db.prepare('DELETE FROM net_ports WHERE container_id = ?').run(containerId);
      const ins = this.db.prepare('INSERT INTO net_ports (container_id, proto, container_port, host_ip, host_port) VALUES (?, ?, ?, ?, ?)');
      for (const p of ports) ins.run(containerId, p.proto, p.containerPort, p.hostIp, p.hostPort);
    });
  }
  clearPorts(containerId: string): void { this.db.prepare('DELETE FROM net_ports WHERE container_id = ?').run(containerId); }
}

/** An endpoint's address fields as SQLite's json_extract gives them: null where the record has none. */
function addressesOf(e: EndpointRecord): EndpointAddresses {
  const field = (v: string | undefined) => (v === undefined ? null : v);
  return Object.freeze({ containerId: e.containerId, ip: field(e.ip), staticIp: field(e.staticIp), ip6: field(e.ip6), staticIp6: field(e.staticIp6) });
}

/**
 * The address fields of each network's endpoints, per database (all NetworkStores of it share them),
 * loaded per network on first use. Every endpoint write goes through NetworkStore, which keeps them;
 * a rollback of any transaction drops them all, to be read again (as ContainerStore's records).
 */
class AddressCache {
  /** network id -> container id -> addresses */
  private readonly byNetwork = new Map<string, Map<string, EndpointAddresses>>();

  of(networkId: string, read: () => EndpointAddresses[]): readonly EndpointAddresses[] {
    let m = this.byNetwork.get(networkId);
    if (!m) {
      m = new Map();
      for (const a of read()) m.set(a.containerId, Object.freeze({ ...a }));
      this.byNetwork.set(networkId, m);
    }
    return [...m.values()];
  }

  put(e: EndpointRecord): void { this.byNetwork.get(e.networkId)?.set(e.containerId, addressesOf(e)); }

  drop(containerId: string, networkId?: string): void {
    if (networkId !== undefined) { this.byNetwork.get(networkId)?.delete(containerId); return; }
    for (const m of this.byNetwork.values()) m.delete(containerId);
  }

  dropNetwork(networkId: string): void { this.byNetwork.delete(networkId); }

  clear(): void { this.byNetwork.clear(); }
}

const addressCacheOf = sharedPerDb(() => new AddressCache());

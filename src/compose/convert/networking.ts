/**
 * A service's networking as compose v2 sets it at create: NetworkMode and the endpoints of its networks.
 * - network_mode wins (a `service:x` reference is resolved to `container:<id>` by the orchestrator);
 * - a project without networks runs its containers with network "none";
 * - otherwise the highest-priority network (then by name) is the NetworkMode, and every endpoint has the
 *   container's name and the service's name as aliases (so other services reach it by service name);
 * - before API 1.44 the engine takes one endpoint at create: the others are connected afterwards.
 */
import type { EndpointSettings } from '../../common/engine-api/types.js';
import type { Project, ServiceConfig, ServiceNetworkConfig } from '../model.js';
import { composeError } from './units.js';

/** compose-go's NetworksByPriority: highest priority first, then by name. */
export function networksByPriority(service: ServiceConfig): string[] {
  return Object.entries(service.networks ?? {})
    .map(([name, cfg]) => ({ name, priority: cfg?.priority ?? 0 }))
    .sort((a, b) => b.priority - a.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((k) => k.name);
}

export interface NetworkingInput {
  containerName: string;
  /** the service name as an alias (compose up always; compose run only with --use-aliases) */
  useNetworkAliases: boolean;
  links: string[];
  /** the API version is 1.44 or later: all endpoints at create */
  multipleEndpoints: boolean;
}

export interface Networking {
  networkMode: string;
  endpoints: Record<string, EndpointSettings> | undefined;
  connectAfter: Array<{ network: string; endpoint: EndpointSettings }>;
  /** the container-wide MAC address (Config.MacAddress) for engines before API 1.44 */
  legacyMacAddress?: string;
}

const IFNAME_OPT = 'com.docker.network.endpoint.ifname';

function endpoint(service: ServiceConfig, key: string, cfg: ServiceNetworkConfig | null | undefined, input: NetworkingInput, mac: string | undefined): EndpointSettings {
  const e: EndpointSettings = { Aliases: [input.containerName] };
  if (input.useNetworkAliases) e.Aliases!.push(service.name, ...(cfg?.aliases ?? []));
  e.Aliases = [...new Set(e.Aliases)];
  if (input.links.length) e.Links = input.links;
  if (cfg?.ipv4_address || cfg?.ipv6_address || cfg?.link_local_ips?.length) {
    e.IPAMConfig = {
      ...(cfg.ipv4_address ? { IPv4Address: cfg.ipv4_address } : {}),
      ...(cfg.ipv6_address ? { IPv6Address: cfg.ipv6_address } : {}),
      ...(cfg.link_local_ips?.length ? { LinkLocalIPs: cfg.link_local_ips.filter((x) => x) } : {}),
    };
  }
  if (mac) e.MacAddress = mac;
  const extra = (cfg ?? {}) as { interface_name?: string; gw_priority?: number };
  const driverOpts: Record<string, string> = Object.fromEntries(Object.entries(cfg?.driver_opts ?? {}).map(([k, v]) => [k, String(v)]));
  if (extra.interface_name) driverOpts[IFNAME_OPT] = extra.interface_name;
  if (Object.keys(driverOpts).length) e.DriverOpts = driverOpts;
  if (extra.gw_priority) e.GwPriority = extra.gw_priority;
  return e;
}

export function serviceNetworking(project: Project, service: ServiceConfig, input: NetworkingInput): Networking {
  if (service.network_mode) return { networkMode: service.network_mode, endpoints: undefined, connectAfter: [] };
  if (Object.keys(project.networks).length === 0) return { networkMode: 'none', endpoints: undefined, connectAfter: [] };
  const keys = networksByPriority(service);
  if (keys.length === 0) keys.push('default');
  const engineName = (key: string) => {
    const n = project.networks[key];
    if (!n) throw composeError(`service "${service.name}" refers to undefined network ${key}: invalid compose project`, 'ERR_COMPOSE_UNDEFINED');
    return n.name;
  };
  const [primary, ...others] = keys;
  const primaryCfg = service.networks?.[primary];
  // the service-level mac_address belongs to the primary endpoint (compose v2's prepareContainerMACAddress)
  if (service.mac_address && primaryCfg?.mac_address && primaryCfg.mac_address !== service.mac_address) {
    throw composeError(`the service-level mac_address should have the same value as network ${primary}`);
  }
  const mac = primaryCfg?.mac_address || service.mac_address;
  const endpoints: Record<string, EndpointSettings> = {
    [engineName(primary)]: endpoint(service, primary, primaryCfg, input, input.multipleEndpoints ? mac : undefined),
  };
  const connectAfter: Networking['connectAfter'] = [];
  for (const key of others) {
    const e = endpoint(service, key, service.networks?.[key], input, service.networks?.[key]?.mac_address);
    if (input.multipleEndpoints) endpoints[engineName(key)] = e;
    else connectAfter.push({ network: engineName(key), endpoint: e });
  }
  return { networkMode: engineName(primary), endpoints, connectAfter, legacyMacAddress: input.multipleEndpoints ? undefined : mac };
}

/** Docker's NetworkResource and EndpointSettings shapes. */
import { parseSubnet4 } from './cidr.js';
import { parseSubnet6 } from './cidr6.js';
import type { EndpointRecord, NetworkRecord } from './network-store.js';

export function networkView(n: NetworkRecord, members: Array<{ ep: EndpointRecord; name: string }>): any {
  const bits = n.subnet ? parseSubnet4(n.subnet).bits : 0;
  const bits6 = n.subnet6 ? parseSubnet6(n.subnet6).bits : 0;
  const containers: Record<string, any> = {};
  for (const { ep, name } of members) {
    containers[ep.containerId] = { Name: name, EndpointID: ep.endpointId, MacAddress: ep.mac, IPv4Address: `${ep.ip}/${bits}`, IPv6Address: ep.ip6 ? `${ep.ip6}/${bits6}` : '' };
  }
  const config: any[] = n.subnet ? [{ Subnet: n.subnet, Gateway: n.gateway, ...(n.ipRange ? { IPRange: n.ipRange } : {}) }] : [];
  if (n.subnet6) config.push({ Subnet: n.subnet6, Gateway: n.gateway6 });
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv4: true,
    EnableIPv6: n.ipv6,
    IPAM: {
      Driver: 'default',
      Options: n.name === 'bridge' ? null : {},
      Config: config,
    },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: n.options,
    Labels: n.labels,
  };
}

export function endpointView(n: NetworkRecord, ep: EndpointRecord | null, dnsNames: string[]): any {
  const bits = n.subnet ? parseSubnet4(n.subnet).bits : 0;
  const live = !!ep?.ip;
  return {
    IPAMConfig: ep?.staticIp || ep?.staticIp6 ? { ...(ep.staticIp ? { IPv4Address: ep.staticIp } : {}), ...(ep.staticIp6 ? { IPv6Address: ep.staticIp6 } : {}) } : null,
    Links: null,
    Aliases: ep?.aliases.length ? ep.aliases : null,
    MacAddress: live ? ep!.mac : '',
    DriverOpts: null,
    GwPriority: 0,
    NetworkID: n.id,
    EndpointID: live ? ep!.endpointId : '',
    Gateway: live ? n.gateway : '',
    IPAddress: live ? ep!.ip : '',
    IPPrefixLen: live ? bits : 0,
    IPv6Gateway: live && ep!.ip6 ? n.gateway6 : '',
    GlobalIPv6Address: live ? ep!.ip6 ?? '' : '',
    GlobalIPv6PrefixLen: live && ep!.ip6 && n.subnet6 ? parseSubnet6(n.subnet6).bits : 0,
    DNSNames: live && dnsNames.length ? dnsNames : null,
  };
}

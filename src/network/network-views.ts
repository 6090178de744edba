/** Docker's NetworkResource and EndpointSettings shapes. */
import { parseSubnet4 } from './cidr.js';
import type { EndpointRecord, NetworkRecord } from './network-store.js';

export function networkView(n: NetworkRecord, members: Array<{ ep: EndpointRecord; name: string }>): any {
  const bits = n.subnet ? parseSubnet4(n.subnet).bits : 0;
  const containers: Record<string, any> = {};
  for (const { ep, name } of members) {
    containers[ep.containerId] = { Name: name, EndpointID: ep.endpointId, MacAddress: ep.mac, IPv4Address: `${ep.ip}/${bits}`, IPv6Address: '' };
  }
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
      Config: n.subnet ? [{ Subnet: n.subnet, Gateway: n.gateway, ...(n.ipRange ? { IPRange: n.ipRange } : {}) }] : [],
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
    IPAMConfig: ep?.staticIp ? { IPv4Address: ep.staticIp } : null,
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
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: live && dnsNames.length ? dnsNames : null,
  };
}

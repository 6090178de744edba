/**
 * A project's networks and volumes as Engine API create requests, with compose v2's labels
 * (com.docker.compose.network / .volume = the key in the file, .project, .version, .config-hash): the
 * labels are how compose finds them again (down, ls, a later up) whatever their engine names are.
 */
import type { NetworkCreateRequest, VolumeCreateRequest } from '../../common/engine-api/types.js';
import { COMPOSE_VERSION } from '../version.js';
import { LABELS, type Project } from '../model.js';
import { networkConfigHash, volumeConfigHash } from './config-hash.js';
import { composeError } from './units.js';

/** POST /networks/create body for the project's network `key` (the engine name is project.networks[key].name). */
export function networkCreateBody(project: Project, key: string): NetworkCreateRequest {
  const n = project.networks[key];
  if (!n) throw composeError(`network "${key}" is not defined in project "${project.name}"`, 'ERR_COMPOSE_UNDEFINED');
  if (n.external) throw composeError(`network ${n.name} is external: compose does not create it`);
  const body: NetworkCreateRequest = {
    Name: n.name,
    Labels: {
      ...n.labels,
      [LABELS.network]: key,
      [LABELS.project]: project.name,
      [LABELS.version]: COMPOSE_VERSION,
      [LABELS.configHash]: networkConfigHash(n),
    },
  };
  if (n.driver) body.Driver = n.driver;
  if (n.driver_opts && Object.keys(n.driver_opts).length) body.Options = stringMap(n.driver_opts);
  if (n.internal) body.Internal = true;
  if (n.attachable) body.Attachable = true;
  if (n.enable_ipv6 !== undefined) body.EnableIPv6 = n.enable_ipv6;
  const enableIPv4 = (n as { enable_ipv4?: boolean }).enable_ipv4;
  if (enableIPv4 !== undefined) body.EnableIPv4 = enableIPv4;
  // compose sends IPAM only when the file says something about it: the engine's defaults otherwise
  const ipam = n.ipam;
  if (ipam && (ipam.driver || ipam.config?.length || (ipam.options && Object.keys(ipam.options).length))) {
    body.IPAM = {
      ...(ipam.driver ? { Driver: ipam.driver } : {}),
      Config: (ipam.config ?? []).map((c) => ({
        ...(c.subnet ? { Subnet: c.subnet } : {}),
        ...(c.ip_range ? { IPRange: c.ip_range } : {}),
        ...(c.gateway ? { Gateway: c.gateway } : {}),
        ...(c.aux_addresses && Object.keys(c.aux_addresses).length ? { AuxiliaryAddresses: c.aux_addresses } : {}),
      })),
      ...(ipam.options && Object.keys(ipam.options).length ? { Options: ipam.options } : {}),
    };
  }
  return body;
}

/** POST /volumes/create body for the project's volume `key`. */
export function volumeCreateBody(project: Project, key: string): VolumeCreateRequest {
  const v = project.volumes[key];
  if (!v) throw composeError(`volume "${key}" is not defined in project "${project.name}"`, 'ERR_COMPOSE_UNDEFINED');
  if (v.external) throw composeError(`volume ${v.name} is external: compose does not create it`);
  const body: VolumeCreateRequest = {
    Name: v.name,
    Labels: {
      ...v.labels,
      [LABELS.volume]: key,
      [LABELS.project]: project.name,
      [LABELS.version]: COMPOSE_VERSION,
      [LABELS.configHash]: volumeConfigHash(v),
    },
  };
  if (v.driver) body.Driver = v.driver;
  if (v.driver_opts && Object.keys(v.driver_opts).length) body.DriverOpts = stringMap(v.driver_opts);
  return body;
}

/** driver_opts may hold numbers (the schema allows them); the engine takes strings. */
function stringMap(m: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, String(v)]));
}

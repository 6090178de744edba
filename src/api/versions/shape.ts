/**
 * Per-version response shaping: berth builds every response in the v1.55 shape; clients that
 * negotiated an older API version get the fields that version still had (CHANGELOG of the Engine
 * API, ../shared/specs/docker-engine-api/CHANGELOG.md). Only differences that clients read are here.
 */
import { compareVersions } from '../http.js';

const before = (version: string, v: string) => compareVersions(version, v) < 0;

/** NetworkSettings fields that v1.52 dropped (deprecated since v1.21), taken from the first endpoint. */
const LEGACY_NETWORK_FIELDS: Array<[string, string, unknown]> = [
  ['EndpointID', 'EndpointID', ''], ['Gateway', 'Gateway', ''], ['GlobalIPv6Address', 'GlobalIPv6Address', ''],
  ['GlobalIPv6PrefixLen', 'GlobalIPv6PrefixLen', 0], ['IPAddress', 'IPAddress', ''], ['IPPrefixLen', 'IPPrefixLen', 0],
  ['IPv6Gateway', 'IPv6Gateway', ''], ['MacAddress', 'MacAddress', ''],
];

const LEGACY_ONLY_NETWORK_FIELDS = ['Bridge', 'HairpinMode', 'LinkLocalIPv6Address', 'LinkLocalIPv6PrefixLen', 'SecondaryIPAddresses',
  'SecondaryIPv6Addresses', ...LEGACY_NETWORK_FIELDS.map(([f]) => f)];

export function shapeContainerInspect(version: string, c: any): any {
  if (!c || typeof c !== 'object') return c;
  if (before(version, '1.52') && c.NetworkSettings) {
    const ns = { ...c.NetworkSettings };
    const first: any = Object.values(ns.Networks ?? {})[0] ?? {};
    ns.Bridge ??= '';
    ns.HairpinMode ??= false;
    ns.LinkLocalIPv6Address ??= '';
    ns.LinkLocalIPv6PrefixLen ??= 0;
    ns.SecondaryIPAddresses ??= null;
    ns.SecondaryIPv6Addresses ??= null;
    for (const [field, from, dflt] of LEGACY_NETWORK_FIELDS) ns[field] ??= first[from] ?? dflt;
    c = { ...c, NetworkSettings: ns };
  } else if (c.NetworkSettings) {
    // v1.52 dropped them; the engine may still fill them in
    const ns = { ...c.NetworkSettings };
    for (const k of LEGACY_ONLY_NETWORK_FIELDS) delete ns[k];
    c = { ...c, NetworkSettings: ns };
  }
  return c;
}

function legacyImageFields(version: string, img: any): any {
  const out = { ...img };
  if (before(version, '1.44')) {
    out.VirtualSize = img.Size;
    if (Array.isArray(img.RepoTags) && img.RepoTags.length === 0) out.RepoTags = ['<none>:<none>'];
    if (Array.isArray(img.RepoDigests) && img.RepoDigests.length === 0) out.RepoDigests = ['<none>@<none>'];
  }
  return out;
}

export function shapeImageSummaries(version: string, list: any[]): any[] {
  return Array.isArray(list) ? list.map((i) => legacyImageFields(version, i)) : list;
}

/** Container config fields an image's Config carried before v1.50 (always empty for images). */
const LEGACY_IMAGE_CONFIG = { Hostname: '', Domainname: '', AttachStdin: false, AttachStdout: false, AttachStderr: false,
  Tty: false, OpenStdin: false, StdinOnce: false, Image: '' };

export function shapeImageInspect(version: string, img: any): any {
  if (!img || typeof img !== 'object') return img;
  const out = legacyImageFields(version, img);
  if (before(version, '1.50') && out.Config) out.Config = { ...LEGACY_IMAGE_CONFIG, ...out.Config };
  if (before(version, '1.45')) {
    out.Container ??= '';
    out.ContainerConfig ??= { ...LEGACY_IMAGE_CONFIG, Env: null, Cmd: null, Labels: null, Entrypoint: null, WorkingDir: '', User: '', Volumes: null, OnBuild: null };
  }
  return out;
}

export function shapeInfo(version: string, info: any): any {
  const out = { ...info };
  if (before(version, '1.52')) out.KernelMemoryTCP ??= false;
  if (before(version, '1.50')) { out.BridgeNfIptables ??= false; out.BridgeNfIp6tables ??= false; }
  return out;
}

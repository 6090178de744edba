/**
 * compose v2's com.docker.compose.config-hash: what decides that a service's containers must be recreated.
 * As compose v2's ServiceHash: sha256 (hex) of the service's configuration with what must not cause a
 * recreate left out: build (the image it makes is compared by digest instead), pull_policy, scale,
 * deploy.replicas (scaling adds or removes containers, it does not replace them), depends_on, profiles;
 * and what compose-go never serialises: the name and x-* extensions.
 *
 * The JSON is canonical (keys sorted, absent and empty values dropped) so that the hash depends on the
 * configuration, not on the order of keys in the file or on whether a loader wrote `ports: []` or nothing.
 */
import { createHash } from 'node:crypto';
import type { NetworkConfig, ServiceConfig, VolumeConfig } from '../model.js';

const SERVICE_FIELDS_LEFT_OUT = new Set(['name', 'extensions', 'build', 'pull_policy', 'scale', 'depends_on', 'profiles']);

export function serviceConfigHash(service: ServiceConfig): string {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(service)) {
    if (SERVICE_FIELDS_LEFT_OUT.has(k) || k.startsWith('x-')) continue;
    o[k] = v;
  }
  if (service.deploy) {
    const { replicas: _replicas, ...deploy } = service.deploy;
    o.deploy = deploy;
  }
  return sha256(canonicalJson(o));
}

/** compose v2's NetworkHash: the network's whole configuration (a change recreates the network). */
export function networkConfigHash(network: NetworkConfig): string {
  const { extensions: _x, ...rest } = network;
  return sha256(canonicalJson(rest));
}

/** compose v2's VolumeHash: the volume's configuration, the driver defaulting to "local". */
export function volumeConfigHash(volume: VolumeConfig): string {
  const { extensions: _x, ...rest } = volume;
  return sha256(canonicalJson({ ...rest, driver: rest.driver || 'local' }));
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function isEmpty(v: unknown): boolean {
  if (v === undefined) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

/**
 * JSON with sorted keys; a key whose value is undefined, null or an empty list or map is dropped, as Go's
 * omitempty drops it (an `environment: {FOO: null}` entry is dropped too: it adds nothing to Env either).
 * Lists keep their order and their items.
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x)).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    const parts: string[] = [];
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x === null || isEmpty(x)) continue;
      parts.push(`${JSON.stringify(k)}:${canonicalJson(x)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

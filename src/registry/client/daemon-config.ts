/**
 * Registry settings of the daemon, from daemon.json: Docker's `insecure-registries` and
 * `registry-mirrors` (Docker Hub's mirrors), plus berth's `mirrors` ({"quay.io": [...]},
 * mirrors for any registry) and `certs-dir` (default /etc/berth/certs.d).
 */
import type { RegistryHostsConfig } from './hosts.js';

let current: RegistryHostsConfig = {};

export function configureRegistryHosts(file: Record<string, unknown>): void {
  const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
  const mirrors: Record<string, string[]> = {};
  const hub = list(file['registry-mirrors']);
  if (hub.length) mirrors['docker.io'] = hub;
  const extra = file['mirrors'];
  if (extra && typeof extra === 'object') for (const [k, v] of Object.entries(extra as Record<string, unknown>)) mirrors[k] = list(v);
  current = {
    insecure: list(file['insecure-registries']),
    mirrors,
    certsDir: typeof file['certs-dir'] === 'string' ? (file['certs-dir'] as string) : undefined,
  };
}

export function registryHostsConfig(): RegistryHostsConfig { return current; }

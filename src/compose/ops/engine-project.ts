/**
 * A project rebuilt from what the engine holds (compose v2's projectFromName + getProjectWithResources):
 * for `down`, `stop`, `start`… run with `-p name` and no file (or a COMPOSE_PROJECT_NAME whose file is
 * gone). Services come from the containers' labels (their depends_on label kept, made optional), networks
 * and volumes from the ones labelled for the project.
 */
import type { EngineClient } from '../../client/engine-client.js';
import type { Volume } from '../../common/engine-api/types.js';
import { LABELS, type NetworkConfig, type Project, type ServiceConfig, type ServiceDependency, type VolumeConfig } from '../model.js';
import { noSuchService } from './service-selection.js';
import { projectContainers, serviceOf } from './state.js';

/** compose v2's depends_on label: `svc:condition:restart` joined by commas. */
export function parseDependsOnLabel(label: string | undefined): Record<string, ServiceDependency> {
  const out: Record<string, ServiceDependency> = {};
  for (const part of (label ?? '').split(',')) {
    const [name, condition, restart] = part.split(':');
    if (!name) continue;
    out[name] = { condition: (condition || 'service_started') as ServiceDependency['condition'], restart: restart === 'true', required: false };
  }
  return out;
}

export async function projectFromEngine(client: EngineClient, name: string, services: string[] = []): Promise<Project> {
  const containers = await projectContainers(client, name, { oneoff: false });
  const svc: Record<string, ServiceConfig> = {};
  let workingDir = '';
  let configFiles: string[] = [];
  for (const c of containers) {
    const s = serviceOf(c);
    if (!s || svc[s]) continue;
    workingDir ||= c.Labels?.[LABELS.workingDir] ?? '';
    if (!configFiles.length && c.Labels?.[LABELS.configFiles]) configFiles = c.Labels[LABELS.configFiles].split(',');
    svc[s] = {
      name: s, image: c.Image, environment: {}, labels: {}, ports: [], volumes: [],
      depends_on: parseDependsOnLabel(c.Labels?.[LABELS.dependsOn]),
    };
  }
  for (const s of services) if (!svc[s]) throw noSuchService(s);

  const networks: Record<string, NetworkConfig> = {};
  const nets = await client.json<Array<{ Name: string; Labels?: Record<string, string> | null }>>('GET', '/networks', { query: { filters: JSON.stringify({ label: [`${LABELS.project}=${name}`] }) } });
  for (const n of nets) networks[n.Labels?.[LABELS.network] ?? n.Name] = { name: n.Name };
  const volumes: Record<string, VolumeConfig> = {};
  const vols = await client.json<{ Volumes?: Volume[] | null }>('GET', '/volumes', { query: { filters: JSON.stringify({ label: [`${LABELS.project}=${name}`] }) } });
  for (const v of vols.Volumes ?? []) volumes[v.Labels?.[LABELS.volume] ?? v.Name] = { name: v.Name };

  return { name, workingDir, configFiles, environment: {}, services: svc, networks, volumes, secrets: {}, configs: {}, disabledServices: {} };
}

/** Projects in the loader's normalised form (model.ts), written by hand for the convert tests. */
import type { Project, ServiceConfig } from '../../src/compose/model.js';

export function service(name: string, more: Partial<ServiceConfig> = {}): ServiceConfig {
  return { name, environment: {}, labels: {}, ports: [], volumes: [], depends_on: {}, networks: { default: null }, ...more };
}

export function project(services: ServiceConfig[], more: Partial<Project> = {}): Project {
  return {
    name: 'proj',
    workingDir: '/srv/proj',
    configFiles: ['/srv/proj/compose.yaml'],
    environment: {},
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    networks: { default: { name: 'proj_default' } },
    volumes: {},
    secrets: {},
    configs: {},
    disabledServices: {},
    ...more,
  };
}

/**
 * The services a command works on (compose-go's WithSelectedServices): the named ones (a named service
 * whose profile is off is enabled, as compose v2 does), with their dependencies unless --no-deps; the
 * other services move to `disabledServices`, so they are neither touched nor taken for orphans.
 * Also --scale and the replica count.
 */
import { BerthError } from '../../common/errors.js';
import type { Project, ServiceConfig } from '../model.js';
import { serviceDependencies } from './graph.js';

export function noSuchService(name: string): BerthError {
  return new BerthError(`no such service: ${name}`, { code: 'ERR_COMPOSE_NO_SERVICE', status: 404, exitCode: 1 });
}

/** A copy of the project with only the selected services enabled. Empty `names`: the project as it is. */
export function withSelectedServices(project: Project, names: string[], opts: { dependencies: 'include' | 'ignore' } = { dependencies: 'include' }): Project {
  if (names.length === 0) return project;
  const all: Record<string, ServiceConfig> = { ...project.disabledServices, ...project.services };
  for (const n of names) if (!all[n]) throw noSuchService(n);
  const enabled = new Set<string>();
  const todo = [...names];
  for (let n = todo.pop(); n !== undefined; n = todo.pop()) {
    if (enabled.has(n)) continue;
    enabled.add(n);
    if (opts.dependencies === 'include') {
      // a dependency the profiles left out stays out: the graph reports it if it is required
      for (const dep of serviceDependencies(all[n]).keys()) if (project.services[dep]) todo.push(dep);
    }
  }
  const services: Record<string, ServiceConfig> = {};
  const disabled: Record<string, ServiceConfig> = {};
  for (const [name, s] of Object.entries(all)) {
    if (!enabled.has(name)) { disabled[name] = s; continue; }
    // with --no-deps the dependencies on services left out are dropped (compose-go's IgnoreDependencies)
    services[name] = opts.dependencies === 'ignore'
      ? { ...s, depends_on: Object.fromEntries(Object.entries(s.depends_on ?? {}).filter(([d]) => enabled.has(d))) }
      : s;
  }
  // keep the model's order
  const ordered: Record<string, ServiceConfig> = {};
  for (const name of [...Object.keys(project.services), ...Object.keys(project.disabledServices ?? {})]) if (services[name]) ordered[name] = services[name];
  return { ...project, services: ordered, disabledServices: disabled };
}

/** compose-go's GetScale: `scale`, else `deploy.replicas`, else 1. */
export function replicas(service: ServiceConfig): number {
  return service.scale ?? service.deploy?.replicas ?? 1;
}

/** --scale SERVICE=NUM (several), applied to a copy of the project (compose's SetScale sets both fields). */
export function applyScale(project: Project, scales: string[]): Project {
  if (scales.length === 0) return project;
  const services = { ...project.services };
  for (const opt of scales) {
    const parts = opt.split('=');
    if (parts.length !== 2) throw new BerthError(`invalid --scale option "${opt}". Should be SERVICE=NUM`, { code: 'ERR_USAGE', status: 400, exitCode: 1 });
    const [name, value] = parts;
    if (!/^[+-]?\d+$/.test(value)) throw new BerthError(`strconv.Atoi: parsing "${value}": invalid syntax`, { code: 'ERR_USAGE', status: 400, exitCode: 1 });
    const s = services[name];
    if (!s) throw noSuchService(name);
    const n = Number(value);
    services[name] = { ...s, scale: n, ...(s.deploy ? { deploy: { ...s.deploy, replicas: n } } : {}) };
  }
  return { ...project, services };
}

/** The project with the named services enabled (a profile-disabled one named on the command line is on); unknown names fail. */
export function withServicesEnabled(project: Project, names: string[]): Project {
  if (names.length === 0) return project;
  const disabled = { ...(project.disabledServices ?? {}) };
  const services = { ...project.services };
  for (const n of names) {
    if (services[n]) continue;
    if (!disabled[n]) throw noSuchService(n);
    services[n] = disabled[n];
    delete disabled[n];
  }
  return { ...project, services, disabledServices: disabled };
}

/**
 * Profiles: a service without `profiles` is always on; one with profiles only when one of them is
 * active (--profile, else COMPOSE_PROFILES; `*` enables all). A service named on the command line
 * enables its own profiles (compose v2's `up svc` of a profiled service), which is what
 * `withServicesEnabled` is for.
 */
import type { Project, ServiceConfig } from '../model.js';

export function activeProfiles(explicit: string[], env: Record<string, string>): string[] {
  const list = explicit.length ? explicit : (env.COMPOSE_PROFILES ?? '').split(',');
  return [...new Set(list.flatMap((p) => p.split(',')).map((p) => p.trim()).filter(Boolean))];
}

export function isServiceActive(s: ServiceConfig, profiles: string[]): boolean {
  if (!s.profiles || s.profiles.length === 0) return true;
  if (profiles.includes('*')) return true;
  return s.profiles.some((p) => profiles.includes(p));
}

/** Moves the services that no active profile enables into `disabledServices`. */
export function applyProfiles(project: Project, profiles: string[]): Project {
  const services: Record<string, ServiceConfig> = {};
  const disabled: Record<string, ServiceConfig> = { ...project.disabledServices };
  for (const [name, s] of Object.entries(project.services)) {
    if (isServiceActive(s, profiles)) services[name] = s; else disabled[name] = s;
  }
  return { ...project, services, disabledServices: disabled };
}

/**
 * The project with the named services enabled too (with the services they depend on, which compose
 * enables the same way); unknown names are left for the caller to report.
 */
export function withServicesEnabled(project: Project, names: string[]): Project {
  const services = { ...project.services };
  const disabled = { ...project.disabledServices };
  const queue = [...names];
  for (let guard = 0; queue.length && guard < 100_000; guard++) {
    const name = queue.shift()!;
    const s = disabled[name];
    if (!s) continue;
    services[name] = s;
    delete disabled[name];
    queue.push(...Object.keys(s.depends_on ?? {}));
  }
  return { ...project, services, disabledServices: disabled };
}

/** Every profile named by any service, sorted (`config --profiles`). */
export function allProfiles(project: Project): string[] {
  const all = new Set<string>();
  for (const s of [...Object.values(project.services), ...Object.values(project.disabledServices)]) for (const p of s.profiles ?? []) all.add(p);
  return [...all].sort();
}

/**
 * The project without the networks, volumes, secrets and configs that no enabled service uses, as
 * compose v2 trims it (unless --all-resources).
 */
export function withoutUnusedResources(project: Project): Project {
  const used = { networks: new Set<string>(), volumes: new Set<string>(), secrets: new Set<string>(), configs: new Set<string>() };
  for (const s of Object.values(project.services)) {
    for (const n of Object.keys(s.networks ?? {})) used.networks.add(n);
    for (const v of s.volumes) if (v.type === 'volume' && v.source) used.volumes.add(v.source);
    for (const x of [...(s.secrets ?? []), ...(s.build?.secrets ?? [])]) used.secrets.add(x.source);
    for (const x of s.configs ?? []) used.configs.add(x.source);
  }
  const keep = <T>(all: Record<string, T>, names: Set<string>) => Object.fromEntries(Object.entries(all).filter(([k]) => names.has(k)));
  return {
    ...project,
    networks: keep(project.networks, used.networks),
    volumes: keep(project.volumes, used.volumes),
    secrets: keep(project.secrets, used.secrets),
    configs: keep(project.configs, used.configs),
  };
}

/** Choosing services: the named ones (checked), with or without what they depend on. */
import type { Project } from '../model.js';
import { composeError } from './errors.js';

/** The services named (all when none), plus their dependencies (transitively) when `withDeps`. */
export function selectServices(project: Project, names: string[], withDeps: boolean): string[] {
  for (const n of names) if (!project.services[n]) throw composeError(`no such service: ${n}`, 'ERR_COMPOSE_NO_SERVICE');
  if (names.length === 0) return Object.keys(project.services);
  if (!withDeps) return [...names];
  const out = new Set<string>();
  const visit = (n: string): void => {
    if (out.has(n) || !project.services[n]) return;
    out.add(n);
    for (const [dep, d] of Object.entries(project.services[n].depends_on ?? {})) {
      if (!project.services[dep] && d.required !== false) throw composeError(`service ${JSON.stringify(n)} depends on undefined service ${JSON.stringify(dep)}`, 'ERR_COMPOSE_UNDEFINED');
      visit(dep);
    }
  };
  for (const n of names) visit(n);
  return Object.keys(project.services).filter((n) => out.has(n));
}

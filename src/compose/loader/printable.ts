/**
 * The document `compose config` prints: the model without the loader's own fields (a service's name
 * is its key; workingDir, configFiles, environment and disabledServices are not part of the file),
 * `x-*` extensions back in place, keys sorted as compose v2 prints them, and a network attachment
 * without options written `null`.
 */
import type { Project } from '../model.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function sorted(o: Obj): Obj {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
}

function withExtensions(o: Obj): Obj {
  const { extensions, ...rest } = o;
  return isObj(extensions) ? { ...rest, ...extensions } : rest;
}

export function printableProject(project: Project): Obj {
  const services: Obj = {};
  for (const name of Object.keys(project.services).sort()) {
    const { name: _n, ...s } = project.services[name]! as unknown as Obj;
    const svc = withExtensions(s);
    if (isObj(svc.networks)) svc.networks = Object.fromEntries(Object.entries(svc.networks).map(([k, v]) => [k, isObj(v) && Object.keys(v).length === 0 ? null : v]));
    for (const k of ['labels', 'ports', 'volumes', 'depends_on', 'environment'] as const) {
      const v = svc[k];
      if ((Array.isArray(v) && v.length === 0) || (isObj(v) && Object.keys(v).length === 0)) delete svc[k];
    }
    services[name] = sorted(svc);
  }
  const doc: Obj = { name: project.name, services };
  for (const kind of ['networks', 'volumes', 'secrets', 'configs'] as const) {
    const entries = project[kind];
    if (Object.keys(entries).length) doc[kind] = Object.fromEntries(Object.keys(entries).sort().map((k) => [k, sorted(withExtensions(entries[k] as unknown as Obj))]));
  }
  if (project.extensions) Object.assign(doc, project.extensions);
  return doc;
}

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

/** Maps keyed by the user's names print sorted, as Go's YAML encoder prints maps. */
const USER_MAPS = ['environment', 'labels', 'annotations', 'depends_on', 'networks', 'sysctls', 'ulimits', 'storage_opt'];
function sortUserMaps(svc: Obj): void {
  for (const k of USER_MAPS) if (isObj(svc[k])) svc[k] = sorted(svc[k] as Obj);
  const build = svc.build;
  if (isObj(build)) svc.build = { ...build, ...Object.fromEntries(['args', 'labels', 'additional_contexts'].filter((k) => isObj(build[k])).map((k) => [k, sorted(build[k] as Obj)])) };
  if (isObj(svc.logging) && isObj(svc.logging.options)) svc.logging = { ...svc.logging, options: sorted(svc.logging.options) };
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
    // compose-go leaves `restart: false` of a dependency out (omitempty)
    if (isObj(svc.depends_on)) {
      svc.depends_on = Object.fromEntries(Object.entries(svc.depends_on).map(([k, d]) => [k, isObj(d) && d.restart === false ? (({ restart: _r, ...rest }) => rest)(d) : d]));
    }
    sortUserMaps(svc);
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

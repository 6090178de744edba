/**
 * The services' dependency graph (compose v2's pkg/compose/dependencies.go): an edge from a service to
 * each service it needs, from `depends_on` and the implicit dependencies (links, `network_mode:
 * service:x`, `volumes_from: x`, `ipc`/`pid: service:x`), which compose-go adds as `service_started`.
 * Start walks it from the leaves (dependencies first), stop and remove from the roots (dependants
 * first); independent services run at the same time, bounded by --parallel / COMPOSE_PARALLEL_LIMIT.
 */
import { BerthError } from '../../common/errors.js';
import type { Project, ServiceConfig, ServiceDependency } from '../model.js';

export interface DependencyGraph {
  /** every service of the project, in the model's order */
  readonly services: string[];
  /** service → the services it needs, with how */
  readonly dependencies: Map<string, Map<string, ServiceDependency>>;
  /** service → the services that need it */
  readonly dependents: Map<string, Set<string>>;
}

const IMPLICIT: ServiceDependency = { condition: 'service_started', restart: false, required: true };

/** The service named by `service:x` in network_mode/ipc/pid, if any. */
export function serviceOfMode(mode: string | undefined): string | undefined {
  return mode?.startsWith('service:') ? mode.slice('service:'.length) : undefined;
}

/** depends_on plus the implicit dependencies, as compose-go normalises them. */
export function serviceDependencies(service: ServiceConfig): Map<string, ServiceDependency> {
  const deps = new Map<string, ServiceDependency>(Object.entries(service.depends_on ?? {}));
  const implicit = (name: string | undefined) => { if (name && name !== service.name && !deps.has(name)) deps.set(name, IMPLICIT); };
  for (const link of service.links ?? []) implicit(link.split(':')[0]);
  implicit(serviceOfMode(service.network_mode));
  implicit(serviceOfMode(service.ipc));
  implicit(serviceOfMode(service.pid));
  for (const v of service.volumes_from ?? []) {
    const first = v.split(':')[0];
    if (first !== 'container') implicit(first);
  }
  return deps;
}

function composeError(code: 'ERR_COMPOSE_CYCLE' | 'ERR_COMPOSE_UNDEFINED', message: string): BerthError {
  return new BerthError(message, { code, status: 400, exitCode: 1 });
}

/**
 * The graph of the project's (enabled) services. A dependency on a service that is not enabled is
 * dropped when `required: false`, else an error, as compose v2's NewGraph; a cycle is an error naming it.
 */
export function buildGraph(project: Project): DependencyGraph {
  const services = Object.keys(project.services);
  const dependencies = new Map<string, Map<string, ServiceDependency>>();
  const dependents = new Map<string, Set<string>>(services.map((s) => [s, new Set()]));
  for (const name of services) {
    const deps = new Map<string, ServiceDependency>();
    for (const [dep, how] of serviceDependencies(project.services[name])) {
      if (!project.services[dep]) {
        if (!how.required) continue;
        const disabled = project.disabledServices?.[dep];
        if (disabled) {
          throw composeError('ERR_COMPOSE_UNDEFINED', `service ${dep} is required by ${name} but is disabled. Can be enabled by profiles [${(disabled.profiles ?? []).join(' ')}]`);
        }
        throw composeError('ERR_COMPOSE_UNDEFINED', `service "${name}" depends on undefined service "${dep}": invalid compose project`);
      }
      deps.set(dep, how);
      dependents.get(dep)!.add(name);
    }
    dependencies.set(name, deps);
  }
  const cycle = findCycle(services, dependencies);
  if (cycle) throw composeError('ERR_COMPOSE_CYCLE', `cycle found: ${cycle.join(' -> ')}`);
  return { services, dependencies, dependents };
}

function findCycle(services: string[], deps: Map<string, Map<string, ServiceDependency>>): string[] | null {
  const state = new Map<string, 'open' | 'closed'>();
  const visit = (name: string, path: string[]): string[] | null => {
    state.set(name, 'open');
    for (const dep of deps.get(name)?.keys() ?? []) {
      if (state.get(dep) === 'open') return [...path.slice(path.indexOf(dep)), dep];
      if (!state.has(dep)) {
        const found = visit(dep, [...path, dep]);
        if (found) return found;
      }
    }
    state.set(name, 'closed');
    return null;
  };
  for (const s of services) {
    if (state.has(s)) continue;
    const found = visit(s, [s]);
    if (found) return found;
  }
  return null;
}

/** The named services and everything they need, transitively. */
export function withDependencies(graph: DependencyGraph, names: Iterable<string>): Set<string> {
  return closure(names, (n) => graph.dependencies.get(n)?.keys() ?? []);
}

/** The named services and everything that needs them, transitively. */
export function withDependents(graph: DependencyGraph, names: Iterable<string>): Set<string> {
  return closure(names, (n) => graph.dependents.get(n) ?? []);
}

function closure(names: Iterable<string>, next: (n: string) => Iterable<string>): Set<string> {
  const out = new Set<string>();
  const todo = [...names];
  for (let n = todo.pop(); n !== undefined; n = todo.pop()) {
    if (out.has(n)) continue;
    out.add(n);
    todo.push(...next(n));
  }
  return out;
}

export interface TraversalOptions {
  /** at most this many services at once (undefined, 0 or -1: unbounded) */
  parallel?: number;
  /** visit only these (the others count as done at once) */
  only?: Set<string>;
}

/** Dependencies first: a service runs once every service it needs has run. */
export function inDependencyOrder(graph: DependencyGraph, fn: (service: string) => Promise<void>, opts: TraversalOptions = {}): Promise<void> {
  return traverse(graph.services, (s) => graph.dependencies.get(s)?.keys() ?? [], fn, opts);
}

/** Dependants first: a service runs once every service that needs it has run (stop, remove). */
export function inReverseDependencyOrder(graph: DependencyGraph, fn: (service: string) => Promise<void>, opts: TraversalOptions = {}): Promise<void> {
  return traverse(graph.services, (s) => graph.dependents.get(s) ?? [], fn, opts);
}

/**
 * Run fn over the nodes, each after its `before` nodes. The first failure stops new work; the ones
 * running finish, then that failure is thrown (compose's errgroup).
 */
async function traverse(nodes: string[], before: (n: string) => Iterable<string>, fn: (n: string) => Promise<void>, opts: TraversalOptions): Promise<void> {
  const limit = opts.parallel && opts.parallel > 0 ? opts.parallel : Infinity;
  const finished = new Set<string>();
  const started = new Set<string>();
  let running = 0;
  let failure: { error: unknown } | null = null;
  return new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (failure) {
        if (running === 0) reject(failure.error);
        return;
      }
      // nodes skipped by `only` finish at once and may unblock nodes listed before them: loop until stable
      for (let changed = true; changed;) {
        changed = false;
        for (const n of nodes) {
          if (running >= limit) break;
          if (started.has(n) || ![...before(n)].every((b) => finished.has(b))) continue;
          started.add(n);
          if (opts.only && !opts.only.has(n)) { finished.add(n); changed = true; continue; }
          running++;
          Promise.resolve().then(() => fn(n)).then(
            () => { running--; finished.add(n); pump(); },
            (error) => { running--; failure ??= { error }; pump(); },
          );
        }
      }
      if (finished.size === nodes.length) resolve();
    };
    pump();
  });
}

/** The start order as layers (services in one layer are independent); for tests and `config`-like views. */
export function startLayers(graph: DependencyGraph): string[][] {
  const layers: string[][] = [];
  const placed = new Set<string>();
  while (placed.size < graph.services.length) {
    const layer = graph.services.filter((s) => !placed.has(s) && [...(graph.dependencies.get(s)?.keys() ?? [])].every((d) => placed.has(d)));
    if (layer.length === 0) break;
    for (const s of layer) placed.add(s);
    layers.push(layer);
  }
  return layers;
}

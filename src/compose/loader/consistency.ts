/**
 * The checks that need the whole project (compose-go's checkConsistency and its cycle check), in
 * compose v2's words: a service needs an image or a build; every network, volume, secret and config a
 * service uses is defined; depends_on names known services and has no cycle.
 */
import type { Project } from '../model.js';
import { ComposeLoadError, atPosition, type Position } from './errors.js';

export type Locate = (path: Array<string | number>) => Position | undefined;

function invalid(code: 'ERR_COMPOSE_INVALID' | 'ERR_COMPOSE_UNDEFINED', where: Position | undefined, message: string): ComposeLoadError {
  return new ComposeLoadError(code, atPosition(where, undefined, `${message}: invalid compose project`));
}

export function checkConsistency(project: Project, locate: Locate = () => undefined): void {
  const names = Object.keys(project.services).sort();
  for (const name of names) {
    const s = project.services[name]!;
    const at = (...p: Array<string | number>) => locate(['services', name, ...p]);
    if (!s.image && !s.build && !(s as { provider?: unknown }).provider) {
      throw invalid('ERR_COMPOSE_INVALID', at(), `service ${JSON.stringify(name)} has neither an image nor a build context specified`);
    }
    if (s.network_mode && s.networks && Object.keys(s.networks).length) {
      throw invalid('ERR_COMPOSE_INVALID', at('network_mode'), `service ${name} declares mutually exclusive \`network_mode\` and \`networks\``);
    }
    for (const net of Object.keys(s.networks ?? {})) {
      if (!project.networks[net]) throw invalid('ERR_COMPOSE_UNDEFINED', at('networks', net), `service ${JSON.stringify(name)} refers to undefined network ${net}`);
    }
    const test = s.healthcheck?.test;
    if (test && test.length && !['CMD', 'CMD-SHELL', 'NONE'].includes(test[0]!)) {
      throw new ComposeLoadError('ERR_COMPOSE_INVALID', atPosition(at('healthcheck', 'test'), undefined, 'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"'));
    }
    for (const [dep, cfg] of Object.entries(s.depends_on ?? {})) {
      if (project.services[dep]) continue;
      if (project.disabledServices[dep] && !cfg.required) continue;
      if (project.disabledServices[dep]) continue; // enabled later by the command line, or reported by the command
      throw invalid('ERR_COMPOSE_UNDEFINED', at('depends_on', dep), `service ${JSON.stringify(name)} depends on undefined service ${JSON.stringify(dep)}`);
    }
    if (s.network_mode?.startsWith('service:')) {
      const other = s.network_mode.slice('service:'.length);
      if (!project.services[other] && !project.disabledServices[other]) {
        throw new ComposeLoadError('ERR_COMPOSE_UNDEFINED', atPosition(at('network_mode'), undefined, `service ${JSON.stringify(other)} not found for network_mode 'service:${other}'`));
      }
    }
    s.volumes.forEach((v, i) => {
      if (v.type === 'volume' && v.source && !project.volumes[v.source]) {
        throw invalid('ERR_COMPOSE_UNDEFINED', at('volumes', i), `service ${JSON.stringify(name)} refers to undefined volume ${v.source}`);
      }
    });
    for (const sec of s.build?.secrets ?? []) {
      if (!project.secrets[sec.source]) throw invalid('ERR_COMPOSE_UNDEFINED', at('build', 'secrets'), `service ${JSON.stringify(name)} refers to undefined build secret ${sec.source}`);
    }
    (s.configs ?? []).forEach((c, i) => {
      if (!project.configs[c.source]) throw invalid('ERR_COMPOSE_UNDEFINED', at('configs', i), `service ${JSON.stringify(name)} refers to undefined config ${c.source}`);
    });
    (s.secrets ?? []).forEach((c, i) => {
      if (!project.secrets[c.source]) throw invalid('ERR_COMPOSE_UNDEFINED', at('secrets', i), `service ${JSON.stringify(name)} refers to undefined secret ${c.source}`);
    });
    if (s.scale !== undefined && s.deploy?.replicas !== undefined && s.scale !== s.deploy.replicas) {
      throw invalid('ERR_COMPOSE_INVALID', at('scale'), `services.${name}: can't set distinct values on 'scale' and 'deploy.replicas'`);
    }
  }
  checkDependencyCycles(project, locate);
}

/** depends_on must be a DAG; a cycle is named in full ("dependency cycle detected: a -> b -> a"). */
export function checkDependencyCycles(project: Project, locate: Locate = () => undefined): void {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      const from = stack.indexOf(name);
      const cycle = [...stack.slice(from), name];
      // the place: where the first service of the cycle names the second
      const where = locate(['services', cycle[0]!, 'depends_on', cycle[1]!]);
      throw new ComposeLoadError('ERR_COMPOSE_CYCLE', atPosition(where, undefined, `dependency cycle detected: ${cycle.join(' -> ')}`));
    }
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of Object.keys(project.services[name]?.depends_on ?? {}).sort()) if (project.services[dep]) visit(dep);
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of Object.keys(project.services).sort()) visit(name);
}

/**
 * develop.watch triggers as rules that map a changed host path to what to do with it, as compose v2's
 * watchRule: the path must be the trigger's path or under it; `include` (when given) must match; and
 * none of the ignores may: the build context's .dockerignore (<dockerfile>.dockerignore first), editors'
 * temporary files, anything under a .git directory, and the trigger's own `ignore`. Patterns are
 * .dockerignore patterns relative to the trigger's path (a pattern also matches everything below a
 * matched directory).
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { PatternMatcher, readIgnoreFile } from '../../client/ignore-patterns.js';
import type { Project, ServiceConfig } from '../model.js';
import { composeError } from '../convert/units.js';

export type WatchAction = 'sync' | 'rebuild' | 'sync+restart' | 'restart' | 'sync+exec';

/** develop.watch[] as the loader leaves it (the spec's keys model.ts does not list are read here). */
export interface WatchTrigger {
  path: string;
  action: WatchAction;
  target?: string;
  ignore?: string[];
  include?: string[];
  initial_sync?: boolean;
  exec?: { command: string[] | string; user?: string; privileged?: boolean; working_dir?: string; environment?: Record<string, string | null> | string[] };
}

export interface PathMapping {
  hostPath: string;
  /** where it goes in the container (sync actions); undefined for rebuild/restart triggers */
  containerPath?: string;
}

export interface WatchRule {
  service: string;
  trigger: WatchTrigger;
  /** the trigger's path, absolute with symlinks resolved (fs events come under it) */
  path: string;
  /** what this rule does with `hostPath`, or undefined when the rule does not apply */
  match(hostPath: string): PathMapping | undefined;
}

/** Editors' and tools' temporary files (compose v2's EphemeralPathMatcher), matched against the absolute path. */
const EPHEMERAL = new PatternMatcher([
  '**/*___jb_old___', '**/*___jb_tmp___', '**/.idea/**',
  '**/.#*', '**/#*#',
  '**/4913', '**/*~', '**/.*.swp', '**/.*.swx', '**/.*.swo', '**/.*.swn',
  '**/.*.kate-swp',
  '**/*-go-tmp-umask',
]);

/** `child` is `parent` or under it. */
export function isChild(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/** A path relative to `root` in slash form, or undefined when it is not under it ('.' for root itself). */
function under(root: string, p: string): string | undefined {
  if (!isChild(root, p)) return undefined;
  const rel = relative(root, p);
  return rel === '' ? '.' : rel.split(sep).join('/');
}

/** Patterns relative to `root`, matched against paths under it. */
class RootedMatcher {
  private readonly m: PatternMatcher;
  constructor(private readonly root: string, patterns: string[]) {
    this.m = new PatternMatcher(patterns.map((p) => p.replace(/^(!?)\/+/, '$1')));
  }
  get empty(): boolean { return this.m.empty; }
  matches(p: string): boolean {
    const rel = under(this.root, p);
    return rel !== undefined && rel !== '.' && this.m.matches(rel);
  }
}

function realpathOr(p: string): string {
  try { return realpathSync(p); } catch { return p; }
}

/** The build context's .dockerignore (compose v2's LoadDockerIgnore), or undefined. */
function dockerIgnore(service: ServiceConfig): RootedMatcher | undefined {
  const b = service.build;
  if (!b || /^[a-z]+:\/\//i.test(b.context) || b.context.startsWith('git@')) return undefined;
  const context = realpathOr(b.context);
  const candidates = [...(b.dockerfile ? [join(context, `${b.dockerfile}.dockerignore`)] : []), join(context, '.dockerignore')];
  const file = candidates.find((f) => existsSync(f));
  if (!file) return undefined;
  return new RootedMatcher(context, readIgnoreFile(readFileSync(file, 'utf8')));
}

function triggersOf(service: ServiceConfig): WatchTrigger[] {
  return (service.develop?.watch ?? []) as WatchTrigger[];
}

/** A sync trigger's path lies in a bind mount's source: the bind already shows the change (compose v2 skips it). */
export function boundByVolume(service: ServiceConfig, path: string): boolean {
  return (service.volumes ?? []).some((v) => v.type === 'bind' && v.source && isChild(realpathOr(v.source), path));
}

export function isSyncAction(a: WatchAction): boolean {
  return a === 'sync' || a === 'sync+restart' || a === 'sync+exec';
}

/**
 * The rules of the given services' develop.watch (all services with one when `services` is empty),
 * checked as compose v2 checks them. `warn` hears about sync paths left out because a bind covers them.
 */
export function watchRules(project: Project, services: string[], warn: (msg: string) => void = () => {}): WatchRule[] {
  const names = services.length ? services : Object.keys(project.services);
  const rules: WatchRule[] = [];
  for (const name of names) {
    const service = project.services[name];
    if (!service) throw composeError(`no such service: ${name}`, 'ERR_COMPOSE_NO_SERVICE');
    const ignoredByContext = dockerIgnore(service);
    for (const trigger of triggersOf(service)) {
      if (!trigger.path) throw composeError('watch rules MUST define a path', 'ERR_COMPOSE_WATCH');
      if (trigger.action === 'rebuild' && !service.build) {
        throw composeError(`can't watch service "${name}" with action rebuild without a build context`, 'ERR_COMPOSE_WATCH');
      }
      if (trigger.action === 'sync+exec' && !trigger.exec?.command?.length) {
        throw composeError(`can't watch with action "sync+exec" on service ${name} without a command`, 'ERR_COMPOSE_WATCH');
      }
      if (isSyncAction(trigger.action) && !trigger.target) {
        throw composeError(`services.${name}.develop.watch: a ${trigger.action} rule needs a target`, 'ERR_COMPOSE_WATCH');
      }
      const path = realpathOr(isAbsolute(trigger.path) ? trigger.path : resolve(project.workingDir, trigger.path));
      if (isSyncAction(trigger.action) && boundByVolume(service, path)) {
        warn(`path '${trigger.path}' also declared by a bind mount volume, this path won't be monitored!`);
        continue;
      }
      const ignore = new RootedMatcher(path, trigger.ignore ?? []);
      const include = trigger.include?.length ? new RootedMatcher(path, trigger.include) : undefined;
      rules.push({
        service: name,
        trigger,
        path,
        match(hostPath) {
          const rel = under(path, hostPath);
          if (rel === undefined) return undefined;
          if (include && !include.matches(hostPath)) return undefined;
          if (ignoredByContext?.matches(hostPath)) return undefined;
          if (EPHEMERAL.matches(hostPath.replace(/^\/+/, ''))) return undefined;
          if (rel.split('/').includes('.git')) return undefined;
          if (ignore.matches(hostPath)) return undefined;
          return {
            hostPath,
            ...(trigger.target ? { containerPath: rel === '.' ? trigger.target : posix.join(trigger.target, rel) } : {}),
          };
        },
      });
    }
  }
  return rules;
}

/**
 * `compose watch`: the develop.watch rules of the selected services, applied to the running project as
 * files change, as compose v2 does it:
 * - fs.watch (recursive) on every rule's path; events are gathered until the files have been quiet for
 *   a moment (compose's 500 ms), so an editor saving many files makes one batch;
 * - per batch: `rebuild` services are built again and recreated, then `sync` copies go in (deletions
 *   removed), then `restart` and `sync+restart` services are restarted, then `sync+exec` commands run;
 * - a failing batch is reported and watching goes on; the abort signal ends it ("Watch disabled").
 */
import { watch as fsWatch, readdirSync, statSync, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { EngineClient } from '../../client/engine-client.js';
import type { Project } from '../model.js';
import { composeError } from '../convert/units.js';
import { execToEnd, restartService, serviceContainers, syncService } from './watch-sync.js';
import { boundByVolume, isSyncAction, watchRules, type PathMapping, type WatchRule } from './watch-rules.js';

export interface WatchHooks {
  /** build the services' images again (compose v2's build of the watched services only, not their dependencies) */
  build(services: string[]): Promise<void>;
  /** recreate the services' containers from the new images and start them (create --force-recreate, start) */
  recreate(services: string[]): Promise<void>;
}

export interface WatchOptions {
  /** the services to watch; all with a develop section when empty */
  services: string[];
  /** remove the project's dangling images after a rebuild (compose's --prune, default true) */
  prune: boolean;
  signal: AbortSignal;
  /** a line of the watch logger (stdout) */
  log(line: string): void;
  /** a warning (stderr) */
  warn(line: string): void;
  /** what a `rebuild` rule needs; without them a rebuild rule is refused at start */
  hooks?: WatchHooks;
  /** the quiet time that ends a batch (ms; compose: 500) */
  quietMs?: number;
  /** after each batch has been handled (tests wait on it) */
  onBatch?(paths: string[]): void;
}

/** Go's %q of a []string, as compose prints service lists: ["web" "api"] */
export function quoteList(names: string[]): string {
  return `[${names.map((n) => JSON.stringify(n)).join(' ')}]`;
}

/** A batch that waits this long for quiet is handled anyway: continuous writes must not starve it. */
const MAX_BATCH_WAIT_FACTOR = 20;
/** Files of one initial sync, at most (a tree larger than this is not a source tree to copy file by file). */
const MAX_INITIAL_FILES = 100_000;

export async function watchProject(client: EngineClient, project: Project, opts: WatchOptions): Promise<void> {
  const rules = watchRules(project, opts.services, opts.warn);
  if (rules.length === 0) throw composeError("none of the selected services is configured for watch, consider setting a 'develop' section", 'ERR_COMPOSE_WATCH');
  if (!opts.hooks && rules.some((r) => r.trigger.action === 'rebuild')) {
    throw composeError('watch: rebuild rules need the build and recreate of `compose up`, which this command was not given', 'ERR_COMPOSE_WATCH');
  }
  for (const r of rules) {
    try { statSync(r.path); } catch { throw composeError(`watch path ${r.trigger.path} of service ${r.service} does not exist`, 'ERR_COMPOSE_WATCH'); }
  }
  for (const r of rules) if (r.trigger.initial_sync && isSyncAction(r.trigger.action)) await initialSync(client, project, r);

  const quietMs = opts.quietMs ?? 500;
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let firstPending = 0;
  let running: Promise<void> = Promise.resolve();
  const flush = () => {
    timer = undefined;
    if (!pending.size) return;
    const batch = [...pending];
    pending.clear();
    // batches run one after another; events arriving meanwhile make the next one
    running = running.then(async () => {
      if (opts.signal.aborted) return;
      try { await handleBatch(client, project, rules, batch, opts); } catch (e) { opts.warn(`Error handling changed files: ${(e as Error).message}`); }
      opts.onBatch?.(batch);
    });
  };
  const onEvent = (path: string) => {
    if (opts.signal.aborted) return;
    if (!pending.size) firstPending = Date.now();
    pending.add(path);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, Date.now() - firstPending > quietMs * MAX_BATCH_WAIT_FACTOR ? 0 : quietMs);
  };

  const watchers: FSWatcher[] = [];
  const watched = new Set<string>();
  let failure: Error | undefined;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => { stop = resolve; });
  for (const r of rules) {
    if (watched.has(r.path)) continue;
    watched.add(r.path);
    const isDir = statSync(r.path).isDirectory();
    const w = fsWatch(r.path, { recursive: isDir, signal: opts.signal }, (_type, filename) => {
      onEvent(isDir && filename ? join(r.path, filename.toString()) : r.path);
    });
    w.on('error', (e) => {
      if (opts.signal.aborted) return;
      failure = e;
      stop();
    });
    watchers.push(w);
  }
  opts.log('Watch enabled');
  const onAbort = () => stop();
  opts.signal.addEventListener('abort', onAbort, { once: true });
  if (opts.signal.aborted) stop();
  try {
    await stopped;
  } finally {
    opts.signal.removeEventListener('abort', onAbort);
    if (timer) clearTimeout(timer);
    for (const w of watchers) w.close();
    await running;
  }
  if (failure) {
    opts.warn(`Watch disabled with errors: ${failure.message}`);
    throw composeError(failure.message, 'ERR_COMPOSE_WATCH');
  }
  opts.log('Watch disabled');
}

/** compose v2's initial_sync: every file under the rule's path that no ignore excludes, copied in before watching. */
async function initialSync(client: EngineClient, project: Project, rule: WatchRule): Promise<void> {
  const service = project.services[rule.service];
  const mappings: PathMapping[] = [];
  const walk = (p: string, depth: number) => {
    if (mappings.length >= MAX_INITIAL_FILES || depth > 64) return;
    if (p !== rule.path && (!rule.match(p) || boundByVolume(service, p))) return;
    let st;
    try { st = statSync(p); } catch { return; }
    if (st.isDirectory()) {
      for (const n of readdirSync(p).sort()) walk(join(p, n), depth + 1);
      return;
    }
    const m = rule.match(p);
    if (m) mappings.push(m);
  };
  walk(rule.path, 0);
  if (mappings.length) await syncService(client, project.name, rule.service, mappings);
}

async function handleBatch(client: EngineClient, project: Project, rules: WatchRule[], batch: string[], opts: WatchOptions): Promise<void> {
  const rebuild = new Set<string>();
  const restart = new Set<string>();
  const syncs = new Map<string, PathMapping[]>();
  const execs = new Map<string, Set<WatchRule>>();
  for (const path of batch) {
    for (const rule of rules) {
      const m = rule.match(path);
      if (!m) continue;
      const action = rule.trigger.action;
      if (action === 'rebuild') rebuild.add(rule.service);
      if (isSyncAction(action)) {
        const list = syncs.get(rule.service) ?? [];
        // one mapping per container path: the last event's wins
        syncs.set(rule.service, [...list.filter((x) => x.containerPath !== m.containerPath), m]);
      }
      if (action === 'restart' || action === 'sync+restart') restart.add(rule.service);
      if (action === 'sync+exec') (execs.get(rule.service) ?? execs.set(rule.service, new Set()).get(rule.service)!).add(rule);
    }
  }

  if (rebuild.size) await rebuildServices(client, project, [...rebuild].sort(), opts);
  for (const [service, mappings] of syncs) {
    opts.log(`Syncing service "${service}" after ${mappings.length} changes were detected`);
    await syncService(client, project.name, service, mappings);
  }
  if (restart.size) {
    const services = [...restart].sort();
    for (const s of services) await restartService(client, project.name, s);
    opts.log(`service(s) ${quoteList(services)} restarted`);
  }
  for (const [service, set] of execs) {
    for (const rule of set) await execRule(client, project, service, rule, opts);
  }
}

async function rebuildServices(client: EngineClient, project: Project, services: string[], opts: WatchOptions): Promise<void> {
  const hooks = opts.hooks!;
  opts.log(`Rebuilding service(s) ${quoteList(services)} after changes were detected...`);
  try {
    await hooks.build(services);
  } catch (e) {
    opts.log(`Build failed. Error: ${(e as Error).message}`);
    throw e;
  }
  if (opts.prune) await pruneDanglingImages(client, project.name);
  opts.log(`service(s) ${quoteList(services)} successfully built`);
  try {
    await hooks.recreate(services);
  } catch (e) {
    opts.log(`Failed to recreate services after update. Error: ${(e as Error).message}`);
    throw e;
  }
}

/** The project's images left without a name by a rebuild (best effort, as compose v2's). */
async function pruneDanglingImages(client: EngineClient, projectName: string): Promise<void> {
  try {
    const images = await client.json<Array<{ Id: string }>>('GET', '/images/json', { query: { filters: JSON.stringify({ dangling: ['true'], label: [`com.docker.compose.project=${projectName}`] }) } });
    for (const img of images) await client.call('DELETE', `/images/${encodeURIComponent(img.Id)}`).catch(() => undefined);
  } catch { /* pruning never fails a rebuild */ }
}

function envList(env: Record<string, string | null> | string[] | undefined): string[] {
  if (!env) return [];
  if (Array.isArray(env)) return env;
  return Object.entries(env).filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v}`);
}

async function execRule(client: EngineClient, project: Project, service: string, rule: WatchRule, opts: WatchOptions): Promise<void> {
  const x = rule.trigger.exec!;
  const command = typeof x.command === 'string' ? ['/bin/sh', '-c', x.command] : x.command;
  for (const c of await serviceContainers(client, project.name, service)) {
    if (c.State !== 'running') continue;
    const r = await execToEnd(client, c.Id!, command, { user: x.user, privileged: x.privileged, workdir: x.working_dir, env: envList(x.environment) });
    for (const line of r.output.split('\n')) if (line) opts.log(line);
    if (r.exitCode !== 0) throw composeError(`exec ${command.join(' ')} in ${service}: exit code ${r.exitCode}`, 'ERR_COMPOSE_WATCH');
  }
}

/**
 * The cross-engine harness: one berth daemon and one dockerd (each in a namespace of its own, dockerd
 * given busybox from berth), the compose clients that drive either (`berth compose` with -H, and
 * Debian's docker-compose 1.29 with DOCKER_HOST), and a view of a project as users see it, read
 * through the Engine API the same way on both engines, so two engines' views can be compared with
 * deepEqual once ids are taken out.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BERTH_BIN, cleanEnv, startDaemon, type RunResult, type TestDaemon } from '../helpers/daemon.js';
import { dockerdMissing, startDockerd, type TestDockerd } from '../helpers/dockerd.js';
import { runProgram } from '../compat/helpers.js';

export const DOCKER_COMPOSE_V1 = '/usr/bin/docker-compose';

export type EngineName = 'berth' | 'dockerd';

export interface Engine {
  name: EngineName;
  socket: string;
  api: TestDaemon['api'];
}

export interface Engines { berth: Engine; dockerd: Engine; both: Engine[]; raw: { berth: TestDaemon; dockerd: TestDockerd } }

/** Why the cross-engine tests cannot run here, or false. */
export function enginesMissing(): string | false {
  return dockerdMissing() || (!existsSync(DOCKER_COMPOSE_V1) && `${DOCKER_COMPOSE_V1} not installed`);
}

/** The compose commands `berth compose` must have for a scenario; false when all are there. */
export function berthComposeLacks(commands: string[]): string | false {
  const r = spawnSync(BERTH_BIN, ['compose', '--help'], { encoding: 'utf8', env: cleanEnv({ BERTH_NO_AUTOSTART: '1' }) });
  const listed = new Set([...(r.stdout ?? '').matchAll(/^ {2}([a-z]+)\b/gm)].map((m) => m[1]));
  const lacking = commands.filter((c) => !listed.has(c));
  return lacking.length ? `berth compose has no ${lacking.join(', ')} yet` : false;
}

/** Both engines, busybox on both; stopped and removed by `stop()`. */
export async function startEngines(): Promise<Engines & { stop(): Promise<void> }> {
  const b = await startDaemon();
  let d: TestDockerd | undefined;
  try {
    const pulled = await b.api('POST', '/images/create?fromImage=busybox&tag=latest');
    if (pulled.status !== 200) throw new Error(`berth: busybox: ${pulled.status} ${JSON.stringify(pulled.body)}`);
    d = await startDockerd();
    await d.loadImages(b.socket, ['busybox:latest']);
  } catch (e) {
    await d?.cleanup();
    await b.cleanup();
    throw e;
  }
  const berth: Engine = { name: 'berth', socket: b.socket, api: b.api };
  const dockerd: Engine = { name: 'dockerd', socket: d.socket, api: d.api };
  const dd = d;
  return {
    berth, dockerd, both: [berth, dockerd], raw: { berth: b, dockerd: dd },
    async stop() { await Promise.allSettled([dd.cleanup(), b.cleanup()]); },
  };
}

function clientEnv(e: Engine, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...cleanEnv({ BERTH_NO_AUTOSTART: '1', COMPOSE_INTERACTIVE_NO_CLI: '1', ...extra }), DOCKER_HOST: `unix://${e.socket}` };
  for (const k of Object.keys(env)) if (k.startsWith('COMPOSE_') && k !== 'COMPOSE_INTERACTIVE_NO_CLI' && !(k in extra)) delete env[k];
  delete env.DOCKER_CONTEXT;
  delete env.DOCKER_API_VERSION;
  return env;
}

/** `berth -H unix://<engine> compose <args>` in `cwd`. */
export function berthCompose(e: Engine, cwd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<RunResult> {
  return runProgram(BERTH_BIN, ['-H', `unix://${e.socket}`, 'compose', ...args], { env: clientEnv(e, opts.env), cwd, timeoutMs: opts.timeoutMs ?? 120_000, input: opts.input });
}

/** docker-compose 1.29 (Debian's, Python) against the engine, in `cwd`. */
export function composeV1(e: Engine, cwd: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<RunResult> {
  return runProgram(DOCKER_COMPOSE_V1, ['--no-ansi', ...args], { env: clientEnv(e, opts.env), cwd, timeoutMs: opts.timeoutMs ?? 120_000 });
}

export async function ok(p: Promise<RunResult>, what: string): Promise<RunResult> {
  const r = await p;
  if (r.code !== 0) throw new Error(`${what} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}

const COMPOSE_PREFIX = 'com.docker.compose.';

/** Only compose's labels (the engine adds none of its own, but images bring theirs). */
export function composeLabels(labels: Record<string, string> | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => k.startsWith(COMPOSE_PREFIX)).sort(([a], [b]) => a.localeCompare(b)));
}

export interface ContainerView { name: string; service: string; number: string; oneoff: string; state: string; health: string; labels: Record<string, string>; id: string }

export interface ProjectView {
  containers: ContainerView[];
  networks: Array<{ name: string; labels: Record<string, string> }>;
  volumes: Array<{ name: string; labels: Record<string, string> }>;
}

const labelFilter = (project: string) => encodeURIComponent(JSON.stringify({ label: [`${COMPOSE_PREFIX}project=${project}`] }));

/** What the engine holds of a project, by compose's labels, sorted by name. */
export async function projectView(e: Engine, project: string): Promise<ProjectView> {
  const list = await e.api('GET', `/containers/json?all=1&filters=${labelFilter(project)}`);
  const containers: ContainerView[] = [];
  for (const c of list.body as Array<{ Id: string }>) {
    const j = (await e.api('GET', `/containers/${c.Id}/json`)).body;
    const labels = composeLabels(j.Config.Labels);
    containers.push({
      name: String(j.Name).replace(/^\//, ''), id: j.Id,
      service: labels[`${COMPOSE_PREFIX}service`], number: labels[`${COMPOSE_PREFIX}container-number`], oneoff: labels[`${COMPOSE_PREFIX}oneoff`],
      state: j.State.Status, health: j.State.Health?.Status ?? '', labels,
    });
  }
  const nets = (await e.api('GET', `/networks?filters=${labelFilter(project)}`)).body as Array<{ Name: string; Labels: Record<string, string> }>;
  const vols = ((await e.api('GET', `/volumes?filters=${labelFilter(project)}`)).body.Volumes ?? []) as Array<{ Name: string; Labels: Record<string, string> }>;
  return {
    containers: containers.sort((a, b) => a.name.localeCompare(b.name)),
    networks: nets.map((n) => ({ name: n.Name, labels: composeLabels(n.Labels) })).sort((a, b) => a.name.localeCompare(b.name)),
    volumes: vols.map((v) => ({ name: v.Name, labels: composeLabels(v.Labels) })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Label values that are ids or hashes differ between engines by nature: replaced by their kind. */
export function withoutIds(view: ProjectView): Omit<ProjectView, 'containers'> & { containers: Array<Omit<ContainerView, 'id'>> } {
  const scrub = (labels: Record<string, string>) => Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, /^(sha256:)?[0-9a-f]{64}$/.test(v) ? '<id>' : v]));
  return {
    containers: view.containers.map(({ id: _id, ...c }) => ({ ...c, labels: scrub(c.labels) })),
    networks: view.networks.map((n) => ({ ...n, labels: scrub(n.labels) })),
    volumes: view.volumes.map((v) => ({ ...v, labels: scrub(v.labels) })),
  };
}

/** Wait (bounded) until every container of the project is running and, where it has a healthcheck, healthy. */
export async function waitHealthy(e: Engine, project: string, timeoutMs = 60_000): Promise<ProjectView> {
  const end = Date.now() + timeoutMs;
  let last: ProjectView | undefined;
  while (Date.now() < end) {
    last = await projectView(e, project);
    if (last.containers.length && last.containers.every((c) => c.state === 'running' && (c.health === '' || c.health === 'healthy'))) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${e.name}: ${project} not running and healthy after ${timeoutMs} ms: ${JSON.stringify(last?.containers.map((c) => [c.name, c.state, c.health]))}`);
}

/** compose v2's `ps --format json`: one object per line (v2.21+) or one array (before). */
export function parsePsJson(out: string): Array<Record<string, unknown>> {
  const t = out.trim();
  if (!t) return [];
  if (t.startsWith('[')) return JSON.parse(t);
  return t.split('\n').map((l) => JSON.parse(l));
}

/**
 * The project's networks and volumes, made before any container (compose v2's ensureNetworks and
 * ensureProjectVolumes) and removed by `down` after the containers:
 * - an external one must exist (`network X declared as external, but could not be found`,
 *   `external volume "X" not found`);
 * - an existing one is used when its labels say it is this project's; one that compose did not make
 *   (no project label) or made for another project is used with compose's warning; a network whose
 *   com.docker.compose.network label names another key is an error;
 * - a config-hash label (sha256 of the create body) tells a changed definition: a changed network is
 *   replaced as compose v2 does (its containers stopped and disconnected, the network made again, the
 *   containers connected back; convergence then recreates them); a changed volume is only replaced with
 *   --yes (`-y`), since that loses its data; without it compose v2 asks, here a warning says so.
 */
import { createHash } from 'node:crypto';
import type { EngineClient } from '../../client/engine-client.js';
import { BerthError } from '../../common/errors.js';
import type { Volume } from '../../common/engine-api/types.js';
import { LABELS, type Project } from '../model.js';
import { networkCreateBody, volumeCreateBody } from '../convert/resources.js';
import { done, failed, warning, working, type ProgressWriter } from '../output/progress.js';
import { projectContainers } from './state.js';
import { daemonStatus, isConflict, isNotFound } from './errors.js';

export interface ResourceContext {
  client: EngineClient;
  progress: ProgressWriter;
  warn: (msg: string) => void;
  /** --yes: replace a volume whose definition changed */
  assumeYes?: boolean;
  /** stop timeout (seconds) for containers on a network that must be replaced */
  timeout?: number;
}

interface NetworkSummary { Id: string; Name: string; Labels?: Record<string, string> | null; Containers?: Record<string, unknown> | null }

function fail(message: string): BerthError {
  return new BerthError(message, { code: 'ERR_COMPOSE_INVALID', status: 400, exitCode: 1 });
}

/** A stable hash of a create body (labels sorted, the hash label itself left out). */
export function bodyHash(body: unknown): string {
  const canon = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(canon);
    if (v && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v as object).sort()
        .filter((k) => k !== LABELS.configHash)
        .map((k) => [k, canon((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return createHash('sha256').update(JSON.stringify(canon(body))).digest('hex');
}

async function networksNamed(client: EngineClient, name: string): Promise<NetworkSummary[]> {
  const list = await client.json<NetworkSummary[]>('GET', '/networks', { query: { filters: JSON.stringify({ name: [name] }) } });
  // the engine's name filter matches parts of names: keep the exact ones
  return list.filter((n) => n.Name === name || n.Id === name);
}

/** Every network of the project: key → engine id. */
export async function ensureNetworks(rc: ResourceContext, project: Project): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  // only networks that a service uses are made (compose-go drops the unused ones unless --all-resources)
  for (const key of usedNetworks(project)) ids[key] = await ensureNetwork(rc, project, key);
  return ids;
}

/** The network keys the enabled services attach to (network_mode services attach to none). */
export function usedNetworks(project: Project): string[] {
  const used = new Set<string>();
  for (const s of Object.values(project.services)) {
    if (s.network_mode) continue;
    for (const key of Object.keys(s.networks ?? { default: null })) used.add(key);
  }
  return Object.keys(project.networks).filter((k) => used.has(k));
}

async function ensureNetwork(rc: ResourceContext, project: Project, key: string): Promise<string> {
  const n = project.networks[key];
  if (n.external) {
    const found = await networksNamed(rc.client, n.name);
    if (found.length === 1) return found[0].Id;
    if (found.length === 0) throw fail(`network ${n.name} declared as external, but could not be found`);
    throw fail(`multiple networks with name "${n.name}" were found. Use network ID as \`name\` to avoid ambiguity`);
  }
  const body = networkCreateBody(project, key) as Record<string, unknown> & { Labels?: Record<string, string> };
  const hash = bodyHash(body);
  const labels = { ...(body.Labels ?? {}) };
  labels[LABELS.configHash] ??= hash;
  let dangling: string[] = [];
  for (const existing of await networksNamed(rc.client, n.name)) {
    if (existing.Name !== n.name) continue;
    const l = existing.Labels ?? {};
    if (!(LABELS.project in l)) rc.warn(`a network with name ${n.name} exists but was not created by compose.\nSet \`external: true\` to use an existing network`);
    else if (l[LABELS.project] !== project.name) rc.warn(`a network with name ${n.name} exists but was not created for project "${project.name}".\nSet \`external: true\` to use an existing network`);
    if (LABELS.project in l && (l[LABELS.network] ?? '') !== key) {
      throw fail(`network ${n.name} was found but has incorrect label ${LABELS.network} set to "${l[LABELS.network] ?? ''}" (expected: "${key}")`);
    }
    const actual = l[LABELS.configHash];
    if (!actual || actual === labels[LABELS.configHash]) return existing.Id;
    dangling = await removeDivergedNetwork(rc, project, key, existing);
  }
  const id = `Network ${n.name}`;
  rc.progress.event(working(id, 'Creating'));
  let created: { Id: string };
  try {
    created = await rc.client.json<{ Id: string }>('POST', '/networks/create', { body: { ...body, Name: n.name, Labels: labels } });
  } catch (e) {
    if (isConflict(e)) {
      // another `compose up` made it meanwhile: use that one
      const again = await networksNamed(rc.client, n.name);
      if (again.length === 1) { rc.progress.event(done(id, 'Created')); return again[0].Id; }
    }
    rc.progress.event(failed(id));
    throw new BerthError(`failed to create network ${n.name}: ${(e as Error).message}`, { code: 'ERR_COMPOSE_SERVICE_FAILED', exitCode: 1, cause: e });
  }
  rc.progress.event(done(id, 'Created'));
  for (const c of dangling) await rc.client.call('POST', `/networks/${encodeURIComponent(n.name)}/connect`, { body: { Container: c } });
  return created.Id;
}

/** Stop and disconnect the containers on a network whose definition changed, and remove it. */
async function removeDivergedNetwork(rc: ResourceContext, project: Project, key: string, existing: NetworkSummary): Promise<string[]> {
  const services = Object.values(project.services).filter((s) => !s.network_mode && key in (s.networks ?? { default: null })).map((s) => s.name);
  const containers = services.length ? await projectContainers(rc.client, project.name, { services, oneoff: false }) : [];
  for (const c of containers) {
    if (c.State !== 'running') continue;
    const cid = `Container ${(c.Names?.[0] ?? '').replace(/^\//, '')}`;
    rc.progress.event(working(cid, 'Stopping'));
    await rc.client.call('POST', `/containers/${c.Id}/stop`, { query: { t: rc.timeout } });
    rc.progress.event(done(cid, 'Stopped'));
  }
  for (const c of containers) {
    await rc.client.call('POST', `/networks/${existing.Id}/disconnect`, { body: { Container: c.Id, Force: true } }).catch((e) => { if (!isNotFound(e)) throw e; });
  }
  await rc.client.call('DELETE', `/networks/${existing.Id}`);
  rc.progress.event(done(`Network ${existing.Name}`, 'Removed'));
  return containers.map((c) => c.Id!);
}

/** Every volume of the project: key → engine name. */
export async function ensureVolumes(rc: ResourceContext, project: Project): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const key of Object.keys(project.volumes)) names[key] = await ensureVolume(rc, project, key);
  return names;
}

async function ensureVolume(rc: ResourceContext, project: Project, key: string): Promise<string> {
  const v = project.volumes[key];
  let inspected: Volume | null = null;
  try {
    inspected = await rc.client.json<Volume>('GET', `/volumes/${encodeURIComponent(v.name)}`);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (v.external) {
    if (!inspected) throw fail(`external volume "${v.name}" not found`);
    return v.name;
  }
  const body = volumeCreateBody(project, key);
  const hash = bodyHash({ ...body, Driver: body.Driver || 'local' });
  if (!inspected) { await createVolume(rc, v.name, body, hash); return v.name; }
  const l = inspected.Labels ?? {};
  if (!(LABELS.project in l)) rc.warn(`volume "${v.name}" already exists but was not created by Docker Compose. Use \`external: true\` to use an existing volume`);
  else if (l[LABELS.project] !== project.name) rc.warn(`volume "${v.name}" already exists but was created for project "${l[LABELS.project]}" (expected "${project.name}"). Use \`external: true\` to use an existing volume`);
  const actual = l[LABELS.configHash];
  if (actual && actual !== (body.Labels?.[LABELS.configHash] ?? hash)) {
    if (!rc.assumeYes) {
      rc.warn(`Volume "${v.name}" exists but doesn't match configuration in compose file. Run with --yes (-y) to recreate it (data will be lost)`);
      return inspected.Name;
    }
    await removeDivergedVolume(rc, project, key, v.name);
    await createVolume(rc, v.name, body, hash);
  }
  return inspected.Name;
}

async function removeDivergedVolume(rc: ResourceContext, project: Project, key: string, name: string): Promise<void> {
  const services = Object.values(project.services).filter((s) => s.volumes?.some((m) => m.type === 'volume' && m.source === key)).map((s) => s.name);
  const containers = services.length ? await projectContainers(rc.client, project.name, { services, oneoff: false }) : [];
  for (const c of containers) {
    const cid = `Container ${(c.Names?.[0] ?? '').replace(/^\//, '')}`;
    rc.progress.event(working(cid, 'Removing'));
    await rc.client.call('DELETE', `/containers/${c.Id}`, { query: { force: true } });
    rc.progress.event(done(cid, 'Removed'));
  }
  await rc.client.call('DELETE', `/volumes/${encodeURIComponent(name)}`, { query: { force: true } });
}

async function createVolume(rc: ResourceContext, name: string, body: ReturnType<typeof volumeCreateBody>, hash: string): Promise<void> {
  const id = `Volume "${name}"`;
  rc.progress.event(working(id, 'Creating'));
  try {
    await rc.client.json('POST', '/volumes/create', { body: { ...body, Name: name, Labels: { ...(body.Labels ?? {}), [LABELS.configHash]: body.Labels?.[LABELS.configHash] ?? hash } } });
  } catch (e) {
    rc.progress.event(failed(id));
    throw e;
  }
  rc.progress.event(done(id, 'Created'));
}

/** `down`: the project's non-external networks, removed (in use: a warning line, as compose v2). */
export async function removeNetworks(rc: ResourceContext, project: Project): Promise<number> {
  let removed = 0;
  await Promise.all(Object.entries(project.networks).filter(([, n]) => !n.external).map(async ([key, n]) => {
    const list = await rc.client.json<NetworkSummary[]>('GET', '/networks', { query: { filters: JSON.stringify({ label: [`${LABELS.project}=${project.name}`, `${LABELS.network}=${key}`] }) } });
    const mine = list.filter((x) => x.Name === n.name);
    if (mine.length === 0) return;
    const id = `Network ${n.name}`;
    rc.progress.event(working(id, 'Removing'));
    for (const net of mine) {
      try {
        await rc.client.call('DELETE', `/networks/${net.Id}`);
        rc.progress.event(done(id, 'Removed'));
        removed++;
      } catch (e) {
        if (isNotFound(e)) { rc.progress.event(warning(id, 'No resource found to remove')); continue; }
        if (isConflict(e) || (daemonStatus(e) !== undefined && /in use|active endpoints/i.test((e as Error).message))) { rc.progress.event(warning(id, 'Resource is still in use')); continue; }
        rc.progress.event(failed(id));
        throw new BerthError(`failed to remove network ${n.name}: ${(e as Error).message}`, { code: 'ERR_COMPOSE_SERVICE_FAILED', exitCode: 1, cause: e });
      }
    }
  }));
  return removed;
}

/** `down -v`: the project's named, non-external volumes. */
export async function removeVolumes(rc: ResourceContext, project: Project): Promise<number> {
  let removed = 0;
  await Promise.all(Object.values(project.volumes).filter((v) => !v.external).map(async (v) => {
    const id = `Volume ${v.name}`;
    try {
      await rc.client.json('GET', `/volumes/${encodeURIComponent(v.name)}`);
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (await removeWithProgress(rc.progress, id, () => rc.client.call('DELETE', `/volumes/${encodeURIComponent(v.name)}`, { query: { force: true } }))) removed++;
  }));
  return removed;
}

/**
 * One removal (a volume, an image) with compose's progress lines: one in use is a warning and one already
 * gone is reported as such, neither fails `down`. True when it was removed.
 */
export async function removeWithProgress(progress: ProgressWriter, id: string, remove: () => Promise<unknown>): Promise<boolean> {
  progress.event(working(id, 'Removing'));
  try {
    await remove();
    progress.event(done(id, 'Removed'));
    return true;
  } catch (e) {
    if (isConflict(e)) { progress.event(warning(id, 'Resource is still in use')); return false; }
    if (isNotFound(e)) { progress.event(done(id, 'Warning: No resource found to remove')); return false; }
    throw e;
  }
}

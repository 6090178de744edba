import { lstatSync, readdirSync } from 'node:fs';
import type { ContainerInspectResponse, ContainerSummary, EndpointSettings, NetworkSettings } from '../common/engine-api/types.js';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerRecord, ContainerState } from '../record/container-store.js';
import { humanDuration, parseTime } from '../common/human-time.js';

/**
 * Bytes of the regular files and symlinks below dir and the number of inodes (SizeRw of an upper dir, the
 * CRI's writable-layer usage); hard links counted once.
 */
export async function treeUsage(dir: string): Promise<{ bytes: number; inodes: number }> {
  let bytes = 0;
  let inodes = 0;
  const seen = new Set<string>();
  const walk = async (p: string): Promise<void> => {
    let entries: string[];
    try { entries = await readdir(p); } catch { return; }
    for (const name of entries) {
      const full = join(p, name);
      const st = await lstat(full).catch(() => null);
      if (!st) continue;
      if (st.isDirectory()) { inodes++; await walk(full); continue; }
      if (st.nlink > 1) { const key = `${st.dev}:${st.ino}`; if (seen.has(key)) continue; seen.add(key); }
      inodes++;
      if (st.isFile() || st.isSymbolicLink()) bytes += st.size;
    }
  };
  await walk(dir);
  return { bytes, inodes };
}

/** Bytes of regular files below dir (SizeRw of an upper dir); hard links counted once. */
export async function dirSize(dir: string): Promise<number> {
  return (await treeUsage(dir)).bytes;
}

/** dirSize without awaiting (inspect and list answer synchronously). */
export function dirSizeSync(dir: string): number {
  let total = 0;
  const seen = new Set<string>();
  const walk = (p: string): void => {
    let entries: string[];
    try { entries = readdirSync(p); } catch { return; }
    for (const name of entries) {
      const full = join(p, name);
      let st;
      try { st = lstatSync(full); } catch { continue; }
      if (st.isDirectory()) { walk(full); continue; }
      if (st.nlink > 1) { const key = `${st.dev}:${st.ino}`; if (seen.has(key)) continue; seen.add(key); }
      if (st.isFile() || st.isSymbolicLink()) total += st.size;
    }
  };
  walk(dir);
  return total;
}

/** `Up 5 seconds`, `Exited (0) 3 seconds ago`, `Created`... as `docker ps` shows. */
export function statusText(rec: ContainerRecord, now = Date.now()): string {
  const s = rec.state;
  if (s.Status === 'removing') return 'Removal In Progress';
  if (s.Status === 'dead') return 'Dead';
  if (s.Running && !s.Restarting) return `Up ${humanDuration(now - parseTime(s.StartedAt))}${s.Paused ? ' (Paused)' : healthSuffix(s.Health?.Status)}`;
  if (s.Restarting) return `Restarting (${s.ExitCode}) ${humanDuration(now - parseTime(s.FinishedAt))} ago`;
  if (parseTime(s.StartedAt) === 0) return 'Created';
  const finished = parseTime(s.FinishedAt);
  if (finished === 0) return '';
  return `Exited (${s.ExitCode}) ${humanDuration(now - finished)} ago`;
}

/** Docker's ps status suffix for containers with a health check. */
function healthSuffix(status: string | undefined): string {
  if (status === 'starting') return ' (health: starting)';
  return status ? ` (${status})` : '';
}

/** The human command of `docker ps`: Path and Args joined by spaces. */
function commandText(rec: ContainerRecord): string {
  return [rec.path, ...rec.args].join(' ');
}

/** EndpointSettings for the container's only network (none or host) until networks land. */
function endpointSettings(): EndpointSettings {
  return {
    IPAMConfig: null, MacAddress: '', DriverOpts: null, GwPriority: 0,
    NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0,
    IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
  };
}

function networkSettings(rec: ContainerRecord): NetworkSettings & { Networks: Record<string, EndpointSettings> } {
  const mode = rec.hostConfig?.NetworkMode ?? 'none';
  return {
    SandboxID: '',
    SandboxKey: rec.state.Running && rec.state.Pid ? `/proc/${rec.state.Pid}/ns/net` : '',
    Ports: {},
    Networks: { [mode]: endpointSettings() },
  };
}

export interface InspectExtras {
  logPath: string; hostnamePath: string; hostsPath: string; resolvConfPath: string;
  graphDriverData: Record<string, string>;
  execIds: string[];
  sizeRw?: number; sizeRootFs?: number;
}

/**
 * Go clients see an absent field and a null one alike; the schema does not allow
 * null for most HostConfig/Config lists, so unset fields are left out.
 */
function withoutNulls<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]: Exclude<T[K], null> };
}

/** Docker's ContainerInspectResponse, with the fields berth always fills required and its own State. */
export type ContainerInspectView = Omit<ContainerInspectResponse, 'State'>
  & Required<Pick<ContainerInspectResponse, 'Id' | 'Name' | 'Config' | 'HostConfig' | 'NetworkSettings' | 'Mounts'>>
  & { State: ContainerState };

/** Docker's ContainerSummary, with the fields berth always fills required. */
export type ContainerSummaryView = ContainerSummary & Required<Pick<ContainerSummary,
  'Id' | 'Names' | 'Image' | 'ImageID' | 'Command' | 'Created' | 'Ports' | 'Labels' | 'State' | 'Status' | 'HostConfig' | 'NetworkSettings' | 'Mounts' | 'Health'>>;

/** Docker's ContainerInspectResponse. */
export function inspectView(rec: ContainerRecord, x: InspectExtras): ContainerInspectView {
  const out: ContainerInspectView = {
    Id: rec.id,
    Created: rec.created,
    Path: rec.path,
    Args: rec.args,
    State: { ...rec.state },
    Image: rec.imageId,
    ResolvConfPath: x.resolvConfPath,
    HostnamePath: x.hostnamePath,
    HostsPath: x.hostsPath,
    LogPath: x.logPath,
    Name: '/' + rec.name,
    RestartCount: rec.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: x.execIds.length ? x.execIds : null,
    HostConfig: withoutNulls(rec.hostConfig),
    GraphDriver: { Name: 'overlay2', Data: x.graphDriverData },
    Mounts: [],
    Config: withoutNulls(rec.config),
    NetworkSettings: networkSettings(rec),
  };
  if (x.sizeRw !== undefined) out.SizeRw = x.sizeRw;
  if (x.sizeRootFs !== undefined) out.SizeRootFs = x.sizeRootFs;
  return out;
}

/** Docker's ContainerSummary. */
/** Labels as strings: a record stored before create checked them may hold numbers, which clients cannot decode. */
function stringValues(labels: Record<string, unknown> | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).map(([k, v]) => [k, typeof v === 'string' ? v : v === null ? '' : JSON.stringify(v)]));
}

export function summaryView(rec: ContainerRecord, sizes?: { sizeRw: number; sizeRootFs: number }): ContainerSummaryView {
  const out: ContainerSummaryView = {
    Id: rec.id,
    Names: ['/' + rec.name],
    Image: rec.imageRef,
    ImageID: rec.imageId,
    Command: commandText(rec),
    Created: Math.floor(parseTime(rec.created) / 1000),
    Ports: [],
    Labels: stringValues(rec.config?.Labels),
    State: rec.state.Status,
    Status: statusText(rec),
    HostConfig: { NetworkMode: rec.hostConfig?.NetworkMode ?? 'none' },
    NetworkSettings: { Networks: networkSettings(rec).Networks },
    Mounts: [],
    Health: { Status: rec.state.Health?.Status ?? 'none', FailingStreak: rec.state.Health?.FailingStreak ?? 0 },
  };
  if (sizes) { out.SizeRw = sizes.sizeRw; out.SizeRootFs = sizes.sizeRootFs; }
  return out;
}

/**
 * `compose ps`'s row: compose v2's ContainerContext (cmd/formatter/container.go), whose placeholders
 * differ from `docker ps`'s (Name, Service, Project, Publishers, Health, ExitCode). A class, so that
 * a template sees a struct: an unknown placeholder is an error; `{{json .}}` prints every placeholder.
 */
import type { ContainerSummary } from '../../common/engine-api/types.js';
import { displayablePorts } from '../../client/format/contexts.js';
import { ellipsis, truncateId } from '../../client/format/formatter.js';
import { goQuote } from '../../client/format/printf.js';
import { goTimeString, humanDuration, humanSizeWithPrecision } from '../../client/format/units.js';
import { LABELS } from '../model.js';

export interface PortPublisher { URL: string; TargetPort: number; PublishedPort: number; Protocol: string }

/** What ps shows of a container: its summary, and from its inspect the health and exit code. */
export interface ComposeContainerSummary {
  summary: ContainerSummary;
  health: string;
  exitCode: number;
}

export const PS_DEFAULT_TABLE = 'table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}';

export const PS_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Name: 'NAME', Project: 'PROJECT', Service: 'SERVICE', Image: 'IMAGE', Command: 'COMMAND',
  CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE',
  Labels: 'LABELS', Health: 'HEALTH', ExitCode: 'EXIT CODE', Names: 'NAMES', Mounts: 'MOUNTS', LocalVolumes: 'LOCAL VOLUMES',
  Networks: 'NETWORKS', Publishers: 'PUBLISHERS',
};

const FIELDS = ['Command', 'CreatedAt', 'ExitCode', 'Health', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Name', 'Names',
  'Networks', 'Ports', 'Project', 'Publishers', 'RunningFor', 'Service', 'Size', 'State', 'Status'];

export class ComposeContainerContext {
  readonly #c: ContainerSummary;
  readonly #s: ComposeContainerSummary;
  readonly #trunc: boolean;
  readonly #now: number;
  constructor(s: ComposeContainerSummary, trunc: boolean, now = Date.now()) { this.#s = s; this.#c = s.summary; this.#trunc = trunc; this.#now = now; }

  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (const f of FIELDS) o[f] = (this as unknown as Record<string, unknown>)[f];
    return o;
  }

  get ID(): string { return this.#trunc ? truncateId(this.#c.Id ?? '') : this.#c.Id ?? ''; }
  /** the canonical name: the one without a slash inside (links add "/other/alias" names) */
  get Name(): string { return canonicalName(this.#c); }
  get Names(): string {
    const names = (this.#c.Names ?? []).map((n) => n.replace(/^\//, ''));
    if (this.#trunc) { const plain = names.find((n) => !n.includes('/')); if (plain) return plain; }
    return names.join(',');
  }
  get Service(): string { return this.#c.Labels?.[LABELS.service] ?? ''; }
  get Project(): string { return this.#c.Labels?.[LABELS.project] ?? ''; }
  get Image(): string { return this.#c.Image ?? ''; }
  get Command(): string { const cmd = this.#c.Command ?? ''; return goQuote(this.#trunc ? ellipsis(cmd, 20) : cmd); }
  get CreatedAt(): string { return goTimeString(new Date((this.#c.Created ?? 0) * 1000)); }
  get RunningFor(): string { return `${humanDuration(this.#now - (this.#c.Created ?? 0) * 1000)} ago`; }
  get ExitCode(): number { return this.#s.exitCode; }
  get State(): string { return this.#c.State ?? ''; }
  get Status(): string { return this.#c.Status ?? ''; }
  get Health(): string { return this.#s.health; }
  get Publishers(): PortPublisher[] { return publishers(this.#c); }
  get Ports(): string {
    return displayablePorts(this.Publishers.map((p) => ({ IP: p.URL || undefined, PrivatePort: p.TargetPort, PublicPort: p.PublishedPort || undefined, Type: p.Protocol })));
  }
  get Labels(): string { return Object.entries(this.#c.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','); }
  Label(name: string): string { return this.#c.Labels?.[name] ?? ''; }
  get Mounts(): string {
    return (this.#c.Mounts ?? []).map((m) => { const n = m.Name || m.Source || ''; return this.#trunc ? ellipsis(n, 15) : n; }).join(',');
  }
  get LocalVolumes(): string { return String((this.#c.Mounts ?? []).filter((m) => m.Driver === 'local').length); }
  get Networks(): string { return Object.keys(this.#c.NetworkSettings?.Networks ?? {}).join(','); }
  get Size(): string {
    const rw = humanSizeWithPrecision(this.#c.SizeRw ?? 0, 3);
    return (this.#c.SizeRootFs ?? 0) > 0 ? `${rw} (virtual ${humanSizeWithPrecision(this.#c.SizeRootFs ?? 0, 3)})` : rw;
  }
}

/** compose's getCanonicalContainerName: the name without a slash inside, else the first one. */
export function canonicalName(c: { Names?: string[] | null; Id?: string }): string {
  const names = c.Names ?? [];
  if (names.length === 0) return c.Id ?? '';
  for (const n of names) if (n.lastIndexOf('/') === 0) return n.slice(1);
  return names[0].replace(/^\//, '');
}

/** The container's published ports, by container port (compose's containerPublishers). */
export function publishers(c: ContainerSummary): PortPublisher[] {
  return [...(c.Ports ?? [])].sort((a, b) => a.PrivatePort - b.PrivatePort)
    .map((p) => ({ URL: p.IP ?? '', TargetPort: p.PrivatePort, PublishedPort: p.PublicPort ?? 0, Protocol: p.Type }));
}

/**
 * Per-command template contexts with Docker's placeholders (`docker ps --format`, `docker images
 * --format`, `docker history --format`). They are classes so that templates treat them as Go structs:
 * an unknown placeholder is an error, and `{{json .}}` prints every placeholder as a string.
 */
import { ellipsis, truncateId } from './formatter.js';
import { goQuote } from './printf.js';
import { goTimeString, humanDuration, humanSizeWithPrecision } from './units.js';

abstract class JsonContext {
  protected abstract fields(): string[];
  toJSON(): Record<string, unknown> {
    const o: Record<string, unknown> = {};
    for (const f of this.fields().sort()) o[f] = (this as unknown as Record<string, unknown>)[f];
    return o;
  }
}

export interface PortSummary { IP?: string; PrivatePort: number; PublicPort?: number; Type: string }

/** formatter.DisplayablePorts: "0.0.0.0:8080->80/tcp, 443/tcp", consecutive ports merged into ranges. */
export function displayablePorts(ports: PortSummary[] | null | undefined): string {
  if (!ports || ports.length === 0) return '';
  const groups = new Map<string, number[][]>();
  const order: string[] = [];
  const sorted = [...ports].sort((a, b) => (a.PublicPort ?? 0) - (b.PublicPort ?? 0) || a.PrivatePort - b.PrivatePort || a.Type.localeCompare(b.Type));
  const out: string[] = [];
  for (const p of sorted) {
    if (p.PublicPort === undefined || p.PublicPort === 0) { out.push(`${p.PrivatePort}/${p.Type}`); continue; }
    const ip = p.IP ? (p.IP.includes(':') ? `[${p.IP}]:` : `${p.IP}:`) : '';
    const key = `${ip}|${p.Type}`;
    if (!groups.has(key)) { groups.set(key, []); order.push(key); }
    const list = groups.get(key)!;
    const last = list[list.length - 1];
    if (last && last[1] + 1 === p.PublicPort && last[3] + 1 === p.PrivatePort) { last[1] = p.PublicPort; last[3] = p.PrivatePort; }
    else list.push([p.PublicPort, p.PublicPort, p.PrivatePort, p.PrivatePort]);
  }
  const mapped: string[] = [];
  for (const key of order) {
    const [ip, type] = key.split('|');
    for (const [ps, pe, cs, ce] of groups.get(key)!) {
      const pub = ps === pe ? `${ps}` : `${ps}-${pe}`;
      const priv = cs === ce ? `${cs}` : `${cs}-${ce}`;
      mapped.push(`${ip}${pub}->${priv}/${type}`);
    }
  }
  return [...mapped, ...out].join(', ');
}

function sortedLabels(labels: Record<string, string> | null | undefined): string {
  return Object.keys(labels ?? {}).sort().map((k) => `${k}=${labels![k]}`).join(',');
}

/** One row of `ps` (a ContainerSummary from GET /containers/json). */
export class ContainerContext extends JsonContext {
  constructor(private readonly c: any, private readonly trunc: boolean, private readonly now = Date.now()) { super(); }
  protected fields(): string[] {
    return ['ID', 'Image', 'Command', 'CreatedAt', 'RunningFor', 'Ports', 'State', 'Status', 'Size', 'Names', 'Labels', 'Mounts', 'Networks', 'LocalVolumes'];
  }
  get ID(): string { return this.trunc ? truncateId(this.c.Id ?? '') : this.c.Id ?? ''; }
  get Names(): string {
    const names: string[] = (this.c.Names ?? []).map((n: string) => n.replace(/^\//, ''));
    // links show up as "/other/alias"; Docker hides them unless --no-trunc
    return (this.trunc ? names.filter((n) => !n.includes('/')) : names).join(',');
  }
  get Image(): string {
    const image: string = this.c.Image ?? '';
    if (image === '') return '<no image>';
    if (this.trunc) {
      if (this.c.ImageID && truncateId(this.c.ImageID) === truncateId(image)) return truncateId(image);
      const at = image.indexOf('@');
      // a tagged reference pinned by digest: show just name:tag
      if (at > 0 && /:[^/]+$/.test(image.slice(0, at))) return image.slice(0, at);
    }
    return image;
  }
  get Command(): string {
    const cmd: string = this.c.Command ?? '';
    return goQuote(this.trunc ? ellipsis(cmd, 20) : cmd);
  }
  get CreatedAt(): string { return goTimeString(new Date((this.c.Created ?? 0) * 1000)); }
  get RunningFor(): string { return `${humanDuration(this.now - (this.c.Created ?? 0) * 1000)} ago`; }
  get Ports(): string { return displayablePorts(this.c.Ports); }
  get State(): string { return this.c.State ?? ''; }
  get Status(): string { return this.c.Status ?? ''; }
  get Size(): string {
    const rw = humanSizeWithPrecision(this.c.SizeRw ?? 0, 3);
    const v = humanSizeWithPrecision(this.c.SizeRootFs ?? 0, 3);
    return `${rw} (virtual ${v})`;
  }
  get Labels(): string { return sortedLabels(this.c.Labels); }
  Label(name: string): string { return this.c.Labels?.[name] ?? ''; }
  get Mounts(): string {
    return (this.c.Mounts ?? []).map((m: any) => {
      const name: string = m.Name || m.Source || '';
      return this.trunc ? ellipsis(name, 15) : name;
    }).join(',');
  }
  get LocalVolumes(): string {
    return String((this.c.Mounts ?? []).filter((m: any) => m.Driver === 'local').length);
  }
  get Networks(): string {
    return Object.keys(this.c.NetworkSettings?.Networks ?? {}).sort().join(',');
  }
}

export const CONTAINER_HEADERS: Record<string, string> = {
  ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
  Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS',
  Label: 'LABEL', Mounts: 'MOUNTS', LocalVolumes: 'LOCAL VOLUMES', Networks: 'NETWORKS',
};

export interface ImageRow { repository: string; tag: string; digest: string }

/** Docker's rows for one ImageSummary: one per repo:tag, digests beside their repo. */
export function imageRows(img: any): ImageRow[] {
  const tags = new Map<string, string[]>();
  const digests = new Map<string, string[]>();
  for (const rt of (img.RepoTags ?? []) as string[]) {
    if (rt === '<none>:<none>') continue;
    const colon = rt.lastIndexOf(':');
    const slash = rt.lastIndexOf('/');
    const [repo, tag] = colon > slash ? [rt.slice(0, colon), rt.slice(colon + 1)] : [rt, '<none>'];
    if (!tags.has(repo)) tags.set(repo, []);
    tags.get(repo)!.push(tag);
  }
  for (const rd of (img.RepoDigests ?? []) as string[]) {
    if (rd === '<none>@<none>') continue;
    const at = rd.indexOf('@');
    if (at < 0) continue;
    const repo = rd.slice(0, at);
    if (!digests.has(repo)) digests.set(repo, []);
    digests.get(repo)!.push(rd.slice(at + 1));
  }
  const rows: ImageRow[] = [];
  for (const [repo, ts] of tags) {
    const ds = digests.get(repo) ?? [];
    digests.delete(repo);
    for (const tag of ts) rows.push({ repository: repo, tag, digest: ds[0] ?? '<none>' });
  }
  for (const [repo, ds] of digests) for (const d of ds) rows.push({ repository: repo, tag: '<none>', digest: d });
  if (rows.length === 0) rows.push({ repository: '<none>', tag: '<none>', digest: '<none>' });
  return rows;
}

export class ImageContext extends JsonContext {
  constructor(private readonly img: any, private readonly row: ImageRow, private readonly trunc: boolean, private readonly now = Date.now()) { super(); }
  protected fields(): string[] {
    return ['ID', 'Repository', 'Tag', 'Digest', 'CreatedSince', 'CreatedAt', 'Size', 'SharedSize', 'UniqueSize', 'VirtualSize', 'Containers'];
  }
  get ID(): string { return this.trunc ? truncateId(this.img.Id ?? '') : this.img.Id ?? ''; }
  get Repository(): string { return this.row.repository; }
  get Tag(): string { return this.row.tag; }
  get Digest(): string { return this.row.digest; }
  get CreatedSince(): string { return `${humanDuration(this.now - (this.img.Created ?? 0) * 1000)} ago`; }
  get CreatedAt(): string { return goTimeString(new Date((this.img.Created ?? 0) * 1000)); }
  get Size(): string { return humanSizeWithPrecision(this.img.Size ?? 0, 3); }
  get VirtualSize(): string { return humanSizeWithPrecision(this.img.VirtualSize ?? this.img.Size ?? 0, 3); }
  get SharedSize(): string { return this.img.SharedSize === -1 || this.img.SharedSize === undefined ? 'N/A' : humanSizeWithPrecision(this.img.SharedSize, 3); }
  get UniqueSize(): string {
    if (this.img.SharedSize === -1 || this.img.SharedSize === undefined) return 'N/A';
    return humanSizeWithPrecision((this.img.Size ?? 0) - this.img.SharedSize, 3);
  }
  get Containers(): string { return this.img.Containers === -1 || this.img.Containers === undefined ? 'N/A' : String(this.img.Containers); }
  get Labels(): string { return sortedLabels(this.img.Labels); }
  Label(name: string): string { return this.img.Labels?.[name] ?? ''; }
}

export const IMAGE_HEADERS: Record<string, string> = {
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT',
  Size: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', VirtualSize: 'SIZE', Containers: 'CONTAINERS',
};

export class HistoryContext extends JsonContext {
  constructor(private readonly h: any, private readonly trunc: boolean, private readonly human: boolean, private readonly now = Date.now()) { super(); }
  protected fields(): string[] { return ['ID', 'CreatedSince', 'CreatedAt', 'CreatedBy', 'Size', 'Comment']; }
  get ID(): string {
    const id: string = this.h.Id ?? '<missing>';
    if (id === '<missing>') return id;
    return this.trunc ? truncateId(id) : id;
  }
  get CreatedSince(): string {
    if (!this.human) return this.CreatedAt;
    return `${humanDuration(this.now - (this.h.Created ?? 0) * 1000)} ago`;
  }
  get CreatedAt(): string { return new Date((this.h.Created ?? 0) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'); }
  get CreatedBy(): string {
    const by = String(this.h.CreatedBy ?? '').replace(/\t/g, ' ');
    return this.trunc ? ellipsis(by, 45) : by;
  }
  get Size(): string { return this.human ? humanSizeWithPrecision(this.h.Size ?? 0, 3) : String(this.h.Size ?? 0); }
  get Comment(): string { return this.h.Comment ?? ''; }
}

export const HISTORY_HEADERS: Record<string, string> = {
  ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT',
};

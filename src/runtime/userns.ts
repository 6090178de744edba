/**
 * Per-container user namespaces (beyond Docker, which only remaps daemon-wide):
 * HostConfig.UsernsMode grammar, id maps, and what they mean for ids.
 *
 *   ''  | 'host'                         the host's user namespace (Docker's default)
 *   'auto' | 'auto:size=N'               a free range of N ids (65536 when not given) from berth's
 *                                        /etc/subuid and /etc/subgid ranges, the same for uids and gids
 *   'uidmap=C:H:N[,uidmap=..][,gidmap=C:H:N..]'
 *                                        explicit maps: container id C..C+N-1 is host id H..H+N-1;
 *                                        without a gidmap the gids are mapped as the uids
 *   'keep-id' | 'keep-id:uid=U[,gid=G]'  rootless only: container uid U (default: the user's own) is the user
 *                                        on the host (userns-keepid.ts)
 */
import { InvalidArgumentError } from '../common/errors.js';

export interface IdMap { containerId: number; hostId: number; size: number }
export interface UsernsMaps { uid: IdMap[]; gid: IdMap[] }

export type UsernsRequest =
  | { kind: 'host' }
  | { kind: 'auto'; size: number }
  | { kind: 'maps'; maps: UsernsMaps }
  /** rootless only (Podman's): the container's uid/gid (default: the user's) is the user on the host */
  | { kind: 'keep-id'; uid?: number; gid?: number };

const DEFAULT_AUTO_SIZE = 65536;
/** The kernel takes at most 340 lines in a uid_map. */
const MAX_MAP_LINES = 340;
const MAX_ID = 2 ** 32 - 1; // (uid_t)-1 is never a valid id

function fail(mode: string, why: string): never {
  throw new InvalidArgumentError(`invalid --userns ${JSON.stringify(mode)}: ${why}`, 'ERR_USERNS');
}

function parseMapEntry(mode: string, text: string): IdMap {
  const m = /^(\d+):(\d+):(\d+)$/.exec(text);
  if (!m) fail(mode, `map "${text}" must be containerID:hostID:size`);
  const [containerId, hostId, size] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (size < 1) fail(mode, `map "${text}" has size 0`);
  if (containerId + size > MAX_ID || hostId + size > MAX_ID) fail(mode, `map "${text}" goes past the largest id ${MAX_ID - 1}`);
  return { containerId, hostId, size };
}

function overlaps(a: { start: number; size: number }, b: { start: number; size: number }): boolean {
  return a.start < b.start + b.size && b.start < a.start + a.size;
}

/** Each side of a map list must be free of overlaps, and container root must be mapped. */
function checkMapList(mode: string, what: 'uidmap' | 'gidmap', maps: IdMap[]): void {
  if (maps.length > MAX_MAP_LINES) fail(mode, `at most ${MAX_MAP_LINES} ${what} entries`);
  for (let i = 0; i < maps.length; i++) {
    for (let j = i + 1; j < maps.length; j++) {
      const [a, b] = [maps[i], maps[j]];
      if (overlaps({ start: a.containerId, size: a.size }, { start: b.containerId, size: b.size })) fail(mode, `${what} entries overlap in container ids`);
      if (overlaps({ start: a.hostId, size: a.size }, { start: b.hostId, size: b.size })) fail(mode, `${what} entries overlap in host ids`);
    }
  }
  // an unmapped root would see its own image as owned by nobody
  if (mapToHost(maps, 0) === undefined) fail(mode, `${what} must map container id 0 (root)`);
}

/** keep-id's options: uid=U and gid=G, each at most once, plain decimal ids. */
function parseKeepIdOptions(mode: string): { uid?: number; gid?: number } {
  if (mode === 'keep-id') return {};
  const out: { uid?: number; gid?: number } = {};
  for (const part of mode.slice('keep-id:'.length).split(',')) {
    const m = /^(uid|gid)=(0|[1-9]\d{0,9})$/.exec(part);
    if (!m) fail(mode, `"${part}" is not uid=U or gid=G (keep-id takes only these, e.g. keep-id:uid=1000,gid=1000)`);
    const key = m[1] as 'uid' | 'gid';
    if (out[key] !== undefined) fail(mode, `${key} given twice`);
    const id = Number(m[2]);
    if (id >= MAX_ID) fail(mode, `${key} ${id} is past the largest id ${MAX_ID - 1}`);
    out[key] = id;
  }
  return out;
}

/** Parse and check HostConfig.UsernsMode; throws InvalidArgumentError (400) on malformed input. */
export function parseUsernsMode(raw: unknown): UsernsRequest {
  const mode = raw === undefined || raw === null ? '' : String(raw).trim();
  if (mode === '' || mode === 'host') return { kind: 'host' };
  if (mode === 'auto' || mode.startsWith('auto:')) {
    if (mode === 'auto') return { kind: 'auto', size: DEFAULT_AUTO_SIZE };
    const m = /^auto:size=(\d+)$/.exec(mode);
    if (!m) fail(mode, 'expected auto or auto:size=N');
    const size = Number(m[1]);
    if (size < 1 || size > 2 ** 31) fail(mode, `size must be between 1 and ${2 ** 31}`);
    return { kind: 'auto', size };
  }
  if (/^(uidmap|gidmap)=/.test(mode)) {
    const uid: IdMap[] = [];
    const gid: IdMap[] = [];
    for (const part of mode.split(',')) {
      const m = /^(uidmap|gidmap)=(.*)$/.exec(part.trim());
      if (!m) fail(mode, `"${part}" is neither uidmap=C:H:N nor gidmap=C:H:N`);
      (m[1] === 'uidmap' ? uid : gid).push(parseMapEntry(mode, m[2]));
    }
    if (!uid.length) fail(mode, 'at least one uidmap=C:H:N is needed');
    const maps = { uid, gid: gid.length ? gid : uid.map((e) => ({ ...e })) };
    checkMapList(mode, 'uidmap', maps.uid);
    checkMapList(mode, 'gidmap', maps.gid);
    return { kind: 'maps', maps };
  }
  if (mode === 'keep-id' || mode.startsWith('keep-id:')) return { kind: 'keep-id', ...parseKeepIdOptions(mode) };
  fail(mode, 'expected host, auto, auto:size=N, keep-id[:uid=U,gid=G] or uidmap=C:H:N[,gidmap=C:H:N]');
}

/** The UsernsMode text for explicit maps (the CLI's --uidmap/--gidmap). */
export function formatUsernsMaps(uid: string[], gid: string[]): string {
  return [...uid.map((m) => `uidmap=${m}`), ...gid.map((m) => `gidmap=${m}`)].join(',');
}

/** Host id of a container id, or undefined when it is not mapped. */
export function mapToHost(maps: IdMap[], id: number): number | undefined {
  const e = maps.find((m) => id >= m.containerId && id < m.containerId + m.size);
  return e ? e.hostId + (id - e.containerId) : undefined;
}

/** Container id of a host id, or undefined when it is not mapped. */
export function containerIdOf(maps: IdMap[], id: number): number | undefined {
  const e = maps.find((m) => id >= m.hostId && id < m.hostId + m.size);
  return e ? e.containerId + (id - e.hostId) : undefined;
}

/** OCI linux.uidMappings / gidMappings. */
export function ociMappings(maps: IdMap[]): Array<{ containerID: number; hostID: number; size: number }> {
  return maps.map((m) => ({ containerID: m.containerId, hostID: m.hostId, size: m.size }));
}

export { overlaps as rangesOverlap };

/** Namespace modes that cannot be combined with a private user namespace (as Docker's userns-remap says). */
export function usernsConflict(hc: any): string {
  if (hc.Privileged) return 'privileged mode is incompatible with a private user namespace (--userns); use --userns=host';
  for (const [field, flag] of [['NetworkMode', '--network'], ['PidMode', '--pid'], ['IpcMode', '--ipc'], ['UTSMode', '--uts']] as const) {
    if (hc[field] === 'host') return `${flag}=host cannot be combined with a private user namespace (--userns); use --userns=host`;
  }
  return '';
}

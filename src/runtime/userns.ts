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
 */
import { InvalidArgumentError, NotSupportedError } from '../common/errors.js';

export interface IdMap { containerId: number; hostId: number; size: number }
export interface UsernsMaps { uid: IdMap[]; gid: IdMap[] }

export type UsernsRequest =
  | { kind: 'host' }
  | { kind: 'auto'; size: number }
  | { kind: 'maps'; maps: UsernsMaps };

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
  if (mode === 'keep-id' || mode.startsWith('keep-id:')) {
    // Podman's keep-id maps the user's uid to itself in a nested user namespace and shows the image owned by
    // root through idmapped layers; the kernel idmaps an ext4/xfs mount only for CAP_SYS_ADMIN over the file
    // system's own (the host's) user namespace, which a rootless engine does not have
    throw new NotSupportedError('--userns=keep-id is not supported: it needs idmapped layer mounts, which the kernel allows only to root on the host, ' +
      'not to a rootless engine. In rootless mode the container\'s root already is your own uid on the host (files it writes to your bind mounts are yours); ' +
      'use :U on a volume or bind mount to give it to another container user', 'ERR_USERNS');
  }
  fail(mode, 'expected host, auto, auto:size=N or uidmap=C:H:N[,gidmap=C:H:N]');
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

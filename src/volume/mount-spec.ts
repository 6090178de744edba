/** -v / Binds strings, HostConfig.Mounts and Tmpfs -> mount points (not yet resolved to volumes). */
import { InvalidArgumentError } from '../common/errors.js';
import { ByteSizeError, ramInBytes } from '../common/byte-size.js';

const VOLUME_NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];

export interface MountPoint {
  Type: 'volume' | 'bind' | 'tmpfs';
  /** volume name (empty: an anonymous volume, named when the container is created) */
  Name: string;
  Source: string;
  Destination: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
  noCopy: boolean;
  /** -v creates a missing host dir; --mount type=bind refuses it */
  createSource: boolean;
  anonymous: boolean;
  tmpfsOptions: string[];
  /** from HostConfig.Tmpfs (--tmpfs): mounted, but not one of inspect's Mounts, as in Docker */
  tmpfsFlag?: boolean;
  volumeLabels?: Record<string, string>;
  volumeOptions?: Record<string, string>;
  /** `:U` (Podman's): chown the source to the container's user at each start */
  chown?: boolean;
}

/** A local volume's name is a directory name: longer than the kernel's NAME_MAX, its mkdir fails. */
const MAX_VOLUME_NAME = 255;

export function checkVolumeName(name: string, verb = 'create'): void {
  if (name.length > MAX_VOLUME_NAME) {
    throw new InvalidArgumentError(`${verb} ${name.slice(0, 32)}…: a local volume name is at most ${MAX_VOLUME_NAME} characters, not ${name.length}`, 'ERR_VOLUME_NAME');
  }
  if (!VOLUME_NAME_RE.test(name)) {
    throw new InvalidArgumentError(`${verb} ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`, 'ERR_VOLUME_NAME');
  }
}

function base(dst: string, spec: string): MountPoint {
  if (!dst.startsWith('/')) throw new InvalidArgumentError(`invalid mount config: invalid mount path: '${dst}' mount path must be absolute`, 'ERR_MOUNT_SPEC');
  if (dst === '/') throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mount config for type "volume": invalid specification: destination can't be '/'`, 'ERR_MOUNT_SPEC');
  return { Type: 'volume', Name: '', Source: '', Destination: dst.replace(/(.)\/+$/, '$1'), Mode: '', RW: true, Propagation: '', noCopy: false, createSource: false, anonymous: false, tmpfsOptions: [] };
}

/** `src:dst[:opts]` or `dst` (anonymous volume). */
function parseBind(spec: string): MountPoint {
  const parts = spec.split(':');
  if (parts.length > 3 || parts.some((p, i) => p === '' && i < 2)) throw new InvalidArgumentError(`invalid volume specification: '${spec}'`, 'ERR_MOUNT_SPEC');
  if (parts.length === 1) return { ...base(parts[0], spec), anonymous: true };
  const [src, dst, modes = ''] = parts;
  if (parts.length === 2 && !dst.startsWith('/')) {
    // `/dst:ro` is an anonymous volume with a mode
    if (src.startsWith('/') && /^(ro|rw|z|Z|U|nocopy)(,|$)/.test(dst)) return applyModes({ ...base(src, spec), anonymous: true }, dst, spec);
  }
  const mp = base(dst, spec);
  if (src.startsWith('/')) { mp.Type = 'bind'; mp.Source = src; mp.createSource = true; mp.Propagation = 'rprivate'; }
  else { checkVolumeName(src); mp.Name = src; }
  return applyModes(mp, modes, spec);
}

function applyModes(mp: MountPoint, modes: string, spec: string): MountPoint {
  for (const m of modes.split(',').filter(Boolean)) {
    if (m === 'ro') mp.RW = false;
    else if (m === 'rw') mp.RW = true;
    else if (m === 'z' || m === 'Z') { /* SELinux labels: nothing to relabel on this host */ }
    else if (m === 'U') mp.chown = true;
    else if (m === 'nocopy' && mp.Type === 'volume') mp.noCopy = true;
    else if (PROPAGATIONS.includes(m) && mp.Type === 'bind') mp.Propagation = m;
    else throw new InvalidArgumentError(`invalid mode: ${m} in volume specification '${spec}'`, 'ERR_MOUNT_SPEC');
  }
  mp.Mode = modes;
  return mp;
}

/** One HostConfig.Mounts entry. */
function parseMountObject(m: any): MountPoint {
  const type = m?.Type;
  if (!m?.Target) throw new InvalidArgumentError('invalid mount config: Target must not be empty', 'ERR_MOUNT_SPEC');
  const mp = base(String(m.Target), String(m.Target));
  mp.RW = !m.ReadOnly;
  if (type === 'bind') {
    if (!m.Source || !String(m.Source).startsWith('/')) throw new InvalidArgumentError('invalid mount config for type "bind": invalid mount path: source must be an absolute path', 'ERR_MOUNT_SPEC');
    mp.Type = 'bind'; mp.Source = m.Source; mp.Propagation = m.BindOptions?.Propagation || 'rprivate';
    if (!PROPAGATIONS.includes(mp.Propagation)) throw new InvalidArgumentError(`invalid propagation mode: ${mp.Propagation}`, 'ERR_MOUNT_SPEC');
  } else if (type === 'volume') {
    if (m.Source) { checkVolumeName(m.Source); mp.Name = m.Source; } else mp.anonymous = true;
    mp.noCopy = !!m.VolumeOptions?.NoCopy;
    mp.volumeLabels = m.VolumeOptions?.Labels ?? undefined;
    mp.volumeOptions = m.VolumeOptions?.DriverConfig?.Options ?? undefined;
    if (m.VolumeOptions?.DriverConfig?.Name && m.VolumeOptions.DriverConfig.Name !== 'local') throw new InvalidArgumentError(`volume driver ${m.VolumeOptions.DriverConfig.Name} is not available; only the local driver is`);
  } else if (type === 'tmpfs') {
    if (m.Source) throw new InvalidArgumentError('invalid mount config for type "tmpfs": Source must not be specified', 'ERR_MOUNT_SPEC');
    mp.Type = 'tmpfs';
    mp.tmpfsOptions = ['nosuid', 'nodev', 'noexec'];
    if (m.TmpfsOptions?.SizeBytes) mp.tmpfsOptions.push(`size=${m.TmpfsOptions.SizeBytes}`);
    if (m.TmpfsOptions?.Mode) mp.tmpfsOptions.push(`mode=${Number(m.TmpfsOptions.Mode).toString(8)}`);
  } else throw new InvalidArgumentError(`invalid mount config: mount type unknown: "${type}"`, 'ERR_MOUNT_SPEC');
  return mp;
}

/** Every user mount of a HostConfig, checked for duplicate destinations. */
export function parseHostMounts(hc: any): MountPoint[] {
  const out: MountPoint[] = [];
  for (const b of (hc.Binds ?? []) as string[]) out.push(parseBind(b));
  for (const m of (hc.Mounts ?? []) as any[]) out.push(parseMountObject(m));
  for (const [dst, opts] of Object.entries((hc.Tmpfs ?? {}) as Record<string, string>)) {
    out.push({ ...base(dst, dst), Type: 'tmpfs', tmpfsFlag: true, tmpfsOptions: ['nosuid', 'nodev', 'noexec', ...(opts ? opts.split(',') : [])] });
  }
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.Destination)) throw new InvalidArgumentError(`Duplicate mount point: ${m.Destination}`, 'ERR_MOUNT_SPEC');
    seen.add(m.Destination);
  }
  return out;
}

/** `--mount type=volume,source=x,target=/y,readonly,...` (the CLI's parser). */
export function parseMountFlag(s: string): any {
  const m: any = {};
  for (const field of s.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const val = eq < 0 ? undefined : field.slice(eq + 1);
    const bool = () => val === undefined || val === 'true' || val === '1';
    switch (key) {
      case 'type': m.Type = val; break;
      case 'source': case 'src': m.Source = val; break;
      case 'target': case 'destination': case 'dst': m.Target = val; break;
      case 'readonly': case 'ro': m.ReadOnly = bool(); break;
      case 'bind-propagation': (m.BindOptions ??= {}).Propagation = val; break;
      case 'volume-nocopy': (m.VolumeOptions ??= {}).NoCopy = bool(); break;
      case 'volume-label': { const [k, v = ''] = String(val).split('='); ((m.VolumeOptions ??= {}).Labels ??= {})[k] = v; break; }
      case 'volume-driver': ((m.VolumeOptions ??= {}).DriverConfig ??= {}).Name = val; break;
      case 'volume-opt': { const [k, ...v] = String(val).split('='); (((m.VolumeOptions ??= {}).DriverConfig ??= {}).Options ??= {})[k] = v.join('='); break; }
      case 'tmpfs-size': (m.TmpfsOptions ??= {}).SizeBytes = parseSize(String(val)); break;
      case 'tmpfs-mode': (m.TmpfsOptions ??= {}).Mode = parseInt(String(val), 8); break;
      case 'consistency': break;
      default: throw new InvalidArgumentError(`invalid argument "${s}" for "--mount" flag: unexpected key '${key}' in '${field}'`, 'ERR_MOUNT_SPEC');
    }
  }
  m.Type ??= 'volume';
  if (!m.Target) throw new InvalidArgumentError(`invalid argument "${s}" for "--mount" flag: target is required`, 'ERR_MOUNT_SPEC');
  return m;
}

/** tmpfs-size: 1024-based as Docker's units.RAMInBytes. */
function parseSize(s: string): number {
  try { return ramInBytes(s); } catch (e) {
    if (e instanceof ByteSizeError) throw new InvalidArgumentError(`invalid size: '${s}'`, 'ERR_MOUNT_SPEC');
    throw e;
  }
}

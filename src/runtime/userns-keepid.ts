/**
 * --userns=keep-id in rootless mode (Podman's flag): the container gets a user namespace nested in the
 * daemon's, whose maps put the container's uid U (default: the user's uid on the host) on the daemon's 0
 * (which is the user on the host), the container's 0..U-1 on 1..U and U+1..N on U+1..N, the same for gids.
 * A bind-mounted folder of the user's then shows owned by U inside, and what U writes there is the user's.
 * The image is shown owned by the container's root through chowned copies of its layers (userns-shifted.ts),
 * as the kernel idmaps layer mounts only for root on the host. In rootful mode keep-id means nothing.
 */
import { appendFileSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, NotSupportedError } from '../common/errors.js';
import { ROOTLESS_ENV, ROOTLESS_HOST_USER_ENV } from '../rootless/env-names.js';
import { resolveInRoot } from './resolve-in-root.js';
import { containerIdOf, mapToHost, type IdMap, type UsernsMaps } from './userns.js';

/** The rootless daemon's user namespace: the user on the host, and how many ids (0..count-1) it has. */
export interface RootlessNamespace { uid: number; gid: number; name: string; uidCount: number; gidCount: number }

/** Ids 0..n-1 the namespace maps without a gap (a rootless daemon's: 0 the user, 1.. the subordinate ids). */
function contiguousCount(mapFile: string): number {
  const lines = readFileSync(mapFile, 'utf8').trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number))
    .filter((f) => f.length === 3).sort((a, b) => a[0]! - b[0]!);
  let next = 0;
  for (const [inside, , size] of lines) if (inside === next) next += size!;
  return next;
}

/** The outside id of inside id 0 (the user on the host), from a map file. */
function outsideOfRoot(mapFile: string): number | undefined {
  const line = readFileSync(mapFile, 'utf8').split('\n').map((l) => l.trim().split(/\s+/).map(Number)).find((f) => f[0] === 0);
  return line && line.length === 3 ? line[1] : undefined;
}

/** The namespace of a rootless daemon (the entry marks it and names the user), or undefined in rootful mode. */
export function rootlessNamespace(env: NodeJS.ProcessEnv = process.env): RootlessNamespace | undefined {
  if (env[ROOTLESS_ENV] !== '1') return undefined;
  // the entry passes uid:gid:name; the maps say the same for the ids when it did not (an older entry)
  const [u, g, ...name] = (env[ROOTLESS_HOST_USER_ENV] ?? '').split(':');
  const uid = u && /^\d+$/.test(u) ? Number(u) : outsideOfRoot('/proc/self/uid_map');
  const gid = g && /^\d+$/.test(g) ? Number(g) : outsideOfRoot('/proc/self/gid_map');
  if (uid === undefined || gid === undefined) return undefined;
  return { uid, gid, name: name.join(':') || `user${uid}`, uidCount: contiguousCount('/proc/self/uid_map'), gidCount: contiguousCount('/proc/self/gid_map') };
}

function keepIdMap(kind: 'uid' | 'gid', keep: number, count: number): IdMap[] {
  if (count < 2) throw new NotSupportedError(`--userns=keep-id needs subordinate ${kind}s: the rootless namespace has only the user's own ${kind}`, 'ERR_USERNS');
  if (keep >= count) {
    throw new InvalidArgumentError(`--userns=keep-id: ${kind} ${keep} is outside the rootless namespace's ${count} ${kind}s (0-${count - 1}); ` +
      `give keep-id:${kind}=N with a smaller N, or the user more subordinate ${kind}s in /etc/sub${kind}`, 'ERR_USERNS');
  }
  // root is the user: the daemon's own ids, as two lines (one line over all the namespace's ids was refused
  // with EPERM when crun wrote the gid_map here; two lines are the same map and are taken)
  if (keep === 0) return [{ containerId: 0, hostId: 0, size: 1 }, { containerId: 1, hostId: 1, size: count - 1 }];
  const maps: IdMap[] = [{ containerId: 0, hostId: 1, size: keep }, { containerId: keep, hostId: 0, size: 1 }];
  if (keep + 1 < count) maps.push({ containerId: keep + 1, hostId: keep + 1, size: count - keep - 1 });
  return maps;
}

/** keep-id's maps (relative to the daemon's namespace); refused in rootful mode, where it means nothing. */
export function keepIdMaps(req: { uid?: number; gid?: number }, ns: RootlessNamespace | undefined): UsernsMaps {
  if (!ns) {
    throw new NotSupportedError('--userns=keep-id works only with a rootless daemon (berth serve run by a user): it maps the container user to that user; ' +
      'a rootful daemon has no such user (use --userns=auto or --uidmap/--gidmap for a private user namespace)', 'ERR_USERNS');
  }
  return { uid: keepIdMap('uid', req.uid ?? ns.uid, ns.uidCount), gid: keepIdMap('gid', req.gid ?? ns.gid, ns.gidCount) };
}

/** The container user keep-id maps to the user (the one on the daemon's 0). */
export function keepIdUser(maps: UsernsMaps): { uid: number; gid: number } {
  return { uid: containerIdOf(maps.uid, 0) ?? 0, gid: containerIdOf(maps.gid, 0) ?? 0 };
}

/**
 * As Podman: /etc/passwd and /etc/group get an entry for the kept user when the image has none, with a
 * home directory owned by it, so that `id`, `whoami` and $HOME work. Written through the mounted rootfs
 * (into the container's upper dir); an existing file keeps its owner, a new one is the container root's.
 */
export function ensureKeepIdUser(rootfs: string, maps: UsernsMaps, name: string): void {
  const { uid, gid } = keepIdUser(maps);
  const rootOwner = { uid: mapToHost(maps.uid, 0)!, gid: mapToHost(maps.gid, 0)! };
  const passwdPath = resolveInRoot(rootfs, '/etc/passwd');
  const groupPath = resolveInRoot(rootfs, '/etc/group');
  const read = (p: string) => { try { return readFileSync(p, 'utf8'); } catch { return undefined; } };
  const entries = (text: string | undefined) => (text ?? '').split('\n').map((l) => l.split(':')).filter((f) => f.length >= 3);
  const append = (path: string, text: string | undefined, line: string) => {
    if (text === undefined) {
      mkdirSync(resolveInRoot(rootfs, '/etc'), { recursive: true });
      writeFileSync(path, line, { mode: 0o644 });
      chownSync(path, rootOwner.uid, rootOwner.gid);
    } else appendFileSync(path, (text === '' || text.endsWith('\n') ? '' : '\n') + line);
  };
  const passwd = read(passwdPath);
  const users = entries(passwd);
  if (!users.some((f) => f[2] === String(uid))) {
    const user = users.some((f) => f[0] === name) || !/^[a-z_][a-z0-9_.-]*$/i.test(name) ? `keepid${uid}` : name;
    const home = `/home/${user}`;
    append(passwdPath, passwd, `${user}:*:${uid}:${gid}:${user}:${home}:/bin/sh\n`);
    const homeDir = resolveInRoot(rootfs, home);
    if (!existsSync(homeDir)) {
      const parent = resolveInRoot(rootfs, '/home');
      if (!existsSync(parent)) { mkdirSync(parent, { recursive: true, mode: 0o755 }); chownSync(parent, rootOwner.uid, rootOwner.gid); }
      mkdirSync(homeDir, { mode: 0o755 });
      // the daemon's 0 is the kept user inside: a directory the daemon made is the user's already
      chownSync(homeDir, mapToHost(maps.uid, uid)!, mapToHost(maps.gid, gid)!);
    }
  }
  const group = read(groupPath);
  const groups = entries(group);
  if (!groups.some((f) => f[2] === String(gid))) {
    const gname = groups.some((f) => f[0] === name) || !/^[a-z_][a-z0-9_.-]*$/i.test(name) ? `keepid${gid}` : name;
    append(groupPath, group, `${gname}:x:${gid}:\n`);
  }
}

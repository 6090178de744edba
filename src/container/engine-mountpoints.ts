/**
 * What `docker diff` leaves out. Docker keeps the mount points it needs in every container
 * (/etc/hostname, /etc/hosts, /etc/resolv.conf, /proc, /sys, /dev ...) in an "init" layer
 * under the container's own, so a fresh container shows no changes. berth's runtime makes
 * them in the container's upper dir; they are hidden from diff here instead. Anything under
 * them is covered by the mount, so only the mount point itself can show up.
 */
const ENGINE_MOUNTPOINTS = new Set(['/etc/hostname', '/etc/hosts', '/etc/resolv.conf', '/proc', '/sys', '/dev']);

export interface Change { Path: string; Kind: number }

/**
 * Drop added engine mount points, and a directory shown as changed only because one was made
 * in it (overlay copies the parent up). A directory whose own metadata also changed is dropped
 * with them: the upper dir cannot tell the two apart.
 */
export function withoutEngineMountpoints<T extends Change>(changes: T[]): T[] {
  const dropped = changes.filter((c) => c.Kind === 1 && ENGINE_MOUNTPOINTS.has(c.Path)).map((c) => c.Path);
  if (!dropped.length) return changes;
  let out = changes.filter((c) => !(c.Kind === 1 && ENGINE_MOUNTPOINTS.has(c.Path)));
  const parents = new Set<string>();
  for (const p of dropped) {
    for (let dir = p.slice(0, p.lastIndexOf('/')); dir; dir = dir.slice(0, dir.lastIndexOf('/'))) parents.add(dir);
  }
  // deepest first, so /a/b going can let /a go too
  for (const dir of [...parents].sort((a, b) => b.length - a.length)) {
    if (!out.some((c) => c.Path.startsWith(dir + '/'))) out = out.filter((c) => !(c.Path === dir && c.Kind === 0));
  }
  return out;
}

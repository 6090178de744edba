/**
 * A small real Debian image made offline from the host's own files (the suite runs in a network
 * namespace, where `berth image bootstrap debian` cannot reach a mirror): the host's dpkg database and
 * os-release, dpkg-query, dash and a few coreutils with the libraries they load. dpkg-query inside a
 * container of it reports the same packages the SBOM must list.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const PROGRAMS = ['/usr/bin/dpkg-query', '/usr/bin/dash', '/usr/bin/sh', '/usr/bin/sleep', '/usr/bin/rm', '/usr/bin/cat'];
const FILES = ['/etc/os-release', '/var/lib/dpkg/status', '/usr/share/doc/bash/copyright', '/usr/share/doc/coreutils/copyright'];

/** The shared libraries a program loads, from ldd (the dynamic loader included). */
function libraries(program: string): string[] {
  const out = execFileSync('ldd', [program], { encoding: 'utf8' });
  return [...out.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1]!);
}

/** A path with its directories resolved (usr-merge: /lib/x → /usr/lib/x), plus what a final symlink points at. */
function closure(path: string, into: Set<string>): void {
  const real = join(realpathSync(dirname(path)), basename(path));
  if (into.has(real)) return;
  into.add(real);
  if (lstatSync(real).isSymbolicLink()) closure(resolve(dirname(real), readlinkSync(real)), into);
}

/** Writes the image's layer tar to `dest` and returns it. */
export function hostDpkgImageTar(dest: string): string {
  const paths = new Set<string>();
  for (const p of PROGRAMS) {
    closure(p, paths);
    for (const lib of libraries(realpathSync(p))) closure(lib, paths);
  }
  for (const f of FILES) if (existsSync(f)) closure(f, paths);
  // the usr-merge symlinks (/bin -> usr/bin, ...) as the host has them
  for (const top of ['/bin', '/sbin', '/lib', '/lib64']) if (existsSync(top) && lstatSync(top).isSymbolicLink()) paths.add(top);
  // every parent directory gets an entry of its own, so the tar is complete without recursion
  const entries = new Set<string>();
  for (const p of paths) {
    for (let d = dirname(p); d !== '/'; d = dirname(d)) entries.add(d);
    entries.add(p);
  }
  const list = [...entries].sort().map((p) => p.slice(1));
  execFileSync('tar', ['-C', '/', '--no-recursion', '-cf', dest, ...list]);
  return dest;
}

/** Ownership and modes of the daemon's files (CIS section 3), and the auditd rules that watch them (1.1.x). */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface PathStat { path: string; uid: number; gid: number; mode: number; kind: 'file' | 'dir' | 'socket' | 'other' }

/** stat a path; the error says which path could not be read and why. */
export function statPath(path: string): PathStat {
  let st;
  try { st = statSync(path); } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(`cannot read ${path}: ${err.code ?? err.message}`);
  }
  const kind = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSocket() ? 'socket' : 'other';
  return { path, uid: st.uid, gid: st.gid, mode: st.mode & 0o7777, kind };
}

export const octal = (mode: number): string => mode.toString(8).padStart(4, '0');

/** No permission bit beyond those of `max` (660 allows 640, 600, 440...). */
export const modeWithin = (mode: number, max: number): boolean => (mode & ~max) === 0;

/** A gid from a group name or number, looked up in /etc/group. */
export function gidOf(groupFile: string, group: string): number | undefined {
  if (/^\d+$/.test(group)) return Number(group);
  let text: string;
  try { text = readFileSync(groupFile, 'utf8'); } catch { return undefined; }
  const line = text.split('\n').find((l) => l.split(':')[0] === group);
  return line ? Number(line.split(':')[2]) : undefined;
}

/** The members of a group (by gid): its member list in /etc/group. */
export function groupMembers(groupFile: string, gid: number): { name: string; members: string[] } | undefined {
  const text = readFileSync(groupFile, 'utf8');
  for (const l of text.split('\n')) {
    const f = l.split(':');
    if (f.length >= 4 && Number(f[2]) === gid) return { name: f[0], members: f[3].split(',').filter(Boolean) };
  }
  return undefined;
}

/**
 * The paths auditd watches, from its rule files (`-w PATH` and `-F path=PATH`/`-F dir=PATH`).
 * undefined when no rule file exists (auditd is not set up on this host).
 */
export function auditWatches(ruleFiles: string[]): string[] | undefined {
  const texts: string[] = [];
  for (const p of ruleFiles) {
    if (!existsSync(p)) continue;
    const st = statSync(p);
    if (st.isDirectory()) {
      for (const f of readdirSync(p).sort()) if (f.endsWith('.rules')) texts.push(readFileSync(join(p, f), 'utf8'));
    } else {
      texts.push(readFileSync(p, 'utf8'));
    }
  }
  if (texts.length === 0) return undefined;
  const out: string[] = [];
  for (const line of texts.join('\n').split('\n')) {
    const t = line.trim();
    if (t.startsWith('#')) continue;
    const w = /(?:^|\s)-w\s+(\S+)/.exec(t);
    if (w) out.push(w[1]);
    for (const m of t.matchAll(/-F\s+(?:path|dir)=(\S+)/g)) out.push(m[1]);
  }
  return out;
}

/** Is `path` watched (a watch on it or on a directory above it)? */
export function watched(watches: string[], path: string): boolean {
  const norm = (p: string) => p.replace(/\/+$/, '') || '/';
  const target = norm(path);
  return watches.some((w) => { const n = norm(w); return target === n || target.startsWith(n === '/' ? '/' : n + '/'); });
}

/** The mount point and file system type that hold `path` (the longest mount point above it). */
export function mountOf(mountinfo: string, path: string): { mountPoint: string; fsType: string } {
  const text = readFileSync(mountinfo, 'utf8');
  let best = { mountPoint: '/', fsType: '' };
  for (const line of text.split('\n')) {
    if (!line) continue;
    const f = line.split(' ');
    const mp = f[4]?.replace(/\\040/g, ' ');
    const sep = f.indexOf('-');
    if (!mp || sep < 0) continue;
    const under = mp === '/' || path === mp || path.startsWith(mp + '/');
    if (under && mp.length >= best.mountPoint.length) best = { mountPoint: mp, fsType: f[sep + 1] };
  }
  return best;
}

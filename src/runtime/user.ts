import { lstatSync, readFileSync } from 'node:fs';
import { InvalidArgumentError } from '../common/errors.js';
import { resolveInRoot } from './resolve-in-root.js';

function readRootFile(rootfs: string, path: string): string | undefined {
  try {
    const host = resolveInRoot(rootfs, path);
    if (!lstatSync(host).isFile()) return undefined;
    return readFileSync(host, 'utf8');
  } catch { return undefined; }
}

interface PasswdEntry { name: string; uid: number; gid: number; home: string }
interface GroupEntry { name: string; gid: number; members: string[] }

function parsePasswd(text: string | undefined): PasswdEntry[] {
  if (!text) return [];
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'))
    .filter((f) => f.length >= 7).map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5] }));
}

function parseGroup(text: string | undefined): GroupEntry[] {
  if (!text) return [];
  return text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(':'))
    .filter((f) => f.length >= 4).map((f) => ({ name: f[0], gid: Number(f[2]), members: f[3].split(',').filter(Boolean) }));
}

const isNumeric = (s: string) => /^\d+$/.test(s);

/** Docker's user resolution: 'name', 'uid', 'uid:gid', 'name:group' against the image's /etc/passwd and /etc/group. */
export function resolveUser(rootfs: string, user: string | undefined): { uid: number; gid: number; additionalGids: number[]; home: string } {
  const spec = (user ?? '').trim();
  const [userPart, groupPart] = spec === '' ? ['0', undefined] : spec.split(':', 2) as [string, string | undefined];
  const passwd = parsePasswd(readRootFile(rootfs, '/etc/passwd'));
  const groups = parseGroup(readRootFile(rootfs, '/etc/group'));

  let entry: PasswdEntry | undefined;
  let uid: number;
  if (isNumeric(userPart)) {
    uid = Number(userPart);
    entry = passwd.find((p) => p.uid === uid);
  } else {
    entry = passwd.find((p) => p.name === userPart);
    if (!entry) throw new InvalidArgumentError(`unable to find user ${userPart}: no matching entries in passwd file`);
    uid = entry.uid;
  }
  let gid = entry ? entry.gid : 0;
  if (groupPart !== undefined && groupPart !== '') {
    if (isNumeric(groupPart)) gid = Number(groupPart);
    else {
      const g = groups.find((x) => x.name === groupPart);
      if (!g) throw new InvalidArgumentError(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.gid;
    }
  }
  // supplementary groups the user is a member of (only when the user has a name)
  const additionalGids = entry
    ? [...new Set(groups.filter((g) => g.members.includes(entry!.name) && g.gid !== gid).map((g) => g.gid))]
    : [];
  if (uid > 0xffffffff || gid > 0xffffffff) throw new InvalidArgumentError(`uid/gid out of range: ${spec}`);
  return { uid, gid, additionalGids, home: entry?.home || '/' };
}


/**
 * The rootless user's own subordinate ids: their lines in /etc/subuid and /etc/subgid (shadow-utils'
 * `name:start:count`, where name may also be the numeric uid, as newuidmap accepts). Without one the
 * user namespace could map only the user's own id, and no image with more than one owner would unpack.
 */
import { readFileSync } from 'node:fs';
import { SystemError } from '../common/errors.js';

export interface SubIdRange { start: number; count: number }

export interface SubIdFiles { subuid: string; subgid: string }

/** /etc/subuid and /etc/subgid, or BERTH_SUBUID_FILE / BERTH_SUBGID_FILE (the same override as userns-remap's). */
export function rootlessSubIdFiles(env: NodeJS.ProcessEnv = process.env): SubIdFiles {
  return { subuid: env.BERTH_SUBUID_FILE || '/etc/subuid', subgid: env.BERTH_SUBGID_FILE || '/etc/subgid' };
}

/** The ranges of `name` (or of its numeric id) in one subid file's text. */
export function parseSubIdRanges(text: string, name: string, id: number): SubIdRange[] {
  const out: SubIdRange[] = [];
  for (const line of text.split('\n')) {
    const m = /^([^:#\s][^:]*):(\d+):(\d+)\s*$/.exec(line);
    if (m && (m[1] === name || m[1] === String(id)) && Number(m[3]) > 0) out.push({ start: Number(m[2]), count: Number(m[3]) });
  }
  return out;
}

/** The user's ranges in one file; a missing file or line is ERR_ROOTLESS_SUBID naming the line to add. */
export function requireSubIds(path: string, kind: 'uid' | 'gid', user: string, id: number): SubIdRange[] {
  let text = '';
  try { text = readFileSync(path, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new SystemError(`reading ${path}: ${(e as Error).message}`, 'ERR_ROOTLESS_SUBID');
  }
  const ranges = parseSubIdRanges(text, user, id);
  if (ranges.length === 0) {
    throw new SystemError(
      `rootless mode needs subordinate ${kind}s for user ${user}, and ${path} has no line for it. ` +
      `Add one as root, e.g. \`echo ${user}:100000:65536 >> ${path}\` (pick a range no other user's line overlaps; ` +
      `\`usermod --add-sub${kind}s 100000-165535 ${user}\` does the same)`, 'ERR_ROOTLESS_SUBID');
  }
  return ranges;
}

/** The newuidmap/newgidmap arguments: container 0 is the user, 1.. the subordinate ranges in order. */
export function mapArgs(ownId: number, ranges: SubIdRange[]): string[] {
  const args = ['0', String(ownId), '1'];
  let next = 1;
  for (const r of ranges) {
    args.push(String(next), String(r.start), String(r.count));
    next += r.count;
  }
  return args;
}

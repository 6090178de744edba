/**
 * berth's share of the host's subordinate ids: the `berth` lines of /etc/subuid and
 * /etc/subgid (shadow-utils' format `name:start:count`). When berth has none, one
 * large range is added that overlaps no other user's range, so that many
 * containers can each get 65536 ids of their own.
 */
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { SystemError } from '../common/errors.js';

export const SUBID_USER = 'berth';
/** Where berth's range starts when it can (far above the 100000.. ranges useradd hands out). */
const PREFERRED_START = 100_000_000;
const PREFERRED_SIZE = 1_000_000_000;
const ALIGN = 65536;
const LAST_ID = 2 ** 32 - 2;

export interface SubidRange { start: number; size: number }
export interface SubidFiles { subuid: string; subgid: string }

/** The files to use: /etc/subuid and /etc/subgid, or BERTH_SUBUID_FILE/BERTH_SUBGID_FILE (tests, unusual hosts). */
export function subidFiles(env: NodeJS.ProcessEnv = process.env): SubidFiles {
  return { subuid: env.BERTH_SUBUID_FILE || '/etc/subuid', subgid: env.BERTH_SUBGID_FILE || '/etc/subgid' };
}

interface SubidLine { name: string; start: number; size: number }

function parseSubidFile(text: string): SubidLine[] {
  const out: SubidLine[] = [];
  for (const line of text.split('\n')) {
    const m = /^([^:#\s][^:]*):(\d+):(\d+)\s*$/.exec(line);
    if (m) out.push({ name: m[1], start: Number(m[2]), size: Number(m[3]) });
  }
  return out;
}

function readText(path: string): string {
  try { return readFileSync(path, 'utf8'); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new SystemError(`reading ${path}: ${(e as Error).message}`, 'ERR_SUBID');
  }
}

/** A start for a new range of `size` ids that overlaps none of `taken`. */
export function pickFreeStart(taken: SubidRange[], size: number): number | undefined {
  let start = PREFERRED_START;
  const sorted = [...taken].sort((a, b) => a.start - b.start);
  for (let i = 0; i <= sorted.length; i++) { // each pass moves past one range: bounded
    const hit = sorted.find((r) => start < r.start + r.size && r.start < start + size);
    if (!hit) return start + size - 1 <= LAST_ID ? start : undefined;
    start = Math.ceil((hit.start + hit.size) / ALIGN) * ALIGN;
  }
  return undefined;
}

/** berth's ranges in one subid file, adding one when there is none. */
export function ensureSubidRanges(path: string): SubidRange[] {
  const text = readText(path);
  const lines = parseSubidFile(text);
  const mine = lines.filter((l) => l.name === SUBID_USER);
  if (mine.length) return mine.map(({ start, size }) => ({ start, size }));
  let size = PREFERRED_SIZE;
  let start = pickFreeStart(lines, size);
  if (start === undefined) { size = ALIGN * 1024; start = pickFreeStart(lines, size); }
  if (start === undefined) throw new SystemError(`no free range of subordinate ids left in ${path} for user ${SUBID_USER}`, 'ERR_SUBID');
  let mode = 0o644;
  try { mode = statSync(path).mode & 0o777; } catch { /* new file */ }
  const tmp = `${path}.berth-${process.pid}`;
  writeFileSync(tmp, `${text}${text && !text.endsWith('\n') ? '\n' : ''}${SUBID_USER}:${start}:${size}\n`, { mode });
  renameSync(tmp, path);
  return [{ start, size }];
}

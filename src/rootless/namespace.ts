/**
 * Is this process the rootless engine, i.e. root of a user namespace that maps only part of the
 * host's ids? Read from /proc/self/uid_map, so it holds whoever started the process.
 */
import { readFileSync } from 'node:fs';

export interface IdMapLine { inside: number; outside: number; count: number }

export function parseIdMap(text: string): IdMapLine[] {
  return text.split('\n').map((l) => l.trim().split(/\s+/).map(Number)).filter((f) => f.length === 3 && f.every(Number.isFinite))
    .map(([inside, outside, count]) => ({ inside: inside!, outside: outside!, count: count! }));
}

let cached: boolean | undefined;

/** true in a user namespace whose map is not the initial namespace's identity map of all 2^32-1 ids */
export function inUserNamespace(): boolean {
  if (cached !== undefined) return cached;
  try {
    const map = parseIdMap(readFileSync('/proc/self/uid_map', 'utf8'));
    cached = !(map.length === 1 && map[0]!.inside === 0 && map[0]!.outside === 0 && map[0]!.count === 4294967295);
  } catch { cached = false; }
  return cached;
}

/**
 * The distribution of a tree, from os-release(5): /etc/os-release, else /usr/lib/os-release.
 * The file is a list of shell-style assignments; values may be quoted with "..." (with \" \\ \$ \`
 * escapes) or '...'.
 */
import type { FileTree } from './file-tree.js';
import type { DistroInfo } from './types.js';

const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release'];

export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]!] = unquote(m[2]!);
  }
  return out;
}

function unquote(v: string): string {
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\([\\"$`])/g, '$1');
  return v.replace(/\\(.)/g, '$1');
}

export function distroFromOsRelease(fields: Record<string, string>): DistroInfo | undefined {
  const id = fields.ID?.toLowerCase();
  if (!id) return undefined;
  const info: DistroInfo = { id };
  if (fields.VERSION_ID) info.versionId = fields.VERSION_ID;
  if (fields.VERSION_CODENAME) info.versionCodename = fields.VERSION_CODENAME;
  if (fields.PRETTY_NAME) info.prettyName = fields.PRETTY_NAME;
  return info;
}

/** undefined when the tree has no readable os-release (a scratch image, a plain directory). */
export async function detectDistro(tree: FileTree): Promise<DistroInfo | undefined> {
  for (const path of OS_RELEASE_PATHS) {
    let text: string;
    try {
      text = (await tree.readFile(path)).toString('utf8');
    } catch {
      continue;
    }
    const info = distroFromOsRelease(parseOsRelease(text));
    if (info) return info;
  }
  return undefined;
}

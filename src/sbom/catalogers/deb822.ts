/**
 * Debian control-file syntax (deb822), as dpkg's status file, status.d entries and DEP-5 copyright
 * files use it: paragraphs separated by blank lines, `Field: value`, continuation lines starting
 * with a space or tab. Field names are matched case-insensitively, as dpkg does.
 */

export type Paragraph = Map<string, string>;

export interface ParseResult {
  paragraphs: Paragraph[];
  /** lines that are neither a field nor a continuation (1-based), e.g. from a truncated or binary file */
  badLines: number[];
}

export function parseDeb822(text: string): ParseResult {
  const paragraphs: Paragraph[] = [];
  const badLines: number[] = [];
  let cur: Paragraph | undefined;
  let lastKey: string | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') { cur = undefined; lastKey = undefined; continue; }
    if (line.startsWith('#') && !cur) continue; // comments are allowed between paragraphs
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (!cur || lastKey === undefined) { badLines.push(i + 1); continue; }
      cur.set(lastKey, cur.get(lastKey)! + '\n' + line.slice(1));
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0 || !/^[\x21-\x39\x3b-\x7e]+$/.test(line.slice(0, colon))) { badLines.push(i + 1); continue; }
    if (!cur) { cur = new Map(); paragraphs.push(cur); }
    lastKey = line.slice(0, colon).toLowerCase();
    cur.set(lastKey, line.slice(colon + 1).trim());
  }
  return { paragraphs, badLines };
}

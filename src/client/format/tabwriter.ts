/**
 * Elastic tabstops as Go's text/tabwriter does them, configured like Docker's CLI
 * (minwidth 10, tabwidth 1, padding 3, padchar ' '). Cells are tab-terminated; the text
 * after the last tab of a line is not a cell and is never padded. A column block is a run
 * of consecutive lines that all have a cell in that column, exactly as in Go.
 */
export interface TabwriterOptions { minWidth?: number; padding?: number }

/**
 * Code points in `s` (what Go's tabwriter counts): UTF-16 units less one per surrogate pair. A
 * loop over char codes rather than `for…of`: a 1,000-row `ps` measures every cell once, in a
 * process too short-lived for the string iterator to get optimised.
 */
function displayWidth(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n--; i++; }
    }
  }
  return n;
}

export function tabwrite(text: string, opts: TabwriterOptions = {}): string {
  const minWidth = opts.minWidth ?? 10;
  const padding = opts.padding ?? 3;
  const endsWithNewline = text.endsWith('\n');
  const rawLines = (endsWithNewline ? text.slice(0, -1) : text).split('\n');
  const lines = rawLines.map((l) => l.split('\t'));
  const widths: number[] = [];
  const out: string[] = [];

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i];
      let s = '';
      for (let j = 0; j < cells.length; j++) {
        const c = cells[j];
        if (j < widths.length && j < cells.length - 1) s += c + ' '.repeat(Math.max(0, widths[j] - displayWidth(c)));
        else s += c;
      }
      out.push(s);
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let cur = line0; cur < line1; cur++) {
      if (column >= lines[cur].length - 1) continue;
      writeLines(line0, cur);
      line0 = cur;
      let width = minWidth;
      for (; cur < line1; cur++) {
        const cells = lines[cur];
        if (column >= cells.length - 1) break;
        width = Math.max(width, displayWidth(cells[column]) + padding);
      }
      widths.push(width);
      format(line0, cur);
      widths.pop();
      line0 = cur;
      cur--; // the outer loop's increment must revisit `cur`, the first line past the block
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}

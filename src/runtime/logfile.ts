import { readFileSync } from 'node:fs';

export interface LogLine { time: Date; stream: 'stdout' | 'stderr'; partial: boolean; data: Buffer }

/**
 * One line of conmon's k8s-file log: `<RFC3339Nano time> <stdout|stderr> <F|P> <data>`.
 * P marks a partial line (no trailing newline in the output); F lines get their newline back.
 */
export function parseLogLine(line: string): LogLine | null {
  const a = line.indexOf(' ');
  const b = a < 0 ? -1 : line.indexOf(' ', a + 1);
  if (a < 0 || b < 0) return null;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return null;
  const c = line.indexOf(' ', b + 1);
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  const partial = tag.split(':').includes('P');
  const text = c < 0 ? '' : line.slice(c + 1);
  const time = new Date(line.slice(0, a));
  return { time, stream, partial, data: Buffer.from(partial ? text : text + '\n') };
}

export function readLogFile(path: string): LogLine[] {
  let text: string;
  try { text = readFileSync(path, 'utf8'); } catch { return []; }
  const out: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const l = parseLogLine(line);
    if (l) out.push(l);
  }
  return out;
}

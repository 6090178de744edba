/**
 * Docker's json-file log records, built from conmon's k8s-file records.
 * k8s-file: `<RFC3339Nano with offset> <stdout|stderr> <F|P> <data>` per line (F ends a line whose
 * newline conmon stripped; P is a piece of a longer or unfinished line).
 * json-file: `{"log":"<line>\n","stream":"stdout","time":"<RFC3339Nano UTC>"}` per line, Go's
 * encoding (HTML characters and U+2028/2029 escaped, invalid UTF-8 as U+FFFD).
 */

/** Docker's log copier hands lines to the driver in pieces of at most this many bytes. */
const DOCKER_MAX_LINE = 16 * 1024;

export interface K8sRecord { time: string; stream: 'stdout' | 'stderr'; partial: boolean; data: Buffer }

/** Parse one k8s-file record (without its newline); null for a malformed one. */
export function parseK8sRecord(line: Buffer): K8sRecord | null {
  const s1 = line.indexOf(0x20);
  if (s1 <= 0) return null;
  const s2 = line.indexOf(0x20, s1 + 1);
  if (s2 < 0) return null;
  const stream = line.toString('latin1', s1 + 1, s2);
  if (stream !== 'stdout' && stream !== 'stderr') return null;
  const s3 = line.indexOf(0x20, s2 + 1);
  const tag = line.toString('latin1', s2 + 1, s3 < 0 ? line.length : s3);
  const time = toUtcNano(line.toString('latin1', 0, s1));
  if (!time) return null;
  return { time, stream, partial: tag.split(':').includes('P'), data: s3 < 0 ? Buffer.alloc(0) : line.subarray(s3 + 1) };
}

const TS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/;

/** An RFC 3339 time with any offset as Go's RFC3339Nano in UTC (trailing zeros of the fraction trimmed). */
export function toUtcNano(ts: string): string | null {
  const m = TS.exec(ts);
  if (!m) return null;
  let ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  if (m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const digits = m[8].slice(1).replace(':', '');
    ms -= sign * (+digits.slice(0, 2) * 60 + +digits.slice(2)) * 60_000;
  }
  if (Number.isNaN(ms)) return null;
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = (m[7] ?? '').replace(/0+$/, '');
  return `${base}${frac ? `.${frac}` : ''}Z`;
}

const GO_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** One json-file line (with its newline). */
export function jsonLogLine(data: Buffer, stream: 'stdout' | 'stderr', time: string): string {
  const log = JSON.stringify(data.toString('utf8')).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]);
  return `{"log":${log},"stream":"${stream}","time":"${time}"}\n`;
}

/** A finished line (or a piece of a long or unfinished one) as the log drivers get it: `data` without the newline. */
export interface JoinedLine { data: Buffer; stream: 'stdout' | 'stderr'; time: string; newline: boolean }
export type LineSink = (line: JoinedLine) => void;

function emit(data: Buffer, stream: 'stdout' | 'stderr', time: string, newline: boolean, sink: LineSink | undefined): string {
  sink?.({ data, stream, time, newline });
  return jsonLogLine(newline ? Buffer.concat([data, NEWLINE]) : data, stream, time);
}
const NEWLINE = Buffer.from('\n');

/** A line not finished yet: its pieces so far and the time of its first piece (Docker stamps all pieces with it). */
export interface PendingLine { time: string; data: Buffer }

/**
 * Joins k8s records into Docker's messages: pieces of one line become one record; lines longer
 * than 16 KiB are cut into 16 KiB records without a newline, as Docker's copier does.
 */
export class LineJoiner {
  readonly pending: Partial<Record<'stdout' | 'stderr', PendingLine>> = {};

  constructor(initial?: Partial<Record<'stdout' | 'stderr', PendingLine>>) {
    if (initial) Object.assign(this.pending, initial);
  }

  /** json-file lines produced by this record; `sink` also gets each one as a structured line (for the container's log driver). */
  push(r: K8sRecord, sink?: LineSink): string[] {
    const out: string[] = [];
    const p = this.pending[r.stream];
    const time = p?.time ?? r.time;
    let data = p ? Buffer.concat([p.data, r.data]) : r.data;
    while (data.length > DOCKER_MAX_LINE || (r.partial && data.length === DOCKER_MAX_LINE)) {
      out.push(emit(data.subarray(0, DOCKER_MAX_LINE), r.stream, time, false, sink));
      data = data.subarray(DOCKER_MAX_LINE);
    }
    if (r.partial) {
      this.pending[r.stream] = data.length ? { time, data: Buffer.from(data) } : undefined;
      if (!data.length) delete this.pending[r.stream];
    } else {
      delete this.pending[r.stream];
      out.push(emit(data, r.stream, time, true, sink));
    }
    return out;
  }

  /** The output ended (the container exited): unfinished lines become records without a newline. */
  flush(sink?: LineSink): string[] {
    const out: string[] = [];
    for (const stream of ['stdout', 'stderr'] as const) {
      const p = this.pending[stream];
      if (p && p.data.length) out.push(emit(p.data, stream, p.time, false, sink));
      delete this.pending[stream];
    }
    return out;
  }

  get empty(): boolean { return !this.pending.stdout && !this.pending.stderr; }
}

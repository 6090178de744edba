/**
 * Turns the converter's json-file records into the `local` driver's protobuf records (logging/local-format.ts)
 * for containers with `--log-driver local`. The converter builds json records for every container; this
 * re-encodes them at the file-writing step so that the line-producing code stays one.
 *
 * Docker's partial-line metadata: a record without its newline is a piece of a longer line (or a line cut
 * by the container's exit): { id, ordinal from 1, last: false }; the record that completes it carries
 * { last: true } and its line is ended as any other.
 */
import { randomBytes } from 'node:crypto';
import { encodeLocalEntry, timeToNano } from '../logging/local-format.js';

interface JsonRecord { log: string; stream: 'stdout' | 'stderr'; time: string }

export class LocalRecordEncoder {
  private readonly partial: Partial<Record<'stdout' | 'stderr', { id: string; ordinal: number }>> = {};

  encode(lines: readonly string[]): Buffer {
    const out: Buffer[] = [];
    for (const l of lines) {
      const rec = JSON.parse(l) as JsonRecord;
      const ended = rec.log.endsWith('\n');
      const line = Buffer.from(ended ? rec.log.slice(0, -1) : rec.log, 'utf8');
      const open = this.partial[rec.stream];
      let partial: { id: string; ordinal: number; last: boolean } | undefined;
      if (!ended) {
        const p = open ?? { id: randomBytes(32).toString('hex'), ordinal: 0 };
        p.ordinal++;
        this.partial[rec.stream] = p;
        partial = { id: p.id, ordinal: p.ordinal, last: false };
      } else if (open) {
        partial = { id: open.id, ordinal: open.ordinal + 1, last: true };
        delete this.partial[rec.stream];
      }
      out.push(encodeLocalEntry({ source: rec.stream, timeNano: timeToNano(rec.time), line, partial }));
    }
    return out.length === 1 ? out[0] : Buffer.concat(out);
  }
}

/** The time of a json-file record (the last one of a batch: what a compressed file's header records). */
export function jsonRecordTime(line: string): string | undefined {
  return /"time":"([^"]+)"\}\n?$/.exec(line)?.[1];
}

/**
 * A directory of OSV files as a zip stream, so the CLI can upload it to the daemon (which may not see
 * the client's files). Entries are stored, not deflated: the bytes cross a local socket, and deflating
 * 100,000 files would cost the client more than the transfer saves.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { Zip, ZipPassThrough } from 'fflate';

async function* jsonFiles(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* jsonFiles(p);
    else if (e.isFile() && e.name.endsWith('.json')) yield p;
  }
}

/** The `.json` files under dir as a stream of a zip archive; unreadable files end the stream with an error naming them. */
export function zipDirectoryStream(dir: string): Readable {
  const out = new PassThrough({ highWaterMark: 1024 * 1024 });
  const zip = new Zip((err, data, final) => {
    if (err) { out.destroy(err); return; }
    out.write(data);
    if (final) out.end();
  });
  void (async () => {
    try {
      for await (const file of jsonFiles(dir)) {
        const data = await readFile(file);
        const entry = new ZipPassThrough(relative(dir, file));
        zip.add(entry);
        entry.push(data, true);
        // the socket's pace, not the disk's: wait while the stream holds more than its buffer
        if (out.writableNeedDrain) await new Promise((r) => out.once('drain', r));
      }
      zip.end();
    } catch (e) { out.destroy(e as Error); }
  })();
  return out;
}

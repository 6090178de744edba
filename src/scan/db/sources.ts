/**
 * Reading OSV files from what the user names: a directory of JSON files (recursively), one .json file,
 * or a .zip as osv.dev publishes them (`<ecosystem>/all.zip`, one advisory per entry). Zips are read
 * entry by entry (zip-entries.ts), so memory stays bounded however large the archive is.
 */
import { open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { openZip, zipDirectory, ZipDataReader, type ZipEntry } from './zip-entries.js';

/** One advisory file's text, or why a file could not be read. */
export type SourceItem =
  | { kind: 'file'; path: string; text: string }
  | { kind: 'warning'; path: string; message: string };

/** Larger than any advisory osv.dev publishes (the largest are a few MB); a bigger entry is refused, not read. */
export const MAX_ADVISORY_BYTES = 32 * 1024 * 1024;

export async function isZip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return bytesRead === 4 && buf.readUInt32LE(0) === 0x04034b50;
  } finally { await fh.close(); }
}

/** Every advisory file under path, in a stable order. */
export async function* readSource(path: string): AsyncGenerator<SourceItem> {
  const st = await stat(path);
  if (st.isDirectory()) yield* readDirectory(path);
  else if (await isZip(path)) yield* readZip(path);
  else if (path.endsWith('.json')) yield await readJsonFile(path, st.size);
  else yield { kind: 'warning', path, message: 'neither a directory, a .json file nor a .zip archive' };
}

async function readJsonFile(path: string, size: number): Promise<SourceItem> {
  if (size > MAX_ADVISORY_BYTES) return { kind: 'warning', path, message: `larger than ${MAX_ADVISORY_BYTES} bytes` };
  try { return { kind: 'file', path, text: await readFile(path, 'utf8') }; } catch (e) {
    return { kind: 'warning', path, message: (e as Error).message };
  }
}

async function* readDirectory(dir: string): AsyncGenerator<SourceItem> {
  let entries;
  try { entries = await readdir(dir, { withFileTypes: true }); } catch (e) {
    yield { kind: 'warning', path: dir, message: (e as Error).message };
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = join(dir, e.name);
    // symlinks are followed to files only, so a link to a parent cannot loop the walk
    if (e.isDirectory()) yield* readDirectory(p);
    else if (e.name.endsWith('.json') && (e.isFile() || e.isSymbolicLink())) {
      const st = await stat(p).catch(() => undefined);
      if (st?.isFile()) yield await readJsonFile(p, st.size);
    } else if (e.name.endsWith('.zip') && e.isFile()) yield* readZip(p);
  }
}

/** The JSON entries of a zip, named `<zip>!/<entry>`. A damaged archive ends with a warning naming it. */
export async function* readZip(path: string): AsyncGenerator<SourceItem> {
  let zip;
  try { zip = await openZip(path); } catch (e) {
    yield { kind: 'warning', path, message: (e as Error).message };
    return;
  }
  try {
    let entries: ZipEntry[];
    try { entries = await zipDirectory(zip.fh, zip.size); } catch (e) {
      yield { kind: 'warning', path, message: `damaged zip archive: ${(e as Error).message}` };
      return;
    }
    const reader = new ZipDataReader(zip.fh, zip.size);
    for (const e of entries) {
      if (!e.name.endsWith('.json')) continue;
      const name = `${path}!/${e.name}`;
      if (e.size > MAX_ADVISORY_BYTES) { yield { kind: 'warning', path: name, message: `larger than ${MAX_ADVISORY_BYTES} bytes` }; continue; }
      try { yield { kind: 'file', path: name, text: (await reader.data(e)).toString('utf8') }; } catch (err) {
        yield { kind: 'warning', path: name, message: `cannot read this entry: ${(err as Error).message}` };
      }
    }
  } finally { await zip.fh.close(); }
}

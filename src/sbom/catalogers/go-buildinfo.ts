/**
 * Go build info, what `go version -m` prints, read from an ELF executable without reading it whole:
 * the ELF header → the section headers → `.go.buildinfo`. Go 1.18+ writes the Go version and the
 * module info inline there (flags bit 2); older binaries hold pointers into the data segment, which we
 * do not follow (the caller warns).
 *
 * Written here rather than taken from a library: no maintained npm package reads Go build info, and
 * the format is small (the Go source's debug/buildinfo is the reference).
 */

export type RangeReader = (offset: number, length: number) => Promise<Buffer>;

export interface GoModule { path: string; version: string; sum?: string; replace?: GoModule }

export interface GoBuildInfo {
  goVersion: string;
  /** the `path` line: the main package's import path */
  path?: string;
  /** the `mod` line; absent for binaries built outside module mode (GOPATH builds) */
  main?: GoModule;
  deps: GoModule[];
  settings: Map<string, string>;
}

export class NotGoBinary extends Error {}
export class OldGoBuildInfo extends Error {}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const BUILDINFO_MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEAD_BYTES = 4096;
const STRTAB_WINDOW = 8192;
const MAX_SECTION_TABLE = 1024 * 1024;
const MAX_SHSTRTAB = 1024 * 1024;
const MAX_BUILDINFO = 16 * 1024 * 1024;
/** Binaries without section headers are scanned for the magic in chunks, this far at most. */
const MAX_SCAN = 256 * 1024 * 1024;
const SCAN_CHUNK = 4 * 1024 * 1024;

export function isElf(head: Buffer): boolean {
  return head.length >= 4 && head.subarray(0, 4).equals(ELF_MAGIC);
}

interface ElfReader { is64: boolean; le: boolean }

function u16(b: Buffer, off: number, e: ElfReader): number { return e.le ? b.readUInt16LE(off) : b.readUInt16BE(off); }
function u32(b: Buffer, off: number, e: ElfReader): number { return e.le ? b.readUInt32LE(off) : b.readUInt32BE(off); }
function uword(b: Buffer, off: number, e: ElfReader): number {
  if (!e.is64) return u32(b, off, e);
  const v = e.le ? b.readBigUInt64LE(off) : b.readBigUInt64BE(off);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('ELF offset out of range');
  return Number(v);
}

/** Offset and size of `.go.buildinfo` in the file; undefined when the binary has no section headers. */
async function findBuildInfoSection(read: RangeReader, fileSize: number): Promise<{ offset: number; size: number } | undefined | null> {
  // one read for the ELF header and, in binaries linked by Go's own linker, the section table after it
  const head = await read(0, HEAD_BYTES);
  if (!isElf(head)) throw new NotGoBinary('not an ELF file');
  const cls = head[4];
  const data = head[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) throw new Error('bad ELF class or byte order');
  const e: ElfReader = { is64: cls === 2, le: data === 1 };
  if (head.length < (e.is64 ? 64 : 52)) throw new Error('truncated ELF header');
  const shoff = uword(head, e.is64 ? 0x28 : 0x20, e);
  const shentsize = u16(head, e.is64 ? 0x3a : 0x2e, e);
  let shnum = u16(head, e.is64 ? 0x3c : 0x30, e);
  let shstrndx = u16(head, e.is64 ? 0x3e : 0x32, e);
  if (shoff === 0) return undefined;
  const minEnt = e.is64 ? 64 : 40;
  if (shentsize < minEnt) throw new Error('bad ELF section header size');
  if (shnum === 0 || shstrndx === 0xffff) {
    // more sections than fit in the header fields: the real numbers are in section 0
    const first = await read(shoff, shentsize);
    if (first.length < minEnt) throw new Error('truncated ELF section headers');
    if (shnum === 0) shnum = uword(first, e.is64 ? 0x20 : 0x14, e);
    if (shstrndx === 0xffff) shstrndx = u32(first, e.is64 ? 0x28 : 0x18, e);
  }
  const tableSize = shnum * shentsize;
  if (tableSize > MAX_SECTION_TABLE || shoff + tableSize > fileSize) throw new Error('ELF section headers out of bounds');
  // the section name table usually sits just before the section table (GNU ld): read both at once
  const windowStart = Math.max(0, shoff - STRTAB_WINDOW);
  const window = await read(windowStart, shoff + tableSize - windowStart);
  const table = window.subarray(shoff - windowStart);
  if (table.length < tableSize) throw new Error('truncated ELF section headers');
  const section = (i: number): { name: number; type: number; offset: number; size: number } => {
    const b = i * shentsize;
    return {
      name: u32(table, b, e),
      type: u32(table, b + 4, e),
      offset: uword(table, b + (e.is64 ? 0x18 : 0x10), e),
      size: uword(table, b + (e.is64 ? 0x20 : 0x14), e),
    };
  };
  if (shstrndx >= shnum) throw new Error('bad ELF section name table index');
  const strtab = section(shstrndx);
  if (strtab.size > MAX_SHSTRTAB || strtab.offset + strtab.size > fileSize) throw new Error('ELF section name table out of bounds');
  const names = await read(strtab.offset, strtab.size);
  const wanted = Buffer.from('.go.buildinfo\0', 'latin1');
  for (let i = 0; i < shnum; i++) {
    const s = section(i);
    if (s.name + wanted.length > names.length || !names.subarray(s.name, s.name + wanted.length).equals(wanted)) continue;
    if (s.type === 8 /* SHT_NOBITS */) return null;
    if (s.offset + s.size > fileSize) throw new Error('.go.buildinfo out of bounds');
    return { offset: s.offset, size: s.size };
  }
  return null; // an ELF file with sections, none of them Go's: not a Go binary
}

/** Scan a binary without section headers for the build info magic (16-byte aligned, as the linker puts it). */
async function scanForMagic(read: RangeReader, fileSize: number): Promise<number | undefined> {
  const limit = Math.min(fileSize, MAX_SCAN);
  for (let start = 0; start < limit; start += SCAN_CHUNK) {
    const chunk = await read(start, Math.min(SCAN_CHUNK + BUILDINFO_MAGIC.length, limit - start));
    let i = chunk.indexOf(BUILDINFO_MAGIC);
    while (i >= 0) {
      if ((start + i) % 16 === 0) return start + i;
      i = chunk.indexOf(BUILDINFO_MAGIC, i + 1);
    }
  }
  return undefined;
}

/** Reads served from earlier, larger reads when they cover them (the header read covers most lookups). */
function cachingReader(read: RangeReader): RangeReader {
  const chunks: Array<{ offset: number; buf: Buffer }> = [];
  return async (offset, length) => {
    for (const c of chunks) {
      if (offset >= c.offset && offset + length <= c.offset + c.buf.length) return c.buf.subarray(offset - c.offset, offset - c.offset + length);
    }
    const buf = await read(offset, length);
    if (chunks.length < 4) chunks.push({ offset, buf });
    return buf;
  };
}

/** Go's uvarint: 7 bits a byte, low first. */
function readUvarint(b: Buffer, pos: number): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  for (let i = pos; i < b.length && i < pos + 10; i++) {
    const byte = b[i]!;
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return { value, next: i + 1 };
    shift += 7;
  }
  throw new Error('bad varint in Go build info');
}

function readVarString(b: Buffer, pos: number): { text: string; next: number } {
  const { value, next } = readUvarint(b, pos);
  if (next + value > b.length) throw new Error('truncated Go build info');
  return { text: b.subarray(next, next + value).toString('utf8'), next: next + value };
}

/** Go 1.18+ build info blob (starting at the magic) → version and modinfo text. */
export function decodeBuildInfoBlob(blob: Buffer): { goVersion: string; modinfo: string } {
  if (blob.length < 32 || !blob.subarray(0, BUILDINFO_MAGIC.length).equals(BUILDINFO_MAGIC)) throw new Error('no Go build info header');
  const flags = blob[15]!;
  if ((flags & 2) === 0) throw new OldGoBuildInfo('Go build info in the pre-Go 1.18 pointer format is not read');
  const version = readVarString(blob, 32);
  const modinfo = readVarString(blob, version.next);
  let text = modinfo.text;
  // modinfo is framed by two 16-byte sentinels, with a newline before the closing one
  if (text.length >= 33 && text[text.length - 17] === '\n') text = text.slice(16, -16);
  return { goVersion: version.text, modinfo: text };
}

/** A build setting value is quoted (Go's strconv.Quote) when it holds spaces, quotes or control characters. */
function unquote(v: string): string {
  if (!v.startsWith('"')) return v;
  try { return JSON.parse(v) as string; } catch { return v.slice(1, -1); }
}

export function parseModinfo(goVersion: string, text: string): GoBuildInfo {
  const info: GoBuildInfo = { goVersion, deps: [], settings: new Map() };
  let last: GoModule | undefined;
  for (const line of text.split('\n')) {
    const f = line.split('\t');
    switch (f[0]) {
      case 'path': info.path = f[1]; break;
      case 'mod': info.main = last = { path: f[1] ?? '', version: f[2] ?? '', ...(f[3] ? { sum: f[3] } : {}) }; break;
      case 'dep': last = { path: f[1] ?? '', version: f[2] ?? '', ...(f[3] ? { sum: f[3] } : {}) }; info.deps.push(last); break;
      case '=>':
        if (last) last.replace = { path: f[1] ?? '', version: f[2] ?? '', ...(f[3] ? { sum: f[3] } : {}) };
        break;
      case 'build': {
        const kv = line.slice('build\t'.length);
        const eq = kv.startsWith('"') ? kv.indexOf('=', kv.indexOf('"', 1) + 1) : kv.indexOf('=');
        if (eq > 0) info.settings.set(unquote(kv.slice(0, eq)), unquote(kv.slice(eq + 1)));
        break;
      }
      default: break;
    }
  }
  return info;
}

/**
 * The Go build info of an ELF file, undefined when it is not a Go binary. Throws OldGoBuildInfo for
 * pre-1.18 binaries and Error for a corrupt file.
 */
export async function readGoBuildInfo(uncached: RangeReader, fileSize: number): Promise<GoBuildInfo | undefined> {
  const read = cachingReader(uncached);
  let at: { offset: number; size: number } | undefined | null;
  try {
    at = await findBuildInfoSection(read, fileSize);
  } catch (err) {
    if (err instanceof NotGoBinary) return undefined;
    throw err;
  }
  if (at === null) return undefined;
  if (at === undefined) {
    const offset = await scanForMagic(read, fileSize);
    if (offset === undefined) return undefined;
    at = { offset, size: Math.min(MAX_BUILDINFO, fileSize - offset) };
  }
  if (at.size < 32) throw new Error('truncated .go.buildinfo section');
  // the inline strings follow the 32-byte header inside the section; read it whole (KBs, bounded)
  const blob = await read(at.offset, Math.min(at.size, MAX_BUILDINFO));
  const { goVersion, modinfo } = decodeBuildInfoBlob(blob);
  return parseModinfo(goVersion, modinfo);
}

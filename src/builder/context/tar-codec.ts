/**
 * A build context's tar, read and written whole in memory. Written here rather than with tar-stream
 * because tar-stream only streams: one stream object, several callbacks and microtasks per entry,
 * which made up most of a fully cached rebuild's CPU time for a context of a few hundred small files
 * (in the CLI that packs it and in the daemon that indexes it). The formats are the common ones:
 * ustar (name split into prefix/name), PAX extended headers for what ustar cannot hold (long names and
 * link targets), GNU long names (L/K) when reading, base-256 sizes when reading. Entries' data are
 * views into the tar buffer, not copies.
 */
import { ArchiveError } from '../../common/errors.js';

export type TarEntryType = 'file' | 'link' | 'symlink' | 'directory' | 'contiguous-file' | 'character-device' | 'block-device' | 'fifo' | 'other';

export interface TarEntry { name: string; type: TarEntryType; mode: number; size: number; linkname: string; data: Buffer }

const BLOCK = 512;
const TYPES: Record<string, TarEntryType> = { '0': 'file', '\0': 'file', '1': 'link', '2': 'symlink', '3': 'character-device', '4': 'block-device', '5': 'directory', '6': 'fifo', '7': 'contiguous-file' };

function corrupt(why: string): never { throw new ArchiveError(`invalid build context tar: ${why}`, 'ERR_ARCHIVE_CORRUPT'); }

function str(b: Buffer, off: number, len: number): string {
  const end = b.indexOf(0, off);
  return b.toString('utf8', off, end < 0 || end > off + len ? off + len : end);
}

/** An octal field (NUL or space terminated), or base-256 when the high bit is set (GNU). */
function num(b: Buffer, off: number, len: number): number {
  if (b[off] & 0x80) {
    let n = b[off] & 0x7f;
    for (let i = 1; i < len; i++) n = n * 256 + b[off + i];
    return n;
  }
  const s = b.toString('latin1', off, off + len).replace(/\0.*$/s, '').trim();
  if (s === '') return 0;
  if (!/^[0-7]+$/.test(s)) corrupt(`bad number field "${s}"`);
  return parseInt(s, 8);
}

function checksumOk(h: Buffer): boolean {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 32 : h[i];
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  const want = num(h, 148, 8);
  return want === unsigned || want === signed;
}

/** PAX records: "<len> <key>=<value>\n". */
function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp < 0) break;
    const len = parseInt(data.toString('latin1', i, sp), 10);
    if (!Number.isInteger(len) || len <= 0 || i + len > data.length) corrupt('bad PAX record');
    const rec = data.toString('utf8', sp + 1, i + len - 1);
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/** Every entry of a tar held in memory, PAX and GNU long names applied; stops at the end blocks. */
export function parseTar(tar: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  let off = 0;
  let pax: Record<string, string> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  let ended = false;
  while (off + BLOCK <= tar.length) {
    const h = tar.subarray(off, off + BLOCK);
    if (h[0] === 0 && h.every((c) => c === 0)) { ended = true; break; } // end of archive
    if (!checksumOk(h)) corrupt(`header checksum mismatch at offset ${off}`);
    const flag = String.fromCharCode(h[156]);
    const size = num(h, 124, 12);
    const dataStart = off + BLOCK;
    if (dataStart + size > tar.length) corrupt(`entry data cut short at offset ${off}`);
    const data = tar.subarray(dataStart, dataStart + size);
    off = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    if (flag === 'x') { pax = { ...pax, ...paxRecords(data) }; continue; }
    if (flag === 'g') continue; // global PAX headers carry nothing a context needs
    if (flag === 'L') { longName = str(data, 0, data.length); continue; }
    if (flag === 'K') { longLink = str(data, 0, data.length); continue; }
    const magic = h.toString('latin1', 257, 263);
    let name = str(h, 0, 100);
    if (magic === 'ustar\0') { const prefix = str(h, 345, 155); if (prefix) name = `${prefix}/${name}`; }
    name = pax.path ?? longName ?? name;
    const linkname = pax.linkpath ?? longLink ?? str(h, 157, 100);
    let type = TYPES[flag] ?? 'other';
    if (type === 'file' && name.endsWith('/')) type = 'directory'; // old tars mark directories by the slash only
    entries.push({ name, type, mode: num(h, 100, 8), size, linkname, data });
    pax = {};
    longName = longLink = undefined;
  }
  // Go's archive/tar (Docker) accepts a tar that stops at a block boundary without its end blocks, but
  // not one cut inside a header, nor an extended header with no entry after it
  if (!ended && off < tar.length) corrupt(`header cut short at offset ${off}`);
  if (Object.keys(pax).length || longName !== undefined || longLink !== undefined) corrupt('an extended header with no entry after it');
  return entries;
}

/** What packTarEntry writes: a directory, a symlink or a file with its contents. */
export interface TarInput { name: string; type: 'file' | 'directory' | 'symlink'; mode: number; mtime: Date; linkname?: string; data?: Buffer }

function writeStr(h: Buffer, s: string, off: number, len: number): void { h.write(s, off, len, 'utf8'); }
function writeOct(h: Buffer, n: number, off: number, len: number): void { h.write(n.toString(8).padStart(len - 1, '0') + '\0', off, len, 'latin1'); }

function header(name: string, flag: string, mode: number, size: number, mtime: number, linkname: string, prefix = ''): Buffer {
  const h = Buffer.alloc(BLOCK);
  writeStr(h, name, 0, 100);
  writeOct(h, mode & 0o7777, 100, 8);
  writeOct(h, 0, 108, 8);
  writeOct(h, 0, 116, 8);
  writeOct(h, size, 124, 12);
  writeOct(h, mtime, 136, 12);
  h.write(flag, 156, 1, 'latin1');
  writeStr(h, linkname, 157, 100);
  h.write('ustar\x0000', 257, 8, 'latin1');
  writeStr(h, prefix, 345, 155);
  h.fill(32, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += h[i];
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return h;
}

/** ustar's name/prefix split for a long name, when one fits. */
function splitName(name: string): [string, string] | undefined {
  if (Buffer.byteLength(name) <= 100) return [name, ''];
  for (let i = name.indexOf('/'); i >= 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return [rest, prefix];
  }
  return undefined;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const n = Buffer.byteLength(body);
  let digits = 1;
  while (String(n + digits).length !== digits) digits++; // the length counts its own digits
  return `${n + digits}${body}`;
}

const padding = (n: number): Buffer => Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK);

/** The blocks of one entry (a PAX header first when the name or link target is too long for ustar). */
export function packTarEntry(e: TarInput): Buffer[] {
  const name = e.type === 'directory' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
  const data = e.type === 'file' ? e.data ?? Buffer.alloc(0) : Buffer.alloc(0);
  const linkname = e.linkname ?? '';
  const mtime = Math.floor(e.mtime.getTime() / 1000);
  const flag = e.type === 'directory' ? '5' : e.type === 'symlink' ? '2' : '0';
  const out: Buffer[] = [];
  let split = splitName(name);
  const longLink = Buffer.byteLength(linkname) > 100;
  if (!split || longLink) {
    const records = Buffer.from((split ? '' : paxRecord('path', name)) + (longLink ? paxRecord('linkpath', linkname) : ''));
    out.push(header(`PaxHeader/${name.replace(/\/$/, '').split('/').pop()!.slice(0, 80)}`, 'x', 0o644, records.length, mtime, ''), records, padding(records.length));
    split ??= [Buffer.from(name).subarray(0, 100).toString('utf8').replace(/\uFFFD$/, ''), ''];
  }
  out.push(header(split[0], flag, e.mode, data.length, mtime, longLink ? '' : linkname, split[1]));
  if (data.length) out.push(data, padding(data.length));
  return out;
}

/** The two zero blocks that end a tar. */
export const TAR_END = Buffer.alloc(2 * BLOCK);

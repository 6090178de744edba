/**
 * The build context's own tar reader and writer (src/builder/context/tar-codec.ts): what they write
 * tar-stream and GNU tar read back the same, and what tar-stream and GNU tar write they read (long
 * names as ustar prefix, PAX and GNU records, hard links, directories); broken tars are refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, linkSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { extract, pack } from 'tar-stream';
import { packTarEntry, parseTar, TAR_END, type TarInput } from '../../src/builder/context/tar-codec.js';
import { packContext } from '../../src/client/build-context.js';
import { MemoryContextFs } from '../../src/builder/context/context-fs.js';
import { BuildContext } from '../../src/builder/context/build-context.js';
import { DiskContextFs } from '../../src/builder/context/context-fs.js';

const long = (n: number, c = 'd') => Array.from({ length: n }, (_, i) => `${c}${i}`).join('/');
const ENTRIES: TarInput[] = [
  { name: 'Dockerfile', type: 'file', mode: 0o644, mtime: new Date(1_700_000_000_000), data: Buffer.from('FROM busybox\n') },
  { name: 'dir', type: 'directory', mode: 0o750, mtime: new Date(0) },
  { name: 'dir/run.sh', type: 'file', mode: 0o4755, mtime: new Date(0), data: Buffer.from('#!/bin/sh\n') },
  { name: 'dir/empty', type: 'file', mode: 0o600, mtime: new Date(0), data: Buffer.alloc(0) },
  { name: 'dir/link', type: 'symlink', mode: 0o777, mtime: new Date(0), linkname: 'run.sh' },
  { name: `${long(30)}/file-in-a-deep-dir.txt`, type: 'file', mode: 0o644, mtime: new Date(0), data: Buffer.from('deep') }, // prefix split
  { name: `${'n'.repeat(150)}.txt`, type: 'file', mode: 0o644, mtime: new Date(0), data: Buffer.alloc(1000, 7) }, // PAX path
  { name: `${long(80, 'x')}/z`, type: 'file', mode: 0o644, mtime: new Date(0), data: Buffer.from('pax too') }, // longer than prefix+name
  { name: 'dir/far', type: 'symlink', mode: 0o777, mtime: new Date(0), linkname: `/${'t'.repeat(200)}` }, // PAX linkpath
  { name: 'dir/ünïcode ☃.txt', type: 'file', mode: 0o644, mtime: new Date(0), data: Buffer.from('utf8') },
];
const written = (): Buffer => Buffer.concat([...ENTRIES.flatMap(packTarEntry), TAR_END]);

async function tarStreamRead(tar: Buffer): Promise<Array<{ name: string; type: string; mode: number; linkname: string; data: Buffer; mtime: number }>> {
  const out: Array<{ name: string; type: string; mode: number; linkname: string; data: Buffer; mtime: number }> = [];
  const ex = extract();
  ex.on('entry', (h, s, next) => {
    const chunks: Buffer[] = [];
    s.on('data', (c) => chunks.push(c as Buffer));
    s.on('end', () => { out.push({ name: h.name, type: h.type ?? 'file', mode: h.mode ?? 0, linkname: h.linkname ?? '', data: Buffer.concat(chunks), mtime: h.mtime?.getTime() ?? 0 }); next(); });
  });
  await new Promise<void>((res, rej) => { ex.on('finish', res); ex.on('error', rej); ex.end(tar); });
  return out;
}

test('what packTarEntry writes, tar-stream and GNU tar read back as written', async () => {
  const tar = written();
  assert.equal(tar.length % 512, 0);
  const back = await tarStreamRead(tar);
  assert.deepEqual(back.map((e) => e.name.replace(/\/$/, '')), ENTRIES.map((e) => e.name));
  for (const [i, e] of ENTRIES.entries()) {
    assert.equal(back[i].type, e.type, e.name);
    assert.equal(back[i].mode, e.mode, e.name);
    assert.equal(back[i].linkname, e.linkname ?? '', e.name);
    assert.deepEqual(back[i].data, e.type === 'file' ? e.data : Buffer.alloc(0), e.name);
    assert.equal(back[i].mtime, Math.floor(e.mtime.getTime() / 1000) * 1000, e.name);
  }
  const dir = mkdtempSync(join(tmpdir(), 'berth-tar-'));
  try {
    writeFileSync(join(dir, 'a.tar'), tar);
    const r = spawnSync('tar', ['-tf', join(dir, 'a.tar')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split('\n').map((n) => n.replace(/\/$/, '')), ENTRIES.map((e) => e.name));
    const x = spawnSync('tar', ['-xf', join(dir, 'a.tar'), '-C', dir], { encoding: 'utf8' });
    assert.equal(x.status, 0, x.stderr);
    assert.equal(readFileSync(join(dir, `${long(80, 'x')}/z`), 'utf8'), 'pax too');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('parseTar reads its own tars and tar-stream\'s alike', async () => {
  const own = parseTar(written());
  assert.deepEqual(own.map((e) => e.name.replace(/\/$/, '')), ENTRIES.map((e) => e.name));
  assert.deepEqual(own.map((e) => [e.type, e.mode, e.linkname]), ENTRIES.map((e) => [e.type, e.mode, e.linkname ?? '']));
  const p = pack();
  // an undefined body means none: tar-stream takes it, its types spell that only as the one-argument form
  for (const e of ENTRIES) p.entry({ name: e.name, type: e.type, mode: e.mode, mtime: e.mtime, linkname: e.linkname }, (e.type === 'file' ? e.data : undefined) as Uint8Array);
  p.entry({ name: 'dir/hard', type: 'link', linkname: 'dir/run.sh', mode: 0o755 });
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as unknown as Readable) chunks.push(c as Buffer);
  const theirs = parseTar(Buffer.concat(chunks));
  assert.deepEqual(theirs.slice(0, -1).map((e) => [e.name.replace(/\/$/, ''), e.type, e.mode, e.linkname, e.data.toString('hex')]),
    own.map((e) => [e.name.replace(/\/$/, ''), e.type, e.mode, e.linkname, e.data.toString('hex')]));
  assert.deepEqual([theirs.at(-1)!.type, theirs.at(-1)!.linkname], ['link', 'dir/run.sh']);
});

test('parseTar reads GNU tar\'s long names and links (GNU and PAX formats)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tar-'));
  try {
    const src = join(dir, 'src');
    const deep = join(src, long(40, 'g'));
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, 'f.txt'), 'gnu');
    symlinkSync('/' + 'l'.repeat(150), join(src, 'longlink'));
    linkSync(join(deep, 'f.txt'), join(src, 'hard.txt'));
    for (const format of ['gnu', 'posix']) {
      const r = spawnSync('tar', [`--format=${format}`, '-cf', '-', '-C', src, '.'], { maxBuffer: 1 << 24 });
      assert.equal(r.status, 0, String(r.stderr));
      const byName = new Map(parseTar(r.stdout).map((e) => [e.name.replace(/^\.\//, '').replace(/\/$/, ''), e]));
      const f = byName.get(`${long(40, 'g')}/f.txt`) ?? byName.get('hard.txt');
      assert.ok(f, `${format}: ${[...byName.keys()].join(', ')}`);
      assert.equal(byName.get('longlink')?.type, 'symlink', format);
      assert.equal(byName.get('longlink')?.linkname, '/' + 'l'.repeat(150), format);
      // one of the two names is the hard link, to the other
      const files = [byName.get(`${long(40, 'g')}/f.txt`)!, byName.get('hard.txt')!];
      assert.deepEqual(files.map((e) => e.type).sort(), ['file', 'link'], format);
      assert.equal(files.find((e) => e.type === 'file')!.data.toString(), 'gnu', format);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('parseTar refuses a corrupt header and data cut short, and stops at the end blocks', () => {
  const tar = written();
  const bad = Buffer.from(tar);
  bad[10] ^= 0x55; // a byte of the first name: the checksum no longer matches
  assert.throws(() => parseTar(bad), (e: Error & { code?: string }) => e.code === 'ERR_ARCHIVE_CORRUPT' && /checksum/.test(e.message));
  const cut = tar.subarray(0, 512 + 4); // the first header and part of its data
  assert.throws(() => parseTar(cut), /cut short/);
  const firstSize = parseInt(tar.toString('latin1', 124, 135).trim(), 8);
  const cutInHeader = tar.subarray(0, 512 + Math.ceil(firstSize / 512) * 512 + 100); // the second header cut short
  assert.throws(() => parseTar(cutInHeader), (e: Error & { code?: string }) => e.code === 'ERR_ARCHIVE_CORRUPT' && /header cut short/.test(e.message));
  const garbageAfterEnd = Buffer.concat([tar, Buffer.from('not a tar'.repeat(100))]);
  assert.equal(parseTar(garbageAfterEnd).length, ENTRIES.length);
});

test('packContext: one buffer whose context answers as the directory does (names, modes, links, ignores, checksums)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-tar-'));
  const tmp: string[] = [];
  try {
    const ctx = join(dir, 'ctx');
    mkdirSync(join(ctx, 'src', long(30)), { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nCOPY . /\n');
    writeFileSync(join(ctx, '.dockerignore'), '*.log\n!keep.log\n');
    writeFileSync(join(ctx, 'src', 'a.txt'), 'a');
    writeFileSync(join(ctx, 'src', long(30), 'deep.txt'), 'deep');
    writeFileSync(join(ctx, 'x.log'), 'ignored');
    writeFileSync(join(ctx, 'keep.log'), 'kept');
    writeFileSync(join(ctx, 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    symlinkSync('src/a.txt', join(ctx, 'alink'));
    const body = await packContext(ctx, undefined);
    assert.ok(Buffer.isBuffer(body), 'a small context is one buffer');
    const mem = await MemoryContextFs.fromTar(body, () => { const d = mkdtempSync(join(tmpdir(), 'berth-ctx-')); tmp.push(d); return d; });
    assert.equal(mem.lstat('x.log'), undefined, 'ignored files are not sent');
    const a = await BuildContext.open(mem, 'Dockerfile');
    const b = await BuildContext.open(new DiskContextFs(ctx), 'Dockerfile');
    assert.deepEqual(a.list('.'), b.list('.'));
    assert.equal(await a.checksum(a.list('.')), await b.checksum(b.list('.')));
    // with a Dockerfile from outside: sent under its private name, which the sent .dockerignore leaves out
    const extra = await packContext(ctx, '.dockerfile.abc', { name: '.dockerfile.abc', data: Buffer.from('FROM busybox\n') }) as Buffer;
    const names = parseTar(extra).map((e) => e.name);
    assert.ok(names.includes('.dockerfile.abc'));
    assert.match(parseTar(extra).find((e) => e.name === '.dockerignore')!.data.toString(), /\.dockerfile\.abc/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const d of tmp) rmSync(d, { recursive: true, force: true });
  }
});

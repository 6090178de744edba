/** The in-memory build context answers as the same context unpacked on disk (so cache keys agree). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pack } from 'tar-stream';
import { BuildContext } from '../../src/builder/context/build-context.js';
import { DiskContextFs, MemoryContextFs } from '../../src/builder/context/context-fs.js';
import { receiveContext } from '../../src/builder/context/receive-context.js';

async function tarOf(entries: Array<{ name: string; type?: 'file' | 'directory' | 'symlink' | 'link'; mode?: number; data?: string; linkname?: string }>): Promise<Buffer> {
  const p = pack();
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', mode: e.mode ?? 0o644, linkname: e.linkname, mtime: new Date(0) }, e.data ?? '');
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const c of p as unknown as Readable) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('memory and disk contexts list, ignore and checksum alike', async () => {
  const tar = await tarOf([
    { name: './Dockerfile', data: 'FROM busybox\n' },
    { name: '.dockerignore', data: 'src/*.log\n!src/keep.log\n' },
    { name: 'src/', type: 'directory', mode: 0o750 },
    { name: 'src/a.txt', data: 'a\n', mode: 0o600 },
    { name: 'src/run.sh', data: '#!/bin/sh\n', mode: 0o755 },
    { name: 'src/x.log', data: 'noise' },
    { name: 'src/keep.log', data: 'kept' },
    { name: 'src/link', type: 'symlink', linkname: 'a.txt' },
    { name: 'src/hard', type: 'link', linkname: 'src/a.txt' },
    { name: 'implicit/dir/file.txt', data: 'deep\n' },
  ]);
  const dirs: string[] = [];
  const makeDir = (): string => { const d = mkdtempSync(join(tmpdir(), 'berth-ctxfs-')); dirs.push(d); return d; };
  try {
    const mem = await MemoryContextFs.fromTar(tar, makeDir);
    const onDisk = await mem.materialize();
    const a = await BuildContext.open(mem, 'Dockerfile');
    const b = await BuildContext.open(new DiskContextFs(onDisk), 'Dockerfile');
    assert.deepEqual(a.list('src'), ['src', 'src/a.txt', 'src/hard', 'src/keep.log', 'src/link', 'src/run.sh']);
    assert.deepEqual(a.list('src'), b.list('src'));
    assert.deepEqual(a.resolveSources('src/*.txt'), b.resolveSources('src/*.txt'));
    assert.deepEqual(a.list('implicit'), b.list('implicit'));
    assert.equal(await a.checksum(a.list('src')), await b.checksum(b.list('src')));
    assert.equal(await a.checksum(a.list('implicit/dir/file.txt')), await b.checksum(b.list('implicit/dir/file.txt')));
    assert.throws(() => a.resolveSources('../etc/passwd'), /outside the build context/);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

test('receiveContext keeps a small plain tar in memory and spills a large one to disk', async () => {
  const tar = await tarOf([{ name: 'Dockerfile', data: 'FROM busybox\n' }, { name: 'big.bin', data: 'x'.repeat(64 * 1024) }]);
  const dirs: string[] = [];
  const makeDir = (): string => { const d = mkdtempSync(join(tmpdir(), 'berth-ctxfs-')); dirs.push(d); return d; };
  try {
    const small = await receiveContext(Readable.from([tar]), makeDir);
    assert.ok(small instanceof MemoryContextFs);
    assert.equal(dirs.length, 0);
    const large = await receiveContext(Readable.from([tar.subarray(0, 1000), tar.subarray(1000)]), makeDir, 1024);
    assert.ok(large instanceof DiskContextFs);
    assert.equal(large.lstat('big.bin')?.size, 64 * 1024);
    const empty = await receiveContext(Readable.from([]), makeDir);
    assert.equal(empty.lstat('Dockerfile'), undefined);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

test('a context entry that leaves the context is refused', async () => {
  const tar = await tarOf([{ name: '../escape.txt', data: 'x' }]);
  await assert.rejects(MemoryContextFs.fromTar(tar, () => '/nonexistent'), /outside the context/);
});

test('a tar that ends right after its last file (the docker CLI with -f elsewhere) is completed; a cut one still fails', async () => {
  const full = await tarOf([{ name: 'a.txt', data: 'a\n' }, { name: '.dockerfile.x', data: 'FROM busybox\n' }]);
  const cut = full.subarray(0, 512 * 3 + 'FROM busybox\n'.length); // no padding, no end blocks
  const dirs: string[] = [];
  const makeDir = (): string => { const d = mkdtempSync(join(tmpdir(), 'berth-ctxfs-')); dirs.push(d); return d; };
  try {
    const mem = await receiveContext(Readable.from([cut.subarray(0, 700), cut.subarray(700)]), makeDir);
    assert.equal((await mem.readFile('.dockerfile.x')).toString(), 'FROM busybox\n');
    const disk = await receiveContext(Readable.from([cut]), makeDir, 100);
    assert.ok(disk instanceof DiskContextFs);
    assert.equal((await disk.readFile('.dockerfile.x')).toString(), 'FROM busybox\n');
    const atBlock = await receiveContext(Readable.from([full.subarray(0, 512 * 4)]), makeDir); // padded, no end blocks
    assert.equal((await atBlock.readFile('a.txt')).toString(), 'a\n');
    await assert.rejects(receiveContext(Readable.from([full.subarray(0, 512 * 3 + 5)]), makeDir), /Unexpected end of data|cut short/); // the in-memory reader says "entry data cut short"
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
});

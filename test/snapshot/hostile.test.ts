import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { unpackLayer, type UnpackLimits, type UnpackMode } from '../../src/snapshot/tar-unpack.js';
import { buildTar, streamOf, type TarEntry } from './helpers.js';

/**
 * Each hostile archive is unpacked into <tmp>/dest while <tmp>/victim holds a file
 * the archive tries to reach. Afterwards the victim must be byte-for-byte unchanged
 * and nothing may have appeared next to dest.
 */
async function arena(t: { after: (fn: () => Promise<void>) => void }) {
  const top = await mkdtemp(join(tmpdir(), 'berth-hostile-'));
  t.after(() => rm(top, { recursive: true, force: true }));
  const dest = join(top, 'dest');
  const victim = join(top, 'victim');
  await mkdir(dest);
  await mkdir(victim);
  await writeFile(join(victim, 'secret'), 'untouched');
  const check = async () => {
    assert.deepEqual((await readdir(top)).sort(), ['dest', 'victim'], 'nothing appeared next to dest');
    assert.deepEqual(await readdir(victim), ['secret'], 'victim dir unchanged');
    assert.equal(await readFile(join(victim, 'secret'), 'utf8'), 'untouched');
    const st = await lstat(join(victim, 'secret'));
    assert.equal(st.nlink, 1, 'no hardlink to the victim file');
    assert.equal(st.mode & 0o7777, 0o644);
  };
  return { top, dest, victim, check };
}

async function unpack(entries: TarEntry[], dest: string, mode: UnpackMode = 'apply', limits?: UnpackLimits) {
  return unpackLayer(streamOf(await buildTar(entries)), dest, { mode, limits });
}

for (const mode of ['apply', 'overlay'] as const) {
  test(`[${mode}] .. that escapes the root is refused`, async (t) => {
    const a = await arena(t);
    await assert.rejects(unpack([{ name: '../victim/pwned', body: 'x' }], a.dest, mode), { name: 'ArchiveError', code: 'ERR_ARCHIVE_PATH_ESCAPE' });
    await assert.rejects(unpack([{ name: 'a/../../victim/secret', body: 'x' }], a.dest, mode), { code: 'ERR_ARCHIVE_PATH_ESCAPE' });
    await assert.rejects(unpack([{ name: '../victim/', type: 'directory', mode: 0o777 }], a.dest, mode), { code: 'ERR_ARCHIVE_PATH_ESCAPE' });
    await a.check();
  });

  test(`[${mode}] absolute names stay inside the root`, async (t) => {
    const a = await arena(t);
    await unpack([{ name: join(a.victim, 'secret'), body: 'inside' }], a.dest, mode);
    assert.equal(await readFile(join(a.dest, a.victim, 'secret'), 'utf8'), 'inside');
    await a.check();
  });

  test(`[${mode}] writing through a symlink that points outside is refused or contained`, async (t) => {
    const a = await arena(t);
    // relative target climbing above the root: refused
    await assert.rejects(unpack([
      { name: 'link', type: 'symlink', linkname: '../victim' },
      { name: 'link/pwned', body: 'x' },
    ], a.dest, mode), { name: 'ArchiveError', code: 'ERR_ARCHIVE_SYMLINK_ESCAPE' });
    await assert.rejects(unpack([
      { name: 'deep/', type: 'directory' },
      { name: 'deep/link', type: 'symlink', linkname: '../../victim' },
      { name: 'deep/link/secret', body: 'overwritten' },
    ], a.dest, mode), { code: 'ERR_ARCHIVE_SYMLINK_ESCAPE' });
    await a.check();
    // absolute target: resolved inside the root, as the container will see it
    const b = await arena(t);
    await unpack([
      { name: 'abs', type: 'symlink', linkname: b.victim },
      { name: 'abs/secret', body: 'contained' },
    ], b.dest, mode);
    assert.equal(await readFile(join(b.dest, b.victim, 'secret'), 'utf8'), 'contained');
    await b.check();
  });

  test(`[${mode}] a symlink swapped in for a directory is not followed out`, async (t) => {
    const a = await arena(t);
    await assert.rejects(unpack([
      { name: 'd/', type: 'directory' },
      { name: 'd/ok', body: 'fine' },
      { name: 'd', type: 'symlink', linkname: '../victim' },
      { name: 'd/secret', body: 'overwritten' },
    ], a.dest, mode), { code: 'ERR_ARCHIVE_SYMLINK_ESCAPE' });
    await a.check();
    const b = await arena(t);
    await unpack([
      { name: 'd/', type: 'directory' },
      { name: 'd', type: 'symlink', linkname: b.victim },
      { name: 'd/secret', body: 'contained' },
    ], b.dest, mode);
    assert.equal(await readFile(join(b.dest, b.victim, 'secret'), 'utf8'), 'contained');
    await b.check();
  });

  test(`[${mode}] a file entry replaces a symlink instead of writing through it`, async (t) => {
    const a = await arena(t);
    await unpack([
      { name: 'f', type: 'symlink', linkname: join(a.victim, 'secret') },
      { name: 'f', body: 'replaced', mode: 0o777 },
      { name: 'g', type: 'symlink', linkname: '../victim/secret' },
      { name: 'g', type: 'directory', mode: 0o777 },
      { name: 'h', type: 'symlink', linkname: '../victim/secret' },
      { name: 'h', type: 'fifo' },
    ], a.dest, mode);
    assert.equal(await readFile(join(a.dest, 'f'), 'utf8'), 'replaced');
    assert.ok((await lstat(join(a.dest, 'g'))).isDirectory());
    assert.ok((await lstat(join(a.dest, 'h'))).isFIFO());
    await a.check();
  });

  test(`[${mode}] hardlinks to outside the root are refused`, async (t) => {
    const a = await arena(t);
    await assert.rejects(unpack([{ name: 'hl', type: 'link', linkname: '../victim/secret' }], a.dest, mode), { code: 'ERR_ARCHIVE_LINK_ESCAPE' });
    await assert.rejects(unpack([
      { name: 's', type: 'symlink', linkname: '../victim' },
      { name: 'hl', type: 'link', linkname: 's/secret' },
    ], a.dest, mode), { code: 'ERR_ARCHIVE_SYMLINK_ESCAPE' });
    // an absolute symlink is resolved inside the root, where no such file exists
    await assert.rejects(unpack([
      { name: 'abs', type: 'symlink', linkname: a.victim },
      { name: 'hl2', type: 'link', linkname: 'abs/secret' },
    ], a.dest, mode), { code: 'ERR_ARCHIVE_MISSING_TARGET' });
    await assert.rejects(unpack([{ name: 'hl3', type: 'link', linkname: join(a.victim, 'secret') }], a.dest, mode), { code: 'ERR_ARCHIVE_MISSING_TARGET' });
    // a hardlink to a symlink links the symlink itself, never the file it names
    await unpack([
      { name: 'sym', type: 'symlink', linkname: join(a.victim, 'secret') },
      { name: 'hl4', type: 'link', linkname: 'sym' },
    ], a.dest, mode);
    assert.ok((await lstat(join(a.dest, 'hl4'))).isSymbolicLink());
    await a.check();
  });

  test(`[${mode}] whiteouts and opaque markers never act outside the root`, async (t) => {
    const a = await arena(t);
    await assert.rejects(unpack([
      { name: 's', type: 'symlink', linkname: '../victim' },
      { name: 's/.wh.secret' },
    ], a.dest, mode), { code: 'ERR_ARCHIVE_SYMLINK_ESCAPE' });
    await assert.rejects(unpack([
      { name: 's', type: 'symlink', linkname: '../victim' },
      { name: 's/.wh..wh..opq' },
    ], a.dest, mode), { code: 'ERR_ARCHIVE_SYMLINK_ESCAPE' });
    await assert.rejects(unpack([{ name: '../victim/.wh.secret' }], a.dest, mode), { code: 'ERR_ARCHIVE_PATH_ESCAPE' });
    await assert.rejects(unpack([{ name: '.wh..' }], a.dest, mode), { code: 'ERR_ARCHIVE_BAD_NAME' });
    await a.check();
  });
}

test('a PAX header over the limit is refused', async (t) => {
  const a = await arena(t);
  await assert.rejects(unpack([{ name: 'big', body: 'x', pax: { 'SCHILY.xattr.user.big': 'A'.repeat(2 * 1024 * 1024) } }], a.dest),
    { name: 'ArchiveError', code: 'ERR_ARCHIVE_HEADER_TOO_LARGE' });
  // above tar-stream's own hard cap too
  await assert.rejects(unpack([{ name: 'huge', body: 'x', pax: { comment: 'B'.repeat(5 * 1024 * 1024) } }], a.dest),
    { name: 'ArchiveError', code: 'ERR_ARCHIVE_HEADER_TOO_LARGE' });
  // and a configurable limit
  await assert.rejects(unpack([{ name: 'n'.repeat(300), body: 'x' }], a.dest, 'apply', { maxHeaderBytes: 200 }),
    { code: 'ERR_ARCHIVE_HEADER_TOO_LARGE' });
  assert.equal(existsSync(join(a.dest, 'big')), false);
  await a.check();
});

test('too many entries are refused', async (t) => {
  const a = await arena(t);
  const entries: TarEntry[] = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, body: '' }));
  await assert.rejects(unpack(entries, a.dest, 'apply', { maxEntries: 10 }), { name: 'ArchiveError', code: 'ERR_ARCHIVE_TOO_MANY_ENTRIES' });
  await unpack(entries.slice(0, 10), a.dest, 'apply', { maxEntries: 10 });
  await a.check();
});

test('more bytes than the limit are refused', async (t) => {
  const a = await arena(t);
  await assert.rejects(unpack([{ name: 'big', body: Buffer.alloc(64 * 1024, 1) }], a.dest, 'apply', { maxBytes: 16 * 1024 }),
    { name: 'ArchiveError', code: 'ERR_ARCHIVE_TOO_LARGE' });
  await a.check();
});

test('symlink loops are refused', async (t) => {
  const a = await arena(t);
  await assert.rejects(unpack([
    { name: 'l1', type: 'symlink', linkname: 'l2' },
    { name: 'l2', type: 'symlink', linkname: 'l1' },
    { name: 'l1/x', body: 'x' },
  ], a.dest), { code: 'ERR_ARCHIVE_SYMLINK_LOOP' });
  await a.check();
  void basename;
});

test('cp upload spools a killed daemon left behind are deleted at the next start, nothing else', async () => {
  const { removeLeftoverSpools } = await import('../../src/snapshot/tar-spool.js');
  const { mkdtempSync, mkdirSync, writeFileSync, readdirSync, rmSync } = await import('node:fs');
  const dir = mkdtempSync('/tmp/bt-spools-');
  try {
    mkdirSync(`${dir}/tar-abc123`);
    writeFileSync(`${dir}/tar-abc123/body`, 'half an upload');
    mkdirSync(`${dir}/build-context`);
    removeLeftoverSpools(dir);
    assert.deepEqual(readdirSync(dir), ['build-context']);
    removeLeftoverSpools(`${dir}/missing`); // no tmp dir yet: nothing to do
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

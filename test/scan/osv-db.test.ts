/** The OSV database: import from directories, files and zips; updates; withdrawn; bad input; damage; status. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, truncateSync, statSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { execFileSync } from 'node:child_process';
import { zipSync, strToU8 } from 'fflate';
import { OsvDatabase } from '../../src/scan/db/osv-db.js';
import { zipDirectory, openZip } from '../../src/scan/db/zip-entries.js';
import { isBerthError } from '../../src/common/errors.js';
import { rangeAdvisory, writeAdvisories, osv } from './osv-fixtures.js';

function tmp(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'berth-osvdb-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

const ids = (xs: Array<{ advisory: { id: string } }>) => xs.map((x) => x.advisory.id).sort();
const noWarn = () => assert.fail('unexpected warning');

test('a directory imports recursively; lookups go by ecosystem and name (PyPI normalised); re-import is idempotent', async (t) => {
  const d = tmp(t);
  writeAdvisories(join(d, 'osv', 'debian'), [
    rangeAdvisory('DSA-5001-1', 'Debian:12', 'glibc', [{ introduced: '0' }, { fixed: '2.36-9+deb12u4' }]),
    rangeAdvisory('DLA-3001-1', 'Debian:11', 'glibc', [{ introduced: '0' }, { fixed: '2.31-13+deb11u7' }]),
  ]);
  writeAdvisories(join(d, 'osv', 'pypi', 'nested'), [
    rangeAdvisory('PYSEC-2024-1', 'PyPI', 'Flask_Cors', [{ introduced: '0' }, { fixed: '4.0.1' }]),
  ]);
  const db = OsvDatabase.open(join(d, 'osv.db'));
  t.after(() => db.close());
  const r = await db.import([join(d, 'osv')]);
  assert.equal(r.incomplete, false);
  assert.deepEqual(r.warnings, []);
  assert.equal(r.sources[0]!.added, 3);
  assert.equal(r.total, 3);
  assert.deepEqual(ids(db.lookup('Debian', 'glibc', noWarn)), ['DLA-3001-1', 'DSA-5001-1']);
  assert.deepEqual(ids(db.lookup('PyPI', 'flask-cors', noWarn)), ['PYSEC-2024-1']);
  assert.deepEqual(ids(db.lookup('PyPI', 'Flask.CORS', noWarn)), ['PYSEC-2024-1']);
  assert.deepEqual(db.lookup('npm', 'glibc', noWarn), []);
  // the stored advisory is the one imported
  const got = db.lookup('Debian', 'glibc', noWarn).find((x) => x.advisory.id === 'DSA-5001-1')!;
  assert.equal(got.advisory.affected![0]!.ranges![0]!.events[1]!.fixed, '2.36-9+deb12u4');
  assert.equal(got.source, 'osv');

  const again = await db.import([join(d, 'osv')]);
  assert.deepEqual({ added: again.sources[0]!.added, updated: again.sources[0]!.updated, unchanged: again.sources[0]!.unchanged }, { added: 0, updated: 0, unchanged: 3 });
  assert.equal(again.total, 3);
});

test('a newer modified replaces an older one (and its index rows); an older one does not; withdrawn never matches', async (t) => {
  const d = tmp(t);
  const db = OsvDatabase.open(join(d, 'osv.db'));
  t.after(() => db.close());
  const v1 = rangeAdvisory('GHSA-aaaa-bbbb-cccc', 'npm', 'lodash', [{ introduced: '0' }, { fixed: '4.17.21' }], { modified: '2026-01-01T00:00:00Z' });
  const v2 = rangeAdvisory('GHSA-aaaa-bbbb-cccc', 'npm', 'lodash-es', [{ introduced: '0' }, { fixed: '4.17.22' }], { modified: '2026-02-01T00:00:00Z' });
  const v0 = rangeAdvisory('GHSA-aaaa-bbbb-cccc', 'npm', 'lodash', [{ introduced: '0' }, { fixed: '1.0.0' }], { modified: '2025-01-01T00:00:00Z' });
  writeFileSync(join(d, 'v1.json'), JSON.stringify(v1));
  writeFileSync(join(d, 'v2.json'), JSON.stringify(v2));
  writeFileSync(join(d, 'v0.json'), JSON.stringify(v0));
  await db.import([join(d, 'v1.json')]);
  assert.deepEqual(ids(db.lookup('npm', 'lodash', noWarn)), ['GHSA-aaaa-bbbb-cccc']);
  const r2 = await db.import([join(d, 'v2.json')]);
  assert.equal(r2.sources[0]!.updated, 1);
  assert.deepEqual(db.lookup('npm', 'lodash', noWarn), [], 'the replaced version no longer names lodash');
  assert.deepEqual(ids(db.lookup('npm', 'lodash-es', noWarn)), ['GHSA-aaaa-bbbb-cccc']);
  const r0 = await db.import([join(d, 'v0.json')]);
  assert.equal(r0.sources[0]!.unchanged, 1);
  assert.equal(db.lookup('npm', 'lodash-es', noWarn)[0]!.advisory.modified, '2026-02-01T00:00:00Z');

  // withdrawing it later removes it from every lookup
  const withdrawn = { ...v2, modified: '2026-03-01T00:00:00Z', withdrawn: '2026-03-01T00:00:00Z' };
  osv(withdrawn);
  writeFileSync(join(d, 'w.json'), JSON.stringify(withdrawn));
  const rw = await db.import([join(d, 'w.json')]);
  assert.equal(rw.sources[0]!.withdrawn, 1);
  assert.deepEqual(db.lookup('npm', 'lodash-es', noWarn), []);
  const st = db.status();
  assert.equal(st.advisories, 1);
  assert.equal(st.withdrawn, 1);
});

test('corrupt files are warnings naming them; the rest is imported and the result says incomplete', async (t) => {
  const d = tmp(t);
  const src = join(d, 'src');
  writeAdvisories(src, [rangeAdvisory('CVE-2026-0001', 'Go', 'golang.org/x/net', [{ introduced: '0' }, { fixed: '0.23.0' }])]);
  writeFileSync(join(src, 'broken.json'), '{"id": "CVE-2026-0002", "modified": ');
  writeFileSync(join(src, 'noid.json'), JSON.stringify({ modified: '2026-01-01T00:00:00Z' }));
  writeFileSync(join(src, 'badrange.json'), JSON.stringify({ id: 'CVE-2026-0003', modified: '2026-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'Go', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: '1' }] }] }] }));
  writeFileSync(join(src, 'README.md'), 'not an advisory, not looked at');
  const db = OsvDatabase.open(join(d, 'osv.db'));
  t.after(() => db.close());
  const r = await db.import([src]);
  assert.equal(r.incomplete, true);
  assert.equal(r.sources[0]!.added, 1);
  assert.equal(r.sources[0]!.rejected, 3);
  const byFile = Object.fromEntries(r.warnings.map((w) => [w.path!.split('/').pop(), w.message]));
  assert.match(byFile['broken.json']!, /not valid JSON/);
  assert.match(byFile['noid.json']!, /id/);
  assert.match(byFile['badrange.json']!, /introduced/);
  assert.deepEqual(ids(db.lookup('Go', 'golang.org/x/net', noWarn)), ['CVE-2026-0001']);
  assert.equal(db.status().sources[0]!.warnings, 3);
});

test('a zip as osv.dev publishes it imports; a damaged entry is a warning naming it; a truncated zip says so', async (t) => {
  const d = tmp(t);
  const good = rangeAdvisory('GHSA-1111-2222-3333', 'Maven', 'org.apache.logging.log4j:log4j-core', [{ introduced: '2.0' }, { fixed: '2.15.0' }]);
  const good2 = rangeAdvisory('GO-2024-0001', 'Go', 'github.com/foo/bar', [{ introduced: '0' }, { fixed: '1.2.3' }]);
  const zip = zipSync({
    [`${good.id}.json`]: strToU8(JSON.stringify(good, null, 2)),
    [`${good2.id}.json`]: [strToU8(JSON.stringify(good2)), { level: 0 }],
    'bad.json': strToU8('[1, 2'),
  }, { level: 6 });
  mkdirSync(join(d, 'Maven'));
  const zipPath = join(d, 'Maven', 'all.zip');
  writeFileSync(zipPath, zip);
  const db = OsvDatabase.open(join(d, 'osv.db'));
  t.after(() => db.close());
  const r = await db.import([zipPath]);
  assert.equal(r.sources[0]!.name, 'Maven/all.zip');
  assert.equal(r.sources[0]!.added, 2);
  assert.equal(r.incomplete, true);
  assert.equal(r.warnings.length, 1);
  assert.equal(r.warnings[0]!.path, `${zipPath}!/bad.json`);
  assert.deepEqual(ids(db.lookup('Maven', 'org.apache.logging.log4j:log4j-core', noWarn)), ['GHSA-1111-2222-3333']);

  // cut off in the middle: the central directory is gone, the archive is named
  const cut = join(d, 'cut.zip');
  writeFileSync(cut, zip.subarray(0, Math.floor(zip.length / 2)));
  const rc = await db.import([cut]);
  assert.equal(rc.incomplete, true);
  assert.equal(rc.warnings[0]!.path, cut);
  assert.match(rc.warnings[0]!.message, /damaged zip/);

  // Info-ZIP's zip (another writer) reads the same
  const info = join(d, 'info.zip');
  execFileSync('zip', ['-q', '-j', info, join(d, 'Maven', 'all.zip')]); // a zip in a zip is not JSON: skipped
  writeAdvisories(join(d, 'z'), [good2]);
  execFileSync('zip', ['-q', '-r', '-fz', info, '.'], { cwd: join(d, 'z') });
  const ri = await db.import([info]);
  assert.equal(ri.sources[0]!.unchanged, 1);
  assert.equal(ri.incomplete, false);
});

test('ZIP64 archives (as zip -fz writes them, and as large ones must be) are read through their ZIP64 records', async (t) => {
  const d = tmp(t);
  const a = rangeAdvisory('GO-2024-0002', 'Go', 'github.com/foo/baz', [{ introduced: '0' }, { fixed: '1.0.1' }]);
  writeAdvisories(join(d, 'z'), [a]);
  writeFileSync(join(d, 'z', 'note.txt'), 'x');
  const path = join(d, 'z64.zip');
  execFileSync('zip', ['-q', '-r', '-fz', path, '.'], { cwd: join(d, 'z') });
  const raw = readFileSync(path);
  assert.ok(raw.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06])), 'the archive has a ZIP64 end record');
  const { fh, size } = await openZip(path);
  try {
    assert.deepEqual((await zipDirectory(fh, size)).map((e) => e.name).sort(), ['GO-2024-0002.json', 'note.txt']);
  } finally { await fh.close(); }
  const db = OsvDatabase.open(join(d, 'osv.db'));
  t.after(() => db.close());
  const r = await db.import([path]);
  assert.equal(r.sources[0]!.added, 1);
  assert.deepEqual(ids(db.lookup('Go', 'github.com/foo/baz', noWarn)), ['GO-2024-0002']);
});

test('an archive of more than 65,535 entries from a writer without ZIP64 (fflate) is read whole, not cut at the 16-bit count', async (t) => {
  const d = tmp(t);
  const files: Record<string, [Uint8Array, { level: 0 }]> = {};
  for (let i = 0; i < 70_000; i++) files[`e/${i}.txt`] = [new Uint8Array(0), { level: 0 }];
  const path = join(d, 'many.zip');
  writeFileSync(path, zipSync(files));
  const { fh, size } = await openZip(path);
  try {
    assert.equal((await zipDirectory(fh, size)).length, 70_000);
  } finally { await fh.close(); }
});

test('a truncated or foreign database file is a clear ERR_SCAN_DB saying how to fix it; import rebuilds it', async (t) => {
  const d = tmp(t);
  const path = join(d, 'osv.db');
  const src = join(d, 'src');
  const many = Array.from({ length: 300 }, (_, i) => rangeAdvisory(`CVE-2026-${1000 + i}`, 'npm', `pkg-${i}`, [{ introduced: '0' }, { fixed: '1.0.0' }], { details: 'x'.repeat(2000) }));
  writeAdvisories(src, many);
  const db = OsvDatabase.open(path);
  await db.import([src]);
  db.close();
  // a checkpointed, closed file cut in half
  assert.ok(statSync(path).size > 100_000);
  truncateSync(path, Math.floor(statSync(path).size / 2));
  const damaged = OsvDatabase.open(path);
  t.after(() => damaged.close());
  assert.throws(() => damaged.status(), (e: unknown) => isBerthError(e) && e.code === 'ERR_SCAN_DB' && /damaged/.test(e.message) && /berth scan db import/.test(e.message));
  assert.throws(() => damaged.lookup('npm', 'pkg-1', noWarn), (e: unknown) => isBerthError(e) && e.code === 'ERR_SCAN_DB');
  const r = await damaged.import([src]);
  assert.match(r.warnings[0]!.message, /moved to .*osv\.db\.damaged-/);
  assert.equal(r.total, 300);
  assert.equal(damaged.lookup('npm', 'pkg-7', noWarn).length, 1);

  const foreign = join(d, 'foreign.db');
  writeFileSync(foreign, readFileSync(new URL(import.meta.url)));
  const f = OsvDatabase.open(foreign);
  t.after(() => f.close());
  assert.throws(() => f.count(), (e: unknown) => isBerthError(e) && e.code === 'ERR_SCAN_DB');
});

test('status: sources, counts per ecosystem, last import and its age', async (t) => {
  const d = tmp(t);
  writeAdvisories(join(d, 'a'), [
    rangeAdvisory('DSA-1-1', 'Debian:12', 'openssl', [{ introduced: '0' }, { fixed: '3.0.13-1~deb12u1' }]),
    rangeAdvisory('DSA-2-1', 'Debian:12', 'zlib', [{ introduced: '0' }, { fixed: '1:1.2.13.dfsg-1' }]),
    rangeAdvisory('GHSA-xxxx-yyyy-zzzz', 'npm', 'minimist', [{ introduced: '0' }, { fixed: '1.2.6' }]),
  ]);
  const db = OsvDatabase.open(join(d, 'osv.db'));
  t.after(() => db.close());
  assert.equal(db.status().advisories, 0);
  assert.equal(db.status().updated, undefined);
  await db.import([join(d, 'a')], { name: 'mine' });
  const st = db.status();
  assert.equal(st.advisories, 3);
  assert.deepEqual(st.ecosystems, [{ ecosystem: 'Debian:12', advisories: 2 }, { ecosystem: 'npm', advisories: 1 }]);
  assert.equal(st.sources.length, 1);
  assert.equal(st.sources[0]!.name, 'mine');
  assert.equal(st.sources[0]!.advisories, 3);
  assert.ok(st.updated && Date.now() - Date.parse(st.updated) < 60_000);
  assert.ok(st.ageSeconds !== undefined && st.ageSeconds < 60);
  assert.equal(st.newestModified, '2026-01-01T00:00:00.000Z');
});

test('a path that does not exist is refused before anything is imported', async (t) => {
  const d = tmp(t);
  const db = OsvDatabase.open(join(d, 'osv.db'));
  t.after(() => db.close());
  await assert.rejects(db.import([join(d, 'nope')]), (e: unknown) => isBerthError(e) && e.code === 'ERR_PATH_NOT_FOUND');
});

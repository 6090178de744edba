/** berth cp with Docker's semantics: files, directories (incl. "/." contents), "-" tars, -L, -a and the error wording. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, BERTH_BIN, type TestDaemon } from '../helpers/daemon.js';
import { rebaseEntryName, splitCpArg, splitPathDirEntry } from '../../src/client/container-copy.js';

let d: TestDaemon;
let dir: string;
before(async () => {
  d = await startDaemon();
  dir = mkdtempSync('/tmp/bt-cp2-');
  const r = await d.berth(['run', '-d', '--name', 'box', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done']);
  assert.equal(r.code, 0, r.stderr);
  const setup = await d.berth(['exec', 'box', 'sh', '-c',
    'mkdir -p /src/sub && echo one > /src/a.txt && echo two > /src/sub/b.txt && ln -s /src/a.txt /src/link && ln -s /src /srclink && chown 1234:4321 /src/a.txt']);
  assert.equal(setup.code, 0, setup.stderr);
});
after(async () => {
  await d?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const exec = async (cmd: string) => {
  const r = await d.berth(['exec', 'box', 'sh', '-c', cmd]);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout;
};

test('argument splitting and entry renaming follow Docker', () => {
  assert.deepEqual(splitCpArg('box:/x'), { container: 'box', path: '/x' });
  assert.deepEqual(splitCpArg('/abs:x'), { container: '', path: '/abs:x' });
  assert.deepEqual(splitCpArg('./rel:x'), { container: '', path: './rel:x' });
  assert.deepEqual(splitPathDirEntry('/a/b/.'), { dir: '/a/b', base: '.' });
  assert.deepEqual(splitPathDirEntry('/a/b/'), { dir: '/a', base: 'b' });
  assert.equal(rebaseEntryName('src/sub/b.txt', 'src', 'dst'), 'dst/sub/b.txt');
  assert.equal(rebaseEntryName('srcx/b.txt', 'src', 'dst'), 'srcx/b.txt');
  assert.equal(rebaseEntryName('sub/b.txt', '.', 'dst'), 'dst/sub/b.txt');
  assert.equal(rebaseEntryName('.', '.', 'dst'), 'dst');
});

test('directories from the container: into an existing dir, to a new name, and contents with /.', async () => {
  const into = join(dir, 'into');
  mkdirSync(into);
  assert.equal((await d.berth(['cp', 'box:/src', into])).code, 0);
  assert.equal(readFileSync(join(into, 'src', 'sub', 'b.txt'), 'utf8'), 'two\n');
  assert.equal(readlinkSync(join(into, 'src', 'link')), '/src/a.txt');
  // files belong to the caller locally (Docker does not chown on the client side)
  assert.equal(lstatSync(join(into, 'src', 'a.txt')).uid, process.getuid!());

  const renamed = join(dir, 'renamed');
  assert.equal((await d.berth(['cp', 'box:/src', renamed])).code, 0);
  assert.deepEqual(readdirSync(renamed).sort(), ['a.txt', 'link', 'sub']);

  const contents = join(dir, 'contents');
  mkdirSync(contents);
  writeFileSync(join(contents, 'keep'), 'k');
  assert.equal((await d.berth(['cp', 'box:/src/.', contents])).code, 0);
  assert.deepEqual(readdirSync(contents).sort(), ['a.txt', 'keep', 'link', 'sub']);

  // a file onto an existing file keeps the destination's name
  writeFileSync(join(dir, 'existing'), 'old');
  assert.equal((await d.berth(['cp', 'box:/src/sub/b.txt', join(dir, 'existing')])).code, 0);
  assert.equal(readFileSync(join(dir, 'existing'), 'utf8'), 'two\n');
});

test('directories into the container, -a keeps uid/gid, default gives root', async () => {
  const local = join(dir, 'local');
  mkdirSync(join(local, 'deep'), { recursive: true });
  writeFileSync(join(local, 'f1'), 'f1\n');
  writeFileSync(join(local, 'deep', 'f2'), 'f2\n');
  spawnSync('chown', ['-R', '2000:3000', local]);
  assert.equal((await d.berth(['cp', local, 'box:/tmp'])).code, 0);
  assert.equal(await exec('cat /tmp/local/deep/f2; stat -c %u:%g /tmp/local/f1'), 'f2\n0:0\n');
  assert.equal((await d.berth(['cp', '-a', local, 'box:/tmp/kept'])).code, 0);
  assert.equal(await exec('cat /tmp/kept/f1; stat -c %u:%g /tmp/kept/deep/f2'), 'f1\n2000:3000\n');
  assert.equal((await d.berth(['cp', `${local}/.`, 'box:/root'])).code, 0);
  assert.equal(await exec('cat /root/f1 /root/deep/f2'), 'f1\nf2\n');
});

test('"-" streams a tar out of and into the container', async () => {
  const tarFile = join(dir, 'out.tar');
  const out = spawnSync('sh', ['-c', `"${BERTH_BIN}" -H unix://${d.socket} cp box:/src - > ${tarFile}`], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(out.status, 0, out.stderr);
  const list = spawnSync('tar', ['-tf', tarFile], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((n) => n.replace(/\/$/, '')).sort();
  assert.deepEqual(list, ['src', 'src/a.txt', 'src/link', 'src/sub', 'src/sub/b.txt']);

  const input = join(dir, 'in');
  mkdirSync(input);
  writeFileSync(join(input, 'piped.txt'), 'piped\n');
  const tarIn = spawnSync('tar', ['-cf', '-', '-C', input, 'piped.txt']).stdout;
  const put = await d.berth(['cp', '-', 'box:/tmp'], { input: tarIn });
  assert.equal(put.code, 0, put.stderr);
  assert.equal(await exec('cat /tmp/piped.txt'), 'piped\n');
  const notDir = await d.berth(['cp', '-', 'box:/src/a.txt'], { input: tarIn });
  assert.equal(notDir.code, 1);
  assert.match(notDir.stderr, /destination "box:\/src\/a\.txt" must be a directory/);
});

test('symlinks: copied as links, followed with -L or a trailing /.', async () => {
  assert.equal((await d.berth(['cp', 'box:/src/link', join(dir, 'l1')])).code, 0);
  assert.ok(lstatSync(join(dir, 'l1')).isSymbolicLink());
  assert.equal((await d.berth(['cp', '-L', 'box:/src/link', join(dir, 'l2')])).code, 0);
  assert.ok(lstatSync(join(dir, 'l2')).isFile());
  assert.equal(readFileSync(join(dir, 'l2'), 'utf8'), 'one\n');
  const viaLink = join(dir, 'vialink');
  assert.equal((await d.berth(['cp', 'box:/srclink/.', viaLink])).code, 0);
  assert.equal(readFileSync(join(viaLink, 'sub', 'b.txt'), 'utf8'), 'two\n');

  // local side: -L copies the target's content under the link's name
  writeFileSync(join(dir, 'target.txt'), 'target\n');
  symlinkSync(join(dir, 'target.txt'), join(dir, 'llink'));
  assert.equal((await d.berth(['cp', join(dir, 'llink'), 'box:/tmp/'])).code, 0);
  assert.match(await exec('readlink /tmp/llink'), /target\.txt/);
  assert.equal((await d.berth(['cp', '-L', join(dir, 'llink'), 'box:/tmp/followed'])).code, 0);
  assert.equal(await exec('test -L /tmp/followed || cat /tmp/followed'), 'target\n');
});

test('errors are worded as Docker words them and leave nothing behind', async () => {
  const nope = await d.berth(['cp', 'box:/nope', join(dir, 'x')]);
  assert.equal(nope.code, 1);
  assert.equal(nope.stderr.trim(), 'Error response from daemon: Could not find the file /nope in container box');
  assert.ok(!existsSync(join(dir, 'x')));

  const noDir = await d.berth(['cp', 'box:/src/a.txt', join(dir, 'newdir') + '/']);
  assert.equal(noDir.code, 1);
  assert.match(noDir.stderr, /no such directory/);

  writeFileSync(join(dir, 'afile'), 'x');
  const dirOnFile = await d.berth(['cp', 'box:/src', join(dir, 'afile')]);
  assert.equal(dirOnFile.code, 1);
  assert.match(dirOnFile.stderr, /cannot copy directory/);

  const noCtr = await d.berth(['cp', join(dir, 'afile'), 'ghost:/tmp']);
  assert.equal(noCtr.code, 1);
  assert.match(noCtr.stderr, /No such container: ghost/);

  const noLocal = await d.berth(['cp', join(dir, 'missing'), 'box:/tmp']);
  assert.equal(noLocal.code, 1);
  assert.match(noLocal.stderr, /lstat .*missing: no such file or directory/);

  const neither = await d.berth(['cp', join(dir, 'a'), join(dir, 'b')]);
  assert.equal(neither.code, 1);
  assert.match(neither.stderr, /must specify at least one container source/);

  const intoMissing = await d.berth(['cp', join(dir, 'afile'), 'box:/no/such/dir/f']);
  assert.equal(intoMissing.code, 1);
  assert.match(intoMissing.stderr, /Could not find the file \/no\/such\/dir in container box/);
});

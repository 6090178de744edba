/**
 * berth's secrets through its CLI: create/ls/inspect/rm with Docker's rules, `run --secret` putting
 * the value on a tmpfs at /run/secrets (owner, mode, absolute targets) and nowhere else (inspect,
 * env, logs, commit, export), the value sealed at rest (no file under the root holds it), removal
 * refused while a container refers to it, the tmpfs gone with the container.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mountsUnder, startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
let tmp: string;
const VALUE = `berth-secret-value-${process.pid}-${Date.now()}`;
const OTHER = `second-value-${process.pid}`;

before(async () => {
  d = await startDaemon();
  tmp = mkdtempSync('/tmp/bt-secret-');
  writeFileSync(join(tmp, 'value.txt'), VALUE);
});
after(async () => {
  await d?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** every regular file under dir (no symlinks followed) */
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  let entries: string[] = [];
  try { entries = readdirSync(dir); } catch { return out; }
  for (const n of entries) {
    const p = join(dir, n);
    let st;
    try { st = lstatSync(p); } catch { continue; }
    if (st.isDirectory()) out.push(...filesUnder(p));
    else if (st.isFile()) out.push(p);
  }
  return out;
}

test('create, ls, inspect and rm with Docker\'s output and rules', async () => {
  const id = (await d.ok(['secret', 'create', '--label', 'team=db', '--label', 'flag', 'dbpass', join(tmp, 'value.txt')])).trim();
  assert.match(id, /^[0-9a-z]{25}$/);
  const id2 = (await d.ok(['secret', 'create', 'other', '-'], { input: OTHER })).trim();
  assert.notEqual(id, id2);

  const ls = await d.ok(['secret', 'ls']);
  const lines = ls.trim().split('\n');
  assert.match(lines[0], /^ID\s+NAME\s+DRIVER\s+CREATED\s+UPDATED$/);
  assert.match(lines[1], new RegExp(`^${id}\\s+dbpass\\s+.*ago`));
  assert.match(lines[2], new RegExp(`^${id2}\\s+other\\s+`));
  assert.equal(await d.ok(['secret', 'ls', '-q', '--filter', 'label=team=db']), `${id}\n`);
  assert.equal(await d.ok(['secret', 'ls', '--format', '{{.Name}}', '--filter', 'name=oth']), 'other\n');
  assert.equal(await d.ok(['secret', 'ls', '--format', '{{.Name}}', '--filter', `id=${id.slice(0, 6)}`]), 'dbpass\n');
  assert.equal(await d.ok(['secret', 'ls', '--format', '{{.Name}}', '--filter', 'label=flag']), 'dbpass\n');
  const bad = await d.berth(['secret', 'ls', '--filter', 'bogus=1']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /Invalid filter 'bogus'/);

  const [info] = JSON.parse(await d.ok(['secret', 'inspect', 'dbpass']));
  assert.equal(info.ID, id);
  assert.deepEqual(info.Spec, { Name: 'dbpass', Labels: { team: 'db', flag: '' } });
  assert.ok(info.Version.Index > 0);
  assert.match(info.CreatedAt, /^\d{4}-\d\d-\d\dT/);
  assert.ok(!JSON.stringify(info).includes(VALUE), 'inspect never shows the value');
  assert.ok(!JSON.stringify(info).includes(Buffer.from(VALUE).toString('base64')), 'nor its base64');
  assert.equal(await d.ok(['secret', 'inspect', '-f', '{{.Spec.Name}}', id.slice(0, 8)]), 'dbpass\n');

  // Docker's rules: the name pattern, the size limit, duplicates
  const dup = await d.berth(['secret', 'create', 'dbpass', join(tmp, 'value.txt')]);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /secret dbpass already exists/);
  for (const name of ['-bad', 'bad-', 'a b', 'x'.repeat(65), 'ü']) {
    const r = await d.berth(['secret', 'create', '--', name, join(tmp, 'value.txt')]);
    assert.notEqual(r.code, 0, name);
    assert.match(r.stderr, /invalid name, only 64 \[a-zA-Z0-9-_.\] characters allowed/, name);
  }
  writeFileSync(join(tmp, 'big'), Buffer.alloc(500 * 1024 + 1, 'a'));
  const big = await d.berth(['secret', 'create', 'big', join(tmp, 'big')]);
  assert.match(big.stderr, /secret data must be larger than 0 and less than 500 KB/);
  writeFileSync(join(tmp, 'limit'), Buffer.alloc(500 * 1024, 'a'));
  await d.ok(['secret', 'create', 'limit', join(tmp, 'limit')]);
  const empty = await d.berth(['secret', 'create', 'empty', '-'], { input: '' });
  assert.match(empty.stderr, /secret data must be larger than 0/);
  const missing = await d.berth(['secret', 'inspect', 'nope']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /secret nope not found/);

  assert.equal(await d.ok(['secret', 'rm', 'limit', 'other']), 'limit\nother\n');
  const gone = await d.berth(['secret', 'rm', 'other']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /secret other not found/);
});

test('run --secret: the value on a tmpfs at /run/secrets, with owner and mode, and nowhere else', async () => {
  await d.ok(['secret', 'create', 'other2', '-'], { input: OTHER });
  // the container prints digests of what it reads, so that its log never holds the values
  const out = await d.ok(['run', '--name', 'reader', '--secret', 'dbpass', '--secret', 'source=other2,target=sub/copy,uid=1000,gid=1001,mode=0400',
    '--secret', 'src=dbpass,target=/etc/app/pass', '-e', 'PLAIN=1', 'busybox', 'sh', '-c',
    'stat -c "%u:%g %a" /run/secrets/dbpass /run/secrets/sub/copy /etc/app/pass; sha256sum /run/secrets/dbpass /run/secrets/sub/copy /etc/app/pass; '
    + 'grep -E " /run/secrets | /etc/app/pass " /proc/mounts; env | sha256sum; env | grep PLAIN; echo x > /run/secrets/new 2>/dev/null || echo read-only'], { timeoutMs: 60_000 });
  const lines = out.split('\n');
  assert.equal(lines[0], '0:0 444');
  assert.equal(lines[1], '1000:1001 400');
  assert.equal(lines[2], '0:0 444');
  const sha = (v: string) => createHash('sha256').update(v).digest('hex');
  assert.equal(lines[3], `${sha(VALUE)}  /run/secrets/dbpass`);
  assert.equal(lines[4], `${sha(OTHER)}  /run/secrets/sub/copy`);
  assert.equal(lines[5], `${sha(VALUE)}  /etc/app/pass`);
  assert.match(out, /^tmpfs \/run\/secrets tmpfs ro,/m, '/run/secrets is a read-only tmpfs');
  assert.match(out, /^tmpfs \/etc\/app\/pass tmpfs ro,/m);
  assert.match(out, /^PLAIN=1$/m);
  assert.match(out, /^read-only$/m);
  const envOut = await d.ok(['run', '--rm', '--secret', 'dbpass', 'busybox', 'sh', '-c', 'env | grep -c -F -f /run/secrets/dbpass || true']);
  assert.equal(envOut, '0\n', 'not in the environment');

  const inspect = await d.ok(['inspect', 'reader']);
  assert.ok(!inspect.includes(VALUE) && !inspect.includes(OTHER), 'not in inspect');
  const [rec] = JSON.parse(inspect);
  assert.equal(rec.HostConfig.BerthSecrets.length, 3);
  assert.equal(rec.HostConfig.BerthSecrets[0].SecretName, 'dbpass');
  assert.match(rec.HostConfig.BerthSecrets[0].SecretID, /^[0-9a-z]{25}$/);
  assert.deepEqual(rec.HostConfig.BerthSecrets[1].File, { Name: 'sub/copy', UID: '1000', GID: '1001', Mode: 0o400 });
  assert.ok(!JSON.stringify(rec.Config.Env).includes(VALUE));

  // the logs hold only what the process printed itself: run a second one that prints nothing of it
  await d.ok(['run', '-d', '--name', 'quiet', '--secret', 'dbpass', 'busybox', 'sh', '-c', 'test -s /run/secrets/dbpass && echo present; sleep 600']);
  const logs = await waitLogs('quiet', 'present');
  assert.ok(!logs.includes(VALUE));

  // commit and export: the rootfs has at most the empty mount point
  await d.ok(['commit', 'quiet', 'committed:secret']);
  const c = await d.ok(['run', '--rm', 'committed:secret', 'sh', '-c', 'ls -A /run/secrets 2>/dev/null | wc -l; cat /run/secrets/* 2>/dev/null; true']);
  assert.ok(!c.includes(VALUE), 'not in the committed image');
  assert.match(c, /^0$/m, 'the committed image has no files at /run/secrets');
  const tarPath = join(tmp, 'export.tar');
  await d.ok(['export', '-o', tarPath, 'quiet']);
  assert.ok(statSync(tarPath).size > 0);
  assert.ok(!readFileSync(tarPath).includes(Buffer.from(VALUE)), 'not in export');
  const saved = join(tmp, 'image.tar');
  await d.ok(['save', '-o', saved, 'committed:secret']);
  assert.ok(!readFileSync(saved).includes(Buffer.from(VALUE)), 'not in the saved image');

  // at rest: no file under the root holds the value (database, WAL, key, logs, layers)
  const files = filesUnder(d.root);
  assert.ok(files.some((f) => f.endsWith('berth.db')));
  for (const f of files) {
    const content = readFileSync(f);
    assert.ok(!content.includes(Buffer.from(VALUE)) && !content.includes(Buffer.from(OTHER)), `plaintext in ${f}`);
    assert.ok(!content.includes(Buffer.from(Buffer.from(VALUE).toString('base64'))), `base64 plaintext in ${f}`);
  }
  const key = join(d.root, 'secrets', 'key');
  assert.equal(statSync(key).mode & 0o777, 0o600);
  assert.equal(statSync(key).size, 32);
  assert.equal(statSync(join(d.root, 'secrets')).mode & 0o777, 0o700);
  // the per-container tmpfs is there while the container is, 0700, on tmpfs
  const quietId = (await d.ok(['inspect', '-f', '{{.Id}}', 'quiet'])).trim();
  const base = join(d.runRoot, 'secrets', quietId);
  assert.deepEqual(mountsUnder(base), [base]);
  assert.equal(statSync(base).mode & 0o777, 0o700);
  const fstype = spawnSync('stat', ['-f', '-c', '%T', base], { encoding: 'utf8' }).stdout.trim();
  assert.equal(fstype, 'tmpfs');

  // in use: removal refused with Docker's wording (containers instead of services)
  const inUse = await d.berth(['secret', 'rm', 'dbpass']);
  assert.equal(inUse.code, 1);
  assert.match(inUse.stderr, /secret 'dbpass' is in use by the following containers: quiet, reader/);
  const inUse2 = await d.berth(['secret', 'rm', 'other2']);
  assert.match(inUse2.stderr, /secret 'other2' is in use by the following container: reader/);

  await d.ok(['rm', '-f', 'quiet', 'reader']);
  await d.ok(['rmi', 'committed:secret']);
  assert.deepEqual(mountsUnder(join(d.runRoot, 'secrets')), [], 'the tmpfs goes with the container');
  assert.deepEqual(readdirSync(join(d.runRoot, 'secrets')), []);
  await d.ok(['secret', 'rm', 'other2']);
});

test('a stopped container starts again with its secrets; --rm cleans up; the tmpfs survives a daemon restart', async () => {
  const sum = `${createHash('sha256').update(VALUE).digest('hex')}  `;
  await d.ok(['run', '--name', 'again', '--secret', 'source=dbpass,target=p', 'busybox', 'sha256sum', '/run/secrets/p']);
  assert.equal(await d.ok(['start', '-a', 'again']), `${sum}/run/secrets/p\n`);
  await d.ok(['rm', 'again']);
  assert.equal(await d.ok(['run', '--rm', '--secret', 'dbpass', 'busybox', 'sha256sum', '/run/secrets/dbpass']), `${sum}/run/secrets/dbpass\n`);
  await waitNoMounts();

  await d.ok(['run', '-d', '--name', 'live', '--secret', 'dbpass', 'busybox', 'sh', '-c', 'trap "exit 0" TERM; while true; do sleep 1; done']);
  await d.restart();
  assert.equal(await d.ok(['exec', 'live', 'cat', '/run/secrets/dbpass']), VALUE);
  await d.ok(['restart', '-t', '1', 'live']);
  assert.equal(await d.ok(['exec', 'live', 'cat', '/run/secrets/dbpass']), VALUE);
  await d.ok(['rm', '-f', 'live']);
  await waitNoMounts();
});

test('bad references: unknown secret, bad fields, duplicate targets', async () => {
  const unknown = await d.berth(['run', '--rm', '--secret', 'nosuch', 'busybox', 'true']);
  assert.equal(unknown.code, 125);
  assert.match(unknown.stderr, /secret not found: nosuch/);
  const badMode = await d.berth(['run', '--rm', '--secret', 'source=dbpass,mode=999', 'busybox', 'true']);
  assert.equal(badMode.code, 125);
  assert.match(badMode.stderr, /invalid mode specified: 999/);
  const badField = await d.berth(['run', '--rm', '--secret', 'source=dbpass,colour=red', 'busybox', 'true']);
  assert.match(badField.stderr, /invalid field in secret request: colour/);
  const escape = await d.berth(['run', '--rm', '--secret', 'source=dbpass,target=../x', 'busybox', 'true']);
  assert.match(escape.stderr, /invalid secret target: \.\.\/x/);
  const dup = await d.berth(['run', '--rm', '--secret', 'dbpass', '--secret', 'source=dbpass,target=/run/secrets/dbpass', 'busybox', 'true']);
  assert.match(dup.stderr, /duplicate secret target for dbpass not allowed/);
  const ps = await d.ok(['ps', '-aq']);
  assert.equal(ps, '', 'no container was created');
});

async function waitLogs(name: string, want: string): Promise<string> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await d.ok(['logs', name]);
    if (r.includes(want) || Date.now() > deadline) return r;
    await new Promise((res) => setTimeout(res, 200));
  }
}

async function waitNoMounts(): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (mountsUnder(join(d.runRoot, 'secrets')).length && Date.now() < deadline) await new Promise((res) => setTimeout(res, 100));
  assert.deepEqual(mountsUnder(join(d.runRoot, 'secrets')), []);
}

/**
 * Sections 1-4 and 6 over fixture files and facts, both ways: the host's files (real files with the
 * modes under test in a temporary directory), the daemon's facts, image configs; an unreadable path
 * is recorded and the rest goes on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runAudit } from '../../src/audit/run.js';
import { HOST_CHECKS } from '../../src/audit/checks/host.js';
import { DAEMON_CONFIG_CHECKS } from '../../src/audit/checks/daemon-config.js';
import { DAEMON_FILE_CHECKS } from '../../src/audit/checks/daemon-files.js';
import { IMAGE_CHECKS, secretsInImage } from '../../src/audit/checks/images.js';
import { OPERATIONS_CHECKS } from '../../src/audit/checks/operations.js';
import { ALL_CHECKS } from '../../src/audit/checks/index.js';
import type { AuditReport } from '../../src/audit/types.js';
import { NotSupportedError, NoSuchContainerError } from '../../src/common/errors.js';
import { facts, fakeEngine, goodContainer, image } from './fixtures.js';

function one(r: AuditReport, id: string, target?: string) {
  const fs = r.findings.filter((x) => x.id === id && (target === undefined || x.target === target));
  assert.equal(fs.length, 1, `${id} ${target ?? ''}: ${JSON.stringify(r.findings.filter((x) => x.id === id))}`);
  return fs[0];
}

test('section 1: the root dir on its own file system, auditd watches, the socket group', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-host-'));
  try {
    const mountinfo = join(dir, 'mountinfo');
    writeFileSync(mountinfo, [
      '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
      '30 22 0:40 / /var/lib/berth rw,relatime shared:2 - xfs /dev/vdb rw',
    ].join('\n') + '\n');
    mkdirSync(join(dir, 'rules.d'));
    writeFileSync(join(dir, 'rules.d', 'berth.rules'), '# berth\n-w /var/lib/berth -k berth\n-a always,exit -F path=/usr/bin/crun -F perm=x -k berth\n');
    writeFileSync(join(dir, 'group'), 'root:x:0:\nberth:x:990:alice,bob\n');
    const host = { mountinfo, auditRules: [join(dir, 'rules.d')], group: join(dir, 'group'), configDir: join(dir, 'etc-berth') };
    const good = await runAudit(fakeEngine({ root: '/var/lib/berth/data' }), facts({ socketGroup: 'berth' }), { checks: HOST_CHECKS, host });
    assert.equal(one(good, '1.1.1').status, 'PASS');
    assert.match(one(good, '1.1.1').details!, /\/var\/lib\/berth \(xfs\)/);
    assert.equal(one(good, '1.1.5').status, 'PASS', 'a watch on a directory above the root covers it');
    assert.equal(one(good, '1.1.4').status, 'WARN', '/run/berth is not watched');
    assert.equal(one(good, '1.1.2').status, 'INFO');
    assert.match(one(good, '1.1.2').details!, /berth.*alice, bob/);
    assert.equal(one(good, '1.2.1').status, 'NOTE');

    const bad = await runAudit(fakeEngine({ root: '/srv/berth' }), facts(), { checks: HOST_CHECKS, host: { ...host, auditRules: [join(dir, 'none.rules')] } });
    assert.equal(one(bad, '1.1.1').status, 'WARN');
    assert.match(one(bad, '1.1.5').details!, /no auditd rules/);
    assert.equal(one(bad, '1.1.5').status, 'WARN');
    assert.equal(one(bad, '1.1.2').status, 'INFO');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('section 2: the daemon facts both ways', async () => {
  const good = await runAudit(fakeEngine({ bridgeOptions: {} }), facts({
    listeners: [{ kind: 'unix', path: '/run/berth/berth.sock' }, { kind: 'tcp', address: 'tcp://0.0.0.0:2376', tls: true, verify: true }],
    configFile: '/etc/berth/daemon.json', config: { 'log-level': 'info' },
  }), { checks: DAEMON_CONFIG_CHECKS });
  for (const id of ['2.3', '2.4', '2.5', '2.6', '2.7', '2.15', '2.16', '2.17', '2.18', 'B2.1']) assert.equal(one(good, id).status, 'PASS', id);
  assert.equal(one(good, '2.2').status, 'PASS', 'no container on the default bridge');
  for (const id of ['2.1', '2.8', '2.9', '2.12', '2.14']) assert.equal(one(good, id).status, 'NOTE', id);

  const bad = await runAudit(fakeEngine({ containers: [goodContainer('a', { NetworkMode: 'bridge' }), goodContainer('b', { NetworkMode: 'default' })], bridgeOptions: {} }), facts({
    listeners: [{ kind: 'tcp', address: 'tcp://0.0.0.0:2375', tls: false, verify: false }, { kind: 'tcp', address: 'tcp://0.0.0.0:2376', tls: true, verify: false }],
    configFile: '/etc/berth/daemon.json', config: { icc: false, 'userns-remap': 'default', 'no-new-privileges': true, 'default-ulimits': {} },
    ignoredConfigKeys: ['icc', 'userns-remap', 'no-new-privileges', 'default-ulimits'],
    logLevel: 'debug', insecureRegistries: ['reg.local:5000'],
  }), { checks: DAEMON_CONFIG_CHECKS });
  assert.equal(one(bad, '2.2').status, 'WARN');
  assert.match(one(bad, '2.2').details!, /2 containers .*a, b/);
  assert.equal(one(bad, '2.3').status, 'WARN');
  assert.equal(one(bad, '2.5').status, 'WARN');
  assert.match(one(bad, '2.5').details!, /reg\.local:5000/);
  assert.equal(one(bad, '2.7', 'tcp://0.0.0.0:2375').status, 'WARN');
  assert.match(one(bad, '2.7', 'tcp://0.0.0.0:2375').details!, /without TLS/);
  assert.match(one(bad, '2.7', 'tcp://0.0.0.0:2376').details!, /without client certificate verification/);
  assert.equal(one(bad, 'B2.1').status, 'WARN');
  assert.match(one(bad, 'B2.1').details!, /icc, userns-remap, no-new-privileges, default-ulimits/);
  assert.match(one(bad, '2.14').details!, /not applied/);
  assert.equal(one(bad, '2.4').status, 'PASS');
  const noNet = await runAudit(fakeEngine(), facts(), { checks: DAEMON_CONFIG_CHECKS });
  assert.equal(one(noNet, '2.4').status, 'INFO');
  const icc = await runAudit(fakeEngine({ containers: [goodContainer('a', { NetworkMode: 'bridge' }), goodContainer('b', { NetworkMode: 'bridge' })], bridgeOptions: { 'com.docker.network.bridge.enable_icc': 'false' } }), facts(), { checks: DAEMON_CONFIG_CHECKS });
  assert.equal(one(icc, '2.2').status, 'PASS');
});

/** A listening unix socket at `path` (closed by the caller). */
function listen(path: string): Promise<import('node:net').Server> {
  return new Promise((resolve) => { const s = createServer(); s.listen(path, () => resolve(s)); });
}

test('section 3: owners and modes of the socket, daemon.json, TLS files, root and run root, both ways; an unreadable path is an error and the rest goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-files-'));
  const servers: import('node:net').Server[] = [];
  try {
    const make = (name: string, mode: number, content = 'x') => { const p = join(dir, name); writeFileSync(p, content); chmodSync(p, mode); return p; };
    const mkdir = (name: string, mode: number) => { const p = join(dir, name); mkdirSync(p); chmodSync(p, mode); return p; };
    writeFileSync(join(dir, 'group'), 'root:x:0:\n');
    const goodSock = join(dir, 'good.sock');
    const badSock = join(dir, 'bad.sock');
    servers.push(await listen(goodSock), await listen(badSock));
    chmodSync(goodSock, 0o660);
    chmodSync(badSock, 0o666);
    const certs = mkdir('certs.d', 0o755);
    mkdirSync(join(certs, 'reg.local'));
    writeFileSync(join(certs, 'reg.local', 'ca.crt'), 'x');
    chmodSync(join(certs, 'reg.local', 'ca.crt'), 0o644);
    const goodFacts = facts({
      listeners: [{ kind: 'unix', path: goodSock }],
      tls: { verify: true, cacert: make('ca.pem', 0o444), cert: make('cert.pem', 0o444), key: make('key.pem', 0o400) },
      configFile: make('daemon.json', 0o644, '{}'),
    });
    const host = { group: join(dir, 'group'), configDir: mkdir('etc', 0o755), serviceUnits: [make('berth.service', 0o644)] };
    const engineGood = fakeEngine({ root: mkdir('root', 0o711), runRoot: mkdir('run', 0o700) });
    const good = await runAudit(engineGood, goodFacts, { checks: DAEMON_FILE_CHECKS, host });
    assert.deepEqual(good.errors, []);
    const notPass = good.findings.filter((f) => f.status !== 'PASS').map((f) => `${f.id} ${f.status} ${f.details}`);
    assert.deepEqual(notPass, [`3.7 INFO ${join(dir, 'etc', 'certs.d')} does not exist (no registry certificates)`, `3.8 INFO ${join(dir, 'etc', 'certs.d')} does not exist (no registry certificates)`]);

    const badFacts = facts({
      listeners: [{ kind: 'unix', path: badSock }],
      tls: { verify: true, cacert: make('ca-bad.pem', 0o644), cert: make('cert-bad.pem', 0o664), key: make('key-bad.pem', 0o644) },
      configFile: make('daemon-bad.json', 0o666, '{}'),
      config: { 'certs-dir': certs },
    });
    const engineBad = fakeEngine({ root: mkdir('root-bad', 0o755), runRoot: mkdir('run-bad', 0o777) });
    const bad = await runAudit(engineBad, badFacts, { checks: DAEMON_FILE_CHECKS, host: { ...host, configDir: mkdir('etc-bad', 0o777), serviceUnits: [make('berth-bad.service', 0o666)] } });
    for (const id of ['3.2', '3.6', '3.8', '3.10', '3.12', '3.14', '3.16', '3.18']) assert.equal(one(bad, id).status, 'WARN', id);
    assert.match(one(bad, '3.14').details!, /key-bad\.pem has mode 0644, more permissive than 0400/);
    assert.match(one(bad, '3.16').details!, /bad\.sock has mode 0666/);
    assert.equal(bad.findings.filter((f) => f.id === 'B3.2' && f.status === 'WARN').length, 2);
    assert.equal(one(bad, '3.15').status, 'PASS', 'root:root is right without --group');
    // --group names a group the socket does not belong to
    const grouped = await runAudit(engineGood, facts({ ...goodFacts, socketGroup: 'berth' }), { checks: DAEMON_FILE_CHECKS, host: { ...host, group: make('group2', 0o644, 'root:x:0:\nberth:x:990:\n') } });
    assert.equal(one(grouped, '3.15').status, 'WARN');
    assert.match(one(grouped, '3.15').details!, /not root:berth/);

    // unreadable paths: reported with their path, every other check still runs
    unlinkSync(goodFacts.tls!.key);
    unlinkSync(goodFacts.configFile!);
    const partial = await runAudit(engineGood, goodFacts, { checks: ALL_CHECKS, host });
    const ids = partial.errors.map((e) => e.id).sort();
    assert.deepEqual(ids, ['3.13', '3.14', '3.17', '3.18']);
    for (const e of partial.errors) assert.match(e.message, /cannot read .*(key\.pem|daemon\.json): ENOENT/);
    assert.equal(one(partial, '3.16').status, 'PASS');
    assert.equal(one(partial, '2.7').status, 'PASS');
    assert.ok(partial.findings.some((f) => f.section === 6));
  } finally {
    for (const s of servers) s.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('section 4: root user, HEALTHCHECK, ADD, secrets in ENV/ARG/labels/history, both ways', async () => {
  const good = image('app:1', { User: 'app', Healthcheck: { Test: ['CMD', 'true'] }, Env: ['PATH=/usr/bin', 'DB_PASSWORD_FILE=/run/secrets/db', 'TOKEN_PATH=/x'] },
    [{ created_by: 'COPY . /app # buildkit' }, { created_by: 'RUN |1 VERSION=1.2 /bin/sh -c make' }], 'b');
  const bad = image('bad:1', { Env: ['DB_PASSWORD=hunter2'], Labels: { 'api-token': 'abc' }, Healthcheck: { Test: ['NONE'] } },
    [{ created_by: '/bin/sh -c #(nop) ADD file:abc in /' }, { created_by: 'RUN |1 GITHUB_TOKEN=ghp_123 /bin/sh -c fetch' }, { created_by: '/bin/sh -c echo "-----BEGIN RSA PRIVATE KEY-----" > /k' }], 'c');
  const root0 = image('zero:1', { User: '0:0', Healthcheck: { Test: ['CMD-SHELL', 'true'] } }, [], 'd');
  const r = await runAudit(fakeEngine({ images: [good, bad, root0] }), facts(), { checks: IMAGE_CHECKS });
  assert.equal(one(r, '4.1', 'app:1').status, 'PASS');
  assert.equal(one(r, '4.1', 'bad:1').status, 'WARN');
  assert.match(one(r, '4.1', 'bad:1').details!, /no USER/);
  assert.equal(one(r, '4.1', 'zero:1').status, 'WARN');
  assert.equal(one(r, '4.6', 'app:1').status, 'PASS');
  assert.equal(one(r, '4.6', 'bad:1').status, 'WARN');
  assert.equal(one(r, '4.6', 'zero:1').status, 'PASS');
  assert.equal(one(r, '4.9', 'app:1').status, 'PASS');
  assert.equal(one(r, '4.9', 'bad:1').status, 'INFO');
  assert.equal(one(r, '4.10', 'app:1').status, 'PASS');
  const s = one(r, '4.10', 'bad:1');
  assert.equal(s.status, 'WARN');
  assert.match(s.details!, /ENV DB_PASSWORD, LABEL api-token, history GITHUB_TOKEN, history: a private key/);
  assert.doesNotMatch(s.details!, /hunter2|ghp_123/, 'values are never printed');
  // 4.4: scanning refuses → one NOTE; 4.5: signing is not there yet → NOTE
  assert.equal(one(r, '4.4').status, 'NOTE');
  assert.match(one(r, '4.4').details!, /not available/);
  assert.equal(one(r, '4.5').status, 'NOTE');
});

test('secretsInImage: references and empty values are not secrets', () => {
  assert.deepEqual(secretsInImage({ config: { Env: ['PASSWORD=', 'API_KEY=$API_KEY'] }, history: [{ created_by: 'ENV TOKEN=${TOKEN}' }, { created_by: 'ARG PASSWORD' }] }), []);
  assert.deepEqual(secretsInImage({ history: [{ created_by: 'ENV SECRET_KEY="s3cr3t"' }] }), ['history SECRET_KEY']);
});

test('4.4: with a scanner, images with high or critical vulnerabilities warn; an empty database is one NOTE', async () => {
  const report = (n: number, sev: string) => ({ findings: Array.from({ length: n }, () => ({ severity: sev })), db: { advisories: 10, sources: [] } });
  const imgs = [image('clean:1', { User: 'x' }, [], 'e'), image('vuln:1', { User: 'x' }, [], 'f'), image('low:1', { User: 'x' }, [], '1')];
  const scan = (async (t: { image: string }) => (t.image === imgs[0].id ? report(0, 'LOW') : t.image === imgs[1].id ? report(3, 'CRITICAL') : report(2, 'LOW'))) as never;
  const r = await runAudit(fakeEngine({ images: imgs, scan }), facts(), { checks: IMAGE_CHECKS });
  assert.equal(one(r, '4.4', 'clean:1').status, 'PASS');
  assert.equal(one(r, '4.4', 'vuln:1').status, 'WARN');
  assert.match(one(r, '4.4', 'vuln:1').details!, /3 known vulnerabilities, 3 high or critical/);
  assert.equal(one(r, '4.4', 'low:1').status, 'INFO');
  const empty = await runAudit(fakeEngine({ images: imgs, scan: (async () => ({ findings: [], db: { advisories: 0, sources: [] } })) as never }), facts(), { checks: IMAGE_CHECKS });
  assert.equal(one(empty, '4.4').status, 'NOTE');
  assert.match(one(empty, '4.4').details!, /database is empty/);
  const failing = await runAudit(fakeEngine({ images: imgs, scan: (async () => { throw new Error('layer blob missing'); }) as never }), facts(), { checks: IMAGE_CHECKS });
  assert.equal(failing.errors.filter((e) => e.id === '4.4').length, 3);
  assert.equal(one(failing, '4.1', 'clean:1').status, 'PASS', 'a failed scan does not stop the other checks');
  void NotSupportedError;
});

test('section 6: counts of images and containers; unused images are named', async () => {
  const used = image('used:1', {}, [], '2');
  const unused = image('old:1', {}, [], '3');
  const c = goodContainer('c', {}, {}, { Running: true, Status: 'running', Pid: 0 });
  c.imageId = used.id;
  const r = await runAudit(fakeEngine({ images: [used, unused], containers: [c, goodContainer('stopped')] }), facts(), { checks: OPERATIONS_CHECKS });
  assert.equal(one(r, '6.1').status, 'INFO');
  assert.match(one(r, '6.1').details!, /2 images, 1 in use; unused: old:1/);
  assert.match(one(r, '6.2').details!, /2 containers, 1 running, 1 not running/);
  const tidy = await runAudit(fakeEngine({ images: [used], containers: [c] }), facts(), { checks: OPERATIONS_CHECKS });
  assert.equal(one(tidy, '6.1').status, 'PASS');
  assert.equal(one(tidy, '6.2').status, 'PASS');
});

test('--container: only that container and its image, no host checks; an unknown name is "No such container"', async () => {
  const img = image('web:1', { User: 'web' }, [], '4');
  const other = image('other:1', {}, [], '5');
  const web = goodContainer('web', { Privileged: true });
  web.imageId = img.id;
  const r = await runAudit(fakeEngine({ images: [img, other], containers: [web, goodContainer('db')] }), facts(), { container: 'web' });
  assert.ok(r.findings.every((f) => f.section === 4 || f.section === 5), JSON.stringify([...new Set(r.findings.map((f) => f.id))]));
  assert.ok(r.findings.filter((f) => f.section === 5).every((f) => f.target === 'web'));
  assert.ok(r.findings.filter((f) => f.section === 4 && f.target).every((f) => f.target === 'web:1'));
  assert.equal(one(r, '5.4', 'web').status, 'WARN');
  await assert.rejects(runAudit(fakeEngine(), facts(), { container: 'nope' }), (e: unknown) => e instanceof NoSuchContainerError && /No such container: nope/.test((e as Error).message));
});

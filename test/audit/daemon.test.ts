/**
 * `berth audit` against real daemons: a well-configured one (its root on a file system of its own,
 * daemon.json with log-level info, TCP with verified TLS, strict file modes) with a well-configured
 * container from an image that has USER and HEALTHCHECK, and badly configured containers next to it;
 * then a badly configured daemon, and one that is asked to listen on TCP without TLS.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import type { AuditFinding, AuditReport } from '../../src/audit/types.js';
import { sarifValidator } from './sarif-schema.js';
import { rangeAdvisory, writeAdvisories } from '../scan/osv-fixtures.js';

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/** ca.pem, cert.pem and key.pem for a TLS listener, with the given modes. */
function makeTls(dir: string, modes: { ca: number; cert: number; key: number }): { ca: string; cert: string; key: string } {
  mkdirSync(dir, { recursive: true });
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-subj', '/CN=audit-ca']);
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'key.pem', '-out', 'server.csr', '-subj', '/CN=localhost']);
  openssl(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-out', 'cert.pem']);
  const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  chmodSync(files.ca, modes.ca);
  chmodSync(files.cert, modes.cert);
  chmodSync(files.key, modes.key);
  return files;
}

function tlsArgs(port: number, t: { ca: string; cert: string; key: string }): string[] {
  return ['-H', `tcp://127.0.0.1:${port}`, '--tlsverify', '--tlscacert', t.ca, '--tlscert', t.cert, '--tlskey', t.key];
}

function pick(r: AuditReport, id: string, target?: string): AuditFinding {
  const fs = r.findings.filter((f) => f.id === id && (target === undefined || f.target === target));
  assert.equal(fs.length, 1, `${id} ${target ?? ''}: ${JSON.stringify(r.findings.filter((f) => f.id === id))}`);
  return fs[0];
}

async function audit(d: TestDaemon, query = ''): Promise<AuditReport> {
  const res = await d.api('GET', `/berth/audit${query}`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as AuditReport;
}

describe('a well-configured daemon, a well-configured container and badly configured ones', () => {
  let d: TestDaemon;
  let work: string;
  let base: string;
  let tls: { ca: string; cert: string; key: string };
  let report: AuditReport;

  /** bad containers: name → the run/create arguments before the image, the check that must warn */
  const BAD: Array<{ name: string; args: string[]; id: string; details: RegExp; run?: boolean }> = [
    { name: 'priv', args: ['--privileged', '-v', '/:/host'], id: '5.4', details: /^Privileged: priv$/, run: true },
    { name: 'caps', args: ['--cap-add', 'SYS_ADMIN'], id: '5.3', details: /SYS_ADMIN/ },
    { name: 'hostnet', args: ['--network', 'host'], id: '5.9', details: /Host network: hostnet/ },
    { name: 'hostpid', args: ['--pid', 'host'], id: '5.15', details: /Host PID namespace: hostpid/ },
    { name: 'hostipc', args: ['--ipc', 'host'], id: '5.16', details: /hostipc/ },
    { name: 'hostuts', args: ['--uts', 'host'], id: '5.20', details: /hostuts/ },
    { name: 'port80', args: ['-p', '80:80'], id: '5.7', details: /80->80\/tcp/ },
    { name: 'always', args: ['--restart', 'always'], id: '5.14', details: /always, without a maximum retry count/ },
    { name: 'dev', args: ['--device', '/dev/null:/dev/hostnull'], id: '5.17', details: /\/dev\/null/ },
    { name: 'unconfined', args: ['--security-opt', 'seccomp=unconfined'], id: '5.21', details: /Seccomp unconfined: unconfined/ },
    { name: 'nolimits', args: [], id: '5.10', details: /No memory limit: nolimits/ },
  ];

  before(async () => {
    work = mkdtempSync('/tmp/audit-good-');
    base = join(work, 'state');
    mkdirSync(base);
    // the root on a file system of its own (CIS 1.1.1); startDaemon's cleanup unmounts it
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1g', 'tmpfs', base], { encoding: 'utf8' });
    assert.equal(m.status, 0, m.stderr);
    tls = makeTls(join(work, 'tls'), { ca: 0o444, cert: 0o444, key: 0o400 });
    const config = join(work, 'daemon.json');
    writeFileSync(config, JSON.stringify({ 'log-level': 'info' }));
    chmodSync(config, 0o644);
    d = await startDaemon({ base, configFile: config, extraArgs: tlsArgs(23761, tls) });
    await d.ok(['image', 'bootstrap', 'busybox'], { timeoutMs: 120_000 });
    const ctxDir = join(work, 'ctx');
    mkdirSync(ctxDir);
    writeFileSync(join(ctxDir, 'Dockerfile'), 'FROM busybox\nUSER 1000\nHEALTHCHECK --interval=1h CMD true\n');
    await d.ok(['build', '-q', '-t', 'good:1', ctxDir], { timeoutMs: 120_000 });
    writeFileSync(join(work, 'secret.Dockerfile'), 'FROM busybox\nENV DB_PASSWORD=hunter2\n');
    await d.ok(['build', '-q', '-t', 'secret:1', '-f', join(work, 'secret.Dockerfile'), ctxDir], { timeoutMs: 120_000 });
    await d.ok(['run', '-d', '--name', 'good', '--network', 'none', '--memory', '64m', '--cpus', '0.5', '--pids-limit', '50', '--read-only',
      '--security-opt', 'no-new-privileges', '--cap-drop', 'ALL', '--restart', 'on-failure:3', 'good:1', 'sleep', '1000']);
    for (const b of BAD) await d.ok([b.run ? 'run' : 'create', ...(b.run ? ['-d'] : []), '--name', b.name, ...b.args, 'busybox', 'sleep', '1000']);
    await d.ok(['create', '--name', 'sock', '-v', `${d.socket}:/var/run/docker.sock`, 'busybox', 'true']);
    // an sshd in a running container: a script keeps its file name as its command name
    await d.ok(['run', '-d', '--name', 'sshd', 'busybox', 'sh', '-c', 'printf "#!/bin/sh\\nsleep 1000\\n" > /tmp/sshd && chmod +x /tmp/sshd && exec /tmp/sshd']);
    await new Promise((r) => setTimeout(r, 300));
    report = await audit(d);
  });

  after(async () => {
    await d?.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  test('the daemon passes the daemon checks it is configured for', () => {
    assert.deepEqual(report.errors, []);
    assert.equal(pick(report, '1.1.1').status, 'PASS');
    assert.equal(pick(report, '2.3').status, 'PASS', 'daemon.json log-level info wins over BERTH_LOG_LEVEL=debug');
    assert.equal(pick(report, '2.7', 'tcp://127.0.0.1:23761').status, 'PASS');
    assert.equal(pick(report, 'B2.1').status, 'PASS');
    for (const id of ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14', '3.15', '3.16', '3.17', '3.18']) assert.equal(pick(report, id).status, 'PASS', `${id}: ${pick(report, id).details}`);
    assert.deepEqual(report.findings.filter((f) => f.id === 'B3.1' || f.id === 'B3.2').map((f) => f.status), ['PASS', 'PASS', 'PASS', 'PASS']);
    assert.equal(pick(report, '2.15').status, 'PASS');
    assert.equal(pick(report, '2.2').status, 'WARN', 'several containers share the default bridge');
  });

  test('the well-configured container passes every runtime check berth can enforce', () => {
    const mine = report.findings.filter((f) => f.section === 5 && f.target === 'good');
    const notPass = mine.filter((f) => f.status !== 'PASS').map((f) => `${f.id} ${f.status}`);
    assert.deepEqual(notPass, ['5.1 NOTE', '5.2 NOTE', '5.30 INFO']);
    assert.equal(pick(report, '5.6', 'good').status, 'PASS');
    for (const id of ['4.1', '4.6', '4.10']) assert.equal(pick(report, id, 'good:1').status, 'PASS', id);
  });

  test('each bad container warns in its check, and the busybox image warns for USER and HEALTHCHECK', () => {
    for (const b of BAD) {
      const f = pick(report, b.id, b.name);
      assert.equal(f.status, 'WARN', `${b.id} ${b.name}: ${f.details}`);
      assert.match(f.details!, b.details);
      assert.equal(pick(report, b.id, 'good').status, 'PASS', `${b.id} passes for the good container`);
    }
    assert.match(pick(report, '5.5', 'priv').details!, /\/:\/host \(rw\)/);
    assert.equal(pick(report, '5.13', 'port80').status, 'WARN');
    assert.equal(pick(report, '5.31', 'sock').status, 'WARN');
    assert.equal(pick(report, '5.6', 'sshd').status, 'WARN');
    assert.equal(pick(report, '5.6', 'priv').status, 'PASS');
    assert.equal(pick(report, '5.29', 'nolimits').status, 'WARN');
    assert.equal(pick(report, '4.1', 'busybox:latest').status, 'WARN');
    assert.equal(pick(report, '4.6', 'busybox:latest').status, 'WARN');
    assert.equal(pick(report, '4.10', 'secret:1').status, 'WARN');
    assert.doesNotMatch(JSON.stringify(report), /hunter2/);
  });

  test('berth audit: Docker Bench text, --exit-code, --container, json, sarif and templates', async () => {
    const text = await d.berth(['audit']);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^\[WARN\] 5\.4 - Ensure that privileged containers are not used\n {5}\* Privileged: priv\n {5}Remediation: /m);
    assert.match(text.stdout, /^\[PASS\] 2\.7 - Ensure TLS authentication for the berth daemon is configured$/m);

    const failing = await d.berth(['audit', '--exit-code', '3']);
    assert.equal(failing.code, 3);
    const goodOnly = await d.berth(['audit', '--container', 'good', '--exit-code', '3']);
    assert.equal(goodOnly.code, 0, goodOnly.stdout);
    assert.doesNotMatch(goodOnly.stdout, /^\[\w+\] [1236]\./m, 'one container: no host, daemon or operations checks');
    const privOnly = await d.berth(['audit', '--container', 'priv', '--format', 'json', '--exit-code', '4']);
    assert.equal(privOnly.code, 4);
    const j = JSON.parse(privOnly.stdout) as AuditReport;
    assert.ok(j.findings.filter((f) => f.section === 5).every((f) => f.target === 'priv'));

    const sarif = await d.berth(['audit', '--format', 'sarif']);
    assert.equal(sarif.code, 0);
    const validate = sarifValidator();
    const log = JSON.parse(sarif.stdout);
    assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.ok(log.runs[0].results.some((r: any) => r.ruleId === '5.4' && r.level === 'warning' && r.locations[0].physicalLocation.artifactLocation.uri === 'container://priv'));

    const tmpl = await d.berth(['audit', '--container', 'priv', '--format', '{{.ID}} {{.Status}} {{.Target}}']);
    assert.match(tmpl.stdout, /^5\.4 WARN priv$/m);

    const none = await d.berth(['audit', '--container', 'nope']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /No such container: nope/);
  });

  test('4.4: an empty database is one NOTE; after an OSV import, an image with a critical advisory warns and clean ones pass', async () => {
    assert.equal(pick(report, '4.4').status, 'NOTE');
    assert.match(pick(report, '4.4').details!, /database is empty/);
    // an image with a Debian 12 package whose source has a critical advisory (dpkg status and os-release, no debootstrap)
    const dir = join(work, 'vuln');
    mkdirSync(dir);
    writeFileSync(join(dir, 'os-release'), 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n');
    writeFileSync(join(dir, 'status'), ['Package: zlib1g', 'Status: install ok installed', 'Priority: optional', 'Section: libs', 'Installed-Size: 164',
      'Maintainer: Mark Brown <broonie@debian.org>', 'Architecture: amd64', 'Multi-Arch: same', 'Source: zlib', 'Version: 1:1.2.13.dfsg-1',
      'Description: compression library - runtime', ''].join('\n'));
    writeFileSync(join(dir, 'Dockerfile'), 'FROM good:1\nCOPY os-release /etc/os-release\nCOPY status /var/lib/dpkg/status\n');
    await d.ok(['build', '-q', '-t', 'vuln:1', dir], { timeoutMs: 120_000 });
    const crit = [{ type: 'CVSS_V3' as const, score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }];
    writeAdvisories(join(work, 'osv'), [rangeAdvisory('DSA-9101-1', 'Debian:12', 'zlib', [{ introduced: '0' }, { fixed: '1:1.2.13.dfsg-2' }], { severity: crit })]);
    await d.ok(['scan', 'db', 'import', join(work, 'osv')], { timeoutMs: 120_000 });
    const r = await audit(d);
    assert.deepEqual(r.errors, []);
    assert.equal(pick(r, '4.4', 'vuln:1').status, 'WARN');
    assert.match(pick(r, '4.4', 'vuln:1').details!, /vuln:1: 1 known vulnerabilities, 1 high or critical/);
    assert.equal(pick(r, '4.4', 'good:1').status, 'PASS');
    assert.equal(pick(r, '4.4', 'busybox:latest').status, 'PASS');
  });
});

describe('a badly configured daemon', () => {
  test('loose modes, options berth ignores, debug logging, insecure registries; a file gone after start is an error and the rest goes on', async () => {
    const work = mkdtempSync('/tmp/audit-bad-');
    let d: TestDaemon | undefined;
    try {
      const tls = makeTls(join(work, 'tls'), { ca: 0o644, cert: 0o444, key: 0o644 });
      const config = join(work, 'daemon.json');
      writeFileSync(config, JSON.stringify({ 'log-level': 'debug', icc: false, 'userns-remap': 'default', 'live-restore': true, 'insecure-registries': ['reg.local:5000'] }));
      chmodSync(config, 0o666);
      d = await startDaemon({ configFile: config, extraArgs: tlsArgs(23762, tls) });
      chmodSync(d.runRoot, 0o755);
      unlinkSync(tls.cert); // read at start; gone now
      const r = await audit(d);
      assert.equal(pick(r, '1.1.1').status, 'WARN', 'the root shares / with the host');
      assert.equal(pick(r, '2.3').status, 'WARN');
      assert.equal(pick(r, '2.5').status, 'WARN');
      assert.equal(pick(r, 'B2.1').status, 'WARN');
      assert.match(pick(r, 'B2.1').details!, /does not apply icc, userns-remap, live-restore/);
      assert.equal(pick(r, '3.10').status, 'WARN');
      assert.equal(pick(r, '3.14').status, 'WARN');
      assert.match(pick(r, '3.14').details!, /key\.pem has mode 0644, more permissive than 0400/);
      assert.equal(pick(r, '3.18').status, 'WARN');
      assert.ok(r.findings.some((f) => f.id === 'B3.2' && f.status === 'WARN' && f.target === d!.runRoot));
      assert.deepEqual(r.errors.map((e) => e.id).sort(), ['3.11', '3.12']);
      assert.match(r.errors[0].message, /cannot read .*cert\.pem: ENOENT/);
      assert.equal(pick(r, '3.16').status, 'PASS');
      const text = await d.berth(['audit']);
      assert.match(text.stdout, /^\[ERROR\] 3\.11 - cannot read .*cert\.pem: ENOENT$/m);
      const json = await d.berth(['audit', '--format', 'json']);
      assert.match(json.stderr, /berth audit: 3\.11: cannot read/);
    } finally {
      await d?.cleanup();
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('TCP without TLS: berth serve refuses to start, so 2.7 can only warn about a daemon that berth did not start', async () => {
    await assert.rejects(startDaemon({ extraArgs: ['-H', 'tcp://127.0.0.1:23763'] }), /refusing to listen on tcp:\/\/127\.0\.0\.1:23763 without TLS/);
  });
});

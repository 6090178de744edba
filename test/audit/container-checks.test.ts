/** Section 5 (container runtime) both ways: a well-configured container passes every check, each bad setting warns in its own check. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runAudit } from '../../src/audit/run.js';
import { CONTAINER_CHECKS } from '../../src/audit/checks/containers.js';
import type { AuditReport } from '../../src/audit/types.js';
import { facts, fakeEngine, goodContainer } from './fixtures.js';

const host = { apparmorEnabled: '/nonexistent/apparmor', selinuxEnforce: '/nonexistent/selinux' };

async function audit(containers: ReturnType<typeof goodContainer>[]): Promise<AuditReport> {
  return runAudit(fakeEngine({ containers }), facts(), { checks: CONTAINER_CHECKS, host });
}

function finding(r: AuditReport, id: string, target: string) {
  const f = r.findings.find((x) => x.id === id && x.target === target);
  assert.ok(f, `no finding ${id} for ${target}: ${JSON.stringify(r.findings.filter((x) => x.id === id))}`);
  return f;
}

test('a well-configured container passes every runtime check that berth can enforce', async () => {
  const r = await audit([goodContainer('good')]);
  assert.deepEqual(r.errors, []);
  const notPass = r.findings.filter((f) => f.status !== 'PASS').map((f) => `${f.id} ${f.status}`);
  // 5.1/5.2: this host has neither AppArmor nor SELinux; 5.6: not running
  assert.deepEqual(notPass, ['5.1 NOTE', '5.2 NOTE', '5.6 INFO']);
  for (const f of r.findings) assert.equal(f.target, 'good');
});

const BAD: Array<[string, string, Record<string, unknown>, Record<string, unknown>?, RegExp?]> = [
  ['5.3', 'cap-add', { CapAdd: ['SYS_ADMIN'], CapDrop: null }, undefined, /SYS_ADMIN/],
  ['5.3', 'privileged-caps', { Privileged: true }, undefined, /all capabilities/],
  ['5.4', 'privileged', { Privileged: true }, undefined, /^Privileged: privileged$/],
  ['5.5', 'root-mount', { Binds: ['/:/host'] }, undefined, /\/:\/host \(rw\)/],
  ['5.5', 'etc-mount', { Binds: ['/etc:/etc:ro'] }, undefined, /\/etc:\/etc \(ro\)/],
  ['5.5', 'proc-mount', { Binds: null, Mounts: [{ Type: 'bind', Source: '/proc', Target: '/host/proc' }] }, undefined, /\/proc/],
  ['5.5', 'berth-root-mount', { Binds: ['/var/lib/berth/containers:/x'] }, undefined, /\/var\/lib\/berth/],
  ['5.7', 'port-80', { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '80' }] } }, undefined, /80->80\/tcp/],
  ['5.9', 'net-host', { NetworkMode: 'host' }],
  ['5.10', 'no-memory', { Memory: 0 }],
  ['5.11', 'no-cpu', { NanoCpus: 0, CpuShares: 1024 }],
  ['5.12', 'writable', { ReadonlyRootfs: false }],
  ['5.13', 'all-interfaces', { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } }, undefined, /8080->80/],
  ['5.13', 'publish-all', { PublishAllPorts: true }],
  ['5.14', 'restart-always', { RestartPolicy: { Name: 'always', MaximumRetryCount: 0 } }, undefined, /always, without a maximum/],
  ['5.14', 'restart-unless-stopped', { RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 } }],
  ['5.14', 'on-failure-unbounded', { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 0 } }, undefined, /no maximum/],
  ['5.14', 'on-failure-10', { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 10 } }, undefined, /10 retries/],
  ['5.15', 'pid-host', { PidMode: 'host' }],
  ['5.16', 'ipc-host', { IpcMode: 'host' }],
  ['5.17', 'device', { Devices: [{ PathOnHost: '/dev/null', PathInContainer: '/dev/x', CgroupPermissions: 'rwm' }] }, undefined, /\/dev\/null/],
  ['5.17', 'privileged-devices', { Privileged: true }, undefined, /all host devices/],
  ['5.19', 'rshared', { Binds: ['/srv/data:/data:rshared'] }, undefined, /rshared/],
  ['5.19', 'mount-shared', { Mounts: [{ Type: 'bind', Source: '/srv/data', Target: '/data', BindOptions: { Propagation: 'shared' } }] }],
  ['5.20', 'uts-host', { UTSMode: 'host' }],
  ['5.21', 'seccomp-unconfined', { SecurityOpt: ['no-new-privileges', 'seccomp=unconfined'] }],
  ['5.21', 'seccomp-privileged', { Privileged: true }, undefined, /privileged/],
  ['5.25', 'no-nnp', { SecurityOpt: null }],
  ['5.25', 'nnp-false', { SecurityOpt: ['no-new-privileges:false'] }],
  ['5.26', 'no-health', {}, { Healthcheck: { Test: ['NONE'] } }],
  ['5.26', 'health-missing', {}, { Healthcheck: undefined }],
  ['5.28', 'no-pids', { PidsLimit: 0 }],
  ['5.28', 'pids-unlimited', { PidsLimit: -1 }],
  ['5.29', 'default-bridge', { NetworkMode: 'bridge' }],
  ['5.29', 'default-network', { NetworkMode: 'default' }],
  ['5.30', 'userns-host', { UsernsMode: 'host' }],
  ['5.31', 'socket', { Binds: ['/run/berth/berth.sock:/var/run/docker.sock'] }, undefined, /berth\.sock/],
  ['5.31', 'docker-socket', { Binds: ['/srv/docker.sock:/var/run/docker.sock'] }],
  ['5.31', 'socket-dir', { Binds: ['/run/berth:/berth'] }],
];

test('each bad setting warns in its check, naming the container', async () => {
  const containers = BAD.map(([, name, hc, config]) => goodContainer(name, hc, config ?? {}));
  const r = await audit(containers);
  assert.deepEqual(r.errors, []);
  for (const [id, name, , , details] of BAD) {
    const f = finding(r, id, name);
    assert.equal(f.status, 'WARN', `${id} ${name}: ${f.details}`);
    assert.ok(f.details?.includes(name), `${id}: the details name the container: ${f.details}`);
    if (details) assert.match(f.details!, details);
    assert.ok(f.remediation && f.remediation.length > 10);
  }
  // a bad setting warns in its own check, not in unrelated ones
  assert.equal(finding(r, '5.4', 'net-host').status, 'PASS');
  assert.equal(finding(r, '5.9', 'privileged').status, 'PASS');
  assert.equal(finding(r, '5.10', 'privileged').status, 'PASS');
});

test('5.24 and 5.30: a cgroup parent and the default user namespace are INFO, not WARN', async () => {
  const r = await audit([goodContainer('cg', { CgroupParent: '/custom' }), goodContainer('nouserns', { UsernsMode: '' })]);
  assert.equal(finding(r, '5.24', 'cg').status, 'INFO');
  assert.equal(finding(r, '5.30', 'nouserns').status, 'INFO');
  assert.equal(finding(r, '5.30', 'cg').status, 'PASS');
});

test('5.3: dropping all capabilities and adding one back passes', async () => {
  const r = await audit([goodContainer('minimal', { CapDrop: ['ALL'], CapAdd: ['NET_BIND_SERVICE'] })]);
  assert.equal(finding(r, '5.3', 'minimal').status, 'PASS');
});

test('5.1/5.2: on a host with AppArmor or SELinux, a container without a profile warns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-mac-'));
  try {
    writeFileSync(join(dir, 'apparmor'), 'Y\n');
    writeFileSync(join(dir, 'selinux'), '1\n');
    const r = await runAudit(fakeEngine({ containers: [goodContainer('c', { SecurityOpt: ['no-new-privileges', 'apparmor=unconfined'] })] }), facts(),
      { checks: CONTAINER_CHECKS, host: { apparmorEnabled: join(dir, 'apparmor'), selinuxEnforce: join(dir, 'selinux') } });
    assert.equal(finding(r, '5.1', 'c').status, 'WARN');
    assert.match(finding(r, '5.1', 'c').details!, /apparmor=unconfined/);
    assert.equal(finding(r, '5.2', 'c').status, 'WARN');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

/** A process whose command name is `name` (a script keeps its file name as comm). */
function processNamed(dir: string, name: string): Promise<import('node:child_process').ChildProcess> {
  const script = join(dir, name);
  writeFileSync(script, '#!/bin/sh\nsleep 30\n');
  chmodSync(script, 0o755);
  const child = spawn(script, [], { stdio: 'ignore' });
  return new Promise((resolve) => setTimeout(() => resolve(child), 200));
}

test('5.6: a running container with an sshd process warns; one without passes (processes from /proc, host pid namespace)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'audit-sshd-'));
  const sshd = await processNamed(dir, 'sshd');
  const app = await processNamed(dir, 'app');
  try {
    const r = await audit([
      goodContainer('with-sshd', { PidMode: 'host' }, {}, { Running: true, Status: 'running', Pid: sshd.pid }),
      goodContainer('without', { PidMode: 'host' }, {}, { Running: true, Status: 'running', Pid: app.pid }),
    ]);
    assert.equal(finding(r, '5.6', 'with-sshd').status, 'WARN');
    assert.match(finding(r, '5.6', 'with-sshd').details!, new RegExp(`pid ${sshd.pid}`));
    assert.equal(finding(r, '5.6', 'without').status, 'PASS');
  } finally {
    sshd.kill('SIGKILL'); app.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no containers: one INFO per check, no errors', async () => {
  const r = await audit([]);
  assert.deepEqual(r.errors, []);
  assert.ok(r.findings.every((f) => f.status === 'INFO' && f.details === 'no containers'));
});

test('a container whose check throws is an error for that container only', async () => {
  const broken = goodContainer('broken', { Binds: 42 as unknown as string[] });
  const r = await audit([broken, goodContainer('fine')]);
  assert.ok(r.errors.some((e) => e.id === '5.5' && e.message.startsWith('broken:')), JSON.stringify(r.errors));
  assert.equal(finding(r, '5.5', 'fine').status, 'PASS');
  assert.equal(finding(r, '5.4', 'broken').status, 'PASS');
});

test('100 containers are audited well under 2 s', async () => {
  const many = Array.from({ length: 100 }, (_, i) => goodContainer(`c${i}`, i % 2 ? { Privileged: true } : {}));
  const t0 = performance.now();
  const r = await audit(many);
  const ms = performance.now() - t0;
  assert.ok(ms < 500, `${ms} ms`);
  assert.equal(r.findings.filter((f) => f.id === '5.4' && f.status === 'WARN').length, 50);
});

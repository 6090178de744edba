/** The CRI's pure parts: the log format, CNI config loading, time conversion, the daemon's --cri/daemon.json options, gRPC status mapping. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { criLogLines } from '../../src/cri/cri-log.js';
import { rfc3339ToNanos } from '../../src/cri/util.js';
import { grpcStatusOf } from '../../src/cri/grpc-errors.js';
import { loadCniNetwork, resultIps, CniRunner } from '../../src/network/cni.js';
import { parseServeArgs } from '../../src/daemon/serve.js';
import { runtimeError } from '../../src/runtime/oci-runtime.js';
import { ConflictError, InvalidArgumentError, NotFoundError, NotSupportedError } from '../../src/common/errors.js';

test('CRI log lines: full lines F, a trailing partial P, one timestamp per entry', () => {
  const t = new Date('2026-01-02T03:04:05.678Z');
  assert.equal(criLogLines('stdout', Buffer.from('a\nb\n'), t), '2026-01-02T03:04:05.678000000Z stdout F a\n2026-01-02T03:04:05.678000000Z stdout F b\n');
  assert.equal(criLogLines('stderr', Buffer.from('x\npart'), t), '2026-01-02T03:04:05.678000000Z stderr F x\n2026-01-02T03:04:05.678000000Z stderr P part\n');
  assert.equal(criLogLines('stdout', Buffer.from(''), t), '');
});

test('RFC 3339 times with nanoseconds become nanoseconds since the epoch; Go\'s zero time is 0', () => {
  assert.equal(rfc3339ToNanos('2026-01-02T03:04:05.123456789Z'), (BigInt(Date.parse('2026-01-02T03:04:05Z')) * 1_000_000n + 123456789n).toString());
  assert.equal(rfc3339ToNanos('0001-01-01T00:00:00Z'), '0');
  assert.equal(rfc3339ToNanos(''), '0');
});

test('CNI: the first config in lexical order; a single-plugin .conf becomes a list; bad JSON is named', () => {
  const dir = mkdtempSync('/tmp/bt-cnipure-');
  try {
    assert.equal(loadCniNetwork(join(dir, 'absent')), undefined);
    assert.equal(loadCniNetwork(dir), undefined);
    writeFileSync(join(dir, '20-b.conflist'), JSON.stringify({ cniVersion: '1.0.0', name: 'b', plugins: [{ type: 'bridge' }, { type: 'portmap', capabilities: { portMappings: true } }] }));
    writeFileSync(join(dir, '10-a.conf'), JSON.stringify({ cniVersion: '0.4.0', name: 'a', type: 'bridge', bridge: 'x' }));
    const a = loadCniNetwork(dir)!;
    assert.equal(a.name, 'a');
    assert.equal(a.cniVersion, '0.4.0');
    assert.deepEqual(a.plugins, [{ type: 'bridge', bridge: 'x' }]);
    writeFileSync(join(dir, '05-bad.conflist'), '{');
    assert.throws(() => loadCniNetwork(dir), /05-bad\.conflist/);
    rmSync(join(dir, '05-bad.conflist'));
    const runner = new CniRunner(dir, [join(dir, 'no-bin')]);
    assert.match(runner.notReadyReason()!, /cni plugin\(s\) bridge not found/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('CNI: portmap runs only for pods with port mappings (ADD, CHECK and DEL alike); the parsed list is reused until the directory changes', async () => {
  const dir = mkdtempSync('/tmp/bt-cniskip-');
  try {
    const bin = join(dir, 'bin'); mkdirSync(bin);
    const calls = join(dir, 'calls');
    // fake plugins: record "<type> <command>", print a result (or the prevResult passed in) on ADD
    for (const type of ['bridge', 'portmap']) {
      const f = join(bin, type);
      writeFileSync(f, `#!/bin/sh\necho "${type} $CNI_COMMAND" >> ${calls}\nif [ "$CNI_COMMAND" = ADD ]; then echo '{"cniVersion":"1.0.0","ips":[{"address":"10.9.0.2/16"}]}'; fi\n`);
      chmodSync(f, 0o755);
    }
    const conf = join(dir, 'conf'); mkdirSync(conf);
    const file = join(conf, '10-x.conflist');
    writeFileSync(file, JSON.stringify({ cniVersion: '1.0.0', name: 'x', plugins: [{ type: 'bridge' }, { type: 'portmap', capabilities: { portMappings: true } }] }));
    const runner = new CniRunner(conf, [bin]);
    const net = runner.network()!;
    assert.equal(runner.network(), net, 'an unchanged directory gives the same parsed list');
    const a = (portMappings: unknown[]) => ({ containerId: 'c1', netnsPath: '/proc/self/ns/net', ifName: 'eth0', capabilityArgs: { portMappings } });
    assert.deepEqual(resultIps(await runner.add(net, a([]))), { ip: '10.9.0.2', additional: [] });
    await runner.check(net, a([]), {});
    await runner.del(net, a([]));
    assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n'), ['bridge ADD', 'bridge CHECK', 'bridge DEL']);
    rmSync(calls);
    const pm = [{ hostPort: 8080, containerPort: 80, protocol: 'tcp', hostIP: '' }];
    await runner.add(net, a(pm));
    await runner.del(net, a(pm));
    assert.deepEqual(readFileSync(calls, 'utf8').trim().split('\n'), ['bridge ADD', 'portmap ADD', 'portmap DEL', 'bridge DEL']);
    writeFileSync(file, JSON.stringify({ cniVersion: '1.0.0', name: 'y', plugins: [{ type: 'bridge' }] }));
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    assert.equal(runner.network()!.name, 'y', 'a changed config is read again');
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('a crun kill that races the process\'s exit ("open pidfd: No such process") is "not running", which a stop tolerates', () => {
  const e = runtimeError({ name: 'crun', path: '/usr/bin/crun', root: '/tmp' }, 'kill', 'abc', 'open pidfd: No such process\n');
  assert.ok(e instanceof ConflictError, String(e));
});

test('CNI result: the first IPv4 is the pod IP, the rest additional', () => {
  assert.deepEqual(resultIps({ ips: [{ address: 'fd00::5/64' }, { address: '10.1.0.5/16' }] }), { ip: '10.1.0.5', additional: ['fd00::5'] });
  assert.deepEqual(resultIps(undefined), { ip: '', additional: [] });
});

test('berth serve --cri and daemon.json "cri": the socket and CNI directories', () => {
  const dir = mkdtempSync('/tmp/bt-cricfg-');
  try {
    const cfg = join(dir, 'daemon.json');
    writeFileSync(cfg, JSON.stringify({ cri: 'unix:///run/x/cri.sock', 'cni-conf-dir': '/etc/x', 'cni-bin-dir': '/a:/b' }));
    assert.deepEqual(parseServeArgs(['--config-file', cfg, '--root', dir, '--run-root', dir]).cri, { socket: '/run/x/cri.sock', cniConfDir: '/etc/x', cniBinDirs: ['/a', '/b'] });
    assert.deepEqual(parseServeArgs(['--config-file', cfg, '--cri', '/y/cri.sock', '--cni-conf-dir', '/z', '--root', dir, '--run-root', dir]).cri, { socket: '/y/cri.sock', cniConfDir: '/z', cniBinDirs: ['/a', '/b'] });
    writeFileSync(cfg, '{}');
    assert.equal(parseServeArgs(['--config-file', cfg, '--root', dir, '--run-root', dir]).cri, undefined);
    assert.throws(() => parseServeArgs(['--config-file', cfg, '--cri', 'relative.sock']), /absolute unix socket path/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('engine errors map to gRPC statuses', () => {
  assert.equal(grpcStatusOf(new InvalidArgumentError('x')), status.INVALID_ARGUMENT);
  assert.equal(grpcStatusOf(new NotFoundError('x')), status.NOT_FOUND);
  assert.equal(grpcStatusOf(new ConflictError('x', 'ERR_CRI_CONFLICT')), status.ALREADY_EXISTS);
  assert.equal(grpcStatusOf(new ConflictError('x')), status.FAILED_PRECONDITION);
  assert.equal(grpcStatusOf(new NotSupportedError('x')), status.UNIMPLEMENTED);
  assert.equal(grpcStatusOf(new Error('x')), status.UNKNOWN);
});

/** The syslog driver against rsyslogd: rfc5424/rfc3164/the local format over udp, tcp, unixgram and unix; tcp+tls against a TLS receiver. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { startReceiver, startRsyslog, waitUntil, type Rsyslog } from './helpers.js';

let d: TestDaemon;
let dir: string;
let rs: Rsyslog;
before(async () => {
  d = await startDaemon();
  dir = mkdtempSync('/tmp/bt-syslog-');
  rs = await startRsyslog(d.netns, dir, 5514, 5515);
});
after(async () => {
  if (process.env.LT_DEBUG) console.log(readFileSync(join(d.root, '..', 'daemon.log'), 'utf8').split('\n').filter((l) => !/DEBUG/.test(l)).slice(-60).join('\n'));
  await rs?.stop();
  await d?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const script = (name: string) => `echo ${name}-out; echo ${name}-err >&2`;
const fields = (l: string) => { const [input, tag, prog, host, fac, sev, msg, ...raw] = l.split('|'); return { input, tag, prog, host, fac, sev, msg, raw: raw.join('|') }; };

for (const c of [
  { name: 'udp5424', addr: () => `udp://127.0.0.1:${rs.udpPort}`, format: 'rfc5424', input: 'imudp' },
  { name: 'tcp3164', addr: () => `tcp://127.0.0.1:${rs.tcpPort}`, format: 'rfc3164', input: 'imtcp' },
  { name: 'dgram', addr: () => `unixgram://${rs.dgramSocket}`, format: '', input: 'imuxsock' },
  { name: 'stream', addr: () => `unix://${rs.streamSocket}`, format: 'rfc5424micro', input: 'imptcp' },
]) {
  test(`syslog ${c.format || 'default format'} over ${c.input}: one message per line, tag, severity by stream`, async () => {
    const opts = ['--log-driver', 'syslog', '--log-opt', `syslog-address=${c.addr()}`, '--log-opt', 'tag={{.Name}}', '--log-opt', 'syslog-facility=local3'];
    if (c.format) opts.push('--log-opt', `syslog-format=${c.format}`);
    const r = await d.berth(['run', '--name', c.name, ...opts, 'busybox', 'sh', '-c', script(c.name)]);
    assert.equal(r.code, 0, r.stderr);
    const lines = await waitUntil(`${c.name} at rsyslog`, () => rs.out().filter((l) => l.includes(`${c.name}-`)).map(fields), (v) => v.length >= 2);
    const out = lines.find((l) => l.msg.includes(`${c.name}-out`))!;
    const err = lines.find((l) => l.msg.includes(`${c.name}-err`))!;
    assert.equal(out.input, c.input);
    assert.equal(out.prog, c.name);
    assert.equal(out.fac, 'local3');
    assert.equal(out.sev, 'info');
    assert.equal(err.sev, 'err');
    if (c.format === 'rfc5424' || c.format === 'rfc5424micro') {
      // <pri>1 time host tag pid tag - msg (the app name is the tag, as dockerd sends it)
      const re = c.format === 'rfc5424' ? /^<158>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d) \S+ udp5424 \d+ udp5424 - udp5424-out/ : /^<158>1 \S+\.\d{6}(Z|[+-]\d\d:\d\d) \S+ stream \d+ stream - stream-out/;
      assert.match(out.raw, re);
    } else if (c.format === 'rfc3164') {
      assert.match(out.raw, /^<158>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ tcp3164\[\d+\]: tcp3164-out/);
    } else {
      assert.match(out.raw, /^<158>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d dgram\[\d+\]: dgram-out/);
    }
    // dual logging: berth's own json file still answers `logs`
    const logs = await d.berth(['logs', c.name]);
    assert.equal(logs.stdout, `${c.name}-out\n`);
    assert.equal(logs.stderr, `${c.name}-err\n`);
  });
}

test('syslog tcp+tls rfc5424: octet counting, the CA checked; skip-verify without the CA', async () => {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  const tls = await startReceiver(d.netns, 'tls', '6514', [key, cert]);
  try {
    const r = await d.berth(['run', '--name', 'tls1', '--log-driver', 'syslog', '--log-opt', 'syslog-address=tcp+tls://127.0.0.1:6514',
      '--log-opt', `syslog-tls-ca-cert=${cert}`, '--log-opt', 'syslog-format=rfc5424', 'busybox', 'echo', 'over-tls']);
    assert.equal(r.code, 0, r.stderr);
    const got = await waitUntil('tls message', () => tls.messages.filter((m: string) => m.includes('over-tls')), (v) => v.length > 0);
    const m = /^(\d+) (<30>1 .* - over-tls)$/.exec(got[0]);
    assert.ok(m, got[0]);
    assert.equal(Number(m[1]), Buffer.byteLength(m[2]) + 1); // the count includes the newline

    // no CA: the self-signed certificate is refused at start...
    const bad = await d.berth(['run', '--name', 'tls2', '--log-driver', 'syslog', '--log-opt', 'syslog-address=tcp+tls://127.0.0.1:6514', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /failed to initialize logging driver: tls: failed to verify certificate: x509: certificate signed by unknown authority/);
    // ...unless verification is skipped
    const skip = await d.berth(['run', '--name', 'tls3', '--log-driver', 'syslog', '--log-opt', 'syslog-address=tcp+tls://127.0.0.1:6514',
      '--log-opt', 'syslog-tls-skip-verify=true', '--log-opt', 'syslog-format=rfc3164', 'busybox', 'echo', 'skipped']);
    assert.equal(skip.code, 0, skip.stderr);
    await waitUntil('skip-verify message', () => tls.messages.filter((m: string) => m.includes('skipped')), (v) => v.length > 0);
  } finally { await tls.stop(); }
});

test('syslog: an unreachable tcp target fails the start (dockerd dials at start); bad options fail create', async () => {
  const r = await d.berth(['run', '--name', 'down', '--log-driver', 'syslog', '--log-opt', 'syslog-address=tcp://127.0.0.1:1', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /failed to initialize logging driver: dial tcp 127\.0\.0\.1:1: connect: connection refused/);
  const bad: Array<[string[], RegExp]> = [
    [['--log-opt', 'x=1'], /unknown log opt 'x' for syslog log driver/],
    [['--log-opt', 'syslog-facility=nope'], /invalid syslog facility/],
    [['--log-opt', 'syslog-format=xml'], /Invalid syslog format/],
    [['--log-opt', 'syslog-address=http://x'], /unsupported scheme: 'http'/],
    [['--log-opt', `syslog-address=unix://${dir}/missing.sock`], /no such file or directory/],
    [['--log-opt', 'max-buffer-size=1m'], /max-buffer-size option is only supported with 'mode=non-blocking'/],
    [['--log-opt', 'mode=non-blocking', '--log-opt', 'max-buffer-size=lots'], /error parsing option max-buffer-size/],
  ];
  for (const [opts, re] of bad) {
    const c = await d.berth(['create', '--log-driver', 'syslog', ...opts, 'busybox', 'true']);
    assert.equal(c.code, 125, opts.join(' '));
    assert.match(c.stderr, re);
  }
});

test('syslog: a policy restart makes the driver again, each run delivers (tcp)', async () => {
  const id = (await d.ok(['run', '-d', '--name', 'again', '--restart', 'on-failure:2', '--log-driver', 'syslog',
    '--log-opt', `syslog-address=tcp://127.0.0.1:${rs.tcpPort}`, 'busybox', 'sh', '-c', 'echo run-of-again; exit 1'])).trim();
  const runs = await waitUntil('three runs at rsyslog', () => rs.out().filter((l) => l.includes('run-of-again')), (v) => v.length >= 3, 30_000);
  assert.equal(runs.length, 3);
  await waitUntil('the last exit', async () => JSON.parse(await d.ok(['inspect', id]))[0].State, (s: any) => !s.Running && !s.Restarting, 20_000);
  assert.equal((await d.ok(['logs', id])), 'run-of-again\n'.repeat(3));
});

/**
 * `berth serve` loads the builder, the SBOM and scan code, the audit, metrics (prom-client), the
 * dashboard's server (ws), the embedded DNS (dns-packet), the OSV database, the logging drivers besides
 * json-file and local (with msgpack) and the CLI's bundle only when they are used, and the rootless code
 * (entry, network drivers, port forwarding) only in a rootless daemon (docs/performance.md#memory). A daemon started as a user
 * starts it (bin/berth serve) with a preload that logs every module Node loads
 * (test/helpers/module-log.mjs): after start none of those areas is in the log; after a build, an
 * audit, an SBOM and a scan-database request through the API they are, and each answered as before; a
 * bad gelf option is refused at create with dockerd's wording while the driver is still not loaded, and
 * the first gelf container loads it and delivers its lines; a root daemon never loads the rootless code.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, startDaemon, type TestDaemon } from '../helpers/daemon.js';
import { SESSION_TOKEN_PATH } from '../../src/ui/manager.js';
import { startReceiver, waitUntil } from '../logging/helpers.js';

/** area -> what in a module URL marks it */
const LAZY_AREAS: Record<string, RegExp> = {
  'CLI bundle': /\/dist\/cli\//,
  builder: /\/dist\/builder\/builder\.js$/,
  lint: /\/dist\/lint\//,
  sbom: /\/dist\/sbom\/(generate|format)/,
  scan: /\/dist\/scan\/scan-sbom\.js$/,
  audit: /\/dist\/audit\/run\.js$/,
  metrics: /\/node_modules\/prom-client\//,
  cyclonedx: /\/node_modules\/@cyclonedx\//,
  cri: /\/dist\/cri\//,
  'dashboard server': /\/dist\/ui\/server\.js$/,
  ws: /\/node_modules\/ws\//,
  'embedded DNS': /\/node_modules\/dns-packet\//,
  'OSV database': /\/dist\/scan\/db\/osv-db\.js$/,
  'logging drivers': /\/dist\/logging\/(syslog|gelf|fluentd|journald|queue|transport)\.js$/,
  msgpack: /\/node_modules\/@msgpack\//,
  rootless: /\/dist\/rootless\/((entry|runtime-dir|storage|subid|tools)\.js$|net\/)/,
};

function loadedAreas(log: string): Set<string> {
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  const out = new Set<string>();
  for (const [area, re] of Object.entries(LAZY_AREAS)) if (urls.some((u) => re.test(u))) out.add(area);
  return out;
}

test('a fresh daemon has not loaded the heavy areas; each loads and works on first use', { timeout: 180_000 }, async () => {
  const tmp = mkdtempSync('/tmp/bt-lazy-');
  const log = join(tmp, 'modules.log');
  let d: TestDaemon | undefined;
  try {
    d = await startDaemon({ launcher: 'bin', env: { NODE_OPTIONS: `--import ${join(REPO, 'test', 'helpers', 'module-log.mjs')}`, BERTH_TEST_MODULE_LOG: log } });
    const atStart = readFileSync(log, 'utf8');
    assert.match(atStart, /\/dist\/daemon\/serve\.js\n/, 'the log records the daemon\'s own modules');
    assert.match(atStart, /\/dist\/container\/manager\.js\n/);
    assert.deepEqual([...loadedAreas(log)], [], 'areas loaded by a fresh daemon');

    // the build routes and the builder load on the first build, which works as before
    const ctx = join(tmp, 'ctx');
    mkdirSync(ctx);
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\nLABEL lazy=yes\n');
    writeFileSync(join(ctx, 'hello.txt'), 'hello\n');
    await d.ok(['build', '-q', '-t', 'lazy-load:1', ctx], { timeoutMs: 120_000 });
    const inspect = await d.api('GET', '/images/lazy-load:1/json');
    assert.equal(inspect.status, 200);
    assert.equal(inspect.body.Config.Labels.lazy, 'yes');
    assert.ok(loadedAreas(log).has('builder'), 'the builder is loaded after a build');
    assert.ok(!loadedAreas(log).has('audit'), 'a build does not load the audit');

    // an error from a lazily loaded route is the same coded error as ever
    const missing = await d.api('GET', '/berth/images/no-such-image:1/sbom');
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /no-such-image/);
    assert.ok(loadedAreas(log).has('sbom'));

    // the wrong method on a lazy route's path is still a 405, and an unknown path a 404
    assert.equal((await d.api('PUT', '/berth/audit')).status, 405);
    assert.equal((await d.api('GET', '/berth/no-such-route')).status, 404);

    const audit = await d.api('GET', '/berth/audit');
    assert.equal(audit.status, 200);
    assert.ok(Array.isArray(audit.body.findings) && audit.body.findings.length > 0, 'the audit reports its findings');
    assert.ok(loadedAreas(log).has('audit'));

    const status = await d.api('GET', '/berth/scan/db/status');
    assert.equal(status.status, 200);
    assert.ok(loadedAreas(log).has('OSV database'));

    // a user-defined network brings its embedded DNS server up, dns-packet with it
    await d.ok(['network', 'create', 'lazy-dns']);
    assert.ok(loadedAreas(log).has('embedded DNS'), 'dns-packet is loaded once a user-defined network is up');
    await d.ok(['network', 'rm', 'lazy-dns']);

    // the dashboard's server (and ws) load when the dashboard is asked for
    const token = await d.api('POST', SESSION_TOKEN_PATH);
    assert.equal(token.status, 201, JSON.stringify(token.body));
    assert.match(token.body.URL, /^http:\/\/127\.0\.0\.1:\d+\//);
    assert.ok(loadedAreas(log).has('dashboard server') && loadedAreas(log).has('ws'));
    assert.ok(!loadedAreas(log).has('metrics'), 'no metrics code without --metrics-addr');

    // a logging driver's options are checked at create, with dockerd's wording, without loading the driver
    const bad = await d.berth(['create', '--log-driver', 'gelf', '--log-opt', 'gelf-address=udp://127.0.0.1:1', '--log-opt', 'gelf-compression-type=bzip2', 'busybox', 'true']);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /unknown value "bzip2" for log opt "gelf-compression-type" for gelf log driver/);
    const badFluentd = await d.api('POST', '/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { LogConfig: { Type: 'fluentd', Config: { 'fluentd-max-retries': 'x' } } } });
    assert.equal(badFluentd.status, 400);
    assert.deepEqual(badFluentd.body, { message: 'strconv.ParseUint: parsing "x": invalid syntax', code: 'ERR_LOG_OPT' });
    assert.ok(!loadedAreas(log).has('logging drivers') && !loadedAreas(log).has('msgpack'), 'checking options loads no driver');
    // the first container with the gelf driver loads it, and its lines arrive
    const rcv = await startReceiver(d.netns, 'gelf-udp', '12211');
    try {
      await d.ok(['run', '--name', 'lazy-gelf', '--log-driver', 'gelf', '--log-opt', 'gelf-address=udp://127.0.0.1:12211', 'busybox', 'echo', 'lazy-gelf-line']);
      const msgs = await waitUntil('the gelf message', () => rcv.messages.filter((m) => m.message._container_name === 'lazy-gelf'), (v) => v.length >= 1);
      assert.equal(msgs[0].message.short_message, 'lazy-gelf-line');
    } finally { await rcv.stop(); }
    assert.ok(loadedAreas(log).has('logging drivers'), 'the gelf driver is loaded after its first container');
    assert.ok(!loadedAreas(log).has('rootless'), 'a root daemon never loads the rootless entry, network drivers or port forwarding');
  } finally {
    await d?.cleanup();
    rmSync(tmp, { recursive: true, force: true });
  }
});

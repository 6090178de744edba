/**
 * Docker's legacy `--link` on the default bridge, against a real daemon in a network namespace
 * this test creates: /etc/hosts lines, the link variables, HostConfig.Links, and the refusals.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon, type TestDaemon } from '../helpers/daemon.js';

let d: TestDaemon;
before(async () => { d = await startDaemon(); });
after(async () => { await d?.cleanup(); });

const ok = (args: string[]) => d.ok(args);

test('--link: the alias resolves and answers, the variables describe the target, inspect shows the link', async () => {
  await ok(['run', '-d', '--name', 'web', '--expose', '80', '-e', 'SECRET_TOKEN=abc', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/etc']);
  try {
    const ip = (await ok(['inspect', '-f', '{{.NetworkSettings.Networks.bridge.IPAddress}}', 'web'])).trim();
    const out = await ok(['run', '--name', 'client', '--link', 'web:db', 'busybox', 'sh', '-c',
      'grep -w db /etc/hosts; env | grep ^DB_ | sort; wget -qO- http://db/hostname']);
    const webId = (await ok(['inspect', '-f', '{{.Id}}', 'web'])).trim();
    assert.match(out, new RegExp(`^${ip.replace(/\./g, '\\.')}\\tdb ${webId.slice(0, 12)} web$`, 'm'));
    assert.match(out, new RegExp(`^DB_PORT=tcp://${ip}:80$`, 'm'));
    assert.match(out, new RegExp(`^DB_PORT_80_TCP_ADDR=${ip}$`, 'm'));
    assert.match(out, /^DB_PORT_80_TCP_PORT=80$/m);
    assert.match(out, /^DB_PORT_80_TCP_PROTO=tcp$/m);
    assert.match(out, /^DB_NAME=\/client\/db$/m);
    assert.match(out, /^DB_ENV_SECRET_TOKEN=abc$/m);
    assert.ok(out.trim().endsWith(webId.slice(0, 12)), out);
    const links = JSON.parse(await ok(['inspect', '-f', '{{json .HostConfig.Links}}', 'client']));
    assert.deepEqual(links, ['/web:/client/db']);
    await ok(['rm', 'client']);
    // exec into a running linker sees the same variables
    await ok(['run', '-d', '--name', 'linker', '--link', 'web:db', 'busybox', 'sleep', '60']);
    const execEnv = await ok(['exec', 'linker', 'env']);
    assert.match(execEnv, new RegExp(`^DB_PORT=tcp://${ip}:80$`, 'm'));
    assert.match(execEnv, /^DB_NAME=\/linker\/db$/m);
    await ok(['rm', '-f', 'linker']);
  } finally {
    await ok(['rm', '-f', 'web']);
  }
});

test('--link refusals: a missing target, a stopped target, host networking; nothing left behind', async () => {
  const before = (await ok(['ps', '-aq'])).trim();
  let r = await d.berth(['run', '--link', 'nosuch:db', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /No such container: nosuch/);
  r = await d.berth(['run', '--network', 'host', '--link', 'nosuch', 'busybox', 'true']);
  assert.equal(r.code, 125);
  assert.match(r.stderr, /conflicting options: host type networking can't be used with links/);
  assert.equal((await ok(['ps', '-aq'])).trim(), before);

  await ok(['create', '--name', 'idle', 'busybox', 'true']);
  try {
    r = await d.berth(['run', '--name', 'linker', '--link', 'idle', 'busybox', 'true']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /Cannot link to a non running container: \/idle AS \/linker\/idle/);
    // the failed start released its network: a second try fails the same way, not on a taken address
    r = await d.berth(['start', 'linker']);
    assert.match(r.stderr, /Cannot link to a non running container/);
  } finally {
    await d.berth(['rm', '-f', 'linker']);
    await ok(['rm', 'idle']);
  }
});

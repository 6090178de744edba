/**
 * docker-compose 1.29 (Debian) against `berth serve` with a multi-service file that uses a
 * user-defined network, a named volume and a published port: `web` (busybox httpd serving a file
 * from the volume) and `client` (fetches http://web:8000/ by name). Everything runs inside the
 * test daemon's own network namespace; `down -v` must leave no network, volume, veth or rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { daemonForClients, eventually, runOk } from '../compat/helpers.js';

const COMPOSE = '/usr/bin/docker-compose';

const COMPOSE_FILE = `version: "2.4"
services:
  seed:
    image: busybox
    volumes: ["site:/site"]
    command: sh -c 'echo "hello from the volume" > /site/index.html'
  web:
    image: busybox
    depends_on: [seed]
    networks: [backend]
    volumes: ["site:/www:ro"]
    ports: ["127.0.0.1:18080:8000"]
    command: httpd -f -p 8000 -h /www
  client:
    image: busybox
    depends_on: [web]
    networks: [backend]
    command: sh -c 'trap "exit 0" TERM; while true; do sleep 0.2; done'
networks:
  backend:
    driver: bridge
    ipam:
      config: [{ subnet: 10.66.0.0/24 }]
volumes:
  site: {}
`;

test('docker-compose: network, named volume and published port; down -v leaves nothing behind', { skip: !existsSync(COMPOSE) && 'docker-compose not installed' }, async (t) => {
  const { d, env } = await daemonForClients(t, { COMPOSE_INTERACTIVE_NO_CLI: '1' });
  const dir = mkdtempSync('/tmp/bt-compose-net-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE_FILE);
  const compose = (args: string[], timeoutMs = 120_000) => runOk(COMPOSE, ['--no-ansi', '-p', 'cnet', ...args], { env, cwd: dir, timeoutMs });
  const inNs = (args: string[]) => {
    const r = spawnSync('nsenter', [`--net=/run/netns/${d.netns}`, ...args], { encoding: 'utf8', timeout: 15_000 });
    return { code: r.status ?? 1, out: (r.stdout ?? '') + (r.stderr ?? '') };
  };

  await compose(['up', '-d']);
  // the seed service writes the page once; web serves it from the volume
  const fromHost = async () => inNs(['busybox', 'wget', '-qO-', 'http://127.0.0.1:18080/']).out;
  await eventually(async () => (await fromHost()) === 'hello from the volume\n', 30_000, 'web to serve the page on 127.0.0.1:18080');

  const fromClient = (await compose(['exec', '-T', 'client', 'wget', '-qO-', 'http://web:8000/'])).stdout;
  assert.equal(fromClient, 'hello from the volume\n');
  // compose's service aliases and the network-qualified name also resolve
  const alias = (await compose(['exec', '-T', 'client', 'wget', '-qO-', 'http://cnet_web_1:8000/'])).stdout;
  assert.equal(alias, 'hello from the volume\n');

  const net = (await d.api('GET', '/networks/cnet_backend')).body;
  assert.equal(net.IPAM.Config[0].Subnet, '10.66.0.0/24');
  assert.equal(net.Labels['com.docker.compose.network'], 'backend');
  const bridge = `br-${net.Id.slice(0, 12)}`;
  assert.match(inNs(['ip', '-o', 'link', 'show']).out, new RegExp(bridge));
  const vol = (await d.api('GET', '/volumes/cnet_site')).body;
  assert.equal(vol.Labels['com.docker.compose.volume'], 'site');
  assert.match(inNs(['nft', 'list', 'table', 'ip', 'berth']).out, /dport 18080/);

  await compose(['down', '-v']);
  assert.deepEqual((await d.api('GET', '/containers/json?all=1')).body, []);
  assert.equal((await d.api('GET', '/networks/cnet_backend')).status, 404);
  assert.equal((await d.api('GET', '/volumes/cnet_site')).status, 404);
  const links = inNs(['ip', '-o', 'link', 'show']).out;
  assert.doesNotMatch(links, new RegExp(bridge));
  assert.doesNotMatch(links, /vb[0-9a-f]{13}/);
  const rules = inNs(['nft', 'list', 'table', 'ip', 'berth']).out;
  assert.doesNotMatch(rules, /18080|10\.66\.0\./);
  assert.notEqual(inNs(['timeout', '5', 'busybox', 'wget', '-qO-', 'http://127.0.0.1:18080/']).code, 0);
});

/**
 * The round trip of issue 23: a compose project (`berth compose up`) → `kube generate
 * --compose-project` → `compose down` → `kube play` gives the same services, reachable the same way:
 * the published port answers on the host, a service reaches another by its name, and the named
 * volume (a PVC that keeps compose's volume name) still holds its data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeHarness } from '../compose/up-harness.js';
import { kubeHarness, eventually } from './helpers.js';
import { validateKubeYaml } from './validate.js';

const PROJECT = `name: shop
services:
  web:
    image: busybox
    command: sh -c 'test -f /www/index.html || echo "hello from $$GREETING" > /www/index.html; exec httpd -f -p 80 -h /www'
    environment:
      GREETING: compose
    ports: ["18090:80"]
    volumes: [site:/www]
  client:
    image: busybox
    command: sh -c 'trap "exit 0" TERM; while true; do sleep 0.2; done'
volumes:
  site: {}
`;

test('compose up → kube generate --compose-project → compose down → kube play: same services, same reach', async (t) => {
  const h = await kubeHarness(t);
  const c = await composeHarness(t, h.d);
  c.write('compose.yaml', PROJECT);
  await c.ok(['up', '-d']);
  const page = 'hello from compose\n';
  await eventually(() => h.inNs(['busybox', 'wget', '-qO-', 'http://127.0.0.1:18090/']).out === page, 30_000, 'compose web on 18090');
  await eventually(async () => (await h.exec('shop-client-1', 'wget -qO- http://web/')).stdout === page, 20_000, 'client → web by name under compose');

  const gen = await h.berth(['kube', 'generate', '--compose-project', 'shop']);
  assert.equal(gen.code, 0, gen.stderr);
  const objects = validateKubeYaml(gen.stdout);
  assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`), ['PersistentVolumeClaim/shop-site', 'Pod/client', 'Pod/web']);
  assert.deepEqual(objects[0].metadata.annotations, { 'io.berth.kube/volume-name': 'shop_site' });
  const web = objects[2].spec.containers[0];
  assert.equal(web.name, 'web');
  assert.deepEqual(web.env, [{ name: 'GREETING', value: 'compose' }]);
  assert.deepEqual(web.ports, [{ containerPort: 80, hostPort: 18090, protocol: 'TCP' }]);
  const file = h.file('shop.yaml', gen.stdout);

  await c.ok(['down']);
  assert.deepEqual(await h.names(), []);
  await h.ok(['kube', 'play', file]);
  assert.deepEqual(await h.names(), ['client-client', 'client-infra', 'web-infra', 'web-web']);
  // the same page (written once, into the volume compose made), on the same host port, and by name
  await eventually(() => h.inNs(['busybox', 'wget', '-qO-', 'http://127.0.0.1:18090/']).out === page, 30_000, 'played web on 18090');
  await eventually(async () => (await h.exec('client-client', 'wget -qO- http://web/')).stdout === page, 20_000, 'client → web by name under kube play');
  assert.equal((await h.inspect('web-web')).Mounts.find((m: any) => m.Destination === '/www').Name, 'shop_site');

  await h.ok(['kube', 'play', '--down', file]);
  assert.deepEqual(await h.names(), []);
});

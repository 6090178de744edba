/**
 * `berth kube play/generate` are Engine API clients: the same file played on Debian's dockerd (20.10,
 * in a namespace of its own) gives the same pods. dockerd has no secrets outside Swarm (Secret volumes
 * become files) and refuses a hostname beside `container:` networking (containers keep their own).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBerth, startDaemon } from '../helpers/daemon.js';
import { dockerdMissing, startDockerd } from '../helpers/dockerd.js';
import { eventually } from './helpers.js';
import { validateKubeYaml } from './validate.js';

const FILE = `apiVersion: v1
kind: ConfigMap
metadata: {name: site}
data:
  index.html: "from dockerd\\n"
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {token: t0k3n}
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels: {app: web}
spec:
  restartPolicy: Never
  containers:
  - name: httpd
    image: busybox
    command: [httpd, -f, -p, "8080", -h, /www]
    volumeMounts:
    - {name: site, mountPath: /www}
    - {name: creds, mountPath: /etc/creds}
  - name: side
    image: busybox
    command: [sh, -c, 'trap "exit 0" TERM; while true; do sleep 0.2; done']
  volumes:
  - name: site
    configMap: {name: site}
  - name: creds
    secret: {secretName: creds}
---
apiVersion: v1
kind: Service
metadata: {name: websvc}
spec:
  selector: {app: web}
  ports: [{port: 18086, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata: {name: client}
spec:
  restartPolicy: Never
  containers:
  - name: sh
    image: busybox
    command: [sh, -c, 'trap "exit 0" TERM; while true; do sleep 0.2; done']
`;

test('kube play and generate against dockerd', { skip: dockerdMissing() || undefined }, async (t) => {
  const b = await startDaemon();
  t.after(() => b.cleanup());
  const pulled = await b.api('POST', '/images/create?fromImage=busybox&tag=latest');
  assert.equal(pulled.status, 200);
  const d = await startDockerd();
  t.after(() => d.cleanup());
  await d.loadImages(b.socket, ['busybox:latest']);
  const dir = mkdtempSync('/tmp/bt-kube-dockerd-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'app.yaml');
  writeFileSync(file, FILE);
  const berth = (args: string[]) => runBerth(d.socket, args, { env: { BERTH_NO_AUTOSTART: '1' }, timeoutMs: 120_000 });
  const exec = async (c: string, script: string) => (await d.docker(['exec', c, 'sh', '-c', script])).stdout;

  const r = await berth(['kube', 'play', file]);
  assert.equal(r.code, 0, r.stderr);
  const names = (await d.api('GET', '/containers/json?all=1')).body.map((c: any) => c.Names[0].slice(1)).sort();
  assert.deepEqual(names, ['client-infra', 'client-sh', 'web-httpd', 'web-infra', 'web-side']);
  const infra = (await d.api('GET', '/containers/web-infra/json')).body;
  assert.equal((await d.api('GET', '/containers/web-httpd/json')).body.HostConfig.NetworkMode, `container:${infra.Id}`);
  assert.equal(await exec('web-httpd', 'cat /etc/creds/token'), 't0k3n');
  await eventually(async () => (await exec('web-side', 'wget -qO- http://127.0.0.1:8080/')) === 'from dockerd\n', 20_000, 'localhost in the pod');
  await eventually(async () => (await exec('client-sh', 'wget -qO- http://websvc:8080/')) === 'from dockerd\n', 20_000, 'the service by name');
  await eventually(() => {
    const w = spawnSync('ip', ['netns', 'exec', d.netns, 'busybox', 'wget', '-qO-', 'http://127.0.0.1:18086/'], { encoding: 'utf8', timeout: 20_000 });
    return w.stdout === 'from dockerd\n';
  }, 20_000, 'the service port on the host');

  const gen = await berth(['kube', 'generate', 'web']);
  assert.equal(gen.code, 0, gen.stderr);
  const pod = validateKubeYaml(gen.stdout).find((o) => o.kind === 'Pod');
  assert.deepEqual(pod.spec.containers.map((c: any) => c.name), ['httpd', 'side']);
  assert.deepEqual(pod.spec.containers[0].ports, [{ containerPort: 8080, hostPort: 18086, protocol: 'TCP' }]);

  const down = await berth(['kube', 'play', '--down', file]);
  assert.equal(down.code, 0, down.stderr);
  assert.deepEqual((await d.api('GET', '/containers/json?all=1')).body, []);
});

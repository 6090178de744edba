/**
 * `berth kube generate` against a real daemon: a container with ports, env, a named volume, a bound
 * directory and file, a tmpfs, resources and capabilities, as a Pod, a Deployment, with a Service; a
 * pod made by `kube play`, generated back and played again. Every output is checked against the
 * Kubernetes OpenAPI schemas and decoded by kubectl (test/kube/validate.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubeHarness, eventually } from './helpers.js';
import { validateKubeYaml } from './validate.js';

test('kube generate: a container as a Pod, a Deployment and with a Service', async (t) => {
  const h = await kubeHarness(t);
  const site = join(h.dir, 'site');
  mkdirSync(site);
  writeFileSync(join(site, 'index.html'), 'hi\n');
  const conf = join(h.dir, 'app.conf');
  writeFileSync(conf, 'level=debug\n');
  await h.ok(['run', '-d', '--name', 'web', '-p', '18081:80', '-e', 'FOO=bar', '-v', 'webdata:/data', '-v', `${site}:/www:ro`, '-v', `${conf}:/etc/app.conf:ro`,
    '--tmpfs', '/cache', '--memory', '64m', '--cpus', '0.5', '--cap-add', 'NET_ADMIN', '--restart', 'always', 'busybox', 'httpd', '-f', '-p', '80', '-h', '/www']);

  const yaml = await h.ok(['kube', 'generate', 'web']);
  assert.match(yaml, /^# Save the output of this file and use kubectl create -f to import it into Kubernetes\./);
  const objects = validateKubeYaml(yaml);
  assert.deepEqual(objects.map((o) => `${o.kind}/${o.metadata.name}`), ['PersistentVolumeClaim/webdata', 'ConfigMap/app-conf', 'Pod/web-pod']);
  const pod = objects[2];
  assert.equal(pod.spec.restartPolicy, 'Always');
  const c = pod.spec.containers[0];
  assert.equal(c.name, 'web');
  assert.equal(c.image, 'busybox');
  assert.deepEqual(c.args, ['httpd', '-f', '-p', '80', '-h', '/www']);
  assert.equal(c.command, undefined);
  assert.deepEqual(c.env, [{ name: 'FOO', value: 'bar' }]);
  assert.deepEqual(c.ports, [{ containerPort: 80, hostPort: 18081, protocol: 'TCP' }]);
  assert.deepEqual(c.resources, { limits: { memory: '64Mi', cpu: '500m' } });
  assert.deepEqual(c.securityContext, { capabilities: { add: ['NET_ADMIN'] } });
  const mounts = Object.fromEntries(c.volumeMounts.map((m: any) => [m.mountPath, m]));
  const vol = (name: string) => pod.spec.volumes.find((v: any) => v.name === name);
  assert.deepEqual(vol(mounts['/data'].name).persistentVolumeClaim, { claimName: 'webdata' });
  assert.deepEqual(vol(mounts['/www'].name).hostPath, { path: site, type: 'Directory' });
  assert.equal(mounts['/www'].readOnly, true);
  assert.deepEqual(vol(mounts['/cache'].name).emptyDir, { medium: 'Memory' });
  assert.equal(mounts['/etc/app.conf'].subPath, 'app.conf');
  assert.deepEqual(vol(mounts['/etc/app.conf'].name).configMap, { name: 'app-conf', items: [{ key: 'app.conf', path: 'app.conf' }] });
  assert.deepEqual(objects[1].data, { 'app.conf': 'level=debug\n' });

  // --service: the host port is the Service's nodePort, not the pod's
  const withService = validateKubeYaml(await h.ok(['kube', 'generate', '--service', 'web']));
  const svc = withService.find((o) => o.kind === 'Service');
  assert.deepEqual(svc.spec, { type: 'NodePort', selector: { app: 'web-pod' }, ports: [{ name: '80-tcp', port: 80, targetPort: 80, protocol: 'TCP', nodePort: 18081 }] });
  assert.deepEqual(withService.find((o) => o.kind === 'Pod').spec.containers[0].ports, [{ containerPort: 80, protocol: 'TCP' }]);

  // --type deployment, written to a file
  const out = join(h.dir, 'deploy.yaml');
  assert.equal(await h.ok(['kube', 'generate', '--type', 'deployment', '-f', out, 'web']), '');
  const deploy = validateKubeYaml(readFileSync(out, 'utf8')).find((o) => o.kind === 'Deployment');
  assert.equal(deploy.spec.replicas, 1);
  assert.deepEqual(deploy.spec.selector, { matchLabels: { app: 'web-pod' } });
  assert.equal(deploy.spec.template.spec.containers[0].name, 'web');

  // the generated Pod plays: a new pod whose httpd answers on the same host port (once the container is gone)
  await h.ok(['rm', '-f', 'web']);
  const file = h.file('gen.yaml', yaml);
  await h.ok(['kube', 'play', file]);
  await eventually(() => h.inNs(['busybox', 'wget', '-qO-', 'http://127.0.0.1:18081/']).out === 'hi\n', 20_000, 'the played pod on 18081');
  assert.equal((await h.exec('web-pod-web', 'cat /etc/app.conf')).stdout, 'level=debug\n');
  await h.ok(['kube', 'play', '--down', file]);

  // bad targets
  const missing = await h.berth(['kube', 'generate', 'nothing-here']);
  assert.equal(missing.code, 125); // podman's code for its own errors
  assert.match(missing.stderr, /no container or pod named "nothing-here"/);
  const both = await h.berth(['kube', 'generate', '--compose-project', 'p', 'web']);
  assert.equal(both.code, 125);
  const badType = await h.berth(['kube', 'generate', '--type', 'job', 'web']);
  assert.equal(badType.code, 125);
  assert.match(badType.stderr, /--type must be pod or deployment/);
});

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: shop
  labels: {app: shop}
spec:
  hostname: shop-host
  restartPolicy: Never
  containers:
  - name: api
    image: busybox
    command: [sh, -c]
    args: ['echo api > /tmp/i; exec httpd -f -p 8080 -h /tmp']
    env: [{name: MODE, value: prod}]
    ports: [{containerPort: 8080, hostPort: 18083}]
  - name: worker
    image: busybox
    command: [sh, -c, 'trap "exit 0" TERM; while true; do sleep 0.2; done']
`;

test('kube generate POD: a pod made by kube play comes back as the same Pod', async (t) => {
  const h = await kubeHarness(t);
  const file = h.file('shop.yaml', POD);
  await h.ok(['kube', 'play', file]);
  const objects = validateKubeYaml(await h.ok(['kube', 'generate', 'shop']));
  assert.equal(objects.length, 1);
  const pod = objects[0];
  assert.equal(pod.metadata.name, 'shop');
  assert.equal(pod.spec.hostname, 'shop-host');
  assert.equal(pod.spec.restartPolicy, 'Never');
  assert.deepEqual(pod.spec.containers.map((c: any) => c.name), ['api', 'worker']);
  const api = pod.spec.containers[0];
  assert.deepEqual([api.command, api.args], [['sh', '-c'], ['echo api > /tmp/i; exec httpd -f -p 8080 -h /tmp']]);
  assert.deepEqual(api.env, [{ name: 'MODE', value: 'prod' }]);
  assert.deepEqual(api.ports, [{ containerPort: 8080, hostPort: 18083, protocol: 'TCP' }]);
  assert.equal(pod.spec.containers[1].ports, undefined);
  // a container of a pod is generated with its pod
  const member = await h.berth(['kube', 'generate', 'shop-api']);
  assert.equal(member.code, 125);
  assert.match(member.stderr, /belongs to pod shop/);
});

const WITH_FILES = `apiVersion: v1
kind: ConfigMap
metadata: {name: conf}
data:
  app.ini: "level=info\\n"
  other.txt: other
---
apiVersion: v1
kind: Secret
metadata: {name: keys}
stringData: {api: k3y, db: pa55}
---
apiVersion: v1
kind: Pod
metadata: {name: files}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox
    command: [sh, -c, 'trap "exit 0" TERM; while true; do sleep 0.2; done']
    volumeMounts:
    - {name: conf, mountPath: /etc/app}
    - {name: one, mountPath: /etc/one.ini, subPath: app.ini}
    - {name: keys, mountPath: /run/keys}
  volumes:
  - name: conf
    configMap: {name: conf}
  - name: one
    configMap:
      name: conf
      items: [{key: app.ini, path: app.ini}]
  - name: keys
    secret: {secretName: keys}
`;

test('kube generate POD: a played pod\'s ConfigMap and Secret volumes come back with their values', async (t) => {
  const h = await kubeHarness(t);
  const file = h.file('files.yaml', WITH_FILES);
  await h.ok(['kube', 'play', file]);
  const r = await h.berth(['kube', 'generate', 'files']);
  assert.equal(r.code, 0, r.stderr);
  const objects = validateKubeYaml(r.stdout);
  const byKey = Object.fromEntries(objects.map((o) => [`${o.kind}/${o.metadata.name}`, o]));
  assert.deepEqual(Object.keys(byKey).sort(), ['ConfigMap/conf', 'Pod/files', 'Secret/keys']);
  assert.deepEqual(byKey['ConfigMap/conf'].data, { 'app.ini': 'level=info\n', 'other.txt': 'other' });
  const secret = byKey['Secret/keys'].data;
  // berth secrets never give their values back: the keys are there, empty, and the user is told
  assert.deepEqual(secret, { api: '', db: '' });
  assert.match(r.stderr, /WARNING: Secret keys: \/run\/keys\/api in files-app is a berth secret, whose value cannot be read back; "api" is left empty/);
  const pod = byKey['Pod/files'];
  assert.deepEqual(pod.spec.containers[0].volumeMounts.map((m: any) => [m.mountPath, m.subPath ?? '']).sort(), [['/etc/app', ''], ['/etc/one.ini', 'app.ini'], ['/run/keys', '']]);
  // played again (after --down), the same files
  await h.ok(['kube', 'play', '--down', file]);
  const again = h.file('again.yaml', r.stdout);
  await h.ok(['kube', 'play', again]);
  assert.equal((await h.exec('files-app', 'cat /etc/app/app.ini /etc/one.ini /etc/app/other.txt')).stdout, 'level=info\nlevel=info\nother');
  await h.ok(['kube', 'play', '--down', again]);
});

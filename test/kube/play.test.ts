/**
 * `berth kube play` against a real daemon: a pod of two containers (shared network and IPC through
 * the infra container), a Deployment's replicas, a Service published on the host, ConfigMap and
 * Secret as env and files, a PVC as a named volume, an init container; `--down` removes it all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kubeHarness, eventually } from './helpers.js';

const LOOP = `trap "exit 0" TERM; while true; do sleep 0.2; done`;

const APP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  GREETING: hello
  index.html: |
    served from a configmap
---
apiVersion: v1
kind: Secret
metadata:
  name: web-secret
type: Opaque
data:
  password: czNjcmV0
stringData:
  token: plain-token
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: web-data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  restartPolicy: Never
  initContainers:
  - name: seed
    image: busybox
    command: [sh, -c, 'echo seeded > /data/seed']
    volumeMounts:
    - name: data
      mountPath: /data
  containers:
  - name: httpd
    image: busybox
    command: [httpd, -f, -p, "8080", -h, /www]
    ports:
    - containerPort: 8080
      name: http
    env:
    - name: GREETING
      valueFrom:
        configMapKeyRef: {name: web-config, key: GREETING}
    - name: PASSWORD
      valueFrom:
        secretKeyRef: {name: web-secret, key: password}
    - name: MESSAGE
      value: $(GREETING) world
    - name: POD
      valueFrom:
        fieldRef: {fieldPath: metadata.name}
    volumeMounts:
    - name: site
      mountPath: /www
    - name: creds
      mountPath: /etc/creds
      readOnly: true
    - name: data
      mountPath: /data
    - name: scratch
      mountPath: /scratch
    livenessProbe:
      exec: {command: [true]}
  - name: sidecar
    image: busybox
    command: [sh, -c, '${LOOP}']
    envFrom:
    - configMapRef: {name: web-config}
      prefix: CM_
    volumeMounts:
    - name: scratch
      mountPath: /scratch
  volumes:
  - name: site
    configMap:
      name: web-config
      items:
      - key: index.html
        path: index.html
  - name: creds
    secret:
      secretName: web-secret
  - name: data
    persistentVolumeClaim:
      claimName: web-data
  - name: scratch
    emptyDir: {}
---
apiVersion: v1
kind: Service
metadata:
  name: web-svc
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: http
    nodePort: 18080
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules: []
`;

test('kube play runs a pod with configmap, secret, pvc, emptyDir, init container and a service; --down removes it', async (t) => {
  const h = await kubeHarness(t);
  const file = h.file('app.yaml', APP);
  const r = await h.berth(['kube', 'play', file]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Pod:\n[0-9a-f]{64}\nContainers:\n[0-9a-f]{64}\n[0-9a-f]{64}\n/);
  // what berth does not run is named, with file, line and field
  assert.match(r.stderr, new RegExp(`WARNING: ${file}:\\d+: spec.containers\\[0\\].livenessProbe: Pod web: field spec.containers\\[0\\].livenessProbe is not supported`));
  assert.match(r.stderr, /kind Ingress \(networking\.k8s\.io\/v1\) is not supported by berth kube play; skipped/);
  assert.deepEqual(await h.names(), ['web-httpd', 'web-infra', 'web-seed', 'web-sidecar']);

  const httpd = await h.inspect('web-httpd');
  const infra = await h.inspect('web-infra');
  assert.equal(httpd.HostConfig.NetworkMode, `container:${infra.Id}`);
  assert.equal(httpd.HostConfig.IpcMode, `container:${infra.Id}`);
  assert.equal(httpd.Config.Labels['io.berth.kube.pod'], 'web');
  assert.equal(infra.Config.Labels['io.berth.kube.infra'], 'true');
  for (const e of ['GREETING=hello', 'PASSWORD=s3cret', 'MESSAGE=hello world', 'POD=web']) assert.ok(httpd.Config.Env.includes(e), `${e} in ${httpd.Config.Env}`);
  assert.equal((await h.inspect('web-seed')).State.ExitCode, 0);

  // the configmap as files, the secret on berth's secrets tmpfs, the claim as a named volume
  assert.equal((await h.exec('web-httpd', 'cat /www/index.html')).stdout, 'served from a configmap\n');
  assert.equal((await h.exec('web-httpd', 'cat /etc/creds/password; echo; cat /etc/creds/token')).stdout, 's3cret\nplain-token');
  assert.equal((await h.exec('web-httpd', 'cat /data/seed')).stdout, 'seeded\n');
  assert.equal((await h.d.api('GET', '/volumes/web-data')).status, 200);
  const secrets = (await h.d.api('GET', '/secrets')).body as Array<{ Spec: { Name: string } }>;
  assert.deepEqual(secrets.map((s) => s.Spec.Name).sort(), ['web.web-secret.password', 'web.web-secret.token']);
  // envFrom with a prefix
  assert.match((await h.exec('web-sidecar', 'echo $CM_GREETING')).stdout, /^hello\n$/);

  // one network namespace: the sidecar reaches httpd on localhost, and shares the emptyDir
  await eventually(async () => (await h.exec('web-sidecar', 'wget -qO- http://127.0.0.1:8080/index.html')).stdout === 'served from a configmap\n', 20_000, 'httpd over localhost');
  await h.exec('web-httpd', 'echo shared > /scratch/f');
  assert.equal((await h.exec('web-sidecar', 'cat /scratch/f')).stdout, 'shared\n');
  // the Service's nodePort on the host, to the named target port
  await eventually(() => h.inNs(['busybox', 'wget', '-qO-', 'http://127.0.0.1:18080/index.html']).out === 'served from a configmap\n', 20_000, 'the nodePort on the host');

  // a second play of the same pod is refused, --replace replaces it
  const again = await h.berth(['kube', 'play', file]);
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /pod web already exists/);
  await h.ok(['kube', 'play', '--replace', file]);
  assert.deepEqual(await h.names(), ['web-httpd', 'web-infra', 'web-seed', 'web-sidecar']);

  const down = await h.ok(['kube', 'play', '--down', file]);
  assert.match(down, /Pods removed:\n[0-9a-f]{64}\n/);
  assert.deepEqual(await h.names(), []);
  assert.deepEqual((await h.d.api('GET', '/secrets')).body, []);
  // the claim's volume stays (its data is the user's), the emptyDir's goes
  const vols = ((await h.d.api('GET', '/volumes')).body.Volumes ?? []).map((v: { Name: string }) => v.Name);
  assert.deepEqual(vols, ['web-data']);
});

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: httpd
        image: busybox
        command: [sh, -c, 'hostname > /tmp/index.html; exec httpd -f -p 8080 -h /tmp']
---
apiVersion: v1
kind: Service
metadata:
  name: api-svc
spec:
  selector: {app: api}
  ports:
  - port: 18085
    targetPort: 8080
---
apiVersion: v1
kind: Pod
metadata:
  name: client
spec:
  hostname: front
  containers:
  - name: sh
    image: busybox
    command: [sh, -c, '${LOOP}']
`;

test('kube play: a Deployment\'s replicas, a Service name between pods, a hostname; --start=false from stdin creates only; kube down', async (t) => {
  const h = await kubeHarness(t);
  const file = h.file('deploy.yaml', DEPLOY);
  const r = await h.berth(['kube', 'play', file]);
  assert.equal(r.code, 0, r.stderr);
  // one host port cannot reach two pods: said so
  assert.match(r.stderr, /Service api-svc: host port 18085 goes to pod api-pod-0 only/);
  assert.deepEqual(await h.names(), ['api-pod-0-httpd', 'api-pod-0-infra', 'api-pod-1-httpd', 'api-pod-1-infra', 'client-infra', 'client-sh']);
  assert.equal((await h.exec('client-sh', 'hostname')).stdout, 'front\n');
  // the Service's name and each pod's name resolve on the play's network
  await eventually(async () => /^api-pod-[01]\n$/.test((await h.exec('client-sh', 'wget -qO- http://api-svc:8080/')).stdout), 20_000, 'the service by name');
  assert.equal((await h.exec('client-sh', 'wget -qO- http://api-pod-1:8080/')).stdout, 'api-pod-1\n');
  await eventually(() => h.inNs(['busybox', 'wget', '-qO-', 'http://127.0.0.1:18085/']).out === 'api-pod-0\n', 20_000, 'the service port on the host');
  await h.ok(['kube', 'play', '--down', file]);
  assert.deepEqual(await h.names(), []);

  // the YAML on stdin; podman's `kube down`
  const created = await h.berth(['kube', 'play', '--start=false', '-'], { input: DEPLOY });
  assert.equal(created.code, 0, created.stderr);
  const states = await h.d.api('GET', '/containers/json?all=1');
  assert.equal((states.body as any[]).length, 6);
  assert.ok((states.body as Array<{ State: string }>).every((c) => c.State === 'created'));
  await h.ok(['kube', 'down', file]);
  assert.deepEqual(await h.names(), []);
});

test('kube play that fails half-way removes what it created', async (t) => {
  const h = await kubeHarness(t);
  const file = h.file('half.yaml', `apiVersion: v1
kind: Secret
metadata: {name: s}
stringData: {k: v}
---
apiVersion: v1
kind: Pod
metadata: {name: good}
spec:
  containers:
  - name: c
    image: busybox
    command: [sh, -c, '${LOOP}']
    volumeMounts: [{name: s, mountPath: /s}, {name: tmp, mountPath: /tmp/x}]
  volumes:
  - {name: s, secret: {secretName: s}}
  - {name: tmp, emptyDir: {}}
---
apiVersion: v1
kind: Pod
metadata: {name: bad}
spec:
  initContainers:
  - name: fails
    image: busybox
    command: [sh, -c, 'exit 3']
  containers:
  - name: c
    image: busybox
    command: [sh, -c, '${LOOP}']
`);
  const r = await h.berth(['kube', 'play', file]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /pod bad: init container fails exited with 3/);
  assert.deepEqual(await h.names(), []);
  assert.deepEqual((await h.d.api('GET', '/secrets')).body, []);
  assert.deepEqual(((await h.d.api('GET', '/volumes')).body.Volumes ?? []).map((v: { Name: string }) => v.Name), []);
});

/**
 * Bad Kubernetes YAML: every error names the file, the line and the field (issue 23's "bad input"),
 * through the reader and through `berth kube play` (exit 125, before any daemon is asked); what berth
 * does not run is a warning naming each kind and field, never dropped silently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBerth } from '../helpers/daemon.js';
import { parseKubeYaml, KubeInputError } from '../../src/kube/source.js';
import { readObjects } from '../../src/kube/objects.js';
import { planPlay } from '../../src/kube/plan.js';

function load(text: string) {
  const { objects, warnings } = readObjects(parseKubeYaml(text, 'app.yaml'));
  const plan = planPlay(objects);
  return { plan, warnings: [...warnings, ...plan.warnings] };
}

function fails(text: string, line: number, field: string, detail: RegExp, code?: string): void {
  assert.throws(() => load(text), (e: unknown) => {
    assert.ok(e instanceof KubeInputError, `a KubeInputError, not ${String(e)}`);
    assert.equal(e.line, line, e.message);
    assert.equal(e.field, field, e.message);
    assert.match(e.message, detail);
    assert.ok(e.message.startsWith(`app.yaml:${line}: ${field}: `), e.message);
    if (code) assert.equal(e.code, code);
    return true;
  });
}

const POD = (extra = '', image = 'busybox') => `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: ${image}
${extra}`;

test('malformed YAML: the line and the field the parser stopped in', () => {
  // an unclosed flow sequence: the parser notices at the end of the document
  fails(POD('', '[busybox'), 9, 'spec.containers[0].image[0]', /malformed YAML: Flow sequence .* must .* end with a \]/, 'ERR_KUBE_YAML');
  fails(POD('   command: [sh]\n'), 9, 'spec.containers[0].image', /malformed YAML: Sequence item without - indicator/, 'ERR_KUBE_YAML');
  fails('apiVersion: v1\nkind: Pod\nkind: Pod\n', 3, 'kind', /malformed YAML: .*unique/i, 'ERR_KUBE_YAML');
  // a later document's line is the file's, not the document's
  fails(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n${POD('    ports: [{containerPort: 80}\n')}`, 14, 'spec.containers[0].ports[0]', /malformed YAML/);
  fails('- just\n- a list\n', 1, '(document)', /must be a mapping/, 'ERR_KUBE_YAML');
});

test('unknown kinds, wrong apiVersions and missing fields', () => {
  fails(POD().replace('kind: Pod', 'kind: Podd'), 2, 'kind', /unknown kind "Podd" in v1/, 'ERR_KUBE_KIND');
  fails(POD().replace('kind: Pod\n', ''), 1, 'kind', /missing/, 'ERR_KUBE_KIND');
  fails(POD().replace('apiVersion: v1', 'apiVersion: apps/v1'), 1, 'apiVersion', /Pod is in apiVersion v1/, 'ERR_KUBE_KIND');
  fails(POD().replace('    image: busybox\n', ''), 7, 'spec.containers[0].image', /needs an image/);
  fails(POD().replace('  name: web\nspec', '  name: Web_1\nspec'), 4, 'metadata.name', /invalid name "Web_1"/);
  fails(POD('    volumeMounts: [{name: nope, mountPath: /x}]\n'), 9, 'spec.containers[0].volumeMounts[0].name', /no volume named "nope"/);
  fails(POD('  restartPolicy: Sometimes\n'), 9, 'spec.restartPolicy', /not Always, OnFailure or Never/);
  fails(POD('    ports: [{containerPort: 80, hostPort: 99999}]\n'), 9, 'spec.containers[0].ports[0].hostPort', /not a port number/);
  fails(`apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: -1\n  template: {spec: {containers: [{name: a, image: b}]}}\n`, 5, 'spec.replicas', /not a replica count/);
  fails(`apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ndata:\n  k: "not base64!"\n`, 5, 'data.k', /not base64/);
  fails(`${POD('    ports: [{containerPort: 80}]\n').replace('  name: web\n', '  name: web\n  labels: {app: web}\n')}---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: http}]\n`,
    17, 'spec.ports[0].targetPort', /no container port named "http"/);
  // a List's items keep their own positions
  fails(`apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Widget\n  metadata: {name: a}\n`, 5, 'items[0].kind', /unknown kind "Widget"/);
});

test('what berth does not run is listed, each kind and field with its line', () => {
  const { plan, warnings } = load(`${POD(`    livenessProbe: {exec: {command: ["true"]}}
    startupProbe: {}
  nodeSelector: {disk: ssd}
`)}---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
---
apiVersion: example.com/v1
kind: Widget
metadata: {name: w}
`);
  assert.equal(plan.pods.length, 1);
  assert.deepEqual(warnings, [
    'app.yaml:9: spec.containers[0].livenessProbe: Pod web: field spec.containers[0].livenessProbe is not supported by berth kube play; ignored',
    'app.yaml:10: spec.containers[0].startupProbe: Pod web: field spec.containers[0].startupProbe is not supported by berth kube play; ignored',
    'app.yaml:11: spec.nodeSelector: Pod web: field spec.nodeSelector is not supported by berth kube play; ignored',
    'app.yaml:14: kind: kind StatefulSet (apps/v1) is not supported by berth kube play; skipped',
    'app.yaml:18: kind: kind Widget (example.com/v1) is not supported by berth kube play; skipped',
  ]);
});

test('berth kube play: bad input exits 125 with file, line and field, before asking a daemon', async (t) => {
  const dir = mkdtempSync('/tmp/bt-kube-bad-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const socket = join(dir, 'none.sock');
  const file = join(dir, 'app.yaml');
  writeFileSync(file, POD().replace('kind: Pod', 'kind: Podd'));
  for (const args of [['kube', 'play', file], ['kube', 'play', '--down', file]]) {
    const r = await runBerth(socket, args, { env: { BERTH_NO_AUTOSTART: '1' }, timeoutMs: 30_000 });
    assert.equal(r.code, 125, r.stderr);
    assert.equal(r.stderr, `${file}:2: kind: unknown kind "Podd" in v1 (berth kube play runs Pod, Deployment, Service, ConfigMap, Secret, PersistentVolumeClaim)\n`);
  }
  const missing = await runBerth(socket, ['kube', 'play', join(dir, 'nope.yaml')], { env: { BERTH_NO_AUTOSTART: '1' }, timeoutMs: 30_000 });
  assert.equal(missing.code, 125);
  assert.match(missing.stderr, /cannot read .*nope\.yaml: no such file/);
  const usage = await runBerth(socket, ['kube', 'play'], { env: { BERTH_NO_AUTOSTART: '1' }, timeoutMs: 30_000 });
  assert.equal(usage.code, 1);
  assert.match(usage.stderr, /'berth kube play' requires at least 1 argument/);
});

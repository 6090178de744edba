/**
 * Checks of generated Kubernetes YAML without a cluster: each object against Kubernetes' OpenAPI
 * schemas (kubernetes-models' validators: types, required fields, enums), `kubectl` decoding the
 * stream client-side (`kubectl label --local`, which needs no API server), and berth's own reader
 * taking every field (no "not supported" warning).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Pod, Service, ConfigMap, Secret, PersistentVolumeClaim } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { parseKubeYaml } from '../../src/kube/source.js';
import { readObjects } from '../../src/kube/objects.js';

const MODELS: Record<string, new (o: any) => { validate(): void }> = { Pod, Service, ConfigMap, Secret, PersistentVolumeClaim, Deployment };

export function kubeObjects(yaml: string): any[] {
  return parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o);
}

export function validateKubeYaml(yaml: string): any[] {
  const objects = kubeObjects(yaml);
  for (const o of objects) {
    const Model = MODELS[o.kind];
    assert.ok(Model, `a model for kind ${o.kind}`);
    assert.doesNotThrow(() => new Model(o).validate(), `${o.kind} ${o.metadata?.name} against the OpenAPI schema`);
  }
  const { warnings } = readObjects(parseKubeYaml(yaml, 'generated.yaml'));
  assert.deepEqual(warnings, [], 'berth kube play takes every field berth kube generate writes');
  kubectlDecodes(yaml, objects);
  return objects;
}

/** kubectl (Debian's kubernetes-client) decodes the stream without a cluster; it must be installed. */
export function kubectlDecodes(yaml: string, objects: any[]): void {
  const dir = mkdtempSync('/tmp/bt-kubectl-');
  try {
    const file = join(dir, 'gen.yaml');
    writeFileSync(file, yaml);
    // a kubeconfig that points at nothing: kubectl must not reach for a cluster (or the host's ~/.kube)
    writeFileSync(join(dir, 'config'), 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    const r = spawnSync('kubectl', ['label', '--local', '-f', file, 'checked=yes', '-o', 'jsonpath={.kind}/{.metadata.name}={.metadata.labels.checked}{"\\n"}'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, KUBECONFIG: join(dir, 'config'), HOME: dir } });
    assert.ok(!r.error, `kubectl is needed (Debian's kubectl / kubernetes-client): ${r.error?.message}`);
    assert.equal(r.status, 0, `kubectl decodes the YAML: ${r.stderr}`);
    assert.deepEqual(r.stdout.trim().split('\n'), objects.map((o) => `${o.kind}/${o.metadata.name}=yes`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

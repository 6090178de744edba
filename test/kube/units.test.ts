/** Kubernetes quantities both ways, and the field path names in messages. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpuQuantity, memoryQuantity, quantity } from '../../src/kube/quantity.js';
import { fieldName } from '../../src/kube/source.js';
import { deploymentPodNames } from '../../src/kube/plan.js';

test('quantities: binary and decimal suffixes, millicores, and back', () => {
  assert.equal(quantity('128Mi', 'memory'), 128 * 2 ** 20);
  assert.equal(quantity('1G', 'memory'), 1e9);
  assert.equal(quantity('1.5Gi', 'memory'), 1.5 * 2 ** 30);
  assert.equal(quantity('500m', 'cpu'), 0.5);
  assert.equal(quantity(2, 'cpu'), 2);
  assert.equal(quantity('0.25', 'cpu'), 0.25);
  assert.throws(() => quantity('12 apples', 'memory'), /memory: "12 apples" is not a Kubernetes quantity/);
  assert.throws(() => quantity('-1Mi', 'memory'), /not a Kubernetes quantity/);
  assert.equal(memoryQuantity(64 * 2 ** 20), '64Mi');
  assert.equal(memoryQuantity(2 ** 30), '1Gi');
  assert.equal(memoryQuantity(1000), '1000');
  assert.equal(cpuQuantity(5e8), '500m');
  assert.equal(cpuQuantity(2e9), '2');
});

test('field paths and a Deployment\'s pod names', () => {
  assert.equal(fieldName(['spec', 'containers', 0, 'image']), 'spec.containers[0].image');
  assert.equal(fieldName([]), '(document)');
  assert.deepEqual(deploymentPodNames('api', 1), ['api-pod']);
  assert.deepEqual(deploymentPodNames('api', 3), ['api-pod-0', 'api-pod-1', 'api-pod-2']);
  assert.deepEqual(deploymentPodNames('api', 0), []);
});

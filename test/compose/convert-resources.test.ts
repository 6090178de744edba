/** The config hash's rule, and the network and volume create bodies with compose's labels. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRequestBody } from '../../src/common/engine-api/validate.js';
import { networkConfigHash, serviceConfigHash, volumeConfigHash } from '../../src/compose/convert/config-hash.js';
import { networkCreateBody, volumeCreateBody } from '../../src/compose/convert/resources.js';
import { COMPOSE_VERSION } from '../../src/compose/version.js';
import { project, service } from './convert-fixtures.js';

test('config hash: stable across key order, blind to what only scales or builds', () => {
  const base = service('web', { image: 'busybox', environment: { A: '1', B: '2' }, command: ['sh'] });
  const h = serviceConfigHash(base);
  assert.match(h, /^[0-9a-f]{64}$/);
  // the same configuration written in another order
  const reordered = JSON.parse(JSON.stringify({ command: ['sh'], image: 'busybox', name: 'web', environment: { B: '2', A: '1' }, labels: {}, ports: [], volumes: [], depends_on: {}, networks: { default: null } }));
  assert.equal(serviceConfigHash(reordered), h);
  // left out, as compose v2's ServiceHash: build, pull_policy, scale, deploy.replicas, depends_on, profiles, and x-*
  assert.equal(serviceConfigHash({ ...base, build: { context: '.' }, pull_policy: 'always', scale: 3, profiles: ['p'], depends_on: { db: { condition: 'service_healthy', restart: true, required: true } }, extensions: { 'x-foo': 1 } }), h);
  assert.equal(serviceConfigHash({ ...base, deploy: { replicas: 5 } }), h);
  // a loader writing empty lists or nothing hashes the same
  assert.equal(serviceConfigHash({ ...base, expose: [], cap_add: undefined }), h);
  // what changes the container changes the hash
  for (const change of [{ image: 'busybox:1.36' }, { environment: { A: '1', B: '3' } }, { command: ['sh', '-c', 'x'] }, { deploy: { replicas: 5, resources: { limits: { memory: '1g' } } } }, { ports: [{ target: 80, protocol: 'tcp' }] }]) {
    assert.notEqual(serviceConfigHash({ ...base, ...change }), h, JSON.stringify(change));
  }
  assert.notEqual(serviceConfigHash({ ...base, command: ['b', 'a'] }), serviceConfigHash({ ...base, command: ['a', 'b'] }), 'list order matters');
});

test('network create body: name, driver, options, IPAM, flags and compose labels', () => {
  const p = project([], {
    networks: {
      default: { name: 'proj_default' },
      back: {
        name: 'proj_back', driver: 'bridge', driver_opts: { 'com.docker.network.bridge.name': 'br-back', mtu: 1400 as unknown as string },
        internal: true, attachable: true, enable_ipv6: true, labels: { tier: 'back' },
        ipam: { driver: 'default', config: [{ subnet: '10.5.0.0/16', ip_range: '10.5.1.0/24', gateway: '10.5.0.1', aux_addresses: { host1: '10.5.0.2' } }], options: { foo: 'bar' } },
      },
      ext: { name: 'outside', external: true },
    },
  });
  const d = networkCreateBody(p, 'default');
  assert.deepEqual(d, {
    Name: 'proj_default',
    Labels: { 'com.docker.compose.network': 'default', 'com.docker.compose.project': 'proj', 'com.docker.compose.version': COMPOSE_VERSION, 'com.docker.compose.config-hash': networkConfigHash(p.networks.default) },
  });
  const b = networkCreateBody(p, 'back');
  assert.deepEqual(b, {
    Name: 'proj_back',
    Driver: 'bridge',
    Options: { 'com.docker.network.bridge.name': 'br-back', mtu: '1400' },
    Internal: true,
    Attachable: true,
    EnableIPv6: true,
    IPAM: { Driver: 'default', Config: [{ Subnet: '10.5.0.0/16', IPRange: '10.5.1.0/24', Gateway: '10.5.0.1', AuxiliaryAddresses: { host1: '10.5.0.2' } }], Options: { foo: 'bar' } },
    Labels: { tier: 'back', 'com.docker.compose.network': 'back', 'com.docker.compose.project': 'proj', 'com.docker.compose.version': COMPOSE_VERSION, 'com.docker.compose.config-hash': networkConfigHash(p.networks.back) },
  });
  for (const body of [d, b]) assert.equal(checkRequestBody('NetworkCreate', body), undefined);
  assert.throws(() => networkCreateBody(p, 'ext'), /external/);
  assert.throws(() => networkCreateBody(p, 'nope'), (e: any) => e.code === 'ERR_COMPOSE_UNDEFINED');
});

test('volume create body: name, driver, options and compose labels', () => {
  const p = project([], {
    volumes: {
      data: { name: 'proj_data' },
      nfs: { name: 'shared-nfs', driver: 'local', driver_opts: { type: 'nfs', o: 'addr=10.0.0.1', device: ':/export' }, labels: { backup: 'yes' } },
      ext: { name: 'outside', external: true },
    },
  });
  const v = volumeCreateBody(p, 'data');
  assert.deepEqual(v, { Name: 'proj_data', Labels: { 'com.docker.compose.volume': 'data', 'com.docker.compose.project': 'proj', 'com.docker.compose.version': COMPOSE_VERSION, 'com.docker.compose.config-hash': volumeConfigHash(p.volumes.data) } });
  const n = volumeCreateBody(p, 'nfs');
  assert.equal(n.Driver, 'local');
  assert.deepEqual(n.DriverOpts, { type: 'nfs', o: 'addr=10.0.0.1', device: ':/export' });
  assert.equal(n.Labels!.backup, 'yes');
  assert.equal(n.Labels!['com.docker.compose.volume'], 'nfs');
  // the driver defaults to local in the hash, as compose v2's VolumeHash
  assert.equal(volumeConfigHash({ name: 'x' }), volumeConfigHash({ name: 'x', driver: 'local' }));
  for (const body of [v, n]) assert.equal(checkRequestBody('VolumeCreate', body), undefined);
  assert.throws(() => volumeCreateBody(p, 'ext'), /external/);
});

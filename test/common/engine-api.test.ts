/**
 * The generated Engine API types and schemas are current with the swagger, and the body check takes
 * what Go's decoder takes (null anywhere, unknown fields, string-or-list fields) and refuses the rest
 * with the field's path.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
// @ts-expect-error: a plain ESM script without types
import { generate, TYPES_OUT, SCHEMAS_OUT } from '../../scripts/gen-api-types.mjs';
import { assertRequestBody, checkRequestBody, findTooDeep, formatPath } from '../../src/common/engine-api/validate.js';
import { InvalidArgumentError } from '../../src/common/errors.js';

test('the committed types and schemas are what the generator makes from the swagger', () => {
  const first = generate();
  assert.equal(readFileSync(TYPES_OUT, 'utf8'), first.types, 'src/common/engine-api/types.ts is stale: run node scripts/gen-api-types.mjs');
  assert.equal(readFileSync(SCHEMAS_OUT, 'utf8'), first.schemas, 'src/common/engine-api/schemas.ts is stale: run node scripts/gen-api-types.mjs');
  const again = generate();
  assert.equal(again.types, first.types, 'the generator is not deterministic');
  assert.equal(again.schemas, first.schemas, 'the generator is not deterministic');
});

test('the types name the definitions and request bodies', () => {
  const types = readFileSync(TYPES_OUT, 'utf8');
  for (const name of ['ContainerConfig', 'HostConfig', 'Mount', 'NetworkingConfig', 'EndpointSettings', 'VolumeCreateRequest']) {
    assert.match(types, new RegExp(`^export (interface|type) ${name}\\b`, 'm'), name);
  }
  for (const name of ['ContainerCreateRequest', 'ContainerUpdateRequest', 'ExecConfig', 'ExecStartConfig', 'NetworkCreateRequest']) {
    assert.match(types, new RegExp(`^export type ${name} = `, 'm'), name);
  }
  assert.match(types, /^export interface RequestBodies \{\n {2}ContainerCreate: ContainerCreateRequest;/m);
});

test('bodies dockerd takes pass', () => {
  const good: Array<[Parameters<typeof checkRequestBody>[0], unknown]> = [
    ['ContainerCreate', {}],
    ['ContainerCreate', { Image: 'busybox', Cmd: 'echo hi', Entrypoint: null, Env: null, HostConfig: null, NetworkingConfig: null }],
    ['ContainerCreate', { Image: 'busybox', Cmd: ['sh', '-c', 'x'], Shell: '/bin/sh', HostConfig: { CapAdd: 'NET_ADMIN', CapDrop: ['ALL'] } }],
    ['ContainerCreate', { Image: 'busybox', ExposedPorts: { '80/tcp': {} }, Volumes: { '/data': { anything: 1 } } }],
    ['ContainerCreate', { Image: 'busybox', HostConfig: { CgroupnsMode: '', Isolation: '', RestartPolicy: { Name: '', MaximumRetryCount: 0 }, ConsoleSize: [0, 0] } }],
    ['ContainerCreate', { Image: 'busybox', HostConfig: { LogConfig: { Type: 'some-plugin', Config: {} }, PortBindings: { '80/tcp': [{ HostIp: '', HostPort: '8080' }] } } }],
    ['ContainerCreate', { Image: 'busybox', HostConfig: { Mounts: [{ Type: 'bind', Source: '/x', Target: '/y', BindOptions: { Propagation: '' } }] } }],
    ['ContainerCreate', { Image: 'busybox', NetworkingConfig: { EndpointsConfig: { n1: { Aliases: ['a'], IPAMConfig: null } } } }],
    ['ContainerCreate', { Image: 'busybox', KernelMemory: 0, HostConfig: { LxcConf: [], PortSpecs: null } }], // fields of older APIs
    ['ContainerExec', { Cmd: 'true', AttachStdout: true }],
    ['ExecStart', { Detach: false, Tty: false, hijack: true, stdin: true }],
    ['NetworkCreate', { Name: 'n', CheckDuplicate: true, EnableIPv6: null, IPAM: { Driver: 'default', Config: [], Options: null } }],
    ['VolumeCreate', { Name: 'v', DriverOpts: {}, Labels: null, anonymous: true }],
    ['ContainerUpdate', { CpuShares: 512, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 3 } }],
  ];
  for (const [op, body] of good) assert.equal(checkRequestBody(op, body), undefined, `${op} ${JSON.stringify(body)}`);
});

test('wrong types and unknown enum values are refused with the field path', () => {
  const bad: Array<[Parameters<typeof checkRequestBody>[0], unknown, string, RegExp]> = [
    ['ContainerCreate', [], '', /^must be object, not array$/],
    ['ContainerCreate', { HostConfig: { Binds: [5] } }, 'HostConfig.Binds[0]', /^must be string, not number$/],
    ['ContainerCreate', { HostConfig: { Memory: '1g' } }, 'HostConfig.Memory', /^must be integer, not string$/],
    ['ContainerCreate', { HostConfig: { Memory: 1.5 } }, 'HostConfig.Memory', /^must be an integer$/],
    ['ContainerCreate', { Tty: 'yes' }, 'Tty', /^must be boolean/],
    ['ContainerCreate', { Cmd: 5 }, 'Cmd', /^must be array/],
    ['ContainerCreate', { ExposedPorts: { '80/tcp': true } }, 'ExposedPorts["80/tcp"]', /^must be object, not boolean$/],
    ['ContainerCreate', { HostConfig: { Mounts: [{ Type: 'nfs' }] } }, 'HostConfig.Mounts[0].Type', /^must be one of "bind", "cluster", "image", "npipe", "tmpfs", "volume", not "nfs"$/],
    ['ContainerCreate', { HostConfig: { RestartPolicy: { Name: 'sometimes' } } }, 'HostConfig.RestartPolicy.Name', /^must be one of/],
    ['ContainerCreate', { NetworkingConfig: { EndpointsConfig: { n1: { Aliases: 'a' } } } }, 'NetworkingConfig.EndpointsConfig.n1.Aliases', /^must be array/],
    ['NetworkCreate', { Name: 42 }, 'Name', /^must be string/],
    ['NetworkCreate', { IPAM: { Config: [{ Subnet: 10 }] } }, 'IPAM.Config[0].Subnet', /^must be string/],
    ['VolumeCreate', { Labels: { 'com.example': 1 } }, 'Labels["com.example"]', /^must be string/],
    ['ContainerExec', { Env: [1] }, 'Env[0]', /^must be string/],
    ['ContainerUpdate', { Ulimits: [{ Name: 'nofile', Soft: 'x' }] }, 'Ulimits[0].Soft', /^must be integer/],
  ];
  for (const [op, body, path, msg] of bad) {
    const p = checkRequestBody(op, body);
    assert.ok(p, `${op} ${JSON.stringify(body)} passed`);
    assert.equal(p.path, path, JSON.stringify(body));
    assert.match(p.message, msg, JSON.stringify(body));
  }
  assert.throws(() => assertRequestBody('ContainerCreate', { HostConfig: { Binds: [5] } }),
    (e: unknown) => e instanceof InvalidArgumentError && e.status === 400 && e.message === 'invalid JSON body: HostConfig.Binds[0]: must be string, not number');
});

test('nesting beyond 64 levels is refused without recursion', () => {
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = { a: deep };
  const p = findTooDeep({ Labels: deep });
  assert.ok(p);
  assert.equal(p.path, 'Labels.a.a.a.a.a.a.a…');
  assert.match(p.message, /nests deeper than 64 levels/);
  let ok: unknown = 1;
  for (let i = 0; i < 64; i++) ok = [ok]; // 64 arrays in one another: the limit
  assert.equal(findTooDeep(ok), undefined);
  assert.ok(findTooDeep([ok]));
  assert.equal(formatPath(['HostConfig', 'PortBindings', '80/tcp', 0, 'HostPort']), 'HostConfig.PortBindings["80/tcp"][0].HostPort');
});

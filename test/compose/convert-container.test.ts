/**
 * containerPlan: services of many shapes as POST /containers/create bodies, compared with what compose
 * v2 sends, and every body checked against the Engine API schema the engine itself applies.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRequestBody } from '../../src/common/engine-api/validate.js';
import { containerPlan, type ContainerPlanOptions } from '../../src/compose/convert/container.js';
import { serviceConfigHash } from '../../src/compose/convert/config-hash.js';
import { COMPOSE_VERSION } from '../../src/compose/version.js';
import type { Project, ServiceConfig } from '../../src/compose/model.js';
import { project, service } from './convert-fixtures.js';

function plan(p: Project, s: ServiceConfig, opts: Partial<ContainerPlanOptions> = {}) {
  const out = containerPlan(p, s, { number: 1, apiVersion: '1.47', ...opts });
  assert.equal(checkRequestBody('ContainerCreate', out.body), undefined, `body of ${s.name} is valid: ${JSON.stringify(checkRequestBody('ContainerCreate', out.body))}`);
  return out;
}

test('names: <project>-<service>-<n>, container_name, one-off run names, --name', () => {
  const web = service('web', { image: 'busybox' });
  const p = project([web]);
  assert.equal(plan(p, web, { number: 3 }).name, 'proj-web-3');
  assert.equal(plan(p, service('db', { image: 'busybox', container_name: 'the-db' })).name, 'the-db');
  const run = plan(p, web, { oneoff: true, slug: 'ab'.repeat(32) });
  assert.equal(run.name, `proj-web-run-${'ab'.repeat(6)}`);
  assert.equal(run.body.Labels!['com.docker.compose.oneoff'], 'True');
  assert.equal(run.body.Labels!['com.docker.compose.slug'], 'ab'.repeat(32));
  assert.equal(run.body.Labels!['com.docker.compose.container-number'], undefined, 'one-off containers are not numbered');
  assert.match(plan(p, web, { oneoff: true }).name, /^proj-web-run-[0-9a-f]{12}$/);
  assert.equal(plan(p, web, { oneoff: true, name: 'mine' }).name, 'mine');
});

test('image: image:, else <project>-<service> for a build-only service', () => {
  const built = service('app', { build: { context: '/srv/proj/app' } });
  const p = project([built]);
  assert.equal(plan(p, built).body.Image, 'proj-app');
  assert.equal(plan(p, service('x', { image: 'busybox:1.36', build: { context: '.' } })).body.Image, 'busybox:1.36');
});

test('labels: the service\'s own and compose\'s, compose\'s winning', () => {
  const web = service('web', {
    image: 'busybox',
    labels: { role: 'front', 'com.docker.compose.project': 'spoofed' },
    depends_on: {
      db: { condition: 'service_healthy', restart: true, required: true },
      cache: { condition: 'service_started', restart: false, required: false },
    },
  });
  const p = project([web], { configFiles: ['/srv/proj/compose.yaml', '/srv/proj/compose.override.yaml'], envFiles: ['/srv/proj/.env.prod'] });
  const { body, configHash } = plan(p, web, { number: 2, imageDigest: 'sha256:' + '1'.repeat(64), labels: { 'com.docker.compose.replace': 'old-id' } });
  assert.deepEqual(body.Labels, {
    role: 'front',
    'com.docker.compose.project': 'proj',
    'com.docker.compose.service': 'web',
    'com.docker.compose.version': COMPOSE_VERSION,
    'com.docker.compose.project.working_dir': '/srv/proj',
    'com.docker.compose.project.config_files': '/srv/proj/compose.yaml,/srv/proj/compose.override.yaml',
    'com.docker.compose.project.environment_file': '/srv/proj/.env.prod',
    'com.docker.compose.oneoff': 'False',
    'com.docker.compose.config-hash': configHash,
    'com.docker.compose.container-number': '2',
    'com.docker.compose.depends_on': 'db:service_healthy:true,cache:service_started:false',
    'com.docker.compose.image': 'sha256:' + '1'.repeat(64),
    'com.docker.compose.replace': 'old-id',
  });
  assert.equal(configHash, serviceConfigHash(web));
  assert.match(configHash, /^[0-9a-f]{64}$/);
  // no --env-file: no environment_file label (as compose v2)
  assert.equal(plan(project([web]), web).body.Labels!['com.docker.compose.project.environment_file'], undefined);
  assert.equal(plan(project([web]), service('solo', { image: 'busybox' })).body.Labels!['com.docker.compose.depends_on'], '');
});

test('process: command, entrypoint, env sorted without unset values, user, tty, stop settings', () => {
  const s = service('app', {
    image: 'busybox',
    command: ['sh', '-c', 'echo hi'],
    entrypoint: ['/init'],
    environment: { ZED: 'z', ALPHA: 'a', UNSET: null, EMPTY: '' },
    hostname: 'apphost',
    domainname: 'example.org',
    user: '1000:1000',
    working_dir: '/work',
    tty: true,
    stdin_open: true,
    stop_signal: 'SIGINT',
    stop_grace_period: '1m30.9s',
  });
  const { body } = plan(project([s]), s);
  assert.deepEqual(body.Cmd, ['sh', '-c', 'echo hi']);
  assert.deepEqual(body.Entrypoint, ['/init']);
  assert.deepEqual(body.Env, ['ALPHA=a', 'EMPTY=', 'ZED=z']);
  assert.equal(body.Hostname, 'apphost');
  assert.equal(body.Domainname, 'example.org');
  assert.equal(body.User, '1000:1000');
  assert.equal(body.WorkingDir, '/work');
  assert.equal(body.Tty, true);
  assert.equal(body.OpenStdin, true);
  assert.equal(body.StdinOnce, false);
  assert.equal(body.StopSignal, 'SIGINT');
  assert.equal(body.StopTimeout, 90);
  assert.equal(body.AttachStdout, true);
  // no command: the image's (no Cmd key at all)
  const bare = service('bare', { image: 'busybox', command: null });
  assert.equal('Cmd' in plan(project([bare]), bare).body, false);
});

test('healthcheck: Go durations in nanoseconds, disable as NONE, start_interval needs start_period', () => {
  const s = service('db', {
    image: 'busybox',
    healthcheck: { test: ['CMD-SHELL', 'true'], interval: '1m30s', timeout: '500ms', retries: 5, start_period: '10s', start_interval: '1.5s' },
  });
  assert.deepEqual(plan(project([s]), s).body.Healthcheck, {
    Test: ['CMD-SHELL', 'true'], Interval: 90e9, Timeout: 500e6, StartPeriod: 10e9, StartInterval: 1.5e9, Retries: 5,
  });
  const off = service('off', { image: 'busybox', healthcheck: { disable: true } });
  assert.deepEqual(plan(project([off]), off).body.Healthcheck, { Test: ['NONE'] });
  const bad = service('bad', { image: 'busybox', healthcheck: { test: ['CMD', 'true'], start_interval: '1s' } });
  assert.throws(() => plan(project([bad]), bad), /start_interval requires healthcheck.start_period/);
  const badDuration = service('bd', { image: 'busybox', healthcheck: { test: ['CMD', 'true'], interval: '10' } });
  assert.throws(() => plan(project([badDuration]), badDuration), (e: any) => e.code === 'ERR_COMPOSE_INVALID' && /missing unit in duration "10"/.test(e.message));
});

test('ports: published, ranges, host_ip, protocol, ephemeral; expose ranges', () => {
  const s = service('web', {
    image: 'busybox',
    ports: [
      { target: 80, published: '8080', protocol: 'tcp' },
      { target: 80, published: '8081', protocol: 'tcp', host_ip: '127.0.0.1' },
      { target: 53, published: '5353', protocol: 'udp' },
      { target: 9000, protocol: 'tcp' },
      { target: 7000, published: '7000-7010', protocol: 'tcp' },
      { target: 8001, published: '9001', protocol: 'tcp', host_ip: '::1' },
    ],
    expose: ['3000', '4000-4002/udp'],
  });
  const { body } = plan(project([s]), s);
  assert.deepEqual(Object.keys(body.ExposedPorts!).sort(), ['3000/tcp', '4000/udp', '4001/udp', '4002/udp', '53/udp', '7000/tcp', '80/tcp', '8001/tcp', '9000/tcp']);
  assert.deepEqual(body.HostConfig!.PortBindings, {
    '80/tcp': [{ HostIp: '', HostPort: '8080' }, { HostIp: '127.0.0.1', HostPort: '8081' }],
    '53/udp': [{ HostIp: '', HostPort: '5353' }],
    '9000/tcp': [{ HostIp: '', HostPort: '' }],
    '7000/tcp': [{ HostIp: '', HostPort: '7000-7010' }],
    '8001/tcp': [{ HostIp: '::1', HostPort: '9001' }],
  });
  const bad = service('bad', { image: 'busybox', expose: ['abc'] });
  assert.throws(() => plan(project([bad]), bad), /invalid port range in expose/);
});

test('volumes: binds (created host paths), named volumes by engine name, the Mount API where options need it', () => {
  const s = service('app', {
    image: 'busybox',
    volumes: [
      { type: 'bind', source: '/srv/proj/src', target: '/src', bind: { create_host_path: true } },
      { type: 'bind', source: '/srv/proj/conf', target: '/conf', read_only: true, bind: { create_host_path: true, selinux: 'z' } },
      { type: 'bind', source: '/srv/proj/plain', target: '/plain' },
      { type: 'bind', source: '/srv/proj/must-exist', target: '/must', bind: { create_host_path: false } },
      { type: 'bind', source: '/srv/proj/shared', target: '/shared', bind: { propagation: 'rshared' } },
      { type: 'volume', source: 'data', target: '/data' },
      { type: 'volume', source: 'data', target: '/data-ro', read_only: true },
      { type: 'volume', source: 'data', target: '/nocopy', volume: { nocopy: true } },
      { type: 'volume', source: 'data', target: '/sub', volume: { subpath: 'part' } },
      { type: 'volume', target: '/anon' },
      { type: 'tmpfs', target: '/scratch', tmpfs: { size: '64m', mode: 0o1777 } },
    ],
    tmpfs: ['/run', '/tmp:size=1m,mode=1777'],
    read_only: true,
  });
  const p = project([s], { volumes: { data: { name: 'proj_data' } } });
  const { body } = plan(p, s);
  assert.deepEqual(body.HostConfig!.Binds, [
    '/srv/proj/src:/src:rw',
    '/srv/proj/conf:/conf:ro,z',
    '/srv/proj/plain:/plain:rw',
    'proj_data:/data:rw',
    'proj_data:/data-ro:ro',
  ]);
  assert.deepEqual(body.HostConfig!.Mounts, [
    { Type: 'bind', Target: '/must', Source: '/srv/proj/must-exist', BindOptions: { CreateMountpoint: false } },
    { Type: 'bind', Target: '/shared', Source: '/srv/proj/shared', BindOptions: { Propagation: 'rshared', CreateMountpoint: true } },
    { Type: 'volume', Target: '/nocopy', Source: 'proj_data', VolumeOptions: { NoCopy: true } },
    { Type: 'volume', Target: '/sub', Source: 'proj_data', VolumeOptions: { Subpath: 'part' } },
    { Type: 'volume', Target: '/anon' },
    { Type: 'tmpfs', Target: '/scratch', TmpfsOptions: { SizeBytes: 64 * 1024 * 1024, Mode: 0o1777 } },
  ]);
  assert.deepEqual(body.HostConfig!.Tmpfs, { '/run': '', '/tmp': 'size=1m,mode=1777' });
  assert.equal(body.HostConfig!.ReadonlyRootfs, true);
  // a relative bind source is the project directory's
  const rel = service('rel', { image: 'busybox', volumes: [{ type: 'bind', source: './site', target: '/site' }] });
  assert.deepEqual(plan(project([rel]), rel).body.HostConfig!.Binds, ['/srv/proj/site:/site:rw']);
  const pipe = service('pipe', { image: 'busybox', volumes: [{ type: 'npipe', source: '\\\\.\\pipe\\x', target: '/x' }] });
  assert.throws(() => plan(project([pipe]), pipe), (e: any) => e.code === 'ERR_NOT_SUPPORTED');
});

test('restart: no, always, on-failure[:N], unless-stopped, and deploy.restart_policy winning', () => {
  const policy = (more: Partial<ServiceConfig>) => {
    const s = service('s', { image: 'busybox', ...more });
    return plan(project([s]), s).body.HostConfig!.RestartPolicy;
  };
  assert.equal(policy({}), undefined);
  assert.deepEqual(policy({ restart: 'no' }), { Name: 'no', MaximumRetryCount: 0 });
  assert.deepEqual(policy({ restart: 'always' }), { Name: 'always', MaximumRetryCount: 0 });
  assert.deepEqual(policy({ restart: 'on-failure' }), { Name: 'on-failure', MaximumRetryCount: 0 });
  assert.deepEqual(policy({ restart: 'on-failure:3' }), { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.deepEqual(policy({ restart: 'unless-stopped' }), { Name: 'unless-stopped', MaximumRetryCount: 0 });
  assert.deepEqual(policy({ restart: 'always', deploy: { restart_policy: { condition: 'on-failure', max_attempts: 2 } } }), { Name: 'on-failure', MaximumRetryCount: 2 });
  assert.deepEqual(policy({ deploy: { restart_policy: { condition: 'any' } } }), { Name: 'always', MaximumRetryCount: 0 });
  assert.throws(() => policy({ restart: 'sometimes' }), /invalid restart policy/);
});

test('networks: priority order, aliases (container name, service name, its own), static addresses, driver_opts', () => {
  const s = service('web', {
    image: 'busybox',
    mac_address: '02:42:ac:11:00:02',
    networks: {
      back: { aliases: ['api'], ipv4_address: '10.5.0.5', ipv6_address: 'fd00::5', driver_opts: { 'com.example.opt': '1' } },
      front: { priority: 10 },
      admin: null,
    },
  });
  const p = project([s], { networks: { back: { name: 'proj_back' }, front: { name: 'proj_front' }, admin: { name: 'shared-admin', external: true } } });
  const { body, connectAfter } = plan(p, s, { number: 2 });
  assert.equal(body.HostConfig!.NetworkMode, 'proj_front');
  assert.deepEqual(Object.keys(body.NetworkingConfig!.EndpointsConfig!), ['proj_front', 'shared-admin', 'proj_back']);
  assert.deepEqual(body.NetworkingConfig!.EndpointsConfig!.proj_front, { Aliases: ['proj-web-2', 'web'], MacAddress: '02:42:ac:11:00:02' });
  assert.deepEqual(body.NetworkingConfig!.EndpointsConfig!.proj_back, {
    Aliases: ['proj-web-2', 'web', 'api'],
    IPAMConfig: { IPv4Address: '10.5.0.5', IPv6Address: 'fd00::5' },
    DriverOpts: { 'com.example.opt': '1' },
  });
  assert.deepEqual(connectAfter, []);

  // before API 1.44: the primary network at create, the others connected after, the MAC on the container
  const old = plan(p, s, { number: 2, apiVersion: '1.43' });
  assert.deepEqual(Object.keys(old.body.NetworkingConfig!.EndpointsConfig!), ['proj_front']);
  assert.deepEqual(old.connectAfter.map((c) => c.network), ['shared-admin', 'proj_back']);
  assert.deepEqual(old.connectAfter[1].endpoint.Aliases, ['proj-web-2', 'web', 'api']);
  assert.equal((old.body as any).MacAddress, '02:42:ac:11:00:02');

  // compose run without --use-aliases: the container's name only
  assert.deepEqual(plan(p, s, { useNetworkAliases: false }).body.NetworkingConfig!.EndpointsConfig!.proj_back.Aliases, ['proj-web-1']);
  // the default network
  const d = service('d', { image: 'busybox' });
  const dp = plan(project([d]), d).body;
  assert.equal(dp.HostConfig!.NetworkMode, 'proj_default');
  assert.deepEqual(dp.NetworkingConfig, { EndpointsConfig: { proj_default: { Aliases: ['proj-d-1', 'd'] } } });
  // no networks in the project: none
  assert.equal(plan(project([d], { networks: {} }), d).body.HostConfig!.NetworkMode, 'none');
});

test('network_mode, ipc, pid and volumes_from referring to services resolve to containers', () => {
  const s = service('side', { image: 'busybox', network_mode: 'service:web', ipc: 'service:web', pid: 'host', volumes_from: ['web:ro', 'container:other', 'db'], networks: undefined });
  const p = project([s]);
  const ids: Record<string, string> = { web: 'a'.repeat(64), db: 'b'.repeat(64) };
  const { body } = plan(p, s, { resolver: { containerId: (n) => ids[n] } });
  assert.equal(body.HostConfig!.NetworkMode, `container:${'a'.repeat(64)}`);
  assert.equal(body.NetworkingConfig, undefined);
  assert.equal(body.HostConfig!.IpcMode, `container:${'a'.repeat(64)}`);
  assert.equal(body.HostConfig!.PidMode, 'host');
  assert.deepEqual(body.HostConfig!.VolumesFrom, [`${'a'.repeat(64)}:ro`, 'other', 'b'.repeat(64)]);
  assert.throws(() => plan(p, s), /cannot share network namespace with service web: container missing/);
  const host = service('h', { image: 'busybox', network_mode: 'host', networks: undefined });
  assert.equal(plan(project([host]), host).body.HostConfig!.NetworkMode, 'host');
});

test('links and external_links as compose v2 writes them', () => {
  const s = service('web', { image: 'busybox', links: ['db', 'cache:kv'], external_links: ['legacy:old'] });
  const { body } = plan(project([s]), s, { resolver: { containerId: () => undefined, containerNames: (n) => n === 'db' ? ['proj-db-1'] : ['proj-cache-1'] } });
  const expected = ['proj-db-1:db', 'proj-db-1:db-1', 'proj-db-1:proj-db-1', 'proj-cache-1:kv', 'proj-cache-1:cache-1', 'proj-cache-1:proj-cache-1', 'legacy:old'];
  assert.deepEqual(body.HostConfig!.Links, expected);
  assert.deepEqual(body.NetworkingConfig!.EndpointsConfig!.proj_default.Links, expected);
});

test('resources: service keys and deploy.resources (limits win), sizes with compose units', () => {
  const s = service('big', {
    image: 'busybox',
    mem_limit: '1g',
    mem_reservation: '256m',
    memswap_limit: -1,
    cpus: 0.1,
    cpu_shares: 512,
    cpuset: '0-1',
    pids_limit: 50,
    shm_size: '64m',
    oom_score_adj: -500,
    oom_kill_disable: false,
    ulimits: { nproc: 65535, nofile: { soft: 20000, hard: 40000 } },
    devices: [{ source: '/dev/fuse', target: '/dev/fuse', permissions: 'rwm' }, { source: 'vendor.com/gpu=0', target: 'vendor.com/gpu=0', permissions: '' }],
    deploy: { resources: { limits: { cpus: '1.5', memory: '512M', pids: 100 }, reservations: { memory: '128m', devices: [{ capabilities: ['gpu'], count: 'all', driver: 'nvidia' }] } } },
  });
  const h = plan(project([s]), s).body.HostConfig!;
  assert.equal(h.Memory, 512 * 1024 * 1024);
  assert.equal(h.MemoryReservation, 128 * 1024 * 1024);
  assert.equal(h.MemorySwap, -1);
  assert.equal(h.NanoCpus, 1_500_000_000);
  assert.equal(h.CpuShares, 512);
  assert.equal(h.CpusetCpus, '0-1');
  assert.equal(h.PidsLimit, 100);
  assert.equal(h.ShmSize, 64 * 1024 * 1024);
  assert.equal(h.OomScoreAdj, -500);
  assert.equal(h.OomKillDisable, false);
  assert.deepEqual(h.Ulimits, [{ Name: 'nofile', Soft: 20000, Hard: 40000 }, { Name: 'nproc', Soft: 65535, Hard: 65535 }]);
  assert.deepEqual(h.Devices, [{ PathOnHost: '/dev/fuse', PathInContainer: '/dev/fuse', CgroupPermissions: 'rwm' }]);
  assert.deepEqual(h.DeviceRequests, [
    { Driver: 'nvidia', Count: -1, Capabilities: [['gpu']] },
    { Driver: 'cdi', DeviceIDs: ['vendor.com/gpu=0'] },
  ]);
  // service-level only; cpus in float32 arithmetic as compose v2
  const small = service('small', { image: 'busybox', cpus: 0.1, mem_limit: 1048576, pids_limit: 20 });
  const sh = plan(project([small]), small).body.HostConfig!;
  assert.equal(sh.NanoCpus, 100_000_000);
  assert.equal(sh.Memory, 1048576);
  assert.equal(sh.PidsLimit, 20);
  const bad = service('bad', { image: 'busybox', mem_limit: '12q' });
  assert.throws(() => plan(project([bad]), bad), (e: any) => e.code === 'ERR_COMPOSE_INVALID' && /mem_limit/.test(e.message));
});

test('host settings: hosts, DNS, capabilities, sysctls, logging, modes, security options', (t) => {
  const dir = mkdtempSync('/tmp/bt-convert-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'seccomp.json'), '{\n  "defaultAction": "SCMP_ACT_ALLOW"\n}\n');
  const s = service('h', {
    image: 'busybox',
    extra_hosts: ['host.docker.internal:host-gateway', 'db=10.0.0.2', 'v6=::1'],
    dns: ['1.1.1.1'], dns_search: ['example.org'], dns_opt: ['ndots:2'],
    cap_add: ['NET_ADMIN'], cap_drop: ['ALL'], privileged: true, init: true,
    sysctls: { 'net.core.somaxconn': '1024' },
    logging: { driver: 'json-file', options: { 'max-size': '10m' } },
    ipc: 'shareable', uts: 'host', userns_mode: 'host', cgroup: 'private', cgroup_parent: 'mygroup',
    group_add: ['audio'], runtime: 'runc',
    security_opt: ['no-new-privileges', 'label:disable', 'seccomp=seccomp.json', 'systempaths=unconfined'],
    annotations: { 'com.example.a': 'b' },
  });
  const h = plan(project([s], { workingDir: dir }), s).body.HostConfig!;
  assert.deepEqual(h.ExtraHosts, ['host.docker.internal:host-gateway', 'db:10.0.0.2', 'v6:::1']);
  assert.deepEqual([h.Dns, h.DnsSearch, h.DnsOptions], [['1.1.1.1'], ['example.org'], ['ndots:2']]);
  assert.deepEqual([h.CapAdd, h.CapDrop, h.Privileged, h.Init], [['NET_ADMIN'], ['ALL'], true, true]);
  assert.deepEqual(h.Sysctls, { 'net.core.somaxconn': '1024' });
  assert.deepEqual(h.LogConfig, { Type: 'json-file', Config: { 'max-size': '10m' } });
  assert.deepEqual([h.IpcMode, h.UTSMode, h.UsernsMode, h.CgroupnsMode, h.CgroupParent], ['shareable', 'host', 'host', 'private', 'mygroup']);
  assert.deepEqual(h.GroupAdd, ['audio']);
  assert.equal(h.Runtime, 'runc');
  assert.deepEqual(h.SecurityOpt, ['no-new-privileges', 'label:disable', 'seccomp={"defaultAction":"SCMP_ACT_ALLOW"}']);
  assert.deepEqual([h.MaskedPaths, h.ReadonlyPaths], [[], []]);
  assert.deepEqual(h.Annotations, { 'com.example.a': 'b' });
  const bad = service('b', { image: 'busybox', security_opt: ['bogus'] });
  assert.throws(() => plan(project([bad]), bad), /invalid security-opt: "bogus"/);
});

test('secrets and configs: files as read-only binds, content and environment as files to copy in', () => {
  const s = service('app', {
    image: 'busybox',
    secrets: [{ source: 'db_pass' }, { source: 'token', target: 'api-token', uid: '1000', gid: '1000', mode: 0o400 }, { source: 'abs', target: '/etc/abs' }],
    configs: [{ source: 'site' }, { source: 'inline', target: '/etc/inline.conf' }, { source: 'rel', target: 'rel.conf' }],
  });
  const p = project([s], {
    environment: { TOKEN: 's3cr3t' },
    secrets: { db_pass: { name: 'proj_db_pass', file: '/srv/proj/db_pass.txt' }, token: { name: 'proj_token', environment: 'TOKEN' }, abs: { name: 'proj_abs', file: '/srv/proj/abs' } },
    configs: { site: { name: 'proj_site', file: '/srv/proj/site.conf' }, inline: { name: 'proj_inline', content: 'key=value\n' }, rel: { name: 'proj_rel', file: './rel.conf' } },
  });
  const { body, copies } = plan(p, s);
  assert.deepEqual(body.HostConfig!.Mounts, [
    { Type: 'bind', Source: '/srv/proj/db_pass.txt', Target: '/run/secrets/db_pass', ReadOnly: true },
    { Type: 'bind', Source: '/srv/proj/abs', Target: '/etc/abs', ReadOnly: true },
    { Type: 'bind', Source: '/srv/proj/site.conf', Target: '/site', ReadOnly: true },
    { Type: 'bind', Source: '/srv/proj/rel.conf', Target: '/rel.conf', ReadOnly: true },
  ]);
  assert.deepEqual(copies, [
    { target: '/run/secrets/api-token', content: 's3cr3t', uid: 1000, gid: 1000, mode: 0o400, kind: 'secret', source: 'token' },
    { target: '/etc/inline.conf', content: 'key=value\n', uid: 0, gid: 0, mode: 0o444, kind: 'config', source: 'inline' },
  ]);
  assert.throws(() => plan({ ...p, environment: {} }, s), /environment variable "TOKEN" required by secret "proj_token" is not set/);
  assert.throws(() => plan(p, { ...s, read_only: true }), /cannot create secret "proj_token" in read-only service app/);
  // an external secret is a berth secret: HostConfig.BerthSecrets, no bind
  const ext = project([s], { ...p, secrets: { ...p.secrets, db_pass: { name: 'ext', external: true } } });
  const extBody = plan(ext, s).body;
  assert.deepEqual((extBody.HostConfig as { BerthSecrets?: unknown }).BerthSecrets, [{ SecretName: 'ext', File: { Name: '/run/secrets/db_pass', UID: '0', GID: '0', Mode: 0o444 } }]);
  assert.ok(!extBody.HostConfig!.Mounts!.some((m) => m.Target === '/run/secrets/db_pass'));
  const extConfig = project([s], { ...p, configs: { ...p.configs, site: { name: 'extc', external: true } } });
  assert.throws(() => plan(extConfig, s), /unsupported external config extc/);
});

test('unsupported keys are refused, not ignored', () => {
  const s = { ...service('a', { image: 'busybox' }), use_api_socket: true } as ServiceConfig;
  assert.throws(() => plan(project([s]), s), (e: any) => e.code === 'ERR_NOT_SUPPORTED' && /use_api_socket/.test(e.message));
});

test('a dozen services of a realistic project all make valid bodies', () => {
  const services: ServiceConfig[] = [
    service('web', { image: 'httpd:2.4', ports: [{ target: 80, published: '8080', protocol: 'tcp' }], depends_on: { api: { condition: 'service_started', restart: false, required: true } } }),
    service('api', { build: { context: '/srv/proj/api' }, environment: { DB: 'db' }, networks: { front: null, back: null } }),
    service('db', { image: 'postgres', volumes: [{ type: 'volume', source: 'pg', target: '/var/lib/postgresql/data' }], healthcheck: { test: ['CMD', 'pg_isready'], interval: '2s', retries: 10 }, networks: { back: null } }),
    service('worker', { image: 'busybox', command: ['sh', '-c', 'sleep 1'], deploy: { replicas: 3, resources: { limits: { cpus: 0.5, memory: '64m' } } }, networks: { back: null } }),
    service('cron', { image: 'busybox', restart: 'unless-stopped', init: true, networks: { back: null } }),
    service('cache', { image: 'redis', tmpfs: ['/data'], networks: { back: { aliases: ['kv'] } } }),
    service('proxy', { image: 'busybox', network_mode: 'host', networks: undefined, ports: [] }),
    service('tools', { image: 'busybox', profiles: ['debug'], stdin_open: true, tty: true }),
    service('static', { image: 'busybox', volumes: [{ type: 'bind', source: '/srv/proj/static', target: '/usr/share/static', read_only: true, bind: { create_host_path: true } }] }),
    service('metrics', { image: 'busybox', expose: ['9100'], labels: { 'prometheus.io/scrape': 'true' } }),
    service('logs', { image: 'busybox', logging: { driver: 'none' } }),
    service('secret-user', { image: 'busybox', secrets: [{ source: 's' }] }),
  ];
  const p = project(services, {
    networks: { default: { name: 'proj_default' }, front: { name: 'proj_front' }, back: { name: 'proj_back', internal: true } },
    volumes: { pg: { name: 'proj_pg' } },
    secrets: { s: { name: 'proj_s', file: '/srv/proj/s.txt' } },
  });
  for (const s of services) {
    for (const apiVersion of ['1.41', '1.47']) plan(p, s, { apiVersion });
  }
});

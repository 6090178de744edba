/**
 * CRI containers' LinuxContainerConfig: security context, namespace options, resources, mounts, devices,
 * env and working dir, modelled on critest's "[k8s.io] Security Context" and container cases (the test
 * names carry them). Each container prints what it sees; the test reads its CRI log.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startDaemon, waitFor, type TestDaemon } from '../helpers/daemon.js';
import { criClients, grpcError, grpcStatus, podConfig, writeTestCniConfig, type CriClient } from '../helpers/cri-client.js';

let d: TestDaemon;
let rt: CriClient;
let close: () => void;
let cni: ReturnType<typeof writeTestCniConfig>;
let tmp: string;
const BUSYBOX = 'docker.io/library/busybox:latest';
const pods: string[] = [];

before(async () => {
  cni = writeTestCniConfig({ subnet: '10.89.0.0/16', bridge: 'cni-berth1' });
  tmp = mkdtempSync('/tmp/bt-crisec-');
  const base = mkdtempSync('/tmp/bt-');
  d = await startDaemon({ base, extraArgs: ['--cri', join(base, 'cri.sock'), '--cni-conf-dir', cni.confDir] });
  ({ runtime: rt, close } = criClients(join(base, 'cri.sock')));
  await d.api('POST', '/berth/images/bootstrap?name=busybox');
});

after(async () => {
  for (const p of pods) await rt.RemovePodSandbox({ pod_sandbox_id: p }).catch(() => undefined);
  close?.();
  await d?.cleanup();
  rmSync(cni.base, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

async function pod(over: Record<string, any> = {}): Promise<{ id: string; config: any }> {
  const config = podConfig(over);
  const { pod_sandbox_id: id } = await rt.RunPodSandbox({ config });
  pods.push(id);
  return { id, config };
}

let n = 0;
function cfg(script: string, over: Record<string, any> = {}): any {
  n++;
  return { metadata: { name: `c${n}`, attempt: 0 }, image: { image: BUSYBOX }, command: ['sh', '-c', script], log_path: `c${n}.log`, ...over };
}

/** Run a container to its end in the pod; its stdout+stderr text (from the CRI log) and exit code. */
async function run(p: { id: string; config: any }, config: any): Promise<{ out: string; code: number }> {
  const { container_id: id } = await rt.CreateContainer({ pod_sandbox_id: p.id, config, sandbox_config: p.config });
  await rt.StartContainer({ container_id: id });
  let st: any;
  await waitFor(async () => { st = (await rt.ContainerStatus({ container_id: id })).status; return st.state === 'CONTAINER_EXITED'; }, 20_000, 'exit');
  // the log copy ends shortly after the exit
  await new Promise((r) => setTimeout(r, 300));
  const text = existsSync(st.log_path) ? readFileSync(st.log_path, 'utf8') : '';
  const out = text.split('\n').filter(Boolean).map((l) => l.split(' ').slice(3).join(' ')).join('\n');
  return { out, code: st.exit_code };
}

function capEff(out: string): bigint {
  const m = /CapEff:\s*([0-9a-f]+)/.exec(out);
  assert.ok(m, out);
  return BigInt('0x' + m[1]);
}
const CAP_NET_ADMIN = 1n << 12n;
const CAP_CHOWN = 1n << 0n;

describe('security context', () => {
  let p: { id: string; config: any };
  before(async () => { p = await pod(); });

  test('runtime should support RunAsUser [Conformance]', async () => {
    const r = await run(p, cfg('id -u', { linux: { security_context: { run_as_user: { value: 1000 } } } }));
    assert.equal(r.out.trim(), '1000');
  });

  test('runtime should support RunAsUserName [Conformance]', async () => {
    const r = await run(p, cfg('id -un', { linux: { security_context: { run_as_username: 'nobody' } } }));
    assert.equal(r.out.trim(), 'nobody');
  });

  test('runtime should support RunAsGroup [Conformance]', async () => {
    const r = await run(p, cfg('id -u; id -g', { linux: { security_context: { run_as_user: { value: 1000 }, run_as_group: { value: 2000 } } } }));
    assert.equal(r.out.trim(), '1000\n2000');
  });

  test('runtime should return error if RunAsGroup is set without RunAsUser', async () => {
    const e = await grpcError(rt.CreateContainer({ pod_sandbox_id: p.id, config: cfg('true', { linux: { security_context: { run_as_group: { value: 2000 } } } }), sandbox_config: p.config }));
    assert.equal(e.code, grpcStatus.INVALID_ARGUMENT);
    assert.match(e.details, /run_as_group/);
  });

  test('runtime should support SupplementalGroups [Conformance]', async () => {
    const r = await run(p, cfg('id -G', { linux: { security_context: { run_as_user: { value: 1000 }, supplemental_groups: [1234, 5678] } } }));
    const groups = r.out.trim().split(/\s+/);
    assert.ok(groups.includes('1234') && groups.includes('5678'), r.out);
  });

  test('runtime should support that ReadOnlyRootfs is true [Conformance]', async () => {
    const r = await run(p, cfg('touch /x && echo wrote || echo refused', { linux: { security_context: { readonly_rootfs: true } } }));
    assert.match(r.out, /refused/);
    const w = await run(p, cfg('touch /x && echo wrote || echo refused', { linux: { security_context: { readonly_rootfs: false } } }));
    assert.match(w.out, /wrote/);
  });

  test('runtime should support adding and dropping capabilities [Conformance]', async () => {
    const base = capEff((await run(p, cfg('grep CapEff /proc/self/status'))).out);
    assert.equal(base & CAP_NET_ADMIN, 0n);
    assert.notEqual(base & CAP_CHOWN, 0n);
    const added = capEff((await run(p, cfg('grep CapEff /proc/self/status', { linux: { security_context: { capabilities: { add_capabilities: ['NET_ADMIN'] } } } }))).out);
    assert.notEqual(added & CAP_NET_ADMIN, 0n);
    const dropped = capEff((await run(p, cfg('grep CapEff /proc/self/status', { linux: { security_context: { capabilities: { drop_capabilities: ['CHOWN'] } } } }))).out);
    assert.equal(dropped & CAP_CHOWN, 0n);
  });

  test('runtime should support NoNewPrivs [Conformance]', async () => {
    const r = await run(p, cfg('grep NoNewPrivs /proc/self/status', { linux: { security_context: { no_new_privs: true } } }));
    assert.match(r.out, /NoNewPrivs:\s*1/);
  });

  test('runtime should support seccomp RuntimeDefault, Unconfined and Localhost profiles [Conformance]', async () => {
    const def = await run(p, cfg('grep "^Seccomp:" /proc/self/status', { linux: { security_context: { seccomp: { profile_type: 'RuntimeDefault' } } } }));
    assert.match(def.out, /Seccomp:\s*2/);
    const unconf = await run(p, cfg('grep "^Seccomp:" /proc/self/status', { linux: { security_context: { seccomp: { profile_type: 'Unconfined' } } } }));
    assert.match(unconf.out, /Seccomp:\s*0/);
    const profile = join(tmp, 'no-mkdir.json');
    writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] }));
    const local = await run(p, cfg('mkdir /tmp/d && echo made || echo blocked', { linux: { security_context: { seccomp: { profile_type: 'Localhost', localhost_ref: profile } } } }));
    assert.match(local.out, /blocked/);
    const e = await grpcError(rt.CreateContainer({ pod_sandbox_id: p.id, config: cfg('true', { linux: { security_context: { seccomp: { profile_type: 'Localhost', localhost_ref: join(tmp, 'absent.json') } } } }), sandbox_config: p.config }));
    assert.equal(e.code, grpcStatus.INVALID_ARGUMENT);
  });

  test('runtime should support MaskedPaths and ReadonlyPaths', async () => {
    const r = await run(p, cfg('cat /etc/hostname >/dev/null; wc -c < /proc/cpuinfo; touch /tmp/ro/f 2>/dev/null && echo writable || echo readonly', {
      mounts: [{ container_path: '/tmp/ro', host_path: tmp }],
      linux: { security_context: { masked_paths: ['/proc/cpuinfo'], readonly_paths: ['/tmp/ro'] } },
    }));
    const [bytes, ro] = r.out.trim().split('\n');
    assert.equal(bytes.trim(), '0');
    assert.equal(ro, 'readonly');
  });

  test('runtime should support Privileged is true, and refuse it in an unprivileged pod [Conformance]', async () => {
    const e = await grpcError(rt.CreateContainer({ pod_sandbox_id: p.id, config: cfg('true', { linux: { security_context: { privileged: true } } }), sandbox_config: p.config }));
    assert.equal(e.code, grpcStatus.INVALID_ARGUMENT);
    const pp = await pod({ linux: { security_context: { privileged: true } } });
    const r = await run(pp, cfg('grep CapEff /proc/self/status; mkdir -p /tmp/m && mount -t tmpfs none /tmp/m && echo mounted', { linux: { security_context: { privileged: true } } }));
    assert.notEqual(capEff(r.out) & CAP_NET_ADMIN, 0n);
    assert.match(r.out, /mounted/);
    const u = await run(pp, cfg('mkdir -p /tmp/m && mount -t tmpfs none /tmp/m 2>/dev/null && echo mounted || echo refused'));
    assert.match(u.out, /refused/);
  });

  test('AppArmor: RuntimeDefault is accepted, a Localhost profile is refused with a clear message', async () => {
    const ok = await run(p, cfg('echo ok', { linux: { security_context: { apparmor: { profile_type: 'RuntimeDefault' } } } }));
    assert.equal(ok.out.trim(), 'ok');
    const e = await grpcError(rt.CreateContainer({ pod_sandbox_id: p.id, config: cfg('true', { linux: { security_context: { apparmor: { profile_type: 'Localhost', localhost_ref: 'my-profile' } } } }), sandbox_config: p.config }));
    assert.equal(e.code, grpcStatus.UNIMPLEMENTED);
    assert.match(e.details, /AppArmor/);
  });
});

describe('namespace options', () => {
  test('runtime should support PodPID: containers see the pause process as PID 1 [Conformance]', async () => {
    const p = await pod({ linux: { security_context: { namespace_options: { pid: 'POD' } } } });
    const r = await run(p, cfg('tr "\\0" " " < /proc/1/cmdline', { linux: { security_context: { namespace_options: { pid: 'POD' } } } }));
    assert.match(r.out, /catatonit/);
  });

  test('runtime should support ContainerPID: the container is its own PID 1 [Conformance]', async () => {
    const p = await pod({ linux: { security_context: { namespace_options: { pid: 'CONTAINER' } } } });
    const r = await run(p, cfg('echo $$; true', { linux: { security_context: { namespace_options: { pid: 'CONTAINER' } } } }));
    assert.equal(r.out.trim(), '1');
  });

  test('runtime should support HostNetwork and HostPID (NODE) [Conformance]', async () => {
    const p = await pod({ linux: { security_context: { namespace_options: { network: 'NODE', pid: 'NODE' } } } });
    const st = (await rt.PodSandboxStatus({ pod_sandbox_id: p.id })).status;
    assert.equal(st.network.ip, '');
    const r = await run(p, cfg('ls /sys/class/net; test -d /proc/' + d.pid + ' && echo sees-host-pids', { linux: { security_context: { namespace_options: { network: 'NODE', pid: 'NODE' } } } }));
    // the daemon's namespace holds the CNI bridge of the other pods
    assert.match(r.out, /cni-berth1/);
    assert.match(r.out, /sees-host-pids/);
  });

  test('runtime should support pod IPC: containers of a pod share its IPC, UTS and network namespaces, other pods do not [Conformance]', async () => {
    const p = await pod();
    const a = await run(p, cfg('readlink /proc/self/ns/ipc; readlink /proc/self/ns/uts; readlink /proc/self/ns/net'));
    const b = await run(p, cfg('readlink /proc/self/ns/ipc; readlink /proc/self/ns/uts; readlink /proc/self/ns/net'));
    assert.match(a.out, /^ipc:\[\d+\]\nuts:\[\d+\]\nnet:\[\d+\]$/);
    assert.equal(a.out, b.out);
    const other = await run(await pod(), cfg('readlink /proc/self/ns/ipc; readlink /proc/self/ns/uts; readlink /proc/self/ns/net'));
    for (const [x, y] of a.out.split('\n').map((l, i) => [l, other.out.split('\n')[i]])) assert.notEqual(x, y);
  });
});

describe('container config', () => {
  let p: { id: string; config: any };
  before(async () => { p = await pod(); });

  test('runtime should support env and working dir [Conformance]', async () => {
    // KeyValue.value is `bytes` in the pinned proto
    const r = await run(p, cfg('echo $FOO; pwd', { envs: [{ key: 'FOO', value: Buffer.from('bar baz') }], working_dir: '/srv/app' }));
    assert.equal(r.out.trim(), 'bar baz\n/srv/app');
  });

  test('runtime should support command and args (entrypoint and cmd)', async () => {
    const r = await run(p, { ...cfg(''), command: ['echo'], args: ['one', 'two'] });
    assert.equal(r.out.trim(), 'one two');
  });

  test('runtime should support bind mounts, read-only mounts [Conformance]', async () => {
    const src = join(tmp, 'data');
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, 'hello.txt'), 'from host\n');
    const r = await run(p, cfg('cat /data/hello.txt; echo x > /data/new && echo rw; cat /ro/hello.txt; (echo x > /ro/new2) 2>/dev/null || echo ro', {
      mounts: [{ container_path: '/data', host_path: src }, { container_path: '/ro', host_path: src, readonly: true }],
    }));
    assert.equal(r.out.trim(), 'from host\nrw\nfrom host\nro');
    assert.ok(existsSync(join(src, 'new')));
    const e = await grpcError(rt.CreateContainer({ pod_sandbox_id: p.id, config: cfg('true', { mounts: [{ container_path: '/x', host_path: join(tmp, 'absent') }] }), sandbox_config: p.config }));
    assert.equal(e.code, grpcStatus.INVALID_ARGUMENT);
  });

  test('runtime should support mount propagation HostToContainer [Conformance]', async () => {
    const src = join(tmp, 'prop');
    mkdirSync(src, { recursive: true });
    // the source must be a shared mount for host mounts under it to propagate (as kubelet's /var/lib/kubelet is)
    assert.equal(spawnSync('mount', ['--bind', src, src]).status, 0);
    try {
      assert.equal(spawnSync('mount', ['--make-rshared', src]).status, 0);
      const { container_id: id } = await rt.CreateContainer({ pod_sandbox_id: p.id, sandbox_config: p.config, config: cfg('for i in $(seq 1 60); do test -f /prop/sub/marker && { echo seen; exit 0; }; sleep 0.2; done; echo missing', {
        mounts: [{ container_path: '/prop', host_path: src, propagation: 'PROPAGATION_HOST_TO_CONTAINER' }],
      }) });
      await rt.StartContainer({ container_id: id });
      mkdirSync(join(src, 'sub'), { recursive: true });
      assert.equal(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', join(src, 'sub')]).status, 0);
      writeFileSync(join(src, 'sub', 'marker'), '1');
      let st: any;
      await waitFor(async () => { st = (await rt.ContainerStatus({ container_id: id })).status; return st.state === 'CONTAINER_EXITED'; }, 20_000, 'exit');
      await new Promise((r) => setTimeout(r, 300));
      assert.match(readFileSync(st.log_path, 'utf8'), /seen/);
    } finally {
      spawnSync('umount', ['-R', src]);
    }
  });

  test('runtime should support devices [Conformance]', async () => {
    const r = await run(p, cfg('test -c /dev/mynull && echo char && echo hi > /dev/mynull && echo written', { devices: [{ host_path: '/dev/null', container_path: '/dev/mynull', permissions: 'rwm' }] }));
    assert.equal(r.out.trim(), 'char\nwritten');
  });

  test('runtime should support resources (memory, cpu) and UpdateContainerResources [Conformance]', async () => {
    const { container_id: id } = await rt.CreateContainer({ pod_sandbox_id: p.id, sandbox_config: p.config, config: cfg('trap "exit 0" TERM; sleep 300 & wait', {
      linux: { resources: { memory_limit_in_bytes: 64 * 1024 * 1024, cpu_shares: 512, cpu_quota: 50000, cpu_period: 100000 } },
    }) });
    await rt.StartContainer({ container_id: id });
    let hc = (await d.api('GET', `/containers/${id}/json`)).body.HostConfig;
    assert.equal(hc.Memory, 64 * 1024 * 1024);
    assert.equal(hc.CpuShares, 512);
    assert.equal(hc.CpuQuota, 50000);
    await rt.UpdateContainerResources({ container_id: id, linux: { memory_limit_in_bytes: 128 * 1024 * 1024, cpu_shares: 256 } });
    hc = (await d.api('GET', `/containers/${id}/json`)).body.HostConfig;
    assert.equal(hc.Memory, 128 * 1024 * 1024);
    assert.equal(hc.CpuShares, 256);
    const st = (await rt.ContainerStatus({ container_id: id })).status;
    assert.equal(st.resources.linux.memory_limit_in_bytes, String(128 * 1024 * 1024));
    const e = await grpcError(rt.UpdateContainerResources({ container_id: id, linux: { hugepage_limits: [{ page_size: '2MB', limit: 1 }] } }));
    assert.equal(e.code, grpcStatus.UNIMPLEMENTED);
    await rt.StopContainer({ container_id: id, timeout: 5 });
  });
});

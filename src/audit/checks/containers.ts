/** CIS section 5, container runtime: each container's recorded HostConfig, and the processes of running ones. */
import { readFileSync } from 'node:fs';
import { containerCheck, info, note, pass, warn, type AuditCheck, type AuditContext } from '../check.js';
import type { ContainerRecord } from '../../record/container-store.js';

/** Host directories whose mounting gives a container the host (CIS 5.5, plus the paths that hold binaries and root's home). */
const SENSITIVE = ['/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/proc', '/sys', '/usr', '/bin', '/sbin', '/root', '/run', '/var/run', '/var/lib/berth', '/var/lib/docker'];

interface HostMount { source: string; target: string; readOnly: boolean; propagation: string }

/** The host paths a container binds: -v /src:/dst[:opts] and --mount type=bind. Named volumes are not host paths. */
export function hostMounts(c: ContainerRecord): HostMount[] {
  const out: HostMount[] = [];
  for (const b of c.hostConfig.Binds ?? []) {
    const parts = b.split(':');
    if (!parts[0].startsWith('/')) continue;
    const opts = (parts[2] ?? '').split(',');
    out.push({ source: parts[0], target: parts[1] ?? '', readOnly: opts.includes('ro'), propagation: opts.find((o) => /^r?(shared|slave|private)$/.test(o)) ?? '' });
  }
  for (const m of c.hostConfig.Mounts ?? []) {
    if (m.Type !== 'bind' || !m.Source) continue;
    out.push({ source: m.Source, target: m.Target ?? '', readOnly: Boolean(m.ReadOnly), propagation: m.BindOptions?.Propagation ?? '' });
  }
  return out;
}

const under = (p: string, dir: string): boolean => p === dir || p.startsWith(dir + '/');
const norm = (p: string): string => p.replace(/\/+$/, '') || '/';

function sensitiveMounts(c: ContainerRecord, ctx: AuditContext): HostMount[] {
  const dirs = [...SENSITIVE, ctx.root, ctx.runRoot];
  return hostMounts(c).filter((m) => { const s = norm(m.source); return s === '/' || dirs.some((d) => under(s, d)); });
}

/** The daemon's own sockets (and any docker.sock / berth.sock), or a directory that holds one. */
function socketMounts(c: ContainerRecord, ctx: AuditContext): HostMount[] {
  const sockets = ctx.facts.listeners.flatMap((l) => (l.kind === 'unix' ? [l.path] : []));
  return hostMounts(c).filter((m) => {
    const s = norm(m.source);
    return /(^|\/)(docker|berth|containerd|podman)\.sock$/.test(s) || sockets.some((k) => under(k, s));
  });
}

const secOpts = (c: ContainerRecord): string[] => (c.hostConfig.SecurityOpt ?? []).map(String);
const hasOpt = (c: ContainerRecord, key: string, value: string): boolean => secOpts(c).some((o) => o === `${key}=${value}` || o === `${key}:${value}`);

function noNewPrivileges(c: ContainerRecord): boolean {
  let on = false;
  for (const o of secOpts(c)) {
    if (o === 'no-new-privileges' || /^no-new-privileges[:=]true$/.test(o)) on = true;
    if (/^no-new-privileges[:=]false$/.test(o)) on = false;
  }
  return on;
}

function portBindings(c: ContainerRecord): Array<{ port: string; hostIp: string; hostPort: number }> {
  const out: Array<{ port: string; hostIp: string; hostPort: number }> = [];
  for (const [port, list] of Object.entries(c.hostConfig.PortBindings ?? {})) {
    for (const b of list ?? []) out.push({ port, hostIp: b.HostIp ?? '', hostPort: Number(b.HostPort || 0) });
  }
  return out;
}

/** A host switch file (AppArmor's, SELinux's), read once per audit rather than once per container. */
const flags = new WeakMap<AuditContext, Map<string, boolean>>();
function hostFlag(ctx: AuditContext, file: string, on: string): boolean {
  const cache = flags.get(ctx) ?? flags.set(ctx, new Map()).get(ctx)!;
  if (!cache.has(file)) {
    let v = false;
    try { v = readFileSync(file, 'utf8').trim() === on; } catch { /* absent: the module is not there */ }
    cache.set(file, v);
  }
  return cache.get(file)!;
}

const shared = (mode: string | undefined) => mode === 'host';
const onDefaultBridge = (c: ContainerRecord) => ['', 'default', 'bridge'].includes(c.hostConfig.NetworkMode ?? '');

export const CONTAINER_CHECKS: AuditCheck[] = [
  containerCheck({ id: '5.1', section: 5, title: 'Ensure that, if applicable, an AppArmor profile is enabled', remediation: 'none yet: berth does not apply AppArmor profiles; do not run with --security-opt apparmor=unconfined' }, (c, ctx) => {
    if (!hostFlag(ctx, ctx.host.apparmorEnabled, 'Y')) return note(`${c.name}: AppArmor is not enabled on this host`);
    return warn(`${c.name} runs without an AppArmor profile${hasOpt(c, 'apparmor', 'unconfined') ? ' (apparmor=unconfined)' : ' (berth does not apply AppArmor profiles yet)'}`);
  }),
  containerCheck({ id: '5.2', section: 5, title: 'Ensure that, if applicable, SELinux security options are set', remediation: 'none yet: berth does not label containers for SELinux' }, (c, ctx) =>
    hostFlag(ctx, ctx.host.selinuxEnforce, '1') ? warn(`${c.name} has no SELinux label (berth does not apply SELinux labels yet)`) : note(`${c.name}: SELinux is not enforcing on this host`)),
  containerCheck({ id: '5.3', section: 5, title: 'Ensure that Linux kernel capabilities are restricted within containers', remediation: 'remove --cap-add; drop what is not needed with --cap-drop ALL --cap-add ONLY_NEEDED' }, (c) => {
    if (c.hostConfig.Privileged) return warn(`Capabilities: ${c.name} has all capabilities (privileged)`);
    const added = (c.hostConfig.CapAdd ?? []).map(String);
    const dropsAll = (c.hostConfig.CapDrop ?? []).map((x) => String(x).toUpperCase()).includes('ALL');
    if (added.length && !dropsAll) return warn(`Capabilities added: ${c.name}: ${added.join(', ')}`);
    return pass(dropsAll ? `${c.name} drops all capabilities${added.length ? ' and adds ' + added.join(', ') : ''}` : `${c.name} adds no capabilities`);
  }),
  containerCheck({ id: '5.4', section: 5, title: 'Ensure that privileged containers are not used', remediation: 'run without --privileged; grant only the capabilities (--cap-add) and devices (--device) needed' }, (c) =>
    c.hostConfig.Privileged ? warn(`Privileged: ${c.name}`) : pass(`${c.name} is not privileged`)),
  containerCheck({ id: '5.5', section: 5, title: 'Ensure sensitive host system directories are not mounted on containers', remediation: 'do not bind /, /etc, /proc, /sys, /dev, /boot, /usr, /lib, /run or the berth root into containers; mount only the directories the app needs, read-only (:ro)' }, (c, ctx) => {
    const m = sensitiveMounts(c, ctx);
    return m.length ? warn(`Sensitive host paths: ${c.name}: ${m.map((x) => `${x.source}:${x.target}${x.readOnly ? ' (ro)' : ' (rw)'}`).join(', ')}`) : pass(`${c.name} mounts no sensitive host path`);
  }),
  containerCheck({ id: '5.6', section: 5, title: 'Ensure sshd is not run within containers', remediation: 'remove sshd from the image; use `berth exec` to get a shell' }, (c, ctx) => {
    if (!c.state.Running || !c.state.Pid) return info(`${c.name} is not running`);
    const sshd = ctx.processes().ofContainer(c.state.Pid).filter((p) => p.comm === 'sshd');
    return sshd.length ? warn(`sshd running: ${c.name} (pid ${sshd.map((p) => p.pid).join(', ')})`) : pass(`${c.name} runs no sshd`);
  }),
  containerCheck({ id: '5.7', section: 5, title: 'Ensure privileged ports are not mapped within containers', remediation: 'publish on a host port of 1024 or above (-p 8080:80)' }, (c) => {
    const low = portBindings(c).filter((b) => b.hostPort > 0 && b.hostPort < 1024);
    return low.length ? warn(`Privileged ports: ${c.name}: ${low.map((b) => `${b.hostIp ? b.hostIp + ':' : ''}${b.hostPort}->${b.port}`).join(', ')}`) : pass(`${c.name} publishes no port below 1024`);
  }),
  containerCheck({ id: '5.9', section: 5, title: "Ensure that the host's network namespace is not shared", remediation: 'run without --network host' }, (c) =>
    shared(c.hostConfig.NetworkMode) ? warn(`Host network: ${c.name}`) : pass(`${c.name} has its own network namespace`)),
  containerCheck({ id: '5.10', section: 5, title: 'Ensure that the memory usage for containers is limited', remediation: 'run with --memory (e.g. --memory 512m)' }, (c) =>
    (c.hostConfig.Memory ?? 0) > 0 ? pass(`${c.name} is limited to ${c.hostConfig.Memory} bytes`) : warn(`No memory limit: ${c.name}`)),
  containerCheck({ id: '5.11', section: 5, title: 'Ensure that CPU priority is set appropriately on containers', remediation: 'run with --cpu-shares (not 1024), --cpus or --cpu-quota' }, (c) => {
    const hc = c.hostConfig;
    const shares = hc.CpuShares ?? 0;
    const set = (shares !== 0 && shares !== 1024) || (hc.NanoCpus ?? 0) > 0 || (hc.CpuQuota ?? 0) > 0;
    return set ? pass(`${c.name} has a CPU share or limit`) : warn(`No CPU shares or limit: ${c.name}`);
  }),
  containerCheck({ id: '5.12', section: 5, title: "Ensure that the container's root filesystem is mounted as read only", remediation: 'run with --read-only (and --tmpfs for the paths the app writes)' }, (c) =>
    c.hostConfig.ReadonlyRootfs ? pass(`${c.name} has a read-only root filesystem`) : warn(`Writable root filesystem: ${c.name}`)),
  containerCheck({ id: '5.13', section: 5, title: 'Ensure that incoming container traffic is bound to a specific host interface', remediation: 'publish on one address: -p 127.0.0.1:8080:80' }, (c) => {
    const wild = portBindings(c).filter((b) => b.hostIp === '' || b.hostIp === '0.0.0.0' || b.hostIp === '::');
    if (c.hostConfig.PublishAllPorts) return warn(`All interfaces: ${c.name} publishes every exposed port (-P) on all interfaces`);
    return wild.length ? warn(`All interfaces: ${c.name}: ${wild.map((b) => `${b.hostPort || 'random'}->${b.port}`).join(', ')}`) : pass(`${c.name} publishes no port on all interfaces`);
  }),
  containerCheck({ id: '5.14', section: 5, title: "Ensure that the 'on-failure' container restart policy is set to '5'", remediation: 'use --restart on-failure:5 (or no restart policy)' }, (c) => {
    const p = c.hostConfig.RestartPolicy ?? { Name: 'no' };
    const name = p.Name || 'no';
    if (name === 'no') return pass(`${c.name} has no restart policy`);
    if (name === 'on-failure' && (p.MaximumRetryCount ?? 0) > 0 && (p.MaximumRetryCount ?? 0) <= 5) return pass(`${c.name} restarts on failure at most ${p.MaximumRetryCount} times`);
    if (name === 'on-failure') return warn(`Restart policy: ${c.name}: on-failure with ${p.MaximumRetryCount ? `${p.MaximumRetryCount} retries` : 'no maximum'}`);
    return warn(`Restart policy: ${c.name}: ${name}, without a maximum retry count`);
  }),
  containerCheck({ id: '5.15', section: 5, title: "Ensure that the host's process namespace is not shared", remediation: 'run without --pid host' }, (c) =>
    shared(c.hostConfig.PidMode) ? warn(`Host PID namespace: ${c.name}`) : pass(`${c.name} has its own PID namespace`)),
  containerCheck({ id: '5.16', section: 5, title: "Ensure that the host's IPC namespace is not shared", remediation: 'run without --ipc host' }, (c) =>
    shared(c.hostConfig.IpcMode) ? warn(`Host IPC namespace: ${c.name}`) : pass(`${c.name} has its own IPC namespace`)),
  containerCheck({ id: '5.17', section: 5, title: 'Ensure that host devices are not directly exposed to containers', remediation: 'run without --device (and without --privileged)' }, (c) => {
    if (c.hostConfig.Privileged) return warn(`Host devices: ${c.name} has all host devices (privileged)`);
    const devs = (c.hostConfig.Devices ?? []).map((d) => d.PathOnHost ?? '');
    return devs.length ? warn(`Host devices: ${c.name}: ${devs.join(', ')}`) : pass(`${c.name} has no host devices`);
  }),
  containerCheck({ id: '5.19', section: 5, title: 'Ensure mount propagation mode is not set to shared', remediation: 'bind without :shared/:rshared (private is the default)' }, (c) => {
    const sh = hostMounts(c).filter((m) => m.propagation === 'shared' || m.propagation === 'rshared');
    return sh.length ? warn(`Shared propagation: ${c.name}: ${sh.map((m) => `${m.source}:${m.target}:${m.propagation}`).join(', ')}`) : pass(`${c.name} has no shared mount propagation`);
  }),
  containerCheck({ id: '5.20', section: 5, title: "Ensure that the host's UTS namespace is not shared", remediation: 'run without --uts host' }, (c) =>
    shared(c.hostConfig.UTSMode) ? warn(`Host UTS namespace: ${c.name}`) : pass(`${c.name} has its own UTS namespace`)),
  containerCheck({ id: '5.21', section: 5, title: 'Ensure the default seccomp profile is not disabled', remediation: 'run without --security-opt seccomp=unconfined (and without --privileged)' }, (c) => {
    if (hasOpt(c, 'seccomp', 'unconfined')) return warn(`Seccomp unconfined: ${c.name}`);
    if (c.hostConfig.Privileged) return warn(`Seccomp unconfined: ${c.name} (privileged)`);
    return pass(`${c.name} has a seccomp profile`);
  }),
  containerCheck({ id: '5.24', section: 5, title: 'Ensure that cgroup usage is confirmed', remediation: 'run without --cgroup-parent unless the parent is meant' }, (c) =>
    c.hostConfig.CgroupParent ? info(`${c.name} uses cgroup parent ${c.hostConfig.CgroupParent}`) : pass(`${c.name} uses berth's cgroup parent`)),
  containerCheck({ id: '5.25', section: 5, title: 'Ensure that the container is restricted from acquiring additional privileges', remediation: 'run with --security-opt no-new-privileges' }, (c) =>
    noNewPrivileges(c) ? pass(`${c.name} has no-new-privileges`) : warn(`No no-new-privileges: ${c.name}`)),
  containerCheck({ id: '5.26', section: 5, title: 'Ensure that container health is checked at runtime', remediation: 'run with --health-cmd (or add HEALTHCHECK to the image)' }, (c) => {
    const t = c.config.Healthcheck?.Test;
    return Array.isArray(t) && t.length > 0 && t[0] !== 'NONE' ? pass(`${c.name} has a health check`) : warn(`No health check: ${c.name}`);
  }),
  containerCheck({ id: '5.28', section: 5, title: 'Ensure that the PIDs cgroup limit is used', remediation: 'run with --pids-limit (e.g. --pids-limit 200)' }, (c) =>
    (c.hostConfig.PidsLimit ?? 0) > 0 ? pass(`${c.name} is limited to ${c.hostConfig.PidsLimit} processes`) : warn(`No PIDs limit: ${c.name}`)),
  containerCheck({ id: '5.29', section: 5, title: "Ensure that the default bridge 'bridge' is not used", remediation: 'put the container on a user-defined network: berth network create NET; --network NET' }, (c) =>
    onDefaultBridge(c) ? warn(`Default bridge: ${c.name}`) : pass(`${c.name} uses network ${c.hostConfig.NetworkMode}`)),
  containerCheck({ id: '5.30', section: 5, title: "Ensure that the host's user namespaces are not shared", remediation: 'run with --userns=auto (not --userns=host)' }, (c) => {
    const mode = c.hostConfig.UsernsMode ?? '';
    if (mode === 'host') return warn(`Host user namespace: ${c.name} (--userns=host)`);
    if (mode === '') return info(`${c.name} shares the host's user namespace (no --userns); --userns=auto gives it its own`);
    return pass(`${c.name} has its own user namespace (${mode})`);
  }),
  containerCheck({ id: '5.31', section: 5, title: 'Ensure that the berth socket is not mounted inside any containers', remediation: 'do not bind the daemon socket (or its directory) into containers: it is root on the host' }, (c, ctx) => {
    const m = socketMounts(c, ctx);
    return m.length ? warn(`Daemon socket mounted: ${c.name}: ${m.map((x) => `${x.source}:${x.target}`).join(', ')}`) : pass(`${c.name} does not mount a daemon socket`);
  }),
];

/**
 * Kernel network objects through iproute2, in the daemon's own network
 * namespace (tests run the daemon inside a namespace they created). Each
 * operation is one or two `ip -batch` calls so a container start stays cheap.
 */
import { mkdirSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, runOk } from '../common/exec.js';
import { SystemError } from '../common/errors.js';
import { sysUmount } from '../common/mount-syscalls.js';
import { addToBridge } from './bridge-port.js';
import { daemonNetnsPath, runInNewNetns } from './netns-spawn.js';

async function ipBatch(cmds: string[], netns?: string): Promise<void> {
  const input = cmds.join('\n') + '\n';
  const r = netns ? await run('nsenter', [`--net=${netns}`, 'ip', '-batch', '-'], { input }) : await run('ip', ['-batch', '-'], { input });
  if (r.code !== 0) throw new SystemError(`network setup failed: ${(r.stderr || r.stdout).trim()}`, 'ERR_NETWORK_SETUP');
}

/** A per-network-namespace sysctl (the daemon's /proc/sys/net is its own namespace's). */
export function setSysctl(key: string, value: string): void {
  try { writeFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, value); } catch (e) {
    throw new SystemError(`cannot set ${key}=${value}: ${(e as Error).message}`, 'ERR_SYSCTL');
  }
}

export async function linkNames(): Promise<string[]> {
  const out = await runOk('ip', ['-o', 'link', 'show']);
  return out.split('\n').map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1]).filter((x): x is string => !!x);
}

/** Routes of the daemon's namespace (to keep new subnets clear of networks the host already has). */
export async function routedSubnets(): Promise<string[]> {
  const out = await runOk('ip', ['-4', '-o', 'route', 'show']);
  return out.split('\n').map((l) => l.split(/\s+/)[0]).filter((d) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(d));
}

export async function ensureBridge(name: string, gatewayCidr: string): Promise<void> {
  const r = await run('ip', ['link', 'add', 'name', name, 'type', 'bridge']);
  if (r.code !== 0 && !/exists/i.test(r.stderr)) throw new SystemError(`cannot create bridge ${name}: ${r.stderr.trim()}`, 'ERR_NETWORK_SETUP');
  await ipBatch([`addr replace ${gatewayCidr} dev ${name}`, `link set ${name} up`]);
  // loopback-published ports are DNAT'ed to the bridge: the kernel must route 127/8 sources there
  setSysctl(`net.ipv4.conf.${name}.route_localnet`, '1');
}

export async function deleteLink(name: string): Promise<void> {
  const r = await run('ip', ['link', 'del', name]);
  if (r.code !== 0 && !/Cannot find device|does not exist/i.test(r.stderr)) throw new SystemError(`cannot delete ${name}: ${r.stderr.trim()}`, 'ERR_NETWORK_SETUP');
}

export interface VethPlan { veth: string; ifname: string; bridge: string; ipCidr: string; mac: string; gateway?: string; ip6Cidr?: string; gateway6?: string }

/** Extra addresses on a link (IPv6 without duplicate address detection: usable at once, as Docker does). */
export async function addAddresses(dev: string, cidrs: string[]): Promise<void> {
  await ipBatch(cidrs.map((c) => `addr replace ${c} dev ${dev}${c.includes(':') ? ' nodad' : ''}`));
}

/** A veth pair: host side on the bridge, the other side configured inside the container's netns. */
export async function attachVeth(netns: string, p: VethPlan): Promise<void> {
  await ipBatch([
    `link add ${p.veth} type veth peer name ${p.ifname} address ${p.mac} netns ${netns}`,
    `link set ${p.veth} master ${p.bridge} up`,
  ]);
  const inner = ['link set lo up', `addr add ${p.ipCidr} dev ${p.ifname}`, `link set ${p.ifname} up`];
  if (p.gateway) inner.push(`route replace default via ${p.gateway} dev ${p.ifname}`);
  if (p.ip6Cidr) inner.push(`addr add ${p.ip6Cidr} dev ${p.ifname} nodad`);
  if (p.gateway6) inner.push(`route replace default via ${p.gateway6} dev ${p.ifname}`);
  try { await ipBatch(inner, netns); } catch (e) { await deleteLink(p.veth).catch(() => undefined); throw e; }
}

/**
 * A container's namespace with all its veths in two processes: `unshare --net=<path> ip -batch` makes
 * the namespace and, inside it, each veth pair (the host side sent to the daemon's namespace) with its
 * addresses and routes; one `ip -batch` in the daemon's namespace then puts the host sides on their
 * bridges. (Creating the namespace, plugging in and configuring each side separately took one more
 * process per container.) On failure nothing is left: the namespace and the host sides go again.
 */
export async function createNetnsWithVeths(path: string, plans: VethPlan[]): Promise<void> {
  const daemonNs = daemonNetnsPath();
  const inner = ['link set lo up'];
  for (const p of plans) {
    inner.push(`link add ${p.ifname} address ${p.mac} type veth peer name ${p.veth} netns ${daemonNs}`);
    inner.push(`addr add ${p.ipCidr} dev ${p.ifname}`);
    if (p.ip6Cidr) inner.push(`addr add ${p.ip6Cidr} dev ${p.ifname} nodad`);
    inner.push(`link set ${p.ifname} up`);
  }
  // a default route needs its device up (the carrier comes when the host side is up; the route does not wait for it)
  for (const p of plans) {
    if (p.gateway) inner.push(`route replace default via ${p.gateway} dev ${p.ifname}`);
    if (p.gateway6) inner.push(`route replace default via ${p.gateway6} dev ${p.ifname}`);
  }
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
  try {
    const input = inner.join('\n') + '\n';
    const r = await (runInNewNetns(path, 'ip', ['-batch', '-'], input) ?? run('unshare', [`--net=${path}`, 'ip', '-batch', '-'], { input }));
    if (r.code !== 0) throw new SystemError(`network setup failed: ${(r.stderr || r.stdout).trim()}`, 'ERR_NETWORK_SETUP');
    const onBridge = await Promise.all(plans.map((p) => addToBridge(p.veth, p.bridge)));
    const rest = plans.filter((_, i) => !onBridge[i]);
    if (rest.length) await ipBatch(rest.map((p) => `link set ${p.veth} master ${p.bridge} up`));
  } catch (e) {
    await removeNetns(path).catch(() => undefined);
    await Promise.all(plans.map((p) => deleteLink(p.veth).catch(() => undefined)));
    throw e;
  }
}

/** Links of the daemon's namespace, read from /proc (no process; /sys/class/net shows the namespace sysfs was mounted in). */
function presentLinks(names: string[]): string[] {
  let dev = '';
  try { dev = readFileSync(`/proc/${process.pid}/net/dev`, 'utf8'); } catch { return names; }
  const present = new Set(dev.split('\n').map((l) => /^\s*([^:\s]+):/.exec(l)?.[1]).filter(Boolean));
  return names.filter((n) => present.has(n));
}

/**
 * A container's namespace and its veths go together: once the last reference to the namespace is
 * dropped the kernel removes the veths inside it, and with them their host sides, in one batch
 * (~5 ms here) where `ip link del` of a veth costs ~20 ms of RCU waits each. Returns when every host
 * side is gone; if the namespace is still held (a process joined it), the rest are deleted by hand after
 * `graceMs`.
 */
export async function removeNetnsWithVeths(path: string, veths: string[], graceMs = 500): Promise<void> {
  const held = existsSync(path);
  await removeNetns(path);
  let left = presentLinks(veths);
  const end = held ? Date.now() + graceMs : 0; // no namespace: nothing will take the veths away
  while (left.length && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 2));
    left = presentLinks(left);
  }
  await Promise.all(left.map((v) => deleteLink(v)));
}

/** Network namespaces live as bind mounts under <runRoot>/netns so they outlive a daemon crash. */
export function netnsDir(runRoot: string): string { return join(runRoot, 'netns'); }

export async function removeNetns(path: string): Promise<void> {
  if (!existsSync(path)) return;
  if (!(await sysUmount(path))) await run('umount', [path]);
  rmSync(path, { force: true });
}

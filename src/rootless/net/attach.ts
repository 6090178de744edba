/**
 * `AttachRootlessNetwork` (src/rootless/net-contract.ts): connect the rootless daemon's network namespace
 * to the host's network with pasta (the default) or slirp4netns (the fallback). Both make a tap device,
 * tap0, in the namespace, give it an address and a default route, and carry its traffic through sockets
 * the user opens on the host. Published ports do not go through them: see port-forwarder.ts.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AttachRootlessNetwork, RootlessNetDriverName, RootlessNetHandle } from '../net-contract.js';
import { checkTun, chooseDriver } from './driver-tools.js';
import { DriverProcess, hasDefaultRoute } from './driver-process.js';
import { installResolvConf } from './resolv.js';
import { log } from '../../common/log.js';

export const TAP = 'tap0';
/** slirp4netns's fixed addresses with --configure (its defaults, as rootless Docker and Podman use them) */
const SLIRP_ADDRESS = '10.0.2.100';
const SLIRP_GATEWAY = '10.0.2.2';
/** slirp4netns's built-in DNS forwarder */
const SLIRP_DNS = '10.0.2.3';
/**
 * pasta forwards DNS queries sent to this address to the host's first resolver (--dns-forward), which
 * may be one on the host's loopback (systemd-resolved's 127.0.0.53) that the namespace cannot reach;
 * Podman uses the same link-local address.
 */
export const PASTA_DNS = '169.254.1.1';

/** What the handle also says: the gateway is where the host's own services answer (pasta maps it to the host). */
export interface RootlessNetAttachment extends RootlessNetHandle {
  gateway?: string;
  /** the address, inside the namespace, at which services listening on the host are reached */
  hostAddress?: string;
  /** a resolver address inside the namespace that answers with the host's resolvers */
  dns: string;
}

export type AttachOptions = Parameters<AttachRootlessNetwork>[0] & { timeoutMs?: number; path?: string };

export const attachRootlessNetwork: AttachRootlessNetwork = (opts) => attach(opts);

export async function attach(opts: AttachOptions): Promise<RootlessNetAttachment> {
  const driver = chooseDriver(opts.preferred, opts.path);
  checkTun();
  mkdirSync(opts.stateDir, { recursive: true, mode: 0o700 });
  const net = driver.name === 'pasta' ? await startPasta(driver.program, opts) : await startSlirp(driver.program, opts);
  // names: a host resolver on the host's loopback is out of the namespace's reach; the driver's forwarder is not
  await installResolvConf(opts.childPid, opts.stateDir, net.dns)
    .catch((e) => log.warn('the rootless namespace keeps the host\'s resolv.conf', { error: (e as Error).message }));
  return net;
}

/**
 * pasta 2023-03 (Debian 12): it copies the host's address and default route into the namespace
 * (--config-net), maps the gateway's address to the host, and forwards no ports either way (-t/-u/-T/-U
 * none): published ports are the port forwarder's, and the namespace must not reach the host's loopback.
 */
async function startPasta(program: string, opts: AttachOptions): Promise<RootlessNetAttachment> {
  const args = ['--config-net', '--foreground', '-I', TAP, '-t', 'none', '-u', 'none', '-T', 'none', '-U', 'none', '--dns-forward', PASTA_DNS,
    '--pid', join(opts.stateDir, 'pasta.pid'),
    '--netns', `/proc/${opts.childPid}/ns/net`, '--userns', `/proc/${opts.childPid}/ns/user`];
  const p = new DriverProcess('pasta', program, args, opts.childPid, join(opts.stateDir, 'pasta.log'));
  await p.waitUntil(() => hasDefaultRoute(opts.childPid, TAP), 'pasta did not configure the namespace', opts.timeoutMs);
  const said = p.text();
  const address = /assign:\s*([0-9.]+)/.exec(said)?.[1];
  const gateway = /router:\s*([0-9.]+)/.exec(said)?.[1];
  return handle('pasta', p, address, gateway, gateway, PASTA_DNS);
}

/**
 * slirp4netns 1.2: --configure gives tap0 10.0.2.100/24 and a route via 10.0.2.2; the host's loopback
 * is not reachable from the namespace (--disable-host-loopback), so the host is reached by its own
 * addresses. It ends with the namespace's holder (driver-process.ts).
 */
async function startSlirp(program: string, opts: AttachOptions): Promise<RootlessNetAttachment> {
  const args = ['--configure', '--mtu=65520', '--disable-host-loopback', String(opts.childPid), TAP];
  const p = new DriverProcess('slirp4netns', program, args, opts.childPid, join(opts.stateDir, 'slirp4netns.log'));
  await p.waitUntil(() => hasDefaultRoute(opts.childPid, TAP), 'slirp4netns did not configure the namespace', opts.timeoutMs);
  return handle('slirp4netns', p, SLIRP_ADDRESS, SLIRP_GATEWAY, undefined, SLIRP_DNS);
}

function handle(driver: RootlessNetDriverName, p: DriverProcess, address: string | undefined, gateway: string | undefined, hostAddress: string | undefined, dns: string): RootlessNetAttachment {
  return {
    driver, iface: TAP, address, gateway, hostAddress, dns,
    close: () => p.close(),
  };
}

/**
 * A CNI runner (the container network interface's exec protocol, spec 1.0): a network configuration
 * list from a config directory, each plugin run as a binary with CNI_COMMAND/CNI_NETNS/... in its
 * environment and its config on stdin, ADD chaining each result into the next plugin's prevResult,
 * DEL in reverse order. Written here rather than taken from a library because no maintained Node
 * implementation of libcni exists; the protocol is small (exec, JSON in, JSON out).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError, InvalidArgumentError } from '../common/errors.js';

export const DEFAULT_CNI_CONF_DIR = '/etc/cni/net.d';
/** the upstream default first, then Debian's containernetworking-plugins */
export const DEFAULT_CNI_BIN_DIRS = ['/opt/cni/bin', '/usr/lib/cni'];

export interface CniPluginConf { type: string; capabilities?: Record<string, boolean>; [key: string]: unknown }
export interface CniNetworkList { cniVersion: string; name: string; plugins: CniPluginConf[]; file: string }

/** A CNI result (the parts berth reads: interfaces and IPs). */
export interface CniResult {
  cniVersion?: string;
  interfaces?: Array<{ name: string; mac?: string; sandbox?: string }>;
  ips?: Array<{ address: string; gateway?: string; interface?: number }>;
  dns?: { nameservers?: string[]; search?: string[]; options?: string[] };
  [key: string]: unknown;
}

export interface CniAttachment {
  containerId: string;
  netnsPath: string;
  ifName: string;
  /** CNI_ARGS: K8S_POD_NAMESPACE=...;K8S_POD_NAME=... */
  args?: Record<string, string>;
  /** runtimeConfig given to plugins that declare the capability (portMappings, dns, ...) */
  capabilityArgs?: Record<string, unknown>;
}

export class CniError extends BerthError {
  constructor(message: string) { super(message, { code: 'ERR_CNI', status: 500 }); }
}

/** The first network configuration in lexical order, as libcni picks it: *.conflist, or a single-plugin *.conf / *.json. */
export function loadCniNetwork(confDir: string): CniNetworkList | undefined {
  if (!existsSync(confDir)) return undefined;
  const files = readdirSync(confDir).filter((f) => /\.(conflist|conf|json)$/.test(f)).sort();
  for (const f of files) {
    const file = join(confDir, f);
    let raw: any;
    try { raw = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new InvalidArgumentError(`CNI config ${file}: ${(e as Error).message}`); }
    if (f.endsWith('.conflist')) {
      if (!Array.isArray(raw.plugins) || raw.plugins.length === 0) throw new InvalidArgumentError(`CNI config ${file}: no plugins`);
      if (raw.disableCheck === undefined) raw.disableCheck = false;
      return { cniVersion: String(raw.cniVersion ?? '1.0.0'), name: String(raw.name ?? ''), plugins: raw.plugins, file };
    }
    if (!raw.type) throw new InvalidArgumentError(`CNI config ${file}: no plugin type`);
    const { cniVersion, name, ...plugin } = raw;
    return { cniVersion: String(cniVersion ?? '1.0.0'), name: String(name ?? ''), plugins: [plugin as CniPluginConf], file };
  }
  return undefined;
}

/**
 * portmap with no port mappings is a no-op (its ADD passes prevResult through, it holds nothing to DEL):
 * skipping it spares one plugin process per pod. ADD and DEL decide the same way from the attachment.
 */
export function pluginNeeded(plugin: CniPluginConf, a: CniAttachment): boolean {
  if (plugin.type !== 'portmap') return true;
  const pm = a.capabilityArgs?.portMappings;
  return !(plugin.capabilities?.portMappings && Array.isArray(pm) && pm.length === 0);
}

export class CniRunner {
  /** the last parsed network and what it was parsed from (directory listing + file mtime/size) */
  private cached?: { key: string; net: CniNetworkList | undefined };

  constructor(readonly confDir: string = DEFAULT_CNI_CONF_DIR, readonly binDirs: string[] = DEFAULT_CNI_BIN_DIRS) {}

  /**
   * The network to use now: configs follow the directory (as containerd watches it), but the parsed list
   * is reused while the directory's config files and their mtimes/sizes are unchanged.
   */
  network(): CniNetworkList | undefined {
    let key: string;
    try {
      key = readdirSync(this.confDir).filter((f) => /\.(conflist|conf|json)$/.test(f)).sort()
        .map((f) => { const st = statSync(join(this.confDir, f)); return `${f}:${st.mtimeMs}:${st.size}`; }).join('|');
    } catch { key = ''; }
    if (this.cached?.key === key) return this.cached.net;
    const net = loadCniNetwork(this.confDir);
    this.cached = { key, net };
    return net;
  }

  /** Why pods cannot get a network, or undefined when they can. */
  notReadyReason(): string | undefined {
    let net: CniNetworkList | undefined;
    try { net = this.network(); } catch (e) { return (e as Error).message; }
    if (!net) return `cni config uninitialized: no network config in ${this.confDir}`;
    const missing = net.plugins.map((p) => p.type).filter((t) => !this.findPlugin(t));
    if (missing.length) return `cni plugin(s) ${missing.join(', ')} not found in ${this.binDirs.join(':')}`;
    return undefined;
  }

  private findPlugin(type: string): string | undefined {
    for (const d of this.binDirs) { const p = join(d, type); if (existsSync(p)) return p; }
    return undefined;
  }

  /** ADD through the whole list; the final result. */
  async add(net: CniNetworkList, a: CniAttachment): Promise<CniResult> {
    let prev: CniResult | undefined;
    for (const p of net.plugins) if (pluginNeeded(p, a)) prev = await this.exec('ADD', net, p, a, prev);
    return prev ?? {};
  }

  /** DEL in reverse order with the cached result; every plugin runs even when one fails (so IPAM is released), then the first error. */
  async del(net: CniNetworkList, a: CniAttachment, prevResult?: CniResult): Promise<void> {
    let first: Error | undefined;
    for (const p of [...net.plugins].reverse()) {
      if (!pluginNeeded(p, a)) continue;
      try { await this.exec('DEL', net, p, a, prevResult); } catch (e) { first ??= e as Error; }
    }
    if (first) throw first;
  }

  async check(net: CniNetworkList, a: CniAttachment, prevResult: CniResult): Promise<void> {
    for (const p of net.plugins) if (pluginNeeded(p, a)) await this.exec('CHECK', net, p, a, prevResult);
  }

  private async exec(cmd: 'ADD' | 'DEL' | 'CHECK', net: CniNetworkList, plugin: CniPluginConf, a: CniAttachment, prev?: CniResult): Promise<CniResult | undefined> {
    const bin = this.findPlugin(plugin.type);
    if (!bin) throw new CniError(`CNI plugin ${plugin.type} not found in ${this.binDirs.join(':')}`);
    const conf: Record<string, unknown> = { ...plugin, cniVersion: net.cniVersion, name: net.name };
    const runtimeConfig: Record<string, unknown> = {};
    for (const [cap, on] of Object.entries(plugin.capabilities ?? {})) {
      if (on && a.capabilityArgs?.[cap] !== undefined) runtimeConfig[cap] = a.capabilityArgs[cap];
    }
    if (Object.keys(runtimeConfig).length) conf.runtimeConfig = runtimeConfig;
    if (prev) conf.prevResult = prev;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: cmd, CNI_CONTAINERID: a.containerId, CNI_NETNS: a.netnsPath, CNI_IFNAME: a.ifName,
      CNI_PATH: this.binDirs.join(':'),
      ...(a.args ? { CNI_ARGS: Object.entries(a.args).map(([k, v]) => `${k}=${v}`).join(';') } : {}),
    };
    const { code, stdout, stderr } = await run(bin, env, JSON.stringify(conf), 30_000);
    if (code !== 0) {
      let msg = stderr.trim() || `exit status ${code}`;
      try { const e = JSON.parse(stdout); msg = [e.msg, e.details].filter(Boolean).join(': ') || msg; } catch { /* not JSON */ }
      throw new CniError(`CNI plugin ${plugin.type} ${cmd} failed: ${msg}`);
    }
    if (cmd !== 'ADD') return undefined;
    try { return JSON.parse(stdout) as CniResult; } catch { throw new CniError(`CNI plugin ${plugin.type} ADD printed no JSON result: ${stdout.slice(0, 200)}`); }
  }
}

function run(bin: string, env: NodeJS.ProcessEnv, input: string, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = []; const err: Buffer[] = [];
    const timer = setTimeout(() => { child.kill('SIGKILL'); }, timeoutMs);
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => err.push(d));
    child.on('error', (e) => { clearTimeout(timer); reject(new CniError(`running ${bin}: ${e.message}`)); });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      resolve({ code: code ?? (sig ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** The first IPv4 and the IPv6 addresses of a result (CIDR suffixes dropped). */
export function resultIps(r: CniResult | undefined): { ip: string; additional: string[] } {
  const ips = (r?.ips ?? []).map((x) => x.address.split('/')[0]);
  const v4 = ips.find((x) => !x.includes(':'));
  const first = v4 ?? ips[0] ?? '';
  return { ip: first, additional: ips.filter((x) => x !== first) };
}
